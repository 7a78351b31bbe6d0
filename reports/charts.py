"""Chart geometry for the dashboard, drawn as SVG by the server (templates/reports/includes/
chart.html): no chart library, nothing fetched, and every bar a link like the table's numbers.

The page's Content-Security-Policy allows no inline style, so a chart is positions and sizes
(SVG attributes) and a class per series (colours live in static/css/crm.css).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

# The drawing's own units; the page scales it to the card (about 400 to 560 pixels wide).
WIDTH = 480
HEIGHT = 220
# Room for the value axis' labels (left) and the category labels (bottom).
LEFT, RIGHT, TOP, BOTTOM = 40, 8, 10, 34
# A horizontal chart's label column and the height of one category's band.
LABEL_WIDTH, ROW_HEIGHT = 120, 26
TICKS = 4
# At most this many category labels under vertical bars: "29 Nov" needs about 40 units.
LABELS = 7


@dataclass(frozen=True)
class Series:
    """One kind of number drawn in every category: its name (legend) and CSS modifier."""

    name: str
    css: str


@dataclass(frozen=True)
class Point:
    """One number of a chart: the category it belongs to, its value and the queue link."""

    category: str
    values: tuple[int, ...]
    hrefs: tuple[str | None, ...]


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    css: str
    href: str | None
    title: str


@dataclass(frozen=True)
class Label:
    """A text at (x, y); for a grid line's value, ``line`` is where its line is drawn (a y,
    or an x on a horizontal chart)."""

    x: float
    y: float
    text: str
    line: float = 0.0


@dataclass
class Chart:
    """What the template draws: the SVG's size, the bars, the value axis' grid lines with
    their labels, the category labels and the legend."""

    horizontal: bool
    width: float
    height: float
    bars: list[Bar] = field(default_factory=list)
    grid: list[Label] = field(default_factory=list)
    labels: list[Label] = field(default_factory=list)
    series: tuple[Series, ...] = ()
    plot_left: float = LEFT
    plot_right: float = WIDTH - RIGHT
    plot_top: float = TOP
    plot_bottom: float = HEIGHT - BOTTOM


def scale(value: int) -> tuple[int, int]:
    """The value axis for numbers up to ``value``: its top and the step between grid lines,
    a step of 1, 2 or 5 times a power of ten, at most TICKS of them, the top as close
    above ``value`` as those allow (41: 0, 20, 40, 60; never 0 to 80)."""
    value = max(value, 1)
    power = 1
    while True:
        for factor in (1, 2, 5):
            step = factor * power
            if math.ceil(value / step) <= TICKS:
                return step * math.ceil(value / step), step
        power *= 10


def _bar(x: float, y: float, width: float, height: float, s: Series, point: Point, j: int):
    """The ``j``-th number of ``point`` as a bar, its title saying what it counts."""
    title = f"{point.category}: {point.values[j]:,} {s.name.lower()}"
    return Bar(_r(x), _r(y), _r(width), _r(height), s.css, point.hrefs[j], title)


def columns(points: list[Point], series: tuple[Series, ...], *, stacked: bool = False) -> Chart:
    """Vertical bars, one band per category (side by side, or ``stacked``); with many
    categories (30 days) only every few labels are written, so that they never overlap."""
    chart = Chart(False, WIDTH, HEIGHT, series=series)
    totals = [sum(p.values) if stacked else max(p.values, default=0) for p in points]
    top, step = scale(max(totals, default=0))
    plot_w, plot_h = chart.plot_right - chart.plot_left, chart.plot_bottom - chart.plot_top
    _value_grid(chart, top, step, vertical=False)
    band = plot_w / max(len(points), 1)
    every = max(1, math.ceil(len(points) / LABELS))
    per_band = 1 if stacked else len(series)
    bar_w = band * 0.8 / per_band
    for i, point in enumerate(points):
        left = chart.plot_left + i * band + band * 0.1
        base = chart.plot_bottom
        for j, (s, value) in enumerate(zip(series, point.values, strict=True)):
            if not value:  # nothing to draw, and no invisible link to tab through
                continue
            h = plot_h * value / top
            x = left if stacked else left + j * bar_w
            y = base - h if stacked else chart.plot_bottom - h
            chart.bars.append(_bar(x, y, bar_w, h, s, point, j))
            if stacked:
                base -= h
        if i % every == 0:
            chart.labels.append(Label(left + band * 0.4, chart.plot_bottom + 16, point.category))
    return chart


def rows(points: list[Point], series: tuple[Series, ...]) -> Chart:
    """Horizontal bars, one band per category (priorities, agents), its label on the left;
    the chart grows with the categories instead of squeezing them."""
    height = TOP + BOTTOM + ROW_HEIGHT * max(len(points), 1)
    chart = Chart(True, WIDTH, height, series=series, plot_left=LABEL_WIDTH)
    chart.plot_bottom = height - BOTTOM
    top, step = scale(max((max(p.values, default=0) for p in points), default=0))
    plot_w = chart.plot_right - chart.plot_left
    _value_grid(chart, top, step, vertical=True)
    bar_h = ROW_HEIGHT * 0.8 / len(series)
    for i, point in enumerate(points):
        band_top = chart.plot_top + i * ROW_HEIGHT + ROW_HEIGHT * 0.1
        for j, (s, value) in enumerate(zip(series, point.values, strict=True)):
            if not value:
                continue
            w = plot_w * value / top
            y = band_top + j * bar_h
            chart.bars.append(_bar(chart.plot_left, y, w, bar_h, s, point, j))
        middle = band_top + ROW_HEIGHT * 0.4 + 4
        chart.labels.append(Label(chart.plot_left - 6, middle, _shorten(point.category)))
    return chart


def _value_grid(chart: Chart, top: int, step: int, *, vertical: bool) -> None:
    """A grid line, with its value, every ``step`` from 0 to ``top``."""
    for value in range(0, top + 1, step):
        share = value / top
        if vertical:
            x = _r(chart.plot_left + (chart.plot_right - chart.plot_left) * share)
            chart.grid.append(Label(x, chart.plot_bottom + 16, f"{value:,}", line=x))
        else:
            y = _r(chart.plot_bottom - (chart.plot_bottom - chart.plot_top) * share)
            chart.grid.append(Label(chart.plot_left - 6, y + 4, f"{value:,}", line=y))


def _r(value: float) -> float:
    """A coordinate to a tenth of a pixel: enough for the eye, short in the page."""
    return round(value, 1)


def _shorten(text: str, limit: int = 18) -> str:
    """A label that fits the label column; the table and the bar's title give it whole."""
    return text if len(text) <= limit else text[: limit - 1] + "…"
