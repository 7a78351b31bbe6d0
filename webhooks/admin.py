"""Webhooks in the admin (contract section 11): created here or by the Web API, through the
same service; the secret is shown once, in the message after saving, and afterwards only
its last four characters. Deliveries are read only, with their attempts; "Send again"
queues the selected ones anew (webhooks.services.delivery_redeliver)."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.utils.html import format_html

from crm.actor import Actor
from crm.admin.shared import DetailSelectRelatedMixin, ReadOnlyInline
from crm.exceptions import CrmError
from webhooks import services
from webhooks.models import EVENTS, Delivery, DeliveryAttempt, Webhook

EVENT_CHOICES = [(event, event) for event in EVENTS]


class WebhookForm(forms.ModelForm):
    """The events as checkboxes; on the add page, a secret that may be left blank."""

    url = forms.URLField(
        label="URL",
        max_length=services.MAX_URL,
        assume_scheme="https",
        widget=forms.URLInput(attrs={"size": 80}),
    )
    events = forms.MultipleChoiceField(choices=EVENT_CHOICES, widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = Webhook
        fields = ("url", "events", "description", "is_active")

    def clean_url(self):
        return self._service_check("url", services.check_url)

    def clean_events(self):
        return self._service_check("events", services.check_events)

    def _service_check(self, name, check):
        try:
            return check(self.cleaned_data[name])
        except CrmError as error:
            raise forms.ValidationError(error.message) from None


class WebhookAddForm(WebhookForm):
    secret = forms.CharField(
        required=False,
        max_length=services.MAX_SECRET,
        strip=False,
        help_text="Leave blank to have one generated. It is shown once, after saving.",
    )

    class Meta(WebhookForm.Meta):
        fields = ("url", "events", "secret", "description")


@admin.register(Webhook)
class WebhookAdmin(DetailSelectRelatedMixin, admin.ModelAdmin):
    list_display = ("url", "event_list", "is_active", "created_by_user", "created_date")
    list_filter = ("is_active",)
    search_fields = ("url", "description")

    class Media:
        # The event names are long: one per line, never broken inside a name.
        css = {"all": ["css/admin-webhooks.css"]}

    list_select_related = ("created_by_user",)
    detail_select_related = ("created_by_user",)
    form = WebhookForm

    def get_form(self, request, obj=None, **kwargs):
        kwargs["form"] = WebhookAddForm if obj is None else WebhookForm
        return super().get_form(request, obj, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ("url", "events", "secret", "description")
        return (
            "url",
            "events",
            "description",
            "is_active",
            "secret_hint",
            "created_by_user",
            "created_date",
        )

    def get_readonly_fields(self, request, obj=None):
        return () if obj is None else ("secret_hint", "created_by_user", "created_date")

    @admin.display(description="events")
    def event_list(self, obj):
        return ", ".join(obj.events or ())

    @admin.display(description="secret")
    def secret_hint(self, obj):
        return f"…{obj.secret[-4:]}" if obj.secret else "—"

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        created = services.webhook_create(
            actor=Actor.of(request.user),
            url=obj.url,
            events=obj.events,
            secret=form.cleaned_data.get("secret") or None,
            description=obj.description,
        )
        # The admin goes on with ``obj`` (its log entry, the redirect): the row just made.
        for field in ("id", "secret", "created_by_user_id", "created_date", "is_active"):
            setattr(obj, field, getattr(created, field))
        obj._state.adding, obj._state.db = False, created._state.db
        messages.success(
            request,
            format_html(
                "The secret of this webhook is <code>{}</code>. Copy it now: it is not shown "
                "again.",
                created.secret,
            ),
        )


class AttemptInline(ReadOnlyInline):
    model = DeliveryAttempt
    fields = ("attempted_at", "status_code", "error", "duration_ms")
    readonly_fields = fields


@admin.register(Delivery)
class DeliveryAdmin(DetailSelectRelatedMixin, admin.ModelAdmin):
    """Written by the services and the worker only; admins look, and send again."""

    list_display = (
        "created_at",
        "event",
        "record",
        "webhook",
        "status",
        "attempt_count",
        "next_attempt_at",
        "delivered_at",
    )
    list_filter = ("status", "event", "webhook")
    # Ids and numbers match exactly (an index each).
    search_fields = ("=id", "=service_request__number", "=job__number")
    list_select_related = ("webhook", "service_request", "job")
    detail_select_related = ("webhook", "service_request", "job")
    fields = (
        "id",
        "webhook",
        "event",
        "occurred_date",
        "service_request",
        "job",
        "status",
        "attempt_count",
        "schedule_step",
        "next_attempt_at",
        "delivered_at",
        "created_at",
        "body",
    )
    readonly_fields = fields
    inlines = [AttemptInline]
    actions = ("send_again",)
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_redeliver_permission(self, request):
        return request.user.has_perm("webhooks.change_delivery")

    @admin.display(description="record")
    def record(self, obj):
        return obj.service_request or obj.job

    @admin.action(description="Send again", permissions=("redeliver",))
    def send_again(self, request, queryset):
        actor = Actor.of(request.user)
        deliveries = list(queryset.select_related(None).only("pk"))
        for delivery in deliveries:
            services.delivery_redeliver(delivery=delivery, actor=actor)
        count = len(deliveries)
        noun = "delivery" if count == 1 else "deliveries"
        self.message_user(request, f"{count} {noun} queued to be sent again.", messages.SUCCESS)
