"""Review: nominations, blind votes, the verification rule and the case state machine.

    nominated --first vote--> in_review --rule--> verified | rejected

:func:`decide` is the rule as a pure function over the votes (quorum, distinct
organisations, reject escalation, reliability-weighted ties); :func:`cast_vote` checks a
vote against the rule (role, self-review, evidence), stores it and applies the decision
while holding the case row locked (``SELECT ... FOR UPDATE`` on PostgreSQL), so two
reviewers voting at the same moment never lose a vote and never verify a case twice.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass, field

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from hydrawatch.store import audit
from hydrawatch.verification.cases import open_case, upsert
from hydrawatch.errors import InputError, NotFound, PermissionDenied
from hydrawatch.platforms import norm_handle
from hydrawatch.verification.evidence import capture, capture_case_opening, capture_post, copy_evidence
from hydrawatch.verification.people import get_org, get_user
from hydrawatch.verification.rules import Rule, load_rule
from hydrawatch.verification.states import VERIFIED_STATES, transition
from hydrawatch.store.db import transaction
from hydrawatch.store.schema import Account, Case, Evidence, Handle, Nomination, Review, User
from hydrawatch.timeutil import utcnow
from hydrawatch.verification.roles import Principal, refuse, require_member, require_role, system

VERDICTS = ("confirm", "reject", "unsure")
OPEN_STATES = ("nominated", "in_review")
DECIDED_STATES = ("verified", "rejected")  # late votes are stored here, the state stays
LISTED_STATES = VERIFIED_STATES  # listed = verified and not delisted
NOMINATION_SOURCES = ("api", "cli", "collect", "link", "list", "web")


def normalize_handle(handle: str) -> str:
    """The form ``accounts.handle_norm`` and ``handles.handle_norm`` hold (as ingest writes it)."""
    return norm_handle(handle) or ""


# -- resolving accounts ------------------------------------------------------------------

def _by_handle(db: Session, handle: str, platform: str | None) -> tuple[str, str]:
    norm = normalize_handle(handle)
    if not norm:
        raise InputError("empty handle")
    cond = [Account.handle_norm == norm] + ([Account.platform == platform] if platform else [])
    found = {(p, a) for p, a in db.execute(select(Account.platform, Account.account_id).where(*cond))}
    if not found:  # a former handle
        cond = [Handle.handle_norm == norm] + ([Handle.platform == platform] if platform else [])
        found = {(p, a) for p, a in db.execute(select(Handle.platform, Handle.account_id).where(*cond))}
    where = f"on {platform} " if platform else ""
    if not found:
        raise NotFound(f"no account with handle @{norm} {where}in the store (ingest it first, "
                       "or give PLATFORM:ID)")
    if len(found) > 1:
        names = ", ".join(f"{p}:{a}" for p, a in sorted(found))
        raise InputError(f"handle @{norm} {where}is ambiguous ({names}); give PLATFORM:ID")
    return next(iter(found))


def resolve_account(db: Session, spec: str) -> tuple[str, str]:
    """(platform, account_id) of the account the store holds for ``spec``: ``PLATFORM:ID``,
    ``PLATFORM:@handle``, ``@handle``, ``handle`` or a profile URL (the one syntax of
    ``hydrawatch.platforms.spec``). A handle may be a former one. Unknown is NotFound;
    a handle several accounts have (on several platforms) is an InputError naming them."""
    from hydrawatch.platforms.spec import parse_account

    ref = parse_account(spec)
    if ref.account_id is not None:
        if db.scalar(select(exists().where(Account.platform == ref.platform,
                                           Account.account_id == ref.account_id))):
            return ref.platform, ref.account_id
        if ref.handle is None:
            raise NotFound(f"no account {ref.platform}:{ref.account_id} in the store")
    try:
        return _by_handle(db, ref.handle, ref.platform)
    except NotFound:
        if ref.account_id is not None:
            raise NotFound(f"no account {ref.platform}:{ref.account_id} in the store (neither "
                           "an id nor a handle)") from None
        raise


# -- nominations -------------------------------------------------------------------------

@dataclass
class NominationResult:
    case_id: int
    nomination_id: int
    case_created: bool
    state: str
    evidence_ids: list[int] = field(default_factory=list)


def nomination_key(source: str, platform: str, account_id: str, who: Principal) -> str:
    """What makes two nominations the same one: the same source, account and nominator."""
    who_key = f"user:{who.user_id}" if who.user_id is not None else f"system:{who.name}"
    return hashlib.sha256("\x1f".join((source, platform, account_id, who_key)).encode()).hexdigest()


def nominate(db_or_store, platform: str, account_id: str, *, by_user: str | Principal,
             org: str | None = None, reason: str, source: str = "cli", evidence=(),
             capture_evidence: bool = True) -> NominationResult:
    """Nominate an account: open its case (one per account) or join the existing one, and
    record who, which organisation, why and from where (``source``: api | cli | collect | link | list | web).
    ``by_user`` is a user (any role; non-admins nominate for their own organisation only)
    or a system principal (e.g. ``roles.system("link")``).

    When the case opens, the account snapshot and its top posts are captured as evidence.
    ``evidence`` adds items: an int copies an existing evidence row (e.g. a predecessor's),
    a ``"PLATFORM:POST_ID"`` string snapshots that post, a dict ``{"kind", "ref",
    "content"}`` stores ``content`` as is (e.g. a re-entry link's reasons)."""
    if source not in NOMINATION_SOURCES:
        raise InputError(f"unknown nomination source {source!r} (one of {', '.join(NOMINATION_SOURCES)})")
    if not reason or not reason.strip():
        raise InputError("a nomination needs a reason")
    platform = platform.strip().lower()
    with transaction(db_or_store) as db:
        p = require_role(db, by_user, "nominate", object_type="account",
                         object_id=f"{platform}:{account_id}")
        org_row = get_org(db, org) if org else None
        if org_row is not None:
            require_member(p, org_row.id, "nominate", org_row.name, object_type="account",
                           object_id=f"{platform}:{account_id}")
        org_id = org_row.id if org_row else p.org_id
        who = p.name
        user = p if p.user_id is not None else None
        case, created = open_case(db, platform, account_id, state="nominated",
                                  reason=reason.strip(), actor=who)
        handle = db.scalar(select(Account.handle_norm).where(Account.platform == platform,
                                                             Account.account_id == account_id))
        now = utcnow()
        key = nomination_key(source, platform, account_id, p)
        nom_id = db.execute(upsert(db, Nomination).values(
            source=source, org_id=org_id, user_id=user.user_id if user else None,
            platform=platform, handle_norm=handle, account_id=account_id, case_id=case.id,
            reason=reason.strip(), created_at=now, resolved_at=now, dedup_key=key,
        ).on_conflict_do_nothing(index_elements=["dedup_key"]).returning(Nomination.id)).scalar()
        if nom_id is None:  # the same nominator nominated this account before: once is enough
            nom_id = db.scalar(select(Nomination.id).where(Nomination.dedup_key == key))
        else:
            audit.record(db, who, "nomination.add", "nomination", nom_id,
                         {"case": case.id, "platform": platform, "account_id": account_id,
                          "source": source, "org": org_id, "reason": reason.strip()})
        uid = user.user_id if user else None
        captured = capture_case_opening(db, case, by_user_id=uid, actor=who) \
            if created and capture_evidence else []
        for item in evidence or ():
            if isinstance(item, int):
                captured.append(copy_evidence(db, case.id, item, by_user_id=uid, actor=who))
            elif isinstance(item, str):
                captured.append(capture_post(db, case.id, item, by_user=p))
            elif isinstance(item, dict) and {"kind", "content"} <= item.keys():
                captured.append(capture(db, case.id, item["kind"], item.get("ref"),
                                        item["content"], by_user_id=uid, actor=who))
            else:
                raise InputError(f"evidence item {item!r} is not an evidence id, a post "
                                 "reference or a {kind, ref, content} dict")
        return NominationResult(case.id, nom_id, created, case.state,
                                sorted({e.id for e in captured}))


# -- the rule ----------------------------------------------------------------------------

@dataclass(frozen=True)
class Vote:
    order: int  # votes compare by the order they were stored in
    user_id: int
    org_id: int
    verdict: str
    reliability: float | None = None


@dataclass(frozen=True)
class Decision:
    state: str  # in_review | verified | rejected
    reason: str


def _weight(reliability: float | None, rule: Rule) -> float:
    """Log-odds of a correct vote: the optimal weight of a voter of that accuracy."""
    r = rule.default_reliability if reliability is None else reliability
    r = min(max(r, 0.5), 0.99)
    return math.log(r / (1.0 - r))


def decide(votes: list[Vote], rule: Rule) -> Decision:
    """The state the rule gives a case with these (valid) votes."""
    confirms = [v for v in votes if v.verdict == "confirm"]
    rejects = [v for v in votes if v.verdict == "reject"]
    confirm_orgs = len({v.org_id for v in confirms})

    def quorum_or_wait(why: str) -> Decision:
        if len(confirms) < rule.quorum:
            return Decision("in_review", f"{why}; {len(confirms)} of {rule.quorum} confirms")
        if confirm_orgs < rule.distinct_orgs:
            return Decision("in_review", f"{why}; confirms from {confirm_orgs} organisation(s), "
                                         f"{rule.distinct_orgs} needed")
        return Decision("verified", f"{why}; {len(confirms)} confirms from {confirm_orgs} "
                                    "organisations")

    if not rejects:
        return quorum_or_wait("no reject")
    first_reject = min(v.order for v in rejects)
    later = [v for v in votes if v.order > first_reject and v.verdict in ("confirm", "reject")]
    if len(later) < rule.escalation_reviewers:
        return Decision("in_review", f"reject escalated; waiting for "
                                     f"{rule.escalation_reviewers - len(later)} further reviewer(s)")
    if len(confirms) != len(rejects):
        side = "confirm" if len(confirms) > len(rejects) else "reject"
        why = f"{len(confirms)} confirm vs {len(rejects)} reject"
    else:
        wc = sum(_weight(v.reliability, rule) for v in confirms)
        wr = sum(_weight(v.reliability, rule) for v in rejects)
        if abs(wc - wr) < 1e-9:
            return Decision("in_review", f"tie of {len(confirms)} to {len(rejects)} with equal "
                                         "reliability; waiting for a further reviewer")
        side = "confirm" if wc > wr else "reject"
        why = (f"tie of {len(confirms)} to {len(rejects)} goes to the more reliable "
               f"{side} side ({wc:.2f} vs {wr:.2f})" if side == "confirm" else
               f"tie of {len(confirms)} to {len(rejects)} goes to the more reliable reject side "
               f"({wr:.2f} vs {wc:.2f})")
    if side == "reject":
        return Decision("rejected", why)
    return quorum_or_wait(why)


# -- votes -------------------------------------------------------------------------------

@dataclass
class VoteResult:
    review_id: int
    case_id: int
    state: str
    changed: bool
    reason: str


def lock_case(db: Session, case_id: int) -> Case:
    """The case row, locked until the end of the transaction on PostgreSQL (SQLite
    serialises writers anyway)."""
    case = db.scalars(select(Case).where(Case.id == case_id).with_for_update()
                      .execution_options(populate_existing=True)).first()
    if case is None:
        raise NotFound(f"no case {case_id}")
    return case


def _check_evidence(db: Session, case: Case, who: Principal, verdict: str,
                    category: str | None, evidence_ids, rule: Rule) -> tuple[list[int], dict]:
    """The cited ids, checked: each belongs to the case and is about its account or a
    linked predecessor (returned as {"platform:id": [evidence ids]}: the vote records it),
    and a confirm cites what the rule asks for its category."""
    from hydrawatch.verification.binding import bind

    try:
        ids = sorted({int(e) for e in evidence_ids or ()})
    except (TypeError, ValueError):
        raise InputError(f"evidence ids must be integers, got {list(evidence_ids)!r}") from None
    rows = {e.id: e for e in db.scalars(select(Evidence).where(Evidence.id.in_(ids)))} if ids else {}
    foreign = [i for i in ids if i not in rows or rows[i].case_id != case.id]
    if foreign:
        raise InputError(f"evidence {', '.join(map(str, foreign))} does not belong to case "
                         f"{case.id} (see `hydrawatch case show {case.id}`)")
    via = bind(db, case, [rows[i] for i in ids], who, "review.vote")
    if verdict == "confirm":
        need = rule.requirement(category)
        fitting = [i for i in ids if not need.kinds or rows[i].kind in need.kinds]
        if len(fitting) < need.min:
            cited = ", ".join(f"{i} ({rows[i].kind})" for i in ids) or "none"
            raise refuse(who, "review.vote", f"a confirm in category {category!r} must cite "
                         f"{need.describe()}; cited: {cited}", object_type="case",
                         object_id=case.id)
    return ids, via


def cast_vote(db_or_store, case_id: int, *, by_user: str, verdict: str,
              category: str | None = None, evidence_ids=(), note: str | None = None,
              rule: Rule | None = None) -> VoteResult:
    """Record ``by_user``'s vote on a case and apply the rule. Raises PermissionDenied for a
    vote the rule forbids (wrong role, own nomination, second vote, missing evidence)."""
    rule = rule or load_rule()
    if verdict not in VERDICTS:
        raise InputError(f"unknown verdict {verdict!r} (one of {', '.join(VERDICTS)})")
    with transaction(db_or_store) as db:
        case = lock_case(db, case_id)  # first: every vote on this case queues here
        p = require_role(db, by_user, "review.vote", object_type="case", object_id=case_id)
        user = db.get(User, p.user_id)

        def refused(message: str) -> PermissionDenied:
            return refuse(p, "review.vote", message, object_type="case", object_id=case.id)

        if case.state not in OPEN_STATES + DECIDED_STATES:
            raise refused(f"case {case.id} is {case.state}; voting is closed")
        if not rule.allow_self_review:
            own = db.scalar(select(Nomination.id).where(Nomination.case_id == case.id,
                                                        Nomination.user_id == user.id).limit(1))
            if own is not None:
                raise refused(f"user {user.name!r} nominated this account (nomination "
                              f"{own}); the rule forbids reviewing one's own nomination")
        if db.scalar(select(Review.id).where(Review.case_id == case.id, Review.user_id == user.id)):
            raise refused(f"user {user.name!r} has already voted on case {case.id}")
        if verdict == "confirm" and not category:
            raise InputError("a confirm needs a --category")
        if category and rule.categories and category not in rule.categories:
            raise InputError(f"unknown category {category!r} (the rule knows "
                             f"{', '.join(rule.categories)})")
        ids, via = _check_evidence(db, case, p, verdict, category, evidence_ids, rule)
        late = case.state in DECIDED_STATES
        review = Review(case_id=case.id, user_id=user.id, verdict=verdict, category=category,
                        note=note, evidence_ids=ids, predecessor_evidence=via or None,
                        created_at=utcnow())
        db.add(review)
        db.flush()
        details = {"review": review.id, "verdict": verdict, "category": category,
                   "evidence": ids, "late": late}
        if via:
            details["predecessor_evidence"] = via
        audit.record(db, user.name, "review.vote", "case", case.id, details)
        if late:
            return VoteResult(review.id, case.id, case.state, False,
                              f"case already {case.state}; vote stored for reliability")
        before = case.state
        if case.state == "nominated":
            transition(db, case, "in_review", actor=user.name, reason="first vote")
        decision = decide(votes_of(db, case.id), rule)
        if decision.state != case.state:
            if category and decision.state == "verified":
                case.category = _majority_category(db, case.id) or category
            transition(db, case, decision.state, actor=user.name, reason=decision.reason)
        elif verdict == "reject" and "escalated" in decision.reason:
            audit.record(db, user.name, "case.escalated", "case", case.id,
                         {"reason": decision.reason})
        return VoteResult(review.id, case.id, case.state, case.state != before, decision.reason)


def votes_of(db: Session, case_id: int) -> list[Vote]:
    rows = db.execute(select(Review.id, Review.user_id, User.org_id, Review.verdict,
                             User.reliability)
                      .join(User, User.id == Review.user_id)
                      .where(Review.case_id == case_id).order_by(Review.id)).all()
    return [Vote(r.id, r.user_id, r.org_id, r.verdict, r.reliability) for r in rows]


def _majority_category(db: Session, case_id: int) -> str | None:
    cats = db.scalars(select(Review.category).where(Review.case_id == case_id,
                                                    Review.verdict == "confirm")).all()
    cats = [c for c in cats if c]
    return max(sorted(set(cats)), key=cats.count) if cats else None


def review_queue(db_or_store, user_name: str, *, limit: int = 50) -> list[int]:
    """Open cases ``user_name`` may vote on (not their nomination, not yet voted), oldest first."""
    with transaction(db_or_store, readonly=True) as db:
        user = get_user(db, user_name)
        voted = select(Review.case_id).where(Review.user_id == user.id)
        own = select(Nomination.case_id).where(Nomination.user_id == user.id,
                                               Nomination.case_id.is_not(None))
        return list(db.scalars(select(Case.id).where(Case.state.in_(OPEN_STATES),
                                                     Case.id.not_in(voted), Case.id.not_in(own))
                               .order_by(Case.opened_at, Case.id).limit(limit)))


def set_known_answer(db_or_store, case_id: int, answer: str | None, *, by_user: str) -> None:
    """Mark a case as a known-answer case for reviewer calibration (``confirm`` or
    ``reject``; None clears it). Admins only."""
    if answer not in ("confirm", "reject", None):
        raise InputError("a known answer is confirm or reject")
    with transaction(db_or_store) as db:
        case = lock_case(db, case_id)
        user = require_role(db, by_user, "case.known_answer", object_type="case",
                            object_id=case_id)
        case.known_answer = answer
        audit.record(db, user.name, "case.known_answer", "case", case.id, {"answer": answer})
