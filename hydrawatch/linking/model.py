"""The link confidence model: a logistic regression over the pair features, fitted on
simulated worlds by scripts/fit_link_model.py and shipped as hydrawatch/link_model.json
(features, standardisation, coefficients, the decision threshold, what it was fitted on).

Logistic regression because its output is a calibrated probability when the training
pairs look like the pairs it scores (both come from the same candidate generators), its
coefficients can be read in a review, and it needs nothing but numpy at run time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import orjson

from hydrawatch.linking.features import FEATURES

MODEL_PATH = Path(__file__).resolve().parent.parent / "link_model.json"


@dataclass
class LinkModel:
    features: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: float
    threshold: float
    meta: dict = field(default_factory=dict)

    def predict(self, x: np.ndarray) -> np.ndarray:
        if x.shape[0] == 0:
            return np.zeros(0)
        z = ((x - self.mean) / self.scale) @ self.coef + self.intercept
        return 1.0 / (1.0 + np.exp(-np.clip(z, -40, 40)))

    def contributions(self, x: np.ndarray) -> np.ndarray:
        """Per-feature log-odds contributions (for reasons), relative to the mean pair."""
        return ((x - self.mean) / self.scale) * self.coef

    @classmethod
    def load(cls, path: Path | str | None = None) -> "LinkModel":
        data = orjson.loads(Path(path or MODEL_PATH).read_bytes())
        feats = tuple(data["features"])
        if feats != FEATURES:
            raise ValueError(f"{path or MODEL_PATH}: features {feats} differ from the code's "
                             f"{FEATURES}; re-run scripts/fit_link_model.py")
        return cls(feats, np.array(data["mean"]), np.array(data["scale"]), np.array(data["coef"]),
                   float(data["intercept"]), float(data["threshold"]), data.get("meta", {}))

    def save(self, path: Path | str | None = None) -> None:
        data = {"features": list(self.features), "mean": _round(self.mean),
                "scale": _round(self.scale), "coef": _round(self.coef),
                "intercept": round(float(self.intercept), 6), "threshold": self.threshold,
                "meta": self.meta}
        Path(path or MODEL_PATH).write_bytes(orjson.dumps(data, option=orjson.OPT_INDENT_2) + b"\n")

    @classmethod
    def fit(cls, x: np.ndarray, y: np.ndarray, *, c: float = 1.0, meta: dict | None = None,
            threshold: float = 0.5) -> "LinkModel":
        from sklearn.linear_model import LogisticRegression

        mean = x.mean(axis=0)
        scale = x.std(axis=0)
        scale[scale < 1e-9] = 1.0
        lr = LogisticRegression(C=c, max_iter=2000)
        lr.fit((x - mean) / scale, y)
        return cls(FEATURES, mean, scale, lr.coef_[0], float(lr.intercept_[0]), threshold, meta or {})


def _round(a: np.ndarray) -> list[float]:
    return [round(float(v), 6) for v in a]


_cached: LinkModel | None = None


def default_model() -> LinkModel:
    global _cached
    if _cached is None:
        _cached = LinkModel.load()
    return _cached
