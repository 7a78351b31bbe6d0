"""Saved views on the staff pages: the "Save view" form on each queue page, opening a view
by its link (404 for anyone else), its name as the page's heading, and deletion that asks
first."""

from __future__ import annotations

import html
import re

import pytest
from django.urls import reverse

from savedviews.models import SavedView
from tests.pages.pagetools import confirm_step, form_fields, hidden_fields, messages_of
from tests.savedviews.conftest import save, signed_in, snapshot

pytestmark = pytest.mark.django_db

H1 = re.compile(r"<h1>(.*?)</h1>", re.S)


def heading(page: str) -> str:
    return html.unescape(H1.search(page).group(1)).strip()


def error_of(page: str, field_id: str) -> str:
    match = re.search(rf'<p class="error" id="{field_id}_error" role="alert">([^<]*)</p>', page)
    assert match, f"no error next to {field_id}"
    return html.unescape(match.group(1))


@pytest.mark.parametrize(
    ("url", "section", "queue"),
    [
        ("/requests/queue/pending/?state=PENDING&sort=-number&after=abc", "sr-queue", "pending"),
        ("/jobs/queue/draft/?q=JOB&sort=number", "job-queue", "draft"),
    ],
)
def test_save_the_queue_page_as_it_is(demo, url, section, queue):
    client = signed_in(demo["admin"])
    page = client.get(url).content.decode()
    fields = form_fields(page, "save-view")
    assert fields == {
        "saveview-section": section,
        "saveview-queue": queue,
        "saveview-query": url.split("?", 1)[1],
        "saveview-name": "",
        "saveview-group": "",
    }
    # The group choices are "Only me" and the admin's one group.
    assert re.findall(r'<option value="([^"]*)"', page.split('id="save-view"')[1])[:2] == [
        "",
        demo["group"].pk,
    ]
    response = client.post(
        reverse("savedview-create"),
        {**fields, "saveview-name": "Team", "saveview-group": demo["group"].pk},
    )
    view = SavedView.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("savedview-open", args=[view.pk])
    assert (view.name, view.section, view.queue) == ("Team", section, queue)
    assert view.query == url.split("?", 1)[1].replace("&after=abc", "")
    assert view.shared_with == demo["group"]


def test_a_refused_save_says_why_next_to_the_field(demo):
    save(demo["admin"], "Taken")
    client = signed_in(demo["admin"])
    data = form_fields(
        client.get("/requests/queue/pending/?sort=number").content.decode(), "save-view"
    )
    before = snapshot()
    for name, message in (
        ("", "Give the view a name."),
        ("taken", "You already have a view called “taken” here."),
    ):
        response = client.post(reverse("savedview-create"), {**data, "saveview-name": name})
        page = response.content.decode()
        assert response.status_code == 422
        assert error_of(page, "id_saveview-name") == message
        assert 'href="/requests/queue/pending/?sort=number"' in page  # back to the queue
    assert snapshot() == before


def test_opening_a_view_shows_its_queue_its_query_and_its_name(demo):
    view = save(
        demo["admin"], "Team pending", query="sort=-number&columns=subject", group=demo["group"]
    )
    for user in (demo["admin"], demo["agent"]):
        client = signed_in(user)
        response = client.get(reverse("savedview-open", args=[view.pk]))
        target = f"/requests/queue/pending/?sort=-number&columns=subject&view={view.pk}"
        assert (response.status_code, response["Location"]) == (302, target)
        page = client.get(target).content.decode()
        assert heading(page) == "Team pending"
        assert f'href="/views/{view.pk}/" aria-current="page"' in page
        # Only the owner is offered to change it.
        assert (f'href="/views/{view.pk}/edit/"' in page) == (user == demo["admin"])
    # Once the sort changes the page says so; without the marker it is the plain queue.
    page = client.get(f"/requests/queue/pending/?sort=number&view={view.pk}").content.decode()
    assert "(changed since it was opened)" in page
    assert (
        heading(client.get("/requests/queue/pending/?sort=-number").content.decode()) == "Pending"
    )


