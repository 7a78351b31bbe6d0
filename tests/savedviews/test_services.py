"""Saved views' writes: what is stored, who may change a view, names, sharing rules and the
event every write records."""

from __future__ import annotations

import pytest

from crm.exceptions import EntityNotFound, PermissionDenied, ValidationFailed
from savedviews import selectors, services
from savedviews.models import SavedView, SavedViewEvent
from tests.factories import GroupFactory
from tests.savedviews.conftest import save, snapshot

pytestmark = pytest.mark.django_db


def changes_of(view_id: str) -> list[tuple[str, list]]:
    events = SavedViewEvent.objects.filter(saved_view_id=view_id).order_by("created_at", "pk")
    return [
        (e.action, [(f["name"], f["old"], f["new"]) for f in e.changes.get("fields", [])])
        for e in events
    ]


def test_create_stores_the_query_verbatim_without_paging(demo):
    query = "type=ABC&state=PENDING&state=OPEN&sort=-number&after=XYZ&columns=subject&view=1"
    view = save(demo["admin"], "  My   pending  ", query=query, group=demo["group"])
    stored = SavedView.objects.get(pk=view.pk)
    assert stored.name == "My pending"
    assert (stored.section, stored.queue) == ("sr-queue", "pending")
    assert stored.query == "type=ABC&state=PENDING&state=OPEN&sort=-number&columns=subject"
    assert (stored.owner, stored.shared_with) == (demo["admin"], demo["group"])
    assert changes_of(view.pk) == [
        (
            "create",
            [
                ("name", "—", "My pending"),
                ("section", "—", "sr-queue"),
                ("queue", "—", "pending"),
                ("query", "—", stored.query),
                ("shared_with", "nobody", "Main Group"),
            ],
        )
    ]


def test_a_hand_made_query_is_stored_encoded(demo):
    view = save(demo["admin"], query="q=SR 1\r\nLocation: x&sort=number&before=B")
    assert SavedView.objects.get(pk=view.pk).query == "q=SR%201%0D%0ALocation:%20x&sort=number"


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("", "Give the view a name."),
        ("   ", "Give the view a name."),
        ("x" * 101, "A view's name has at most 100 characters."),
    ],
)
def test_a_name_is_required(demo, name, message):
    before = snapshot()
    with pytest.raises(ValidationFailed) as refused:
        save(demo["admin"], name)
    assert (refused.value.message, refused.value.param) == (message, "name")
    assert snapshot() == before


def test_a_name_is_unique_per_owner_and_section_whatever_its_case(demo):
    save(demo["admin"], "Overdue")
    before = snapshot()
    with pytest.raises(ValidationFailed) as refused:
        save(demo["admin"], "overdue", queue="overdue")
    assert refused.value.message == "You already have a view called “overdue” here."
    assert refused.value.param == "name"
    assert snapshot() == before
    # Another owner, or the jobs' section, may use the name.
    save(demo["agent"], "Overdue")
    jobs = services.saved_view_create(
        user=demo["admin"], name="Overdue", section="job-queue", queue="overdue", query=""
    )
    assert SavedView.objects.filter(name__iexact="overdue").count() == 3
    assert jobs.query == ""


def test_an_unknown_queue_or_section_is_refused(demo):
    before = snapshot()
    for section, queue in (("sr-queue", "nope"), ("sr-detail", "pending"), ("", "")):
        with pytest.raises(ValidationFailed) as refused:
            services.saved_view_create(
                user=demo["admin"], name="X", section=section, queue=queue, query=""
            )
        assert refused.value.message == "There is no such queue to save."
    assert snapshot() == before


def test_a_queue_the_user_may_not_read_is_refused(demo, reader):
    with pytest.raises(PermissionDenied):
        services.saved_view_create(
            user=reader, name="Jobs", section="job-queue", queue="pending", query=""
        )
    assert SavedView.objects.count() == 0


