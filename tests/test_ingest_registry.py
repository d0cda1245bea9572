"""The input format registry: built-ins come from the ``hydrawatch.formats`` entry points,
a name registers once, a third-party format installed as a package is picked up by
``ingest_paths``, and one that fails to import is an error, never a silent skip."""

from __future__ import annotations

import json
import sys
import textwrap
from importlib.metadata import entry_points

import pytest

import hydrawatch.ingest as ingest
from hydrawatch.ingest import (SourceFormat, detection_order, format_names, get_format,
                               ingest_paths)
from hydrawatch.registry import Registry, RegistryError, UnknownName


def test_built_ins_are_registered_through_entry_points():
    eps = {ep.name: ep.value for ep in entry_points(group="hydrawatch.formats")}
    assert eps["x_v2"] == "hydrawatch.ingest.x_v2:XV2Format"
    assert {"canonical", "x_v2", "mastodon", "bluesky", "telegram"} <= set(eps)
    assert format_names()[:6] == ["bluesky", "canonical", "collection", "mastodon", "telegram", "x_v2"]
    assert [f.NAME for f in detection_order()][:6] == ["canonical", "x_v2", "mastodon", "bluesky",
                                                        "telegram", "collection"]
    assert all(isinstance(f, SourceFormat) for f in ingest.FORMATS)
    with pytest.raises(UnknownName, match="unknown input format 'myspace'"):
        get_format("myspace")


def test_a_name_registers_once():
    with pytest.raises(RegistryError, match="registered twice"):
        ingest.formats.register("x_v2", get_format("x_v2"))


def test_only_source_formats_register():
    with pytest.raises(RegistryError, match="is not a SourceFormat"):
        ingest.formats.register("nonsense", object())


PLUGIN = '''
from hydrawatch.ingest.base import SourceFormat


class GabFormat(SourceFormat):
    """A third-party format: {"gab_user": {...}} lines."""

    NAME = "gab"
    JSONL = True

    def sniff(self, value):
        return isinstance(value, dict) and "gab_user" in value

    def records(self, value, line):
        user = value["gab_user"]
        yield {"kind": "account", "platform": "gab", "id": str(user["id"]),
               "handle": user["username"], "observed_at": "2026-03-01T00:00:00Z"}
'''


def _install_plugin(tmp_path, monkeypatch, entry: str, module_text: str = PLUGIN) -> None:
    """A package on sys.path with its own dist-info declaring ``entry`` in
    ``hydrawatch.formats``: what ``pip install hydrawatch-gab`` would leave behind."""
    site = tmp_path / "site"
    (site / "hydrawatch_gab-1.0.dist-info").mkdir(parents=True)
    (site / "hydrawatch_gab-1.0.dist-info" / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: hydrawatch-gab\nVersion: 1.0\n")
    (site / "hydrawatch_gab-1.0.dist-info" / "entry_points.txt").write_text(
        f"[hydrawatch.formats]\n{entry}\n")
    (site / "hydrawatch_gab.py").write_text(textwrap.dedent(module_text))
    monkeypatch.syspath_prepend(str(site))
    monkeypatch.delitem(sys.modules, "hydrawatch_gab", raising=False)  # another test's version
    # a fresh registry, as a new process would build it from the installed entry points
    monkeypatch.setattr(ingest, "formats", Registry("hydrawatch.formats", SourceFormat,
                                                    what="input format"))


def test_a_third_party_format_is_picked_up_from_its_entry_point(tmp_path, monkeypatch, store):
    _install_plugin(tmp_path, monkeypatch, "gab = hydrawatch_gab:GabFormat")
    assert "gab" in format_names()
    assert detection_order()[-1].NAME == "gab"  # after every built-in
    data = tmp_path / "gab.jsonl"
    data.write_text(json.dumps({"gab_user": {"id": 7, "username": "someone"}}) + "\n")
    summary = ingest_paths(store, [data])
    assert [(f.format, f.records) for f in summary.files] == [("gab", 1)]


def test_a_third_party_format_cannot_take_a_built_in_name(tmp_path, monkeypatch):
    _install_plugin(tmp_path, monkeypatch, "x_v2 = hydrawatch_gab:GabFormat")
    with pytest.raises(RegistryError, match="'x_v2' is registered twice"):
        format_names()


def test_a_format_that_fails_to_import_is_an_error(tmp_path, monkeypatch, store):
    _install_plugin(tmp_path, monkeypatch, "gab = hydrawatch_gab:GabFormat",
                    "import a_module_that_is_not_installed\n")
    with pytest.raises(RegistryError, match="input format 'gab' .* failed to load: "
                                            "ModuleNotFoundError"):
        format_names()
    data = tmp_path / "a.jsonl"
    data.write_text('{"kind": "account", "platform": "x", "id": "1"}\n')
    with pytest.raises(RegistryError, match="failed to load"):
        ingest_paths(store, [data])


def test_a_format_registered_under_another_name_is_refused(tmp_path, monkeypatch):
    _install_plugin(tmp_path, monkeypatch, "gabby = hydrawatch_gab:GabFormat")
    with pytest.raises(RegistryError, match="registered as 'gabby' calls itself 'gab'"):
        format_names()
