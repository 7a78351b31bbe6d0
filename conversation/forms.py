"""The comment form of the request and job pages (contract section 14)."""

from __future__ import annotations

from django import forms

from crm.api.params import MAX_TEXT


class MultipleFileInput(forms.FileInput):
    """``<input type=file multiple>``: several files chosen at once."""

    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """A list of uploaded files (possibly empty); their number and size are the comment
    service's rules, so the page and the Web API refuse the same files."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(upload, initial) for upload in data if upload]
        return [single(data, initial)] if data else []


class CommentForm(forms.Form):
    """Text, internal (on by default: most comments are between staff), files."""

    text = forms.CharField(
        label="Comment",
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Write @username to notify someone.",
    )
    internal = forms.BooleanField(label="Internal (staff only)", required=False, initial=True)
    files = MultipleFileField(label="Attach files")

    # The service's parameter names (the Web API's) and the fields that show their errors.
    FIELDS = {"text": "text", "internal": "internal", "file": "files"}

    def field_for(self, param: str | None) -> str | None:
        return self.FIELDS.get(param or "")

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {"text": data["text"], "internal": data["internal"], "files": data["files"]}
