"""Customer history pages (issue 13, item 3): an account's and a contact's requests and jobs,
newest first, with exact counts by state that only include what the viewer may see (contract
section 6), a state filter, keyset pages, 404s, and the links from the detail pages."""

from __future__ import annotations

import html

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from crm.models import Group
from jobs import models as jm
from jobs.models import JobLifeCycleState as J
from servicerequests.models import LifeCycleState as S
from tests.customers.helpers import counts, customer, job_of, numbers, request_of, sections
from tests.factories import AccountFactory, UserFactory

pytestmark = pytest.mark.django_db

NO_REQUESTS = {"": 0, **dict.fromkeys(S.values, 0)}
NO_JOBS = {"": 0, **dict.fromkeys(J.values, 0)}


def account_url(account, query: str = "") -> str:
    return reverse("customer-account", args=[account.number]) + query


def contact_url(contact, query: str = "") -> str:
    return reverse("customer-contact", args=[contact.pk]) + query


def page_of(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, response.content[:300]
    return response.content.decode()


def signed_in(demo, who: str) -> Client:
    client = Client()
    client.force_login(demo[who])
    return client


# -- counts by state and the rows -------------------------------------------------------------


def test_account_history_counts_every_state_exactly_and_lists_newest_first(demo):
    c = customer()
    account, other = c["account"], AccountFactory()
    made = [
        request_of(account, state)
        for state in (S.PENDING, S.PENDING, S.RESPONDED, S.COMPLETED, S.CANCELLED, S.PENDING)
    ]
    request_of(other)  # another account's: neither counted nor listed
    jobs = [job_of(account, state) for state in (J.DRAFT, J.PENDING, J.DRAFT)]
    job_of(other, J.DRAFT)

    lists = sections(page_of(signed_in(demo, "admin"), account_url(account)))

    assert counts(lists["sr"]) == {
        **NO_REQUESTS,
        "": 6,
        S.PENDING: 3,
        S.RESPONDED: 1,
        S.COMPLETED: 1,
        S.CANCELLED: 1,
    }
    assert numbers(lists["sr"]) == [sr.number for sr in reversed(made)]
    assert counts(lists["job"]) == {**NO_JOBS, "": 3, J.DRAFT: 2, J.PENDING: 1}
    assert numbers(lists["job"]) == [job.number for job in reversed(jobs)]


def test_the_columns_show_subject_type_status_state_assignee_created_and_due(demo):
    c = customer()
    sr = request_of(c["account"], description="Decoder down\nsince Monday", assigned_to_user=None)
    job_of(c["account"], description="\n  Collect the decoder  \nfrom the flat")

    lists = sections(page_of(signed_in(demo, "admin"), account_url(c["account"])))

    cells = lists["sr"].split("<tbody>")[1]
    assert ">Decoder down</span>" in cells
    assert "since Monday</span>" not in cells
    assert "<td>Technical Support</td>\n        <td>Pending</td>" in cells
    assert '<span class="state state--pending">Pending</span>' in cells
    assert "<td>—</td>" in cells  # nobody assigned, and no expected completion
    assert timezone.localtime(sr.created_date).strftime("%Y-%m-%d") in cells
    job_cells = lists["job"].split("<tbody>")[1]
    assert ">Collect the decoder</span>" in job_cells
    assert "<td>Marios Lannister</td>" in job_cells
    assert "<td>2016-07-31 13:31</td>" in job_cells  # JOB000814's expected completion


def test_contact_history_lists_the_callers_requests_and_the_jobs_naming_the_contact(demo):
    c = customer()
    account, owner, relative = c["account"], c["owner"], c["relative"]
    by_owner = request_of(account)
    by_relative = request_of(account, S.RESPONDED, caller=relative)
    elsewhere = AccountFactory(owner=owner)  # the owner's second account
    by_owner_elsewhere = request_of(elsewhere, S.CANCELLED)
    by_phone = job_of(account, contact_phone="555-0100")
    by_email = job_of(account, J.PENDING, contact_email="OWNER@example.com")
    job_of(account, contact_email="relative@example.com")
    job_of(account)  # names nobody
    # The owner's e-mail on an account the owner has nothing to do with: someone else's.
    job_of(AccountFactory(), contact_email="owner@example.com")

    client = signed_in(demo, "admin")
    lists = sections(page_of(client, contact_url(owner)))
    assert numbers(lists["sr"]) == [by_owner_elsewhere.number, by_owner.number]
    assert counts(lists["sr"]) == {**NO_REQUESTS, "": 2, S.PENDING: 1, S.CANCELLED: 1}
    assert numbers(lists["job"]) == [by_email.number, by_phone.number]
    assert counts(lists["job"]) == {**NO_JOBS, "": 2, J.DRAFT: 1, J.PENDING: 1}

    lists = sections(page_of(client, contact_url(relative)))
    assert numbers(lists["sr"]) == [by_relative.number]
    assert counts(lists["job"])[""] == 1


def test_a_contact_without_e_mail_or_phone_has_no_jobs(demo):
    c = customer()
    silent = c["relative"]
    silent.email, silent.phone = "", ""
    silent.save()
    job_of(c["account"], contact_email="", contact_phone="")

    lists = sections(page_of(signed_in(demo, "admin"), contact_url(silent)))
    assert counts(lists["job"]) == NO_JOBS
    assert "No jobs." in lists["job"]


def test_the_headers_link_the_account_and_its_people_both_ways(demo):
    c = customer()
    client = signed_in(demo, "admin")
    page = page_of(client, account_url(c["account"]))
    assert f'href="{contact_url(c["owner"])}"' in page
    assert f'href="{contact_url(c["relative"])}"' in page
    page = page_of(client, contact_url(c["relative"]))
    assert f'related to <a href="{account_url(c["account"])}">' in page


# -- visibility -----------------------------------------------------------------------------------


def test_agent_neither_sees_nor_counts_what_is_hidden_from_them(demo):
    """Restricted (above the agent's clearance) and another group's records: the admin
    counts them, the agent does not, not even in the per-state counts."""
    c = customer()
    account = c["account"]
    stranger_group = Group.objects.create(name="Elsewhere", community=demo["group"].community)
    public = request_of(account, privacy_level=demo["public"])
    restricted = request_of(account, privacy_level=demo["restricted"])
    other_group = request_of(account, S.RESPONDED, owned_by_group=stranger_group)
    public_job = job_of(account, contact_phone="555-0100", privacy_level=None)
    hidden_job = job_of(
        account, J.PENDING, contact_phone="555-0100", privacy_level=demo["restricted"]
    )

    for url in (account_url(account), contact_url(c["owner"])):
        admin = sections(page_of(signed_in(demo, "admin"), url))
        assert counts(admin["sr"]) == {**NO_REQUESTS, "": 3, S.PENDING: 2, S.RESPONDED: 1}
        assert set(numbers(admin["sr"])) == {public.number, restricted.number, other_group.number}
        assert counts(admin["job"]) == {**NO_JOBS, "": 2, J.DRAFT: 1, J.PENDING: 1}

        agent_page = page_of(signed_in(demo, "agent"), url)
        agent = sections(agent_page)
        assert counts(agent["sr"]) == {**NO_REQUESTS, "": 1, S.PENDING: 1}
        assert numbers(agent["sr"]) == [public.number]
        assert counts(agent["job"]) == {**NO_JOBS, "": 1, J.DRAFT: 1}
        assert numbers(agent["job"]) == [public_job.number]
        for hidden in (restricted, other_group, hidden_job):
            assert hidden.number not in agent_page


def test_a_state_filter_shows_no_hidden_row_either(demo):
    c = customer()
    request_of(c["account"], S.CANCELLED, privacy_level=demo["restricted"])
    lists = sections(
        page_of(signed_in(demo, "agent"), account_url(c["account"], "?sr_state=CANCELLED"))
    )
    assert numbers(lists["sr"]) == []
    assert "No cancelled requests." in lists["sr"]


# -- the state filter -----------------------------------------------------------------------------


def test_a_count_links_to_its_state_and_the_other_list_keeps_its_own(demo):
    c = customer()
    account = c["account"]
    pending = [request_of(account) for _ in range(2)]
    request_of(account, S.COMPLETED)
    draft = job_of(account)
    job_of(account, J.CANCELLED)
    client = signed_in(demo, "admin")
    lists = sections(page_of(client, account_url(account)))
    assert 'href="?sr_state=PENDING#sr-history"' in lists["sr"]

    page = page_of(client, account_url(account, "?sr_state=PENDING&job_state=DRAFT"))
    lists = sections(page)
    assert numbers(lists["sr"]) == [sr.number for sr in reversed(pending)]
    assert "Service requests: Pending</h2>" in lists["sr"]
    # The counts stay those of every state; the chosen one is marked.
    assert counts(lists["sr"]) == {**NO_REQUESTS, "": 3, S.PENDING: 2, S.COMPLETED: 1}
    assert 'data-state="PENDING" aria-current="true"' in lists["sr"]
    assert numbers(lists["job"]) == [draft.number]
    # "All" clears this list's filter only; a job count keeps the request filter.
    assert 'href="?job_state=DRAFT#sr-history" data-state=""' in lists["sr"]
    assert 'href="?sr_state=PENDING&amp;job_state=CANCELLED#job-history"' in lists["job"]


def test_a_bad_state_is_said_plainly_and_the_list_shows_every_state(demo):
    c = customer()
    made = [request_of(c["account"]), request_of(c["account"], S.COMPLETED)]
    job = job_of(c["account"])
    client = signed_in(demo, "admin")

    for query in ("?sr_state=BOGUS", "?sr_state=pending", "?sr_state=DRAFT"):
        response = client.get(account_url(c["account"], query + "&job_state=DRAFT"))
        assert response.status_code == 200
        page = response.content.decode()
        value = query.split("=")[1]
        assert (
            html.unescape(page).count(
                f"“{value}” is not a state of requests; showing requests in every state. The "
                "states are: Pending, Responded, Temporary resolved, Final resolved, Completed, "
                "Cancelled."
            )
            == 1
        )
        lists = sections(page)
        assert numbers(lists["sr"]) == [sr.number for sr in reversed(made)]
        assert numbers(lists["job"]) == [job.number]
        assert "sr_state" not in lists["job"]  # the other list's links drop the bad value

    page = page_of(client, contact_url(c["owner"], "?job_state=RESPONDED"))
    assert "“RESPONDED” is not a state of jobs" in html.unescape(page)


# -- keyset pages ---------------------------------------------------------------------------------


def test_each_list_pages_on_its_own(demo):
    c = customer()
    account = c["account"]
    made = [request_of(account) for _ in range(30)]
    newest_first = [sr.number for sr in reversed(made)]
    job = job_of(account)
    client = signed_in(demo, "admin")

    first = sections(page_of(client, account_url(account)))["sr"]
    assert numbers(first) == newest_first[:25]
    assert 'rel="prev"' not in first
    next_url = html.unescape(first.split('rel="next"')[0].rsplit('href="', 1)[1].split('"')[0])
    assert next_url.startswith("?sr_after=")

    page = page_of(client, account_url(account, next_url.split("#")[0]))
    second = sections(page)
    assert numbers(second["sr"]) == newest_first[25:]
    assert 'rel="next"' not in second["sr"]
    assert 'rel="prev"' in second["sr"]
    assert ">First page</a>" in second["sr"]
    assert numbers(second["job"]) == [job.number]  # the jobs list stays on its first page
    assert counts(second["sr"])[""] == 30

    prev_url = second["sr"].split('rel="prev"')[0].rsplit('href="', 1)[1].split('"')[0]
    back = sections(page_of(client, account_url(account, html.unescape(prev_url).split("#")[0])))
    assert numbers(back["sr"]) == newest_first[:25]


def test_the_state_filter_pages_too_and_a_new_state_starts_on_page_one(demo):
    c = customer()
    account = c["account"]
    pending = [request_of(account) for _ in range(27)]
    request_of(account, S.CANCELLED)
    client = signed_in(demo, "admin")
    first = sections(page_of(client, account_url(account, "?sr_state=PENDING")))["sr"]
    next_url = html.unescape(first.split('rel="next"')[0].rsplit('href="', 1)[1].split('"')[0])
    assert next_url.startswith("?sr_state=PENDING&sr_after=")
    second = sections(page_of(client, account_url(account, next_url.split("#")[0])))["sr"]
    assert numbers(second) == [sr.number for sr in reversed(pending)][25:]
    assert 'href="?sr_state=CANCELLED#sr-history"' in second


def test_a_cursor_that_is_not_ours_starts_over(demo):
    c = customer()
    sr = request_of(c["account"])
    lists = sections(page_of(signed_in(demo, "admin"), account_url(c["account"], "?sr_after=%%%")))
    assert numbers(lists["sr"]) == [sr.number]


# -- not found, sign-in, permissions --------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/customers/accounts/ACR404404/",
        "/customers/contacts/00000000000000000000000000000000/",
        "/customers/contacts/not-an-id/",
    ],
)
def test_an_unknown_account_or_contact_is_a_404_page(demo, url):
    response = signed_in(demo, "agent").get(url)
    assert response.status_code == 404
    assert "text/html" in response["Content-Type"]


