"""Saved views: a staff queue's query string kept under a name, personal or shared."""

from django.db import models
from django.db.models.functions import Lower

from crm.models.base import Entity

NAME_LENGTH = 100
QUERY_LENGTH = 2000


class SavedViewQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The user's own views and those shared with one of their CRM groups."""
        groups = user.crm_groups.values("pk")
        return self.filter(models.Q(owner=user) | models.Q(shared_with__in=groups))


class SavedView(Entity):
    """A queue page as someone left it: which queue section (``section``, the url name a
    ``crm.registry.QueueSection`` registers, e.g. ``sr-queue``), which queue it starts from
    (``queue``, a slug of that section) and the page's query string (filters, ``sort``,
    ``columns``), kept verbatim but without paging cursors.

    Personal, or shared with one CRM group (``shared_with``) whose members may open it; only
    the owner changes it. Opening it applies the opener's own visibility to the rows.
    """

    name = models.CharField(max_length=NAME_LENGTH)
    section = models.CharField(max_length=40)
    queue = models.SlugField(max_length=50)
    query = models.TextField(blank=True, default="")
    owner = models.ForeignKey("crm.User", on_delete=models.CASCADE, related_name="saved_views")
    # A deleted group leaves its views with their owner, personal again.
    shared_with = models.ForeignKey(
        "crm.Group",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="saved_views",
    )
    created_date = models.DateTimeField()
    updated_date = models.DateTimeField()

    objects = SavedViewQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            # "Overdue" and "overdue" side by side in one sidebar would only confuse.
            models.UniqueConstraint(
                "owner", "section", Lower("name"), name="savedview_owner_section_name_uniq"
            )
        ]

    def __str__(self):
        return self.name


class SavedViewEvent(Entity):
    """One write to a saved view: who, when, which action and what changed field by field
    (``changes`` as crm.audit writes them). It outlives the view: ``saved_view`` keeps the
    deleted view's id (no database constraint) and ``name`` its name at that moment."""

    saved_view = models.ForeignKey(
        SavedView,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="events",
    )
    name = models.CharField(max_length=NAME_LENGTH)
    action = models.CharField(max_length=20)
    user = models.ForeignKey(
        "crm.User", on_delete=models.SET_NULL, null=True, related_name="+", db_index=False
    )
    created_at = models.DateTimeField()
    changes = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self):
        return f"{self.name} {self.action} {self.created_at:%Y-%m-%d %H:%M}"
