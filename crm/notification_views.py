"""The notification preferences page: per kind, in the app only or in the app and by mail."""

from __future__ import annotations

import logging

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import redirect, render
from django.views import View

from crm import services
from crm.models import DEFAULT_CHANNELS, Notification, NotificationPreference

logger = logging.getLogger(__name__)
Channel = NotificationPreference.Channel


class PreferencesForm(forms.Form):
    """One choice per kind, starting from the user's stored choice or the kind's default."""

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        stored = dict(user.notification_preferences.values_list("kind", "channel"))
        for kind in Notification.Kind:
            default = DEFAULT_CHANNELS[kind]
            self.fields[kind.value] = forms.ChoiceField(
                label=kind.label.capitalize(),
                choices=Channel.choices,
                widget=forms.RadioSelect,
                initial=stored.get(kind.value, default),
                help_text=f"Default: {Channel(default).label}.",
            )


class NotificationPreferencesView(LoginRequiredMixin, View):
    template_name = "crm/notification_preferences.html"

    def get(self, request):
        form = PreferencesForm(user=request.user)
        return render(request, self.template_name, {"form": form})

    def post(self, request):
        form = PreferencesForm(request.POST, user=request.user)
        if not form.is_valid():
            return render(request, self.template_name, {"form": form}, status=422)
        changed = services.notification_preferences_save(
            user=request.user, channels=form.cleaned_data
        )
        messages.success(request, _saved(changed))
        if changed:
            logger.info("notification preferences of %s: %s", request.user.pk, changed)
        return redirect("notification-preferences")


def _saved(changed: list[tuple]) -> str:
    """The message after saving, naming each change ("Customer declined: in-app only")."""
    if not changed:
        return "Nothing changed."
    parts = [
        f"{Notification.Kind(k).label.capitalize()}: {Channel(new).label}" for k, _, new in changed
    ]
    return "Preferences saved. " + "; ".join(parts) + "."
