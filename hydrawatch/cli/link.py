"""`hydrawatch link` and `hydrawatch families`."""

from __future__ import annotations

import typer
from rich.console import Console

from hydrawatch.cli.app import DbOption, app
from hydrawatch.cli.common import print_json, store_for
from hydrawatch.cli.output import DataTable
from hydrawatch.errors import InputError, quote

FORMATS = ("table", "json")


def _format(value: str) -> str:
    if value not in FORMATS:
        raise InputError(f"--format must be one of {', '.join(FORMATS)}, not {value!r}")
    return value


@app.command()
def link(db: str = DbOption,
         fmt: str = typer.Option("table", "--format", help="table or json."),
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
                                             "rejected links count as labels).")) -> None:
    """Link new accounts to the suspended accounts they replace (re-entries), then list the
    links at or above the threshold."""
    from hydrawatch.linking.pipeline import link_store, list_links
    from hydrawatch.timeutil import parse_time

    _format(fmt)
    if since is not None:
        try:
            since = parse_time(since)
        except ValueError as exc:
            raise InputError(f"--since: not a time: {quote(since)}") from exc
    store = store_for(db)
    summary = None if no_run else link_store(store, since=since, calibrate=calibrate)
    rows = list_links(store, min_confidence=min_confidence)
    if fmt == "json":
        print_json([{k: r[k] for k in ("successor", "predecessor", "confidence", "reasons")}
                    for r in rows])
        return
    console = Console()
    if summary is not None:
        console.print(f"{summary.new_accounts:,} new accounts vs {summary.suspended:,} suspended: "
                      f"{summary.candidates:,} candidate pairs, {summary.links:,} links, "
                      f"{summary.suggested:,} for review (`hydrawatch link-review`), "
                      f"{summary.cases_opened:,} cases opened ({summary.seconds:.1f} s)")
        for platform, cal in summary.calibration.items():
            console.print(f"{platform}: field weights calibrated on {cal['pairs']:,} pairs "
                          f"({cal['labelled']} reviewed): "
                          + ", ".join(f"{k} x{v:.2f}" for k, v in cal["alpha"].items()))
    table = DataTable("successor", "predecessor", "confidence", "linkable at", "reasons")
    for r in rows:
        table.add_row(f"{r['successor']['platform']}:@{r['successor']['handle'] or r['successor']['id']}",
                      f"@{r['predecessor']['handle'] or r['predecessor']['id']}",
                      f"{r['confidence']:.3f}", r["linkable_at"] or "",
                      "; ".join(r["reasons"][:3]))
    console.print(table)


@app.command()
def families(db: str = DbOption,
             fmt: str = typer.Option("table", "--format", help="table or json."),
             min_confidence: float = typer.Option(None, "--min-confidence",
                                                  help="Links at or above this confidence join "
                                                       "a family (default: the threshold).")) -> None:
    """Hydra families: chains of linked accounts, oldest first, with each one's status."""
    from hydrawatch.linking.pipeline import list_families

    _format(fmt)
    fams = list_families(store_for(db), min_confidence=min_confidence)
    if fmt == "json":
        print_json(fams)
        return
    table = DataTable("#", "platform", "size", "first seen", "last seen", "accounts (oldest first)")
    for n, f in enumerate(fams, 1):
        chain = " → ".join(f"@{a['handle'] or a['id']} ({a['status'] or '?'})" for a in f["accounts"])
        table.add_row(str(n), f["platform"], str(f["size"]), f["first_seen"] or "",
                      f["last_seen"] or "", chain)
    Console().print(table)


def _ref(value: str) -> tuple[str, str]:
    platform, sep, aid = value.partition(":")
    if not sep or not platform or not aid:
        raise InputError(f"an account is PLATFORM:ID (e.g. x:1234), not {value!r}")
    return platform, aid


