"""Staff pages of the conversation: the comment form's POST on a request's or a job's page,
and every attachment download (the Web API's ``url`` too)."""

from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views import View

from conversation import selectors, services
from conversation.forms import CommentForm
from crm.actor import Actor
from crm.api import auth
from crm.api.errors import json_error
from crm.exceptions import CrmError, EntityNotFound, InvalidToken
from jobs import views as job_views
from servicerequests import views as sr_views


class CommentMixin:
    """POST the comment form of a record's page (a ``RecordPageView``): the service, then
    back to the conversation with a message; refused, the page again with the errors next
    to the fields."""

    form_prefix = "comment"
    comment_form = None

    def get(self, request, number: str):
        # Reloading the address a refused form left in the bar leads back to the page.
        return redirect(self.detail_url, number=number)

    def post(self, request, number: str):
        record = self.load(number)
        form = CommentForm(request.POST, request.FILES, prefix=self.form_prefix)
        if form.is_valid():
            try:
                services.comment_create(
                    record=record, actor=Actor.of(request.user), **form.service_kwargs()
                )
            except CrmError as error:
                form.add_error(form.field_for(error.param), error.message)
            else:
                messages.success(request, "Comment added.")
                return redirect(reverse(self.detail_url, args=[record.number]) + "#conversation")
        self.comment_form = form
        return self.page(request, self.load(number), status=422)

    def extra_context(self, record, user) -> dict:
        return {**super().extra_context(record, user), "comment_form": self.comment_form}


class ServiceRequestCommentView(CommentMixin, sr_views.DetailView):
    # Adding to a record's conversation is a change to the record (as in the Web API).
    permission_required = sr_views.WRITE


class JobCommentView(CommentMixin, job_views.DetailView):
    permission_required = job_views.WRITE


def _user_of(request):
    """The caller: a token (``token`` parameter or Bearer header) or a staff session."""
    token = request.GET.get("token")
    if token is not None or auth.bearer_token(request) is not None:
        return auth.authenticate(request, token).user
    if request.user.is_authenticated:
        return request.user
    raise InvalidToken(
        "A token or a staff session is required.", param="token", detail="no token was given"
    )


class AttachmentDownloadView(View):
    """One attachment's bytes, to a caller who may read its comment; anyone else gets the
    Web API's ``ENTITY_NOT_FOUND`` (404), whether the file exists or not. Always a download
    with the sniffed type, never rendered: ``Content-Disposition: attachment``, ``nosniff``
    and a policy that lets nothing in it run, should a browser show it anyway."""

    http_method_names = ["get", "head"]

    def get(self, request, attachment_id: str):
        try:
            user = _user_of(request)
        except CrmError as error:
            return json_error(error)
        attachment = selectors.attachment_for_download(user=user, attachment_id=attachment_id)
        try:
            # Opened without asking the storage first whether it exists: on an object store
            # that would be a second request per download.
            content = attachment.file.open("rb") if attachment is not None else None
        except FileNotFoundError:
            content = None
        if content is None:
            return json_error(
                EntityNotFound(
                    "No attachment matches.", param="attachment", detail=f"no {attachment_id!r}"
                )
            )
        response = FileResponse(
            content,
            as_attachment=True,
            filename=attachment.file_name,
            content_type=attachment.content_type,
        )
        response["X-Content-Type-Options"] = "nosniff"
        response["Content-Security-Policy"] = "default-src 'none'; sandbox"
        # Private to this caller: no shared or browser cache may keep it.
        response["Cache-Control"] = "private, no-store"
        return response
