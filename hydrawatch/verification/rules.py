"""The operator-editable verification rule (DESIGN.md, "Case states and the verification
rule"): quorum, distinct organisations, escalation, evidence required per category.

The rule is data, not code: a YAML or JSON file validated on load (unknown keys and bad
values are a :class:`~hydrawatch.errors.PolicyError` naming the key). The shipped default
is ``hydrawatch/verification/rules_default.yaml``; ``$HYDRAWATCH_RULES`` or an explicit path overrides it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import orjson
import yaml

from hydrawatch.errors import PolicyError

DEFAULT_PATH = Path(__file__).with_name("rules_default.yaml")
EVIDENCE_KINDS = ("account", "post", "link", "media")
_TOP_KEYS = {"quorum", "distinct_orgs", "allow_self_review", "escalation_reviewers",
             "default_reliability", "evidence", "categories"}
_EVIDENCE_KEYS = {"min", "kinds"}


@dataclass(frozen=True)
class EvidenceRequirement:
    min: int = 1
    kinds: tuple[str, ...] = ()  # empty: any kind

    def describe(self) -> str:
        kinds = " or ".join(self.kinds) if self.kinds else "any kind"
        return f"at least {self.min} evidence item(s) of {kinds}"


@dataclass(frozen=True)
class Rule:
    quorum: int = 2
    distinct_orgs: int = 2
    allow_self_review: bool = False
    escalation_reviewers: int = 1
    default_reliability: float = 0.75
    evidence: dict[str, EvidenceRequirement] = field(
        default_factory=lambda: {"default": EvidenceRequirement()})
    categories: tuple[str, ...] = ()
    source: str = "<built-in>"

    def requirement(self, category: str | None) -> EvidenceRequirement:
        return self.evidence.get(category or "default") or self.evidence.get(
            "default", EvidenceRequirement())


def _int(data: dict, key: str, default: int, where: str, minimum: int = 0) -> int:
    value = data.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise PolicyError(f"{where}: {key!r} must be an integer >= {minimum}, got {value!r}")
    return value


def parse_rule(data: object, source: str = "<rule>") -> Rule:
    """Validate a rule given as a dict (the parsed file)."""
    if not isinstance(data, dict):
        raise PolicyError(f"{source}: the rule must be a mapping of keys to values")
    for key in data:
        if key not in _TOP_KEYS:
            raise PolicyError(f"{source}: unknown key {key!r} (known: {', '.join(sorted(_TOP_KEYS))})")
    quorum = _int(data, "quorum", 2, source, minimum=1)
    orgs = _int(data, "distinct_orgs", 2, source, minimum=1)
    if orgs > quorum:
        raise PolicyError(f"{source}: 'distinct_orgs' ({orgs}) cannot exceed 'quorum' ({quorum})")
    escalation = _int(data, "escalation_reviewers", 1, source, minimum=1)
    self_review = data.get("allow_self_review", False)
    if not isinstance(self_review, bool):
        raise PolicyError(f"{source}: 'allow_self_review' must be true or false")
    default_rel = data.get("default_reliability", 0.75)
    if isinstance(default_rel, bool) or not isinstance(default_rel, (int, float)) \
            or not 0.5 <= float(default_rel) < 1.0:
        raise PolicyError(f"{source}: 'default_reliability' must be a number in [0.5, 1)")
    evidence_raw = data.get("evidence", {"default": {"min": 1}})
    if not isinstance(evidence_raw, dict):
        raise PolicyError(f"{source}: 'evidence' must map categories to requirements")
    evidence: dict[str, EvidenceRequirement] = {}
    for cat, req in evidence_raw.items():
        where = f"{source}: evidence.{cat}"
        if not isinstance(req, dict):
            raise PolicyError(f"{where} must be a mapping like {{min: 1, kinds: [post]}}")
        for key in req:
            if key not in _EVIDENCE_KEYS:
                raise PolicyError(f"{where}: unknown key {key!r} (known: kinds, min)")
        kinds = req.get("kinds", [])
        if not isinstance(kinds, list) or any(k not in EVIDENCE_KINDS for k in kinds):
            raise PolicyError(f"{where}: 'kinds' must be a list drawn from {', '.join(EVIDENCE_KINDS)}")
        evidence[str(cat)] = EvidenceRequirement(min=_int(req, "min", 1, where, minimum=1),
                                                 kinds=tuple(kinds))
    evidence.setdefault("default", EvidenceRequirement())
    categories = data.get("categories", [])
    if not isinstance(categories, list) or not all(isinstance(c, str) for c in categories):
        raise PolicyError(f"{source}: 'categories' must be a list of names")
    return Rule(quorum=quorum, distinct_orgs=orgs, allow_self_review=self_review,
                escalation_reviewers=escalation, default_reliability=float(default_rel),
                evidence=evidence, categories=tuple(categories), source=source)


def load_rule(path: str | os.PathLike | None = None) -> Rule:
    """The rule in ``path``, else in ``$HYDRAWATCH_RULES``, else the shipped default."""
    path = path or os.environ.get("HYDRAWATCH_RULES") or DEFAULT_PATH
    p = Path(path)
    try:
        raw = p.read_bytes()
    except OSError as exc:
        raise PolicyError(f"cannot read verification rule {p}: {exc.strerror or exc}") from exc
    try:
        data = orjson.loads(raw) if p.suffix == ".json" else yaml.safe_load(raw)
    except (orjson.JSONDecodeError, yaml.YAMLError) as exc:
        raise PolicyError(f"{p}: not valid {'JSON' if p.suffix == '.json' else 'YAML'}: {exc}") from exc
    return parse_rule(data, str(p))
