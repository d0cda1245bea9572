"""Anchoring the audit chain: signed checkpoints of its head (issue 10).

The hash chain alone proves only that the log is *consistent*: someone with write access
to the database can delete the newest rows, or rewrite every row and recompute every hash,
and the chain still verifies. A checkpoint pins the chain from outside the database:

    {"format": "hydrawatch-audit-checkpoint/1", "position": N, "head": <hash of entry N>,
     "head_ts": ..., "created_at": ..., "key_id": ..., "public_key": ..., "signature": ...}

signed with an Ed25519 key kept in a file outside the database (created on first use,
mode 0600; ``--key``, ``$HYDRAWATCH_AUDIT_KEY``, default
``$XDG_CONFIG_HOME/hydrawatch/audit-ed25519.key``). :func:`verify_checkpoint` accepts a
checkpoint only if the trusted key signed it, the log still has entry N with that hash,
and the chain is intact from the genesis to its end. So, up to a checkpoint: deleting the
tail (fewer than N entries), inserting or deleting rows (entry N moves or its hash
changes) and rewriting everything with recomputed hashes (the head differs) are all
caught; after it, any edit breaks the chain. :func:`head` is what every publication
carries.
"""

from __future__ import annotations

import base64
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

import orjson
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hydrawatch.store import audit
from hydrawatch.errors import ConfigError, InputError
from hydrawatch.store.schema import AuditEntry
from hydrawatch.timeutil import as_utc, iso, utcnow

FORMAT = "hydrawatch-audit-checkpoint/1"
_SIGNED = ("format", "position", "head", "head_ts", "created_at", "key_id", "public_key")


# -- the head ----------------------------------------------------------------------------

@dataclass(frozen=True)
class Head:
    position: int  # number of entries = id of the newest (ids run 1, 2, ... without gaps)
    hash: str
    ts: str | None

    def as_dict(self) -> dict:
        return {"audit_position": self.position, "audit_head": self.hash, "audit_head_ts": self.ts}


def head(db: Session) -> Head:
    """The chain's current head: what a publication or a checkpoint pins."""
    last = db.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(1)).first()
    if last is None:
        return Head(0, audit.GENESIS, None)
    return Head(int(last.id), last.hash, iso(as_utc(last.ts)))


# -- the signing key ---------------------------------------------------------------------

def default_key_path() -> Path:
    env = os.environ.get("HYDRAWATCH_AUDIT_KEY")
    if env:
        return Path(env)
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "hydrawatch" / "audit-ed25519.key"


def load_key(path: str | Path | None = None, *, create: bool = True) -> Ed25519PrivateKey:
    """The private key at ``path`` (default :func:`default_key_path`), created with mode
    0600 on first use when ``create``. A key file others can read is refused."""
    path = Path(path) if path else default_key_path()
    if not path.exists():
        if not create:
            raise ConfigError(f"no audit signing key at {path} (it is created by the first "
                              "`hydrawatch audit checkpoint`)")
        key = Ed25519PrivateKey.generate()
        pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # created meanwhile by another process: use that one
            return load_key(path, create=False)
        with os.fdopen(fd, "wb") as fh:
            fh.write(pem)
        return key
    if os.name == "posix" and path.stat().st_mode & 0o077:
        raise ConfigError(f"audit signing key {path} is readable by others "
                          f"(mode {path.stat().st_mode & 0o777:o}); chmod 600 it")
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except (ValueError, TypeError) as exc:
        raise ConfigError(f"audit signing key {path} is not a PEM private key: {exc}") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise ConfigError(f"audit signing key {path} is not an Ed25519 key")
    return key


