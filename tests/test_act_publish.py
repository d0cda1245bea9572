"""`publish`: versioned static site; manifest hashes verify, the diff between versions is
right, every page carries the audit head, and no reviewer/user/org name is in any file."""

from __future__ import annotations

import hashlib

import orjson
import pytest
from sqlalchemy import select

from hydrawatch.act.publish import publish, verify_version
from hydrawatch.errors import InputError
from hydrawatch.store.anchor import head
from hydrawatch.store.schema import AuditEntry, Case, Publication
from tests.act_world import (PLANTED_NAMES, add_case, add_report, add_status, build_list_world,
                             day)

PUBLISHER = "Example Watch"


@pytest.fixture
def world(store):
    with store.session() as db:
        build_list_world(db)
        add_report(db, db.scalars(select(Case).where(Case.account_id == "2")).one(), day(4))
    return store


def _files(root):
    return [p for p in root.rglob("*") if p.is_file()]


def test_v1_manifest_and_records(world, tmp_path):
    with world.session() as db:
        expected_head = head(db).as_dict()
    res = publish(world, tmp_path / "site", now=day(10), publisher=PUBLISHER,
                  appeal_url="https://appeals.example.org/form")
    assert res.version == 1 and res.path == tmp_path / "site" / "v1"
    assert verify_version(res.path) == []
    manifest_bytes = (res.path / "manifest.json").read_bytes()
    manifest = orjson.loads(manifest_bytes)
    assert hashlib.sha256(manifest_bytes).hexdigest() == res.manifest_sha256
    assert manifest["audit"] == expected_head and manifest["previous"] is None
    on_disk = {p.relative_to(res.path).as_posix() for p in _files(res.path)} - {"manifest.json"}
    assert set(manifest["files"]) == on_disk
    for name, sha in manifest["files"].items():
        assert hashlib.sha256((res.path / name).read_bytes()).hexdigest() == sha
    assert {"index.html", "transparency.html", "appeal.html", "list.json", "list.csv",
            "list.stix.json", "mastodon-blocklist.csv", "pdq-hashes.txt", "metrics.json",
            "diff.json", "charts/survival.svg", "charts/removal-rate.svg"} <= on_disk
    for page in ("index.html", "transparency.html", "appeal.html"):
        assert expected_head["audit_head"] in (res.path / page).read_text()
    assert orjson.loads((res.path / "list.json").read_bytes())["audit"] == expected_head
    with world.session() as db:
        row = db.scalars(select(Publication)).one()
        assert (row.version, row.manifest_sha256) == (1, res.manifest_sha256)
        assert orjson.loads(row.content)["count"] == 5
        last = db.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
        assert last.action == "publication.create" and last.object_id == "1"
    diff = orjson.loads((res.path / "diff.json").read_bytes())
    assert diff["previous_version"] is None and len(diff["added"]) == 5
    assert "appeals.example.org/form" in (res.path / "appeal.html").read_text()
    root = (tmp_path / "site" / "index.html").read_text()
    assert 'href="v1/index.html"' in root
    assert (res.path / "transparency.html").read_text().count("<img src=\"charts/") == 3


def test_v2_diff_and_chain(world, tmp_path):
    site = tmp_path / "site"
    v1 = publish(world, site, now=day(10), publisher=PUBLISHER)
    with world.session() as db:
        db.scalars(select(Case).where(Case.account_id == "1")).one().state = "delisted"
        add_status(db, "x", "3", "suspended", day(12))
        add_case(db, "bluesky", "did:plc:abc", "verified", handle="new.bsky.social",
                 verified_at=day(11))
    v2 = publish(world, site, now=day(13), publisher=PUBLISHER)
    assert v2.version == 2 and verify_version(v2.path) == [] and verify_version(v1.path) == []
    diff = orjson.loads((v2.path / "diff.json").read_bytes())
    assert diff["previous_version"] == 1
    assert diff["added"] == ["bluesky:did:plc:abc"]
    assert diff["removed"] == ["x:1"]
    assert diff["changed"] == {"x:3": {"status": ["unchecked", "removed"]}}
    manifest = orjson.loads((v2.path / "manifest.json").read_bytes())
    assert manifest["previous"] == {"version": 1, "manifest_sha256": v1.manifest_sha256}
    root = (site / "index.html").read_text()
    assert root.index('href="v2/index.html"') < root.index('href="v1/index.html"')
    with pytest.raises(InputError):  # v3 exists on disk but not in the database
        (site / "v3").mkdir()
        publish(world, site, now=day(14))


def test_tampering_is_detected(world, tmp_path):
    res = publish(world, tmp_path / "site", now=day(10))
    (res.path / "list.csv").write_text("platform,id\r\nx,999\r\n")
    (res.path / "extra.html").write_text("<p>planted</p>")
    (res.path / "charts" / "families.svg").unlink()
    assert sorted(verify_version(res.path)) == ["charts/families.svg: missing",
                                                "extra.html: not in the manifest",
                                                "list.csv: SHA-256 differs from the manifest"]


def test_no_identity_and_no_script_anywhere(world, tmp_path):
    site = tmp_path / "site"
    publish(world, site, now=day(10), publisher=PUBLISHER, actor="Zebulon Quartermaine",
            appeal_contact="appeals@example.org")
    publish(world, site, now=day(11), publisher=PUBLISHER, actor="Xanthippe Moorcroft")
    planted = [*PLANTED_NAMES, *PLANTED_NAMES.values(), "Quartermaine", "Moorcroft", "Ashdown",
               "ashdown.example", "Fenwright"]
    files = _files(site)
    assert len(files) > 20
    for path in files:
        text = path.read_bytes().decode("utf-8").lower()
        for name in planted:
            assert name.lower() not in text, (path, name)
        if path.suffix in (".html", ".svg"):
            assert "<script" not in text and "onerror=" not in text, path
            assert "http://evil.example" not in text or "&#34;http://evil.example&#34;" in text
    index = (site / "v1" / "index.html").read_text()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in index


def test_appeal_url_must_be_http(world, tmp_path):
    with pytest.raises(InputError):
        publish(world, tmp_path / "site", appeal_url="javascript:alert(1)")
    assert not (tmp_path / "site" / "v1").exists()
