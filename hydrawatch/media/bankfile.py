"""Reading hash-bank files: ThreatExchange local files and HMA-style CSV.

* ThreatExchange local file (python-threatexchange's file exchange): one signal a line,
  ``<signal type> <signal>`` -- e.g. ``pdq 3a5f...`` -- optionally followed by more
  whitespace-separated fields, kept as provenance; ``#`` comments and blank lines ignored;
  a line holding a bare 64-hex hash counts as ``pdq``.
* HMA-style CSV: a header row with a ``pdq`` column, or ``signal_type`` with
  ``signal_value`` (or ``signal`` / ``hash``); every other column of a row is kept as its
  provenance (content id, tags, source...).

Signals of other types (``md5``, ``url``...) are counted and skipped; a malformed PDQ
hash is an error naming the file and line, and nothing of the file is imported.
"""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass, field
from pathlib import Path

from hydrawatch.errors import InputError
from hydrawatch.media.pdq import is_pdq

MAX_FIELD = 1000  # characters kept of one provenance value
VALUE_COLUMNS = ("signal_value", "signal", "hash")


@dataclass
class BankRow:
    pdq: str
    line: int
    provenance: dict


@dataclass
class BankFile:
    path: str
    sha256: str
    format: str  # "threatexchange" | "csv"
    rows: list[BankRow] = field(default_factory=list)
    skipped_types: dict[str, int] = field(default_factory=dict)


def _check(value: str, path: Path, line: int) -> str:
    value = value.strip().lower()
    if not is_pdq(value):
        raise InputError(f"not a PDQ hash (64 hex chars): {value[:80]!r}", path=str(path), line=line)
    return value


def _te_rows(text: str, path: Path, out: BankFile) -> None:
    for lineno, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        parts = line.split()
        if len(parts) == 1 and is_pdq(parts[0].lower()):  # a bare hash list
            parts = ["pdq", parts[0]]
        kind = parts[0].lower()
        if len(parts) < 2:
            raise InputError(f"expected '<signal type> <signal>', got {line[:80]!r}", path=str(path), line=lineno)
        if kind != "pdq":
            out.skipped_types[kind[:32]] = out.skipped_types.get(kind[:32], 0) + 1
            continue
        prov = {"fields": [p[:MAX_FIELD] for p in parts[2:]]} if len(parts) > 2 else {}
        out.rows.append(BankRow(_check(parts[1], path, lineno), lineno, prov))


def _csv_rows(text: str, path: Path, out: BankFile) -> None:
    reader = csv.DictReader(io.StringIO(text))
    names = {(f or "").strip().lower(): f for f in (reader.fieldnames or [])}
    type_col = None
    if "pdq" in names:
        value_col = names["pdq"]
    elif "signal_type" in names and any(c in names for c in VALUE_COLUMNS):
        type_col = names["signal_type"]
        value_col = names[next(c for c in VALUE_COLUMNS if c in names)]
    else:
        raise InputError("a hash-bank CSV needs a 'pdq' column, or 'signal_type' with "
                         "'signal_value'", path=str(path), line=1)
    for row in reader:
        lineno = reader.line_num
        if type_col is not None:
            kind = (row.get(type_col) or "").strip().lower()
            if kind not in ("pdq", "pdq_signal", "hash_pdq"):
                if kind:
                    out.skipped_types[kind[:32]] = out.skipped_types.get(kind[:32], 0) + 1
                continue
        value = (row.get(value_col) or "").strip()
        if not value:
            continue
        prov = {str(k).strip()[:100]: str(v)[:MAX_FIELD] for k, v in row.items()
                if k not in (value_col, type_col) and k is not None and v not in (None, "")}
        out.rows.append(BankRow(_check(value, path, lineno), lineno, prov))


def read_bank_file(path: str | Path) -> BankFile:
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", path=str(path)) from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 text (byte {exc.start})", path=str(path)) from None
    first = next((ln.strip() for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")), "")
    head = first.split(None, 1)[0].lower() if first else ""
    fmt = "csv" if ("," in first and head != "pdq") else "threatexchange"
    out = BankFile(path=str(path), sha256=hashlib.sha256(data).hexdigest(), format=fmt)
    (_csv_rows if fmt == "csv" else _te_rows)(text, path, out)
    return out


def read_query_file(path: str | Path) -> list[str]:
    """One 64-hex PDQ a line (blank lines and ``#`` comments ignored); a ThreatExchange
    ``pdq <hex>`` line is accepted too."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", path=str(path)) from None
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 text (byte {exc.start})", path=str(path)) from None
    out = []
    for lineno, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        parts = line.split()
        value = parts[1] if len(parts) > 1 and parts[0].lower() == "pdq" else parts[0]
        out.append(_check(value, path, lineno))
    return out
