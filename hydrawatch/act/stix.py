"""The verified list as a STIX 2.1 bundle, built with the ``stix2`` library.

One ``user-account`` per listed account (``account_type``, ``user_id``, ``account_login``,
``is_disabled`` once the platform removed it), one ``indicator`` per account whose pattern
matches that account, an ``identity`` for the publisher (an organisation, never a person),
a ``report`` holding them all, and a TLP marking on every object. Evidence hashes ride on
each indicator as external references (``hashes: {"SHA-256": ...}``), the audit chain head
in the report's description.

Ids of the identity and indicators are derived from stable keys (:func:`stable_id`), so two exports of the same
list name the same objects; user-accounts get stix2's own deterministic SCO ids.
"""

from __future__ import annotations

import hashlib
import uuid
from datetime import datetime

from hydrawatch.act.listing import ListEntry
from hydrawatch.errors import InputError

# STIX's account-type-ov has "twitter"; the other platforms are not in the vocabulary,
# which stix2-validator reports as a warning, not an error.
ACCOUNT_TYPES = {"x": "twitter", "mastodon": "mastodon", "bluesky": "bluesky",
                 "telegram": "telegram"}
TLP_LEVELS = ("white", "green", "amber", "red")


def stable_id(kind: str, key: str) -> str:
    """``kind--<uuid>`` fixed by ``key``: STIX wants version-4 UUIDs for SDOs, so the
    version bits of a SHA-256 prefix are set to 4 (random-looking, yet reproducible)."""
    digest = hashlib.sha256(f"hydrawatch:{kind}:{key}".encode()).digest()
    return f"{kind}--{uuid.UUID(bytes=digest[:16], version=4)}"


def account_type(platform: str) -> str:
    return ACCOUNT_TYPES.get(platform, platform)


def pattern_literal(value: str) -> str:
    """A STIX patterning string literal: quotes and backslashes escaped."""
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def account_pattern(entry: ListEntry) -> str:
    return (f"[user-account:account_type = {pattern_literal(account_type(entry.platform))} "
            f"AND user-account:user_id = {pattern_literal(entry.account_id)}]")


def _tlp(level: str):
    import stix2

    if level not in TLP_LEVELS:
        raise InputError(f"TLP level is one of {', '.join(TLP_LEVELS)}, not {level!r}")
    return {"white": stix2.TLP_WHITE, "green": stix2.TLP_GREEN, "amber": stix2.TLP_AMBER,
            "red": stix2.TLP_RED}[level]


def build_bundle(entries: list[ListEntry], *, publisher: str, now: datetime,
                 tlp: str = "white", audit_head: dict | None = None):
    """A ``stix2.Bundle`` of the list (see the module docstring)."""
    import stix2

    marking = _tlp(tlp)
    marks = [marking.id]
    identity = stix2.Identity(id=stable_id("identity", publisher),
                              name=publisher, identity_class="organization",
                              created=now, modified=now, object_marking_refs=marks)
    objects: list = [marking, identity]
    refs = []
    for e in entries:
        account = stix2.UserAccount(account_type=account_type(e.platform), user_id=e.account_id,
                                    account_login=e.handle or None,
                                    is_disabled=e.status == "removed", object_marking_refs=marks)
        since = e.verified_at or now
        indicator = stix2.Indicator(
            id=stable_id("indicator", e.key),
            created_by_ref=identity.id, created=since, modified=since,
            name=f"{e.platform} account {e.account_id}",
            description=f"Verified by {e.confirmations} independent organisation(s)"
                        + (f"; category {e.category}" if e.category else ""),
            indicator_types=["malicious-activity"], pattern=account_pattern(e),
            pattern_type="stix", valid_from=since,
            labels=[e.category] if e.category else None,
            external_references=[{"source_name": "hydrawatch-evidence", "external_id": h,
                                  "hashes": {"SHA-256": h}} for h in e.evidence_sha256] or None,
            object_marking_refs=marks)
        objects += [account, indicator]
        refs += [account.id, indicator.id]
    head = ""
    if audit_head:
        head = (f" Audit chain head {audit_head.get('audit_head')} at entry "
                f"{audit_head.get('audit_position')}.")
    report = stix2.Report(
        created_by_ref=identity.id, created=now, modified=now, published=now,
        name=f"Verified accounts published by {publisher}",
        description=f"{len(entries)} accounts, each verified by reviewers of independent "
                    f"organisations.{head}",
        report_types=["threat-report"], object_refs=refs or [identity.id],
        object_marking_refs=marks)
    objects.append(report)
    return stix2.Bundle(objects=objects, allow_custom=False)


def validate_bundle(text: str) -> tuple[list[str], list[str]]:
    """(errors, warnings) from stix2-validator for a serialised bundle. The validator reads
    its bundled JSON schemas from its own package directory, so this needs no network."""
    from stix2validator import ValidationOptions, validate_string

    results = validate_string(text, ValidationOptions(version="2.1"))
    errors, warnings = [], []
    for obj in results if isinstance(results, list) else [results]:
        errors += [f"{obj.object_id}: {e.message}" for e in obj.errors or []]
        warnings += [f"{obj.object_id}: {w}" for w in obj.warnings or []]
    return errors, warnings
