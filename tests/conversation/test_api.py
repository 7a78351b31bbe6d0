"""The comment methods of the Web API (contract section 14): JSON and multipart create,
lists, visibility, refusals, and the downloads their ``url`` leads to."""

from __future__ import annotations

import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conversation.models import Attachment, Comment
from crm.models import Notification
from jobs.models import JobEvent
from servicerequests.models import ServiceRequestEvent
from tests.conftest import API
from tests.conversation.conftest import png_bytes, stored_files

SR_CREATE = "service_requests/comments/create"
SR_LIST = "service_requests/comments/list"
JOB_CREATE = "jobs/comments/create"
JOB_LIST = "jobs/comments/list"
SR_PARAM = "service_request_identifier"
STORED_NAME = re.compile(r"^attachments/\d{4}/\d{2}/[0-9a-f]{32}$")


def sr_ref(sr) -> dict:
    return {"service_request_identifier": {"number": sr.number}}


def upload(client, token, method: str, fields: dict, files: list, **headers):
    """A multipart/form-data POST as a client sends it: text fields and ``file`` parts."""
    data = dict(fields)
    if token is not None:
        data.setdefault("token", token)
    if files:
        data["file"] = files
    response = client.post(API + method, data, **headers)
    return response.status_code, json.loads(response.content)


def snapshot() -> dict:
    return {
        "comments": Comment.objects.count(),
        "attachments": Attachment.objects.count(),
        "events": ServiceRequestEvent.objects.count() + JobEvent.objects.count(),
        "notifications": Notification.objects.count(),
    }


# -- create, as JSON ------------------------------------------------------------------------


def test_json_create_returns_the_comment_internal_by_default(api, sr, admin_user):
    response = api.post(SR_CREATE, {**sr_ref(sr), "text": "  Called the customer  "})
    assert response.status_code == 200, response.body
    data = response.data
    comment = Comment.objects.get()
    assert data == {
        "id": comment.pk,
        "text": "Called the customer",
        "internal": True,
        "created_date": data["created_date"],
        "created_by": {
            "id": admin_user.pk,
            "username": "MPAdministrator",
            "person_name": admin_user.person_name,
        },
        "attachments": [],
    }
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d", data["created_date"])
    assert (comment.service_request_id, comment.job_id) == (sr.pk, None)


def test_create_records_a_comment_added_event(api, sr, admin_user):
    comment_id = api.post(SR_CREATE, {**sr_ref(sr), "text": "Hi", "internal": False}).data["id"]
    event = ServiceRequestEvent.objects.get(service_request=sr, action="comment_added")
    assert event.changes == {"comment": comment_id}
    assert event.user == admin_user
    assert (event.from_state, event.to_state) == (sr.life_cycle_state, sr.life_cycle_state)
    assert Comment.objects.get(pk=comment_id).internal is False


def test_comment_on_a_job(api, job):
    response = api.post(JOB_CREATE, {"job_identifier": {"number": job.number}, "text": "On site"})
    assert response.status_code == 200, response.body
    comment = Comment.objects.get(pk=response.data["id"])
    assert (comment.job_id, comment.service_request_id) == (job.pk, None)
    assert JobEvent.objects.filter(job=job, action="comment_added").count() == 1
    listed = api.get(JOB_LIST, {"job_identifier": f"number={job.number}"})
    assert [c["text"] for c in listed.data] == ["On site"]


# -- create, as multipart --------------------------------------------------------------------


def test_multipart_create_with_several_files(client, admin_token, sr, media_root):
    png = png_bytes()
    files = [
        SimpleUploadedFile("photo.png", png, "image/png"),
        SimpleUploadedFile("readings.csv", "a,b\n1,ü\n".encode(), "text/csv"),
        # HTML claiming to be an image: the bytes decide, and markup is plain text here.
        SimpleUploadedFile("../../evil.png", b"<html><script>x()</script>", "image/png"),
    ]
    fields = {"service_request_identifier": f"number={sr.number}", "text": "See attached"}
    status, body = upload(client, admin_token, SR_CREATE, fields, files)
    assert status == 200, body
    attachments = body["data"]["attachments"]
    assert [(a["file_name"], a["content_type"], a["size"]) for a in attachments] == [
        ("photo.png", "image/png", len(png)),
        ("readings.csv", "text/plain", 9),
        ("evil.png", "text/plain", 26),
    ]
    rows = Attachment.objects.order_by("position")
    assert [a["url"] for a in attachments] == [f"/attachments/{a.pk}/" for a in rows]
    assert all(STORED_NAME.match(a.file.name) for a in rows)
    assert len(stored_files(media_root)) == 3
    assert body["data"]["internal"] is True


