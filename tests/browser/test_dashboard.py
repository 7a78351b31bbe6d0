"""The dashboard in headless Chromium (contract section 9): the charts drawn with nothing
fetched from outside the application, a tile that opens its queue with the same count, and a
chart's CSV with the numbers of its table."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.browser.conftest import assert_labelled, shot, sign_in
from tests.conftest import demo_rows
from tests.reports.helpers import dataset

pytestmark = pytest.mark.live


def table_of(page, slug: str) -> list[list[str]]:
    """A chart's table as its rows of cells, opened first (it sits in a <details>)."""
    card = page.locator(f"#chart-{slug}")
    card.locator("summary").click()
    rows = card.locator("tbody tr")
    return [
        [cell.strip() for cell in rows.nth(i).locator("th, td").all_inner_texts()]
        for i in range(rows.count())
    ]


def test_the_dashboard_draws_everything_from_the_application(site, page, screenshots):
    dataset(demo_rows())
    fetched = []
    page.on("request", lambda request: fetched.append(request.url))
    sign_in(page, site, "agent")
    page.get_by_role("link", name="Dashboard").click()
    page.wait_for_url("**/dashboard/")
    page.wait_for_load_state("networkidle")

    assert page.get_by_role("heading", level=1).inner_text() == "Dashboard"
    charts = page.locator(".chart__svg")
    assert charts.count() == 5
    # A bar for each number that is not 0: today's created and the completed one; P1, P2,
    # no priority; three ages; a week's met and missed; two agents' open, one's at risk.
    bars = [charts.nth(i).locator("rect.bar").count() for i in range(5)]
    assert bars == [2, 3, 3, 2, 3]
    assert re.search(r"Numbers as of \d\d:\d\d:\d\d, refreshed every 60 s", page.inner_text("main"))
    host = urlsplit(site).netloc
    assert fetched
    assert {urlsplit(url).netloc for url in fetched} == {host}, fetched
    assert_labelled(page)
    shot(page, screenshots, "dashboard")


def test_a_tile_opens_its_queue_with_the_same_count(site, page):
    dataset(demo_rows())
    sign_in(page, site, "agent")
    page.goto(site + "/dashboard/")
    tile = page.locator("#tile-breached")
    count = tile.locator(".tile__value").inner_text()
    assert count == "2"
    tile.click()
    page.wait_for_url("**/requests/queue/breached/")
    assert page.locator("#queue-total").inner_text() == f"{count} requests"


def test_a_charts_csv_has_the_numbers_of_its_table(site, page):
    dataset(demo_rows())
    sign_in(page, site, "agent")
    page.goto(site + "/dashboard/")
    shown = table_of(page, "priority")
    with page.expect_download() as download:
        page.locator("#chart-priority").get_by_role("link", name="Download CSV").click()
    text = Path(download.value.path()).read_text(encoding="utf-8")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["priority", "open"]
    assert [row[1] for row in rows[1:]] == [cells[1] for cells in shown]
    assert [row[0] or "No priority" for row in rows[1:]] == [cells[0] for cells in shown]
    assert shown == [["P1", "1"], ["P2", "2"], ["No priority", "2"]]
