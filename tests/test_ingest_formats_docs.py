"""docs/input-formats.md documents every registered platform format."""

from __future__ import annotations

from pathlib import Path

from hydrawatch.ingest import FORMATS

DOC = Path(__file__).resolve().parent.parent / "docs" / "input-formats.md"


def test_every_platform_format_has_a_section():
    text = DOC.read_text(encoding="utf-8")
    headings = [line for line in text.splitlines() if line.startswith("## ")]
    missing = [fmt.NAME for fmt in FORMATS if fmt.NAME != "canonical"
               and not any(f"(`{fmt.NAME}`)" in h for h in headings)]
    assert not missing, f"docs/input-formats.md lacks a section for {missing}"
