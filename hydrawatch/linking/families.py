"""Hydra families: the accounts joined by accepted links, oldest first.

A family is a connected component of the link graph (successor -> predecessor). It is
usually a chain (A suspended, B replaces A, C replaces B); a suspended account that two
new accounts both claim makes a tree, which still reads as one family.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Iterable


def components(pairs: Iterable[tuple[str, str]]) -> list[set[str]]:
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in pairs:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[ra] = rb
    groups: dict[str, set[str]] = defaultdict(set)
    for x in list(parent):
        groups[find(x)].add(x)
    return list(groups.values())


def order_family(members: set[str], pairs: list[tuple[str, str]], start: dict[str, float]) -> list[str]:
    """Members in succession order: a predecessor before its successors, ties (and trees)
    by start time (creation, else first seen), then id."""
    preds = defaultdict(set)
    for succ, pred in pairs:
        if succ in members:
            preds[succ].add(pred)
    done: list[str] = []
    placed: set[str] = set()
    remaining = sorted(members, key=lambda m: (start.get(m, float("inf")), m))
    while remaining:
        for m in remaining:
            if preds[m] <= placed or all(p not in members for p in preds[m]):
                break
        else:  # a cycle (only possible from bad data): fall back to time order
            m = remaining[0]
        done.append(m)
        placed.add(m)
        remaining.remove(m)
    return done
