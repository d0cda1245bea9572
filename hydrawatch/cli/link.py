"""`hydrawatch link`, `families` and the re-entry review: `link-review`, `link-explain`,
`link-confirm`, `link-reject`."""

from __future__ import annotations

from enum import Enum

import typer

from hydrawatch.cli.app import ACCOUNT_HELP, DbOption, Format, FormatOption, app
from hydrawatch.cli.common import resolve, store_for
from hydrawatch.cli.output import console, emit, safe
from hydrawatch.errors import InputError, quote


def _name(a: dict) -> str:
    return f"{a['platform']}:@{a['handle']}" if a["handle"] else f"{a['platform']}:{a['id']}"


@app.command()
def link(db: str = DbOption,
         fmt: Format = FormatOption,
         min_confidence: float = typer.Option(None, "--min-confidence",
                                              help="Show links at or above this confidence "
                                                   "(default: the model's threshold)."),
         since: str = typer.Option(None, "--since",
                                   help="Only link accounts first seen (or created) at or after "
                                        "this ISO time; the run costs time in proportion to them."),
         no_run: bool = typer.Option(False, "--no-run", help="Only list the stored links."),
         calibrate: bool = typer.Option(False, "--calibrate",
                                        help="Re-estimate the field weights on this store's own candidate "
                                             "pairs (EM from the shipped defaults; reviewers' confirmed and "
                                             "rejected links count as labels)."),
         cluster: str = typer.Option(None, "--cluster", metavar="ADDRESS",
                                     help="Find candidates, features and reasons on this Dask scheduler's "
                                          "workers (partitions of the new accounts; the store must be one "
                                          "they reach)."),
         workers: int = typer.Option(None, "--workers", metavar="N", min=1,
                                     help="Run on a local Dask cluster of N worker processes.")) -> None:
    """Link new accounts to the suspended accounts they replace (re-entries), then list the
    links at or above the threshold."""
    from hydrawatch.linking.pipeline import link_store, list_links
    from hydrawatch.timeutil import parse_time

    if since is not None:
        try:
            since = parse_time(since)
        except ValueError as exc:
            raise InputError(f"--since: not a time: {quote(since)}") from exc
    store = store_for(db)
    if no_run:
        summary = None
    elif cluster or workers:
        from hydrawatch import cluster as dask_cluster

        with dask_cluster.client_for(cluster, workers) as client:
            summary = link_store(store, since=since, calibrate=calibrate, client=client)
    else:
        summary = link_store(store, since=since, calibrate=calibrate)
    rows = list_links(store, min_confidence=min_confidence)
    if summary is not None and fmt is Format.table:  # json/csv: nothing but the data
        console(stderr=True).print(
            f"{summary.new_accounts:,} new accounts vs {summary.suspended:,} suspended: "
            f"{summary.candidates:,} candidate pairs, {summary.links:,} links, "
            f"{summary.suggested:,} for review (`hydrawatch link-review`), "
            f"{summary.cases_opened:,} cases opened ({summary.seconds:.1f} s)")
        for platform, cal in summary.calibration.items():
            console(stderr=True).print(
                f"{platform}: field weights calibrated on {cal['pairs']:,} pairs ({cal['labelled']} reviewed): "
                + ", ".join(f"{k} x{v:.2f}" for k, v in cal["alpha"].items()))
    emit(fmt, rows, {"successor": lambda r: _name(r["successor"]),
                     "predecessor": lambda r: _name(r["predecessor"]),
                     "confidence": lambda r: f"{r['confidence']:.3f}",
                     "linkable at": lambda r: r["linkable_at"],
                     "reasons": lambda r: r["reasons"] if fmt is Format.csv else r["reasons"][:3]},
         json_rows=[{k: r[k] for k in ("successor", "predecessor", "confidence", "reasons")}
                    for r in rows])


@app.command()
def families(db: str = DbOption,
             fmt: Format = FormatOption,
             min_confidence: float = typer.Option(None, "--min-confidence",
                                                  help="Links at or above this confidence join "
                                                       "a family (default: the threshold)."),
             account: str = typer.Option(None, "--account",
                                         help="Only the family of this account. " + ACCOUNT_HELP)) -> None:
    """Hydra families: chains of linked accounts, oldest first, with each one's status."""
    from hydrawatch.linking.pipeline import list_families

    store = store_for(db)
    fams = list_families(store, min_confidence=min_confidence)
    numbered = [dict(f, n=n) for n, f in enumerate(fams, 1)]
    if account is not None:
        platform, account_id = resolve(store, account)
        numbered = [f for f in numbered if f["platform"] == platform
                    and any(a["id"] == account_id for a in f["accounts"])]
        fams = [{k: v for k, v in f.items() if k != "n"} for f in numbered]
    emit(fmt, numbered, {
        "#": lambda f: f["n"], "platform": lambda f: f["platform"], "size": lambda f: f["size"],
        "first seen": lambda f: f["first_seen"], "last seen": lambda f: f["last_seen"],
        "accounts (oldest first)": lambda f: " → ".join(
            f"@{a['handle'] or a['id']} ({a['status'] or '?'})" for a in f["accounts"])},
        json_rows=fams)