def test_multipart_takes_internal_and_a_bearer_token(client, admin_token, sr):
    fields = {"service_request_identifier": f"id={sr.pk}", "text": "Public", "internal": "false"}
    files = [SimpleUploadedFile("a.txt", b"hello")]
    status, body = upload(
        client, None, SR_CREATE, fields, files, HTTP_AUTHORIZATION=f"Bearer {admin_token}"
    )
    assert status == 200, body
    assert body["data"]["internal"] is False
    assert body["data"]["attachments"][0]["content_type"] == "text/plain"


def test_multipart_without_files_is_a_plain_comment(client, admin_token, sr):
    fields = {"service_request_identifier": f"number={sr.number}", "text": "No files"}
    status, body = upload(client, admin_token, SR_CREATE, fields, [])
    assert status == 200, body
    assert body["data"]["attachments"] == []


def test_an_oversized_file_is_refused_and_nothing_is_stored(
    client, admin_token, sr, settings, media_root
):
    settings.CRM_ATTACHMENT_MAX_MB = 1
    before = snapshot()
    files = [
        SimpleUploadedFile("small.txt", b"fine"),
        SimpleUploadedFile("big.bin", b"\x00" * (1024 * 1024 + 1)),
    ]
    fields = {"service_request_identifier": f"number={sr.number}", "text": "Too big"}
    status, body = upload(client, admin_token, SR_CREATE, fields, files)
    assert status == 400
    assert body["status"]["code"] == "INVALID_PARAMETER"
    # Refused while the body is read (crm.api.parsers.FileSizeLimit), before the token.
    assert body["status"]["description"] == "file: big.bin: at most 1 MB per file"
    assert body["data"] is None
    assert snapshot() == before
    assert stored_files(media_root) == []


def test_the_service_refuses_an_oversized_file_too(sr, admin_user, settings, media_root):
    from conversation import services
    from crm.actor import Actor
    from crm.exceptions import InvalidParameter

    settings.CRM_ATTACHMENT_MAX_MB = 1
    before = snapshot()
    big = SimpleUploadedFile("big.bin", b"\x00" * (1024 * 1024 + 1))
    with pytest.raises(InvalidParameter) as refused:
        services.comment_create(record=sr, actor=Actor.of(admin_user), text="x", files=[big])
    assert refused.value.description == "file: big.bin: at most 1 MB per file, got 1048577 bytes"
    assert snapshot() == before
    assert stored_files(media_root) == []


def test_too_many_files_are_refused(client, admin_token, sr, media_root):
    before = snapshot()
    files = [SimpleUploadedFile(f"{n}.txt", b"x") for n in range(21)]
    fields = {"service_request_identifier": f"number={sr.number}", "text": "Many"}
    status, body = upload(client, admin_token, SR_CREATE, fields, files)
    assert (status, body["status"]["description"]) == (
        400,
        "file: at most 20 files per comment",
    )
    assert snapshot() == before
    assert stored_files(media_root) == []


def test_a_retry_with_the_same_idempotency_key_adds_one_comment(client, admin_token, sr):
    fields = {"service_request_identifier": f"number={sr.number}", "text": "Once"}
    first = upload(
        client,
        admin_token,
        SR_CREATE,
        fields,
        [SimpleUploadedFile("a.txt", b"a")],
        HTTP_IDEMPOTENCY_KEY="k-1",
    )
    again = upload(
        client,
        admin_token,
        SR_CREATE,
        fields,
        [SimpleUploadedFile("a.txt", b"a")],
        HTTP_IDEMPOTENCY_KEY="k-1",
    )
    assert first == again
    assert first[0] == 200
    assert Comment.objects.count() == 1
    assert Attachment.objects.count() == 1


