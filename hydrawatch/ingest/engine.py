"""Reading input files: format detection, streaming, one transaction per file.

A file is either JSONL (one JSON value a line; read line by line, so memory stays bounded
whatever its size) or one JSON document. Every record an adapter yields is validated
(``canonical.validate``) and handed to a :class:`BatchWriter`. Without ``skip_bad`` the
first bad record aborts the file's transaction, so the store is unchanged; with it, bad
records are counted by reason and the rest is imported. Whatever goes wrong inside an
adapter or the validation of one record is that record's input error (file and line),
never a traceback.
"""

from __future__ import annotations

import hashlib
import os
from collections import Counter
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator

import orjson

from hydrawatch.errors import FormatError, InputError, RecordError, quote
from hydrawatch.ingest import canonical
from hydrawatch.ingest.base import Dropped
from hydrawatch.ingest.statuses import resolve_pending
from hydrawatch.ingest.writer import BatchWriter
from hydrawatch.perfutil import frozen_gc
from hydrawatch.store.schema import IngestedFile
from hydrawatch.timeutil import utcnow

DATA_SUFFIXES = {".json", ".jsonl", ".ndjson"}

# Typed decoding (``typed.py``) of the lines it can take; False runs the reference path
# only (the tests compare both).
TYPED = True


@dataclass
class FileResult:
    path: str
    format: str
    records: int = 0
    skipped: int = 0
    skip_reasons: Counter = field(default_factory=Counter)
    dropped: Counter = field(default_factory=Counter)  # well-formed items giving no record
    counts: dict = field(default_factory=dict)


@dataclass
class IngestSummary:
    files: list[FileResult] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)  # files in directories with no format
    unchanged: list[str] = field(default_factory=list)  # content already ingested

    @property
    def records(self) -> int:
        return sum(f.records for f in self.files)

    @property
    def skipped(self) -> int:
        return sum(f.skipped for f in self.files)

    def skip_reasons(self) -> Counter:
        total: Counter = Counter()
        for f in self.files:
            total.update(f.skip_reasons)
        return total

    def dropped(self) -> Counter:
        total: Counter = Counter()
        for f in self.files:
            total.update(f.dropped)
        return total

    def counts(self) -> dict[str, int]:
        total: Counter = Counter()
        for f in self.files:
            total.update(f.counts)
        return dict(total)


def expand_paths(paths: Iterable[str | os.PathLike]) -> list[tuple[Path, bool]]:
    """(file, explicit) pairs: directories are walked (sorted) for data files."""
    out: list[tuple[Path, bool]] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for sub in sorted(p for p in path.rglob("*") if p.is_file()):
                if sub.suffix.lower() in DATA_SUFFIXES and not sub.name.startswith("."):
                    out.append((sub, False))
        elif path.is_file():
            out.append((path, True))
        else:
            raise InputError("no such file or directory", path=str(path))
    return out


def _loads(data: bytes, path: Path, line: int):
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        msg = str(exc)
        if "utf-8" in msg.lower() or "surrogate" in msg.lower():
            msg = "invalid UTF-8"
        raise RecordError(f"malformed JSON: {msg}", path=str(path), line=line) from None


_EMPTY_VALUES = (b"[]", b"{}")


def _first_line(path: Path) -> bytes:
    """The first line with content; lines holding only an empty array or object (empty
    pages some tools write) are passed over unless nothing else follows."""
    first = b""
    with open(path, "rb") as fh:
        for raw in fh:
            stripped = raw.strip()
            if not stripped:
                continue
            if stripped.replace(b" ", b"") not in _EMPTY_VALUES:
                return raw
            first = first or raw
    return first


class _Empty:
    """A file holding only empty JSON arrays or objects (``[]``: an empty result page)."""

    NAME = "empty"
    JSONL = None

    @staticmethod
    def sniff(value) -> bool:
        return value == [] or value == {}

    @staticmethod
    def records(value, line):
        return iter(())


def detect(path: Path, formats) -> tuple[object | None, bool]:
    """(format module, is_jsonl) for the file, or (None, _) when no format claims it.
    Raises RecordError when the file is not JSON at all."""
    first = _first_line(path)
    if not first.strip():
        raise FormatError("empty file", path=str(path))
    try:
        value = orjson.loads(first)
        jsonl = True
    except orjson.JSONDecodeError:
        value = _loads(path.read_bytes(), path, 1) if _looks_like_document(first) else None
        if value is None:
            _loads(first, path, 1)  # raises with the reason
        jsonl = False
    probe = value[0] if (isinstance(value, list) and value) else value
    for fmt in formats:
        if fmt.sniff(value) or (isinstance(value, list) and fmt.sniff(probe)):
            return fmt, jsonl
    if _Empty.sniff(value):
        return _Empty, jsonl
    return None, jsonl


def _looks_like_document(first: bytes) -> bool:
    return first.lstrip()[:1] in (b"{", b"[")


