"""The priority matrix as a grid (issue 11): the standard levels and custom ones in use or on
request, saving changes, additions and deletions with their log entries, permissions, and
a cost that does not grow with the rules."""

from __future__ import annotations

from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django.contrib.auth.models import Permission
from django.contrib.messages import constants as message_levels
from django.db import connection
from django.test.utils import CaptureQueriesContext

from crm.models import User
from servicerequests import models as sm
from tests.admin.helpers import inline_code, shown_messages, url

# -- the priority matrix grid -------------------------------------------------------------------


def matrix_url(**query) -> str:
    base = url(sm.PriorityRule, "changelist")
    return base + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def grid_values(response) -> dict[tuple[str, str], str]:
    form = response.context["form"]
    return {form.cells[name]: form[name].value() for name in form.fields}


def grid_post(response, **cells) -> dict:
    """The grid's POST data as the page would send it, with ``cells`` changed."""
    form = response.context["form"]
    data = {}
    for name in form.fields:
        value = form[name].value() or ""
        data[name] = value
        data[f"initial-{name}"] = value
    data.update({f"cell-{cell}": value for cell, value in cells.items()})
    return data


def matrix() -> dict[tuple[str, str], str]:
    return {
        (rule.impact_level, rule.urgency_level): rule.priority
        for rule in sm.PriorityRule.objects.all()
    }


def test_the_grid_shows_the_standard_levels_with_their_priorities(staff_client):
    response = staff_client.get(matrix_url())

    assert response.status_code == 200
    form = response.context["form"]
    assert form.impacts == ["IMPACT1", "IMPACT2", "IMPACT3"]
    assert form.urgencies == ["URGENCY1", "URGENCY2", "URGENCY3"]
    assert grid_values(response) == matrix()
    assert grid_values(response)[("IMPACT2", "URGENCY3")] == "P4"
    html = response.content.decode()
    assert html.count("<select") == 9
    assert '<option value="P4" selected>P4</option>' in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert "Show custom levels" in html
    assert inline_code(html) == []


def test_the_grid_shows_custom_levels_in_use_or_when_asked(staff_client):
    sm.PriorityRule.objects.create(impact_level="CUSTOM2", urgency_level="URGENCY1", priority="P5")

    in_use = staff_client.get(matrix_url()).context["form"]
    assert in_use.impacts == ["IMPACT1", "IMPACT2", "IMPACT3", "CUSTOM2"]
    assert in_use.urgencies == ["URGENCY1", "URGENCY2", "URGENCY3"]

    everything = staff_client.get(matrix_url(custom=1))
    assert len(everything.context["form"].impacts) == 8
    assert len(everything.context["form"].urgencies) == 8
    assert everything.content.decode().count("<select") == 64


def test_saving_the_grid_changes_a_cell_and_records_it(staff_client, superuser):
    before = matrix()
    page = staff_client.get(matrix_url())

    response = staff_client.post(
        matrix_url(), grid_post(page, **{"IMPACT2-URGENCY3": "P1"}), follow=True
    )

    assert response.redirect_chain == [(matrix_url(), 302)]
    assert matrix() == {**before, ("IMPACT2", "URGENCY3"): "P1"}
    (entry,) = LogEntry.objects.filter(content_type__model="priorityrule")
    rule = sm.PriorityRule.objects.get(impact_level="IMPACT2", urgency_level="URGENCY3")
    assert (entry.action_flag, entry.object_id, entry.user) == (CHANGE, str(rule.pk), superuser)
    assert entry.change_message == "Changed priority from P4 to P1."
    assert shown_messages(response) == [
        (
            message_levels.SUCCESS,
            "The priority matrix was saved: IMPACT2 x URGENCY3 changed from P4 to P1.",
        )
    ]


def test_saving_the_grid_adds_and_deletes_rules(staff_client):
    before = matrix()
    page = staff_client.get(matrix_url(custom=1))
    cells = {"IMPACT1-URGENCY1": "", "CUSTOM1-URGENCY2": "P3"}

    response = staff_client.post(matrix_url(custom=1), grid_post(page, **cells))

    assert response.status_code == 302
    expected = {**before, ("CUSTOM1", "URGENCY2"): "P3"}
    del expected[("IMPACT1", "URGENCY1")]
    assert matrix() == expected
    entries = LogEntry.objects.filter(content_type__model="priorityrule")
    assert sorted((e.action_flag, e.object_repr) for e in entries) == [
        (ADDITION, "CUSTOM1 x URGENCY2 = P3"),
        (DELETION, "IMPACT1 x URGENCY1 = P1"),
    ]


