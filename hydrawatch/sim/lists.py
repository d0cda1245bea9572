"""Lists circulated by three fictional organisations, with the truth of every row.

- Sentinel Trust (careful NGO): CSV, verified movement accounts, very few mistakes.
- Civic Watch Network (medium): plain text, mostly right, some ordinary Arabic accounts.
- Operation Ember Sweep (2015-hacktivist style): a messy dump with journalists, counter-speech,
  news outlets and ordinary Arabic-language accounts mixed in, many entries already
  suspended, every URL form people paste, a BOM, comments, blank lines, mixed case.
Row numbers are 1-based physical line numbers in the file.
"""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np

from hydrawatch.sim.world import (COUNTER, HUB, JOURNALIST, MEMBER, NEWS, ORDINARY, ORDINARY_AR,
                                  RESEARCHER, Plan)

LISTS = (
    {"file": "lists/sentinel-trust.csv", "org": "Sentinel Trust", "name": "ember-oath-verified"},
    {"file": "lists/civic-watch.txt", "org": "Civic Watch Network", "name": "weekly-watchlist"},
    {"file": "lists/ember-sweep-dump.txt", "org": "Operation Ember Sweep", "name": "dump-1"},
)


def _pick(rng: random.Random, arr: np.ndarray, k: int) -> list[int]:
    k = min(k, len(arr))
    return [int(arr[j]) for j in sorted(rng.sample(range(len(arr)), k))]


def _messy(rng: random.Random, handle: str) -> str:
    r = rng.random()
    h = handle if rng.random() < 0.6 else (handle.upper() if rng.random() < 0.3 else handle.lower())
    if r < 0.25:
        return "@" + h
    if r < 0.4:
        return h
    if r < 0.55:
        return f"https://twitter.com/{h}"
    if r < 0.65:
        return f"http://x.com/{h}/status/{rng.randrange(10**18, 10**19)}"
    if r < 0.75:
        return f"mobile.twitter.com/{h}"
    if r < 0.85:
        return f"https://www.twitter.com/{h}?s=20"
    if r < 0.92:
        return f"  @{h}  "
    return f"twitter.com/@{h}"


def write_lists(out: Path, world, seed: int) -> dict[str, list[dict]]:
    """Writes the three list files; returns their truth rows by file."""
    plan: Plan = world.plan
    rng = random.Random(seed * 31_337 + 5)
    end = plan.end - 1
    x = plan.platform == 0
    original = plan.pred < 0
    movement = np.isin(plan.role, (HUB, MEMBER)) & x
    live_mv = np.flatnonzero(movement & plan.alive(end))
    dead_mv = np.flatnonzero(movement & (plan.suspended <= end))
    n_mv = int(movement.sum())
    truth: dict[str, list[dict]] = {}

    def handle_for(i: int) -> str:
        return world.handle_at(i, min(end, int(plan.suspended[i]) - 1))

    # careful NGO: live movement accounts, a few suspended, ~1 mistake in 60
    rows = [(i, True) for i in _pick(rng, live_mv, int(len(live_mv) * 0.45) + 1)]
    rows += [(i, True) for i in _pick(rng, dead_mv, int(len(dead_mv) * 0.1))]
    wrong = np.flatnonzero((plan.role == RESEARCHER) & x & original)
    rows += [(i, False) for i in _pick(rng, wrong, max(0, len(rows) // 60))]
    rng.shuffle(rows)
    lines = ["handle,reason,added"]
    entries = []
    for i, _ in rows:
        h = handle_for(i)
        lines.append(f"@{h},propaganda - reviewed by two analysts,2026-0{rng.randrange(2, 4)}-{rng.randrange(10, 28)}")
        entries.append({"row": len(lines), "raw": lines[-1], "account": plan.key(i),
                        "correct": bool(plan.role[i] in (HUB, MEMBER))})
    _write(out / LISTS[0]["file"], lines)
    truth[LISTS[0]["file"]] = entries

    # medium organisation: mostly right, some ordinary Arabic false positives, some stale
    rows = [(i, True) for i in _pick(rng, live_mv, int(len(live_mv) * 0.35) + 1)]
    rows += [(i, True) for i in _pick(rng, dead_mv, int(len(dead_mv) * 0.3))]
    fp = np.flatnonzero(np.isin(plan.role, (ORDINARY_AR, COUNTER)) & x & original)
    rows += [(i, False) for i in _pick(rng, fp, max(1, len(rows) // 8))]
    rng.shuffle(rows)
    lines = ["# Civic Watch Network - weekly watchlist", ""]
    entries = []
    for i, _ in rows:
        lines.append("@" + handle_for(i) if rng.random() < 0.7 else f"https://twitter.com/{handle_for(i)}")
        entries.append({"row": len(lines), "raw": lines[-1], "account": plan.key(i),
                        "correct": bool(plan.role[i] in (HUB, MEMBER))})
    _write(out / LISTS[1]["file"], lines)
    truth[LISTS[1]["file"]] = entries

    # hacktivist dump: big, stale, wrong a lot of the time
    rows = [(i, True) for i in _pick(rng, dead_mv, int(len(dead_mv) * 0.9))]
    rows += [(i, True) for i in _pick(rng, live_mv, int(len(live_mv) * 0.5))]
    bad_pool = [(JOURNALIST, 0.5), (RESEARCHER, 0.4), (COUNTER, 0.6), (NEWS, 0.5)]
    for role, share in bad_pool:
        pool = np.flatnonzero((plan.role == role) & x & original)
        rows += [(i, False) for i in _pick(rng, pool, int(len(pool) * share) + 1)]
    ar = np.flatnonzero((plan.role == ORDINARY_AR) & x & original)
    rows += [(i, False) for i in _pick(rng, ar, max(2, n_mv // 2))]
    en = np.flatnonzero((plan.role == ORDINARY) & x & original)
    rows += [(i, False) for i in _pick(rng, en, max(1, n_mv // 10))]
    rng.shuffle(rows)
    lines = ["\ufeff# OPERATION EMBER SWEEP -- LIST #1 -- REPORT THEM ALL", "# expect more soon", ""]
    entries = []
    for k, (i, _) in enumerate(rows):
        if rng.random() < 0.05:
            lines.append("")
        if rng.random() < 0.03:
            lines.append(f"# batch {k // 50 + 1}")
        lines.append(_messy(rng, handle_for(i)))
        entries.append({"row": len(lines), "raw": lines[-1], "account": plan.key(i),
                        "correct": bool(plan.role[i] in (HUB, MEMBER))})
    for _ in range(max(1, len(rows) // 40)):  # typos and made-up names that resolve to nothing
        lines.append("@" + "".join(rng.choice("abcdefghijklmnopqrstuvwxyz_") for _ in range(rng.randrange(6, 14))))
        entries.append({"row": len(lines), "raw": lines[-1], "account": None, "correct": False})
    _write(out / LISTS[2]["file"], lines)
    truth[LISTS[2]["file"]] = entries
    return truth


def _write(path: Path, lines: list[str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
