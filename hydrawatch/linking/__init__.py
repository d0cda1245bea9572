"""The re-entry linking engine: pure functions over columnar account batches.

``batch``      AccountBatch / Neighbours / Posts: the columnar input both sides share
``handles``    handle canonicalisation ("skeletons") and the edit-pattern blocking keys
``minhash``    vectorised MinHash signatures and LSH band keys over character 3-grams
``candidates`` the blocking generators (handle keys, handle/name LSH, co-followers,
               co-following, avatar PDQ, shout-outs) — never all pairs
``features``   one feature row per candidate pair
``model``      the calibrated logistic model (coefficients in hydrawatch/link_model.json)
``engine``     find_links(): candidates -> features -> confidence -> rank -> linkable_at
``families``   chains of links as hydra families
``storeio``    loading batches from the store and writing the links table

The public API is hydrawatch.link.
"""
