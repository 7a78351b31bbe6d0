"""All requests (issue 13): every state, every filter of the one FilterSet with the browser's
date inputs, bad input named next to its filter, visibility, a constant number of queries;
and a filter another queue cannot hold moving the page to All requests, never lost."""

from __future__ import annotations

import html
import re
from datetime import datetime, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from customers.models import AccountsReceivable
from servicerequests import models as sm
from tests.conftest import clear_cache
from tests.servicerequests.helpers import S, make_sr
from tests.servicerequests.page_helpers import clone, error_next_to, rows_of
from tests.servicerequests.test_pages_query_counts import measure

pytestmark = pytest.mark.django_db

ALL = reverse("sr-queue", args=["all"])
NAV_COUNT = re.compile(r'<span>All requests</span>\s*<span class="count"[^>]*>(\d+)</span>')


def local(*parts) -> datetime:
    """A moment in the organisation's time zone, as the date inputs mean it."""
    return timezone.make_aware(datetime(*parts))


@pytest.fixture
def rows(demo) -> dict[str, sm.ServiceRequest]:
    """Four requests, each told apart by the filters: created 10 Jan, 20 Jan (09:00),
    5 Feb and 1 Mar 2026."""
    other = AccountsReceivable.objects.get(number="ACR001179")
    billing = sm.ServiceRequestCategory.objects.exclude(code="TECH").order_by("code").first()
    made = {
        "pending": make_sr(
            S.PENDING,
            priority="P1",
            assigned_to_user=demo["agent"],
            owned_by_group=demo["group"],
            expected_completion_date=local(2026, 2, 1, 10, 0),
        ),
        "responded": make_sr(S.RESPONDED, priority="P2", category=billing.code),
        "completed": make_sr(
            S.COMPLETED,
            priority="P3",
            completed_date=local(2026, 6, 15, 14, 0),
            expected_completion_date=local(2026, 2, 10, 8, 0),
        ),
        "cancelled": make_sr(
            S.CANCELLED,
            type=sm.ServiceRequestType.objects.get(name="Customer Complaint"),
            accounts_receivable=other,
            caller=other.owner,
        ),
    }
    created = {
        "pending": local(2026, 1, 10, 9, 0),
        "responded": local(2026, 1, 20, 9, 0),
        "completed": local(2026, 2, 5, 9, 0),
        "cancelled": local(2026, 3, 1, 9, 0),
    }
    for key, moment in created.items():
        sm.ServiceRequest.objects.filter(pk=made[key].pk).update(created_date=moment)
    for row in made.values():
        row.refresh_from_db()
    return made


def listed(client: Client, url: str) -> list[str]:
    response = client.get(url)
    assert response.status_code == 200, response.content[:300]
    return rows_of(response.content.decode())


def numbers(rows: dict, *keys: str) -> list[str]:
    """The numbers of ``keys``, as All requests lists them by number."""
    return sorted(rows[key].number for key in keys)


# -- every state, every filter ------------------------------------------------------------------


def test_all_requests_lists_every_state_newest_first(admin_client, rows):
    clear_cache()  # the navigation counts are cached per user for a few seconds
    page = admin_client.get(ALL).content.decode()
    assert "<h1>All requests</h1>" in page
    order = ["cancelled", "completed", "responded", "pending"]  # newest created first
    assert rows_of(page) == [rows[key].number for key in order]
    # The sidebar lists it with its count, like every queue.
    assert f'href="{ALL}"' in page
    assert NAV_COUNT.search(page).group(1) == "4"


