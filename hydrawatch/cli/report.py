"""`hydrawatch report submit|mark-sent` and `hydrawatch track`."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from hydrawatch.cli.app import DbOption, app
from hydrawatch.cli.common import print_json, store_for

ENV_HELP = ("Credentials come from the environment: HYDRAWATCH_MASTODON_TOKEN, "
            "HYDRAWATCH_BSKY_HANDLE + HYDRAWATCH_BSKY_APP_PASSWORD, HYDRAWATCH_X_BEARER_TOKEN "
            "(track only); base URLs from HYDRAWATCH_X_API_URL, HYDRAWATCH_MASTODON_URL, "
            "HYDRAWATCH_BSKY_URL.")

report_app = typer.Typer(help="Reports to the platforms: API reports and report packs. " + ENV_HELP,
                         no_args_is_help=True)
app.add_typer(report_app, name="report")


@report_app.command("submit")
def submit(platform: str = typer.Option(None, "--platform", help="Only this platform."),
           dry_run: bool = typer.Option(False, "--dry-run", help="Show what would be reported; send nothing."),
           by: str = typer.Option(None, "--by", help="The reviewer or admin reporting."),
           pack_dir: Path = typer.Option(Path("report-packs"), "--pack-dir",
                                         help="Where report packs (X, Telegram) are written."),
           as_json: bool = typer.Option(False, "--json", help="Print the outcome as JSON."),
           db: str = DbOption) -> None:
    """Report every verified, unreported case. A re-entry goes as ban evasion, citing its
    predecessor. Platforms without a report API (X, Telegram) get a report pack to send
    yourself, then `report mark-sent PACK`."""
    from hydrawatch.act.report import submit_reports

    summary = submit_reports(store_for(db), platform=platform, dry_run=dry_run, by_user=by,
                             pack_dir=pack_dir)
    if as_json:
        return print_json(summary.as_dict())
    table = Table("case", "account", "channel", "status", "reference / error",
                  title="reports" + (" (dry run)" if dry_run else ""))
    for o in summary.outcomes:
        account = f"{o.platform}:{o.account_id}" + (f" (re-entry of {o.ban_evasion_of})" if o.ban_evasion_of else "")
        table.add_row(str(o.case_id), escape(account), o.channel, o.status,
                      escape(o.error or o.reference or ""))
    console = Console()
    console.print(table)
    console.print(f"{summary.count('sent')} sent, {summary.count('prepared')} in report packs, "
                  f"{summary.count('failed')} failed (tried again next run)", highlight=False)
    for pack in summary.packs:
        console.print(f"report pack: {escape(pack)} — send it, then `hydrawatch report mark-sent {escape(pack)}`",
                      highlight=False)


@report_app.command("mark-sent")
def mark_sent_cmd(pack: Path = typer.Argument(..., help="The report pack folder you sent."),
                  by: str = typer.Option(None, "--by", help="The reviewer or admin who sent it."),
                  db: str = DbOption) -> None:
    """Record that a report pack was sent: its cases become `reported`."""
    from hydrawatch.act.report import mark_sent

    cases = mark_sent(store_for(db), pack, by_user=by)
    Console().print(f"{len(cases)} case(s) marked reported", highlight=False)


@app.command("track")
def track_cmd(platform: str = typer.Option(None, "--platform", help="Only this platform."),
              stale: float = typer.Option(24.0, "--stale", help="Check accounts not checked in this many hours."),
              as_json: bool = typer.Option(False, "--json", help="Print the outcome as JSON."),
              db: str = DbOption) -> None:
    """Ask the platforms about every listed account not checked recently; reported cases
    move to `removed` or `active`. Resumable: an interrupted run keeps what it learnt."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from hydrawatch.act.track import track

    err = Console(stderr=True)
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                  TimeRemainingColumn(), console=err, transient=True) as bar:
        tasks: dict[str, int] = {}

        def start(counts: dict) -> None:
            for name, n in sorted(counts.items()):
                tasks[name] = bar.add_task(name, total=n)

        summary = track(store_for(db), platform=platform, stale_hours=stale,
                        on_start=start, progress=lambda name, n: bar.advance(tasks[name], n))
    if as_json:
        return print_json(summary.as_dict())
    Console().print(f"checked {summary.checked}, unknown {summary.unknown}, not checkable "
                    f"{summary.unchecked}; cases removed {summary.removed}, active {summary.active}; "
                    f"statuses {summary.statuses}", highlight=False)
    for e in summary.errors[:5]:
        err.print(f"[yellow]warning:[/] {escape(e)}", highlight=False)
