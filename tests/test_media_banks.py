"""Hash banks: ThreatExchange and HMA-style imports with provenance, every ingested
media item and avatar matched against every bank (in either order), matches as score
reasons and evidence, and `hydrawatch hashes match` output."""

import json

import numpy as np
import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from hydrawatch.cli import app
from hydrawatch.errors import InputError
from hydrawatch.verification.evidence import account_snapshot, post_snapshot
from hydrawatch.ingest import ingest_paths
from hydrawatch.media.banks import import_bank, list_banks, match_hashes
from hydrawatch.media.index import hex_from_codes
from hydrawatch.store import schema as s
from tests.helpers import write_jsonl

rng = np.random.default_rng(11)
LOGO, FLAG, OTHER, UNRELATED = hex_from_codes(rng.integers(0, 2**64, (4, 4), dtype=np.uint64))


def near(hexval: str, bits: int) -> str:
    v = int(hexval, 16)
    for b in range(bits):
        v ^= 1 << (b * 7)
    return f"{v:064x}"


def te_file(tmp_path, lines, name="bank.te"):
    p = tmp_path / name
    p.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return p


def world(tmp_path, avatar=None, media=None):
    recs = [{"kind": "account", "platform": "x", "id": "1", "handle": "a_one",
             "avatar_pdq": avatar or UNRELATED, "observed_at": "2026-03-01T00:00:00Z"},
            {"kind": "post", "platform": "x", "id": "10", "account_id": "1", "text": "hello",
             "created_at": "2026-03-01T10:00:00Z",
             "media": [{"pdq": media or UNRELATED, "url": "https://img.example/1"}]}]
    return write_jsonl(tmp_path / "w.jsonl", recs)


def test_threatexchange_and_csv_import_with_provenance(store, tmp_path):
    te = te_file(tmp_path, ["# a comment", f"pdq {LOGO} tag:logo", "md5 0123abcd", "", f"PDQ {FLAG.upper()}"])
    r = import_bank(store, te, "tx-logos")
    assert (r.format, r.hashes, r.added, r.skipped_types) == ("threatexchange", 2, 2, {"md5": 1})
    csv_path = tmp_path / "hma.csv"
    csv_path.write_text(f"signal_type,signal_value,content_id,tags\npdq,{OTHER},c-77,flag\n"
                        f"url,https://x.example,c-78,\npdq,{LOGO},c-79,dup\n", encoding="utf-8")
    r2 = import_bank(store, csv_path, "hma")
    assert (r2.format, r2.added, r2.skipped_types) == ("csv", 2, {"url": 1})
    again = import_bank(store, te, "tx-logos")  # idempotent
    assert again.added == 0
    with store.session() as db:
        row = db.execute(select(s.BankHash).where(s.BankHash.pdq == OTHER)).scalar_one()
        assert (row.source, row.line, row.provenance) == ("hma.csv", 2, {"content_id": "c-77", "tags": "flag"})
        assert len(row.source_sha256) == 64
        te_row = db.execute(select(s.BankHash).join(s.HashBank).where(
            s.HashBank.name == "tx-logos", s.BankHash.pdq == LOGO)).scalar_one()
        assert (te_row.line, te_row.provenance) == (2, {"fields": ["tag:logo"]})
    assert [(b["bank"], b["hashes"]) for b in list_banks(store)] == [("hma", 2), ("tx-logos", 2)]


@pytest.mark.parametrize("bad", [f"pdq {LOGO[:-1]}", "pdq zz" + LOGO[2:], "pdq"])
def test_a_bad_line_names_file_and_line_and_imports_nothing(store, tmp_path, bad):
    p = te_file(tmp_path, [f"pdq {FLAG}", bad])
    with pytest.raises(InputError) as exc:
        import_bank(store, p, "b")
    assert f"{p}:2:" in str(exc.value)
    assert list_banks(store) == []


