"""The public Python API: what ``import hydrawatch`` offers a notebook or a script.

Every function takes the :class:`~hydrawatch.store.Store` it works on first (``open_store``
makes one) and returns frozen dataclasses with ``as_dict()`` (plain JSON-ready values),
never bare dicts. (``ingest_paths``, not ``ingest``: ``hydrawatch.ingest`` is the
package.) Each is a thin layer over a stage's own API (``hydrawatch.ingest``,
``hydrawatch.scoring``, ``hydrawatch.linking``, ``hydrawatch.verification``): the CLI and
the web app call those same functions, so a notebook sees exactly what they see.

Stages are imported when first called, so ``import hydrawatch`` stays cheap (no numpy,
scipy, scikit-learn or Alembic). Reference: ``docs/python-api.md``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, fields, is_dataclass
from typing import TYPE_CHECKING, Any, Iterable

if TYPE_CHECKING:
    from hydrawatch.store import Store

__all__ = ["AccountLink", "AccountName", "CaseInfo", "Explanation", "Family", "FamilyMember",
           "IngestFile", "IngestResult", "LinkingResult", "ListResult", "NominationResult",
           "OrgInfo", "PolicyResult", "ScoreResult", "ScoredAccount", "UserInfo", "VoteResult",
           "add_org", "add_user", "bootstrap_admin", "cases", "explain", "families", "import_list",
           "ingest_paths", "link", "links", "load_policy", "nominate", "open_store", "ranked_accounts",
           "score", "vote"]


def _plain(value: Any) -> Any:
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


class _Result:
    """``as_dict()`` for the frozen result dataclasses: nested results become dicts, tuples
    become lists, so the value is ready for ``json.dumps``."""

    __slots__ = ()

    def as_dict(self) -> dict[str, Any]:
        return _plain(self)


# -- results ------------------------------------------------------------------------------

@dataclass(frozen=True)
class IngestFile(_Result):
    """One ingested file: its detected format, records written and bad records skipped
    (with ``skip_reasons``), well-formed items that gave no record (``dropped``, by
    reason) and what was written, by kind (``counts``)."""

    path: str
    format: str
    records: int
    skipped: int
    skip_reasons: Mapping[str, int]
    dropped: Mapping[str, int]
    counts: Mapping[str, int]


@dataclass(frozen=True)
class IngestResult(_Result):
    """``files`` ingested; ``ignored``: files in the given folders no format claims;
    ``unchanged``: files whose exact content was ingested before."""

    files: tuple[IngestFile, ...]
    ignored: tuple[str, ...]
    unchanged: tuple[str, ...]

    @property
    def records(self) -> int:
        return sum(f.records for f in self.files)

    @property
    def skipped(self) -> int:
        return sum(f.skipped for f in self.files)


@dataclass(frozen=True)
class PolicyResult(_Result):
    """A policy pack as loaded (validated, stored, replacing a pack of the same name)."""

    name: str
    categories: tuple[str, ...]
    hashtags: tuple[str, ...]
    phrases: tuple[str, ...]
    pdq: tuple[str, ...]
    weights: Mapping[str, float]


@dataclass(frozen=True)
class ListResult(_Result):
    """A group's list imported as nominations: ``rows`` read, ``nominations`` made,
    ``resolved`` to stored accounts, ``pending`` (accounts not ingested yet),
    ``unreadable`` rows as (row, raw text, why)."""

    list_id: int
    name: str
    org: str
    rows: int
    nominations: int
    resolved: int
    pending: int
    unreadable: tuple[tuple[int, str, str], ...]
    already_imported: bool
    cases_opened: int


@dataclass(frozen=True)
class ScoreResult(_Result):
    """A scoring run: accounts scored, verified seeds, ``mode`` ("learned" when the
    combiner was fitted on the seeds, else "policy-only"), the combiner's coefficients per
    feature and the seconds each step took."""

    accounts_scored: int
    seeds: int
    posts: int
    edges: int
    policy_packs: int
    mode: str
    text_model: bool
    inherited: int
    coefficients: Mapping[str, float]
    seconds: Mapping[str, float]


@dataclass(frozen=True)
class ScoredAccount(_Result):
    platform: str
    id: str
    handle: str | None
    score: float
    verified: bool
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class Explanation(_Result):
    """One account's score, its reasons, its case state and the per-signal values the
    scorer stored (``signals``: None before the account was scored)."""

    platform: str
    id: str
    handle: str | None
    score: float | None
    verified: bool
    case_state: str | None
    reasons: tuple[str, ...]
    scored_at: str | None
    signals: Mapping[str, Any] | None


@dataclass(frozen=True)
class LinkingResult(_Result):
    """A linking run: suspended and new accounts compared, candidate pairs, ``links`` at
    or above the threshold, ``suggested`` pairs for review, cases opened for successors of
    verified accounts."""

    platforms: int
    suspended: int
    new_accounts: int
    candidates: int
    rows: int
    links: int
    suggested: int
    cases_opened: int
    seconds: float


@dataclass(frozen=True)
class AccountName(_Result):
    platform: str
    id: str
    handle: str | None


@dataclass(frozen=True)
class AccountLink(_Result):
    """A new account (``successor``) linked to the suspended account it replaces, with the
    link's confidence, reasons, rank among the successor's candidates, review ``state``
    and the log-odds weight of each field of evidence."""

    successor: AccountName
    predecessor: AccountName
    confidence: float
    reasons: tuple[str, ...]
    rank: int
    linkable_at: str | None
    state: str
    weights: Mapping[str, float]


@dataclass(frozen=True)
class FamilyMember(_Result):
    id: str
    handle: str | None
    status: str | None
    first_seen: str | None
    last_seen: str | None


@dataclass(frozen=True)
class Family(_Result):
    """A hydra family: accounts joined by links, in succession order."""

    platform: str
    size: int
    first_seen: str | None
    last_seen: str | None
    accounts: tuple[FamilyMember, ...]


@dataclass(frozen=True)
class OrgInfo(_Result):
    id: int
    name: str


@dataclass(frozen=True)
class UserInfo(_Result):
    id: int
    name: str
    org: str
    role: str


@dataclass(frozen=True)
class NominationResult(_Result):
    """The case the nomination opened or joined, and the evidence captured for it (cite
    these ids in a ``confirm`` vote)."""

    case_id: int
    nomination_id: int
    case_created: bool
    state: str
    evidence_ids: tuple[int, ...]


@dataclass(frozen=True)
class VoteResult(_Result):
    """The stored vote and the case's state after the rule was applied (``changed``: the
    vote moved it; ``reason``: why it is where it is)."""

    review_id: int
    case_id: int
    state: str
    changed: bool
    reason: str


@dataclass(frozen=True)
class CaseInfo(_Result):
    id: int
    platform: str
    account_id: str
    handle: str | None
    state: str
    score: float | None
    reviews: int
    evidence: int
    category: str | None
    opened_at: str | None
    verified_at: str | None


# -- the store ----------------------------------------------------------------------------

def open_store(url: str | None = None) -> Store:
    """The store at ``url`` (``sqlite:///file.db`` or ``postgresql://...``; default
    ``$HYDRAWATCH_DB``, else ``./hydrawatch.db``), its schema created or upgraded. Call
    ``store.dispose()`` when done."""
    from hydrawatch.store import open_store as _open

    return _open(url)


# -- data in ------------------------------------------------------------------------------

def ingest_paths(store: Store, paths: str | os.PathLike | Iterable[str | os.PathLike], *,
                 skip_bad: bool = False, force: bool = False) -> IngestResult:
    """Ingest files and folders (recursing), each file's format detected, one transaction
    per file. A bad record raises :class:`InputError` naming file and line (the file is
    not imported) unless ``skip_bad``; content ingested before is skipped unless ``force``."""
    from hydrawatch.ingest import ingest_paths as _ingest

    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    summary = _ingest(store, paths, skip_bad=skip_bad, force=force)
    return IngestResult(
        files=tuple(IngestFile(f.path, f.format, f.records, f.skipped, dict(f.skip_reasons),
                               dict(f.dropped), dict(f.counts)) for f in summary.files),
        ignored=tuple(summary.ignored), unchanged=tuple(summary.unchanged))


def load_policy(store: Store, path: str | os.PathLike) -> PolicyResult:
    """Validate a policy pack file (JSON or YAML) and store it."""
    from hydrawatch.scoring.policy import load_policy as _load

    pack = _load(store, path, actor="api")
    return PolicyResult(pack.name, tuple(pack.categories), tuple(pack.hashtags),
                        tuple(pack.phrases), tuple(pack.pdq), dict(pack.weights))


def import_list(store: Store, path: str | os.PathLike, *, org: str, by: str,
                name: str | None = None, verified: bool = False) -> ListResult:
    """Import a group's list (CSV or text, one account a row) for organisation ``org`` as
    user ``by``: each row becomes a nomination with its provenance. ``verified`` (admins
    only) opens its accounts' cases as verified, with no review."""
    from hydrawatch.verification.lists import import_list as _import

    s = _import(store, path, org=org, name=name, verified=verified, by_user=by)
    return ListResult(s.list_id, s.name, s.org, s.rows, s.nominations, s.resolved, s.pending,
                      tuple(tuple(u) for u in s.unreadable), s.already_imported, s.cases_opened)


