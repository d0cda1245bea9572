"""Writers for the platform shapes `hydrawatch ingest` reads: X API v2 pages, Mastodon
Status objects, canonical JSONL. Each holds one open file and at most one page in memory."""

from __future__ import annotations

import html
from functools import lru_cache
from datetime import datetime, timezone
from pathlib import Path

import orjson

from hydrawatch.sim import text as T

PAGE = 100  # tweets per X page (the API's max_results)
INSTANCES = ("social.example", "mastodon.example", "toot.example", "fedi.example")


@lru_cache(maxsize=4096)
def _day_prefix(day: int) -> str:
    return datetime.fromtimestamp(day * 86400, timezone.utc).strftime("%Y-%m-%dT")


def iso(t: int) -> str:
    day, sec = divmod(int(t), 86400)
    return f"{_day_prefix(day)}{sec // 3600:02d}:{sec % 3600 // 60:02d}:{sec % 60:02d}Z"


def x_time(t: int) -> str:
    return iso(t)[:-1] + ".000Z"


class Post:
    """One post as the generator thinks of it, before it takes a platform's shape."""

    __slots__ = ("pid", "author", "t", "text", "lang", "reshare", "reply", "quote", "mentions")

    def __init__(self, pid, author, t, text, lang, reshare=None, reply=None, quote=None, mentions=()):
        self.pid = pid          # int
        self.author = author    # account index
        self.t = t              # epoch seconds
        self.text = text
        self.lang = lang
        self.reshare = reshare  # Post or None
        self.reply = reply
        self.quote = quote
        self.mentions = mentions  # [(handle, account index or None)]


class _File:
    def __init__(self, path: Path):
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.fh = open(path, "wb")

    def line(self, obj) -> None:
        self.fh.write(orjson.dumps(obj))
        self.fh.write(b"\n")

    def close(self) -> None:
        self.fh.close()


class CanonicalWriter(_File):
    def account(self, platform: str, acct_id: int, ident, handle: str, created: int, observed: int,
                metrics: tuple[int, int, int]) -> None:
        self.line({"kind": "account", "platform": platform, "id": str(acct_id), "handle": handle,
                   "name": ident.name, "bio": ident.bio, "created_at": iso(created),
                   "avatar_pdq": ident.avatar, "followers": metrics[0], "following": metrics[1],
                   "posts": metrics[2], "lang": ident.lang, "observed_at": iso(observed)})

    def follow(self, platform: str, src: int, dst: int, observed: int) -> None:
        # the hottest record of all: formatted directly (ids and times need no escaping)
        self.fh.write(f'{{"kind":"edge","platform":"{platform}","src":"{src}","dst":"{dst}",'
                      f'"type":"follows","observed_at":"{iso(observed)}"}}\n'.encode())

    def status(self, platform: str, acct_id: int, handle: str, status: str, observed: int) -> None:
        self.line({"kind": "status", "platform": platform, "id": str(acct_id), "handle": handle,
                   "status": status, "observed_at": iso(observed)})

    def post(self, platform: str, world, post: Post) -> None:
        rec = {"kind": "post", "platform": platform, "id": str(post.pid),
               "account_id": str(world.ids[post.author]), "created_at": iso(post.t),
               "text": post.text, "lang": post.lang,
               "hashtags": [h for h, _, _ in T.hashtags_in(post.text)],
               "mentions": [{"id": str(world.ids[i]), "handle": h} if i is not None else {"handle": h}
                            for h, i in post.mentions],
               "urls": [u for u, _, _ in T.urls_in(post.text)]}
        for key, ref in (("reshare_of", post.reshare), ("reply_to", post.reply), ("quote_of", post.quote)):
            if ref is not None:
                rec[key] = {"post_id": str(ref.pid), "account_id": str(world.ids[ref.author])}
        self.line(rec)