def test_an_outsider_gets_404_everywhere(demo, outsider):
    view = save(demo["admin"], "Private to the team", group=demo["group"])
    client = signed_in(outsider)
    before = snapshot()
    for name in ("open", "edit", "rename", "share", "delete"):
        url = reverse(f"savedview-{name}", args=[view.pk])
        assert client.get(url).status_code == 404, name
        if name not in ("open", "edit"):
            assert client.post(url, {"rename-name": "x", "confirmed": "1"}).status_code == 404
    # The marker on a queue page does not show another's view either.
    page = client.get(f"/requests/queue/pending/?view={view.pk}").content.decode()
    assert heading(page) == "Pending"
    assert "Private to the team" not in page
    assert snapshot() == before


def test_a_member_may_open_but_not_manage(demo):
    view = save(demo["admin"], group=demo["group"])
    client = signed_in(demo["agent"])
    before = snapshot()
    assert client.get(reverse("savedview-edit", args=[view.pk])).status_code == 404
    response = client.post(reverse("savedview-delete", args=[view.pk]), {"confirmed": "1"})
    assert response.status_code == 404
    assert snapshot() == before


def test_delete_asks_first(demo):
    view = save(demo["admin"], "Old", group=demo["group"])
    client = signed_in(demo["admin"])
    page = client.get(reverse("savedview-edit", args=[view.pk])).content.decode()
    question = (
        "Delete the saved view “Old”? Main Group will no longer see it."
        " The queue itself stays as it is."
    )
    assert f'data-confirm="{question}"' in html.unescape(page)
    before = snapshot()
    # Without JavaScript the first POST gets the question, and nothing is deleted.
    response = client.post(reverse("savedview-delete", args=[view.pk]))
    step = confirm_step(response.content.decode())
    assert response.status_code == 200
    assert question in step
    assert hidden_fields(step) == [("confirmed", "1")]
    assert snapshot() == before
    response = client.post(reverse("savedview-delete", args=[view.pk]), dict(hidden_fields(step)))
    assert (response.status_code, response["Location"]) == (302, "/requests/queue/pending/")
    assert not SavedView.objects.filter(pk=view.pk).exists()
    assert messages_of(client.get(response["Location"]).content.decode()) == [
        ("success", "View “Old” deleted.")
    ]


def test_rename_and_share_on_the_owners_page(demo):
    view = save(demo["admin"], "Old")
    save(demo["admin"], "Taken")
    client = signed_in(demo["admin"])
    response = client.post(reverse("savedview-rename", args=[view.pk]), {"rename-name": "taken"})
    assert response.status_code == 422
    assert error_of(response.content.decode(), "id_rename-name") == (
        "You already have a view called “taken” here."
    )
    response = client.post(reverse("savedview-rename", args=[view.pk]), {"rename-name": "New"})
    assert response["Location"] == reverse("savedview-open", args=[view.pk])
    client.post(reverse("savedview-share", args=[view.pk]), {"share-group": demo["group"].pk})
    view.refresh_from_db()
    assert (view.name, view.shared_with) == ("New", demo["group"])
    client.post(reverse("savedview-share", args=[view.pk]), {"share-group": ""})
    view.refresh_from_db()
    assert view.shared_with is None


def test_a_view_whose_queue_is_gone_does_not_break(demo):
    view = save(demo["admin"], "Gone queue")
    SavedView.objects.filter(pk=view.pk).update(queue="no-longer-there")
    client = signed_in(demo["admin"])
    response = client.get(reverse("savedview-open", args=[view.pk]))
    assert response["Location"] == reverse("savedview-edit", args=[view.pk])
    page = client.get(response["Location"]).content.decode()
    assert messages_of(page) == [
        ("error", "The queue the view “Gone queue” shows no longer exists.")
    ]
    assert '<span class="count" aria-label="queue no longer exists">–</span>' in page
