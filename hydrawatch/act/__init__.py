"""Acting on the verified list: reports to platforms, tracking what they did, metrics,
exports and publication.

``outcomes``  the shared vocabulary: removed statuses, when a case was reported and when
              its account was first seen removed after that
``metrics``   the outcome figures (frozen dataclasses with ``as_dict()``)
``listing``   the verified list as published (no identities)
``export``    exporters by name (csv, json, stix, mastodon-csv, hashes)
``stix``      the STIX 2.1 bundle and its validation
``charts``    SVG charts for the transparency report
``publish``   the versioned static site
"""

from hydrawatch.lazy import lazy_exports

_EXPORTS = {
    "REMOVED_STATUSES": "outcomes",
    "ACCOUNT_STATUSES": "outcomes",
    "Outcome": "outcomes",
    "case_outcomes": "outcomes",
    "first_removed_after": "outcomes",
    "is_removed": "outcomes",
    "latest_statuses": "outcomes",
    "reported_at": "outcomes",
    "Metrics": "metrics",
    "compute_metrics": "metrics",
    "ListEntry": "listing",
    "verified_entries": "listing",
    "verified_pdq": "listing",
    "ExportData": "export",
    "ExportError": "export",
    "Exporter": "export",
    "export": "export",
    "export_formats": "export",
    "get_exporter": "export",
    "write_export": "export",
    "build_bundle": "stix",
    "validate_bundle": "stix",
    "ListDiff": "publish",
    "PublicationResult": "publish",
    "diff_lists": "publish",
    "publish": "publish",
    "verify_version": "publish",
}

__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
