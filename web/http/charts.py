"""Charts as inline SVG, drawn on the server: horizontal bars (one series or grouped), a
funnel and a heat map. No script; each chart is an image to assistive technology
(`role="img"`, a `<title>` and a `<desc>` named by `aria-labelledby`), and the page puts the
same numbers in a table beside it.

Every text is given by the caller, already translated; this module only lays out. Sizes are
in the viewBox's units (WIDTH wide), so a chart scales to its container: on a projector
the letters grow with the picture. Colours are the Okabe-Ito palette (told apart with
colour blindness) and are attributes, so they print without a stylesheet.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

WIDTH = 800
FONT = 14
BAR = 20  # height of one bar
GAP = 10  # between groups of bars
LABEL_CHARS = 38  # a longer label is cut, whole in its tooltip
CHAR = 8.4  # width of a wide character at FONT (labels must not run off the left edge)
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00")
INK = "#1d2430"
GRID = "#d9dee5"
MARK = "#a3262a"  # a marked row's label


@dataclass(frozen=True)
class Series:
    """One set of values, one per label, drawn in one colour."""

    name: str
    values: Sequence[int]


def _text(value: object) -> str:
    return str(escape(str(value)))


def _short(label: str) -> str:
    return label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1].rstrip() + "…"


def _label_width(labels: Sequence[str], *, bold: bool = False) -> float:
    longest = max((len(_short(x)) for x in labels), default=0)
    return max(longest * CHAR * (1.12 if bold else 1.0) + 16, 60)


def _step(top: int) -> int:
    """A round tick step giving at most five ticks up to `top`."""
    if top <= 5:
        return 1
    magnitude: int = 10 ** math.floor(math.log10(top / 5))
    return next(m * magnitude for m in (1, 2, 5, 10) if top / (m * magnitude) <= 5)


def _svg(chart_id: str, title: str, description: str, height: float, body: list[str]) -> Markup:
    cid = _text(chart_id)
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="{cid}" role="img" '
        f'aria-labelledby="{cid}-title {cid}-desc" viewBox="0 0 {WIDTH} {height:g}" '
        f'font-family="system-ui, sans-serif" font-size="{FONT}">'
        f'<title id="{cid}-title">{_text(title)}</title>'
        f'<desc id="{cid}-desc">{_text(description)}</desc>'
    )
    return Markup(head + "".join(body) + "</svg>")


def _legend(series: Sequence[Series], x: float) -> list[str]:
    out = []
    for i, s in enumerate(series):
        colour = PALETTE[i % len(PALETTE)]
        out.append(
            f'<g class="legend-item"><rect x="{x:g}" y="6" width="14" height="14" '
            f'fill="{colour}"/><text x="{x + 20:g}" y="18" fill="{INK}">{_text(s.name)}</text></g>'
        )
        x += 20 + len(s.name) * CHAR + 24
    return out


def _axis(left: float, right: float, top: float, bottom: float, peak: int) -> list[str]:
    """Vertical grid lines and their values (above the bars)."""
    step = _step(peak)
    out = []
    for tick in range(0, peak + 1, step):
        x = left + (right - left) * tick / peak
        out.append(
            f'<line x1="{x:.1f}" y1="{top:g}" x2="{x:.1f}" y2="{bottom:g}" stroke="{GRID}"/>'
            f'<text class="tick" x="{x:.1f}" y="{top - 5:g}" text-anchor="middle" '
            f'fill="#5b6677" font-size="12">{tick}</text>'
        )
    return out


def grouped_bar_chart(
    chart_id: str,
    title: str,
    labels: Sequence[str],
    series: Sequence[Series],
    *,
    description: str = "",
    marked: Collection[int] = (),
) -> Markup:
    """Horizontal bars: for each label one bar per series, side by side. Labels whose index
    is in `marked` are drawn in red and bold (say in `description` what that means)."""
    legend = len(series) > 1
    left = _label_width(labels, bold=bool(marked))
    right = WIDTH - 48  # room for the value after the longest bar
    top = (34 if legend else 8) + 18
    group = BAR * len(series) + GAP
    bottom = top + group * len(labels)
    peak = max((v for s in series for v in s.values), default=0) or 1
    body = _legend(series, left) if legend else []
    body += _axis(left, right, top, bottom, peak)
    for i, label in enumerate(labels):
        y = top + i * group + GAP / 2
        mark = i in marked
        colour = MARK if mark else INK
        weight = ' font-weight="700"' if mark else ""
        body.append(
            f'<text class="label" x="{left - 8:g}" y="{y + group / 2 - GAP / 2 + 5:g}" '
            f'text-anchor="end" fill="{colour}"{weight}><title>{_text(label)}</title>'
            f"{_text(_short(label))}</text>"
        )
        for k, s in enumerate(series):
            value = s.values[i]
            width = (right - left) * value / peak
            by = y + k * BAR
            body.append(
                f'<rect class="bar" x="{left:g}" y="{by:g}" width="{width:.1f}" '
                f'height="{BAR - 2}" fill="{PALETTE[k % len(PALETTE)]}">'
                f"<title>{_text(label)}: {_text(s.name)} {value}</title></rect>"
                f'<text class="value" x="{left + width + 4:.1f}" y="{by + BAR - 6:g}" '
                f'fill="{INK}" font-size="13">{value}</text>'
            )
    return _svg(chart_id, title, description, bottom + 4, body)


def bar_chart(
    chart_id: str,
    title: str,
    labels: Sequence[str],
    values: Sequence[int],
    *,
    name: str = "",
    description: str = "",
) -> Markup:
    """Horizontal bars, one per label."""
    return grouped_bar_chart(
        chart_id, title, labels, [Series(name, values)], description=description
    )


def funnel(
    chart_id: str,
    title: str,
    labels: Sequence[str],
    values: Sequence[int],
    *,
    description: str = "",
) -> Markup:
    """Stages as horizontal bars, each with its count and its share of the first stage."""
    left = _label_width(labels, bold=True)
    right = WIDTH - 110  # room for "1234 (100 %)"
    first = values[0] if values else 0
    peak = max(values, default=0) or 1
    row = BAR + 16
    body = []
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        y = 8 + i * row
        width = (right - left) * value / peak
        share = f" ({100 * value / first:.0f} %)" if first else ""
        body.append(
            f'<text class="label" x="{left - 8:g}" y="{y + BAR / 2 + 6:g}" text-anchor="end" '
            f'fill="{INK}" font-weight="600">{_text(label)}</text>'
            f'<rect class="bar" x="{left:g}" y="{y:g}" width="{width:.1f}" height="{BAR + 4}" '
            f'fill="{PALETTE[0]}" fill-opacity="{1 - 0.15 * i:.2f}">'
            f"<title>{_text(label)}: {value}{share}</title></rect>"
            f'<text class="value" x="{left + width + 6:.1f}" y="{y + BAR / 2 + 6:g}" '
            f'fill="{INK}">{value}{share}</text>'
        )
    return _svg(chart_id, title, description, 8 + row * len(labels), body)


def _heat(share: float) -> tuple[str, str]:
    """Fill and text colour of a cell used to `share` of its capacity (over 1: too full)."""
    if share > 1:
        return "#a3262a", "#ffffff"
    # from a pale to a deep blue, so that an empty slot still reads as a cell
    pale, deep = (239, 245, 251), (8, 69, 148)
    rgb = tuple(round(p + (d - p) * share) for p, d in zip(pale, deep, strict=True))
    return "#{:02x}{:02x}{:02x}".format(*rgb), ("#ffffff" if share > 0.55 else INK)


def heat_map(
    chart_id: str,
    title: str,
    rows: Sequence[str],
    columns: Sequence[str],
    used: Sequence[Sequence[int]],
    capacities: Sequence[int],
    *,
    description: str = "",
) -> Markup:
    """A row per capacity (tables, each interpreter language), a column per slot; each cell
    shows what is used, and is the darker the fuller (red over capacity)."""
    left = _label_width(rows)
    n = max(len(columns), 1)
    cell = (WIDTH - left - 4) / n
    header = 54 if cell < 44 else 26  # slot times slanted when cells are narrow
    height = 30
    body = []
    for j, column in enumerate(columns):
        x = left + j * cell + cell / 2
        if header > 26:
            body.append(
                f'<text class="column" x="{x:.1f}" y="{header - 6:g}" font-size="12" '
                f'fill="{INK}" transform="rotate(-45 {x:.1f} {header - 6:g})">{_text(column)}</text>'
            )
        else:
            body.append(
                f'<text class="column" x="{x:.1f}" y="{header - 8:g}" font-size="12" '
                f'fill="{INK}" text-anchor="middle">{_text(column)}</text>'
            )
    for i, (label, capacity) in enumerate(zip(rows, capacities, strict=True)):
        y = header + i * height
        body.append(
            f'<text class="label" x="{left - 8:g}" y="{y + height / 2 + 5:g}" '
            f'text-anchor="end" fill="{INK}">{_text(_short(label))}</text>'
        )
        for j, column in enumerate(columns):
            value = used[i][j]
            fill, ink = _heat(value / capacity if capacity else (2.0 if value else 0.0))
            x = left + j * cell
            body.append(
                f'<rect class="cell" x="{x:.1f}" y="{y:g}" width="{cell - 2:.1f}" '
                f'height="{height - 2}" fill="{fill}"><title>{_text(label)}, {_text(column)}: '
                f"{value} / {capacity}</title></rect>"
                f'<text x="{x + (cell - 2) / 2:.1f}" y="{y + height / 2 + 4:g}" '
                f'text-anchor="middle" font-size="12" fill="{ink}">{value}</text>'
            )
    return _svg(chart_id, title, description, header + height * len(rows) + 2, body)