def test_saving_the_grid_unchanged_changes_nothing(staff_client):
    before = matrix()
    page = staff_client.get(matrix_url())
    response = staff_client.post(matrix_url(), grid_post(page), follow=True)
    assert matrix() == before
    assert not LogEntry.objects.exists()
    assert shown_messages(response) == [
        (message_levels.INFO, "No cell of the priority matrix changed.")
    ]


def test_saving_the_grid_keeps_a_cell_someone_else_changed_meanwhile(staff_client):
    page = staff_client.get(matrix_url())
    sm.PriorityRule.objects.filter(impact_level="IMPACT3", urgency_level="URGENCY3").update(
        priority="P1"
    )
    staff_client.post(matrix_url(), grid_post(page, **{"IMPACT1-URGENCY2": "P3"}))
    current = matrix()
    assert current[("IMPACT3", "URGENCY3")] == "P1"
    assert current[("IMPACT1", "URGENCY2")] == "P3"


def test_a_bad_priority_is_a_form_error(staff_client):
    before = matrix()
    page = staff_client.get(matrix_url())
    response = staff_client.post(matrix_url(), grid_post(page, **{"IMPACT1-URGENCY1": "P9"}))
    assert response.status_code == 200
    assert "P9 is not one of the available choices" in response.content.decode()
    assert matrix() == before


def _staff_with(*codenames: str) -> User:
    user = User.objects.create_user("matrixeditor", password="x-Long-passw0rd", is_staff=True)
    user.user_permissions.set(
        Permission.objects.filter(content_type__app_label="servicerequests", codename__in=codenames)
    )
    return user


def test_a_viewer_sees_the_grid_but_cannot_save_it(client, demo_data):
    before = matrix()
    client.force_login(_staff_with("view_priorityrule"))
    page = client.get(matrix_url())
    assert page.status_code == 200
    html = page.content.decode()
    assert "<select" not in html
    assert 'name="_save"' not in html
    assert grid_values(page) == before

    response = client.post(matrix_url(), grid_post(page, **{"IMPACT1-URGENCY1": "P5"}))

    assert response.status_code == 403
    assert matrix() == before
    assert not LogEntry.objects.exists()


def test_without_any_permission_the_grid_is_refused(client, demo_data):
    client.force_login(_staff_with())
    assert client.get(matrix_url()).status_code == 403


def test_filling_an_empty_cell_needs_the_add_permission(client, demo_data):
    before = matrix()
    client.force_login(_staff_with("view_priorityrule", "change_priorityrule"))
    page = client.get(matrix_url(custom=1))

    response = client.post(matrix_url(custom=1), grid_post(page, **{"CUSTOM1-CUSTOM1": "P5"}))

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "You may not add priority rules: leave the empty cells empty."
    ]
    assert matrix() == before

    response = client.post(matrix_url(), grid_post(page, **{"IMPACT1-URGENCY1": "P5"}))
    assert response.status_code == 302
    assert matrix()[("IMPACT1", "URGENCY1")] == "P5"


def test_the_rules_are_still_listed_one_link_away(staff_client):
    list_url = url(sm.PriorityRule, "list")
    assert list_url in staff_client.get(matrix_url()).content.decode()
    response = staff_client.get(list_url, {"priority__exact": "P3"})
    assert response.status_code == 200
    assert response.context["cl"].result_count == 3


def test_the_grid_costs_the_same_with_custom_rules(staff_client):
    staff_client.get(matrix_url(custom=1))
    with CaptureQueriesContext(connection) as few:
        staff_client.get(matrix_url(custom=1))
    sm.PriorityRule.objects.bulk_create(
        sm.PriorityRule(impact_level=f"CUSTOM{i}", urgency_level=f"CUSTOM{j}", priority="P5")
        for i in range(1, 6)
        for j in range(1, 6)
    )
    with CaptureQueriesContext(connection) as many:
        staff_client.get(matrix_url(custom=1))
    assert len(many) == len(few)
