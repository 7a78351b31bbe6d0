"""The conversation on the request and job pages: the comments in the timeline, the form,
its refusals next to the fields, the downloads."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from conversation import services
from conversation.models import Attachment, Comment
from crm.actor import Actor
from crm.models import Notification
from servicerequests.models import ServiceRequestEvent
from tests.conversation.conftest import png_bytes, stored_files


@pytest.fixture
def admin_client(client, admin_user) -> Client:
    client.force_login(admin_user)
    return client


def timeline(html: str) -> str:
    return html.split('id="timeline-title"', 1)[1]


def test_the_form_adds_an_internal_comment_with_files(admin_client, sr, media_root):
    response = admin_client.post(
        f"/conversation/requests/{sr.number}/",
        {
            "comment-text": "Photo of the router, @agent",
            "comment-internal": "on",
            "comment-files": [
                SimpleUploadedFile("router.png", png_bytes(), "image/png"),
                SimpleUploadedFile("log.txt", b"line 1\n"),
            ],
        },
    )
    assert response.status_code == 302
    assert response["Location"] == f"/requests/{sr.number}/#conversation"
    comment = Comment.objects.get()
    assert (comment.text, comment.internal) == ("Photo of the router, @agent", True)
    names = list(comment.attachments.values_list("file_name", "content_type"))
    assert names == [("router.png", "image/png"), ("log.txt", "text/plain")]
    assert len(stored_files(media_root)) == 2
    assert Notification.objects.filter(user__username="agent", kind="MENTIONED").count() == 1
    page = admin_client.get(response["Location"]).content.decode()
    assert "Comment added." in page


def test_an_unticked_box_makes_a_public_comment(admin_client, sr):
    admin_client.post(f"/conversation/requests/{sr.number}/", {"comment-text": "For the customer"})
    assert Comment.objects.get().internal is False


def test_the_timeline_shows_comments_among_events_newest_last(admin_client, sr, admin_user):
    actor = Actor.of(admin_user)
    services.comment_create(record=sr, actor=actor, text="first <b>words</b>")
    services.comment_create(
        record=sr,
        actor=actor,
        text="second",
        internal=False,
        files=[SimpleUploadedFile("a.pdf", b"%PDF-1.4 x")],
    )
    html = timeline(admin_client.get(f"/requests/{sr.number}/").content.decode())
    assert html.count("Comment added") == 2
    assert html.index("first &lt;b&gt;words&lt;/b&gt;") < html.index("second")
    attachment = Attachment.objects.get()
    assert f'href="/attachments/{attachment.pk}/">a.pdf</a>' in html
    assert '<span class="badge badge--paused">Internal</span>' in html
    assert '<span class="badge badge--ok">Public</span>' in html
    assert 'enctype="multipart/form-data"' in html
    assert re.search(r'<input type="file" name="comment-files"[^>]* multiple', html)


def test_the_timeline_costs_the_same_with_more_comments(admin_client, sr, admin_user):
    actor = Actor.of(admin_user)
    counts = []
    for total in (1, 6):
        while Comment.objects.count() < total:
            services.comment_create(
                record=sr, actor=actor, text="c", files=[SimpleUploadedFile("f", b"x")]
            )
        # Warm: a write leaves the sidebar's cached counts old (crm.queuecounts).
        admin_client.get(f"/requests/{sr.number}/")
        with CaptureQueriesContext(connection) as queries:
            assert admin_client.get(f"/requests/{sr.number}/").status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


def test_an_empty_comment_is_refused_next_to_the_field(admin_client, sr):
    events = ServiceRequestEvent.objects.count()
    response = admin_client.post(f"/conversation/requests/{sr.number}/", {"comment-text": ""})
    assert response.status_code == 422
    html = response.content.decode()
    assert re.search(r'id="id_comment-text_error"[^>]*>This field is required', html)
    assert Comment.objects.count() == 0
    assert ServiceRequestEvent.objects.count() == events


def test_an_oversized_file_is_refused_next_to_the_files(admin_client, sr, settings, media_root):
    settings.CRM_ATTACHMENT_MAX_MB = 1
    big = SimpleUploadedFile("huge.bin", b"\x01" * (1024 * 1024 + 1))
    response = admin_client.post(
        f"/conversation/requests/{sr.number}/",
        {"comment-text": "big", "comment-files": [big]},
    )
    assert response.status_code == 422
    html = response.content.decode()
    error = r'id="id_comment-files_error"[^>]*>The file huge.bin is larger than 1 MB'
    assert re.search(error, html)
    assert "big</textarea>" in html  # what was typed stays
    assert Comment.objects.count() == 0
    assert stored_files(media_root) == []


def test_the_job_page_has_its_conversation(admin_client, job):
    response = admin_client.post(
        f"/conversation/jobs/{job.number}/",
        {"comment-text": "Technician booked", "comment-files": [SimpleUploadedFile("t.txt", b"t")]},
    )
    assert response["Location"] == f"/jobs/{job.number}/#conversation"
    html = timeline(admin_client.get(f"/jobs/{job.number}/").content.decode())
    assert "Technician booked" in html
    assert f'href="/attachments/{Attachment.objects.get().pk}/"' in html


def test_a_record_the_user_may_not_see_takes_no_comment(demo, restricted_sr):
    agent = Client()
    agent.force_login(demo["agent"])
    response = agent.post(f"/conversation/requests/{restricted_sr.number}/", {"comment-text": "x"})
    assert response.status_code == 404
    assert Comment.objects.count() == 0


def test_reloading_the_form_address_goes_to_the_page(admin_client, sr):
    response = admin_client.get(f"/conversation/requests/{sr.number}/")
    assert (response.status_code, response["Location"]) == (302, f"/requests/{sr.number}/")


def test_a_reader_sees_the_conversation_but_no_form(client, demo, sr, admin_user):
    from django.contrib.auth.models import Permission

    from crm.models import User

    reader = User.objects.create_user("reader", password="x", default_unit=demo["unit"])
    reader.user_permissions.add(
        Permission.objects.get(
            codename="view_servicerequest", content_type__app_label="servicerequests"
        )
    )
    services.comment_create(record=sr, actor=Actor.of(admin_user), text="visible to readers")
    client.force_login(reader)
    html = client.get(f"/requests/{sr.number}/").content.decode()
    assert "visible to readers" in html
    assert "Add a comment" not in html
    refused = client.post(f"/conversation/requests/{sr.number}/", {"comment-text": "x"})
    assert refused.status_code == 403
