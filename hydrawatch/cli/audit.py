"""`hydrawatch audit verify|checkpoint|public-key|show`."""

from __future__ import annotations

from pathlib import Path

import typer

from hydrawatch.cli.app import DbOption, Format, FormatOption, app
from hydrawatch.cli.common import store_for
from hydrawatch.cli.output import console, emit, safe

audit_app = typer.Typer(help="The hash-chained audit log.")
app.add_typer(audit_app, name="audit")


KeyOption = typer.Option(None, "--key", envvar="HYDRAWATCH_AUDIT_KEY",
                         help="Ed25519 signing key file (created 0600 on first use; default "
                              "~/.config/hydrawatch/audit-ed25519.key).")


@audit_app.command("verify")
def verify(checkpoint: Path = typer.Option(None, "--checkpoint",
                                           help="Also check the log still holds this signed "
                                                "checkpoint's head at its position."),
           key: Path = KeyOption,
           public_key: Path = typer.Option(None, "--public-key",
                                           help="Trust this PEM public key instead of --key's."),
           db: str = DbOption) -> None:
    """Check the hash chain (and a checkpoint); exit 1 naming the first bad entry."""
    from hydrawatch.store import anchor

    store = store_for(db)
    if checkpoint is not None:
        cp = anchor.verify_checkpoint(store, checkpoint, key_path=key, public_key=public_key)
        if cp.ok:
            console().print(f"audit log ok: {cp.entries} entries, chain intact, checkpoint "
                            f"head at entry {cp.position} holds", highlight=False)
            return
        console(stderr=True, soft_wrap=True).print(
            f"[bold red]audit log fails checkpoint {safe(str(checkpoint))}:[/] "
            f"{safe(cp.problem or '')}", highlight=False)
        raise typer.Exit(1)
    from hydrawatch.store import audit

    with store.session(readonly=True) as sess:
        report = audit.verify_chain(sess)
    if report.ok:
        console().print(f"audit log ok: {report.entries} entries, chain intact (consistency "
                        "only: use --checkpoint to catch truncation and rewrites)",
                        highlight=False)
        return
    console(stderr=True, soft_wrap=True).print(
        f"[bold red]audit log broken at entry {report.first_bad}:[/] "
        f"{safe(report.problem or '')}", highlight=False)
    raise typer.Exit(1)


@audit_app.command("checkpoint")
def checkpoint_cmd(out: Path = typer.Option(..., "--out", help="Where to write the checkpoint."),
                   key: Path = KeyOption, db: str = DbOption) -> None:
    """Sign the chain's head and row count (Ed25519) into a checkpoint file kept outside
    the database; `audit verify --checkpoint FILE` checks the log against it later."""
    from hydrawatch.store import anchor

    body = anchor.write_checkpoint(store_for(db), out, key_path=key)
    console().print(f"checkpoint of {body['position']} entries, head {body['head'][:16]}…, "
                    f"signed by key {body['key_id']}, written to {safe(str(out))}",
                    highlight=False)


@audit_app.command("public-key")
def public_key_cmd(key: Path = KeyOption) -> None:
    """Print the signing key's public half (PEM), for others to verify checkpoints with."""
    from hydrawatch.store import anchor

    print(anchor.public_key_pem(anchor.load_key(key, create=False)), end="")


@audit_app.command("show")
def show(limit: int = typer.Option(50, "--limit", help="How many of the newest entries."),
         fmt: Format = FormatOption, db: str = DbOption) -> None:
    """Show the newest audit entries."""
    import orjson

    from hydrawatch.store import audit

    with store_for(db).session(readonly=True) as sess:
        rows = audit.recent(sess, limit)
    emit(fmt, rows, {
        "id": lambda r: r["id"], "time": lambda r: r["ts"], "actor": lambda r: r["actor"],
        "action": lambda r: r["action"],
        "object": lambda r: f"{r['object_type'] or ''} {r['object_id'] or ''}".strip(),
        "details": lambda r: orjson.dumps(r["details"], option=orjson.OPT_SORT_KEYS).decode()
        if r["details"] is not None else ""})
