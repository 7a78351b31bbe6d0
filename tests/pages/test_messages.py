"""Every action's success message is a sentence, with the number where it helps (issue 11,
item 5); errors from the services are shown as they are."""

from __future__ import annotations

import pytest
from django.urls import reverse

from crm.actor import Actor
from crm.exceptions import CrmError
from customers.models import Subscription
from products.models import Product
from servicerequests import models as sm
from servicerequests import services
from tests.pages.pagetools import form_fields, messages_of
from tests.servicerequests.helpers import S, make_sr

pytestmark = pytest.mark.django_db


def act(client, url_name: str, number: str, action: str, **changes) -> list[tuple[str, str]]:
    """Send one action card as the page leaves it (``changes`` on top, confirmed) and
    return the messages of the page it leads to."""
    detail = "sr-detail" if url_name == "sr-action" else "job-detail"
    page = client.get(reverse(detail, args=[number])).content.decode()
    form = form_fields(page, f"action-{action}")
    form.update({f"{action}-{name}": value for name, value in changes.items()})
    form["confirmed"] = "1"  # the page's dialog said yes; tests/pages/test_confirm.py asks
    response = client.post(reverse(url_name, args=[number, action]), form, follow=True)
    assert response.status_code == 200, response.content[:2000]
    return messages_of(response.content.decode())


def ok(text: str) -> list[tuple[str, str]]:
    return [("success", text)]


def category(model, name: str) -> str:
    return model.objects.get(name=name).pk


def test_a_request_from_pending_to_completed(admin_client):
    sr = make_sr()
    walk = [
        ("respond", {"category": category(sm.ResponseCategory, "Needs Confirmation")}),
        ("response_accept", {}),
        (
            "temporary_resolve",
            {"category": category(sm.TemporaryResolutionCategory, "Workaround Applied")},
        ),
        ("temporary_resolution_accept", {}),
        (
            "final_resolve",
            {"category": category(sm.FinalResolutionCategory, "Resolved Pending Confirmation")},
        ),
        ("final_resolution_accept", {}),
        ("complete", {}),
    ]
    said = [act(admin_client, "sr-action", sr.number, a, **c) for a, c in walk]
    assert said == [
        ok("Response recorded."),
        ok("Response accepted."),
        ok("Temporary resolution recorded."),
        ok("Temporary resolution accepted."),
        ok("Final resolution recorded."),
        ok("Final resolution accepted."),
        ok(f"{sr.number} completed."),
    ]


def test_the_edits_and_cancel_of_a_request(admin_client, demo):
    sr = make_sr()
    assert act(admin_client, "sr-action", sr.number, "assign", user=demo["agent"].pk) == ok(
        "Assignment saved."
    )
    assert act(admin_client, "sr-action", sr.number, "edit", description="Now") == ok(
        "Changes saved."
    )
    response = admin_client.post(reverse("sr-take", args=[sr.number]), follow=True)
    assert messages_of(response.content.decode()) == ok(f"{sr.number} is now assigned to you.")
    assert act(admin_client, "sr-action", sr.number, "cancel") == ok(f"{sr.number} cancelled.")


def test_a_refusal_from_a_service_is_shown_as_it_is(admin_client, demo):
    sr = make_sr(S.CANCELLED)
    with pytest.raises(CrmError) as refused:  # what the service says, word for word
        services.service_request_update(
            service_request=sr, actor=Actor.of(demo["admin"]), assignment=(demo["admin"], None)
        )
    response = admin_client.post(reverse("sr-take", args=[sr.number]), follow=True)
    assert messages_of(response.content.decode()) == [("error", refused.value.message)]


def test_bulk_messages_count_in_words(admin_client, demo):
    rows = [make_sr(), make_sr(), make_sr()]
    for chosen, text in ((rows[:1], "1 request updated."), (rows, "3 requests updated.")):
        response = admin_client.post(
            reverse("sr-bulk"),
            {
                "selected": [r.number for r in chosen],
                "operation": "assign_user",
                "user": demo["agent"].pk,
            },
            follow=True,
        )
        assert messages_of(response.content.decode()) == ok(text)


def test_a_job_from_draft_to_completed(admin_client, make_job):
    job = make_job("DRAFT")
    subscription = Subscription.objects.get(pk=job.subscription_id).number
    said = [act(admin_client, "job-action", job.number, a) for a in ("submit", "start_progress")]
    said.append(act(admin_client, "job-action", job.number, "complete"))
    assert said == [
        ok(f"{job.number} submitted."),
        ok(f"Work started on {job.number}."),
        ok(f"{job.number} completed; subscription {subscription} is no longer effective."),
    ]


def test_the_edits_and_cancel_of_a_job(admin_client, make_job):
    job = make_job("DRAFT")
    decoder = Product.objects.get(code="Decoders 1").pk
    assert act(admin_client, "job-action", job.number, "items", add_good=decoder) == ok(
        "Requested items saved."
    )
    assert act(admin_client, "job-action", job.number, "edit", description="Later") == ok(
        "Changes saved."
    )
    assert act(admin_client, "job-action", job.number, "cancel") == ok(f"{job.number} cancelled.")
