"""The re-entry linking engine: pure functions over columnar account batches.

``specs``      the declared generators and pair features (names, sign constraints, reason
               fields): the feature list, bounds and generator bits are derived from them
``batch``      AccountBatch / Neighbours / Posts: the columnar input both sides share
``handles``    handle canonicalisation ("skeletons") and the edit-pattern blocking keys
``minhash``    vectorised MinHash signatures and LSH band keys over character 3-grams
``candidates`` the blocking generators (handle keys, handle/name LSH, co-followers,
               co-following, avatar PDQ, shout-outs) — never all pairs
``features``   one feature row per candidate pair
``model``      the calibrated logistic model (coefficients in hydrawatch/link_model.json)
``engine``     find_links(): candidates -> features -> confidence -> rank -> linkable_at
``dating``     linkable_at: when the data seen so far first put a pair over the threshold
``families``   chains of links as hydra families
``storeio``    loading batches from the store and writing the links table
``pipeline``   link_store(): the store in, links and nominations out

The public names (from ``pipeline``) are re-exported here and imported on first use.
"""

from hydrawatch.lazy import lazy_exports

_EXPORTS = {
    "DEFAULT_THRESHOLD": "pipeline",
    "LinkSummary": "pipeline",
    "link_store": "pipeline",
    "list_families": "pipeline",
    "list_links": "pipeline",
}

__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
