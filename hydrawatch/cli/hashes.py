"""`hydrawatch hashes import|match|banks`: PDQ hash banks."""

from __future__ import annotations

from pathlib import Path

import typer

from hydrawatch.cli.app import DbOption, Format, FormatOption, app
from hydrawatch.cli.common import store_for
from hydrawatch.cli.output import console, emit

hashes_app = typer.Typer(help="PDQ hash banks: import ThreatExchange/HMA files, look hashes up.")
app.add_typer(hashes_app, name="hashes")


@hashes_app.command("import")
def import_cmd(file: Path = typer.Argument(..., help="ThreatExchange local file (`pdq <hex>` lines) or HMA-style CSV."),
               bank: str = typer.Option(..., "--bank", help="Bank name (created when new)."),
               db: str = DbOption) -> None:
    """Add a file's PDQ hashes to a bank, with provenance, and match the store's media against them."""
    from hydrawatch.media.banks import import_bank

    r = import_bank(store_for(db), file, bank)
    skipped = "".join(f", skipped {n} {t} signal(s)" for t, n in sorted(r.skipped_types.items()))
    console().print(f"bank {r.bank}: {r.added} new of {r.hashes} PDQ hashes ({r.format}){skipped}; "
                    f"{r.new_matches} new media match(es)", highlight=False, markup=False)


@hashes_app.command("match")
def match_cmd(file: Path = typer.Argument(..., help="One 64-hex PDQ hash a line."),
              fmt: Format = FormatOption, db: str = DbOption,
              cluster: str = typer.Option(None, "--cluster", metavar="ADDRESS",
                                          help="Run on this Dask scheduler (the bank is split by rows)."),
              workers: int = typer.Option(None, "--workers", metavar="N",
                                          help="Run on a local Dask cluster of N worker processes.")) -> None:
    """Look up every hash of FILE in every bank (PDQ distance <= 31); a hash with no match
    gets one row with empty bank, hash and distance."""
    from hydrawatch.media.banks import match_file

    if cluster or workers:
        from hydrawatch import cluster as dask_cluster
        from hydrawatch.media.bankfile import read_query_file

        with dask_cluster.client_for(cluster, workers) as client:
            result = dask_cluster.match_hashes(store_for(db), read_query_file(file), client)
    else:
        result = match_file(store_for(db), file)
    rows = [{"query": e["query"], **m} for e in result for m in (e["matches"] or [{}])]
    emit(fmt, rows, {k: (lambda r, k=k: r.get(k)) for k in ("query", "bank", "hash", "distance")},
         json_rows=result)


@hashes_app.command("banks")
def banks_cmd(fmt: Format = FormatOption, db: str = DbOption) -> None:
    """The hash banks and their sizes."""
    from hydrawatch.media.banks import list_banks

    emit(fmt, list_banks(store_for(db)), {"bank": lambda b: b["bank"], "hashes": lambda b: b["hashes"],
                                          "created": lambda b: b["created_at"]})