def _weights_text(w: dict | None) -> str:
    if not w:
        return "(no field weights stored: re-run `hydrawatch link`)"
    parts = sorted(w["fields"].items(), key=lambda kv: -abs(kv[1]))
    lines = [f"  prior {w['prior']:+.2f}"] + [f"  {name} {v:+.2f}" for name, v in parts if abs(v) >= 0.005]
    lines += [f"  rivals {w['rivals']:+.2f}", f"  = log-odds {w['log_odds']:+.2f}"]
    return "\n".join(lines)


@app.command("link-review")
def link_review(db: str = DbOption,
                fmt: str = typer.Option("table", "--format", help="table or json.")) -> None:
    """The re-entry review queue: best candidates between the suggest and auto thresholds."""
    from hydrawatch.linking.queue import review_queue, thresholds

    _format(fmt)
    rows = review_queue(store_for(db))
    if fmt == "json":
        print_json(rows)
        return
    suggest, auto = thresholds()
    console = Console()
    console.print(f"{len(rows)} link(s) for review (confidence in [{suggest:.2f}, {auto:.2f}))", highlight=False)
    table = Table("successor", "predecessor", "confidence", "reasons")
    for r in rows:
        table.add_row(f"{r['successor']['platform']}:{r['successor']['id']} (@{r['successor']['handle']})",
                      f"{r['predecessor']['id']} (@{r['predecessor']['handle']})", f"{r['confidence']:.3f}",
                      "; ".join(r["reasons"][:4]))
    console.print(table)


@app.command("link-explain")
def link_explain(successor: str = typer.Argument(..., help="PLATFORM:ID of the new account."),
                 predecessor: str = typer.Argument(None, help="ID of one predecessor (default: every candidate)."),
                 db: str = DbOption,
                 fmt: str = typer.Option("table", "--format", help="table or json.")) -> None:
    """A link's evidence: its reasons and its log-odds as the sum of its field weights."""
    from rich.markup import escape

    from hydrawatch.linking.queue import explain_link

    _format(fmt)
    platform, aid = _ref(successor)
    rows = explain_link(store_for(db), platform, aid, predecessor)
    if fmt == "json":
        print_json(rows)
        return
    console = Console()
    for r in rows:
        console.print(f"[bold]{escape(platform)}:{escape(aid)}[/] -> {escape(r['predecessor']['id'])} "
                      f"(@{escape(str(r['predecessor']['handle']))}): confidence {r['confidence']:.3f}, "
                      f"rank {r['rank']}, state {escape(r['state'])}", highlight=False)
        for line in r["reasons"]:
            console.print(f"  - {escape(line)}", highlight=False)
        console.print(escape(_weights_text(r["weights"])), highlight=False)


def _decide(verdict: str, successor: str, predecessor: str, db: str, actor: str, note: str | None) -> None:
    from hydrawatch.linking.queue import decide_link

    platform, aid = _ref(successor)
    out = decide_link(store_for(db), platform, aid, predecessor, verdict, actor=actor, note=note)
    Console().print(f"link {platform}:{aid} -> {predecessor}: {out['state']}"
                    + (f", {out['cases_opened']} case opened" if out["cases_opened"] else ""), highlight=False)


@app.command("link-confirm")
def link_confirm(successor: str = typer.Argument(..., help="PLATFORM:ID of the new account."),
                 predecessor: str = typer.Argument(..., help="ID of the suspended account it replaces."),
                 actor: str = typer.Option(..., "--actor", help="Who decides (recorded in the audit log)."),
                 note: str = typer.Option(None, "--note"), db: str = DbOption) -> None:
    """Confirm a re-entry link (stored and audited; kept on re-runs)."""
    _decide("confirm", successor, predecessor, db, actor, note)


@app.command("link-reject")
def link_reject(successor: str = typer.Argument(..., help="PLATFORM:ID of the new account."),
                predecessor: str = typer.Argument(..., help="ID of the suspended account."),
                actor: str = typer.Option(..., "--actor", help="Who decides (recorded in the audit log)."),
                note: str = typer.Option(None, "--note"), db: str = DbOption) -> None:
    """Reject a re-entry link (stored and audited; kept on re-runs)."""
    _decide("reject", successor, predecessor, db, actor, note)
