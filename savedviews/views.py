"""Staff pages of saved views: save a queue page, open a view, rename, share, delete.
Every write goes through savedviews.services; a view someone may not open is a 404."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views import View

from crm.exceptions import CrmError
from crm.staff_views import Confirmation, confirmation_step, is_confirmed
from savedviews import selectors, services
from savedviews.forms import RenameForm, SaveViewForm, ShareForm
from savedviews.queries import Target, section_for


def open_url(view) -> str:
    return reverse("savedview-open", args=[view.pk])


def queue_url(view) -> str | None:
    """The queue page with the view's query and the ``view`` marker (its heading)."""
    target = Target.of(view)
    if not target.exists:
        return None
    query = f"{view.query}&view={view.pk}" if view.query else f"view={view.pk}"
    return f"{target.url()}?{query}"


def delete_question(view) -> Confirmation:
    shared = f" {view.shared_with.name} will no longer see it." if view.shared_with else ""
    return Confirmation(
        f"Delete the saved view “{view.name}”?{shared} The queue itself stays as it is.",
        "Yes, delete the view",
    )


class SaveView(LoginRequiredMixin, View):
    """POST of a queue page's "Save view" form; a refusal shows the form with its message."""

    def get(self, request):
        return redirect("home")

    def post(self, request):
        form = SaveViewForm(request.POST, user=request.user)
        if form.is_valid():
            data = form.cleaned_data
            try:
                view = services.saved_view_create(user=request.user, **data)
            except CrmError as error:
                form.add_service_error(error)
            else:
                messages.success(request, f"View “{view.name}” saved.")
                return redirect(open_url(view))
        context = {"form": form, "back": self.back(form)}
        return render(request, "savedviews/save_view.html", context, status=422)

    def back(self, form) -> str:
        """The queue page the form came from, as it was (home if its fields were edited)."""
        section = section_for(form.data.get("saveview-section", ""))
        slug = form.data.get("saveview-queue", "")
        if section is None or slug not in section.queues:
            return reverse("home")
        url = reverse(section.url_name, args=[slug])
        query = form.data.get("saveview-query", "")
        return f"{url}?{query}" if query else url


class OpenView(LoginRequiredMixin, View):
    """A view's link: its queue with its query, for the owner and its group's members."""

    def get(self, request, pk: str):
        view = selectors.saved_view_detail(user=request.user, pk=pk)
        if view is None:
            raise Http404("No such saved view")
        url = queue_url(view)
        if url is None:
            messages.error(request, f"The queue the view “{view.name}” shows no longer exists.")
            mine = view.owner_id == request.user.pk
            return redirect("savedview-edit", pk=view.pk) if mine else redirect("home")
        return redirect(url)


class ManageView(LoginRequiredMixin, View):
    """The owner's page of a view: rename, share or make personal, delete."""

    def owned(self, pk: str):
        view = selectors.saved_view_detail(user=self.request.user, pk=pk)
        if view is None or view.owner_id != self.request.user.pk:
            raise Http404("No such saved view")
        return view

    def get(self, request, pk: str):
        return self.page(request, self.owned(pk))

    def page(self, request, view, status: int = 200, **forms):
        user = request.user
        context = {
            "view": view,
            "queue_url": queue_url(view),
            "rename_form": forms.get("rename") or RenameForm(initial={"name": view.name}),
            "share_form": forms.get("share")
            or ShareForm(user=user, initial={"group": view.shared_with_id}),
            "ask": delete_question(view),
            "confirming": forms.get("confirming"),
        }
        return render(request, "savedviews/manage.html", context, status=status)


class RenameView(ManageView):
    def post(self, request, pk: str):
        view = self.owned(pk)
        form = RenameForm(request.POST)
        if form.is_valid():
            try:
                services.saved_view_rename(view=view, user=request.user, **form.cleaned_data)
            except CrmError as error:
                form.add_service_error(error)
            else:
                messages.success(request, "View renamed.")
                return redirect(open_url(view))
        return self.page(request, self.owned(pk), 422, rename=form)


class ShareView(ManageView):
    def post(self, request, pk: str):
        view = self.owned(pk)
        form = ShareForm(request.POST, user=request.user)
        if form.is_valid():
            group = form.cleaned_data["group"]
            try:
                if group is None:
                    services.saved_view_unshare(view=view, user=request.user)
                else:
                    services.saved_view_share(view=view, user=request.user, group=group)
            except CrmError as error:
                form.add_service_error(error)
            else:
                shared = f"shared with {group.name}" if group else "personal"
                messages.success(request, f"View “{view.name}” is now {shared}.")
                return redirect(open_url(view))
        return self.page(request, self.owned(pk), 422, share=form)


class DeleteView(ManageView):
    """Asks first: the page's dialog (data-confirm) or, without JavaScript, this page."""

    def post(self, request, pk: str):
        view = self.owned(pk)
        if not is_confirmed(request):
            back = reverse("savedview-edit", args=[view.pk])
            step = confirmation_step(request, delete_question(view), back=back)
            return self.page(request, view, confirming=step)
        after = Target.of(view)
        try:
            services.saved_view_delete(view=view, user=request.user)
        except CrmError as error:  # deleted meanwhile, from another tab
            messages.error(request, error.message)
            return redirect("home")
        messages.success(request, f"View “{view.name}” deleted.")
        return redirect(after.url() if after.exists else "home")
