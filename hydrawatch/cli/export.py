"""`hydrawatch export --format FORMAT [--out FILE]`: the verified list in an exchange format."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from hydrawatch.cli.output import console, safe
from hydrawatch.cli.app import DbOption, app
from hydrawatch.cli.common import store_for


@app.command("export")
def export_cmd(fmt: str = typer.Option(..., "--format",
                                       help="csv, json, stix, mastodon-csv or hashes (or a "
                                            "plugin's format)."),
               out: Path = typer.Option(None, "--out", help="Write here instead of stdout."),
               publisher: str = typer.Option("hydrawatch publisher", "--publisher",
                                             help="The publishing organisation (STIX identity, "
                                                  "JSON header)."),
               tlp: str = typer.Option("white", "--tlp", help="STIX TLP marking: white, green, "
                                                              "amber or red."),
               db: str = DbOption) -> None:
    """Export the verified list (never a reviewer's identity)."""
    from hydrawatch.act.export import export, write_export

    store = store_for(db)
    if out is None:
        sys.stdout.write(export(store, fmt, publisher=publisher, tlp=tlp))
        sys.stdout.flush()
        return
    path = write_export(store, fmt, out, publisher=publisher, tlp=tlp)
    console(stderr=True, highlight=False).print(f"wrote {safe(str(path))}")
