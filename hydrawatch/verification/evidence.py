"""Evidence: content-addressed snapshots of what a reviewer looked at.

An evidence row holds the canonical JSON (orjson, sorted keys) of a post, an account, a
re-entry link or a media item *as the store held it at capture time*, its SHA-256,
``captured_at`` and ``captured_by``. Nothing ever updates ``content``: re-ingesting,
editing or deleting the post later leaves the snapshot as it was, and
:func:`verify_evidence` re-hashes every row to prove it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

import orjson
from sqlalchemy import select
from sqlalchemy.orm import Session

from hydrawatch.store import audit
from hydrawatch.errors import InputError, NotFound
from hydrawatch.store.db import transaction
from hydrawatch.store.schema import Account, Case, Evidence, Handle, Link, Media, PolicyPack, Post
from hydrawatch.timeutil import iso, utcnow

TOP_POSTS = 5  # posts captured automatically when a case opens
_SCAN_POSTS = 2000  # newest posts of an account considered for that ranking


def canonical_json(obj) -> bytes:
    """Canonical bytes: sorted keys, no whitespace, datetimes as ISO strings."""
    return orjson.dumps(obj, option=orjson.OPT_SORT_KEYS, default=str)


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def parse_ref(ref: str, what: str = "post") -> tuple[str, str]:
    """``"x:1720..."`` -> ("x", "1720...")."""
    platform, sep, ident = (ref or "").partition(":")
    if not sep or not platform or not ident:
        raise InputError(f"{what} reference must look like PLATFORM:ID, got {ref!r}")
    return platform.strip().lower(), ident.strip()


# -- snapshots of store rows -------------------------------------------------------------

def account_snapshot(db: Session, platform: str, account_id: str) -> dict:
    acc = db.scalars(select(Account).where(Account.platform == platform,
                                           Account.account_id == account_id)).first()
    if acc is None:
        raise NotFound(f"no account {platform}:{account_id} in the store")
    handles = db.scalars(select(Handle).where(Handle.platform == platform,
                                              Handle.account_id == account_id)
                         .order_by(Handle.first_seen, Handle.handle)).all()
    snap = {
        "kind": "account", "platform": acc.platform, "account_id": acc.account_id,
        "handle": acc.handle, "name": acc.name, "bio": acc.bio, "url": acc.url,
        "created_at": iso(acc.created_at), "avatar_pdq": acc.avatar_pdq,
        "followers": acc.followers, "following": acc.following, "posts_count": acc.posts_count,
        "lang": acc.lang, "status": acc.status, "status_at": iso(acc.status_at),
        "first_seen": iso(acc.first_seen), "last_seen": iso(acc.last_seen),
        "score": acc.score, "score_reasons": acc.score_reasons, "extra": acc.extra,
        "handles": [{"handle": h.handle, "first_seen": iso(h.first_seen),
                     "last_seen": iso(h.last_seen)} for h in handles],
    }
    if acc.avatar_pdq:
        hits = _bank_matches(db, [acc.avatar_pdq]).get(acc.avatar_pdq.lower())
        if hits:
            snap["avatar_bank_matches"] = hits
    return snap


def _bank_matches(db: Session, hashes) -> dict[str, list[dict]]:
    from hydrawatch.media.banks import matches_for_hashes

    return matches_for_hashes(db, hashes)


def post_snapshot(db: Session, platform: str, post_id: str) -> dict:
    post = db.scalars(select(Post).where(Post.platform == platform,
                                         Post.post_id == post_id)).first()
    if post is None:
        raise NotFound(f"no post {platform}:{post_id} in the store")
    media = db.scalars(select(Media).where(Media.platform == platform, Media.post_id == post_id)
                       .order_by(Media.position)).all()
    try:
        author = account_snapshot(db, platform, post.account_id)
    except NotFound:
        author = {"kind": "account", "platform": platform, "account_id": post.account_id}
    hits = _bank_matches(db, [m.pdq for m in media if m.pdq])
    return {
        "kind": "post", "platform": post.platform, "post_id": post.post_id,
        "account_id": post.account_id, "created_at": iso(post.created_at), "text": post.text,
        "lang": post.lang, "hashtags": post.hashtags, "mentions": post.mentions,
        "urls": post.urls,
        "reshare_of": {"post_id": post.reshare_of_post, "account_id": post.reshare_of_account},
        "reply_to": {"post_id": post.reply_to_post, "account_id": post.reply_to_account},
        "quote_of": {"post_id": post.quote_of_post, "account_id": post.quote_of_account},
        "observed_at": iso(post.observed_at), "extra": post.extra,
        "media": [{"position": m.position, "kind": m.kind, "url": m.url, "pdq": m.pdq,
                   **({"bank_matches": hits[m.pdq.lower()]} if m.pdq and m.pdq.lower() in hits else {})}
                  for m in media],
        "account": author,
    }


def link_snapshot(link: Link) -> dict:
    return {"kind": "link", "platform": link.platform, "successor_id": link.successor_id,
            "predecessor_id": link.predecessor_id, "confidence": link.confidence,
            "rank": link.rank, "reasons": link.reasons, "linkable_at": iso(link.linkable_at)}


# -- capturing ---------------------------------------------------------------------------

def capture(db: Session, case_id: int, kind: str, ref: str | None, content: dict, *,
            by_user_id: int | None = None, actor: str = "system") -> Evidence:
    """Store ``content`` as evidence of the case. The same content captured twice for the
    same case gives back the first row (content-addressed)."""
    body = canonical_json(content)
    digest = sha256_hex(body)
    existing = db.scalars(select(Evidence).where(Evidence.case_id == case_id,
                                                 Evidence.sha256 == digest)).first()
    if existing is not None:
        return existing
    ev = Evidence(case_id=case_id, kind=kind, ref=ref, content=body.decode(), sha256=digest,
                  captured_at=utcnow(), captured_by=by_user_id)
    db.add(ev)
    db.flush()
    audit.record(db, actor, "evidence.capture", "evidence", ev.id,
                 {"case": case_id, "kind": kind, "ref": ref, "sha256": digest})
    return ev


def _case(db: Session, case_id: int) -> Case:
    case = db.get(Case, case_id)
    if case is None:
        raise NotFound(f"no case {case_id}")
    return case


def capture_post(db_or_store, case_id: int, post_ref: str, *, by_user) -> Evidence:
    """Snapshot the post ``PLATFORM:ID`` (with its media and author) as evidence of a case.
    ``by_user``: a user (any role) or a system principal. The post must be by the case's
    account, or by a re-entry predecessor it is linked to (see verification.binding)."""
    from hydrawatch.verification.binding import bind
    from hydrawatch.verification.roles import require_role

    platform, post_id = parse_ref(post_ref)
    with transaction(db_or_store) as db:
        case = _case(db, case_id)
        who = require_role(db, by_user, "evidence.capture", object_type="case", object_id=case_id)
        snap = post_snapshot(db, platform, post_id)
        if platform != case.platform:
            raise InputError(f"post {post_ref} is on {platform}, case {case_id} is on {case.platform}")
        probe = Evidence(case_id=case.id, kind="post", ref=f"{platform}:{post_id}",
                         content=canonical_json(snap).decode())
        bind(db, case, [probe], who, "evidence.capture")
        return capture(db, case.id, "post", f"{platform}:{post_id}", snap,
                       by_user_id=who.user_id, actor=who.name)


def copy_evidence(db: Session, case_id: int, evidence_id: int, *, by_user_id: int | None = None,
                  actor: str = "system") -> Evidence:
    """Carry an evidence item of another case (e.g. a predecessor's) into ``case_id``; the
    content, and so its hash, is the original's."""
    src = db.get(Evidence, evidence_id)
    if src is None:
        raise NotFound(f"no evidence {evidence_id}")
    if src.case_id == case_id:
        return src
    body = src.content.encode()
    existing = db.scalars(select(Evidence).where(Evidence.case_id == case_id,
                                                 Evidence.sha256 == src.sha256)).first()
    if existing is not None:
        return existing
    ev = Evidence(case_id=case_id, kind=src.kind, ref=src.ref, content=src.content,
                  sha256=sha256_hex(body), captured_at=utcnow(), captured_by=by_user_id)
    db.add(ev)
    db.flush()
    audit.record(db, actor, "evidence.copy", "evidence", ev.id,
                 {"case": case_id, "from_evidence": evidence_id, "from_case": src.case_id,
                  "sha256": ev.sha256})
    return ev


def _policy_terms(db: Session) -> tuple[set[str], list[str]]:
    tags: set[str] = set()
    phrases: list[str] = []
    for content in db.scalars(select(PolicyPack.content)):
        if not isinstance(content, dict):
            continue
        tags.update(str(t).lstrip("#").casefold() for t in content.get("hashtags") or [])
        phrases.extend(str(p).casefold() for p in content.get("phrases") or [] if p)
    return tags, phrases


def top_posts(db: Session, platform: str, account_id: str, limit: int = TOP_POSTS) -> list[str]:
    """Post ids of the account's most policy-matching posts (hashtags and phrases of the
    loaded policy packs), newest first among equals; simply the newest with no packs."""
    rows = db.execute(select(Post.post_id, Post.text, Post.hashtags, Post.created_at)
                      .where(Post.platform == platform, Post.account_id == account_id)
                      .order_by(Post.created_at.desc().nulls_last(), Post.post_id.desc())
                      .limit(_SCAN_POSTS)).all()
    tags, phrases = _policy_terms(db)
    if not tags and not phrases:
        return [r.post_id for r in rows[:limit]]
    scored = []
    for order, r in enumerate(rows):
        text = (r.text or "").casefold()
        hits = sum(1 for t in (r.hashtags or []) if str(t).lstrip("#").casefold() in tags)
        hits += sum(1 for p in phrases if p in text)
        scored.append((-hits, order, r.post_id))
    scored.sort()
    return [pid for _, _, pid in scored[:limit]]


def capture_case_opening(db: Session, case: Case, *, by_user_id: int | None = None,
                         actor: str = "system", posts: int = TOP_POSTS) -> list[Evidence]:
    """The evidence captured automatically when a case opens: the account snapshot and its
    top posts (see :func:`top_posts`). An account the store does not hold yet gives none."""
    out: list[Evidence] = []
    try:
        snap = account_snapshot(db, case.platform, case.account_id)
    except NotFound:
        return out
    out.append(capture(db, case.id, "account", f"{case.platform}:{case.account_id}", snap,
                       by_user_id=by_user_id, actor=actor))
    for post_id in top_posts(db, case.platform, case.account_id, posts):
        out.append(capture(db, case.id, "post", f"{case.platform}:{post_id}",
                           post_snapshot(db, case.platform, post_id),
                           by_user_id=by_user_id, actor=actor))
    return out


def capture_missing(db_or_store, *, by_user=None, posts: int = TOP_POSTS) -> int:
    """Capture the case-opening evidence of every open case that has none yet (cases opened
    by list imports, or before their account was ingested). Returns how many cases got some.
    ``by_user``: a user or a system principal (default ``system("evidence")``)."""
    from hydrawatch.verification.roles import require_role, system

    with transaction(db_or_store) as db:
        actor = require_role(db, by_user or system("evidence"), "evidence.capture").name
        has = select(Evidence.case_id)
        todo = db.scalars(select(Case).where(Case.id.not_in(has),
                                             Case.state.in_(("nominated", "in_review")))
                          .order_by(Case.id)).all()
        return sum(1 for case in todo
                   if capture_case_opening(db, case, actor=actor, posts=posts))


# -- reading and verifying ---------------------------------------------------------------

def evidence_dict(ev: Evidence, *, with_content: bool = False) -> dict:
    item = {"id": ev.id, "case_id": ev.case_id, "kind": ev.kind, "ref": ev.ref,
            "sha256": ev.sha256, "captured_at": iso(ev.captured_at),
            "captured_by": ev.captured_by}
    if with_content:
        item["content"] = orjson.loads(ev.content)
    return item


@dataclass
class EvidenceCheck:
    checked: int
    bad: list[int]  # every id below, once
    rehash: list[int] = field(default_factory=list)  # content no longer matches its sha256
    uncommitted: list[int] = field(default_factory=list)  # sha256 or case differs from the chain
    chain_ok: bool = True
    chain_problem: str | None = None

    @property
    def ok(self) -> bool:
        return not self.bad and self.chain_ok


def verify_evidence(db_or_store) -> EvidenceCheck:
    """Re-hash every evidence row and compare its sha256 and case with what the audit chain
    committed at capture: content edited with its sha256 recomputed is caught too (and the
    commitment itself cannot change without breaking the chain or its checkpoint)."""
    from hydrawatch.store.anchor import evidence_commitments

    rehash: list[int] = []
    uncommitted: list[int] = []
    n = 0
    with transaction(db_or_store, readonly=True) as db:
        chain = audit.verify_chain(db)
        committed = evidence_commitments(db)
        for ev_id, case_id, content, digest in db.execute(
                select(Evidence.id, Evidence.case_id, Evidence.content, Evidence.sha256)
                .order_by(Evidence.id)).yield_per(1000):
            n += 1
            if sha256_hex((content or "").encode()) != digest:
                rehash.append(ev_id)
            c = committed.get(ev_id)
            if c is None or c["sha256"] != digest or \
                    (c["case"] is not None and int(c["case"]) != case_id):
                uncommitted.append(ev_id)
    return EvidenceCheck(n, sorted(set(rehash) | set(uncommitted)), rehash, uncommitted,
                         chain.ok, None if chain.ok else
                         f"audit chain broken at entry {chain.first_bad}: {chain.problem}")