# -- scoring ------------------------------------------------------------------------------

def score(store: Store) -> ScoreResult:
    """Score every account 0..1 with reasons (content, stance, network, media signals; a
    learned combination once there are enough verified seeds)."""
    from hydrawatch.scoring.pipeline import score_store

    s = score_store(store)
    return ScoreResult(s.accounts_scored, s.seeds, s.posts, s.edges, s.policy_packs, s.mode,
                       s.text_model, s.inherited, dict(s.coefficients), dict(s.seconds))


def ranked_accounts(store: Store, *, limit: int | None = None,
                    min_score: float | None = None) -> list[ScoredAccount]:
    """Scored accounts, highest score first (seeds included, flagged ``verified``)."""
    from hydrawatch.scoring.pipeline import ranked_accounts as _ranked

    return [ScoredAccount(r["platform"], r["id"], r["handle"], r["score"], r["verified"],
                          tuple(r["reasons"]))
            for r in _ranked(store, limit=limit, min_score=min_score)]


def explain(store: Store, account: str) -> Explanation:
    """Why ``account`` (``PLATFORM:ID``, ``PLATFORM:@handle`` or ``@handle``) has its
    score. :class:`NotFound` when the store does not hold it."""
    from hydrawatch.scoring.pipeline import explain_account
    from hydrawatch.verification.review import resolve_account

    with store.session(readonly=True) as db:
        platform, account_id = resolve_account(db, account)
    e = explain_account(store, platform, account_id)
    return Explanation(e["platform"], e["id"], e["handle"], e["score"], e["verified"],
                       e["case_state"], tuple(e["reasons"]), e["scored_at"], e["signals"])


