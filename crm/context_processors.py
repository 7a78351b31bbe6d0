"""The staff pages' navigation: every queue with a count, computed once per user per moment."""

from crm import queuecounts
from crm.queuecounts import COUNT_CAP
from crm.registry import QUEUE_SECTIONS


def staff_user(request):
    """The signed-in user of a staff page, or None: the admin and the API have no sidebar."""
    user = getattr(request, "user", None)
    if (
        user is None
        or not user.is_authenticated
        or request.path.startswith(("/admin/", "/crmapi/"))
    ):
        return None
    return user


def navigation(request) -> dict:
    """Only for signed-in users on the staff pages (not the admin, not the API)."""
    user = staff_user(request)
    if user is None:
        return {}
    # Cached, but never older than the last write; the listed queue counted now: they agree
    # with the rows (crm.queuecounts says why this way).
    current = getattr(request, "crm_queue", None)  # set by the queue page (KeysetQueueView)
    counts = queuecounts.counts(user, current)
    sections = []
    for section in QUEUE_SECTIONS:
        url = section.url_name
        items = [
            {"slug": q.slug, "label": q.label, "url": url, "count": counts.get(f"{url}:{q.slug}")}
            for q in section.queues.values()
        ]
        if any(item["count"] is not None for item in items):
            sections.append({"title": section.title, "items": items})
    shown = queuecounts.name_of(current)
    return {
        "nav_sections": sections,
        "count_cap": COUNT_CAP,
        "nav_current": shown,
        "nav_current_item": _item_named(sections, shown),
        "unread_notifications": _unread(user),
    }


def _item_named(sections: list, name: str) -> dict | None:
    """The sidebar item of the queue ``name`` (``"<url name>:<slug>"``), if listed."""
    for section in sections:
        for item in section["items"]:
            if f"{item['url']}:{item['slug']}" == name and item["count"] is not None:
                return item
    return None


def _unread(user) -> int:
    from crm.models import Notification

    return Notification.objects.visible_to(user).filter(read_at__isnull=True)[:COUNT_CAP].count()
