"""Named PDQ hash banks in the store, and matching the store's media against them.

Matching is per *distinct* hash: ``pdq_checked`` holds every media/avatar hash already
matched against every bank, ``media_matches`` the hits (distance <= 31). Ingest calls
:func:`match_new_media` after each file, so every ingested media item (posted images and
avatars) is matched against every bank; importing a bank matches its new hashes against
every hash already checked, so the order of the two never matters.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sqlalchemy import func, select

from hydrawatch.errors import InputError, NotFound
from hydrawatch.media.bankfile import read_bank_file, read_query_file
from hydrawatch.media.index import MATCH_DISTANCE, PDQIndex, codes_from_hex
from hydrawatch.store import schema as s
from hydrawatch.store.db import transaction
from hydrawatch.timeutil import utcnow

BATCH = 5000
MAX_BANK_NAME = 255


@dataclass
class ImportResult:
    bank: str
    path: str
    format: str
    hashes: int          # PDQ rows read
    added: int           # new to the bank
    skipped_types: dict
    new_matches: int     # store media hashes newly matched


def _bank(db, name: str, create: bool) -> s.HashBank:
    name = (name or "").strip()
    if not name or len(name) > MAX_BANK_NAME or any(ord(c) < 32 for c in name):
        raise InputError(f"bad bank name {name[:80]!r} (1..{MAX_BANK_NAME} printable characters)")
    bank = db.scalars(select(s.HashBank).where(s.HashBank.name == name)).first()
    if bank is None:
        if not create:
            raise NotFound(f"no hash bank {name!r}")
        bank = s.HashBank(name=name, created_at=utcnow())
        db.add(bank)
        db.flush()
    return bank


def import_bank(store, path: str | Path, bank: str) -> ImportResult:
    """Add the hashes of a ThreatExchange or HMA-style file to bank ``bank`` (created when
    new), each with its provenance; a hash already in the bank keeps its first provenance.
    One transaction: a bad line imports nothing."""
    parsed = read_bank_file(path)
    now = utcnow()
    with transaction(store) as db:
        b = _bank(db, bank, create=True)
        have = set(db.scalars(select(s.BankHash.pdq).where(s.BankHash.bank_id == b.id)))
        rows, seen = [], set()
        for r in parsed.rows:
            if r.pdq in have or r.pdq in seen:
                continue
            seen.add(r.pdq)
            rows.append({"bank_id": b.id, "pdq": r.pdq, "source": Path(parsed.path).name,
                         "source_sha256": parsed.sha256, "line": r.line,
                         "provenance": r.provenance or None, "imported_at": now})
        for start in range(0, len(rows), BATCH):
            db.execute(s.BankHash.__table__.insert(), rows[start:start + BATCH])
        db.flush()
        new = [(i, p) for i, p in db.execute(select(s.BankHash.id, s.BankHash.pdq)
                                             .where(s.BankHash.bank_id == b.id)).all() if p in seen]
        matched = _match_checked_against(db, new, now)
    return ImportResult(bank=b.name, path=parsed.path, format=parsed.format, hashes=len(parsed.rows),
                        added=len(rows), skipped_types=parsed.skipped_types, new_matches=matched)


def _match_checked_against(db, bank_rows, now) -> int:
    """Match every already-checked store hash against the given (bank hash id, pdq) rows."""
    if not bank_rows:
        return 0
    ids, hexes = zip(*bank_rows)
    index = PDQIndex(hexes, list(ids))
    count = 0
    checked = db.scalars(select(s.PdqChecked.pdq)).all()
    for start in range(0, len(checked), 100_000):
        chunk = checked[start:start + 100_000]
        count += _insert_matches(db, chunk, index, now)
    return count


def _insert_matches(db, hexes: list[str], index: PDQIndex, now) -> int:
    qi, bi, d = index.search_codes(codes_from_hex(hexes), MATCH_DISTANCE)
    rows = [{"pdq": hexes[q], "bank_hash_id": index.payloads[i], "distance": dist, "matched_at": now}
            for q, i, dist in zip(qi.tolist(), bi.tolist(), d.tolist())]
    for start in range(0, len(rows), BATCH):
        db.execute(s.MediaMatch.__table__.insert(), rows[start:start + BATCH])
    return len(rows)


def bank_index(db) -> PDQIndex | None:
    """Every bank hash in one index; payload = bank hash row id."""
    rows = db.execute(select(s.BankHash.id, s.BankHash.pdq)).all()
    if not rows:
        return None
    ids, hexes = zip(*rows)
    return PDQIndex(hexes, list(ids))


def _unchecked(db) -> list[str]:
    C = s.PdqChecked
    media = select(func.lower(s.Media.pdq)).where(s.Media.pdq.is_not(None))
    avatars = select(func.lower(s.Account.avatar_pdq)).where(s.Account.avatar_pdq.is_not(None))
    seen = set(db.scalars(select(C.pdq)))
    out = set()
    for stmt in (media, avatars):
        for h in db.scalars(stmt):
            if h and len(h) == 64 and h not in seen:
                out.add(h)
    return sorted(out)


def match_new_media(db_or_store) -> int:
    """Match every media and avatar hash not yet checked against every bank; returns the
    number of new matches. Runs in the caller's transaction when given a session."""
    with transaction(db_or_store) as db:
        fresh = _unchecked(db)
        if not fresh:
            return 0
        now = utcnow()
        valid = []
        for h in fresh:
            try:
                bytes.fromhex(h)
            except ValueError:
                continue
            valid.append(h)
        index = bank_index(db)
        count = _insert_matches(db, valid, index, now) if index is not None else 0
        for start in range(0, len(valid), BATCH):
            db.execute(s.PdqChecked.__table__.insert(),
                       [{"pdq": h, "checked_at": now} for h in valid[start:start + BATCH]])
        return count


