"""The closure rate by outlet as a small inline SVG: one bar per outlet against the plan's goal of 100%, drawn on
the server with nothing fetched and no script (the reports' charts stand a layer above the ledger)."""
from __future__ import annotations

from markupsafe import Markup, escape

FONT = "Noto Sans CJK SC, Noto Sans SC, sans-serif"
BAR, GOAL, SHORT, INK = "#1f7a3a", "#1d2733", "#b4000f", "#1d2733"


def closure_bars(rows: list[tuple[str, float | None]], title: str, *, width: int = 360, bar_height: int = 24,
                 label_width: int = 112) -> Markup:
    """rows: (outlet name, closure rate in percent, None when nothing was received). Drawn at a phone's width, so
    that its words stay legible there, and allowed to grow to half as large again on a desk."""
    height = 34 + bar_height * len(rows) + 8
    plot = width - label_width - 56
    body = [f'<text x="0" y="16" font-size="13" font-weight="bold" fill="{INK}">{escape(title)}</text>']
    for index, (name, rate) in enumerate(rows):
        y = 28 + index * bar_height
        short = name if len(name) <= 8 else name[:7] + "…"
        body.append(f'<text x="{label_width - 6}" y="{y + bar_height / 2 + 4:.1f}" text-anchor="end" '
                    f'font-size="11" fill="{INK}">{escape(short)}</text>')
        if rate is not None:
            colour = BAR if rate >= 100 else SHORT
            body.append(f'<rect x="{label_width}" y="{y + 4}" width="{plot * rate / 100:.1f}" '
                        f'height="{bar_height - 8}" fill="{colour}" fill-opacity="0.85"/>')
            body.append(f'<text x="{label_width + plot * rate / 100 + 4:.1f}" y="{y + bar_height / 2 + 4:.1f}" '
                        f'font-size="11" fill="{INK}">{rate:g}%</text>')
    goal_x = label_width + plot
    body.append(f'<line x1="{goal_x}" y1="24" x2="{goal_x}" y2="{height - 6}" stroke="{GOAL}" '
                f'stroke-dasharray="3 3"/>')
    return Markup(f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {width} {height}" '
                  f'width="100%" style="max-width:{width * 3 // 2}px" role="img" aria-label="{escape(title)}" '
                  f'font-family="{FONT}"><title>{escape(title)}</title>{"".join(body)}</svg>')
