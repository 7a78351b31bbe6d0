"""The request queue's bulk form (issue 11, items 2 and 3): a Django form with nothing
chosen in advance; an unknown action, user or group is an error shown as a message and
changes nothing; the checkboxes belong to the form outside the refreshed table, which
offers a select-all box; Enter in a checkbox (the form's hidden default button) does
nothing; the redirect goes back through safe_next."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from crm.models import User
from servicerequests import models as sm
from servicerequests.forms import BULK_LIMIT
from tests.pages.pagetools import messages_of, opening_tag
from tests.servicerequests.helpers import S, make_sr

pytestmark = pytest.mark.django_db

BACK = "/requests/queue/pending/?sort=number"


def snapshot(rows) -> list[dict]:
    """Every column and event of ``rows``: a refused bulk action leaves them as they were."""
    found = sm.ServiceRequest.objects.filter(pk__in=[r.pk for r in rows]).order_by("pk")
    return [
        {
            "row": {f.attname: getattr(sr, f.attname) for f in sm.ServiceRequest._meta.fields},
            "events": list(sr.events.values()),
        }
        for sr in found
    ]


def select_of(page: str, name: str) -> str:
    """The bulk form's select ``name`` (the filter form has a group and others too)."""
    match = re.search(
        rf'<select name="{name}"[^>]*id="bulk-{name}"[^>]*>(.*?)</select>', page, re.S
    )
    assert match, f"no select {name}"
    return match.group(0)


def test_nothing_is_chosen_in_advance(admin_client):
    make_sr()
    page = admin_client.get(reverse("sr-queue", args=["pending"])).content.decode()
    operation = select_of(page, "operation")
    assert re.findall(r'<option value="([^"]*)"', operation) == [
        "",
        "assign_user",
        "assign_group",
        "cancel",
    ]
    assert '<option value="" selected>Choose an action…</option>' in operation
    user = select_of(page, "user")
    assert '<option value="" selected>Choose a user…</option>' in user
    assert user.count(" selected>") == 1  # the empty choice, no user
    assert User.objects.get(username="MPAdministrator").display_name in user
    group = select_of(page, "group")
    assert '<option value="" selected>Choose a group…</option>' in group
    assert group.count(" selected>") == 1


def test_the_checkboxes_belong_to_the_bulk_form_outside_the_refreshed_table(admin_client):
    sr = make_sr()
    page = admin_client.get(reverse("sr-queue", args=["pending"])).content.decode()
    table = page[page.index('<div id="queue"') :]
    assert 'id="bulk-form"' not in table  # the 30-second refresh leaves the form alone
    box = opening_tag(page, rf'<input type="checkbox" name="selected" value="{sr.number}"')
    assert f'id="select-{sr.number}"' in box  # htmx keeps the focus on it across a refresh
    assert 'form="bulk-form"' in box
    assert f'aria-label="Select {sr.number}"' in box
    everything = opening_tag(page, r'<input type="checkbox" id="select-all"')
    assert 'aria-label="Select all on this page"' in everything
    assert "name=" not in everything  # a helper for the script; it sends nothing
    assert '<span class="bulk__count" id="bulk-count" aria-live="polite" hidden></span>' in page
    # The form's default button comes first: Enter in a checkbox "clicks" it, not Apply.
    form = page[page.index('<form method="post" action="/requests/bulk/"') :]
    buttons = re.findall(r"<button[^>]*>", form)
    assert buttons[0] == (
        '<button type="submit" name="implicit" value="1" hidden aria-hidden="true" tabindex="-1">'
    )
    assert buttons[1] == '<button type="submit" class="button">'
    # The refresh asks for the table alone: no bulk form in it.
    partial = admin_client.get(
        reverse("sr-queue", args=["pending"]), HTTP_HX_REQUEST="true"
    ).content.decode()
    assert partial.lstrip().startswith('<div id="queue"')
    assert 'bulk-form"' not in partial.replace('form="bulk-form"', "")