def test_a_file_exactly_at_the_limit_is_taken(client, admin_token, sr, settings):
    settings.CRM_ATTACHMENT_MAX_MB = 1
    files = [SimpleUploadedFile("edge.bin", b"\x01" * (1024 * 1024))]
    fields = {"service_request_identifier": f"number={sr.number}", "text": "Edge"}
    status, body = upload(client, admin_token, SR_CREATE, fields, files)
    assert status == 200, body
    assert body["data"]["attachments"][0]["size"] == 1024 * 1024


def test_a_failure_after_storing_deletes_the_files(
    client, admin_token, sr, media_root, monkeypatch
):
    from conversation import services

    def broken(*args, **kwargs):
        raise RuntimeError("event table unavailable")

    monkeypatch.setattr(services, "_notify", broken)
    before = snapshot()
    files = [SimpleUploadedFile("a.txt", b"one"), SimpleUploadedFile("b.txt", b"two")]
    fields = {"service_request_identifier": f"number={sr.number}", "text": "Lost"}
    status, body = upload(client, admin_token, SR_CREATE, fields, files)
    assert (status, body["status"]["code"]) == (500, "ERROR")
    assert snapshot() == before
    assert stored_files(media_root) == []


# -- lists ------------------------------------------------------------------------------------


def test_list_is_oldest_first_with_paging(api, sr):
    for text in ("first", "second", "third"):
        api.post(SR_CREATE, {**sr_ref(sr), "text": text})
    ref = {"service_request_identifier": f"number={sr.number}"}
    assert [c["text"] for c in api.get(SR_LIST, ref).data] == ["first", "second", "third"]
    page = api.get(SR_LIST, {**ref, "number_of_results": "1", "offset": "1"})
    assert [c["text"] for c in page.data] == ["second"]
    narrow = api.get(SR_LIST, {**ref, "fields_set": "text,internal"})
    assert narrow.data[0] == {"text": "first", "internal": True}


def test_list_holds_only_the_records_comments(api, sr, demo):
    from tests.factories import make_service_request

    other = make_service_request()
    api.post(SR_CREATE, {**sr_ref(sr), "text": "mine"})
    api.post(SR_CREATE, {**sr_ref(other), "text": "theirs"})
    listed = api.get(SR_LIST, {"service_request_identifier": f"number={sr.number}"})
    assert [c["text"] for c in listed.data] == ["mine"]


def _comment_with_files(client, token, sr, n: int) -> None:
    files = [SimpleUploadedFile(f"f{i}.txt", b"x") for i in range(2)]
    fields = {"service_request_identifier": f"number={sr.number}", "text": f"c{n}"}
    assert upload(client, token, SR_CREATE, fields, files)[0] == 200


def test_list_query_count_does_not_grow_with_comments(api, client, admin_token, sr):
    ref = {"service_request_identifier": f"number={sr.number}"}
    counts = []
    for total in (2, 9):
        while Comment.objects.count() < total:
            _comment_with_files(client, admin_token, sr, Comment.objects.count())
        with CaptureQueriesContext(connection) as queries:
            response = api.get(SR_LIST, ref)
        assert len(response.data) == total
        assert all(len(c["attachments"]) == 2 for c in response.data)
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


# -- visibility -------------------------------------------------------------------------------


def test_a_record_the_caller_may_not_see_has_no_comments(api, agent_api, restricted_sr):
    api.post(SR_CREATE, {**sr_ref(restricted_sr), "text": "secret"})
    ref = {"service_request_identifier": f"number={restricted_sr.number}"}
    listed = agent_api.get(SR_LIST, ref)
    assert (listed.status_code, listed.code) == (404, "ENTITY_NOT_FOUND")
    assert listed.description.startswith("service_request_identifier:")
    before = snapshot()
    created = agent_api.post(SR_CREATE, {**sr_ref(restricted_sr), "text": "sneaky"})
    assert (created.status_code, created.code) == (404, "ENTITY_NOT_FOUND")
    assert snapshot() == before


