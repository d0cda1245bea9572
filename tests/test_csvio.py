"""The one CSV writer every export uses neutralises spreadsheet formulas; list imports
read fields larger than the csv module's 128 KiB default (issue 10)."""

from __future__ import annotations

import csv
import io

import pytest

from hydrawatch import csvio
from hydrawatch.errors import InputError
from tests.helpers import import_list_as_admin as import_list


@pytest.mark.parametrize("cell, written", [
    ("=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"), ("+1", "'+1"), ("-1+2", "'-1+2"),
    ("@SUM(A1)", "'@SUM(A1)"), ("\t=1", "'\t=1"), ("\r=1", "'\r=1"), ("plain", "plain"),
    ("a=b", "a=b"), ("", ""), (-0.5, "-0.5"), (3, "3"), (None, ""),
])
def test_writer_neutralises_formula_cells(cell, written):
    out = io.StringIO(newline="")
    csvio.writer(out).writerow([cell, "x"])
    (row,) = list(csv.reader(io.StringIO(out.getvalue(), newline="")))
    assert row == [written, "x"]


def test_writer_keeps_rows_whole_with_cr_and_lf_in_cells():
    out = io.StringIO(newline="")
    w = csvio.writer(out)
    w.writerows([["a\rb", "c\nd"], ["e", "f"]])
    assert list(csv.reader(io.StringIO(out.getvalue(), newline=""))) == [["a\rb", "c\nd"],
                                                                         ["e", "f"]]


def test_list_with_a_field_over_128_kib_imports(store, tmp_path):
    path = tmp_path / "list.csv"
    note = "n" * (200 * 1024)
    path.write_text(f"handle,note\n@first,short\n@second,{note}\n@third,x\n")
    summary = import_list(store, path, org="Org", name="big")
    assert summary.nominations == 3 and summary.unreadable == []


def test_list_with_a_field_over_the_raised_limit_is_an_unreadable_row(store, tmp_path):
    path = tmp_path / "list.csv"
    huge = "n" * (csvio.MAX_FIELD + 10)
    path.write_text(f'handle,note\n@first,short\n@second,"{huge}"\n@third,x\n')
    summary = import_list(store, path, org="Org", name="huge")
    assert summary.nominations == 2
    ((row, raw, why),) = summary.unreadable
    assert row == 3 and "could not be read" in why and len(raw) <= 200


def test_list_with_nul_characters_is_a_clean_error(store, tmp_path):
    path = tmp_path / "list.txt"
    path.write_bytes(b"@one\n@t\x00wo\n")
    with pytest.raises(InputError) as info:
        import_list(store, path, org="Org")
    assert "NUL" in str(info.value) and "line 2" in str(info.value)