def test_sharing_only_with_a_group_of_the_owner(demo):
    stranger_group = GroupFactory(name="Stranger Group")
    before = snapshot()
    with pytest.raises(ValidationFailed) as refused:
        save(demo["admin"], group=stranger_group)
    assert refused.value.message == "A view can be shared only with a group you belong to."
    assert refused.value.param == "group"
    assert snapshot() == before
    view = save(demo["admin"])
    with pytest.raises(ValidationFailed):
        services.saved_view_share(view=view, user=demo["admin"], group=stranger_group)
    assert SavedView.objects.get(pk=view.pk).shared_with is None


def test_share_unshare_and_rename_record_what_changed(demo):
    admin = demo["admin"]
    view = save(admin, "Pending")
    services.saved_view_share(view=view, user=admin, group=demo["group"])
    services.saved_view_rename(view=view, user=admin, name="Pending of the team")
    services.saved_view_rename(view=view, user=admin, name="Pending of the team")  # no change
    services.saved_view_unshare(view=view, user=admin)
    stored = SavedView.objects.get(pk=view.pk)
    assert (stored.name, stored.shared_with) == ("Pending of the team", None)
    assert changes_of(view.pk)[1:] == [
        ("share", [("shared_with", "nobody", "Main Group")]),
        ("rename", [("name", "Pending", "Pending of the team")]),
        ("unshare", [("shared_with", "Main Group", "nobody")]),
    ]


def test_rename_to_a_taken_name_is_refused(demo):
    save(demo["admin"], "First")
    second = save(demo["admin"], "Second")
    before = snapshot()
    with pytest.raises(ValidationFailed) as refused:
        services.saved_view_rename(view=second, user=demo["admin"], name="FIRST")
    assert refused.value.message == "You already have a view called “FIRST” here."
    assert snapshot() == before


def test_only_the_owner_changes_or_deletes(demo, outsider):
    view = save(demo["admin"], group=demo["group"])
    before = snapshot()
    # A member of the group sees the view but may not change it.
    writes = (
        lambda user: services.saved_view_rename(view=view, user=user, name="Mine now"),
        lambda user: services.saved_view_share(view=view, user=user, group=demo["group"]),
        lambda user: services.saved_view_unshare(view=view, user=user),
        lambda user: services.saved_view_delete(view=view, user=user),
    )
    for write in writes:
        with pytest.raises(PermissionDenied) as refused:
            write(demo["agent"])
        assert refused.value.message == "Only the view's owner may change it."
        # Someone outside the group learns nothing about it.
        with pytest.raises(EntityNotFound):
            write(outsider)
    assert snapshot() == before


def test_delete_removes_the_view_and_keeps_its_event(demo):
    view = save(demo["admin"], "Gone soon", group=demo["group"])
    services.saved_view_delete(view=view, user=demo["admin"])
    assert not SavedView.objects.filter(pk=view.pk).exists()
    assert changes_of(view.pk)[-1] == (
        "delete",
        [
            ("name", "Gone soon", "—"),
            ("section", "sr-queue", "—"),
            ("queue", "pending", "—"),
            ("query", "sort=number", "—"),
            ("shared_with", "Main Group", "nobody"),
        ],
    )
    event = SavedViewEvent.objects.get(saved_view_id=view.pk, action="delete")
    assert (event.name, event.user) == ("Gone soon", demo["admin"])


def test_visible_views_are_mine_and_those_shared_with_my_groups(demo, outsider):
    admin, agent = demo["admin"], demo["agent"]
    mine = save(agent, "Agent's own")
    shared = save(admin, "Team view", group=demo["group"])
    save(admin, "Admin's private")
    save(outsider, "Other team", group=outsider.crm_groups.get())
    names = lambda user: [v.name for v in selectors.saved_view_list(user=user)]  # noqa: E731
    assert names(agent) == ["Agent's own", "Team view"]
    assert names(admin) == ["Admin's private", "Team view"]
    assert names(outsider) == ["Other team"]
    assert selectors.saved_view_detail(user=agent, pk=shared.pk) == shared
    assert selectors.saved_view_detail(user=outsider, pk=shared.pk) is None
    assert selectors.saved_view_detail(user=admin, pk=mine.pk) is None
