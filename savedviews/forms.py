"""The saved views' forms: parse what a page posts; the services decide."""

from __future__ import annotations

from django import forms

from crm.exceptions import CrmError
from crm.models import Group
from savedviews.models import NAME_LENGTH

NAME_REQUIRED = {"required": "Give the view a name."}


def group_field(user, **kwargs) -> forms.ModelChoiceField:
    """Personal ("Only me") or one of the user's groups."""
    return forms.ModelChoiceField(
        queryset=Group.objects.filter(members=user).order_by("name"),
        required=False,
        empty_label="Only me",
        label="Share with",
        **kwargs,
    )


class ServiceErrorsMixin:
    """Puts a service's refusal next to the field it names (else above the form)."""

    def add_service_error(self, error: CrmError) -> None:
        field = error.param if error.param in self.fields else None
        self.add_error(field, error.message)


class SaveViewForm(ServiceErrorsMixin, forms.Form):
    """A queue page's "Save view": a name, who it is for, and the page it saves (hidden)."""

    name = forms.CharField(max_length=NAME_LENGTH, error_messages=NAME_REQUIRED)
    section = forms.CharField(widget=forms.HiddenInput)
    queue = forms.CharField(widget=forms.HiddenInput)
    query = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, user, **kwargs):
        kwargs.setdefault("prefix", "saveview")
        super().__init__(*args, **kwargs)
        self.fields["group"] = group_field(user)


class RenameForm(ServiceErrorsMixin, forms.Form):
    name = forms.CharField(max_length=NAME_LENGTH, error_messages=NAME_REQUIRED)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "rename")
        super().__init__(*args, **kwargs)


class ShareForm(ServiceErrorsMixin, forms.Form):
    def __init__(self, *args, user, **kwargs):
        kwargs.setdefault("prefix", "share")
        super().__init__(*args, **kwargs)
        self.fields["group"] = group_field(user)