def _raw_public(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def public_key_pem(key: Ed25519PrivateKey) -> str:
    return key.public_key().public_bytes(serialization.Encoding.PEM,
                                         serialization.PublicFormat.SubjectPublicKeyInfo).decode()


def load_public_key(path: str | Path) -> Ed25519PublicKey:
    try:
        key = serialization.load_pem_public_key(Path(path).read_bytes())
    except (OSError, ValueError) as exc:
        raise ConfigError(f"cannot read public key {path}: {exc}") from None
    if not isinstance(key, Ed25519PublicKey):
        raise ConfigError(f"{path} is not an Ed25519 public key")
    return key


def key_id(key: Ed25519PublicKey) -> str:
    return hashlib.sha256(_raw_public(key)).hexdigest()[:16]


# -- checkpoints -------------------------------------------------------------------------

def _signed_bytes(body: dict) -> bytes:
    return orjson.dumps({k: body[k] for k in _SIGNED}, option=orjson.OPT_SORT_KEYS)


def make_checkpoint(db: Session, key: Ed25519PrivateKey) -> dict:
    """A signed checkpoint of the chain's head. Refuses a chain that is already broken."""
    report = audit.verify_chain(db)
    if not report.ok:
        raise InputError(f"the audit chain is broken at entry {report.first_bad} "
                         f"({report.problem}); refusing to sign it")
    h = head(db)
    pub = key.public_key()
    body = {"format": FORMAT, "position": h.position, "head": h.hash, "head_ts": h.ts,
            "created_at": iso(utcnow()), "key_id": key_id(pub),
            "public_key": base64.b64encode(_raw_public(pub)).decode()}
    body["signature"] = base64.b64encode(key.sign(_signed_bytes(body))).decode()
    return body


def write_checkpoint(store, out: str | Path, *, key_path: str | Path | None = None,
                     actor: str = "cli") -> dict:
    """Sign the current head into ``out`` and note the checkpoint in the log itself."""
    key = load_key(key_path)
    with store.session() as db:
        body = make_checkpoint(db, key)
        audit.record(db, actor, "audit.checkpoint", "audit_log", body["position"],
                     {"head": body["head"], "key_id": body["key_id"]})
    Path(out).write_bytes(orjson.dumps(body, option=orjson.OPT_INDENT_2) + b"\n")
    return body


@dataclass
class CheckpointReport:
    ok: bool
    entries: int
    position: int
    problem: str | None = None
    first_bad: int | None = None


def read_checkpoint(path: str | Path) -> dict:
    try:
        body = orjson.loads(Path(path).read_bytes())
    except OSError as exc:
        raise InputError(f"cannot read checkpoint: {exc.strerror}", path=str(path)) from None
    except orjson.JSONDecodeError:
        raise InputError("not a JSON checkpoint", path=str(path)) from None
    if not isinstance(body, dict) or body.get("format") != FORMAT or \
            not all(k in body for k in _SIGNED + ("signature",)):
        raise InputError(f"not a {FORMAT} file", path=str(path))
    if not isinstance(body["position"], int) or body["position"] < 0:
        raise InputError("checkpoint position must be a non-negative integer", path=str(path))
    return body


def check_signature(body: dict, trusted: Ed25519PublicKey) -> str | None:
    """None if ``trusted`` signed ``body``, else what is wrong."""
    if body.get("key_id") != key_id(trusted):
        return (f"the checkpoint was signed by key {body.get('key_id')}, "
                f"not by the trusted key {key_id(trusted)}")
    try:
        trusted.verify(base64.b64decode(body["signature"], validate=True), _signed_bytes(body))
    except (InvalidSignature, ValueError):
        return "the checkpoint's signature does not verify (the file was altered)"
    return None


def verify_against(db: Session, body: dict, trusted: Ed25519PublicKey) -> CheckpointReport:
    position = body["position"]
    entries = db.scalar(select(func.count()).select_from(AuditEntry)) or 0
    bad_sig = check_signature(body, trusted)
    if bad_sig:
        return CheckpointReport(False, entries, position, bad_sig)
    chain = audit.verify_chain(db)
    if not chain.ok:
        return CheckpointReport(False, chain.entries, position,
                                f"chain broken at entry {chain.first_bad}: {chain.problem}",
                                chain.first_bad)
    if entries < position:
        return CheckpointReport(False, entries, position,
                                f"the log has {entries} entries but the checkpoint saw "
                                f"{position}: entries were removed", entries + 1)
    at = db.get(AuditEntry, position) if position else None
    found = at.hash if at is not None else audit.GENESIS
    if found != body["head"]:
        return CheckpointReport(False, entries, position,
                                f"entry {position} no longer has the checkpoint's hash: the log "
                                "up to the checkpoint was rewritten, or rows inserted or deleted",
                                position)
    return CheckpointReport(True, entries, position)


def verify_checkpoint(store, path: str | Path, *, key_path: str | Path | None = None,
                      public_key: str | Path | None = None) -> CheckpointReport:
    """Check the log against a checkpoint file, trusting ``public_key`` (a PEM file) or
    else the public half of the signing key at ``key_path``."""
    body = read_checkpoint(path)
    trusted = load_public_key(public_key) if public_key else \
        load_key(key_path, create=False).public_key()
    with store.session(readonly=True) as db:
        return verify_against(db, body, trusted)


# -- evidence hashes committed into the chain --------------------------------------------

EVIDENCE_ACTIONS = ("evidence.capture", "evidence.copy")


def evidence_commitments(db: Session) -> dict[int, dict]:
    """Evidence id -> {sha256, case} as the audit chain recorded them at capture. Evidence
    edited later with its sha256 recomputed no longer matches its commitment, and the
    commitment cannot be edited without breaking the chain (or, for a full rewrite, the
    checkpoint)."""
    out: dict[int, dict] = {}
    rows = db.execute(select(AuditEntry.object_id, AuditEntry.details)
                      .where(AuditEntry.action.in_(EVIDENCE_ACTIONS),
                             AuditEntry.object_type == "evidence")
                      .order_by(AuditEntry.id)).yield_per(1000)
    for object_id, details in rows:
        try:
            ev_id = int(object_id)
        except (TypeError, ValueError):
            continue
        details = details or {}
        out.setdefault(ev_id, {"sha256": details.get("sha256"), "case": details.get("case")})
    return out
