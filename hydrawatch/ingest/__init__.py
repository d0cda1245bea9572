"""`hydrawatch ingest`: every input format, detected per file, one transaction per file.

Formats are :class:`SourceFormat` objects registered by name in the ``hydrawatch.formats``
entry point group (see ``base.py`` for the contract). The built-ins are declared in
``pyproject.toml`` exactly as a third-party package adds one::

    [project.entry-points."hydrawatch.formats"]
    myformat = "mypackage.format:MyFormat"
"""

from __future__ import annotations

import os
from typing import Callable, Iterable

from hydrawatch.errors import FormatError
from hydrawatch.ingest.base import Dropped, SourceFormat
from hydrawatch.ingest.engine import (FileResult, IngestSummary, already_ingested, detect,
                                      expand_paths, file_digest, ingest_file)
from hydrawatch.ingest.lists import AccountRef, ListRow, parse_ref, read_rows
from hydrawatch.registry import Registry, RegistryError

__all__ = ["AccountRef", "Dropped", "FORMATS", "FileResult", "IngestSummary", "ListRow", "SourceFormat",
           "detection_order", "format_names", "formats", "get_format", "ingest_paths", "parse_ref",
           "read_rows"]

formats: Registry[SourceFormat] = Registry("hydrawatch.formats", SourceFormat, what="input format")

BUILT_INS = ("bluesky", "canonical", "collection", "mastodon", "telegram", "x_v2")


def _loaded() -> Registry[SourceFormat]:
    formats.load()
    missing = [n for n in BUILT_INS if n not in formats]
    if missing:  # stale package metadata (an editable install older than the entry points)
        raise RegistryError(f"built-in input format(s) {', '.join(missing)} not registered: the "
                            "installed hydrawatch metadata predates them; reinstall it "
                            "(pip install -e .)")
    for name, fmt in formats.items():
        if fmt.NAME != name:
            raise RegistryError(f"input format registered as {name!r} calls itself {fmt.NAME!r}")
    return formats


def get_format(name: str) -> SourceFormat:
    """The input format called ``name``."""
    return _loaded().get(name)


def format_names() -> list[str]:
    return _loaded().names()


def detection_order() -> list[SourceFormat]:
    """Every registered format in the order ``sniff`` is tried on a file (PRIORITY, then name)."""
    return sorted(_loaded(), key=lambda f: (f.PRIORITY, f.NAME))


def __getattr__(name: str):
    if name == "FORMATS":  # computed on use: loading entry points is not an import side effect
        return detection_order()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | {"FORMATS"})


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
    order = detection_order()
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
            fmt, jsonl = detect(path, order)
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
