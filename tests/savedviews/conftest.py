"""Fixtures of the saved views' tests: the demo's users and group, an outsider, a helper
that saves a view through the service."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.test import Client

from savedviews import services
from savedviews.models import SavedView, SavedViewEvent
from tests.factories import GroupFactory, UserFactory


@pytest.fixture
def outsider(demo):
    """A user who reads requests like the agent but belongs to no group of the demo."""
    user = UserFactory(username="outsider", clearance=demo["restricted"])
    user.groups.set(demo["agent"].groups.all())
    user.crm_groups.set([GroupFactory(name="Other Group")])
    return user


@pytest.fixture
def reader(demo):
    """Reads requests only: the permission the request queues need."""
    user = UserFactory(username="reader")
    user.user_permissions.add(Permission.objects.get(codename="view_servicerequest"))
    return user


def save(user, name="Pending TECH", *, queue="pending", query="sort=number", group=None):
    return services.saved_view_create(
        user=user, name=name, section="sr-queue", queue=queue, query=query, group=group
    )


def snapshot() -> list[tuple]:
    """Every view and event as it stands: a refused write must leave both alone."""
    views = list(SavedView.objects.order_by("pk").values_list())
    events = list(SavedViewEvent.objects.order_by("pk").values_list())
    return [*views, *events]


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client
