"""The link model reproduces from its script (issue 13): scripts/fit_link_model.py,
run on a small config, regenerates its training worlds (nothing reused from disk) and
gives the same candidate pairs (sha256 per world), the same thresholds and the same
coefficients as the committed result in tests/fixtures/link_model_small.json. The shipped
model records the same kind of provenance."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import numpy as np
import orjson

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "fixtures" / "link_model_small.json"
SMALL = ["default:101:200", "fit:201:200"]


def _fit(out: Path) -> dict:
    sys.path.insert(0, str(ROOT / "scripts"))
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import fit_link_model
    finally:
        sys.path.pop(0)
        sys.path.pop(0)
    fit_link_model.main(["--worlds", *SMALL, "--out", str(out)])
    return orjson.loads(out.read_bytes())


def test_small_model_reproduces_exactly(tmp_path):
    got = _fit(tmp_path / "m.json")
    want = orjson.loads(FIXTURE.read_bytes())
    assert [(w["seed"], w["preset"], w["pairs"], w["positives"], w["pairs_sha256"]) for w in got["meta"]["worlds"]] \
        == [(w["seed"], w["preset"], w["pairs"], w["positives"], w["pairs_sha256"]) for w in want["meta"]["worlds"]]
    assert got["threshold"] == want["threshold"]
    assert got["suggest_threshold"] == want["suggest_threshold"]
    for part in ("base", "context"):
        for key in ("mean", "scale", "coef"):
            assert np.allclose(got[part][key], want[part][key], atol=1e-5), (part, key)


def test_shipped_model_records_how_to_reproduce_it():
    shipped = orjson.loads((ROOT / "hydrawatch" / "link_model.json").read_bytes())
    meta = shipped["meta"]
    assert meta["fitted_by"] == "scripts/fit_link_model.py"
    assert meta["worlds"] and all(len(w["pairs_sha256"]) == 16 for w in meta["worlds"])
    # never fitted on development (1-99, 300-999) or test (10,000+) seeds, nor on eval-regime worlds
    assert all(100 <= w["seed"] < 300 and w["preset"] in ("default", "hard", "fit") for w in meta["worlds"])
    assert shipped["suggest_threshold"] <= shipped["threshold"]
