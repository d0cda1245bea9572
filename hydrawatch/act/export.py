"""Exports of the verified list, one :class:`Exporter` per format, registered by name.

Built-ins (``csv``, ``json``, ``stix``, ``mastodon-csv``, ``hashes``) come through the
``hydrawatch.exporters`` entry point group in ``pyproject.toml``, exactly as a third-party
package adds one::

    [project.entry-points."hydrawatch.exporters"]
    myformat = "mypackage.export:MyExporter"

Every exporter renders the same :class:`ExportData`, which holds only what may be
published (see :mod:`hydrawatch.act.listing`): never a reviewer's identity.
"""

from __future__ import annotations

import io
import re
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import orjson

from hydrawatch.act.listing import ListEntry, verified_entries, verified_pdq
from hydrawatch.errors import HydrawatchError
from hydrawatch.registry import Registry
from hydrawatch.store.db import transaction
from hydrawatch.timeutil import as_utc, iso, utcnow

DEFAULT_PUBLISHER = "hydrawatch publisher"
LIST_FORMAT = "hydrawatch-list/1"
CSV_COLUMNS = ("platform", "id", "handle", "category", "status", "verified_at", "confirmations",
               "evidence_sha256")
# Mastodon's account import: usernames are [a-z0-9_] with inner dots/dashes, then a host.
_MASTODON_ADDRESS = re.compile(
    r"^[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_])?@(?:[A-Za-z0-9-]+\.)+[A-Za-z0-9-]{2,}$")


class ExportError(HydrawatchError):
    """An export that would be wrong (e.g. a STIX bundle the validator rejects)."""


@dataclass(frozen=True)
class ExportData:
    entries: list[ListEntry]
    pdq: list[str]
    publisher: str
    generated_at: datetime
    audit: dict = field(default_factory=dict)  # the audit chain head (store.anchor.Head)
    tlp: str = "white"


class Exporter(ABC):
    """One export format: ``render`` turns the list into the file's text."""

    name: str = ""
    suffix: str = ""
    media_type: str = "text/plain"

    @abstractmethod
    def render(self, data: ExportData) -> str: ...


exporters: Registry[Exporter] = Registry("hydrawatch.exporters", Exporter, what="export format")


def get_exporter(name: str) -> Exporter:
    exporters.load()
    return exporters.get(name)


def export_formats() -> list[str]:
    exporters.load()
    return exporters.names()


def collect(db_or_store, *, now: datetime | None = None, publisher: str = DEFAULT_PUBLISHER,
            tlp: str = "white") -> ExportData:
    """Everything an export needs, read in one transaction (with the audit head then)."""
    from hydrawatch.store.anchor import head

    now = as_utc(now) or utcnow()
    with transaction(db_or_store, readonly=True) as db:
        return ExportData(entries=verified_entries(db, now=now), pdq=verified_pdq(db),
                          publisher=publisher, generated_at=now, audit=head(db).as_dict(),
                          tlp=tlp)


def export(db_or_store, fmt: str, *, now: datetime | None = None,
           publisher: str = DEFAULT_PUBLISHER, tlp: str = "white") -> str:
    """The list in format ``fmt`` (a name from :func:`export_formats`)."""
    exporter = get_exporter(fmt)
    return exporter.render(collect(db_or_store, now=now, publisher=publisher, tlp=tlp))


def write_export(db_or_store, fmt: str, out: str | Path, **kwargs) -> Path:
    path = Path(out)
    path.write_text(export(db_or_store, fmt, **kwargs), encoding="utf-8", newline="")
    return path


# -- the built-in formats ----------------------------------------------------------------

def _csv_text(rows) -> str:
    from hydrawatch.csvio import writer

    buf = io.StringIO(newline="")
    writer(buf).writerows(rows)
    return buf.getvalue()


class CsvExporter(Exporter):
    """One row per account; evidence hashes joined by ``;``."""

    name, suffix, media_type = "csv", ".csv", "text/csv"

    def render(self, data: ExportData) -> str:
        rows = [CSV_COLUMNS]
        for e in data.entries:
            rows.append((e.platform, e.account_id, e.handle or "", e.category or "", e.status,
                         iso(e.verified_at) or "", e.confirmations, ";".join(e.evidence_sha256)))
        return _csv_text(rows)


class JsonExporter(Exporter):
    """``{"format", "generated_at", "publisher", "audit", "count", "accounts": [...]}``."""

    name, suffix, media_type = "json", ".json", "application/json"

    def render(self, data: ExportData) -> str:
        doc = {"format": LIST_FORMAT, "generated_at": iso(data.generated_at),
               "publisher": data.publisher, "audit": data.audit, "count": len(data.entries),
               "accounts": [e.as_dict() for e in data.entries]}
        return orjson.dumps(doc, option=orjson.OPT_INDENT_2).decode() + "\n"


class StixExporter(Exporter):
    """A STIX 2.1 bundle (see :mod:`hydrawatch.act.stix`), checked by stix2-validator
    before it is returned: a bundle with validation errors is never written."""

    name, suffix, media_type = "stix", ".stix.json", "application/stix+json;version=2.1"

    def render(self, data: ExportData) -> str:
        from hydrawatch.act.stix import build_bundle, validate_bundle

        bundle = build_bundle(data.entries, publisher=data.publisher, now=data.generated_at,
                              tlp=data.tlp, audit_head=data.audit)
        text = bundle.serialize(pretty=True) + "\n"
        errors, _warnings = validate_bundle(text)
        if errors:
            raise ExportError("the STIX bundle fails validation: " + "; ".join(errors[:5]))
        return text


def mastodon_address(entry: ListEntry) -> str | None:
    """``user@domain`` for a Mastodon entry whose handle is one, else None."""
    if entry.platform != "mastodon" or not entry.handle:
        return None
    address = entry.handle.strip().lstrip("@")
    return address if _MASTODON_ADDRESS.match(address) else None


class MastodonCsvExporter(Exporter):
    """Mastodon's block-list import (Preferences > Import and export > Import, type
    "Blocking list"): a header ``Account address`` and one ``user@domain`` a row. Only
    Mastodon accounts; a handle that is not a well-formed address is left out."""

    name, suffix, media_type = "mastodon-csv", ".csv", "text/csv"

    def render(self, data: ExportData) -> str:
        addresses = sorted({a for a in map(mastodon_address, data.entries) if a})
        return _csv_text([("Account address",), *((a,) for a in addresses)])


class HashesExporter(Exporter):
    """PDQ hashes of listed accounts' media in ThreatExchange's local-file signal format
    (``pdq <64 hex>`` a line), as python-threatexchange's LocalFileSignalExchangeAPI reads."""

    name, suffix, media_type = "hashes", ".txt", "text/plain"

    def render(self, data: ExportData) -> str:
        return "".join(f"pdq {h}\n" for h in data.pdq)