def file_digest(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()


def already_ingested(store, digest: str) -> bool:
    """A file with this content committed before, with no record skipped."""
    from sqlalchemy import select

    with store.session(readonly=True) as db:
        return db.scalar(select(IngestedFile.id).where(IngestedFile.sha256 == digest,
                                                       IngestedFile.skipped == 0)) is not None


def _values(path: Path, jsonl: bool, on_bytes: Callable[[int], None]) -> Iterator[tuple[object, int]]:
    if not jsonl:
        data = path.read_bytes()
        on_bytes(len(data))
        yield _loads(data, path, 1), 1
        return
    with open(path, "rb") as fh:
        for lineno, raw in enumerate(fh, 1):
            on_bytes(len(raw))
            if raw.strip():
                yield raw, lineno


def ingest_file(store, path: Path, fmt, jsonl: bool, *, skip_bad: bool = False,
                on_bytes: Callable[[int], None] = lambda n: None,
                digest: str | None = None,
                on_flush: Callable[[str, int], None] | None = None) -> FileResult:
    """Ingest one file in one transaction. ``on_flush(path, records)`` is called after
    each batch is written inside that (still open) transaction."""
    result = FileResult(path=str(path), format=fmt.NAME)
    digest = digest or file_digest(path)
    with store.session() as db:
        flushed = (lambda: on_flush(str(path), result.records)) if on_flush else None
        writer = BatchWriter(db, ingest_time=utcnow(), on_flush=flushed)
        with frozen_gc(), _sqlite_cache(db):
            _read_file(path, fmt, jsonl, writer, result, skip_bad, on_bytes)
            writer.flush()
        resolve_pending(db)
        from hydrawatch.verification.lists import resolve_nominations

        resolve_nominations(db)
        from hydrawatch.media.banks import match_new_media

        match_new_media(db)
        result.counts = dict(writer.counts)
        _record_file(db, digest, path, fmt.NAME, result)
    return result


# SQLite page cache (KiB) for the length of a file's bulk writes: the default 2 MiB makes
# every index insert re-read pages through the OS and spill dirty pages before the commit.
# A cache setting only: what is written and when it is committed do not change.
SQLITE_CACHE_KIB = 131072


@contextmanager
def _sqlite_cache(db):
    if db.get_bind().dialect.name != "sqlite":
        yield
        return
    conn = db.connection()
    before = conn.exec_driver_sql("PRAGMA cache_size").scalar()
    conn.exec_driver_sql(f"PRAGMA cache_size=-{SQLITE_CACHE_KIB}")
    restore = f"PRAGMA cache_size={int(before)}"
    try:
        yield
    except BaseException:
        with suppress(Exception):  # never mask the error that is on its way out
            conn.exec_driver_sql(restore)
        raise
    conn.exec_driver_sql(restore)


def _read_file(path: Path, fmt, jsonl: bool, writer: BatchWriter, result: FileResult,
               skip_bad: bool, on_bytes) -> None:
    fast = None
    if TYPED and jsonl:
        from hydrawatch.ingest.typed import decoder

        fast = decoder(fmt.NAME)
    add = writer.add
    add_fields = writer.add_fields
    dropped = result.dropped
    for value, lineno in _values(path, jsonl, on_bytes):
        if fast is not None:
            recs = fast(value, lineno)
            if recs is not None:
                for rec in recs:
                    kind = type(rec)
                    if kind is tuple:
                        add_fields(rec)
                    elif kind is Dropped:
                        dropped[rec.reason] += 1
                        continue
                    else:
                        add(rec)
                    result.records += 1
                continue
        try:
            if jsonl:
                value = _loads(value, path, lineno)
            for rec in _records(fmt, value, lineno):
                if isinstance(rec, Dropped):
                    result.dropped[rec.reason] += 1
                    continue
                writer.add(_validate(rec, lineno))
                result.records += 1
        except InputError as exc:
            if exc.path is None:
                exc = type(exc)(exc.reason, path=str(path), line=exc.line or lineno)
            if not skip_bad:
                raise exc from None
            result.skipped += 1
            result.skip_reasons[exc.reason] += 1


def _records(fmt, value, lineno):
    try:
        yield from fmt.records(value, lineno)
    except InputError:
        raise
    except RecursionError:
        raise RecordError(f"{fmt.NAME} value nested too deeply", line=lineno) from None
    except Exception as exc:  # noqa: BLE001 - any adapter failure is this record's error
        raise RecordError(f"unexpected shape for {fmt.NAME}: {type(exc).__name__}: "
                          f"{quote(str(exc), 80)}", line=lineno) from None


def _validate(rec, lineno):
    try:
        return canonical.validate(rec, lineno)
    except InputError:
        raise
    except RecursionError:
        raise RecordError("record nested too deeply", line=lineno) from None
    except Exception as exc:  # noqa: BLE001
        raise RecordError(f"invalid record: {type(exc).__name__}: {quote(str(exc), 80)}",
                          line=lineno) from None


def _record_file(db, digest: str, path: Path, fmt_name: str, result: FileResult) -> None:
    from sqlalchemy import select

    row = db.scalars(select(IngestedFile).where(IngestedFile.sha256 == digest)).first()
    if row is None:
        db.add(IngestedFile(sha256=digest, path=str(path), format=fmt_name,
                            records=result.records, skipped=result.skipped, ingested_at=utcnow()))
    else:
        row.path, row.records, row.skipped, row.ingested_at = (str(path), result.records,
                                                               result.skipped, utcnow())
