"""Charts as inline SVG drawn on the server: the same markup serves the pages and the PDF, with no
JavaScript and nothing fetched from anywhere."""
from __future__ import annotations

import math
from itertools import pairwise

from markupsafe import Markup, escape

FONT = "Noto Sans CJK SC, Noto Sans SC, sans-serif"
PALETTE = ("#b4000f", "#1f5fa8", "#1f7a3a", "#8a5a00", "#6b3fa0", "#0f7c80", "#d4600a", "#5b6570",
           "#c2185b", "#33691e", "#283593", "#795548")
GRID = "#dde3ea"
INK = "#1d2733"
MUTED = "#66707c"


def colour(index: int) -> str:
    return PALETTE[index % len(PALETTE)]


def _svg(width: float, height: float, body: list[str], title: str) -> Markup:
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {width:g} {height:g}" '
        f'width="{width:g}" height="{height:g}" role="img" aria-label="{escape(title)}" '
        f'font-family="{FONT}" font-size="11">'
        f"<title>{escape(title)}</title>{''.join(body)}</svg>")


def _text(x: float, y: float, text, *, anchor: str = "start", size: float = 11, fill: str = INK,
          weight: str = "normal", rotate: float | None = None) -> str:
    transform = f' transform="rotate({rotate:g} {x:.1f} {y:.1f})"' if rotate else ""
    return (f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" font-size="{size:g}" fill="{fill}" '
            f'font-weight="{weight}"{transform}>{escape(text)}</text>')


def percent_range(values) -> tuple[float, float]:
    """A readable y range for percentages: from a round number below the lowest value up to 100."""
    present = [v for v in values if v is not None]
    if not present:
        return 0.0, 100.0
    low = max(0.0, math.floor((min(present) - 5) / 10) * 10)
    return min(low, 90.0), 100.0


def line_chart(categories: list[str], series: list[tuple[str, list[float | None]]], *, title: str,
               width: int = 680, height: int = 280, y_range: tuple[float, float] | None = None) -> Markup:
    low, high = y_range or percent_range(v for _, values in series for v in values)
    left, right, top, bottom = 44, 150, 28, 36
    plot_w, plot_h = width - left - right, height - top - bottom
    step = plot_w / max(1, len(categories) - 1)

    def x(i: int) -> float:
        return left + (i * step if len(categories) > 1 else plot_w / 2)

    def y(value: float) -> float:
        return top + plot_h - (value - low) / ((high - low) or 1) * plot_h

    body = [_text(left, 16, title, size=13, weight="bold")]
    for tick in range(5):
        value = low + (high - low) * tick / 4
        body.append(f'<line x1="{left}" x2="{left + plot_w}" y1="{y(value):.1f}" y2="{y(value):.1f}" stroke="{GRID}"/>')
        body.append(_text(left - 6, y(value) + 4, f"{value:g}", anchor="end", fill=MUTED, size=10))
    for i, category in enumerate(categories):
        body.append(_text(x(i), top + plot_h + 18, category, anchor="middle", fill=MUTED, size=10))
    for index, (label, values) in enumerate(series):
        stroke = colour(index)
        runs, run = [], []
        for i, value in enumerate(values):
            if value is None:
                runs, run = runs + ([run] if run else []), []
            else:
                run.append((x(i), y(value)))
        runs += [run] if run else []
        for points in runs:
            path = " ".join(f"{px:.1f},{py:.1f}" for px, py in points)
            body.append(f'<polyline points="{path}" fill="none" stroke="{stroke}" stroke-width="2"/>')
            body += [f'<circle cx="{px:.1f}" cy="{py:.1f}" r="2.6" fill="{stroke}"/>' for px, py in points]
        legend_y = top + 6 + index * 16
        body.append(f'<rect x="{width - right + 12}" y="{legend_y - 8}" width="10" height="10" fill="{stroke}"/>')
        body.append(_text(width - right + 26, legend_y + 1, label, size=10.5))
    return _svg(width, height, body, title)


