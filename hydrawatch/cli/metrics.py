"""`hydrawatch metrics`: the outcome figures of the transparency report."""

from __future__ import annotations

import typer

from hydrawatch.cli.app import DbOption, Format, FormatOption, app
from hydrawatch.cli.common import json_wanted, store_for
from hydrawatch.cli.output import console, emit, safe


def _flatten(obj, prefix: str = "") -> list[tuple[str, object]]:
    if isinstance(obj, dict):
        return [row for k, v in obj.items() for row in _flatten(v, f"{prefix}{k}.")]
    if isinstance(obj, list):
        return [row for i, v in enumerate(obj) for row in _flatten(v, f"{prefix}{i}.")]
    return [(prefix.rstrip("."), obj)]


def _pct(x: float | None) -> str:
    return "-" if x is None else f"{100 * x:.1f} %"


def _num(x: float | None, unit: str) -> str:
    return "-" if x is None else f"{x:.1f} {unit}"


@app.command("metrics")
def metrics(fmt: Format = FormatOption,
            as_json: bool = typer.Option(False, "--json", hidden=True, help="--format json."),
            db: str = DbOption) -> None:
    """Cases, reports, removal rates, time to removal, survival of reported accounts,
    re-entries, hydra families, appeals and unchecked accounts."""
    from hydrawatch.act.metrics import compute_metrics

    m = compute_metrics(store_for(db))
    fmt = json_wanted(fmt, as_json)
    if fmt != "table":  # csv: one row per figure, named by its path in the JSON
        emit(fmt, _flatten(m.as_dict()), {"metric": lambda r: r[0], "value": lambda r: r[1]},
             json_rows=m.as_dict())
        return
    out = console()
    c = m.cases
    out.print(f"cases: {c.opened} opened ({c.nominations} nominations), {c.verified} verified, "
              f"{c.rejected} rejected")
    out.print(f"reports: {m.reports.sent} sent, {m.reports.failed} failed, "
              f"{m.reports.prepared} prepared")
    for platform, channels in m.reports.sent_by_platform_channel.items():
        per = ", ".join(f"{safe(ch)} {n}" for ch, n in channels.items())
        out.print(f"  {safe(platform)}: {per}")
    for p in m.platforms:
        out.print(f"{safe(p.platform)}: {p.removed}/{p.reported} removed "
                  f"({_pct(p.removal_rate)}), {p.still_live} still live, {p.reinstated} "
                  f"reinstated, {p.unchecked} not checked since the report")
    t = m.time_to_removal
    out.print(f"time to removal: median {_num(t.median_hours, 'h')}, "
              f"90th percentile {_num(t.p90_hours, 'h')} (over {t.removed})")
    s = m.survival
    out.print(f"still live (Kaplan-Meier, {s.at_risk} checked, {s.censored} censored): "
              f"{_pct(s.live_at_7_days)} at 7 days, {_pct(s.live_at_30_days)} at 30 days")
    r = m.reentries
    sizes = ", ".join(f"{n}x{size}" for size, n in r.family_sizes.items()) or "none"
    out.print(f"re-entries linked: {r.linked}, median time to return "
              f"{_num(r.median_days_to_return, 'days')}; hydra families (count x size): {sizes}")
    a = m.appeals
    out.print(f"appeals: {a.submitted} submitted, {a.open} open, {a.upheld} upheld, "
              f"{a.delisted} delisted (reversals)")
    out.print(f"accounts that could not be checked: {m.unchecked_accounts}")
