"""Small SVG charts for the transparency report, drawn here: no CDN, no JavaScript, no
plotting library. Every label is escaped (platform names and categories come from data).
Output is deterministic (same figures, same bytes), so a republished version whose figures
did not change keeps the same chart hashes in its manifest.
"""

from __future__ import annotations

from html import escape

WIDTH, HEIGHT = 480, 260
_LEFT, _RIGHT, _TOP, _BOTTOM = 56, 16, 36, 40
_BAR = "#4a6fa5"
_LINE = "#b23a48"


def _svg(title: str, body: list[str]) -> str:
    t = escape(title)
    return ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
            f'viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{t}" '
            'font-family="sans-serif" font-size="11">\n'
            f"<title>{t}</title>\n"
            f'<text x="{WIDTH / 2:.0f}" y="18" text-anchor="middle" font-size="13">{t}</text>\n'
            + "\n".join(body) + "\n</svg>\n")


def _axes(y_max: float, y_label: str, ticks: int = 4, fmt=lambda v: f"{v:g}") -> list[str]:
    x0, x1 = _LEFT, WIDTH - _RIGHT
    y0, y1 = HEIGHT - _BOTTOM, _TOP
    out = [f'<line x1="{x0}" y1="{y0}" x2="{x1}" y2="{y0}" stroke="#333"/>',
           f'<line x1="{x0}" y1="{y0}" x2="{x0}" y2="{y1}" stroke="#333"/>',
           f'<text x="12" y="{(y0 + y1) / 2:.0f}" transform="rotate(-90 12 {(y0 + y1) / 2:.0f})" '
           f'text-anchor="middle">{escape(y_label)}</text>']
    for i in range(ticks + 1):
        v = y_max * i / ticks
        y = y0 - (y0 - y1) * i / ticks
        out.append(f'<line x1="{x0 - 4}" y1="{y:.1f}" x2="{x0}" y2="{y:.1f}" stroke="#333"/>')
        out.append(f'<text x="{x0 - 6}" y="{y + 4:.1f}" text-anchor="end">{escape(fmt(v))}</text>')
    return out


def bar_chart(title: str, bars: list[tuple[str, float]], *, y_label: str = "",
              y_max: float | None = None, fmt=lambda v: f"{v:g}") -> str:
    """Vertical bars, one per (label, value), value printed above each bar."""
    top = y_max if y_max is not None else max([v for _, v in bars] + [1])
    body = _axes(top, y_label, fmt=fmt)
    if not bars:
        body.append(f'<text x="{WIDTH / 2:.0f}" y="{HEIGHT / 2:.0f}" text-anchor="middle">'
                    "no data yet</text>")
        return _svg(title, body)
    span = (WIDTH - _LEFT - _RIGHT) / len(bars)
    plot_h = HEIGHT - _TOP - _BOTTOM
    for i, (label, value) in enumerate(bars):
        h = plot_h * (value / top if top else 0)
        x = _LEFT + i * span + span * 0.15
        y = HEIGHT - _BOTTOM - h
        body.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{span * 0.7:.1f}" height="{h:.1f}" '
                    f'fill="{_BAR}"/>')
        body.append(f'<text x="{x + span * 0.35:.1f}" y="{y - 4:.1f}" text-anchor="middle">'
                    f"{escape(fmt(value))}</text>")
        body.append(f'<text x="{x + span * 0.35:.1f}" y="{HEIGHT - _BOTTOM + 16}" '
                    f'text-anchor="middle">{escape(label)}</text>')
    return _svg(title, body)


def step_chart(title: str, points: list[tuple[float, float]], *, x_label: str = "",
               y_label: str = "", x_max: float | None = None) -> str:
    """A right-continuous step function through (x, y) points with y in [0, 1] (a survival
    curve), drawn from x = 0 to ``x_max``."""
    body = _axes(1.0, y_label, fmt=lambda v: f"{100 * v:.0f} %")
    if not points:
        body.append(f'<text x="{WIDTH / 2:.0f}" y="{HEIGHT / 2:.0f}" text-anchor="middle">'
                    "no data yet</text>")
        return _svg(title, body)
    right = x_max or max(x for x, _ in points) or 1.0
    x0, plot_w = _LEFT, WIDTH - _LEFT - _RIGHT
    y0, plot_h = HEIGHT - _BOTTOM, HEIGHT - _TOP - _BOTTOM

    def px(x: float) -> float:
        return x0 + plot_w * min(x, right) / right

    def py(y: float) -> float:
        return y0 - plot_h * y

    path = [f"M{px(0):.1f},{py(points[0][1] if points[0][0] <= 0 else 1.0):.1f}"]
    for x, y in points:
        if x > right:
            break
        path.append(f"H{px(x):.1f}V{py(y):.1f}")
    path.append(f"H{px(right):.1f}")
    body.append(f'<path d="{"".join(path)}" fill="none" stroke="{_LINE}" stroke-width="2"/>')
    for i in range(5):
        v = right * i / 4
        body.append(f'<text x="{px(v):.1f}" y="{y0 + 16}" text-anchor="middle">{v:g}</text>')
    body.append(f'<text x="{x0 + plot_w / 2:.0f}" y="{HEIGHT - 6}" text-anchor="middle">'
                f"{escape(x_label)}</text>")
    return _svg(title, body)


def transparency_charts(metrics) -> dict[str, str]:
    """The report's charts by file name, from a :class:`hydrawatch.act.metrics.Metrics`."""
    rates = [(p.platform, p.removal_rate or 0.0) for p in metrics.platforms]
    days = max(30.0, max((x for x, _ in metrics.survival.curve), default=0.0))
    families = [(str(size), float(n)) for size, n in metrics.reentries.family_sizes.items()]
    return {
        "removal-rate.svg": bar_chart("Reported accounts removed, by platform", rates,
                                      y_label="removed", y_max=1.0,
                                      fmt=lambda v: f"{100 * v:.0f} %"),
        "survival.svg": step_chart("Reported accounts still live (Kaplan-Meier)",
                                   list(metrics.survival.curve), x_label="days since report",
                                   y_label="still live", x_max=min(days, 90.0)),
        "families.svg": bar_chart("Hydra families by size (accounts)", families,
                                  y_label="families"),
    }