def test_csv_without_a_hash_column_is_an_error(store, tmp_path):
    p = tmp_path / "x.csv"
    p.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(InputError, match="'pdq' column"):
        import_bank(store, p, "b")


@pytest.mark.parametrize("bank_first", [True, False])
def test_ingested_media_and_avatars_match_every_bank_in_either_order(store, tmp_path, bank_first):
    te = te_file(tmp_path, [f"pdq {LOGO}", f"pdq {FLAG}"])
    path = world(tmp_path, avatar=near(LOGO, 5), media=near(FLAG, 31))
    if bank_first:
        import_bank(store, te, "logos")
        ingest_paths(store, [path])
    else:
        ingest_paths(store, [path])
        assert import_bank(store, te, "logos").new_matches == 2
    with store.session() as db:
        got = sorted((m.pdq, m.distance) for m in db.scalars(select(s.MediaMatch)))
        assert got == sorted([(near(LOGO, 5), 5), (near(FLAG, 31), 31)])
        acc = account_snapshot(db, "x", "1")
        assert acc["avatar_bank_matches"][0] | {"source": None} == {
            "bank": "logos", "hash": LOGO, "distance": 5, "source": None, "line": 1}
        post = post_snapshot(db, "x", "10")
        assert post["media"][0]["bank_matches"][0]["distance"] == 31


def test_no_match_beyond_31_and_nothing_added_to_snapshots(store, tmp_path):
    import_bank(store, te_file(tmp_path, [f"pdq {LOGO}"]), "logos")
    ingest_paths(store, [world(tmp_path, avatar=near(LOGO, 32), media=UNRELATED)])
    with store.session() as db:
        assert db.scalars(select(s.MediaMatch)).all() == []
        assert "avatar_bank_matches" not in account_snapshot(db, "x", "1")
        assert "bank_matches" not in post_snapshot(db, "x", "10")["media"][0]


def test_bank_matches_are_score_reasons(store, tmp_path):
    from hydrawatch.scoring.pipeline import explain_account, score_store

    import_bank(store, te_file(tmp_path, [f"pdq {LOGO}"]), "logo-bank")
    ingest_paths(store, [world(tmp_path, avatar=near(LOGO, 4), media=near(LOGO, 9))])
    score_store(store)
    info = explain_account(store, "x", "1")
    assert any("avatar matches hash bank 'logo-bank' (PDQ distance 4)" in r for r in info["reasons"])
    assert any("posted 1 image matching hash bank 'logo-bank' (best PDQ distance 9)" in r
               for r in info["reasons"])
    assert info["signals"]["hash_banks"] == ["logo-bank"]
    assert info["signals"]["values"]["avatar_distance"] == 4


def test_match_hashes_and_cli_json(store, tmp_path, db_url):
    import_bank(store, te_file(tmp_path, [f"pdq {LOGO}", f"pdq {FLAG}"]), "b1")
    import_bank(store, te_file(tmp_path, [f"pdq {LOGO}"], "b2.te"), "b2")
    queries = tmp_path / "q.txt"
    queries.write_text(f"{near(LOGO, 3)}\n\n# c\n{UNRELATED.upper()}\n", encoding="utf-8")
    out = match_hashes(store, [near(LOGO, 3), UNRELATED])
    assert out == [{"query": near(LOGO, 3), "matches": [
        {"bank": "b1", "hash": LOGO, "distance": 3}, {"bank": "b2", "hash": LOGO, "distance": 3}]},
        {"query": UNRELATED, "matches": []}]
    result = CliRunner().invoke(app, ["hashes", "match", str(queries), "--format", "json", "--db", db_url])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == out
    text = CliRunner().invoke(app, ["hashes", "match", str(queries), "--db", db_url])
    assert text.exit_code == 0 and "b2" in text.stdout
    imp = CliRunner().invoke(app, ["hashes", "import", str(queries), "--bank", "q", "--db", db_url])
    assert imp.exit_code == 0, imp.output
    assert "2 new of 2 PDQ hashes" in imp.stdout
