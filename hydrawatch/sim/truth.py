"""The ground truth of a world (``truth.json``), written as a stream (a million accounts
never have to sit in memory as one dict), and the policy pack (``policy.json``)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import orjson

from hydrawatch.sim import text as T
from hydrawatch.sim.world import (HARD_NEGATIVE_ROLES, MOVEMENT_ROLES, NEVER, PLATFORMS, ROLE_NAMES)
from hydrawatch.sim.writers import iso


def _dump(obj) -> bytes:
    return orjson.dumps(obj, option=orjson.OPT_SORT_KEYS)


def write_truth(path: Path, world, params: dict, lists: dict, files: list[str]) -> dict:
    """Writes truth.json; returns its small parts (everything but ``accounts``)."""
    plan = world.plan
    small = {
        "seed": params["seed"],
        "params": params,
        "movement": {"name": T.MOVEMENT, "hashtags": [t for t, _ in T.MOVEMENT_TAGS],
                     "slogans": T.SLOGANS, "logos": world.idents.logos},
        "start": iso(plan.start), "end": iso(plan.end),
        "files": files,
        "successions": [], "decoys": [], "renames": [], "suspensions": [], "lists": lists,
    }
    for j in np.flatnonzero(plan.pred >= 0).tolist():
        i = int(plan.pred[j])
        small["successions"].append({
            "successor": plan.key(j), "predecessor": plan.key(i),
            "suspended_at": iso(int(plan.suspended[i])), "created_at": iso(int(plan.created[j])),
            "mutation": world.ident(j).mutation, "generation": int(plan.gen[j]),
            "shoutout": bool(plan.shoutout[j]), "family": plan.key(int(plan.root[j]))})
    if plan.params.curious_share > 0:  # ordinary accounts that reshare one bulletin: not movement
        small["curious"] = [plan.key(i) for i in np.flatnonzero(plan.curious).tolist()]
    small["decoys"] = [plan.key(j) for j in np.flatnonzero(plan.decoy_of >= 0).tolist()]
    for i in np.flatnonzero(plan.rename_at < NEVER).tolist():
        ident = world.ident(i)
        t = int(plan.rename_at[i])
        small["renames"].append({"account": plan.key(i), "old": world.full_handle(i, t - 1),
                                 "new": world.full_handle(i, t),
                                 "at": iso(int(plan.rename_at[i]))})
    for i in np.flatnonzero(plan.suspended < NEVER).tolist():
        small["suspensions"].append({"account": plan.key(i), "at": iso(int(plan.suspended[i])),
                                     "role": ROLE_NAMES[plan.role[i]]})
    with open(path, "wb") as fh:
        fh.write(b"{")
        for key in sorted(small):
            fh.write(_dump(key) + b":" + _dump(small[key]) + b",\n")
        fh.write(b'"accounts":{\n')
        for i in range(len(plan)):
            role = int(plan.role[i])
            ident = world.ident(i)
            rec = {"role": ROLE_NAMES[role], "movement": role in MOVEMENT_ROLES,
                   "hard_negative": role in HARD_NEGATIVE_ROLES, "original": bool(plan.pred[i] < 0),
                   "handle": world.full_handle(i, int(plan.created[i])), "platform": PLATFORMS[plan.platform[i]],
                   "created_at": iso(int(plan.created[i])),
                   "suspended_at": iso(int(plan.suspended[i])) if plan.suspended[i] < NEVER else None,
                   "decoy": bool(plan.decoy_of[i] >= 0)}
            fh.write((b",\n" if i else b"") + _dump(plan.key(i)) + b":" + _dump(rec))
        fh.write(b"\n}}\n")
    return small


def policy_pack(world) -> dict:
    """Part of the movement's hashtags and slogans, and its logo hashes."""
    return {
        "name": "ember-oath",
        "categories": ["propaganda", "recruitment"],
        "hashtags": [t for t, _ in T.MOVEMENT_TAGS[:T.POLICY_TAGS]],
        "phrases": [s for lang in ("en", "ar", "fr") for s in T.SLOGANS[lang][:T.POLICY_SLOGANS]],
        "pdq": list(world.idents.logos),
    }
