"""Scoring signals and linking generators/features are declared once (scoring/signals.py,
linking/specs.py); the feature columns, sign constraints, reason fields and generator bits
the numeric code uses are derived from those declarations."""

from __future__ import annotations

import subprocess
import sys

from hydrawatch.linking import specs
from hydrawatch.scoring import signals


def test_scoring_columns_and_signs_come_from_the_signals():
    from hydrawatch.scoring import combine

    declared = [f for s in signals.SIGNALS for f in s.features]
    assert combine.FEATURES == tuple(f.name for f in declared)
    assert len(set(combine.FEATURES)) == len(combine.FEATURES)
    assert combine.NON_NEGATIVE == {f.name for f in declared if f.sign == "+"}
    assert combine.NON_POSITIVE == {f.name for f in declared if f.sign == "-"}
    assert {"critical_share", "reporting_share"} <= combine.NON_POSITIVE  # never raise a score
    assert len({s.name for s in signals.SIGNALS}) == len(signals.SIGNALS)
    assert all(s.reasons and s.features for s in signals.SIGNALS)
    assert signals.signal("media").module == "hydrawatch.scoring.media"


def test_linking_columns_bounds_fields_and_generators_come_from_the_specs():
    from hydrawatch.linking import candidates, features, model

    names = tuple(f.name for f in specs.FEATURE_SPECS)
    assert features.FEATURES == names and len(set(names)) == len(names)
    assert list(model.BOUNDS) == list(names)
    assert all(lo <= hi for lo, hi in model.BOUNDS.values())
    assert sorted(f for group in model.FIELDS.values() for f in group) == sorted(names)
    for field, group in model.FIELDS.items():
        assert group == tuple(f.name for f in specs.FEATURE_SPECS if f.field == field)
    generators = [g.name for g in specs.GENERATORS]
    assert list(candidates.SOURCE_NAMES.values()) == generators
    bits = list(candidates.SOURCE_NAMES)
    assert bits == [1 << i for i in range(len(bits))]
    assert candidates.SHOUTOUT == 1 << generators.index("shout-out")
    assert all(f in model.FIELDS for g in specs.GENERATORS for f in g.fields)


def test_the_shipped_model_fits_the_declared_features():
    from hydrawatch.linking.model import default_model

    assert tuple(default_model().features) == specs.feature_names()


def test_the_declarations_need_no_numeric_stack():
    code = ("import sys, hydrawatch.scoring.signals, hydrawatch.linking.specs; "
            "print(sorted(m for m in ('numpy', 'scipy', 'sklearn') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