def filter_cases(rows, demo) -> list[tuple[str, list[str]]]:
    cancel = sm.ServiceRequestStatus.objects.get(name="Cancel")
    other = rows["cancelled"].accounts_receivable
    return [
        ("state=CANCELLED", ["cancelled"]),
        ("state=PENDING&state=COMPLETED", ["pending", "completed"]),
        (f"status={cancel.pk}", ["cancelled"]),
        (f"type={rows['cancelled'].type_id}", ["cancelled"]),
        (f"category={rows['responded'].category_id}", ["responded"]),
        ("priority=P1&priority=P3", ["pending", "completed"]),
        ("sla_status=BREACHED", ["pending"]),
        (f"assignee={demo['agent'].pk}", ["pending"]),
        ("unassigned=true", ["responded", "completed", "cancelled"]),
        ("unassigned=false", ["pending"]),
        (f"group={demo['group'].pk}", ["pending"]),
        (f"account={other.pk}", ["cancelled"]),
        (f"caller={other.owner_id}", ["cancelled"]),
        # The date input's value: a "from" day from its start, a "to" day to its end.
        ("created_from=2026-01-20", ["responded", "completed", "cancelled"]),
        ("created_to=2026-01-20", ["pending", "responded"]),
        # The datetime-local input's value.
        ("created_from=2026-01-20T09:01", ["completed", "cancelled"]),
        ("created_from=2026-01-20T09:00&created_to=2026-02-05T09:00", ["responded", "completed"]),
        ("due_before=2026-02-01", ["pending"]),
        ("due_after=2026-02-01T10:01", ["completed"]),
        ("completed_from=2026-06-15", ["completed"]),
        ("completed_to=2026-06-14", []),
        ("completed_from=2026-06-15T14:00&completed_to=2026-06-15", ["completed"]),
        # ISO 8601 with an offset, as a link may carry it.
        ("created_to=2026-01-10T09:00:00%2B00:00", ["pending"] if _utc_before_local() else []),
    ]


def _utc_before_local() -> bool:
    """Whether 09:00 UTC on 10 Jan is at or after 09:00 there (the pending one's creation)."""
    return local(2026, 1, 10, 9, 0) <= datetime.fromisoformat("2026-01-10T09:00:00+00:00")


def test_every_filter_of_all_requests(admin_client, rows, demo):
    for query, keys in filter_cases(rows, demo):
        assert listed(admin_client, f"{ALL}?{query}&sort=number") == numbers(rows, *keys), query


def test_the_filter_panel_offers_every_filter_with_date_inputs(admin_client, rows):
    page = admin_client.get(ALL + "?created_from=2026-01-20").content.decode()
    for name in ("state", "status", "type", "category", "priority", "sla_status", "assignee"):
        assert f'name="{name}"' in page, name
    for name in ("Created", "Expected completion", "Completed", "Service level decided"):
        assert f"{name} from</label>" in page
        assert f"{name} to</label>" in page
    assert page.count('type="datetime-local"') == 8
    assert '<input type="hidden" name="account"' in page
    assert '<input type="hidden" name="caller"' in page
    assert '<option value="true">Unassigned only</option>' in page
    assert '<details class="filters" open>' in page  # a filter is set: the panel is open
    assert 'value="2026-01-20"' in page  # the value stays in its input


@pytest.mark.parametrize(
    ("query", "field", "error"),
    [
        (
            "created_from=yesterday",
            "created_from",
            "Enter a date (2026-12-01) or a date and time (2026-12-01T09:30).",
        ),
        (
            "created_to=2026-02-30",
            "created_to",
            "Enter a date (2026-12-01) or a date and time (2026-12-01T09:30).",
        ),
        ("due_before=0001-01-01", "due_before", "Enter a year from 1900 to 9998."),
        (
            "completed_from=99999-01-01T10:00",
            "completed_from",
            "Enter a date (2026-12-01) or a date and time (2026-12-01T09:30).",
        ),
        (
            "state=SHELVED",
            "state",
            "Select a valid choice. SHELVED is not one of the available choices.",
        ),
        (
            "assignee=NOBODY",
            "assignee",
            "Select a valid choice. That choice is not one of the available choices.",
        ),
    ],
)
def test_a_bad_filter_is_named_next_to_it_and_the_others_still_apply(
    admin_client, rows, query, field, error
):
    response = admin_client.get(f"{ALL}?{query}&priority=P1")
    assert response.status_code == 200
    page = response.content.decode()
    assert error_next_to(page, f"id_{field}") == error
    label = {"due_before": "Expected completion to"}.get(
        field, field.replace("_", " ").capitalize()
    )
    assert f"Filter ignored: {label}: {error}" in html.unescape(page)
    assert rows_of(page) == [rows["pending"].number]  # priority=P1 still applies


