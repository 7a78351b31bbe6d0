"""The staff pages' navigation: every queue with a count, computed once per user per moment."""

from django.core.cache import cache

COUNT_CAP = 100  # counts stop at 99+: counting a whole queue of a million rows is not free
COUNT_SECONDS = 15


def _queue_groups():
    from jobs import queues as job_queues
    from servicerequests import queues as sr_queues

    return [
        ("Service requests", "sr-queue", sr_queues.QUEUES, _count_requests),
        ("Jobs", "job-queue", job_queues.QUEUES, _count_jobs),
    ]


def _count_requests(user, queue) -> int:
    from servicerequests.selectors import service_request_list

    return service_request_list(user=user, filters=queue.filters(user))[:COUNT_CAP].count()


def _count_jobs(user, queue) -> int:
    from jobs.selectors import job_list

    return job_list(user=user, filters=queue.filters(user))[:COUNT_CAP].count()


def _counts(user) -> dict:
    key = f"nav-counts:{user.pk}"
    counts = cache.get(key)
    if counts is None:
        counts = {
            f"{url}:{queue.slug}": counter(user, queue)
            for _title, url, queues, counter in _queue_groups()
            if user.has_perm(
                "servicerequests.view_servicerequest" if url == "sr-queue" else "jobs.view_job"
            )
            for queue in queues.values()
        }
        cache.set(key, counts, COUNT_SECONDS)
    return counts


def navigation(request) -> dict:
    """Only for signed-in users on the staff pages (not the admin, not the API)."""
    user = getattr(request, "user", None)
    if (
        user is None
        or not user.is_authenticated
        or request.path.startswith(("/admin/", "/crmapi/"))
    ):
        return {}
    counts = _counts(user)
    sections = []
    for title, url, queues, _counter in _queue_groups():
        items = [
            {"slug": q.slug, "label": q.label, "url": url, "count": counts.get(f"{url}:{q.slug}")}
            for q in queues.values()
        ]
        if any(item["count"] is not None for item in items):
            sections.append({"title": title, "items": items})
    return {
        "nav_sections": sections,
        "count_cap": COUNT_CAP,
        "unread_notifications": _unread(user),
    }


def _unread(user) -> int:
    from crm.models import Notification

    return Notification.objects.visible_to(user).filter(read_at__isnull=True)[:COUNT_CAP].count()
