"""The comment object of the Web API (contract section 14)."""

from django.urls import reverse

from conversation.models import Attachment, Comment
from crm.api.representation import Attr, Computed, Date, Id, Many, Nested, Representation
from crm.api.serializers import ID, UserRepr


class AttachmentRepr(Representation):
    """A file of a comment; ``url`` downloads it with the same token or a staff session."""

    model = Attachment
    fields = {
        "id": Id(ID),
        "file_name": Attr("file_name", nullable=False),
        "content_type": Attr(
            "content_type",
            schema={"type": "string", "example": "image/png", "description": "Sniffed."},
            nullable=False,
        ),
        "size": Attr("size", schema={"type": "integer", "description": "Bytes."}, nullable=False),
        "url": Computed(
            lambda row, ctx: reverse("attachment-download", args=[row.pk]),
            schema={"type": "string", "example": "/attachments/48305F8849E3C18B227C5BE3A27BA6DF/"},
            nullable=False,
        ),
    }


class CommentRepr(Representation):
    """A comment of a service request's or a job's conversation."""

    model = Comment
    fields = {
        "id": Id(ID),
        "text": Attr("text", nullable=False),
        "internal": Attr(
            "internal",
            schema={"type": "boolean", "description": "Staff only; false: a customer may see it."},
            nullable=False,
        ),
        "created_date": Date("created_date"),
        "created_by": Nested("created_by", UserRepr),
        "attachments": Many(
            "attachments", AttachmentRepr, fk="comment", order_by=("position", "id")
        ),
    }
