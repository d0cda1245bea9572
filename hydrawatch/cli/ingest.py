"""`hydrawatch ingest`."""

from __future__ import annotations

from pathlib import Path

import typer

from hydrawatch.cli.app import DbOption, app
from hydrawatch.cli.common import print_json, store_for
from hydrawatch.cli.output import console, safe


@app.command()
def ingest(paths: list[Path] = typer.Argument(..., help="Files or directories (recursed)."),
           skip_bad: bool = typer.Option(False, "--skip-bad",
                                         help="Import the good records, report the skipped ones."),
           as_json: bool = typer.Option(False, "--json", help="Print the summary as JSON."),
           quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar."),
           force: bool = typer.Option(False, "--force",
                                      help="Re-read files whose content was ingested before."),
           db: str = DbOption) -> None:
    """Ingest platform data: canonical JSONL, X API v2 pages, Mastodon, Bluesky, Telegram.

    The format is detected per file. Each file is one transaction: a bad file is rejected
    whole (error naming file and line, exit status 1) unless --skip-bad is given."""
    from hydrawatch.ingest import ingest_paths

    store = store_for(db)
    summary = ingest_paths(store, [str(p) for p in paths], skip_bad=skip_bad,
                           progress=not quiet and not as_json, force=force)
    out = {"files": len(summary.files), "records": summary.records, "skipped": summary.skipped,
           "skip_reasons": dict(summary.skip_reasons()),
           "dropped": dict(summary.dropped()), "counts": summary.counts(),
           "ignored_files": summary.ignored, "unchanged_files": len(summary.unchanged)}
    if as_json:
        print_json(out)
        return
    con = console(stderr=True)
    plural = {"account": "accounts", "post": "posts", "edge": "edges", "status": "statuses"}
    counts = ", ".join(f"{v:,} {plural.get(k, k)}" for k, v in sorted(out["counts"].items()))
    con.print(f"ingested {out['records']:,} records from {out['files']} files ({counts or 'nothing'})")
    if summary.unchanged:
        con.print(f"{len(summary.unchanged)} files skipped: their content was ingested before "
                  "(--force re-reads them)")
    if summary.skipped:
        con.print(f"[yellow]skipped {summary.skipped:,} bad records:[/]")
        for reason, n in summary.skip_reasons().most_common(10):
            con.print(f"  {n:>8,}  {safe(reason)}", highlight=False)
    for reason, n in summary.dropped().most_common(10):
        con.print(f"  {n:>8,}  not imported: {safe(reason)}", highlight=False)
    for path in summary.ignored:
        con.print(f"[yellow]ignored (format not recognised):[/] {safe(path)}", highlight=False)