def test_a_to_before_its_from_is_refused_next_to_the_to(admin_client, rows):
    page = admin_client.get(
        f"{ALL}?created_from=2026-02-01&created_to=2026-01-01&sort=number"
    ).content.decode()
    assert error_next_to(page, "id_created_to") == "Must not be before created from."
    assert rows_of(page) == numbers(rows, "completed", "cancelled")


def test_an_unknown_status_id_matches_nothing(admin_client, rows):
    assert listed(admin_client, f"{ALL}?status=NOSUCHSTATUS") == []


def test_the_agent_does_not_see_a_restricted_request_in_all_requests(
    admin_client, agent_client, rows, demo
):
    restricted = make_sr(S.CANCELLED, privacy_level=demo["restricted"])
    assert restricted.number not in listed(agent_client, ALL)
    assert listed(agent_client, f"{ALL}?state=CANCELLED") == [rows["cancelled"].number]
    assert restricted.number in listed(admin_client, f"{ALL}?state=CANCELLED")
    clear_cache()  # the navigation counts are cached per user for a few seconds
    page = agent_client.get(ALL).content.decode()
    assert NAV_COUNT.search(page).group(1) == "4"


# -- a filter the queue cannot hold -------------------------------------------------------------


def moved(client: Client, slug: str, query: str) -> tuple[str, str]:
    """The address a queue page sends ``query`` to, and the page found there."""
    response = client.get(f"{reverse('sr-queue', args=[slug])}?{query}")
    assert response.status_code == 302, response.content[:300]
    page = client.get(response["Location"])
    return response["Location"], html.unescape(page.content.decode())


def test_pending_and_cancelled_moves_to_all_requests(admin_client, rows):
    url, page = moved(admin_client, "pending", "state=CANCELLED")
    assert url == f"{ALL}?state=CANCELLED"
    assert "Cancelled requests are not in Pending: showing All requests." in page
    assert "<h1>All requests</h1>" in page
    assert rows_of(page) == [rows["cancelled"].number]
    # The choice stays chosen in the filter panel.
    assert '<option value="CANCELLED" selected>' in page


def test_the_move_keeps_the_sort_and_the_other_filters_but_not_the_cursor(admin_client, rows):
    query = "state=PENDING&state=CANCELLED&priority=P1&sort=-number&after=abc"
    url, page = moved(admin_client, "pending", query)
    assert url == f"{ALL}?state=PENDING&state=CANCELLED&priority=P1&sort=-number"
    assert "Cancelled requests are not in Pending: showing All requests." in page
    assert rows_of(page) == [rows["pending"].number]


@pytest.mark.parametrize(
    ("slug", "query", "message", "keys"),
    [
        ("mine", "state=COMPLETED", "Completed requests are not in My queue", ["completed"]),
        (
            "mine",
            "state=PENDING&state=CANCELLED",
            "Cancelled requests are not in My queue",
            ["pending", "cancelled"],
        ),
        (
            "mine",
            "unassigned=true",
            "Requests with unassigned “Unassigned only” are not in My queue",
            ["responded", "completed", "cancelled"],
        ),
        (
            "unassigned",
            "assignee={agent}",
            "Requests with assignee “{name}” are not in Unassigned",
            ["pending"],
        ),
        (
            "unassigned",
            "state=CANCELLED&assignee={agent}",
            "Cancelled requests and requests with assignee “{name}” are not in Unassigned",
            [],
        ),
        (
            "my-groups",
            "group={other_group}",
            "Requests with group “Other” are not in My groups",
            [],
        ),
        (
            "recently-completed",
            "completed_from=2026-06-01",
            "Requests with completed from “2026-06-01 00:00” are not in Recently completed",
            ["completed"],
        ),
        (
            "at-risk",
            "sla_status=BREACHED",
            "Requests with service level “Breached” are not in At risk",
            ["pending"],
        ),
        (
            "awaiting-acceptance",
            "state=PENDING",
            "Pending requests are not in Awaiting customer acceptance",
            ["pending"],
        ),
        ("overdue", "state=CANCELLED", "Cancelled requests are not in Overdue", ["cancelled"]),
    ],
)
def test_a_filter_a_queue_cannot_hold_moves_to_all_requests(demo, rows, slug, query, message, keys):
    client = Client()
    client.force_login(demo["agent"])
    group = demo["group"]
    other_group = group.__class__.objects.create(name="Other", community_id=group.community_id)
    query = query.format(agent=demo["agent"].pk, other_group=other_group.pk)
    url, page = moved(client, slug, query + "&sort=number")
    assert url == f"{ALL}?{query}&sort=number"
    name = demo["agent"].display_name
    assert f"{message.format(name=name)}: showing All requests." in page
    assert rows_of(page) == numbers(rows, *keys)


