"""Charts as plain SVG geometry for the templates (no JavaScript, nothing inline that a
strict CSP would block): bars for counts per day or per state, a step line for survival."""

from __future__ import annotations

from collections import Counter

WIDTH, HEIGHT, PAD = 560, 180, 28


def per_day(timestamps) -> list[tuple[str, int]]:
    """ISO timestamps -> [(day, count)] for every day from the first to the last."""
    from datetime import date, timedelta

    days = Counter(str(t)[:10] for t in timestamps if t)
    if not days:
        return []
    first, last = date.fromisoformat(min(days)), date.fromisoformat(max(days))
    span = min((last - first).days, 365)
    return [(d.isoformat(), days.get(d.isoformat(), 0))
            for d in (first + timedelta(days=i) for i in range(span + 1))]


def bars(series: list[tuple[str, float]], *, title: str) -> dict:
    """Geometry for a bar chart of ``series`` [(label, value)]."""
    top = max((v for _, v in series), default=0) or 1
    n = max(len(series), 1)
    slot = (WIDTH - 2 * PAD) / n
    items = []
    for i, (label, value) in enumerate(series):
        h = (HEIGHT - 2 * PAD) * value / top
        w = min(max(slot * 0.8, 1), 48)
        items.append({"x": round(PAD + i * slot + (slot - w) / 2, 1), "w": round(w, 1),
                      "y": round(HEIGHT - PAD - h, 1), "h": round(h, 1), "label": label,
                      "value": value, "show_label": n <= 12 or i in (0, n - 1)})
    return {"kind": "bars", "title": title, "width": WIDTH, "height": HEIGHT, "pad": PAD,
            "top": top, "items": items, "empty": not series}


def steps(points: list[tuple[float, float]], *, title: str, x_label: str, y_max: float = 1.0) -> dict:
    """Geometry for a step line through ``points`` [(x, y)] (a survival curve)."""
    if not points:
        return {"kind": "steps", "title": title, "empty": True, "width": WIDTH, "height": HEIGHT}
    x_max = max(x for x, _ in points) or 1
    sx = lambda x: PAD + (WIDTH - 2 * PAD) * x / x_max  # noqa: E731
    sy = lambda y: HEIGHT - PAD - (HEIGHT - 2 * PAD) * y / y_max  # noqa: E731
    path, prev = [], None
    for x, y in points:
        if prev is None:
            path.append(f"M{sx(x):.1f},{sy(y):.1f}")
        else:
            path.append(f"H{sx(x):.1f}V{sy(y):.1f}")
        prev = (x, y)
    return {"kind": "steps", "title": title, "empty": False, "width": WIDTH, "height": HEIGHT,
            "pad": PAD, "path": " ".join(path), "x_max": x_max, "x_label": x_label,
            "points": points}
