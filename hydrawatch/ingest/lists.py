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
from urllib.parse import parse_qs, urlsplit

X_HOSTS = {"twitter.com", "x.com", "mobile.twitter.com", "mobile.x.com", "www.twitter.com",
           "www.x.com", "m.twitter.com", "fxtwitter.com", "vxtwitter.com", "nitter.net"}
X_RESERVED = {"i", "intent", "home", "search", "hashtag", "share", "explore", "settings",
              "messages", "notifications", "login", "signup", "tos", "privacy", "status"}
X_HANDLE = re.compile(r"^[A-Za-z0-9_]{1,15}$")
MASTO_USER = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]*$")
DOMAIN = re.compile(r"^(?=.{3,253}$)([a-z0-9-]+\.)+[a-z]{2,63}$")
ACCOUNT_COLUMNS = ("handle", "account", "username", "user", "screen_name", "url", "link",
                   "profile", "twitter", "x", "acct", "id")


@dataclass(frozen=True)
class AccountRef:
    platform: str
    handle: str | None = None  # normalised: lowercase, no '@' (Mastodon: user@instance)
    account_id: str | None = None


@dataclass
class ListRow:
    row: int          # line number in the file (1-based, as a person counts)
    raw: str
    ref: AccountRef | None
    problem: str | None = None


def parse_ref(text: str, default_platform: str = "x") -> AccountRef | None:
    """The account a list entry names, or None when it names none."""
    s = text.strip().strip("\"'<>").strip()
    if not s:
        return None
    m = re.match(r"^(x|twitter|mastodon|bluesky|telegram)\s*:\s*(.+)$", s, re.I)
    if m and "//" not in s:
        platform = "x" if m.group(1).lower() == "twitter" else m.group(1).lower()
        rest = m.group(2).strip()
        if rest.lower().startswith("id:"):
            ident = rest[3:].strip()
            return AccountRef(platform, account_id=ident) if ident else None
        return parse_ref(rest, platform)
    if s.startswith("@") and s.count("@") == 2:  # @user@instance
        user, _, domain = s[1:].partition("@")
        return _mastodon(user, domain)
    if "/" in s or s.lower().startswith(("http:", "https:", "www.")):
        return _from_url(s)
    if s.count("@") == 1 and not s.startswith("@"):  # user@instance
        user, _, domain = s.partition("@")
        return _mastodon(user, domain)
    handle = s.lstrip("@")
    if default_platform == "x":
        return AccountRef("x", handle=handle.lower()) if X_HANDLE.match(handle) else None
    if default_platform == "mastodon" and "@" in handle:
        user, _, domain = handle.partition("@")
        return _mastodon(user, domain)
    return AccountRef(default_platform, handle=handle.lower()) if handle else None


def _mastodon(user: str, domain: str) -> AccountRef | None:
    domain = domain.lower().strip("/")
    if MASTO_USER.match(user) and DOMAIN.match(domain):
        return AccountRef("mastodon", handle=f"{user.lower()}@{domain}")
    return None


def _from_url(s: str) -> AccountRef | None:
    if "//" not in s:
        s = "https://" + s
    try:
        parts = urlsplit(s)
    except ValueError:
        return None
    host = (parts.hostname or "").lower()
    segs = [p for p in parts.path.split("/") if p]
    if host in X_HOSTS:
        if segs[:2] == ["intent", "user"] or segs[:2] == ["intent", "follow"]:
            qs = parse_qs(parts.query)
            if qs.get("user_id"):
                return AccountRef("x", account_id=qs["user_id"][0])
            name = (qs.get("screen_name") or [""])[0]
            return AccountRef("x", handle=name.lower()) if X_HANDLE.match(name) else None
        if len(segs) >= 3 and segs[0] == "i" and segs[1] == "user" and segs[2].isdigit():
            return AccountRef("x", account_id=segs[2])
        if segs and segs[0].lower() not in X_RESERVED:
            name = segs[0].lstrip("@")
            return AccountRef("x", handle=name.lower()) if X_HANDLE.match(name) else None
        return None
    if host in ("bsky.app", "staging.bsky.app") and len(segs) >= 2 and segs[0] == "profile":
        ident = segs[1]
        if ident.startswith("did:"):
            return AccountRef("bluesky", account_id=ident)
        return AccountRef("bluesky", handle=ident.lower())
    if host in ("t.me", "telegram.me") and segs:
        return AccountRef("telegram", handle=segs[0].lower().lstrip("@"))
    if host and DOMAIN.match(host) and segs:
        if segs[0].startswith("@") and len(segs[0]) > 1:
            user = segs[0][1:]
            if "@" in user:  # remote account seen through another instance
                u, _, d = user.partition("@")
                return _mastodon(u, d)
            return _mastodon(user, host)
        if segs[0] == "users" and len(segs) >= 2:
            return _mastodon(segs[1], host)
    return None


def read_rows(data: bytes, default_platform: str = "x") -> list[ListRow]:
    """Every non-blank, non-comment row of a list file. Raises UnicodeDecodeError with the
    offending line for text that is not UTF-8 (the caller names the file)."""
    text = data.decode("utf-8-sig")
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


def _csv_rows(content, platform: str) -> list[ListRow]:
    sample = "\n".join(ln for _, ln in content[:20])
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    parsed = [(i, next(csv.reader(io.StringIO(ln), dialect), [])) for i, ln in content]
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
    return rows
