"""The customer's acceptance page (contract section 12): opening it changes nothing; the
Accept button records the acceptance exactly as ``*_accept`` does, with the caller and
``EMAIL_LINK``; Decline records the customer's reason and tells the assignee or the group;
used, expired, tampered and replaced links, and steps accepted by staff first, get a clear
page and change nothing. The page shows nothing of the staff side."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client, override_settings
from django.utils import timezone

from acceptance.models import AcceptanceLink
from crm.actor import Actor
from crm.models import Notification
from servicerequests import models as sm
from servicerequests.services import (
    Step,
    service_request_reopen,
    service_request_response_accept,
    service_request_update,
)
from tests.acceptance_links.helpers import (
    admin,
    agent,
    link_path,
    link_row,
    mails_to,
    main_group,
    only_link,
    responded,
    tampered,
)
from tests.servicerequests.helpers import events, snapshot

pytestmark = pytest.mark.django_db


@pytest.fixture
def waiting(demo, django_capture_on_commit_callbacks):
    """A request whose response waits for the customer, the link's path and its row."""
    sr = responded(django_capture_on_commit_callbacks, notes="INTERNAL: customer is grumpy")
    (message,) = mails_to()
    return sr, link_path(message), only_link(sr)


def state(sr, link) -> dict:
    """What a use of the link could change: the request, its events, the link, notices."""
    return {
        "sr": snapshot(sr.number),
        "link": link_row(link),
        "notifications": sorted(Notification.objects.values_list("id", flat=True)),
    }


def test_opening_the_link_shows_the_step_and_changes_nothing(client, waiting):
    sr, path, link = waiting
    before = state(sr, link)
    response = client.get(path)
    assert response.status_code == 200
    page = response.content.decode()
    assert f"Service request {sr.number}" in page
    assert "Technical Support" in page
    assert "We replaced the router." in page
    assert sr.response_category.name in page
    assert 'value="accept"' in page
    assert 'value="decline"' in page
    assert "csrfmiddlewaretoken" in page
    # Nothing of the staff side: notes, assignee, who responded.
    for secret in ("INTERNAL", agent().display_name, admin().display_name, "agent"):
        assert secret not in page
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    # Not no-referrer: the buttons' POST would carry "Origin: null" (see the view).
    assert response["Referrer-Policy"] == "same-origin"
    assert "no-store" in response["Cache-Control"]
    assert state(sr, link) == before
    client.get(path)
    assert state(sr, link) == before


def test_accept_records_the_caller_by_email_link(client, waiting):
    sr, path, link = waiting
    before = timezone.now()
    response = client.post(path, {"choice": "accept"})
    assert response.status_code == 200
    assert f"You accepted the response of service request {sr.number}" in response.content.decode()
    row = sm.ServiceRequest.objects.get(pk=sr.pk)
    assert row.response_accepted_by_id == sr.caller_id
    assert row.response_accepted_via == "EMAIL_LINK"
    assert before <= row.response_accepted_date <= timezone.now()
    assert (row.life_cycle_state, row.status_id) == (sr.life_cycle_state, sr.status_id)
    event = sm.ServiceRequestEvent.objects.filter(service_request=sr).last()
    assert (event.action, event.user_id, event.unit_id) == ("response_accept", None, None)
    assert event.note == "Accepted by the customer (Anton Marina) through the e-mail link."
    assert {c["label"]: (c["old"], c["new"]) for c in event.change_list} == {
        "Response accepted by": ("—", "Anton Marina"),
        "Response accepted on": (
            "—",
            timezone.localtime(row.response_accepted_date).strftime("%Y-%m-%d %H:%M"),
        ),
        "Response accepted via": ("—", "E-mail link"),
    }
    (notice,) = Notification.objects.filter(service_request=sr)
    assert (notice.user_id, notice.kind) == (agent().pk, "ACCEPTED")
    assert notice.message == f"{sr.number}: the customer accepted the response."
    link.refresh_from_db()
    assert (link.outcome, link.used_at is not None) == ("ACCEPTED", True)
    again = client.get(path)
    assert again.status_code == 410
    assert "This link was already used" in again.content.decode()


