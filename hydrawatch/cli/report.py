"""`hydrawatch report submit|mark-sent` and `hydrawatch track`."""

from __future__ import annotations

from pathlib import Path

import typer

from hydrawatch.cli.app import DbOption, Format, FormatOption, app
from hydrawatch.cli.common import json_wanted, store_for
from hydrawatch.cli.output import console, emit, print_json, safe

ENV_HELP = ("Credentials come from the environment: HYDRAWATCH_MASTODON_TOKEN, "
            "HYDRAWATCH_BSKY_HANDLE + HYDRAWATCH_BSKY_APP_PASSWORD, HYDRAWATCH_X_BEARER_TOKEN "
            "(track only); base URLs from HYDRAWATCH_X_API_URL, HYDRAWATCH_MASTODON_URL, "
            "HYDRAWATCH_BSKY_URL.")

report_app = typer.Typer(help="Reports to the platforms: API reports and report packs. " + ENV_HELP)
app.add_typer(report_app, name="report")


@report_app.command("submit")
def submit(platform: str = typer.Option(None, "--platform", help="Only this platform."),
           dry_run: bool = typer.Option(False, "--dry-run", help="Show what would be reported; send nothing."),
           by: str = typer.Option(None, "--by", help="The reviewer or admin reporting."),
           pack_dir: Path = typer.Option(Path("report-packs"), "--pack-dir",
                                         help="Where report packs (X, Telegram) are written."),
           fmt: Format = FormatOption,
           as_json: bool = typer.Option(False, "--json", hidden=True, help="--format json."),
           db: str = DbOption) -> None:
    """Report every verified, unreported case. A re-entry goes as ban evasion, citing its
    predecessor. Platforms without a report API (X, Telegram) get a report pack to send
    yourself, then `report mark-sent PACK`."""
    from hydrawatch.act.report import submit_reports

    summary = submit_reports(store_for(db), platform=platform, dry_run=dry_run, by_user=by,
                             pack_dir=pack_dir)
    fmt = json_wanted(fmt, as_json)
    emit(fmt, summary.outcomes, {
        "case": lambda o: o.case_id,
        "account": lambda o: f"{o.platform}:{o.account_id}" + (
            f" (re-entry of {o.ban_evasion_of})" if o.ban_evasion_of else ""),
        "channel": lambda o: o.channel, "status": lambda o: o.status,
        "reference / error": lambda o: o.error or o.reference},
        json_rows=summary.as_dict(), title="reports" + (" (dry run)" if dry_run else ""))
    if fmt != "table":
        return
    con = console(stderr=True)
    con.print(f"{summary.count('sent')} sent, {summary.count('prepared')} in report packs, "
                  f"{summary.count('failed')} failed (tried again next run)", highlight=False)
    for pack in summary.packs:
        con.print(f"report pack: {safe(pack)} — send it, then `hydrawatch report mark-sent {safe(pack)}`",
                      highlight=False)


@report_app.command("mark-sent")
def mark_sent_cmd(pack: Path = typer.Argument(..., help="The report pack folder you sent."),
                  by: str = typer.Option(None, "--by", help="The reviewer or admin who sent it."),
                  db: str = DbOption) -> None:
    """Record that a report pack was sent: its cases become `reported`."""
    from hydrawatch.act.report import mark_sent

    cases = mark_sent(store_for(db), pack, by_user=by)
    console().print(f"{len(cases)} case(s) marked reported")


@app.command("track")
def track_cmd(platform: str = typer.Option(None, "--platform", help="Only this platform."),
              stale: float = typer.Option(24.0, "--stale", help="Check accounts not checked in this many hours."),
              as_json: bool = typer.Option(False, "--json", help="Print the outcome as JSON."),
              db: str = DbOption) -> None:
    """Ask the platforms about every listed account not checked recently; reported cases
    move to `removed` or `active`. Resumable: an interrupted run keeps what it learnt."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from hydrawatch.act.track import track

    err = console(stderr=True)
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
    console().print(f"checked {summary.checked}, unknown {summary.unknown}, not checkable "
                    f"{summary.unchecked}; cases removed {summary.removed}, active {summary.active}; "
                    f"statuses {summary.statuses}", highlight=False)
    for e in summary.errors[:5]:
        err.print(f"[yellow]warning:[/] {safe(e)}", highlight=False)
