"""The synthetic world: a seeded simulator of a fictional extremist movement ("The Ember
Oath"), the people around it, suspensions and re-entries, with ground truth.

    generate_world(out_dir, seed=0, accounts=2000, days=30) -> WorldSummary

writes ``out_dir`` (see docs/simulator.md): ``world.json`` (manifest), ``truth.json``,
``policy.json``, ``lists/``, and platform data under ``x/``, ``mastodon/``,
``canonical/``. Same seed and parameters, same bytes.
"""

from __future__ import annotations

import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

import orjson

from hydrawatch.errors import ConfigError
from hydrawatch.sim.generate import Generator
from hydrawatch.sim.lists import LISTS, write_lists
from hydrawatch.sim.truth import policy_pack, write_truth
from hydrawatch.sim.world import PRESETS, WorldParams, make_plan

__all__ = ["FORMATS", "PRESETS", "WorldParams", "WorldSummary", "data_files", "generate_world", "load_manifest"]

FORMATS = ("x", "mastodon", "canonical")


@dataclass
class WorldSummary:
    path: Path
    accounts: int
    posts: int
    follows: int
    suspensions: int
    successions: int
    decoys: int
    renames: int
    files: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def as_dict(self) -> dict:
        d = dict(self.__dict__)
        d["path"] = str(self.path)
        return d


def generate_world(out_dir, *, seed: int = 0, accounts: int = 2000, days: int = 30,
                   formats=FORMATS, progress: bool = False, preset: str = "default",
                   randomise: str | None = None, **overrides) -> WorldSummary:
    """Write a world directory. ``preset`` names a set of WorldParams overrides (PRESETS:
    "default", "hard"); ``randomise`` ("fit" or "eval", sim/randomise.py) draws the
    generative parameters from that regime's ranges, per seed; ``overrides`` set any other
    WorldParams field and win over both."""
    if preset not in PRESETS:
        raise ConfigError(f"unknown preset {preset!r}; choose from {', '.join(PRESETS)}")
    drawn = {}
    if randomise:
        from hydrawatch.sim.randomise import randomise as draw

        drawn = draw(seed, randomise)
    overrides = {**PRESETS[preset], **drawn, **overrides}
    formats = tuple(f.strip() for f in formats if f.strip())
    unknown = [f for f in formats if f not in FORMATS]
    if unknown or not formats:
        raise ConfigError(f"unknown format(s) {unknown or formats}; choose from {', '.join(FORMATS)}")
    if accounts < 50 or days < 1:
        raise ConfigError("a world needs at least 50 accounts and 1 day")
    bad = [k for k in overrides if k not in WorldParams.__dataclass_fields__]
    if bad:
        raise ConfigError(f"unknown world parameter(s): {', '.join(bad)}")
    params = WorldParams(seed=seed, accounts=accounts, days=days, formats=formats, **overrides)
    out = Path(out_dir)
    for sub in ("x", "mastodon", "canonical", "lists"):  # a re-run must not leave stale days
        if (out / sub).is_dir():
            shutil.rmtree(out / sub)
    out.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    plan = make_plan(params)
    gen = Generator(plan, out, progress=progress)
    stats = gen.run()
    files = [str(p.relative_to(out)) for p in gen.files]
    lists = write_lists(out, gen.world, seed)
    (out / "policy.json").write_bytes(orjson.dumps(policy_pack(gen.world), option=orjson.OPT_INDENT_2) + b"\n")
    small = write_truth(out / "truth.json", gen.world, params.to_json(), lists, files)
    manifest = {"generator": "hydrawatch.sim", "seed": seed, "params": params.to_json(),
                "files": files, "policy": "policy.json", "truth": "truth.json", "lists": list(LISTS)}
    (out / "world.json").write_bytes(orjson.dumps(manifest, option=orjson.OPT_INDENT_2) + b"\n")
    return WorldSummary(out, len(plan), stats["posts"], stats["follows"], stats["statuses"],
                        len(small["successions"]), len(small["decoys"]), len(small["renames"]),
                        files, time.perf_counter() - t0)


def load_manifest(world_dir) -> dict:
    path = Path(world_dir) / "world.json"
    if not path.is_file():
        raise ConfigError(f"{world_dir} is not a world directory (no world.json)")
    return orjson.loads(path.read_bytes())


def data_files(world_dir) -> list[Path]:
    """The world's platform data files in ingest order (day by day)."""
    return [Path(world_dir) / f for f in load_manifest(world_dir)["files"]]
