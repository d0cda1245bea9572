"""Reading the account lists groups circulate: CSV with any header, or plain text, written
by people. Every form below names one account:

    @handle   handle   twitter.com/handle   https://x.com/handle/status/123
    mobile.twitter.com/handle   twitter.com/intent/user?screen_name=handle
    twitter.com/i/user/123 (an id)   x:handle   x:@handle   x:id:123
    @user@instance   https://instance/@user   https://instance/users/user   (Mastodon)
    bsky.app/profile/handle.bsky.social   bsky.app/profile/did:plc:...      (Bluesky)
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass

from hydrawatch import csvio
from hydrawatch.ingest import limits
from hydrawatch.platforms import AccountRef, get_platform, platform_names
from hydrawatch.platforms.spec import account_from_url

__all__ = ["AccountRef", "ListRow", "parse_ref", "read_rows"]

ACCOUNT_COLUMNS = ("handle", "account", "username", "user", "screen_name", "url", "link",
                   "profile", "twitter", "x", "acct", "id")


@dataclass
class ListRow:
    row: int          # line number in the file (1-based, as a person counts)
    raw: str
    ref: AccountRef | None
    problem: str | None = None


def _prefix() -> re.Pattern:
    names = [n for name in platform_names() for n in (name, *get_platform(name).aliases)]
    return re.compile(r"^(" + "|".join(map(re.escape, names)) + r")\s*:\s*(.+)$", re.I)


def parse_ref(text: str, default_platform: str = "x") -> AccountRef | None:
    """The account a list entry names, or None when it names none (or names it with an id
    or handle beyond the platform's limits, ``ingest.limits``)."""
    ref = _parse_ref(text, default_platform)
    if ref is None:
        return None
    if ref.handle is not None and len(ref.handle) > limits.handle_limit(ref.platform):
        return None
    if ref.account_id is not None and len(ref.account_id) > limits.MAX_ID_CHARS:
        return None
    return ref


def _parse_ref(text: str, default_platform: str = "x") -> AccountRef | None:
    s = text.strip().strip("\"'<>").strip()
    if not s:
        return None
    m = _prefix().match(s)
    if m and "//" not in s:
        platform = get_platform(m.group(1)).name
        rest = m.group(2).strip()
        if rest.lower().startswith("id:"):
            ident = rest[3:].strip()
            return AccountRef(platform, account_id=ident) if ident else None
        return _parse_ref(rest, platform)
    mastodon = get_platform("mastodon")
    if s.startswith("@") and s.count("@") == 2:  # @user@instance
        return mastodon.handle_ref(s)
    if "/" in s or s.lower().startswith(("http:", "https:", "www.")):
        return account_from_url(s)
    if s.count("@") == 1 and not s.startswith("@"):  # user@instance
        return mastodon.handle_ref(s)
    platform = get_platform(default_platform)
    if platform is not mastodon or "@" in s.lstrip("@"):
        return platform.handle_ref(s)
    return AccountRef("mastodon", handle=s.lstrip("@").lower())


def read_rows(data: bytes, default_platform: str = "x") -> list[ListRow]:
    """Every non-blank, non-comment row of a list file. Raises UnicodeDecodeError with the
    offending line for text that is not UTF-8 (the caller names the file)."""
    text = data.decode("utf-8-sig")
    if "\x00" in text:
        line = text[:text.index("\x00")].count("\n") + 1
        raise ValueError(f"line {line} holds a NUL character: not a text list")
    lines = text.splitlines()
    content = [(i, ln) for i, ln in enumerate(lines, 1) if ln.strip() and not ln.lstrip().startswith("#")]
    if not content:
        return []
    if _is_csv(content):
        return _csv_rows(content, default_platform)
    return [_row(i, ln.strip(), default_platform) for i, ln in content]


def _strength(cell: str, platform: str) -> int:
    """2 for an unmistakable account reference (@, URL), 1 for a bare word that could be a
    handle, 0 for none."""
    if parse_ref(cell, platform) is None:
        return 0
    return 2 if ("@" in cell or "/" in cell or ":" in cell) else 1


def _row(i: int, raw: str, platform: str) -> ListRow:
    ref = parse_ref(raw, platform)
    return ListRow(i, raw, ref, None if ref else "does not name an account")


def _is_csv(content) -> bool:
    sample = [ln for _, ln in content[:20]]
    return sum(1 for ln in sample if ("," in ln or "\t" in ln or ";" in ln)) >= max(1, len(sample) // 2)


def _parse_line(line: str, dialect) -> list[str] | None:
    try:
        return next(csv.reader(io.StringIO(line), dialect), [])
    except csv.Error:
        return None  # beyond csvio.MAX_FIELD, or malformed quoting


def _csv_rows(content, platform: str) -> list[ListRow]:
    csvio.allow_large_fields()
    sample = "\n".join(ln[:4096] for _, ln in content[:20])  # the sniffer's regexes are slow
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    parsed, broken = [], []
    for i, ln in content:
        cells = _parse_line(ln, dialect)
        if cells is None:
            broken.append(ListRow(i, ln[:200], None, "CSV row could not be read (a field "
                                  f"over {csvio.MAX_FIELD:,} characters, or bad quoting)"))
        else:
            parsed.append((i, cells))
    if not parsed:
        return broken
    header = [c.strip().lower().lstrip("\ufeff") for c in parsed[0][1]]
    col = next((j for name in ACCOUNT_COLUMNS for j, cell in enumerate(header)
                if name in re.split(r"[^a-z_]+", cell)), None)
    if col is not None:
        body = parsed[1:]
    else:  # no telling header: the column whose cells most clearly name accounts
        width = max(len(r) for _, r in parsed)
        strength = [sum(_strength(r[c], platform) for _, r in parsed[:200] if c < len(r))
                    for c in range(width)]
        col = max(range(width), key=lambda c: strength[c])
        first = parsed[0][1]
        has_header = col >= len(first) or parse_ref(first[col], platform) is None
        body = parsed[1:] if has_header else parsed
    rows = []
    for i, cells in body:
        raw = cells[col].strip() if col < len(cells) else ""
        if not raw:
            rows.append(ListRow(i, ",".join(cells), None, "empty account column"))
            continue
        rows.append(_row(i, raw, platform))
    return sorted(rows + broken, key=lambda r: r.row)
