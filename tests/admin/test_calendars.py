"""Setting up service levels in the admin (contract section 8): a business calendar from
nothing, its windows checked, its cached arithmetic renewed on save; the clock effect of a
status and the rules that keep stored clocks true."""

from __future__ import annotations

from datetime import datetime, time

import pytest

from servicerequests import models as sm
from sla.calendars import calendar_of
from sla.models import BusinessCalendar
from tests.admin.helpers import (
    add_inline_row,
    add_page_data,
    errors_of,
    form_data,
    has_error,
    inline_formset,
    new_service_request,
    url,
)

pytestmark = pytest.mark.django_db
UTC = datetime.fromisoformat("2026-12-07T00:00:00+00:00").tzinfo


def windows_of(calendar) -> list[tuple[int, time, time]]:
    return list(
        calendar.windows.order_by("weekday", "start").values_list("weekday", "start", "end")
    )


def test_a_new_calendar_proposes_office_hours_and_saves_them(staff_client):
    page, data = add_page_data(staff_client, BusinessCalendar)
    formset = inline_formset(page, BusinessCalendar.windows.rel.related_model)
    assert [form.initial["weekday"] for form in formset.forms] == [0, 1, 2, 3, 4]
    data.update(name="Support desk", time_zone="Europe/Athens")

    response = staff_client.post(url(BusinessCalendar, "add"), data)

    assert response.status_code == 302, errors_of(response)
    calendar = BusinessCalendar.objects.get(name="Support desk")
    assert windows_of(calendar) == [(day, time(9), time(17)) for day in range(5)]
    # Athens is UTC+2 in December: 09:00 local is 07:00 UTC.
    monday = datetime.fromisoformat("2026-12-07T07:00:00+00:00")
    assert calendar_of(calendar).is_working(monday)


def _change_data(client, calendar):
    page = client.get(url(BusinessCalendar, "change", calendar.pk))
    return page, form_data(page)


def office() -> BusinessCalendar:
    return BusinessCalendar.objects.get(name="Office hours")


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        ("22:00", "02:00", "midnight"),
        ("16:00", "18:00", "overlap"),
    ],
)
def test_a_window_crossing_midnight_or_overlapping_is_refused(staff_client, start, end, message):
    calendar = office()
    before = windows_of(calendar)
    page, data = _change_data(staff_client, calendar)
    formset = inline_formset(page, calendar.windows.model)
    add_inline_row(data, formset, {"weekday": "0", "start": start, "end": end})

    response = staff_client.post(url(BusinessCalendar, "change", calendar.pk), data)

    assert any(message in text.lower() for text in errors_of(response)), errors_of(response)
    assert windows_of(calendar) == before


def test_a_calendar_without_windows_is_refused(staff_client):
    page, data = add_page_data(staff_client, BusinessCalendar)
    data.update(name="Empty", time_zone="UTC")
    data[f"{inline_formset(page, office().windows.model).prefix}-TOTAL_FORMS"] = "0"
    response = staff_client.post(url(BusinessCalendar, "add"), data)
    assert has_error(response, "at least one working window")
    assert not BusinessCalendar.objects.filter(name="Empty").exists()


def test_a_saved_change_reaches_the_arithmetic_at_once(staff_client):
    calendar = office()
    saturday = datetime.fromisoformat("2026-12-05T10:00:00+00:00")
    assert not calendar_of(calendar).is_working(saturday)
    page, data = _change_data(staff_client, calendar)
    formset = inline_formset(page, calendar.windows.model)
    add_inline_row(data, formset, {"weekday": "5", "start": "09:00", "end": "13:00"})

    response = staff_client.post(url(BusinessCalendar, "change", calendar.pk), data)

    assert response.status_code == 302, errors_of(response)
    assert calendar_of(BusinessCalendar.objects.get(pk=calendar.pk)).is_working(saturday)


def test_the_calendar_lists_the_types_using_it(staff_client):
    page = staff_client.get(url(BusinessCalendar, "change", office().pk)).content.decode()
    assert "On-site Repair" in page


# -- clock effects -------------------------------------------------------------------------------


def _status_post(client, status, **changes):
    data = form_data(client.get(url(sm.ServiceRequestStatus, "change", status.pk)))
    data.update(changes)
    return client.post(url(sm.ServiceRequestStatus, "change", status.pk), data)


def test_the_clock_effect_of_a_status_open_requests_hold_cannot_change(staff_client):
    on_hold = sm.ServiceRequestStatus.objects.get(name="On Hold")
    new_service_request(status=on_hold)

    response = _status_post(staff_client, on_hold, clock_effect="RUN")

    assert has_error(response, "1 open request is in this status")
    assert sm.ServiceRequestStatus.objects.get(pk=on_hold.pk).clock_effect == "PAUSE"


def test_the_clock_effect_of_an_unused_status_changes(staff_client):
    waiting = sm.ServiceRequestStatus.objects.get(name="Waiting for Customer")
    response = _status_post(staff_client, waiting, clock_effect="PAUSE")
    assert response.status_code == 302, errors_of(response)
    assert sm.ServiceRequestStatus.objects.get(pk=waiting.pk).clock_effect == "PAUSE"


@pytest.mark.parametrize(
    ("name", "effect", "message"),
    [
        ("Completed", "PAUSE", "A status of a closed state stops the clock."),
        ("Pending", "STOP", "A status of an open state runs or pauses the clock"),
    ],
)
def test_a_clock_effect_that_contradicts_the_state_is_refused(staff_client, name, effect, message):
    status = sm.ServiceRequestStatus.objects.get(name=name)
    before = status.clock_effect
    response = _status_post(staff_client, status, clock_effect=effect)
    assert has_error(response, message)
    assert sm.ServiceRequestStatus.objects.get(pk=status.pk).clock_effect == before


def test_a_new_closed_status_stops_the_clock_without_being_told(staff_client):
    _page, data = add_page_data(staff_client, sm.ServiceRequestStatus)
    data.update(name="Closed as duplicate", life_cycle_state="COMPLETED")
    response = staff_client.post(url(sm.ServiceRequestStatus, "add"), data)
    assert response.status_code == 302, errors_of(response)
    assert sm.ServiceRequestStatus.objects.get(name="Closed as duplicate").clock_effect == "STOP"
