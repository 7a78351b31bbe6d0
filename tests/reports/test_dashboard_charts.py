"""The dashboard's chart geometry (reports.charts): value axes that fit their numbers, bars in
proportion, stacked bars on one another, labels that never crowd, and no bar for nothing."""

from __future__ import annotations

import pytest

from reports import charts
from reports.charts import Point, Series

ONE = (Series("Open", "open"),)
TWO = (Series("Met", "met"), Series("Missed", "missed"))


@pytest.mark.parametrize(
    ("value", "axis"),
    [(0, (1, 1)), (3, (3, 1)), (4, (4, 1)), (5, (6, 2)), (35, (40, 10)), (41, (60, 20)),
     (99, (100, 50)), (1234, (1500, 500)), (999_999, (1_000_000, 500_000))],
)  # fmt: skip
def test_the_value_axis_ends_just_above_the_largest_number(value, axis):
    assert charts.scale(value) == axis


def test_horizontal_bars_are_in_proportion_and_link_to_their_queue():
    points = [Point("P1", (10,), ("/p1",)), Point("P2", (40,), ("/p2",))]
    chart = charts.rows(points, ONE)
    plot = chart.plot_right - chart.plot_left
    assert [(bar.width, bar.href, bar.title) for bar in chart.bars] == [
        (round(plot / 4, 1), "/p1", "P1: 10 open"),
        (plot, "/p2", "P2: 40 open"),
    ]
    assert [label.text for label in chart.labels] == ["P1", "P2"]
    assert [tick.text for tick in chart.grid] == ["0", "10", "20", "30", "40"]


def test_stacked_bars_stand_on_one_another_and_nothing_is_not_drawn():
    points = [Point("w1", (3, 1), (None, None)), Point("w2", (0, 2), (None, None))]
    chart = charts.columns(points, TWO, stacked=True)
    met, missed, second = chart.bars
    assert met.y + met.height == chart.plot_bottom
    assert missed.y + missed.height == pytest.approx(met.y, abs=0.1)
    assert met.height == pytest.approx(3 * missed.height, abs=0.2)
    assert (second.css, second.title) == ("missed", "w2: 2 missed")  # w2's 0 met: no bar
    assert second.height == pytest.approx(2 * missed.height, abs=0.2)


def test_thirty_days_of_labels_do_not_crowd():
    points = [Point(f"{day} Nov", (day, 1), (None, None)) for day in range(1, 31)]
    chart = charts.columns(points, TWO)
    assert len(chart.bars) == 60
    assert [label.text for label in chart.labels] == [
        "1 Nov", "6 Nov", "11 Nov", "16 Nov", "21 Nov", "26 Nov",
    ]  # fmt: skip
    assert all(bar.x + bar.width <= chart.plot_right for bar in chart.bars)