# -- linking ------------------------------------------------------------------------------

def link(store: Store, *, since: str | None = None) -> LinkingResult:
    """Link accounts that started after a suspension to the suspended accounts they
    replace (only those first seen since ``since``, an ISO time, when given), and open a
    case for each successor of a verified account."""
    from hydrawatch.linking.pipeline import link_store

    s = link_store(store, since=since)
    return LinkingResult(s.platforms, s.suspended, s.new_accounts, s.candidates, s.rows,
                         s.links, s.suggested, s.cases_opened, s.seconds)


def _name(ref: dict) -> AccountName:
    return AccountName(ref["platform"], ref["id"], ref["handle"])


def links(store: Store, *, min_confidence: float | None = None) -> list[AccountLink]:
    """Links at or above ``min_confidence`` (default: the model's threshold), best first."""
    from hydrawatch.linking.pipeline import list_links

    return [AccountLink(_name(r["successor"]), _name(r["predecessor"]), r["confidence"],
                        tuple(r["reasons"]), r["rank"], r["linkable_at"], r["state"],
                        dict(r["weights"] or {}))
            for r in list_links(store, min_confidence=min_confidence)]


def families(store: Store, *, min_confidence: float | None = None) -> list[Family]:
    """Hydra families (chains of re-entries), largest first."""
    from hydrawatch.linking.pipeline import list_families

    return [Family(f["platform"], f["size"], f["first_seen"], f["last_seen"],
                   tuple(FamilyMember(a["id"], a["handle"], a["status"], a["first_seen"],
                                      a["last_seen"]) for a in f["accounts"]))
            for f in list_families(store, min_confidence=min_confidence)]