@pytest.mark.parametrize(
    ("slug", "query", "keys"),
    [
        ("pending", "state=PENDING", ["pending"]),
        ("mine", "assignee={agent}", ["pending"]),
        ("mine", "state=PENDING&unassigned=false", ["pending"]),
        ("my-groups", "group={group}", ["pending"]),
        ("breached", "sla_status=BREACHED&priority=P1", ["pending"]),
        ("unassigned", "unassigned=true&state=RESPONDED", ["responded"]),
    ],
)
def test_a_filter_within_the_queue_narrows_it_there(demo, rows, slug, query, keys):
    client = Client()
    client.force_login(demo["agent"])
    url = reverse("sr-queue", args=[slug])
    query = query.format(agent=demo["agent"].pk, group=demo["group"].pk)
    assert listed(client, f"{url}?{query}&sort=number") == numbers(rows, *keys)


def test_a_completed_from_within_the_week_stays_in_recently_completed(admin_client, demo):
    recent = make_sr(S.COMPLETED, completed_date=timezone.now() - timedelta(days=2))
    make_sr(S.COMPLETED, completed_date=timezone.now() - timedelta(days=5))
    since = timezone.localtime(timezone.now() - timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    url = reverse("sr-queue", args=["recently-completed"]) + f"?completed_from={since}"
    assert listed(admin_client, url) == [recent.number]


def test_the_table_refresh_is_sent_to_all_requests_by_htmx(admin_client, rows):
    url = reverse("sr-queue", args=["pending"]) + "?state=CANCELLED"
    response = admin_client.get(url, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert response["HX-Redirect"] == f"{ALL}?state=CANCELLED"


def test_the_filters_a_queue_decides_say_what_choosing_outside_does(admin_client, rows):
    page = admin_client.get(reverse("sr-queue", args=["pending"])).content.decode()
    text = "Choosing one that Pending does not hold opens All requests."
    assert f'<p class="help" id="id_state_helptext">{text}</p>' in page
    assert page.count('class="help"') == 1
    assert 'class="help"' not in admin_client.get(ALL).content.decode()


# -- query counts -------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["admin", "agent"])
def test_filtered_all_requests_costs_the_same_for_5_and_200_rows(demo, who):
    client = Client()
    client.force_login(demo[who])
    first = make_sr(
        S.CANCELLED,
        privacy_level=demo["public"],
        owned_by_group=demo["group"],
        assigned_to_user=demo[who],
    )
    url = (
        f"{ALL}?state=CANCELLED&created_from=2020-01-01&created_to=2099-12-31T23:59"
        f"&assignee={demo[who].pk}&group={demo['group'].pk}&type={first.type_id}"
    )
    clone(first, 4)
    few, page, _ = measure(client, url)
    assert len(rows_of(page)) == 5
    clone(first, 195, 4)
    many, page, sqls = measure(client, url)
    assert len(rows_of(page)) == 25
    assert few == many, "\n".join(sqls)
