"""The raw pages of a crawl, twarc-style: ``OUT/pages/<platform>.jsonl``, one fetched page
a line (``ingest/collection.py`` documents the shape), appended and fsynced before the
store records the page, so a crawl killed at any moment has every recorded page on disk.
A line cut short by the kill is removed on the next start (that page was never recorded).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Iterator

import orjson

KEPT_HEADERS = ("content-type", "date", "link")
KEPT_PREFIXES = ("x-rate-limit-", "x-ratelimit-", "ratelimit-")


def kept_headers(headers) -> dict[str, str]:
    """The headers worth keeping as provenance: type, date, paging and rate limits."""
    out = {}
    for k, v in headers.items():
        k = k.lower()
        if k in KEPT_HEADERS or k.startswith(KEPT_PREFIXES):
            out[k] = v
    return out


class PageWriter:
    def __init__(self, out_dir):
        self.dir = Path(out_dir) / "pages"
        self.files: dict[str, object] = {}

    def path(self, platform: str) -> Path:
        return self.dir / f"{platform}.jsonl"

    def write(self, page: dict) -> str:
        """Append one page and make it durable; returns the file (relative to OUT)."""
        fh = self.files.get(page["platform"])
        if fh is None:
            self.dir.mkdir(parents=True, exist_ok=True)
            path = self.path(page["platform"])
            repair(path)
            fh = self.files[page["platform"]] = open(path, "ab")
        fh.write(orjson.dumps(page) + b"\n")
        fh.flush()
        os.fsync(fh.fileno())
        return f"pages/{page['platform']}.jsonl"

    def close(self) -> None:
        for fh in self.files.values():
            fh.close()
        self.files.clear()


def repair(path: Path) -> None:
    """Cut a last line the kill left unfinished (no newline)."""
    if not path.is_file() or path.stat().st_size == 0:
        return
    with open(path, "rb+") as fh:
        fh.seek(-1, os.SEEK_END)
        if fh.read(1) == b"\n":
            return
        fh.seek(0)
        content = fh.read()
        fh.truncate(content.rfind(b"\n") + 1)


def read_pages(out_dir) -> Iterator[tuple[str, dict]]:
    """(file, page) for every complete page of a collection folder."""
    folder = Path(out_dir) / "pages"
    for path in sorted(folder.glob("*.jsonl")) if folder.is_dir() else []:
        repair(path)
        with open(path, "rb") as fh:
            for raw in fh:
                if raw.strip():
                    yield f"pages/{path.name}", orjson.loads(raw)