# -- people -------------------------------------------------------------------------------

def _user_info(store: Store, user) -> UserInfo:
    from hydrawatch.store.schema import Organization

    with store.session(readonly=True) as db:
        org = db.get(Organization, user.org_id)
        return UserInfo(user.id, user.name, org.name if org else "", user.role)


def bootstrap_admin(store: Store, name: str, *, org: str, password: str | None = None) -> UserInfo:
    """The store's first admin (and its organisation); refused once an admin exists."""
    from hydrawatch.verification.people import bootstrap_admin as _bootstrap

    return _user_info(store, _bootstrap(store, name, org=org, password=password))


def add_org(store: Store, name: str, *, by: str) -> OrgInfo:
    """A new organisation (``by``: an admin)."""
    from hydrawatch.verification.people import add_org as _add

    org = _add(store, name, by_user=by)
    return OrgInfo(org.id, org.name)


def add_user(store: Store, name: str, *, org: str, role: str, by: str,
             password: str | None = None) -> UserInfo:
    """A new user of ``org`` with ``role`` (contributor, reviewer, admin; ``by``: an admin).
    Without a password the user acts through the API and CLI only."""
    from hydrawatch.verification.people import add_user as _add

    return _user_info(store, _add(store, name, org=org, role=role, by_user=by, password=password))


# -- verification -------------------------------------------------------------------------

def nominate(store: Store, account: str, *, by: str, reason: str,
             org: str | None = None) -> NominationResult:
    """Nominate ``account`` (``PLATFORM:ID``, ``PLATFORM:@handle`` or ``@handle``) as user
    ``by``: open its case or join the open one; the account and its top posts are captured
    as evidence when the case opens."""
    from hydrawatch.verification.review import nominate as _nominate
    from hydrawatch.verification.review import resolve_account

    with store.session(readonly=True) as db:
        platform, account_id = resolve_account(db, account)
    r = _nominate(store, platform, account_id, by_user=by, org=org, reason=reason, source="api")
    return NominationResult(r.case_id, r.nomination_id, r.case_created, r.state,
                            tuple(r.evidence_ids))


def vote(store: Store, case_id: int, *, by: str, verdict: str, category: str | None = None,
         evidence: Iterable[int] = (), note: str | None = None) -> VoteResult:
    """User ``by``'s blind vote on a case (``verdict``: confirm, reject...; a confirm needs a
    ``category`` and cites ``evidence`` ids of the case), then the verification rule.
    :class:`PermissionDenied` for a vote the rule forbids."""
    from hydrawatch.verification.review import cast_vote

    r = cast_vote(store, case_id, by_user=by, verdict=verdict, category=category,
                  evidence_ids=list(evidence), note=note)
    return VoteResult(r.review_id, r.case_id, r.state, r.changed, r.reason)


def cases(store: Store, *, state: str | None = None, limit: int | None = None) -> list[CaseInfo]:
    """Cases (optionally only those in ``state``), oldest first, with review and evidence
    counts."""
    from hydrawatch.verification.views import list_cases

    return [CaseInfo(c["id"], c["platform"], c["account_id"], c["handle"], c["state"], c["score"],
                     c["reviews"], c["evidence"], c["category"], c["opened_at"], c["verified_at"])
            for c in list_cases(store, state=state, limit=limit)]
