"""`hydrawatch policy load|list`."""

from __future__ import annotations

from pathlib import Path

import typer

from hydrawatch.cli.app import DbOption, Format, FormatOption, app
from hydrawatch.cli.common import json_wanted, store_for
from hydrawatch.cli.output import console, emit, safe

policy_app = typer.Typer(help="Policy packs: the hashtags, slogans and logos of a designated group.")
app.add_typer(policy_app, name="policy")


@policy_app.command("load")
def load_cmd(file: Path = typer.Argument(..., help="Policy pack, JSON or YAML."),
             db: str = DbOption) -> None:
    """Validate a policy pack and store it (a pack of the same name is replaced)."""
    from hydrawatch.scoring.policy import load_policy

    pack = load_policy(store_for(db), file)
    console().print(f"loaded policy pack {safe(repr(pack.name))}: {len(pack.hashtags)} hashtags, "
                    f"{len(pack.phrases)} phrases, {len(pack.pdq)} PDQ hashes", highlight=False)


@policy_app.command("list")
def list_cmd(fmt: Format = FormatOption,
             as_json: bool = typer.Option(False, "--json", hidden=True, help="--format json."),
             db: str = DbOption) -> None:
    """The loaded policy packs."""
    from hydrawatch.scoring.policy import list_policies

    packs = list_policies(store_for(db))
    emit(json_wanted(fmt, as_json), packs, {
        "name": lambda p: p.name, "categories": lambda p: ", ".join(p.categories),
        "hashtags": lambda p: len(p.hashtags), "phrases": lambda p: len(p.phrases),
        "pdq": lambda p: len(p.pdq),
        "weights": lambda p: ", ".join(f"{k}={v:g}" for k, v in p.weights.items())},
        json_rows=[p.to_dict() for p in packs])
