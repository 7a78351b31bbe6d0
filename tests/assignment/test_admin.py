"""The assignment policy and member settings on the CRM group's admin page: they render,
save, and refuse a cap below one and a user outside the group."""

from __future__ import annotations

import pytest

from assignment.models import AssignmentPolicy, GroupPolicy, MemberSetting
from crm.models import Group
from tests.admin.helpers import add_inline_row, errors_of, form_data, inline_formset, url

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client, users):
    client.force_login(users["MPAdministrator"])
    return client


def group_page(client, group):
    page = client.get(url(Group, "change", group.pk))
    assert page.status_code == 200
    return page, form_data(page)


def add_member_row(page, data, user, cap="", available=True) -> None:
    values = {"user": user.pk, "cap": cap}
    if available:
        values["available"] = "on"
    add_inline_row(data, inline_formset(page, MemberSetting), values)


def test_the_group_pages_show_the_policy_and_member_settings(staff_client, team):
    page, _ = group_page(staff_client, team)
    policy = inline_formset(page, GroupPolicy)
    assert policy.forms[0].initial["assignment_policy"] == AssignmentPolicy.ROUND_ROBIN
    assert list(inline_formset(page, MemberSetting).forms) == []
    html = page.content.decode()
    assert "Assignment policy" in html
    assert "Member settings" in html
    add = staff_client.get(url(Group, "add"))
    assert add.status_code == 200
    assert inline_formset(add, GroupPolicy).forms[0].initial == {}


def test_saving_the_policy_and_a_member_setting(staff_client, team, users):
    page, data = group_page(staff_client, team)
    data[f"{inline_formset(page, GroupPolicy).prefix}-0-assignment_policy"] = "LEAST_OPEN"
    add_member_row(page, data, users["field1"], cap="3", available=False)
    response = staff_client.post(url(Group, "change", team.pk), data)
    assert response.status_code == 302, errors_of(response)
    assert GroupPolicy.objects.get(group=team).assignment_policy == "LEAST_OPEN"
    setting = MemberSetting.objects.get(group=team)
    assert (setting.user, setting.cap, setting.available) == (users["field1"], 3, False)


@pytest.mark.parametrize(
    ("username", "cap", "error"),
    [
        ("field1", "0", "Ensure this value is greater than or equal to 1."),
        ("MPAdministrator", "", "MPAdministrator is not a member of Field Team."),
    ],
)
def test_a_cap_below_one_and_a_stranger_are_refused(
    staff_client, team, users, username, cap, error
):
    page, data = group_page(staff_client, team)
    add_member_row(page, data, users[username], cap=cap)
    response = staff_client.post(url(Group, "change", team.pk), data)
    assert error in errors_of(response)
    assert not MemberSetting.objects.exists()
