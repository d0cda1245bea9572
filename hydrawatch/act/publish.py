"""`hydrawatch publish OUT`: a versioned static site a group can host anywhere.

Each run writes ``OUT/v<N>/`` (N = the next number in the ``publications`` table) and
refreshes ``OUT/index.html``, which lists the versions present::

    v<N>/index.html            the verified list (active and removed)
    v<N>/list.json|list.csv    the same list as data (hydrawatch.act.export)
    v<N>/list.stix.json        STIX 2.1 bundle; mastodon-blocklist.csv; pdq-hashes.txt
    v<N>/transparency.html     the outcome figures (hydrawatch.act.metrics) and charts/*.svg
    v<N>/metrics.json
    v<N>/appeal.html           how to appeal a listing
    v<N>/diff.json             what changed since v<N-1>: added, removed, changed entries
    v<N>/manifest.json         SHA-256 of every other file, the audit chain head, and the
                               previous version's manifest hash (versions chain too)

The ``publications`` row stores the manifest's SHA-256 and, as ``content``, the published
``list.json``, from which the next version's diff is computed (so the diff does not depend
on old versions still being on disk). Every page shows the audit chain head the list was
read at, and an audit entry records the publication. Pages are static HTML with a strict
Content-Security-Policy: no scripts, no third-party requests; every value is escaped.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import orjson
from sqlalchemy import func, select

from hydrawatch.store import audit
from hydrawatch.act.charts import transparency_charts
from hydrawatch.act.export import DEFAULT_PUBLISHER, collect, get_exporter
from hydrawatch.act.metrics import compute_metrics
from hydrawatch.errors import InputError
from hydrawatch.store.schema import Publication
from hydrawatch.timeutil import as_utc, iso, utcnow

MANIFEST_FORMAT = "hydrawatch-publication/1"
DIFF_FIELDS = ("handle", "category", "status", "confirmations", "evidence_sha256")
DATA_FILES = {"list.json": "json", "list.csv": "csv", "list.stix.json": "stix",
              "mastodon-blocklist.csv": "mastodon-csv", "pdq-hashes.txt": "hashes"}
_TEMPLATES = Path(__file__).with_name("templates")


@dataclass(frozen=True)
class ListDiff:
    previous_version: int | None
    added: list[str]
    removed: list[str]
    changed: dict[str, dict[str, list]]  # key -> field -> [old, new]

    def as_dict(self) -> dict:
        return {"previous_version": self.previous_version, "added": self.added,
                "removed": self.removed, "changed": self.changed}


@dataclass(frozen=True)
class PublicationResult:
    version: int
    path: Path
    manifest_sha256: str
    created_at: datetime
    audit: dict
    diff: ListDiff
    files: dict[str, str]  # relative path -> sha256

    def as_dict(self) -> dict:
        return {"version": self.version, "path": str(self.path),
                "manifest_sha256": self.manifest_sha256, "created_at": iso(self.created_at),
                "audit": self.audit, "diff": self.diff.as_dict(), "files": self.files}


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def diff_lists(previous: list[dict] | None, current: list[dict],
               previous_version: int | None = None) -> ListDiff:
    """Entries (``list.json`` accounts) added, removed and changed, keyed ``platform:id``."""
    def keyed(rows):
        return {f"{r['platform']}:{r['id']}": r for r in rows or []}

    old, new = keyed(previous), keyed(current)
    changed = {}
    for key in sorted(old.keys() & new.keys()):
        fields = {f: [old[key].get(f), new[key].get(f)] for f in DIFF_FIELDS
                  if old[key].get(f) != new[key].get(f)}
        if fields:
            changed[key] = fields
    return ListDiff(previous_version, sorted(new.keys() - old.keys()),
                    sorted(old.keys() - new.keys()), changed)


def safe_url(url: str | None) -> str | None:
    """An operator-given link, only if it is http(s) (never ``javascript:``)."""
    if not url:
        return None
    url = url.strip()
    if not url.lower().startswith(("https://", "http://")) or any(c in url for c in "\"'<> \n"):
        raise InputError(f"the appeal URL must be an http(s) URL without quotes or spaces: {url!r}")
    return url


def _env():
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    return Environment(loader=FileSystemLoader(str(_TEMPLATES)), autoescape=True,
                       undefined=StrictUndefined, keep_trailing_newline=True)


def publish(store, out: str | Path, *, now: datetime | None = None,
            publisher: str = DEFAULT_PUBLISHER, appeal_url: str | None = None,
            appeal_contact: str | None = None, actor: str = "publish") -> PublicationResult:
    """Write the next version of the site under ``out`` and record it (see the module
    docstring). ``actor`` is written to the audit log only, never into the site."""
    now = as_utc(now) or utcnow()
    out = Path(out)
    appeal_url = safe_url(appeal_url)
    with store.session() as db:
        latest = db.scalars(select(Publication).order_by(Publication.version.desc()).limit(1)).first()
        version = (latest.version if latest else 0) + 1
        target = out / f"v{version}"
        if target.exists():
            raise InputError(f"{target} already exists: version {version} is the next in the "
                             "database; publish into a fresh directory or move it away")
        data = collect(db, now=now, publisher=publisher)
        metrics = compute_metrics(db, now=now)
        files = {name: get_exporter(fmt).render(data).encode() for name, fmt in DATA_FILES.items()}
        previous = orjson.loads(latest.content)["accounts"] if latest else None
        current = orjson.loads(files["list.json"])["accounts"]
        diff = diff_lists(previous, current, latest.version if latest else None)
        files["diff.json"] = orjson.dumps(diff.as_dict(), option=orjson.OPT_INDENT_2) + b"\n"
        files["metrics.json"] = orjson.dumps(metrics.as_dict(), option=orjson.OPT_INDENT_2) + b"\n"
        for name, svg in transparency_charts(metrics).items():
            files[f"charts/{name}"] = svg.encode()
        ctx = {"version": version, "created_at": iso(now), "publisher": publisher,
               "audit": data.audit, "entries": data.entries, "metrics": metrics, "diff": diff,
               "appeal_url": appeal_url, "appeal_contact": appeal_contact,
               "previous_version": latest.version if latest else None}
        env = _env()
        for page in ("index.html", "transparency.html", "appeal.html", "style.css"):
            files[page] = env.get_template(page).render(**ctx).encode()
        hashes = {name: sha256_hex(body) for name, body in sorted(files.items())}
        manifest = {"format": MANIFEST_FORMAT, "version": version, "created_at": iso(now),
                    "publisher": publisher, "audit": data.audit,
                    "previous": ({"version": latest.version,
                                  "manifest_sha256": latest.manifest_sha256} if latest else None),
                    "files": hashes}
        files["manifest.json"] = orjson.dumps(manifest, option=orjson.OPT_INDENT_2 |
                                              orjson.OPT_SORT_KEYS) + b"\n"
        manifest_sha = sha256_hex(files["manifest.json"])
        db.add(Publication(version=version, created_at=now, manifest_sha256=manifest_sha,
                           content=files["list.json"].decode()))
        db.flush()
        audit.record(db, actor, "publication.create", "publication", version,
                     {"manifest_sha256": manifest_sha, "entries": len(data.entries),
                      "audit_position": data.audit.get("audit_position")})
        _write_version(target, files)  # last: a failure above leaves no directory behind
    _write_root_index(out, env, publisher)
    return PublicationResult(version=version, path=target, manifest_sha256=manifest_sha,
                             created_at=now, audit=data.audit, diff=diff, files=hashes)


def verify_version(path: str | Path) -> list[str]:
    """Problems with a published version directory: files whose SHA-256 differs from the
    manifest, files missing, or files the manifest does not list. Empty when intact."""
    path = Path(path)
    manifest = orjson.loads((path / "manifest.json").read_bytes())
    problems = []
    for name, want in manifest["files"].items():
        f = path / name
        if not f.is_file():
            problems.append(f"{name}: missing")
        elif sha256_hex(f.read_bytes()) != want:
            problems.append(f"{name}: SHA-256 differs from the manifest")
    present = {p.relative_to(path).as_posix() for p in path.rglob("*") if p.is_file()}
    for extra in sorted(present - set(manifest["files"]) - {"manifest.json"}):
        problems.append(f"{extra}: not in the manifest")
    return problems


def _write_version(target: Path, files: dict[str, bytes]) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
    try:
        for name, body in files.items():
            dest = tmp / name
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.write_bytes(body)
        for d in [tmp, *(p for p in tmp.rglob("*") if p.is_dir())]:
            os.chmod(d, 0o755)
        for f in (p for p in tmp.rglob("*") if p.is_file()):
            os.chmod(f, 0o644)
        os.rename(tmp, target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def _write_root_index(out: Path, env, publisher: str) -> None:
    versions = sorted((int(p.name[1:]) for p in out.glob("v*")
                       if p.is_dir() and p.name[1:].isdigit()), reverse=True)
    body = env.get_template("versions.html").render(versions=versions, publisher=publisher)
    tmp = out / ".index.html.tmp"
    tmp.write_text(body, encoding="utf-8")
    os.replace(tmp, out / "index.html")
