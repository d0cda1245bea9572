"""`hydrawatch evidence capture|verify|show`."""

from __future__ import annotations

import typer

from hydrawatch.cli.app import ACCOUNT_HELP, DbOption, app
from hydrawatch.cli.common import print_json, store_for
from hydrawatch.cli.output import console, safe

evidence_app = typer.Typer(help="Content-addressed evidence snapshots.")
app.add_typer(evidence_app, name="evidence")


@evidence_app.command("capture")
def capture(case: str = typer.Argument(..., help="Case id, or the account (" + ACCOUNT_HELP + ")"),
            post: str = typer.Option(..., "--post", help="The post, PLATFORM:ID."),
            by: str = typer.Option(..., "--by", help="The capturing user."),
            db: str = DbOption) -> None:
    """Snapshot a post (and its author) from the store as evidence of a case."""
    from hydrawatch.verification import evidence

    from hydrawatch.cli.review import case_id

    store = store_for(db)
    ev = evidence.capture_post(store, case_id(store, case), post, by_user=by)
    console().print(f"evidence {ev.id} ({safe(ev.kind)} {safe(ev.ref)}) sha256 {ev.sha256}",
                    highlight=False)


@evidence_app.command("capture-missing")
def capture_missing(by: str = typer.Option(..., "--by", help="The capturing user."),
                    db: str = DbOption) -> None:
    """Capture account and top-post evidence for open cases that have none yet."""
    from hydrawatch.verification import evidence

    n = evidence.capture_missing(store_for(db), by_user=by)
    console().print(f"captured evidence for {n} case(s)")


@evidence_app.command("verify")
def verify(db: str = DbOption) -> None:
    """Re-hash every evidence item and check it against the sha256 the audit chain committed
    at capture; exit 1 naming those that changed."""
    from hydrawatch.verification import evidence

    check = evidence.verify_evidence(store_for(db))
    if check.ok:
        console().print(f"evidence ok: {check.checked} item(s) match their sha256 and the "
                        "hashes committed in the audit chain", highlight=False)
        return
    err = console(stderr=True, soft_wrap=True, highlight=False)
    if check.rehash:
        err.print(f"[bold red]evidence altered:[/] {len(check.rehash)} of {check.checked} "
                  f"item(s) no longer match their sha256: ids {', '.join(map(str, check.rehash))}")
    if check.uncommitted:
        err.print(f"[bold red]evidence rewritten:[/] {len(check.uncommitted)} of {check.checked} "
                  "item(s) differ from the sha256 (or case) the audit chain committed at "
                  f"capture: ids {', '.join(map(str, check.uncommitted))}")
    if not check.chain_ok:
        err.print(f"[bold red]{check.chain_problem}[/]")
    raise typer.Exit(1)


@evidence_app.command("show")
def show(evidence_id: int = typer.Argument(..., help="Evidence id."), db: str = DbOption) -> None:
    """Print one evidence item with its content, as JSON."""
    from hydrawatch.verification import views as case_views

    print_json(case_views.evidence_content(store_for(db), evidence_id))
