"""`hydrawatch policy load|list`."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console

from hydrawatch.cli.app import DbOption, app
from hydrawatch.cli.common import print_json, store_for
from hydrawatch.cli.output import DataTable, safe
from hydrawatch.scoring.policy import list_policies, load_policy

policy_app = typer.Typer(help="Policy packs: the hashtags, slogans and logos of a designated group.",
                         no_args_is_help=True)
app.add_typer(policy_app, name="policy")


@policy_app.command("load")
def load_cmd(file: Path = typer.Argument(..., help="Policy pack, JSON or YAML."),
             db: str = DbOption) -> None:
    """Validate a policy pack and store it (a pack of the same name is replaced)."""
    pack = load_policy(store_for(db), file)
    Console().print(f"loaded policy pack {safe(repr(pack.name))}: {len(pack.hashtags)} hashtags, "
                    f"{len(pack.phrases)} phrases, {len(pack.pdq)} PDQ hashes", highlight=False)


@policy_app.command("list")
def list_cmd(as_json: bool = typer.Option(False, "--json", help="Print a JSON array."),
             db: str = DbOption) -> None:
    """The loaded policy packs."""
    packs = list_policies(store_for(db))
    if as_json:
        print_json([p.to_dict() for p in packs])
        return
    table = DataTable("name", "categories", "hashtags", "phrases", "pdq", "weights")
    for p in packs:
        table.add_row(p.name, ", ".join(p.categories), str(len(p.hashtags)), str(len(p.phrases)),
                      str(len(p.pdq)), ", ".join(f"{k}={v:g}" for k, v in p.weights.items()))
    Console().print(table)
