"""The staff pages for jobs through the Django test client: a constant number of queries on
every queue and on the detail page (5 rows or 200), sign-in and visibility, keyset pages,
sorting, the action forms (a refusal re-renders with its error) and the create form."""

from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from customers.models import Subscription
from jobs import models as jm
from jobs.queues import QUEUES
from jobs.views import PAGE_SIZE
from products.models import Product, ProductType
from tests.conftest import clear_cache

pytestmark = pytest.mark.django_db

ROW = re.compile(r'<td><a href="/jobs/([^/"]+)/">')
NEXT = re.compile(r'href="([^"]*)" rel="next"')
DEMO_JOB = "JOB000814"  # PENDING and overdue since 2016: in the pending and overdue queues
# The queue -> the make_job state and whether the job is overdue.
IN_QUEUE = {
    "draft": ("DRAFT", False),
    "pending": ("PENDING", False),
    "in-progress": ("IN_PROGRESS", False),
    "overdue": ("IN_PROGRESS", True),
    "all": ("DRAFT", False),
}
ALREADY_LISTED = {"pending": 1, "overdue": 1, "all": 1}  # the demo job


@pytest.fixture
def admin_client(client, demo) -> Client:
    client.force_login(demo["admin"])
    return client


@pytest.fixture
def agent_client(demo) -> Client:
    client = Client()
    client.force_login(demo["agent"])
    return client


@pytest.fixture
def new_job(make_job, demo):
    """``new_job(state, level="public", **create_kwargs)``: make_job, then classified."""

    def make(state: str = "DRAFT", level: str = "public", **kwargs) -> jm.Job:
        job = make_job(state, **kwargs)
        jm.Job.objects.filter(pk=job.pk).update(privacy_level=demo[level])
        job.refresh_from_db()
        return job

    return make


def clone(first: jm.Job, count: int, start: int = 0) -> list[jm.Job]:
    values = {
        f.attname: getattr(first, f.attname)
        for f in jm.Job._meta.concrete_fields
        if f.name not in ("id", "number")
    }
    return jm.Job.objects.bulk_create(
        jm.Job(**values, number=f"{first.number}-{start + i:03d}") for i in range(count)
    )


def add_events(jobs, user, count: int = 1) -> None:
    now = timezone.now()
    jm.JobEvent.objects.bulk_create(
        jm.JobEvent(
            job=job,
            action="update",
            from_state=job.life_cycle_state,
            to_state=job.life_cycle_state,
            from_status=job.status,
            to_status=job.status,
            user=user,
            created_at=now + timedelta(seconds=i),
            note=f"Note {i}",
        )
        for job in jobs
        for i in range(count)
    )


@pytest.fixture
def populate(new_job, demo):
    """``populate(slug, count, first=None)``: ``count`` jobs that queue ``slug`` lists, the
    first through the services (requested items, terms, an event), the others cloned with
    an event each."""

    def add(slug: str, count: int, first: jm.Job | None = None) -> jm.Job:
        state, overdue = IN_QUEUE[slug]
        new = []
        if first is None:
            first = new_job(state)
            if overdue:
                jm.Job.objects.filter(pk=first.pk).update(
                    expected_completion_date=timezone.now() - timedelta(hours=3)
                )
                first.refresh_from_db()
            new, count = [first], count - 1
        start = jm.Job.objects.filter(number__startswith=f"{first.number}-").count()
        add_events([*new, *clone(first, count, start)], demo["admin"])
        return first

    return add


def measure(client: Client, url: str, **headers) -> tuple[int, str, list[str]]:
    clear_cache()  # the navigation counts are cached: measure them every time
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **headers)
    assert response.status_code == 200, response.content[:500]
    sqls = [q["sql"] for q in queries.captured_queries]
    return len(sqls), response.content.decode(), sqls


def rows_of(page: str) -> list[str]:
    return ROW.findall(page)


def error_next_to(page: str, field_id: str) -> str:
    match = re.search(rf'<p class="error" id="{field_id}_error" role="alert">([^<]*)</p>', page)
    assert match, f"no error next to {field_id}"
    return html.unescape(match.group(1))


