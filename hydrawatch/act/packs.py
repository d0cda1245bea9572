"""Report packs: for platforms with no report API (X v2, Telegram), the verified accounts
go to the platform's trusted-flagger, legal or abuse channel as a folder a person sends:

    accounts.csv       one row per case: platform, id, handle, profile URL, category,
                       verified_at, evidence hashes, the predecessor a re-entry replaces
    evidence.sha256    ``<sha256>  case-<id>/<kind>-<evidence id>`` per evidence item
    letter.md          a cover letter for the channel
    manifest.json      every file's SHA-256 and the case ids

No reviewer, user or organisation name goes into a pack. The pack is marked sent by the
person who sent it (``hydrawatch report mark-sent PACK``).
"""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import orjson

from hydrawatch.platforms import get_platform
from hydrawatch.timeutil import iso

CHANNELS = {
    "x": "X's trusted-flagger or legal-request channel (X API v2 has no report endpoint)",
    "telegram": "Telegram's abuse address (abuse@telegram.org); Telegram has no report API",
}
CSV_HEADER = ("case_id", "platform", "account_id", "handle", "profile_url", "category",
              "verified_at", "evidence_sha256", "reentry_of")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class PackEntry:
    case_id: int
    platform: str
    account_id: str
    handle: str | None
    category: str | None
    verified_at: datetime | None
    evidence: tuple[tuple[int, str, str], ...]   # (evidence id, kind, sha256)
    predecessor: str | None                       # "platform:id" of the account it replaces


def safe_cell(value) -> str:
    """A CSV cell a spreadsheet will not run: handles and names are hostile input, and a
    cell starting with = + - @ is a formula to Excel and LibreOffice."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def write_pack(out_dir: Path, platform: str, entries: list[PackEntry], now: datetime) -> Path:
    """Write a pack folder for ``entries`` under ``out_dir``; returns its path."""
    p = get_platform(platform)
    stamp = now.strftime("%Y%m%dT%H%M%S%fZ")
    path = Path(out_dir) / f"{platform}-{stamp}"
    path.mkdir(parents=True, exist_ok=False)
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(CSV_HEADER)
    for e in entries:
        writer.writerow([safe_cell(v) for v in (
            e.case_id, e.platform, e.account_id, e.handle or "",
            p.profile_url(handle=e.handle, account_id=e.account_id) or "", e.category or "",
            iso(e.verified_at) or "", " ".join(sha for _, _, sha in e.evidence),
            e.predecessor or "")])
    files = {
        "accounts.csv": buf.getvalue(),
        "evidence.sha256": "".join(f"{sha}  case-{e.case_id}/{kind}-{eid}\n"
                                   for e in entries for eid, kind, sha in e.evidence),
        "letter.md": _letter(platform, entries, now),
    }
    for name, text in files.items():
        (path / name).write_text(text, encoding="utf-8")
    manifest = {"platform": platform, "created_at": iso(now), "cases": [e.case_id for e in entries],
                "files": {name: hashlib.sha256(text.encode()).hexdigest()
                          for name, text in sorted(files.items())}}
    (path / "manifest.json").write_bytes(orjson.dumps(manifest, option=orjson.OPT_INDENT_2) + b"\n")
    return path


def _letter(platform: str, entries: list[PackEntry], now: datetime) -> str:
    reentries = sum(1 for e in entries if e.predecessor)
    categories = sorted({e.category for e in entries if e.category})
    lines = [
        f"# Report: {len(entries)} accounts on {platform}",
        "",
        f"To: {CHANNELS.get(platform, f'{platform} trust and safety')}",
        f"Date: {iso(now)}",
        "",
        "The accounts listed in `accounts.csv` spread terrorist or violent-extremist "
        "propaganda. Each was verified by at least two independent reviewers from different "
        "organisations, each citing captured evidence; `evidence.sha256` lists the SHA-256 of "
        "every evidence item so that any copy we share can be checked against this letter.",
        "",
        f"Categories: {', '.join(categories) or 'not given'}.",
    ]
    if reentries:
        lines += ["", f"{reentries} of them are re-entries (ban evasion): the `reentry_of` "
                      "column names the suspended account each one replaces."]
    lines += ["", "We ask that you review these accounts under your policies on violent "
                  "extremism and tell us of any decision, so that our published list stays "
                  "accurate. Accounts can appeal their listing through our public appeal form.", ""]
    return "\n".join(lines)
