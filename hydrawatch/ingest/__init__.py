"""`hydrawatch ingest`: every input format, detected per file, one transaction per file.

Formats are registered in FORMATS (one module each, see ``base.py`` for the contract);
adding a source is one new module and one line here.
"""

from __future__ import annotations

import importlib
import os
from typing import Callable, Iterable

from hydrawatch.errors import FormatError
from hydrawatch.ingest.engine import (FileResult, IngestSummary, already_ingested, detect,
                                      expand_paths, file_digest, ingest_file)
from hydrawatch.ingest.lists import AccountRef, ListRow, parse_ref, read_rows

FORMAT_NAMES = ["collection", "canonical", "x_v2", "mastodon", "bluesky", "telegram"]


def _load_formats():
    mods = []
    for name in FORMAT_NAMES:
        try:
            mods.append(importlib.import_module(f"hydrawatch.ingest.{name}"))
        except ModuleNotFoundError as exc:
            if exc.name != f"hydrawatch.ingest.{name}":
                raise
    return mods


FORMATS = _load_formats()

__all__ = ["AccountRef", "FORMATS", "FileResult", "IngestSummary", "ListRow", "ingest_paths", "parse_ref",
           "read_rows"]


def ingest_paths(store, paths: Iterable[str | os.PathLike], *, skip_bad: bool = False,
                 progress: bool = False, force: bool = False,
                 on_flush: Callable[[str, int], None] | None = None) -> IngestSummary:
    """Ingest files and directories (recursing). Raises InputError on the first bad file
    unless ``skip_bad``; files already committed stay committed. A file whose exact
    content was ingested before (cleanly) is skipped unless ``force``: observations
    without their own time are stamped with the ingest time, so re-reading them would
    add new status rows. ``on_flush(path, records)`` is called after each batch is
    written, inside the file's still-open transaction."""
    files = expand_paths(paths)
    summary = IngestSummary()
    total = sum(p.stat().st_size for p, _ in files)
    bar = None
    if progress:
        from rich.progress import (BarColumn, DownloadColumn, Progress, TextColumn,
                                   TimeRemainingColumn, TransferSpeedColumn)

        bar = Progress(TextColumn("ingest"), BarColumn(), DownloadColumn(), TransferSpeedColumn(),
                       TimeRemainingColumn(), transient=False)
        bar.start()
        task = bar.add_task("ingest", total=total)
    try:
        for path, explicit in files:
            fmt, jsonl = detect(path, FORMATS)
            if fmt is None:
                if explicit:
                    raise FormatError("format not recognised (expected canonical JSONL, X API v2, "
                                      "Mastodon, Bluesky or Telegram export JSON)", path=str(path))
                summary.ignored.append(str(path))
                if bar:
                    bar.advance(task, path.stat().st_size)
                continue
            digest = file_digest(path)
            if not force and already_ingested(store, digest):
                summary.unchanged.append(str(path))
                if bar:
                    bar.advance(task, path.stat().st_size)
                continue
            on_bytes = (lambda n: bar.advance(task, n)) if bar else (lambda n: None)
            summary.files.append(ingest_file(store, path, fmt, jsonl, skip_bad=skip_bad,
                                             on_bytes=on_bytes, digest=digest,
                                             on_flush=on_flush))
    finally:
        if bar:
            bar.stop()
    return summary
