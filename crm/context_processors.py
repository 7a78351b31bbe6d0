"""The staff pages' navigation: every queue with a count, computed once per user per moment."""

from django.core.cache import cache

from crm.registry import QUEUE_SECTIONS

COUNT_CAP = 100  # counts stop at 99+: counting a whole queue of a million rows is not free
COUNT_SECONDS = 15


def _counts(user) -> dict:
    key = f"nav-counts:{user.pk}"
    counts = cache.get(key)
    if counts is None:
        counts = {
            f"{section.url_name}:{queue.slug}": section.count(user, queue, COUNT_CAP)
            for section in QUEUE_SECTIONS
            if user.has_perm(section.permission)
            for queue in section.queues.values()
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
    for section in QUEUE_SECTIONS:
        url = section.url_name
        items = [
            {"slug": q.slug, "label": q.label, "url": url, "count": counts.get(f"{url}:{q.slug}")}
            for q in section.queues.values()
        ]
        if any(item["count"] is not None for item in items):
            sections.append({"title": section.title, "items": items})
    return {
        "nav_sections": sections,
        "count_cap": COUNT_CAP,
        "unread_notifications": _unread(user),
    }


def _unread(user) -> int:
    from crm.models import Notification

    return Notification.objects.visible_to(user).filter(read_at__isnull=True)[:COUNT_CAP].count()
