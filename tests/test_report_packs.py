"""Report packs (X, Telegram) and the report bookkeeping, without any network."""

from __future__ import annotations

import csv
import hashlib

import orjson
import pytest
from sqlalchemy import select

from hydrawatch.act.report import mark_sent, submit_reports
from hydrawatch.errors import NotFound, PermissionDenied
from hydrawatch.verification.people import add_user, bootstrap_admin
from hydrawatch.store.schema import Account, Case, Report
from tests.report_world import T0, build


def test_packs_hold_csv_hashes_letter_and_manifest_and_no_reviewer(store, tmp_path):
    ids = build(store, tmp_path)
    with store.session() as db:  # a hostile handle must not become a spreadsheet formula
        acc = db.scalars(select(Account).where(Account.account_id == "1710000000000000002")).one()
        acc.handle_norm = "=HYPERLINK(\"http://evil.example\")"
    summary = submit_reports(store, platform="x", now=T0, pack_dir=tmp_path / "packs", env={})
    assert summary.count("prepared") == 2 and len(summary.packs) == 1
    pack = tmp_path / "packs" / summary.packs[0].rsplit("/", 1)[1]
    rows = list(csv.DictReader((pack / "accounts.csv").open()))
    assert [r["account_id"] for r in rows] == ["1710000000000000001", "1710000000000000002"]
    assert rows[1]["handle"].startswith("'=")
    assert rows[0]["profile_url"] == "https://x.com/x_one"
    case_id = ids[("x", "1710000000000000001")]
    assert f"{case_id:064x}  case-{case_id}/account-" in (pack / "evidence.sha256").read_text()
    manifest = orjson.loads((pack / "manifest.json").read_bytes())
    for name, digest in manifest["files"].items():
        assert hashlib.sha256((pack / name).read_bytes()).hexdigest() == digest
    letter = (pack / "letter.md").read_text()
    assert "trusted-flagger" in letter and "2 accounts on x" in letter
    with store.session() as db:
        assert {r.status for r in db.scalars(select(Report))} == {"prepared"}
        assert {c.state for c in db.scalars(select(Case).where(Case.platform == "x"))} == {"verified"}


def test_mark_sent_moves_the_cases_once_and_a_second_submit_skips_them(store, tmp_path):
    build(store, tmp_path)
    summary = submit_reports(store, platform="telegram", now=T0, pack_dir=tmp_path, env={})
    pack = summary.packs[0]
    assert len(mark_sent(store, pack, now=T0)) == 1
    assert mark_sent(store, pack, now=T0) == []  # twice: nothing more
    with store.session() as db:
        case = db.scalars(select(Case).where(Case.platform == "telegram")).one()
        report = db.scalars(select(Report)).one()
    assert case.state == "reported" and report.status == "sent" and report.channel == "pack"
    assert submit_reports(store, platform="telegram", now=T0, pack_dir=tmp_path, env={}).outcomes == []
    with pytest.raises(NotFound):
        mark_sent(store, tmp_path / "no-such-pack")


def test_dry_run_writes_nothing_and_missing_credentials_fail_softly(store, tmp_path):
    build(store, tmp_path)
    dry = submit_reports(store, dry_run=True, now=T0, pack_dir=tmp_path / "packs", env={})
    assert not (tmp_path / "packs").exists() and dry.count("would-prepare") == 3
    # No Mastodon token: recorded as failed, case stays verified, the next run tries again.
    res = submit_reports(store, platform="mastodon", now=T0, pack_dir=tmp_path, env={})
    assert res.count("failed") == 2 and "HYDRAWATCH_MASTODON_TOKEN" in res.outcomes[0].error
    again = submit_reports(store, platform="mastodon", now=T0, pack_dir=tmp_path, env={})
    assert again.count("failed") == 2
    with store.session() as db:
        assert {c.state for c in db.scalars(select(Case).where(Case.platform == "mastodon"))} == {"verified"}


def test_reporting_needs_a_reviewer_or_admin(store, tmp_path):
    build(store, tmp_path)
    bootstrap_admin(store, "root", org="NGO")
    add_user(store, "contrib", org="NGO", role="contributor", by_user="root")
    with pytest.raises(PermissionDenied):
        submit_reports(store, by_user="contrib", now=T0, pack_dir=tmp_path, env={})
