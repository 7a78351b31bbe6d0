"""Dates and time periods as they cross the Web API."""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from crm.api.formats import (
    DateFormatError,
    format_datetime,
    parse_datetime,
    time_overdue,
    time_to_completion,
)
from crm.timeperiods import TimePeriod, add_period, period_between


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.fixture
def nicosia(settings):
    settings.TIME_ZONE = "Europe/Nicosia"
    timezone.activate("Europe/Nicosia")
    yield
    timezone.deactivate()


def test_naive_dates_are_in_the_organisation_time_zone(nicosia):
    assert parse_datetime("2016-07-27T14:00:00") == utc(2016, 7, 27, 11, 0)
    assert format_datetime(utc(2016, 7, 27, 11, 0)) == "2016-07-27T14:00:00"


def test_offsets_and_z(nicosia):
    assert parse_datetime("2016-07-27T14:00:00Z") == utc(2016, 7, 27, 14, 0)
    assert parse_datetime("2016-07-27T14:00:00+01:00") == utc(2016, 7, 27, 13, 0)
    assert parse_datetime("2016-07-27T14:00:00-0130") == utc(2016, 7, 27, 15, 30)


def test_date_only_is_midnight():
    assert parse_datetime("2016-07-28") == utc(2016, 7, 28)
    assert format_datetime(utc(2016, 7, 28)) == "2016-07-28T00:00:00"


def test_output_has_no_fraction_or_zone():
    assert format_datetime(utc(2016, 7, 28, 13, 31, 40, 123456)) == "2016-07-28T13:31:40"
    assert format_datetime(None) is None


@pytest.mark.parametrize(
    "text",
    [
        "",
        "2016-7-27",
        "2016-07-27T14",
        "2016-13-01T00:00:00",
        "2016-07-27T14:00:00+25:00",
        "yesterday",
        "2016-07-27T14:00:00 UTC",
    ],
)
def test_bad_dates(text):
    with pytest.raises(DateFormatError):
        parse_datetime(text)


def test_local_time_skipped_by_daylight_saving_does_not_exist(nicosia):
    with pytest.raises(DateFormatError):
        parse_datetime("2024-03-31T03:30:00")


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (utc(2016, 7, 28, 13, 31, 40), utc(2016, 7, 30, 14, 0), TimePeriod(2, "DAYS")),
        (utc(2016, 7, 28, 13, 31, 40), utc(2016, 7, 31, 13, 31, 40), TimePeriod(3, "DAYS")),
        (utc(2024, 1, 1), utc(2024, 1, 15), TimePeriod(2, "WEEKS")),
        (utc(2024, 2, 1), utc(2024, 2, 29), TimePeriod(4, "WEEKS")),
        # Calendar months, consistent with add_period: Jan 31 + 1 month is Feb 29.
        (utc(2024, 1, 31), utc(2024, 2, 29), TimePeriod(1, "MONTHS")),
        (utc(2024, 3, 1), utc(2025, 2, 28), TimePeriod(11, "MONTHS")),
        (utc(2024, 2, 29), utc(2025, 2, 28), TimePeriod(1, "YEARS")),
        (utc(2024, 1, 1), utc(2024, 1, 1, 5, 59), TimePeriod(5, "HOURS")),
        (utc(2024, 1, 1), utc(2024, 1, 1, 0, 1, 59), TimePeriod(1, "MINUTES")),
    ],
)
def test_period_between_uses_the_largest_whole_unit(start, end, expected):
    assert period_between(start, end) == expected


def test_no_period_when_not_after():
    assert period_between(utc(2024, 1, 1), utc(2024, 1, 1)) is None
    assert period_between(utc(2024, 1, 2), utc(2024, 1, 1)) is None
    assert period_between(utc(2024, 1, 1), utc(2024, 1, 1, 0, 0, 59)) is None


@pytest.mark.parametrize(
    ("value", "uot", "expected"),
    [
        (3, "DAYS", utc(2016, 7, 30, 14, 0)),
        (90, "MINUTES", utc(2016, 7, 27, 15, 30)),
        (2, "WEEKS", utc(2016, 8, 10, 14, 0)),
        (1, "MONTHS", utc(2016, 8, 27, 14, 0)),
        (1, "YEARS", utc(2017, 7, 27, 14, 0)),
    ],
)
def test_add_period(value, uot, expected):
    assert add_period(utc(2016, 7, 27, 14, 0), value, uot) == expected


@pytest.mark.parametrize(
    ("value", "uot"), [(3, "DAYS"), (1, "WEEKS"), (5, "HOURS"), (2, "MONTHS"), (3, "YEARS")]
)
def test_measuring_an_added_period_gives_it_back(value, uot):
    start = utc(2024, 1, 31, 9, 30)
    assert period_between(start, add_period(start, value, uot)) == TimePeriod(value, uot)


def test_add_month_clamps_to_the_end_of_the_month():
    assert add_period(utc(2024, 1, 31), 1, "MONTHS") == utc(2024, 2, 29)


def test_time_to_completion_and_overdue():
    now = utc(2016, 7, 28, 13, 31, 40)
    expected = now + timedelta(days=3)
    assert time_to_completion(expected, now) == {"time_period_value": 3, "time_period_uot": "DAYS"}
    assert time_overdue(expected, True, now) == {"time_period_value": None, "time_period_uot": None}
    late = now - timedelta(hours=5)
    assert time_overdue(late, True, now) == {"time_period_value": 5, "time_period_uot": "HOURS"}
    assert time_overdue(late, False, now)["time_period_value"] is None
    assert time_to_completion(late, now)["time_period_value"] is None
    assert time_to_completion(None, now)["time_period_uot"] is None
