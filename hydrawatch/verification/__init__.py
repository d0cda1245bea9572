"""Verification: how a nominated account becomes a verified case, and how it may leave.

``states``       the case state machine: CaseState, TRANSITIONS, transition()
``cases``        opening a case (one per account)
``review``       nominations, blind votes and the decision under the rule
``rules``        the verification rule (``rules_default.yaml``, an operator-edited file)
``evidence``     hash-bound snapshots attached to a case
``appeals``      an account holder's appeal and the admin's decision
``reliability``  reviewer reliability (Dawid-Skene)
``people``       organisations and users
``roles``        who may do what (one permissions table), principals
``binding``      evidence bound to the case's account
``views``        case listings and the blind case view
``lists``        nominations from trusted groups' lists
``claims``       "next case": one reviewer at a time, under an expiring lock
``comments``     reviewers' internal comments on a case
``media_prefs``  evidence media blurred/greyscale: organisation default, user override
``case_context`` handles and statuses over time, re-entry links, the hydra family
"""

from hydrawatch.lazy import lazy_exports

_EXPORTS = {
    "open_case": "cases",
    "Decision": "review",
    "NominationResult": "review",
    "VERDICTS": "review",
    "Vote": "review",
    "VoteResult": "review",
    "cast_vote": "review",
    "decide": "review",
    "nominate": "review",
    "resolve_account": "review",
    "review_queue": "review",
    "set_known_answer": "review",
    "Rule": "rules",
    "load_rule": "rules",
    "parse_rule": "rules",
    "EvidenceCheck": "evidence",
    "capture_missing": "evidence",
    "capture_post": "evidence",
    "copy_evidence": "evidence",
    "verify_evidence": "evidence",
    "decide_appeal": "appeals",
    "list_appeals": "appeals",
    "submit_appeal": "appeals",
    "ReliabilityFit": "reliability",
    "dawid_skene": "reliability",
    "update_reliability": "reliability",
    "REVIEW_ROLES": "people",
    "add_org": "people",
    "add_user": "people",
    "bootstrap_admin": "people",
    "check_password": "people",
    "ensure_org": "people",
    "get_org": "people",
    "get_user": "people",
    "list_users": "people",
    "claim_next": "claims",
    "add_comment": "comments",
    "list_comments": "comments",
    "media_settings": "media_prefs",
    "family": "case_context",
    "case_view": "views",
    "evidence_content": "views",
    "list_cases": "views",
    "ListSummary": "lists",
    "import_list": "lists",
    "list_lists": "lists",
    "resolve_nominations": "lists",
    "Principal": "roles",
    "ROLES": "roles",
    "require_role": "roles",
    "CaseState": "states",
    "INITIAL_STATES": "states",
    "STATES": "states",
    "TRANSITIONS": "states",
    "VERIFIED_STATES": "states",
    "check_transition": "states",
    "transition": "states",
}

__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
