"""Each scenario's requests: the Web API calls and staff pages the benchmark measures."""

from __future__ import annotations

import json
import random
import urllib.parse
from collections.abc import Callable
from datetime import timedelta

from probes import busiest_accounts, job_search_mix, numbers, search_mix

API = "/crmapi/rest/v2/"
REPORTS = "reports/service_requests/"
# The groupings of contract section 9, taken in turn by the summary and aging mixes.
GROUP_BY = (
    "life_cycle_state",
    "status",
    "type",
    "category",
    "priority",
    "assigned_to",
    "owned_by_group",
    "sla_status",
)


def days_back(days: int) -> dict:
    """``date_from`` ``days`` before today and ``date_to`` today (midnight, the API's format):
    the seeded requests were created over the 900 days before seeding."""
    from django.utils import timezone

    today = timezone.localdate()  # in TIME_ZONE, as the reports count periods
    return {
        "date_from": f"{today - timedelta(days=days):%Y-%m-%d}T00:00:00",
        "date_to": f"{today:%Y-%m-%d}T00:00:00",
    }


def acceptance_pages(count: int) -> list[tuple]:
    """GETs of customers' acceptance pages (contract section 12): a link for each of 200
    responded requests whose response awaits acceptance, opened in turn. The seed has no
    such requests: the first run gives 200 pending ones a response that needs acceptance,
    as ``service_requests/respond`` would leave them."""
    from django.utils import timezone

    from acceptance.links import url_for
    from acceptance.models import AcceptanceLink
    from crm.models import User
    from servicerequests.models import ResponseCategory, ServiceRequest, ServiceRequestStatus

    now = timezone.now()
    waiting = ServiceRequest.objects.filter(
        life_cycle_state="RESPONDED",
        response_category__requires_customer_acceptance=True,
        response_accepted_date__isnull=True,
    )
    if waiting.count() < 200:
        pending = ServiceRequest.objects.filter(life_cycle_state="PENDING").order_by("pk")
        ServiceRequest.objects.filter(
            pk__in=list(pending.values_list("pk", flat=True)[:200])
        ).update(
            status=ServiceRequestStatus.objects.get(name="Responded"),
            life_cycle_state="RESPONDED",
            response_category=ResponseCategory.objects.get(code="CONF"),
            responded_by=User.objects.get(username="MPAdministrator"),
            response_date=now,
        )
    links = AcceptanceLink.objects.bulk_create(
        AcceptanceLink(
            service_request_id=pk,
            step="response",
            step_date=date,
            email="bench@example.com",
            created_at=now,
            expires_at=now + timedelta(days=14),
        )
        for pk, date in waiting.values_list("pk", "response_date")[:200]
    )
    paths = [urllib.parse.urlsplit(url_for(link)).path for link in links]
    return [("GET", paths[i % len(paths)], None) for i in range(count)]