class XPageWriter(_File):
    """X API v2 tweet pages (search/timeline responses), one page per line."""

    def __init__(self, path: Path, world):
        super().__init__(path)
        self.world = world
        self.tweets: list[dict] = []
        self.users: dict[int, dict] = {}
        self.refs: dict[int, dict] = {}
        self.tco = 0

    def _short(self, url: str) -> str:
        self.tco += 1
        return f"https://t.co/{(self.tco * 2_654_435_761 + 12_345) % 36**10:010x}"[:23]

    def _tweet(self, post: Post) -> dict:
        w = self.world
        body = post.text
        if post.reshare is not None:
            body = f"RT @{w.handle_at(post.reshare.author, post.t)}: {post.reshare.text}"
        urls = []
        for url, _, _ in T.urls_in(body):
            short = self._short(url)
            body = body.replace(url, short, 1)
            urls.append((short, url))
        entities: dict = {}
        tags = [{"start": s, "end": e, "tag": tag} for tag, s, e in T.hashtags_in(body)]
        if tags:
            entities["hashtags"] = tags
        known = dict(post.mentions)
        if post.reshare is not None:
            known[w.handle_at(post.reshare.author, post.t)] = post.reshare.author
        if post.reply is not None:
            known[w.handle_at(post.reply.author, post.t)] = post.reply.author
        mentions = []
        for handle, s, e in T.mentions_in(body):
            m = {"start": s, "end": e, "username": handle}
            idx = known.get(handle)
            if idx is not None and w.suspended[idx] > post.t:  # the API resolves live accounts only
                m["id"] = str(w.ids[idx])
                if idx not in self.users:
                    self.users[idx] = w.x_user(idx, post.t)
            mentions.append(m)
        if mentions:
            entities["mentions"] = mentions
        if urls:
            entities["urls"] = [{"start": body.find(short), "end": body.find(short) + len(short),
                                 "url": short, "expanded_url": url,
                                 "display_url": url.split("://", 1)[1][:40]} for short, url in urls]
        tweet = {"id": str(post.pid), "author_id": str(w.ids[post.author]), "created_at": x_time(post.t),
                 "lang": post.lang, "conversation_id": str((post.reply or post).pid), "text": body}
        if entities:
            tweet["entities"] = entities
        refs = []
        for kind, ref in (("retweeted", post.reshare), ("replied_to", post.reply), ("quoted", post.quote)):
            if ref is not None:
                refs.append({"type": kind, "id": str(ref.pid)})
                if ref.pid not in self.refs:
                    self.refs[ref.pid] = {"id": str(ref.pid), "author_id": str(w.ids[ref.author]),
                                          "created_at": x_time(ref.t), "lang": ref.lang, "text": ref.text}
                    if ref.author not in self.users:
                        self.users[ref.author] = w.x_user(ref.author, post.t)
        if post.reply is not None:
            tweet["in_reply_to_user_id"] = str(w.ids[post.reply.author])
        if refs:
            tweet["referenced_tweets"] = refs
        return tweet

    def add(self, post: Post) -> None:
        self.tweets.append(self._tweet(post))
        self.last_t = post.t
        if post.author not in self.users:
            self.users[post.author] = self.world.x_user(post.author, post.t)
        if len(self.tweets) >= PAGE:
            self.flush()

    def flush(self) -> None:
        if not self.tweets:
            return
        page = {"data": self.tweets,
                "includes": {"users": list(self.users.values())},
                "meta": {"result_count": len(self.tweets), "newest_id": self.tweets[-1]["id"],
                         "oldest_id": self.tweets[0]["id"]},
                # twarc stamps every page it saves with the time it fetched it
                "__twarc": {"url": "https://api.twitter.com/2/tweets/search/all", "version": "2.14.0",
                            "retrieved_at": x_time(self.last_t + 60)}}
        if self.refs:
            page["includes"]["tweets"] = list(self.refs.values())
        self.line(page)
        self.tweets, self.users, self.refs = [], {}, {}

    def close(self) -> None:
        self.flush()
        super().close()


class XLookupWriter(_File):
    """X users-lookup responses: live users in ``data``, suspended ones in ``errors``."""

    def page(self, t: int, users: list[dict], suspended_handles: list[str]) -> None:
        page: dict = {"__twarc": {"url": "https://api.twitter.com/2/users/by", "version": "2.14.0",
                                  "retrieved_at": x_time(t)}}
        if users:
            page["data"] = users
        if suspended_handles:
            page["errors"] = [{"value": h, "detail": f"User has been suspended: [{h}].", "title": "Forbidden",
                               "resource_type": "user", "parameter": "usernames", "resource_id": h,
                               "type": "https://api.twitter.com/2/problems/resource-not-found"}
                              for h in suspended_handles]
        if users or suspended_handles:
            self.line(page)


class MastodonWriter(_File):
    """Mastodon Status entities, one per line."""

    def __init__(self, path: Path, world):
        super().__init__(path)
        self.world = world

    def _html(self, body: str) -> str:
        out = html.escape(body, quote=False)
        for tag, _, _ in T.hashtags_in(body):
            out = out.replace(f"#{tag}", f'<a href="https://social.example/tags/{tag}" class="mention hashtag" '
                                          f'rel="tag">#<span>{html.escape(tag)}</span></a>', 1)
        for url, _, _ in T.urls_in(body):
            esc = html.escape(url)
            out = out.replace(esc, f'<a href="{esc}" rel="nofollow noopener" target="_blank">{esc}</a>', 1)
        return f"<p>{out}</p>"

    def _status(self, post: Post, full: bool = True) -> dict:
        w = self.world
        acct = w.masto_account(post.author, post.t, full=full)
        st = {"id": str(post.pid), "created_at": x_time(post.t),
              "content": self._html(post.text), "account": acct,
              "media_attachments": [],
              "mentions": [{"id": str(w.ids[i]), "username": h, "acct": w.masto_acct(i, post.t),
                            "url": w.masto_url(i, post.t)} for h, i in post.mentions if i is not None],
              "tags": [{"name": tag, "url": f"https://social.example/tags/{tag}"}
                       for tag, _, _ in T.hashtags_in(post.text)]}
        if full:
            inst = INSTANCES[w.ids[post.author] % len(INSTANCES)]
            st.update({"in_reply_to_id": str(post.reply.pid) if post.reply else None,
                       "in_reply_to_account_id": str(w.ids[post.reply.author]) if post.reply else None,
                       "sensitive": False, "spoiler_text": "", "visibility": "public", "language": post.lang,
                       "uri": f"https://{inst}/users/{w.handle_at(post.author, post.t)}/statuses/{post.pid}",
                       "url": f"https://{inst}/@{w.handle_at(post.author, post.t)}/{post.pid}",
                       "replies_count": 0, "reblogs_count": 0, "favourites_count": 0, "reblog": None})
        return st

    def add(self, post: Post) -> None:
        if post.reshare is not None:
            st = self._status(Post(post.pid, post.author, post.t, "", post.lang))
            st["content"] = ""
            st["language"] = None
            st["reblog"] = self._status(post.reshare, full=False)
        else:
            st = self._status(post)
        self.line(st)
