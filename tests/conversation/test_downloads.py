"""Attachment downloads (contract section 14): the same token or a staff session, the
record's visibility, always as an attachment with the sniffed type; a refusal is the Web
API's ENTITY_NOT_FOUND envelope."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from conversation import services
from conversation.models import Attachment
from crm.actor import Actor
from tests.conversation.conftest import png_bytes


def attach(record, user, *files, internal=True) -> Attachment:
    comment = services.comment_create(
        record=record, actor=Actor.of(user), text="files", internal=internal, files=files
    )
    return comment.attachments.order_by("position").first()


def body_of(response) -> bytes:
    return b"".join(response.streaming_content)


def envelope(response) -> tuple[int, str, str]:
    body = json.loads(response.content)
    assert body["data"] is None
    return response.status_code, body["status"]["code"], body["status"]["description"]


@pytest.fixture
def png_attachment(sr, admin_user) -> Attachment:
    return attach(sr, admin_user, SimpleUploadedFile("chart.png", png_bytes(), "image/png"))


def test_download_with_the_token_as_a_parameter(client, admin_token, png_attachment):
    response = client.get(f"/attachments/{png_attachment.pk}/", {"token": admin_token})
    assert response.status_code == 200
    assert body_of(response) == png_bytes()
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"] == 'attachment; filename="chart.png"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert "no-store" in response["Cache-Control"]


def test_download_with_a_bearer_token_and_lower_case_id(client, admin_token, png_attachment):
    url = f"/attachments/{png_attachment.pk.lower()}/"
    response = client.get(url, HTTP_AUTHORIZATION=f"Bearer {admin_token}")
    assert response.status_code == 200
    assert body_of(response) == png_bytes()


def test_download_with_a_staff_session(client, admin_user, png_attachment):
    client.force_login(admin_user)
    response = client.get(f"/attachments/{png_attachment.pk}/")
    assert response.status_code == 200
    assert body_of(response) == png_bytes()


def test_html_is_served_as_plain_text_to_download(client, admin_token, sr, admin_user):
    html = b"<html><body onload=alert(1)>hi</body></html>"
    attachment = attach(sr, admin_user, SimpleUploadedFile("page.html", html, "text/html"))
    response = client.get(f"/attachments/{attachment.pk}/", {"token": admin_token})
    assert response["Content-Type"] == "text/plain"
    assert response["Content-Disposition"] == 'attachment; filename="page.html"'
    assert body_of(response) == html


def test_a_non_ascii_name_is_encoded_in_the_header(client, admin_token, sr, admin_user):
    attachment = attach(sr, admin_user, SimpleUploadedFile("Résumé.txt", b"cv"))
    response = client.get(f"/attachments/{attachment.pk}/", {"token": admin_token})
    assert response["Content-Disposition"] == "attachment; filename*=utf-8''R%C3%A9sum%C3%A9.txt"


def test_refused_to_a_user_who_may_not_see_the_record(
    client, agent_token, restricted_sr, admin_user
):
    attachment = attach(restricted_sr, admin_user, SimpleUploadedFile("secret.txt", b"s"))
    response = client.get(f"/attachments/{attachment.pk}/", {"token": agent_token})
    assert envelope(response)[:2] == (404, "ENTITY_NOT_FOUND")


def test_refused_in_the_same_words_as_an_unknown_id(client, agent_token, restricted_sr, admin_user):
    attachment = attach(restricted_sr, admin_user, SimpleUploadedFile("secret.txt", b"s"))
    hidden = envelope(client.get(f"/attachments/{attachment.pk}/", {"token": agent_token}))
    unknown_id = "0" * 32
    missing = envelope(client.get(f"/attachments/{unknown_id}/", {"token": agent_token}))
    assert hidden[:2] == missing[:2] == (404, "ENTITY_NOT_FOUND")
    assert hidden[2].replace(attachment.pk, "X") == missing[2].replace(unknown_id, "X")


def test_refused_to_the_agent_through_a_session_too(demo, restricted_sr, admin_user):
    attachment = attach(restricted_sr, admin_user, SimpleUploadedFile("secret.txt", b"s"))
    agent = Client()
    agent.force_login(demo["agent"])
    assert envelope(agent.get(f"/attachments/{attachment.pk}/"))[:2] == (404, "ENTITY_NOT_FOUND")


def test_refused_to_a_role_that_may_not_read_the_record(client, demo, png_attachment):
    from crm.models import User
    from tests.conftest import token_for

    nobody = User.objects.create_user("norole", password="x", default_unit=demo["unit"])
    response = client.get(f"/attachments/{png_attachment.pk}/", {"token": token_for(nobody)})
    assert envelope(response)[:2] == (404, "ENTITY_NOT_FOUND")


def test_the_agent_downloads_from_a_record_they_see(client, agent_token, png_attachment):
    response = client.get(f"/attachments/{png_attachment.pk}/", {"token": agent_token})
    assert response.status_code == 200
    assert body_of(response) == png_bytes()


def test_without_credentials_the_token_is_missing(client, png_attachment):
    assert envelope(client.get(f"/attachments/{png_attachment.pk}/"))[:2] == (
        401,
        "INVALID_TOKEN",
    )


def test_a_bad_token_is_refused(client, png_attachment):
    response = client.get(f"/attachments/{png_attachment.pk}/", {"token": "nope"})
    assert envelope(response)[:2] == (401, "INVALID_TOKEN")


def test_a_file_gone_from_the_storage_is_not_found(client, admin_token, png_attachment):
    png_attachment.file.storage.delete(png_attachment.file.name)
    response = client.get(f"/attachments/{png_attachment.pk}/", {"token": admin_token})
    assert envelope(response)[:2] == (404, "ENTITY_NOT_FOUND")


def test_only_get_is_allowed(client, admin_token, png_attachment):
    response = client.post(f"/attachments/{png_attachment.pk}/?token={admin_token}")
    assert response.status_code == 405


def test_a_job_attachment_follows_the_jobs_visibility(
    client, agent_token, admin_token, job, admin_user, demo
):
    attachment = attach(job, admin_user, SimpleUploadedFile("site.txt", b"site"))
    url = f"/attachments/{attachment.pk}/"
    assert client.get(url, {"token": agent_token}).status_code == 200
    type(job).objects.filter(pk=job.pk).update(privacy_level=demo["restricted"])
    assert envelope(client.get(url, {"token": agent_token}))[:2] == (404, "ENTITY_NOT_FOUND")
    assert client.get(url, {"token": admin_token}).status_code == 200