def test_the_pages_need_a_sign_in(client, demo):
    c = customer()
    for url in (account_url(c["account"]), contact_url(c["owner"])):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"] == f"{reverse('login')}?next={url}"


def test_the_pages_need_a_view_permission_and_show_the_lists_permitted(demo):
    c = customer()
    request_of(c["account"])
    user = UserFactory(clearance=demo["restricted"])
    client = Client()
    client.force_login(user)
    assert client.get(account_url(c["account"])).status_code == 403
    assert client.get(contact_url(c["owner"])).status_code == 403

    user.user_permissions.add(Permission.objects.get(codename="view_servicerequest"))
    lists = sections(page_of(client, account_url(c["account"])))
    assert list(lists) == ["sr"]
    assert counts(lists["sr"])[""] == 1

    user = UserFactory(clearance=demo["restricted"])
    user.user_permissions.add(Permission.objects.get(codename="view_job"))
    client.force_login(user)
    assert list(sections(page_of(client, contact_url(c["owner"])))) == ["job"]


def test_the_pages_are_read_only(demo):
    c = customer()
    response = signed_in(demo, "admin").post(account_url(c["account"]))
    assert response.status_code == 405


# -- the links from the detail pages -----------------------------------------------------------


def test_a_request_page_links_its_account_its_owner_and_its_caller(demo):
    c = customer()
    sr = request_of(c["account"], caller=c["relative"])
    page = page_of(signed_in(demo, "agent"), reverse("sr-detail", args=[sr.number]))
    assert f'<a href="{account_url(c["account"])}">{c["account"].number}</a>' in page
    assert f'<a href="{contact_url(c["relative"])}">{c["relative"].name}</a>' in page
    assert f'<a href="{contact_url(c["owner"])}">{c["owner"].name}</a>' in page


def test_a_job_page_links_its_account_and_the_contact_it_names(demo):
    """JOB000814 names m_antoniadou@crm.com and 99626262: Antoniadou, the owner of its
    account; Anton shares the e-mail but has nothing to do with ACR001179."""
    job = jm.Job.objects.get(number="JOB000814")
    page = page_of(signed_in(demo, "admin"), reverse("job-detail", args=[job.number]))
    antoniadou = "/customers/contacts/FA4A9EF8D7BD4D819B70E8CB1B8FA963/"
    anton = "/customers/contacts/EE621BE231714DFE8CE370261BF6DB25/"
    assert '<a href="/customers/accounts/ACR001179/">ACR001179</a>' in page
    assert f'<dt>Contact</dt><dd><a href="{antoniadou}">Antoniadou Marina</a> · ' in page
    assert anton not in page
    lists = sections(page_of(signed_in(demo, "admin"), antoniadou))
    assert job.number in numbers(lists["job"])
    assert job.number not in page_of(signed_in(demo, "admin"), anton)