def radar_chart(axes: list[str], series: list[tuple[str, list[float | None]]], *, title: str, size: int = 260,
                low: float = 50.0, high: float = 100.0) -> Markup:
    """Axes clockwise from the top; values outside [low, high] are drawn at the rim or the centre."""
    cx, cy, radius = size / 2, size / 2 + 10, size / 2 - 46
    count = max(3, len(axes))

    def point(i: int, value: float) -> tuple[float, float]:
        share = (min(high, max(low, value)) - low) / ((high - low) or 1)
        angle = -math.pi / 2 + 2 * math.pi * i / count
        return cx + radius * share * math.cos(angle), cy + radius * share * math.sin(angle)

    body = [_text(cx, 14, title, anchor="middle", size=12, weight="bold")]
    for ring in range(1, 5):
        level = low + (high - low) * ring / 4
        ring_points = " ".join(f"{px:.1f},{py:.1f}" for px, py in (point(i, level) for i in range(count)))
        body.append(f'<polygon points="{ring_points}" fill="none" stroke="{GRID}"/>')
        body.append(_text(cx + 3, point(0, level)[1] + 3, f"{level:g}", fill=MUTED, size=8))
    for i, axis in enumerate(axes):
        ex, ey = point(i, high)
        body.append(f'<line x1="{cx:.1f}" y1="{cy:.1f}" x2="{ex:.1f}" y2="{ey:.1f}" stroke="{GRID}"/>')
        lx, ly = cx + (ex - cx) * 1.2, cy + (ey - cy) * 1.2
        anchor = "middle" if abs(lx - cx) < 8 else ("start" if lx > cx else "end")
        body.append(_text(lx, ly + 4, axis, anchor=anchor, size=10))
    for index, (label, values) in enumerate(series):
        stroke = colour(index)
        drawn = [point(i, v if v is not None else low) for i, v in enumerate(values)]
        shape = " ".join(f"{px:.1f},{py:.1f}" for px, py in drawn)
        body.append(f'<polygon points="{shape}" fill="{stroke}" fill-opacity="0.16" stroke="{stroke}" '
                    f'stroke-width="1.8"/>')
        body.append(f'<rect x="{8 + index * 90}" y="{size + 10}" width="9" height="9" fill="{stroke}"/>')
        body.append(_text(20 + index * 90, size + 18, label, size=9.5))
    return _svg(size, size + 26, body, title)


def heat_colour(value: float | None) -> str:
    """Red at 60 % or less, yellow at 80 %, green at 100 %."""
    if value is None:
        return "#f0f2f5"
    stops = ((60.0, (215, 48, 39)), (80.0, (254, 224, 139)), (100.0, (26, 152, 80)))
    if value <= stops[0][0]:
        rgb = stops[0][1]
    else:
        rgb = stops[-1][1]
        for (a, ca), (b, cb) in pairwise(stops):
            if value <= b:
                share = (value - a) / (b - a)
                rgb = tuple(round(p + (q - p) * share) for p, q in zip(ca, cb))
                break
    return "#{:02x}{:02x}{:02x}".format(*rgb)


def heat_map(rows: list[str], columns: list[str], values: list[list[float | None]], *, title: str,
             cell_width: int = 54, cell_height: int = 24, label_width: int = 120, header_height: int = 110) -> Markup:
    width = label_width + cell_width * len(columns) + 10
    height = header_height + cell_height * len(rows) + 30
    body = [_text(0, 14, title, size=13, weight="bold")]
    for j, column in enumerate(columns):
        x = label_width + cell_width * j + cell_width / 2
        short = column if len(column) <= 14 else column[:13] + "…"
        body.append(_text(x, header_height - 6, short, size=10, rotate=-50))
    for i, row in enumerate(rows):
        y = header_height + cell_height * i
        body.append(_text(label_width - 6, y + cell_height / 2 + 4, row, anchor="end", size=10.5))
        for j, value in enumerate(values[i]):
            x = label_width + cell_width * j
            fill = heat_colour(value)
            body.append(f'<rect x="{x}" y="{y}" width="{cell_width - 2}" height="{cell_height - 2}" fill="{fill}"/>')
            text = "—" if value is None else f"{value:.0f}"
            ink = "#ffffff" if value is not None and (value < 66 or value > 94) else INK
            body.append(_text(x + (cell_width - 2) / 2, y + cell_height / 2 + 3, text, anchor="middle", size=10,
                              fill=ink))
    legend_y = header_height + cell_height * len(rows) + 10
    for k, level in enumerate((60, 70, 80, 90, 100)):
        x = label_width + k * 46
        body.append(f'<rect x="{x}" y="{legend_y}" width="44" height="10" fill="{heat_colour(level)}"/>')
        body.append(_text(x + 22, legend_y + 20, f"{level}%", anchor="middle", size=9, fill=MUTED))
    return _svg(width, height, body, title)


def bar_chart(labels: list[str], values: list[float], *, title: str, width: int = 680, unit: str = "",
              bar_height: int = 20, label_width: int = 260) -> Markup:
    height = 30 + bar_height * len(labels) + 10
    top = max(values, default=0) or 1
    plot = width - label_width - 60
    body = [_text(0, 16, title, size=13, weight="bold")]
    for i, (label, value) in enumerate(zip(labels, values)):
        y = 28 + i * bar_height
        short = label if len(label) <= 22 else label[:21] + "…"
        body.append(_text(label_width - 6, y + bar_height / 2 + 3, short, anchor="end", size=10.5))
        length = plot * value / top
        body.append(f'<rect x="{label_width}" y="{y + 3}" width="{length:.1f}" height="{bar_height - 6}" '
                    f'fill="{colour(0)}" fill-opacity="0.8"/>')
        body.append(_text(label_width + length + 4, y + bar_height / 2 + 3, f"{value:g}{unit}", size=10, fill=MUTED))
    return _svg(width, height, body, title)
