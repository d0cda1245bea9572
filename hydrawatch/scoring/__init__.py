"""The signals behind an account's score, one module each: ``content`` (policy matches and
the learned text model), ``stance`` (reporting and criticism are not endorsement),
``network`` (personalised PageRank over typed edges), ``media`` (PDQ hash bank matches),
``combine`` (the score) and ``reasons`` (the words); ``signals`` declares each signal's
features, their sign constraints and its reasons (the combiner's columns derive from it). ``data`` reads the store in columns,
``policy`` holds the operator's policy packs (hashtags, phrases, PDQ hashes).
Orchestration lives in :mod:`hydrawatch.scoring.pipeline`; the public names are
re-exported here and imported on first use, so importing the package stays cheap."""

from hydrawatch.lazy import lazy_exports

_EXPORTS = {
    "ScoreSummary": "pipeline",
    "explain_account": "pipeline",
    "ranked_accounts": "pipeline",
    "score_store": "pipeline",
    "Policy": "policy",
    "PolicyPack": "policy",
    "compile_policy": "policy",
    "current_policy": "policy",
    "list_policies": "policy",
    "load_policy": "policy",
    "parse_policy": "policy",
}

__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