def test_enter_in_a_checkbox_without_javascript_changes_nothing(admin_client, demo):
    """What a browser sends for Enter in a checkbox: the hidden default button's name, and
    whatever the form holds. The answer keeps the page as it is."""
    rows = [make_sr(), make_sr()]
    before = snapshot(rows)
    response = admin_client.post(
        reverse("sr-bulk"),
        {
            "implicit": "1",
            "selected": [r.number for r in rows],
            "operation": "assign_user",
            "user": demo["agent"].pk,
            "next": BACK,
        },
    )
    assert response.status_code == 204
    assert snapshot(rows) == before


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"operation": "delete"}, "Choose one of the actions in the list."),
        ({"operation": ""}, "Choose an action."),
        ({"user": "no-such-user"}, "That user is unknown or not active."),
        ({"user": ""}, "Choose the user to assign the requests to."),
        ({"operation": "assign_group", "group": "no-such-group"}, "That group is unknown."),
        ({"operation": "assign_group"}, "Choose the group to give the requests to."),
        ({"selected": []}, "Select at least one request."),
    ],
)
def test_an_unknown_choice_is_an_error_and_changes_nothing(admin_client, demo, change, message):
    rows = [make_sr(), make_sr()]
    before = snapshot(rows)
    form = {
        "selected": [r.number for r in rows],
        "operation": "assign_user",
        "user": demo["agent"].pk,
        "next": BACK,
        **change,
    }
    response = admin_client.post(reverse("sr-bulk"), form)
    assert response["Location"] == BACK  # back through safe_next, to the queue it came from
    assert snapshot(rows) == before
    page = admin_client.get(BACK).content.decode()
    assert messages_of(page) == [("error", message)]


def test_an_inactive_user_is_unknown(admin_client, demo):
    sr = make_sr()
    User.objects.filter(pk=demo["agent"].pk).update(is_active=False)
    before = snapshot([sr])
    response = admin_client.post(
        reverse("sr-bulk"),
        {"selected": sr.number, "operation": "assign_user", "user": demo["agent"].pk},
        follow=True,
    )
    assert messages_of(response.content.decode()) == [
        ("error", "That user is unknown or not active.")
    ]
    assert snapshot([sr]) == before


def test_at_most_100_requests_at_a_time(admin_client, demo):
    sr = make_sr()
    before = snapshot([sr])
    numbers = [sr.number, *(f"SR9{i:07d}" for i in range(BULK_LIMIT))]
    response = admin_client.post(
        reverse("sr-bulk"),
        {"selected": numbers, "operation": "assign_user", "user": demo["agent"].pk},
        follow=True,
    )
    assert messages_of(response.content.decode()) == [
        ("error", "Select at most 100 requests at a time.")
    ]
    assert snapshot([sr]) == before


def test_a_selection_nobody_can_see_changes_nothing(admin_client, demo):
    response = admin_client.post(
        reverse("sr-bulk"),
        {"selected": ["SR99999999"], "operation": "assign_user", "user": demo["agent"].pk},
        follow=True,
    )
    assert messages_of(response.content.decode()) == [
        ("error", "None of the selected requests could be found.")
    ]


def test_a_get_goes_to_the_queue(admin_client):
    response = admin_client.get(reverse("sr-bulk"))
    assert response["Location"] == reverse("sr-queue-default")


def test_the_pending_requests_cancel_and_the_others_say_why(admin_client):
    pending, responded = make_sr(), make_sr(S.RESPONDED)
    before = snapshot([responded])
    response = admin_client.post(
        reverse("sr-bulk"),
        {"selected": [pending.number, responded.number], "operation": "cancel", "confirmed": "1"},
        follow=True,
    )
    assert messages_of(response.content.decode()) == [
        ("success", "1 request updated."),
        (
            "error",
            f"{responded.number}: Cancel is not allowed for {responded.number} in state RESPONDED.",
        ),
    ]
    assert sm.ServiceRequest.objects.get(pk=pending.pk).life_cycle_state == S.CANCELLED
    assert snapshot([responded]) == before