def scenarios(tok: str, count: int) -> dict[str, Callable[[], list[tuple]]]:
    """Each scenario's requests, built only for the scenarios that run (``--only``): some
    builders read the seeded tables at length."""
    create = json.dumps(
        {
            "token": tok,
            "type_identifier": {"name": "Technical Support"},
            "accounts_receivable_identifier": {"number": "ACR001143"},
            "status_identifier": {"name": "Pending"},
            "category_identifier": {"code": "TECH"},
            "urgency_level": "URGENCY2",
            "impact_level": "IMPACT2",
            "fields_set": "id,number",
        }
    )

    def respond(number: str) -> str:
        return json.dumps(
            {
                "token": tok,
                "service_request_identifier": {"number": number},
                "status_identifier": {"name": "Responded"},
                "fields_set": "number,life_cycle_state",
                "response": {
                    "category_identifier": {"code": "ACK"},
                    "responded_by_identifier": {"username": "MPAdministrator"},
                    "response_date": "2026-11-23T10:00:00",
                },
            }
        )

    def comment(number: str) -> str:
        return json.dumps(
            {
                "token": tok,
                "service_request_identifier": {"number": number},
                "text": "Visited on site, @agent the decoder needs replacing.",
            }
        )

    # Created for the round-robin group without an assignee: its policy picks one.
    field_team = json.dumps(
        {**json.loads(create), "owned_by_group_identifier": {"name": "Field Team"}}
    )

    def get(method: str, **params) -> tuple:
        return ("GET", API + method + "?" + urllib.parse.urlencode({"token": tok, **params}), None)

    def shown() -> list[str]:
        completed = numbers("COMPLETED", 200)
        return [completed[i % 200] for i in range(count)]

    return {
        "service_requests/show": lambda: [
            get("service_requests/show", service_request_identifier=f"number={n}") for n in shown()
        ],
        "get_completed, 50 rows, offset 0": lambda: (
            [get("service_requests/get_completed", number_of_results=50)] * count
        ),
        "get_completed, 50 rows, offset 10000": lambda: [
            get(
                "service_requests/get_completed",
                number_of_results=50,
                offset=10000 + random.randint(0, 500),
            )
            for _ in range(count)
        ],
        "service_requests/create": lambda: (
            [("POST", API + "service_requests/create", create)] * count
        ),
        "service_requests/respond": lambda: [
            ("POST", API + "service_requests/respond", respond(n))
            for n in numbers("PENDING", count)
        ],
        "queue page (Pending)": lambda: [("GET", "/requests/queue/pending/", None)] * count,
        "queue page (At risk)": lambda: [("GET", "/requests/queue/at-risk/", None)] * count,
        "list sla_status=AT_RISK,BREACHED, 50 rows": lambda: [
            get(
                "service_requests/list",
                accounts_receivable_identifier=f"number={account}",
                sla_status="AT_RISK,BREACHED",
                number_of_results=50,
            )
            for account in busiest_accounts(count)
        ],
        "service_requests/search": lambda: [
            get("service_requests/search", query=q, number_of_results=50) for q in search_mix(count)
        ],
        "service_requests/search, fields_set=id,number,life_cycle_state": lambda: [
            get(
                "service_requests/search",
                query=q,
                number_of_results=50,
                fields_set="id,number,life_cycle_state",
            )
            for q in search_mix(count)
        ],
        "jobs/search": lambda: [
            get("jobs/search", query=q, number_of_results=50) for q in job_search_mix(count)
        ],
        "search page (header)": lambda: [
            ("GET", "/search/?" + urllib.parse.urlencode({"q": q}), None) for q in search_mix(count)
        ],
        # Reports and dashboard (issue 14): what the admin, who sees every request, asks.
        "dashboard page": lambda: [("GET", "/dashboard/", None)] * count,
        "reports summary (the 8 group_by in turn)": lambda: [
            get(REPORTS + "summary", group_by=GROUP_BY[i % len(GROUP_BY)]) for i in range(count)
        ],
        "reports summary, open_only (the 8 group_by in turn)": lambda: [
            get(REPORTS + "summary", group_by=GROUP_BY[i % len(GROUP_BY)], open_only="true")
            for i in range(count)
        ],
        "reports aging (ungrouped, then the 8 group_by)": lambda: [
            get(REPORTS + "aging", **({"group_by": GROUP_BY[i % 9 - 1]} if i % 9 else {}))
            for i in range(count)
        ],
        "reports trend DAY, 30 days": lambda: (
            [get(REPORTS + "trend", period="DAY", **days_back(30))] * count
        ),
        "reports trend WEEK, 1 year": lambda: (
            [get(REPORTS + "trend", period="WEEK", **days_back(364))] * count
        ),
        "reports sla_compliance WEEK, 12 weeks": lambda: (
            [get(REPORTS + "sla_compliance", period="WEEK", **days_back(84))] * count
        ),
        # Working together (issue 15): comments on pending requests; conversations of pending
        # requests (some commented on by the scenario before) and of completed ones (none);
        # creations assigned by the round-robin policy (a lock on the group's policy row).
        "service_requests/comments/create": lambda: [
            ("POST", API + "service_requests/comments/create", comment(n))
            for n in numbers("PENDING", count)
        ],
        "service_requests/comments/list": lambda: [
            get("service_requests/comments/list", service_request_identifier=f"number={n}")
            for n in numbers("PENDING", count // 2) + shown()[: count - count // 2]
        ],
        "service_requests/create, Field Team round robin": lambda: (
            [("POST", API + "service_requests/create", field_team)] * count
        ),
        # Webhooks (issue 16): the same creation with two webhooks subscribed to it (set up
        # around the scenario by run.py): each creation also writes two deliveries.
        "service_requests/create with 2 webhooks subscribed": lambda: (
            [("POST", API + "service_requests/create", create)] * count
        ),
        # Customer acceptance (contract section 12): the page a mailed link opens; reads only.
        "acceptance link page (GET)": lambda: acceptance_pages(count),
        # One download of every request, read to the end (bench/download.py), not a load.
        "csv export (All requests, no filter)": lambda: [
            ("GET", "/requests/queue/all/export.csv", None)
        ],
    }
