"""hydrawatch: jointly find, verify, report and track accounts that spread terrorist
propaganda, and catch the "hydra" (accounts re-created after a suspension).

The public Python API (``docs/python-api.md``)::

    import hydrawatch as hw

    store = hw.open_store("sqlite:///hw.db")
    hw.ingest_paths(store, "dumps/")
    hw.load_policy(store, "movement.json")
    hw.link(store)
    hw.score(store)
    for account in hw.ranked_accounts(store, limit=10):
        print(account.score, account.handle, account.reasons[:1])

Names are imported on first use, so ``import hydrawatch`` loads no numeric stack.
"""

from hydrawatch.lazy import lazy_exports

__version__ = "0.1.0"

_API = ("AccountLink", "AccountName", "CaseInfo", "Explanation", "Family", "FamilyMember",
        "IngestFile", "IngestResult", "LinkingResult", "ListResult", "NominationResult", "OrgInfo",
        "PolicyResult", "ScoreResult", "ScoredAccount", "UserInfo", "VoteResult",
        "add_org", "add_user", "bootstrap_admin", "cases", "explain", "families", "import_list",
        "ingest_paths", "link", "links", "load_policy", "nominate", "open_store", "ranked_accounts",
        "score", "vote")
_ERRORS = ("ConfigError", "FormatError", "HydrawatchError", "IllegalTransition", "InputError",
           "NotFound", "PermissionDenied", "PolicyError", "RateLimited", "RecordError",
           "StoreBusy", "StoreError")

_EXPORTS = {**dict.fromkeys(_API, "api"), **dict.fromkeys(_ERRORS, "errors"),
            "RegistryError": "registry", "Store": "store", "CaseState": "verification.states"}

__all__ = sorted([*_EXPORTS, "__version__"])
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
