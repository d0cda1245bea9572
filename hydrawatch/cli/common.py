"""Helpers shared by the command modules: opening the store, naming accounts, printing
JSON. Light at import time (see ``hydrawatch/cli/__init__.py``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from hydrawatch.cli.output import print_json  # noqa: F401  (re-exported for the commands)

if TYPE_CHECKING:
    from hydrawatch.store import Store


def store_for(db: str | None) -> "Store":
    from hydrawatch.store import open_store

    return open_store(db)


def json_wanted(fmt, as_json: bool) -> str:
    """The format asked for, with the older ``--json`` flag meaning ``--format json``."""
    return "json" if as_json else getattr(fmt, "value", fmt)


def resolve(store: "Store", account: str) -> tuple[str, str]:
    """(platform, account_id) of the account ``account`` names, in the one syntax every
    command takes: ``PLATFORM:ID``, ``PLATFORM:@handle``, ``@handle`` or a profile URL
    (``hydrawatch.platforms.spec``). Unknown or ambiguous: a one-line error."""
    from hydrawatch.verification.review import resolve_account

    with store.session(readonly=True) as sess:
        return resolve_account(sess, account)
