"""`hydrawatch publish OUT`: the next version of the static site (list, transparency
report, appeals page), recorded in the publications table."""

from __future__ import annotations

from pathlib import Path

import typer

from hydrawatch.cli.output import console, safe
from hydrawatch.cli.app import DbOption, app
from hydrawatch.cli.common import print_json, store_for


@app.command("publish")
def publish_cmd(out: Path = typer.Argument(..., help="Site directory; v<N>/ is written inside."),
                publisher: str = typer.Option("hydrawatch publisher", "--publisher",
                                              help="The publishing organisation's name."),
                appeal_url: str = typer.Option(None, "--appeal-url",
                                               help="Where the public appeal form is (http/https)."),
                appeal_contact: str = typer.Option(None, "--appeal-contact",
                                                   help="An address for appeals (published)."),
                as_json: bool = typer.Option(False, "--json", help="Print the result as JSON."),
                db: str = DbOption) -> None:
    """Publish the verified list, the transparency report and how to appeal, as version N+1
    with a manifest of SHA-256s, the diff from version N, and the audit chain head."""
    from hydrawatch.act.publish import publish

    res = publish(store_for(db), out, publisher=publisher, appeal_url=appeal_url,
                  appeal_contact=appeal_contact)
    if as_json:
        print_json(res.as_dict())
        return
    d = res.diff
    console().print(
        f"published version {res.version} to {safe(str(res.path))}: {len(res.files)} files, "
        f"manifest sha256 {res.manifest_sha256}; {len(d.added)} added, {len(d.removed)} "
        f"removed, {len(d.changed)} changed; audit head {res.audit.get('audit_head')}")