def test_the_agent_comments_on_what_the_agent_sees(agent_api, sr):
    response = agent_api.post(SR_CREATE, {**sr_ref(sr), "text": "agent here"})
    assert response.status_code == 200, response.body
    assert response.data["created_by"]["username"] == "agent"


# -- refused parameters -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "code", "param"),
    [
        ({"text": "x"}, "MISSING_MANDATORY_PARAMETER", "service_request_identifier"),
        ({"text": "   "}, "MISSING_MANDATORY_PARAMETER", "text"),
        ({}, "MISSING_MANDATORY_PARAMETER", "text"),
        ({"text": "x", "internal": "maybe"}, "INVALID_PARAMETER", "internal"),
        ({"text": 5}, "INVALID_PARAMETER", "text"),
        ({"text": "x", "colour": "red"}, "INVALID_PARAMETER", "colour"),
        ({"text": "x", "file": "aGVsbG8="}, "INVALID_PARAMETER", "file"),
        ({"text": "x" * 10_001}, "INVALID_PARAMETER", "text"),
    ],
)
def test_refused_json_parameters_are_named(api, sr, body, code, param):
    if param != "service_request_identifier":
        body = {**sr_ref(sr), **body}
    before = snapshot()
    response = api.post(SR_CREATE, body)
    assert (response.status_code, response.code) == (400, code), response.body
    assert response.description.startswith(f"{param}:"), response.description
    assert snapshot() == before


@pytest.mark.parametrize(
    ("fields", "code", "param"),
    [
        ({SR_PARAM: "number"}, "INVALID_IDENTIFIER", SR_PARAM),
        ({SR_PARAM: "colour=red"}, "INVALID_IDENTIFIER", SR_PARAM),
        ({"text": ""}, "MISSING_MANDATORY_PARAMETER", "text"),
        ({"internal": "perhaps"}, "INVALID_PARAMETER", "internal"),
    ],
)
def test_refused_multipart_parameters_are_named(client, admin_token, sr, fields, code, param):
    data = {"service_request_identifier": f"number={sr.number}", "text": "x", **fields}
    before = snapshot()
    status, body = upload(client, admin_token, SR_CREATE, data, [SimpleUploadedFile("a", b"a")])
    assert (status, body["status"]["code"]) == (400, code), body
    assert body["status"]["description"].startswith(f"{param}:")
    assert snapshot() == before


def test_an_identifier_given_twice_in_a_form_is_refused(client, admin_token, sr):
    data = {
        "service_request_identifier": [f"number={sr.number}", f"id={sr.pk}"],
        "text": "x",
        "token": admin_token,
    }
    response = client.post(API + SR_CREATE, data)
    body = json.loads(response.content)
    assert (response.status_code, body["status"]["code"]) == (400, "INVALID_IDENTIFIER")


def test_files_under_another_part_name_are_refused(client, admin_token, sr):
    data = {
        "service_request_identifier": f"number={sr.number}",
        "text": "x",
        "token": admin_token,
        "attachment": SimpleUploadedFile("a.txt", b"a"),
    }
    body = json.loads(client.post(API + SR_CREATE, data).content)
    assert body["status"]["code"] == "INVALID_PARAMETER"
    assert body["status"]["description"].startswith("attachment:")
    assert Comment.objects.count() == 0


def test_other_methods_still_refuse_a_multipart_body(client, admin_token):
    data = {"token": admin_token, "text": "x"}
    response = client.post(API + "service_requests/create", data)
    body = json.loads(response.content)
    assert (response.status_code, body["status"]["code"]) == (400, "INVALID_PARAMETER")
    assert body["status"]["description"].startswith("body:")


def test_comment_create_needs_the_write_permission(client, demo, sr):
    from crm.models import User
    from tests.conftest import Api, token_for

    reader = User.objects.create_user("reader", password="x", default_unit=demo["unit"])
    response = Api(client, token_for(reader)).post(SR_CREATE, {**sr_ref(sr), "text": "x"})
    assert (response.status_code, response.code) == (403, "PERMISSION_DENIED")
    assert Comment.objects.count() == 0
