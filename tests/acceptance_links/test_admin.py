"""Support reads acceptance links in the admin; nobody adds, changes or deletes them there."""

from __future__ import annotations

import pytest

from tests.acceptance_links.helpers import CUSTOMER_EMAIL, only_link, responded

pytestmark = pytest.mark.django_db
URL = "/admin/acceptance/acceptancelink/"


def test_links_are_listed_read_only(client, admin_user, django_capture_on_commit_callbacks):
    sr = responded(django_capture_on_commit_callbacks)
    link = only_link(sr)
    client.force_login(admin_user)
    page = client.get(URL)
    assert page.status_code == 200
    text = page.content.decode()
    assert sr.number in text
    assert CUSTOMER_EMAIL in text
    assert client.get(URL + "add/").status_code == 403
    detail = client.get(f"{URL}{link.pk}/change/")
    assert detail.status_code == 200
    assert 'name="_save"' not in detail.content.decode()
    assert client.post(f"{URL}{link.pk}/delete/", {"post": "yes"}).status_code == 403
    assert type(link).objects.filter(pk=link.pk).exists()