def test_the_staff_page_says_accepted_via_email_link(client, waiting, admin_user):
    sr, path, _ = waiting
    client.post(path, {"choice": "accept"})
    client.force_login(admin_user)
    page = client.get(f"/requests/{sr.number}/").content.decode()
    assert "via e-mail link" in page
    assert "Acceptance link mailed</strong>\n    by the system:" in page
    # The customer answered, not "the system" (no user made the event).
    assert "Accept response</strong>\n    by the customer:" in page


def test_the_staff_page_says_the_customer_declined(client, waiting, admin_user):
    sr, path, _ = waiting
    client.post(path, {"choice": "decline", "comment": "Still broken"})
    client.force_login(admin_user)
    page = client.get(f"/requests/{sr.number}/").content.decode()
    assert "Customer declined</strong>\n    by the customer:" in page


def test_decline_records_the_reason_and_tells_the_assignee(client, waiting):
    sr, path, link = waiting
    before = snapshot(sr.number)
    response = client.post(path, {"choice": "decline", "comment": "  The router still drops.  "})
    assert response.status_code == 200
    assert "You declined the response" in response.content.decode()
    after = snapshot(sr.number)
    assert after["row"] == before["row"]
    assert after["events"] == before["events"] + 1
    assert events(sr.number)[-1][:7] == (
        "customer_declined",
        "RESPONDED",
        "RESPONDED",
        "Responded",
        "Responded",
        None,
        None,
    )
    event = sm.ServiceRequestEvent.objects.filter(service_request=sr).last()
    assert event.note == (
        "The customer (Anton Marina) declined the response: The router still drops."
    )
    (notice,) = Notification.objects.filter(service_request=sr)
    assert (notice.user_id, notice.kind) == (agent().pk, "DECLINED")
    assert (
        notice.message
        == f"{sr.number}: the customer declined the response: The router still drops."
    )
    link.refresh_from_db()
    assert (link.outcome, link.comment) == ("DECLINED", "The router still drops.")
    assert client.post(path, {"choice": "accept"}).status_code == 410
    assert sm.ServiceRequest.objects.get(pk=sr.pk).response_accepted_date is None


def test_a_decline_on_an_unassigned_request_tells_its_group(
    client, demo, django_capture_on_commit_callbacks
):
    sr = responded(
        django_capture_on_commit_callbacks, assigned_to_user=None, owned_by_group=main_group()
    )
    path = link_path(mails_to()[0])
    client.post(path, {"choice": "decline"})
    notices = Notification.objects.filter(service_request=sr, kind="DECLINED")
    # Main Group's members (contract section 7); there is no actor to leave out.
    assert sorted(notices.values_list("user__username", flat=True)) == ["MPAdministrator", "agent"]
    assert {n.message for n in notices} == {f"{sr.number}: the customer declined the response."}
    event = sm.ServiceRequestEvent.objects.filter(service_request=sr).last()
    assert event.note == "The customer (Anton Marina) declined the response (no reason given)."


def test_a_group_decline_skips_inactive_members(client, demo, django_capture_on_commit_callbacks):
    sr = responded(
        django_capture_on_commit_callbacks, assigned_to_user=None, owned_by_group=main_group()
    )
    type(agent()).objects.filter(username="agent").update(is_active=False)
    client.post(link_path(mails_to()[0]), {"choice": "decline"})
    notices = Notification.objects.filter(service_request=sr, kind="DECLINED")
    assert list(notices.values_list("user__username", flat=True)) == ["MPAdministrator"]