def match_hashes(store, queries: list[str], max_distance: int = MATCH_DISTANCE) -> list[dict]:
    """``[{"query": HEX, "matches": [{"bank", "hash", "distance"}]}]``, one per query, in
    order; matches sorted by distance, then bank, then hash."""
    with store.session() as db:
        rows = db.execute(select(s.BankHash.id, s.BankHash.pdq, s.HashBank.name)
                          .join(s.HashBank, s.HashBank.id == s.BankHash.bank_id)).all()
    out = [{"query": q, "matches": []} for q in queries]
    if not rows or not queries:
        return out
    index = PDQIndex([p for _, p, _ in rows], [(name, p) for _, p, name in rows])
    for entry, hits in zip(out, index.search(queries, max_distance)):
        entry["matches"] = sorted(({"bank": name, "hash": h, "distance": d} for (name, h), d in hits),
                                  key=lambda m: (m["distance"], m["bank"], m["hash"]))
    return out


def match_file(store, path: str | Path) -> list[dict]:
    return match_hashes(store, read_query_file(path))


def list_banks(store) -> list[dict]:
    with store.session() as db:
        rows = db.execute(select(s.HashBank.name, s.HashBank.created_at, func.count(s.BankHash.id))
                          .outerjoin(s.BankHash, s.BankHash.bank_id == s.HashBank.id)
                          .group_by(s.HashBank.id, s.HashBank.name, s.HashBank.created_at)
                          .order_by(s.HashBank.name)).all()
    return [{"bank": n, "created_at": c.isoformat() if c else None, "hashes": int(k)} for n, c, k in rows]


def matches_for_hashes(db, hexes) -> dict[str, list[dict]]:
    """{store hash: [{"bank", "hash", "distance", "source", "line"}]} for the given hashes."""
    hexes = sorted({h.lower() for h in hexes if h})
    out: dict[str, list[dict]] = {}
    M, B, H = s.MediaMatch, s.BankHash, s.HashBank
    for start in range(0, len(hexes), 1000):
        stmt = (select(M.pdq, H.name, B.pdq, M.distance, B.source, B.line)
                .join(B, B.id == M.bank_hash_id).join(H, H.id == B.bank_id)
                .where(M.pdq.in_(hexes[start:start + 1000])))
        for q, bank, h, d, src, line in db.execute(stmt):
            out.setdefault(q, []).append({"bank": bank, "hash": h, "distance": int(d),
                                          "source": src, "line": line})
    for v in out.values():
        v.sort(key=lambda m: (m["distance"], m["bank"], m["hash"]))
    return out
