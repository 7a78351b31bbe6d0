"""Each scenario's requests: the Web API calls and staff pages the benchmark measures."""

from __future__ import annotations

import json
import random
import urllib.parse
from collections.abc import Callable

from probes import busiest_accounts, job_search_mix, numbers, search_mix

API = "/crmapi/rest/v2/"


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
    }
