import json

import pytest

from hydrawatch.errors import PolicyError
from hydrawatch.scoring.policy import current_policy, list_policies, load_policy, parse_policy
from hydrawatch.textnorm import hashtag_key

LOGO = "ab" * 32


def write(tmp_path, name, content):
    path = tmp_path / name
    path.write_text(content if isinstance(content, str) else json.dumps(content), encoding="utf-8")
    return path


def test_load_json_pack_and_replace_by_name(store, tmp_path):
    path = write(tmp_path, "p.json", {"name": "m", "hashtags": ["#AshenDawn", "الفجر_الرمادي"],
                                      "phrases": ["the ash will rise"], "pdq": [LOGO.upper()],
                                      "categories": ["propaganda"], "weights": {"pdq": 2}})
    pack = load_policy(store, path)
    assert pack.hashtags == ["AshenDawn", "الفجر_الرمادي"] and pack.pdq == [LOGO]
    assert pack.weights == {"hashtags": 1.0, "phrases": 1.0, "pdq": 2.0}
    load_policy(store, write(tmp_path, "p2.json", {"name": "m", "hashtags": ["Other"]}))
    packs = list_policies(store)
    assert [p.name for p in packs] == ["m"] and packs[0].hashtags == ["Other"]


def test_yaml_pack_with_only_a_name(store, tmp_path):
    load_policy(store, write(tmp_path, "p.yaml", "name: minimal\n"))
    assert list_policies(store)[0].name == "minimal"


def test_several_packs_are_merged(store, tmp_path):
    load_policy(store, write(tmp_path, "a.json", {"name": "a", "hashtags": ["Ashen_Dawn"]}))
    load_policy(store, write(tmp_path, "b.yml", "name: b\nhashtags: [ashendawn, Rise]\nphrases: ['x y']\n"))
    policy = current_policy(store)
    assert set(policy.tag_keys) == {hashtag_key("AshenDawn"), "rise"}
    assert list(policy.phrase_forms) == ["x y"]


def test_pdq_file_relative_to_the_pack(tmp_path):
    (tmp_path / "bank").mkdir()
    (tmp_path / "bank" / "h.csv").write_text(f"id,pdq\n1,{LOGO}\n2,\n3,{'cd' * 32}\n")
    pack = parse_policy(write(tmp_path, "p.json", {"name": "m", "pdq": [LOGO], "pdq_file": "bank/h.csv"}))
    assert pack.pdq == [LOGO, "cd" * 32]


@pytest.mark.parametrize("content, message", [
    ({"name": "m", "hashtag": ["x"]}, "unknown key 'hashtag'"),
    ({"name": "m", "weights": {"pqd": 1}}, "unknown key 'weights.pqd'"),
    ({"name": "m", "weights": {"pdq": "high"}}, "'weights.pdq' must be a number"),
    ({"hashtags": ["x"]}, "'name' is required"),
    ({"name": ""}, "'name' is required"),
    ({"name": "m", "pdq": ["abc"]}, "not a PDQ hash"),
    ({"name": "m", "pdq": ["zz" * 32]}, "not a PDQ hash"),
    ({"name": "m", "hashtags": "x"}, "'hashtags' must be a list of strings"),
    ({"name": "m", "phrases": [1]}, "'phrases' must be a list of strings"),
    ({"name": "m", "hashtags": ["#_-"]}, "empty after normalisation"),
    ({"name": "m", "pdq_file": "missing.csv"}, "cannot read"),
    (["name"], "must be an object"),
    ("{not json", "not valid JSON"),
])
def test_clear_errors(tmp_path, content, message):
    with pytest.raises(PolicyError) as err:
        parse_policy(write(tmp_path, "p.json", content))
    assert message in str(err.value) and "p.json" in str(err.value)


def test_pdq_file_errors_name_the_file_and_line(tmp_path):
    write(tmp_path, "nocol.csv", "hash\n" + LOGO + "\n")
    with pytest.raises(PolicyError, match="needs a 'pdq' column"):
        parse_policy(write(tmp_path, "p.json", {"name": "m", "pdq_file": "nocol.csv"}))
    write(tmp_path, "bad.csv", f"pdq\n{LOGO}\nnothex\n")
    with pytest.raises(PolicyError, match=r"bad\.csv:3: not a PDQ hash"):
        parse_policy(write(tmp_path, "p.json", {"name": "m", "pdq_file": "bad.csv"}))


def test_bad_yaml_and_missing_file(tmp_path):
    with pytest.raises(PolicyError, match="not valid YAML"):
        parse_policy(write(tmp_path, "p.yaml", "name: [unclosed\n"))
    with pytest.raises(PolicyError, match="cannot read"):
        parse_policy(tmp_path / "nope.json")


def test_cli_policy_load_reports_errors(db_url, tmp_path, monkeypatch, capsys):
    from hydrawatch.cli import main

    path = write(tmp_path, "p.json", {"name": "m", "hashtagz": []})
    monkeypatch.setattr("sys.argv", ["hydrawatch", "policy", "load", str(path), "--db", db_url])
    with pytest.raises(SystemExit) as exc:
        main()
    assert exc.value.code == 1
    assert "unknown key 'hashtagz'" in capsys.readouterr().err
