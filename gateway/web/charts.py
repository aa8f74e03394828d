"""Inline SVG charts rendered on the server: no chart library, nothing fetched by the browser."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from markupsafe import Markup

__all__ = ["stacked_bars", "rate_line", "PALETTE"]

PALETTE = ("#2563eb", "#16a34a", "#d97706", "#9333ea", "#dc2626", "#0891b2", "#65a30d", "#db2777")
_W, _H, _PAD_L, _PAD_B, _PAD_T = 640, 180, 36, 22, 8


def _axis_labels(buckets: Sequence[str], step: float) -> list[str]:
    every = max(1, len(buckets) // 8)
    return [
        f'<text x="{_PAD_L + (i + 0.5) * step:.1f}" y="{_H - 6}" text-anchor="middle">{escape(b)}</text>'
        for i, b in enumerate(buckets)
        if i % every == 0
    ]


def _frame(body: list[str], top: str, title: str) -> Markup:
    parts = [
        f'<svg class="chart" viewBox="0 0 {_W} {_H}" role="img" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
        f'<line x1="{_PAD_L}" y1="{_H - _PAD_B}" x2="{_W}" y2="{_H - _PAD_B}" class="axis"/>',
        f'<text x="{_PAD_L - 4}" y="{_PAD_T + 8}" text-anchor="end">{escape(top)}</text>',
        f'<text x="{_PAD_L - 4}" y="{_H - _PAD_B}" text-anchor="end">0</text>',
        *body,
        "</svg>",
    ]
    return Markup("".join(parts))  # noqa: S704 - every interpolated text above is escaped


def stacked_bars(buckets: Sequence[str], series: dict[str, Sequence[int]], title: str) -> Markup:
    """One bar per bucket, stacked by series (colours in ``PALETTE`` order, as the legend shows)."""
    totals = [sum(values[i] for values in series.values()) for i in range(len(buckets))]
    peak = max(totals, default=0) or 1
    step = (_W - _PAD_L) / max(1, len(buckets))
    scale = (_H - _PAD_B - _PAD_T) / peak
    body: list[str] = []
    for i in range(len(buckets)):
        y = float(_H - _PAD_B)
        for n, (name, values) in enumerate(series.items()):
            if not values[i]:
                continue
            height = values[i] * scale
            y -= height
            body.append(
                f'<rect x="{_PAD_L + i * step + step * 0.12:.1f}" y="{y:.1f}" width="{step * 0.76:.1f}" '
                f'height="{height:.1f}" fill="{PALETTE[n % len(PALETTE)]}">'
                f"<title>{escape(name)} {escape(buckets[i])}: {values[i]}</title></rect>"
            )
    return _frame(body + _axis_labels(buckets, step), str(peak), title)


def rate_line(buckets: Sequence[str], rates: Sequence[float | None], title: str) -> Markup:
    """A share (0..1) per bucket as a polyline; buckets without traffic are gaps."""
    step = (_W - _PAD_L) / max(1, len(buckets))
    peak = max((r for r in rates if r is not None), default=0.0)
    top = max(0.05, peak)
    scale = (_H - _PAD_B - _PAD_T) / top
    body: list[str] = []
    run: list[str] = []
    for i, rate in enumerate([*rates, None]):
        if rate is None:
            if run:
                body.append(f'<polyline points="{" ".join(run)}" class="rate"/>')
            run = []
            continue
        x, y = _PAD_L + (i + 0.5) * step, _H - _PAD_B - rate * scale
        run.append(f"{x:.1f},{y:.1f}")
        body.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2.5" class="rate"><title>{escape(buckets[i])}: '
            f"{rate:.1%}</title></circle>"
        )
    return _frame(body + _axis_labels(buckets, step), f"{top:.0%}", title)
