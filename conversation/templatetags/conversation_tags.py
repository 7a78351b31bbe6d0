"""The conversation on a record's page: its comments in the timeline, and the form."""

from django import template

from conversation import selectors
from conversation.forms import CommentForm
from conversation.services import COMMENT_ADDED

register = template.Library()

COMMENT_URLS = {"service_request": "sr-comment", "job": "job-comment"}


@register.simple_tag(takes_context=True)
def with_comments(context, events):
    """``events`` (a record's timeline, oldest first), each "Comment added" event carrying
    its comment as ``event.comment``: the comments sit in the timeline at their time, in
    two queries however many there are (none without comments)."""
    events = list(events)
    ids = {
        event.changes.get("comment")
        for event in events
        if event.action == COMMENT_ADDED and isinstance(event.changes, dict)
    }
    ids.discard(None)
    if not ids:
        return events
    comments = selectors.comments_by_id(user=context["request"].user, ids=ids)
    for event in events:
        if event.action == COMMENT_ADDED:
            event.comment = comments.get(event.changes.get("comment"))
    return events


@register.inclusion_tag("conversation/comment_form.html", takes_context=True)
def comment_form(context, record, form=None):
    """The form that adds a comment to ``record``; ``form``: a refused one, with errors."""
    return {
        "csrf_token": context.get("csrf_token"),
        "url_name": COMMENT_URLS[record.RECORD_KEY],
        "number": record.number,
        "form": form or CommentForm(prefix="comment"),
    }
