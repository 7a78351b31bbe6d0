"""``service_requests/comments/*`` and ``jobs/comments/*`` (contract section 14).

The record is found through its identifier kind, which applies the caller's visibility: a
record the caller may not see is ``ENTITY_NOT_FOUND``, for its comments as for itself.
"""

from __future__ import annotations

from conversation import selectors, services
from conversation.api.params import Files
from conversation.api.representations import CommentRepr
from crm.actor import Actor
from crm.api.params import Bool, Ident, Text
from crm.api.views import ApiMethod

FILE = "file"


def create_params(record_param: str, kind: str) -> dict:
    return {
        record_param: Ident(kind, required=True),
        "text": Text(required=True, description="The comment; `@username` notifies a user."),
        "internal": Bool(description="Staff only (default true); false: public."),
        FILE: Files(
            description="multipart/form-data only: one part per file, repeated for several; "
            "at most CRM_ATTACHMENT_MAX_MB (default 25) each."
        ),
    }


class CommentCreateMethod(ApiMethod):
    """Base: add a comment, with files when the body is multipart/form-data."""

    verb = "POST"
    creates = True
    representation = CommentRepr
    files = FILE
    errors = ("MISSING_MANDATORY_PARAMETER", "INVALID_IDENTIFIER")
    record_param = ""

    @staticmethod
    def max_file_bytes() -> int:
        """Read by the multipart parser: a larger file stops the upload at once."""
        return services.max_file_bytes()

    def handle(self, ctx, params):
        comment = services.comment_create(
            record=params[self.record_param],
            actor=Actor.of(ctx.user, ctx.unit),
            text=params["text"],
            internal=params.get("internal", True),
            files=params.get(FILE, ()),
        )
        rows = CommentRepr.fetch(type(comment).objects.filter(pk=comment.pk), None)
        return self.render_one(ctx, rows.get(), params)


class CommentListMethod(ApiMethod):
    """Base: a record's comments, oldest first (the order of a conversation)."""

    representation = CommentRepr
    many = True
    paged = True
    paging_note = "Oldest first; `number_of_results` (default 50, at most 500) and `offset`."
    record_param = ""

    def handle(self, ctx, params):
        queryset = selectors.comment_list(user=ctx.user, record=params[self.record_param])
        return self.render_list(ctx, queryset, params)


SR = "service_request_identifier"
JOB = "job_identifier"


class ServiceRequestCommentCreate(CommentCreateMethod):
    """Add a comment to a service request's conversation. Send JSON, or multipart/form-data
    with `file` parts and the identifier flattened as in a GET
    (`service_request_identifier=number=SR00000001`)."""

    method_name = "service_requests/comments/create"
    tag = "service request conversation"
    summary = "Comment on a service request, with attachments."
    # Adding to a record's conversation is a change to the record.
    permission = "servicerequests.change_servicerequest"
    record_param = SR
    params = create_params(SR, "service_request")


class ServiceRequestCommentList(CommentListMethod):
    """A service request's comments."""

    method_name = "service_requests/comments/list"
    tag = "service request conversation"
    summary = "List a service request's comments, oldest first."
    permission = "servicerequests.view_servicerequest"
    record_param = SR
    params = {SR: Ident("service_request", required=True)}


class JobCommentCreate(CommentCreateMethod):
    """Add a comment to a job's conversation. Send JSON, or multipart/form-data with `file`
    parts and the identifier flattened as in a GET (`job_identifier=number=JOB000001`)."""

    method_name = "jobs/comments/create"
    tag = "job conversation"
    summary = "Comment on a job, with attachments."
    permission = "jobs.change_job"
    record_param = JOB
    params = create_params(JOB, "job")


class JobCommentList(CommentListMethod):
    """A job's comments."""

    method_name = "jobs/comments/list"
    tag = "job conversation"
    summary = "List a job's comments, oldest first."
    permission = "jobs.view_job"
    record_param = JOB
    params = {JOB: Ident("job", required=True)}


VIEWS = [ServiceRequestCommentCreate, ServiceRequestCommentList, JobCommentCreate, JobCommentList]