# -- query counts -------------------------------------------------------------------------------

# Session, user, clearance (4), the page of rows and its capped total (2), the navigation
# (11 + 5 capped counts, All requests and All jobs among them, the user's groups and My
# queue's user, the paused requests At risk and Breached look up: 18), unread notifications
# (1), the sidebar's saved views (2), and the filter
# form's choice lists: statuses, types, categories, users, groups (5). The agent adds its
# permissions and groups (3).
QUEUE_QUERIES = {"admin": 34, "agent": 37}
# The htmx refresh re-renders the list, its total and the counts, not the filter form.
HTMX_QUERIES = {"admin": 27}


@pytest.mark.parametrize("who", ["admin", "agent"])
@pytest.mark.parametrize("slug", list(QUEUES))
def test_queue_query_count_is_the_same_for_5_and_200_rows(demo, populate, slug, who):
    client = Client()
    client.force_login(demo[who])
    url = reverse("job-queue", args=[slug])
    first = populate(slug, 5)

    few, page, _ = measure(client, url)
    assert len(rows_of(page)) == 5 + ALREADY_LISTED.get(slug, 0)
    assert first.number in rows_of(page)

    populate(slug, 195, first=first)
    many, page, sqls = measure(client, url)
    assert len(rows_of(page)) == PAGE_SIZE
    assert 'rel="next"' in page
    assert few == many == QUEUE_QUERIES[who], "\n".join(sqls)


def test_htmx_refresh_query_count_is_the_same_for_5_and_200_rows(admin_client, populate):
    url = reverse("job-queue", args=["draft"]) + "?sort=-number"
    first = populate("draft", 5)
    few, page, _ = measure(admin_client, url, HTTP_HX_REQUEST="true")
    assert page.lstrip().startswith('<div id="queue"')
    populate("draft", 195, first=first)
    many, page, sqls = measure(admin_client, url, HTTP_HX_REQUEST="true")
    assert len(rows_of(page)) == PAGE_SIZE
    assert few == many == HTMX_QUERIES["admin"], "\n".join(sqls)


def products(count: int, type_name: str, tag: str) -> list[Product]:
    kind = ProductType.objects.get(name=type_name)
    return Product.objects.bulk_create(
        Product(code=f"{tag} {i}", product_type=kind) for i in range(count)
    )


def detail_with(new_job, demo, count: int, state: str) -> jm.Job:
    """A job with ``count`` rows in each set and ``count`` events more."""
    job = new_job(state, sets={})
    tag = f"{job.number} {state}"
    goods = products(count, "Accessories", f"{tag} good")
    expenses = products(count, "Expense Type", f"{tag} expense")
    meeting = jm.ActivityType.objects.get(name="Meeting")
    fee = Product.objects.get(code="MFee")
    jm.JobRequestedPhysicalGood.objects.bulk_create(
        jm.JobRequestedPhysicalGood(job=job, product=p, quantity=2) for p in goods
    )
    jm.JobRequestedExpense.objects.filter(job=job).delete()  # the mandatory one
    jm.JobRequestedExpense.objects.bulk_create(
        jm.JobRequestedExpense(job=job, product=p) for p in expenses
    )
    jm.JobRequestedActivityService.objects.bulk_create(
        jm.JobRequestedActivityService(job=job, activity_type=meeting, product=fee)
        for _ in range(count)
    )
    jm.JobPhysicalGood.objects.bulk_create(jm.JobPhysicalGood(job=job, product=p) for p in goods)
    jm.JobExpense.objects.bulk_create(jm.JobExpense(job=job, product=p) for p in expenses)
    jm.JobActivity.objects.bulk_create(
        jm.JobActivity(job=job, activity_type=meeting, product=fee, created_date=timezone.now())
        for _ in range(count)
    )
    jm.JobEvent.objects.filter(job=job).delete()
    add_events([job], demo["admin"], count)
    return job


