"""Policy packs: the operator's description of what a designated group looks like.

A pack is JSON or YAML (DESIGN.md, "Policy packs")::

    {"name": "example-movement",
     "categories": ["propaganda", "recruitment", "threat"],
     "hashtags": ["ExampleTag", "وسم_مثال"],
     "phrases": ["an example slogan", "شعار مثال"],
     "pdq": ["<64 hex chars>", ...],          # or "pdq_file": "hashes.csv" (a `pdq` column)
     "weights": {"hashtags": 1.0, "phrases": 1.0, "pdq": 1.0}}

Only ``name`` is required. Unknown keys are an error naming the key, so a typo is never
silently ignored. Packs are stored in ``policy_packs`` (loading a pack again under the same
name replaces it); scoring uses the union of every loaded pack.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

import orjson
from sqlalchemy import select

from hydrawatch.store import audit
from hydrawatch.errors import PolicyError
from hydrawatch.media.pdq import is_pdq
from hydrawatch.store.schema import PolicyPack as PolicyPackRow
from hydrawatch.textnorm import hashtag_key, match_form
from hydrawatch.timeutil import utcnow

KEYS = ("name", "categories", "hashtags", "phrases", "pdq", "pdq_file", "weights")
WEIGHT_KEYS = ("hashtags", "phrases", "pdq")


@dataclass
class PolicyPack:
    name: str
    categories: list[str] = field(default_factory=list)
    hashtags: list[str] = field(default_factory=list)
    phrases: list[str] = field(default_factory=list)
    pdq: list[str] = field(default_factory=list)
    weights: dict[str, float] = field(default_factory=lambda: {k: 1.0 for k in WEIGHT_KEYS})

    def to_dict(self) -> dict:
        return {"name": self.name, "categories": self.categories, "hashtags": self.hashtags,
                "phrases": self.phrases, "pdq": self.pdq, "weights": self.weights}

    @classmethod
    def from_dict(cls, data: dict) -> "PolicyPack":
        return cls(name=data["name"], categories=list(data.get("categories") or []),
                   hashtags=list(data.get("hashtags") or []),
                   phrases=list(data.get("phrases") or []), pdq=list(data.get("pdq") or []),
                   weights={**{k: 1.0 for k in WEIGHT_KEYS}, **(data.get("weights") or {})})


@dataclass
class Policy:
    """The union of every loaded pack, in the forms scoring compares against."""

    packs: list[PolicyPack]
    tag_keys: dict[str, str]      # hashtag key -> the tag as the pack wrote it
    phrase_forms: dict[str, str]  # match form (stripped) -> the phrase as written
    pdq: dict[str, str]           # hex (lowercase) -> pack name
    weights: dict[str, float]

    @property
    def empty(self) -> bool:
        return not (self.tag_keys or self.phrase_forms or self.pdq)


def _read(path: Path) -> dict:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise PolicyError(f"{path}: cannot read policy pack: {exc.strerror or exc}") from exc
    if path.suffix.lower() in (".yaml", ".yml"):
        import yaml

        try:
            data = yaml.safe_load(raw.decode("utf-8-sig"))
        except (yaml.YAMLError, UnicodeDecodeError) as exc:
            raise PolicyError(f"{path}: not valid YAML: {exc}") from exc
    else:
        try:
            data = orjson.loads(raw.decode("utf-8-sig"))
        except (orjson.JSONDecodeError, UnicodeDecodeError) as exc:
            raise PolicyError(f"{path}: not valid JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise PolicyError(f"{path}: a policy pack must be an object with at least a 'name'")
    return data


def _strings(path: Path, data: dict, key: str) -> list[str]:
    value = data.get(key)
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise PolicyError(f"{path}: '{key}' must be a list of strings")
    return [v.strip() for v in value if v.strip()]


def _pdq_from_csv(path: Path, ref: str) -> list[str]:
    csv_path = (path.parent / ref) if not Path(ref).is_absolute() else Path(ref)
    try:
        text = csv_path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise PolicyError(f"{path}: pdq_file {ref!r}: cannot read: {exc.strerror or exc}") from exc
    reader = csv.DictReader(io.StringIO(text))
    if not reader.fieldnames or "pdq" not in [f.strip().lower() for f in reader.fieldnames]:
        raise PolicyError(f"{csv_path}: a pdq_file needs a 'pdq' column")
    column = next(f for f in reader.fieldnames if f.strip().lower() == "pdq")
    hashes = []
    for row in reader:
        value = (row.get(column) or "").strip().lower()
        if not value:
            continue
        if not is_pdq(value):
            raise PolicyError(f"{csv_path}:{reader.line_num}: not a PDQ hash (64 hex chars): {value[:80]!r}")
        hashes.append(value)
    return hashes


def parse_policy(path: str | Path) -> PolicyPack:
    """Read and validate a pack file; raises :class:`PolicyError` naming what is wrong."""
    path = Path(path)
    data = _read(path)
    unknown = [k for k in data if k not in KEYS]
    if unknown:
        raise PolicyError(f"{path}: unknown key {unknown[0]!r} (allowed: {', '.join(KEYS)})")
    name = data.get("name")
    if not isinstance(name, str) or not name.strip():
        raise PolicyError(f"{path}: 'name' is required and must be a non-empty string")
    hashes = [h.lower() for h in _strings(path, data, "pdq")]
    for h in hashes:
        if not is_pdq(h):
            raise PolicyError(f"{path}: 'pdq' holds {h[:80]!r}, not a PDQ hash (64 hex chars)")
    if data.get("pdq_file") is not None:
        if not isinstance(data["pdq_file"], str):
            raise PolicyError(f"{path}: 'pdq_file' must be a path (string)")
        hashes += _pdq_from_csv(path, data["pdq_file"])
    weights = {k: 1.0 for k in WEIGHT_KEYS}
    given = data.get("weights")
    if given is not None:
        if not isinstance(given, dict):
            raise PolicyError(f"{path}: 'weights' must be an object")
        for key, value in given.items():
            if key not in WEIGHT_KEYS:
                raise PolicyError(f"{path}: unknown key 'weights.{key}' (allowed: {', '.join(WEIGHT_KEYS)})")
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 10:
                raise PolicyError(f"{path}: 'weights.{key}' must be a number between 0 and 10")
            weights[key] = float(value)
    hashtags = [t.lstrip("#＃") for t in _strings(path, data, "hashtags")]
    for tag in hashtags:
        if not hashtag_key(tag):
            raise PolicyError(f"{path}: hashtag {tag!r} is empty after normalisation")
    return PolicyPack(name=name.strip(), categories=_strings(path, data, "categories"),
                      hashtags=hashtags, phrases=_strings(path, data, "phrases"),
                      pdq=list(dict.fromkeys(hashes)), weights=weights)


def load_policy(store, path: str | Path, *, actor: str = "cli") -> PolicyPack:
    """Validate a pack file and store it (replacing a stored pack of the same name)."""
    pack = parse_policy(path)
    with store.session() as db:
        row = db.scalars(select(PolicyPackRow).where(PolicyPackRow.name == pack.name)).first()
        if row is None:
            row = PolicyPackRow(name=pack.name, content=pack.to_dict(), loaded_at=utcnow())
            db.add(row)
        else:
            row.content = pack.to_dict()
            row.loaded_at = utcnow()
        db.flush()
        audit.record(db, actor, "policy.load", "policy_pack", pack.name,
                     {"hashtags": len(pack.hashtags), "phrases": len(pack.phrases),
                      "pdq": len(pack.pdq), "source": str(path)})
    return pack


def list_policies(store) -> list[PolicyPack]:
    with store.session() as db:
        rows = db.scalars(select(PolicyPackRow).order_by(PolicyPackRow.name)).all()
        return [PolicyPack.from_dict(r.content) for r in rows]


def compile_policy(packs: list[PolicyPack]) -> Policy:
    """Merge packs into the normalised forms scoring matches against. Weights: the largest
    weight any pack gives a signal."""
    tag_keys: dict[str, str] = {}
    phrase_forms: dict[str, str] = {}
    pdq: dict[str, str] = {}
    weights: dict[str, float] = {}
    for pack in packs:
        for tag in pack.hashtags:
            tag_keys.setdefault(hashtag_key(tag), tag)
        for phrase in pack.phrases:
            form = match_form(phrase).strip()
            if form:
                phrase_forms.setdefault(form, phrase)
        for h in pack.pdq:
            pdq.setdefault(h.lower(), pack.name)
        for key, value in pack.weights.items():
            weights[key] = max(weights.get(key, 0.0), value)
    for key in WEIGHT_KEYS:
        weights.setdefault(key, 1.0)
    return Policy(packs=packs, tag_keys=tag_keys, phrase_forms=phrase_forms, pdq=pdq,
                  weights=weights)


def current_policy(store) -> Policy:
    return compile_policy(list_policies(store))