def test_an_expired_link_changes_nothing(client, waiting):
    sr, path, link = waiting
    AcceptanceLink.objects.filter(pk=link.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    before = state(sr, link)
    response = client.get(path)
    assert (response.status_code, "This link has expired" in response.content.decode()) == (
        410,
        True,
    )
    response = client.post(path, {"choice": "accept"})
    assert (response.status_code, "This link has expired" in response.content.decode()) == (
        410,
        True,
    )
    assert state(sr, link) == before


def test_an_expired_signature_changes_nothing(client, waiting):
    sr, path, link = waiting
    before = state(sr, link)
    with override_settings(CRM_ACCEPTANCE_LINK_DAYS=-1):
        response = client.post(path, {"choice": "accept"})
    assert (response.status_code, "This link has expired" in response.content.decode()) == (
        410,
        True,
    )
    assert state(sr, link) == before


def test_a_tampered_link_is_not_valid(client, waiting):
    sr, path, link = waiting
    before = state(sr, link)
    for method in (client.get, client.post):
        response = method(tampered(path), {"choice": "accept"})
        assert response.status_code == 400
        page = response.content.decode()
        assert "This link is not valid" in page
        assert sr.number not in page
    assert client.get("/accept/not-a-token/").status_code == 400
    assert state(sr, link) == before


def test_a_step_accepted_by_staff_first_makes_the_link_already_accepted(client, waiting):
    sr, path, link = waiting
    service_request_response_accept(service_request=sr, actor=Actor.of(admin()))
    row = sm.ServiceRequest.objects.get(pk=sr.pk)
    assert row.response_accepted_via == "STAFF"
    before = state(sr, link)
    for method in (client.get, client.post):
        response = method(path, {"choice": "decline"})
        assert response.status_code == 200
        assert "Already accepted" in response.content.decode()
    assert state(sr, link) == before


def test_a_corrected_step_replaces_the_link(client, waiting, django_capture_on_commit_callbacks):
    sr, path, link = waiting
    with django_capture_on_commit_callbacks(execute=True):
        service_request_update(
            service_request=sr,
            actor=Actor.of(admin()),
            steps={
                "respond": Step(
                    category=sr.response_category,
                    by=admin(),
                    date=sr.response_date,  # same date: the newer link still replaces it
                    description="We replaced the router and the cable.",
                )
            },
        )
    before = state(sr, link)
    response = client.post(path, {"choice": "accept"})
    assert response.status_code == 410
    assert "This link is no longer valid" in response.content.decode()
    assert state(sr, link) == before
    newer = AcceptanceLink.objects.exclude(pk=link.pk).get(service_request=sr)
    (message,) = [m for m in mails_to() if link_path(m) != path]
    assert client.get(link_path(message)).status_code == 200
    assert newer.step_date == sr.response_date


def test_a_reopened_request_voids_its_links(client, demo, django_capture_on_commit_callbacks):
    from tests.servicerequests.helpers import S, make_sr

    sr = make_sr(
        S.COMPLETED, final="RPC", accepted=("final_resolution",), caller_email="x@example.com"
    )
    link = AcceptanceLink.objects.create(
        service_request=sr,
        step="final_resolution",
        step_date=sr.final_resolution_date,
        email="x@example.com",
        created_at=timezone.now(),
        expires_at=timezone.now() + timedelta(days=1),
    )
    from acceptance.links import url_for

    path = url_for(link).removeprefix("http://127.0.0.1:8000")
    service_request_reopen(service_request=sr, actor=Actor.of(admin()), reason="Came back")
    row = sm.ServiceRequest.objects.get(pk=sr.pk)
    assert (row.final_resolution_accepted_via, row.final_resolution_date) == (None, None)
    response = client.post(path, {"choice": "accept"})
    assert response.status_code == 410
    assert "no longer valid" in response.content.decode()


def test_the_buttons_need_the_csrf_token(waiting):
    sr, path, link = waiting
    before = state(sr, link)
    assert Client(enforce_csrf_checks=True).post(path, {"choice": "accept"}).status_code == 403
    assert state(sr, link) == before


def test_an_unknown_choice_changes_nothing(client, waiting):
    sr, path, link = waiting
    before = state(sr, link)
    response = client.post(path, {"choice": "maybe"})
    assert response.status_code == 422
    assert "Choose Accept or Decline." in response.content.decode()
    assert state(sr, link) == before


def test_the_page_costs_the_same_few_queries_for_anyone(
    client, admin_user, waiting, django_assert_num_queries
):
    _, path, _ = waiting
    # The link with the request, its type and step categories; whether a newer link
    # replaced it. No staff context (sidebar counts, saved views), even when signed in.
    with django_assert_num_queries(2):
        assert client.get(path).status_code == 200
    client.force_login(admin_user)
    with django_assert_num_queries(2):  # the session is never even read
        assert client.get(path).status_code == 200