# Session, user, clearance (4), the job with its seven prefetches (8), what the offered forms
# list (statuses, reasons, products, the requested items to remove, users: by state), the
# navigation (20: 16 capped counts, All requests and All jobs among them), the sidebar's
# saved views (1) and unread notifications (1), after opening the job marked the viewer's
# notifications about it read (1). An open job adds the type's states with a status (1), so
# that a step which could never succeed is not offered.
DETAIL_QUERIES = {"DRAFT": 48, "PENDING": 48, "IN_PROGRESS": 43, "COMPLETED": 35}


@pytest.mark.parametrize("state", list(DETAIL_QUERIES))
def test_detail_query_count_is_the_same_for_5_and_200_rows(admin_client, new_job, demo, state):
    few_job = detail_with(new_job, demo, 5, state)
    many_job = detail_with(new_job, demo, 200, state)

    few, page, _ = measure(admin_client, reverse("job-detail", args=[few_job.number]))
    assert page.count('class="timeline__item"') == 5
    many, page, sqls = measure(admin_client, reverse("job-detail", args=[many_job.number]))
    assert page.count('class="timeline__item"') == 200
    assert page.count(f"{many_job.number} {state} good ") >= 400  # requested and provided
    assert few == many == DETAIL_QUERIES[state], "\n".join(sqls)


# -- sign-in and visibility ---------------------------------------------------------------------