SUCCESSOR_HELP = "The new account. " + ACCOUNT_HELP
PREDECESSOR_HELP = ("The suspended account: its ID on the successor's platform, or any "
                    "account syntax.")


def _predecessor(store, platform: str, text: str) -> str:
    """The predecessor's id: a bare ID (or handle) is on the successor's platform."""
    if ":" not in text and "/" not in text and not text.startswith("@"):
        text = f"{platform}:{text}"
    pred_platform, pred_id = resolve(store, text)
    if pred_platform != platform:
        from hydrawatch.errors import InputError

        raise InputError(f"a re-entry stays on its platform: {pred_platform}:{pred_id} is not "
                         f"on {platform}")
    return pred_id


def _weights_text(w: dict | None) -> str:
    if not w:
        return "(no field weights stored: re-run `hydrawatch link`)"
    parts = sorted(w["fields"].items(), key=lambda kv: -abs(kv[1]))
    lines = [f"  prior {w['prior']:+.2f}"] + [f"  {name} {v:+.2f}" for name, v in parts if abs(v) >= 0.005]
    lines += [f"  rivals {w['rivals']:+.2f}", f"  = log-odds {w['log_odds']:+.2f}"]
    return "\n".join(lines)


@app.command("link-review")
def link_review(db: str = DbOption, fmt: Format = FormatOption) -> None:
    """The re-entry review queue: best candidates between the suggest and auto thresholds."""
    from hydrawatch.linking.queue import review_queue, thresholds

    rows = review_queue(store_for(db))
    if fmt is Format.table:
        suggest, auto = thresholds()
        console(stderr=True).print(f"{len(rows)} link(s) for review (confidence in "
                                   f"[{suggest:.2f}, {auto:.2f}))")
    emit(fmt, rows, {
        "successor": lambda r: f"{r['successor']['platform']}:{r['successor']['id']} (@{r['successor']['handle']})",
        "predecessor": lambda r: f"{r['predecessor']['id']} (@{r['predecessor']['handle']})",
        "confidence": lambda r: f"{r['confidence']:.3f}",
        "reasons": lambda r: r["reasons"] if fmt is Format.csv else r["reasons"][:4]})


class ExplainFormat(str, Enum):
    table = "table"
    json = "json"


@app.command("link-explain")
def link_explain(successor: str = typer.Argument(..., help=SUCCESSOR_HELP),
                 predecessor: str = typer.Argument(None, help=PREDECESSOR_HELP + " Default: every candidate."),
                 db: str = DbOption,
                 fmt: ExplainFormat = typer.Option(ExplainFormat.table, "--format", help="table or json.")) -> None:
    """A link's evidence: its reasons and its log-odds as the sum of its field weights."""
    from hydrawatch.cli.output import print_json
    from hydrawatch.linking.queue import explain_link

    store = store_for(db)
    platform, aid = resolve(store, successor)
    pred = _predecessor(store, platform, predecessor) if predecessor is not None else None
    rows = explain_link(store, platform, aid, pred)
    if fmt is ExplainFormat.json:
        print_json(rows)
        return
    con = console()
    for r in rows:
        con.print(f"[bold]{safe(platform)}:{safe(aid)}[/] -> {safe(r['predecessor']['id'])} "
                  f"(@{safe(str(r['predecessor']['handle']))}): confidence {r['confidence']:.3f}, "
                  f"rank {r['rank']}, state {safe(r['state'])}")
        for line in r["reasons"]:
            con.print(f"  - {safe(line)}")
        con.print(safe(_weights_text(r["weights"])))


def _decide(verdict: str, successor: str, predecessor: str, db: str, actor: str, note: str | None) -> None:
    from hydrawatch.linking.queue import decide_link

    store = store_for(db)
    platform, aid = resolve(store, successor)
    pred = _predecessor(store, platform, predecessor)
    out = decide_link(store, platform, aid, pred, verdict, actor=actor, note=note)
    console().print(f"link {safe(platform)}:{safe(aid)} -> {safe(pred)}: {out['state']}"
                    + (f", {out['cases_opened']} case opened" if out["cases_opened"] else ""))


@app.command("link-confirm")
def link_confirm(successor: str = typer.Argument(..., help=SUCCESSOR_HELP),
                 predecessor: str = typer.Argument(..., help=PREDECESSOR_HELP),
                 actor: str = typer.Option(..., "--actor", help="Who decides (recorded in the audit log)."),
                 note: str = typer.Option(None, "--note"), db: str = DbOption) -> None:
    """Confirm a re-entry link (stored and audited; kept on re-runs)."""
    _decide("confirm", successor, predecessor, db, actor, note)


@app.command("link-reject")
def link_reject(successor: str = typer.Argument(..., help=SUCCESSOR_HELP),
                predecessor: str = typer.Argument(..., help=PREDECESSOR_HELP),
                actor: str = typer.Option(..., "--actor", help="Who decides (recorded in the audit log)."),
                note: str = typer.Option(None, "--note"), db: str = DbOption) -> None:
    """Reject a re-entry link (stored and audited; kept on re-runs)."""
    _decide("reject", successor, predecessor, db, actor, note)