def test_every_page_requires_sign_in(client, demo):
    urls = [
        reverse("job-queue-default"),
        *[reverse("job-queue", args=[slug]) for slug in QUEUES],
        reverse("job-detail", args=[DEMO_JOB]),
        reverse("job-create"),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"] == f"/accounts/login/?next={url}", url
    response = client.post(reverse("job-action", args=[DEMO_JOB, "cancel"]))
    assert response["Location"].startswith("/accounts/login/")
    assert jm.Job.objects.get(number=DEMO_JOB).life_cycle_state == "PENDING"


def test_the_agent_does_not_see_a_restricted_job(admin_client, agent_client, new_job):
    public = new_job("DRAFT")
    restricted = new_job("DRAFT", level="restricted")
    url = reverse("job-queue", args=["draft"]) + "?sort=number"
    assert rows_of(agent_client.get(url).content.decode()) == [public.number]
    assert rows_of(admin_client.get(url).content.decode()) == [public.number, restricted.number]
    assert agent_client.get(reverse("job-detail", args=[restricted.number])).status_code == 404
    response = agent_client.post(reverse("job-action", args=[restricted.number, "cancel"]))
    assert response.status_code == 404
    assert jm.Job.objects.get(pk=restricted.pk).life_cycle_state == "DRAFT"


# -- paging and sorting -------------------------------------------------------------------------


def test_keyset_pages_follow_the_next_link_without_counting(admin_client, new_job):
    first = new_job("DRAFT")
    clone(first, 54)
    expected = sorted(
        jm.Job.objects.filter(number__startswith=first.number).values_list("number", flat=True)
    )
    base = reverse("job-queue", args=["draft"])
    url, seen, pages = base + "?sort=number", [], 0
    while url:
        clear_cache()
        with CaptureQueriesContext(connection) as queries:
            page = admin_client.get(url).content.decode()
        pages += 1
        seen += rows_of(page)
        for query in queries.captured_queries:
            sql = query["sql"].upper()
            assert "COUNT(" not in sql or "LIMIT 100" in sql, sql  # only the capped nav counts
        link = NEXT.search(page)
        url = base + html.unescape(link.group(1)) if link else ""
    assert pages == 3
    assert seen == expected


def test_sorting_links_toggle_the_order(admin_client, new_job):
    jobs = [new_job("DRAFT") for _ in range(3)]
    now = timezone.now()
    for job, days in zip(jobs, (3, 1, 2), strict=True):
        jm.Job.objects.filter(pk=job.pk).update(expected_completion_date=now + timedelta(days))
    base = reverse("job-queue", args=["draft"])
    numbers = [j.number for j in jobs]
    page = admin_client.get(base).content.decode()  # the queue's order: expected completion
    assert rows_of(page) == [numbers[1], numbers[2], numbers[0]]
    assert re.search(r'aria-sort="ascending">\s*<a href="\?sort=-expected"', page)
    page = admin_client.get(base + "?sort=number").content.decode()
    assert rows_of(page) == numbers
    assert re.search(r'aria-sort="ascending">\s*<a href="\?sort=-number"', page)
    page = admin_client.get(base + "?sort=-number").content.decode()
    assert rows_of(page) == numbers[::-1]
    assert re.search(r'aria-sort="descending">\s*<a href="\?sort=number"', page)
    assert 'hx-get="/jobs/queue/draft/?sort=-number"' in page


def test_job_queue_filters_by_the_shared_filterset(admin_client, new_job):
    new_job("DRAFT")
    other = new_job("DRAFT", account="ACR001179")
    base = reverse("job-queue", args=["draft"])
    page = admin_client.get(base + f"?accounts_receivable={other.accounts_receivable_id}")
    assert rows_of(page.content.decode()) == [other.number]


# -- actions ------------------------------------------------------------------------------------


def snapshot(job: jm.Job) -> dict:
    job = jm.Job.objects.get(pk=job.pk)
    return {
        "job": {f.attname: getattr(job, f.attname) for f in jm.Job._meta.concrete_fields},
        "events": list(job.events.values()),
        "subscription": list(Subscription.objects.filter(pk=job.subscription_id).values()),
    }


def status(name: str) -> str:
    return jm.JobStatus.objects.get(name=name).pk


def test_actions_walk_a_job_from_draft_to_completed(admin_client, make_job, demo):
    job = make_job("DRAFT")
    detail = reverse("job-detail", args=[job.number])
    page = admin_client.get(detail).content.decode()
    # Only what the table allows a DRAFT job, each prefilled with the type's default status.
    offered = re.findall(r'<section class="card action" id="action-([a-z_]+)">', page)
    assert offered == ["submit", "cancel", "items", "edit"]
    assert f'<option value="{status("Assigned")}" selected>Assigned</option>' in page
    for action, name, state in (
        ("submit", "Assigned", "PENDING"),
        ("start_progress", "In Progress", "IN_PROGRESS"),
        ("complete", "Completed", "COMPLETED"),
    ):
        # Complete asks first (the page's dialog adds confirmed=1; see tests/pages).
        response = admin_client.post(
            reverse("job-action", args=[job.number, action]),
            {f"{action}-status": status(name), "confirmed": "1"},
        )
        assert response.status_code == 302, action
        assert response["Location"] == detail
        assert jm.Job.objects.get(pk=job.pk).life_cycle_state == state
    page = admin_client.get(detail).content.decode()
    subscription = Subscription.objects.get(pk=job.subscription_id)
    assert (
        f"{job.number} completed; subscription {subscription.number} is no longer effective."
        in (page)
    )
    labels = re.findall(r"<strong>([^<]+)</strong>", page)
    assert labels[-3:] == ["Submitted", "Started", "Complete"]
    assert subscription.life_cycle_state == Subscription.LifeCycleState.NOT_EFFECTIVE
    assert f"{subscription.number} ({subscription.get_life_cycle_state_display()})" in page
    assert "No actions: this job is completed." in page


def test_a_refused_action_shows_its_error_and_changes_nothing(admin_client, make_job):
    job = make_job("IN_PROGRESS")
    # Someone deactivated the subscription meanwhile (another job, say).
    Subscription.objects.filter(pk=job.subscription_id).update(
        life_cycle_state=Subscription.LifeCycleState.NOT_EFFECTIVE
    )
    before = snapshot(job)
    response = admin_client.post(
        reverse("job-action", args=[job.number, "complete"]),
        {"complete-status": status("Completed"), "confirmed": "1"},
    )
    assert response.status_code == 422
    section = re.search(
        r'id="action-complete">(.*?)</section>', response.content.decode(), re.S
    ).group(1)
    assert '<p class="error" role="alert">The subscription is no longer effective.</p>' in section
    assert snapshot(job) == before


def test_a_refused_field_shows_the_error_next_to_it(admin_client, make_job):
    job = make_job("DRAFT")
    before = snapshot(job)
    response = admin_client.post(
        reverse("job-action", args=[job.number, "items"]),
        {"items-add_good": Product.objects.get(code="Material Delivery").pk, "items-quantity": 1},
    )
    assert response.status_code == 422
    assert error_next_to(response.content.decode(), "id_items-add_good") == (
        "Select a valid choice. That choice is not one of the available choices."
    )
    assert snapshot(job) == before


def test_requested_items_are_added_and_removed(admin_client, make_job):
    job = make_job("DRAFT", sets={})
    decoder = Product.objects.get(code="Decoders 1")
    response = admin_client.post(
        reverse("job-action", args=[job.number, "items"]),
        {"items-add_good": decoder.pk, "items-quantity": 3},
    )
    assert response.status_code == 302
    row = jm.JobRequestedPhysicalGood.objects.get(job=job)
    assert (row.product, row.quantity) == (decoder, 3)
    page = admin_client.get(reverse("job-detail", args=[job.number])).content.decode()
    assert "Decoders 1 x3" in page
    response = admin_client.post(
        reverse("job-action", args=[job.number, "items"]),
        {"items-remove": [f"requested_physical_goods_set:{row.pk}"]},
    )
    assert response.status_code == 302
    assert not jm.JobRequestedPhysicalGood.objects.filter(job=job).exists()


# -- create -------------------------------------------------------------------------------------


def test_create_form_is_prefilled_and_creates_a_draft(admin_client, demo):
    page = admin_client.get(reverse("job-create")).content.decode()
    job_type = jm.JobType.objects.get(name="Deactivate Subscription")
    for value, label in ((job_type.pk, "Deactivate Subscription"), (status("Draft"), "Draft")):
        assert f'<option value="{value}" selected>{label}</option>' in page
    # What the browser sends back: each select's preselected option.
    form = {
        name: selected
        for name, options in re.findall(r'<select name="(\w+)"[^>]*>(.*?)</select>', page, re.S)
        for selected in re.findall(r'<option value="([^"]*)" selected>', options)
    }
    assert set(form) == {"type", "status", "billing_term_scheme", "price_plan"}
    response = admin_client.post(
        reverse("job-create"), {**form, "subscription": "s60993", "description": "Moving"}
    )
    assert response.status_code == 302
    job = jm.Job.objects.get(number=response["Location"].split("/")[2])
    assert (job.life_cycle_state, job.subscription.number, job.assigned_to_user) == (
        "DRAFT",
        "S60993",
        demo["admin"],
    )
    # The type's first billing term scheme and one of its price plans.
    terms = job.billing_terms
    assert (terms.billing_term_scheme_id, terms.price_plan_id) == (
        form["billing_term_scheme"],
        form["price_plan"],
    )
    assert terms.billing_term_scheme.price_plans.filter(pk=terms.price_plan_id).exists()
    assert job.description == "Moving"


def test_create_refuses_a_subscription_that_is_not_effective(admin_client, demo):
    Subscription.objects.filter(number="S60993").update(
        life_cycle_state=Subscription.LifeCycleState.NOT_EFFECTIVE
    )
    count = jm.Job.objects.count()
    form = {
        "type": jm.JobType.objects.get(name="Deactivate Subscription").pk,
        "subscription": "S60993",
        "status": status("Draft"),
        "billing_term_scheme": jm.BillingTermScheme.objects.get(code="PJBTS").pk,
        "price_plan": jm.PricePlan.objects.get(code="BPP0614").pk,
    }
    response = admin_client.post(reverse("job-create"), form)
    assert response.status_code == 422
    page = response.content.decode()
    assert error_next_to(page, "id_subscription") == "The subscription is not effective."
    response = admin_client.post(reverse("job-create"), {**form, "subscription": "S1"})
    assert error_next_to(response.content.decode(), "id_subscription") == "No subscription S1."
    assert jm.Job.objects.count() == count
