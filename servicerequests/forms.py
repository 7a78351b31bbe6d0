"""Forms of the staff pages. Each action form is prefilled so that the common case is one
click: the type's default status for the target state, the signed-in user, now."""

from __future__ import annotations

from django import forms
from django.db.models import Q
from django.utils import timezone

from crm.exceptions import MissingParameter
from crm.models import Group, User
from customers.models import AccountsReceivable, Contact
from products.models import Product, ProductType
from servicerequests import models as m
from servicerequests import rules
from servicerequests.rules import related_contacts
from servicerequests.services import Step
from servicerequests.steps import (
    FINAL_RESOLUTION,
    RESPONSE,
    TEMPORARY_RESOLUTION,
    StepKind,
)
from sla import clock as sla_clock
from sla import services as sla_services

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
TEXT = forms.Textarea(attrs={"rows": 3})


def now_local():
    return timezone.localtime().replace(second=0, microsecond=0)


def statuses(sr_type, state: str):
    return m.ServiceRequestStatus.objects.filter(
        pk__in=m.ServiceRequestTypeStatus.objects.filter(
            type=sr_type, life_cycle_state=state
        ).values("status")
    )


def states_with_statuses(sr_type) -> set[str]:
    """The life-cycle states for which the type allows at least one status: an action
    leading elsewhere could never succeed, so the page does not offer it."""
    rows = m.ServiceRequestTypeStatus.objects.filter(type=sr_type)
    return set(rows.values_list("life_cycle_state", flat=True).distinct())


def default_status(sr_type, state: str):
    """The status the service would choose when none is given (the same lookup, so the
    form and the service never disagree), or None: the field then starts empty."""
    try:
        return rules.default_status(sr_type, state, param="status_identifier").pk
    except MissingParameter:
        return None


def acceptors(sr: m.ServiceRequest):
    """Who may accept: the caller and the contacts of the caller's account."""
    return Contact.objects.filter(
        related_contacts(sr.accounts_receivable) | Q(pk=sr.caller_id)
    ).distinct()


class ContactChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.id_number or obj.vat_registration_number or obj.pk[:8]})"


class StatusChoice(forms.ModelChoiceField):
    """A status list that says which statuses pause the service-level clock (section 8):
    choosing one is how an agent puts the countdown on hold."""

    def __init__(self, **kwargs):
        kwargs.setdefault("queryset", m.ServiceRequestStatus.objects.none())
        super().__init__(**kwargs)

    def label_from_instance(self, obj):
        if sla_services.effect(obj) == sla_clock.PAUSE:
            return f"{obj.name} (pauses the clock)"
        return obj.name


class UserChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.display_name


class ActionForm(forms.Form):
    """Base: built for one request and the signed-in user."""

    # API parameter name -> form field, so service errors land next to the right field.
    param_fields: dict[str, str] = {}

    def __init__(self, *args, sr: m.ServiceRequest, user: User, **kwargs):
        self.sr, self.user = sr, user
        super().__init__(*args, **kwargs)

    def field_for(self, param: str | None) -> str | None:
        if not param:
            return None
        for name in (param, param.split(".")[-1]):
            if name in self.param_fields:
                return self.param_fields[name]
        return None


class StepForm(ActionForm):
    """Respond, temporarily resolve or finally resolve."""

    kind: StepKind
    target = ""
    status = StatusChoice()
    category = forms.ModelChoiceField(queryset=m.ResponseCategory.objects.none())
    by = UserChoice(queryset=User.objects.filter(is_active=True), label="By")
    date = forms.DateTimeField(widget=DATETIME, label="Date")
    description = forms.CharField(widget=TEXT, required=False)
    accepted_by = ContactChoice(
        queryset=Contact.objects.none(),
        required=False,
        label="Accepted by the customer (if already)",
    )
    notes = forms.CharField(widget=TEXT, required=False)
    param_fields = {
        "status_identifier": "status",
        "category_identifier": "category",
        "accepted_by_identifier": "accepted_by",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].queryset = statuses(self.sr.type, self.target)
        self.fields["status"].initial = default_status(self.sr.type, self.target)
        self.fields["category"].queryset = getattr(m, self.kind.category_model).objects.all()
        self.fields["by"].initial = self.user.pk
        self.fields["date"].initial = now_local()
        self.fields["accepted_by"].queryset = acceptors(self.sr)

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        step = Step(
            category=data["category"],
            by=data["by"],
            date=data["date"],
            description=data["description"] or None,
            accepted_by=data["accepted_by"],
        )
        return {"status": data["status"], self.kind.name: step, "notes": data["notes"] or None}


def step_form(kind: StepKind) -> type[StepForm]:
    """The form of one step of the registry (servicerequests.steps)."""
    name = f"{kind.action.title().replace('_', '')}Form"
    return type(name, (StepForm,), {"kind": kind, "target": kind.state})


RespondForm = step_form(RESPONSE)
TemporaryResolveForm = step_form(TEMPORARY_RESOLUTION)
FinalResolveForm = step_form(FINAL_RESOLUTION)


class CompleteForm(ActionForm):
    status = StatusChoice()
    notes = forms.CharField(widget=TEXT, required=False)
    param_fields = {"status_identifier": "status"}
    target = m.LifeCycleState.COMPLETED

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].queryset = statuses(self.sr.type, self.target)
        self.fields["status"].initial = default_status(self.sr.type, self.target)

    def service_kwargs(self) -> dict:
        return {"status": self.cleaned_data["status"], "notes": self.cleaned_data["notes"] or None}


class CancelForm(CompleteForm):
    target = m.LifeCycleState.CANCELLED
    reason = forms.ModelChoiceField(queryset=m.CancellationReason.objects.none(), required=False)
    param_fields = {"status_identifier": "status", "cancellation_reason_identifier": "reason"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        rows = m.ServiceRequestTypeCancellationReason.objects.filter(type=self.sr.type)
        self.fields["reason"].queryset = m.CancellationReason.objects.filter(
            pk__in=rows.values("reason")
        )
        self.fields["reason"].initial = (
            rows.filter(is_default=True).values_list("reason", flat=True).first()
        )

    def service_kwargs(self) -> dict:
        return {**super().service_kwargs(), "reason": self.cleaned_data["reason"]}


class AcceptForm(ActionForm):
    accepted_by = ContactChoice(queryset=Contact.objects.none(), label="Accepted by")
    description = forms.CharField(widget=TEXT, required=False)
    param_fields = {"accepted_by_identifier": "accepted_by"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["accepted_by"].queryset = acceptors(self.sr)
        self.fields["accepted_by"].initial = self.sr.caller_id

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {"accepted_by": data["accepted_by"], "description": data["description"] or None}


class AssignForm(ActionForm):
    user = UserChoice(
        queryset=User.objects.filter(is_active=True),
        required=False,
        label="Assign to",
        help_text="Empty: nobody (the group's queue).",
    )
    group = forms.ModelChoiceField(
        queryset=Group.objects.all(), required=False, label="Owned by group"
    )
    param_fields = {"assigned_to": "user", "owned_by_group_identifier": "group"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].initial = self.sr.assigned_to_user_id
        self.fields["group"].initial = self.sr.owned_by_group_id
        if self.sr.privacy_level_id:
            # Only people who could see the request are offered (the service checks the
            # group too, which this form may change at the same time).
            self.fields["user"].queryset = User.objects.filter(
                is_active=True, clearance__number__gte=self.sr.privacy_level.number
            )

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {"assignment": (data["user"], None), "changes": {"owned_by_group": data["group"]}}


class EditForm(ActionForm):
    description = forms.CharField(widget=TEXT, required=False)
    notes = forms.CharField(widget=TEXT, required=False)
    category = forms.ModelChoiceField(queryset=m.ServiceRequestCategory.objects.none())
    urgency_level = forms.ChoiceField(choices=m.UrgencyLevel.choices)
    impact_level = forms.ChoiceField(choices=m.ImpactLevel.choices)
    expected_completion_date = forms.DateTimeField(widget=DATETIME, required=False)
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        label="Reason for moving the date",
        help_text="Needed only when you change the expected completion date; shown on the "
        "timeline.",
    )
    caller_email = forms.EmailField(required=False)
    caller_phone = forms.CharField(max_length=50, required=False)
    param_fields = {
        "category_identifier": "category",
        "expected_completion_date": "expected_completion_date",
        "caller_email": "caller_email",
        "caller_phone": "caller_phone",
        "note": "reason",
    }
    # Fields that are the request's own columns, prefilled from it.
    own_fields = (
        "description",
        "notes",
        "category",
        "urgency_level",
        "impact_level",
        "expected_completion_date",
        "caller_email",
        "caller_phone",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = self.sr.type.categories.all()
        for name in self.own_fields:
            value = getattr(self.sr, name if name != "category" else "category_id")
            self.fields[name].initial = (
                timezone.localtime(value) if name.endswith("date") and value else value
            )

    def clean(self):
        data = super().clean()
        if self.moves_date() and not data.get("reason", "").strip():
            self.add_error("reason", "Say why the expected completion date moves.")
        return data

    def moves_date(self) -> bool:
        """Whether the date typed differs from the stored one, to the minute the field
        shows: an unchanged field must not move the date by its seconds."""
        if "expected_completion_date" not in self.cleaned_data:
            return False  # the field has its own error
        stored = self.sr.expected_completion_date
        shown = timezone.localtime(stored).replace(second=0, microsecond=0) if stored else None
        return self.cleaned_data["expected_completion_date"] != shown

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        changes = {
            name: data[name] or None
            for name in ("description", "notes", "caller_email", "caller_phone")
        }
        changes.update(
            category=data["category"],
            urgency_level=data["urgency_level"],
            impact_level=data["impact_level"],
        )
        kwargs = {"changes": changes, "timing": {}}
        if self.moves_date():
            # The reason goes on the event row of the move (the timeline shows it).
            kwargs["timing"]["expected_completion_date"] = data["expected_completion_date"]
            kwargs["note"] = data["reason"].strip()
        return kwargs


class ChangeStatusForm(ActionForm):
    """Another status of the same life-cycle state: "On Hold" pauses the service-level
    clock, going back to "Pending" resumes it and moves the target by the pause."""

    status = StatusChoice(
        help_text="A status that pauses the clock stops the service-level countdown until "
        "the request moves to another status; the target then moves by the paused time."
    )
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text="Optional; shown on the timeline.",
    )
    param_fields = {"status_identifier": "status", "note": "reason"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].queryset = other_statuses(self.sr)

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {"status": data["status"], "note": data["reason"].strip()}


def other_statuses(sr: m.ServiceRequest):
    """The statuses the request may change to without leaving its state."""
    return statuses(sr.type, sr.life_cycle_state).exclude(pk=sr.status_id)


class ReopenForm(ActionForm):
    """Back from COMPLETED to PENDING (servicerequests.services.reopen), saying why."""

    reason = forms.CharField(widget=TEXT, max_length=1000, help_text="Shown in the timeline.")
    param_fields = {"reason": "reason"}

    def service_kwargs(self) -> dict:
        return {"reason": self.cleaned_data["reason"]}


ACTION_FORMS = {
    "respond": RespondForm,
    "temporary_resolve": TemporaryResolveForm,
    "final_resolve": FinalResolveForm,
    "complete": CompleteForm,
    "cancel": CancelForm,
    "response_accept": AcceptForm,
    "temporary_resolution_accept": AcceptForm,
    "final_resolution_accept": AcceptForm,
    "assign": AssignForm,
    "status": ChangeStatusForm,
    "edit": EditForm,
    "reopen": ReopenForm,
}


BULK_LIMIT = 100  # requests one bulk action may touch: four pages of the queue


class RequestNumbersField(forms.Field):
    """The numbers of the requests ticked in the queue, each once, at most BULK_LIMIT."""

    widget = forms.MultipleHiddenInput
    default_error_messages = {
        "required": "Select at least one request.",
        "too_many": "Select at most %(limit)s requests at a time.",
    }

    def to_python(self, value) -> list[str]:
        values = [value] if isinstance(value, str) else list(value or ())
        return list(dict.fromkeys(v.strip() for v in values if v and v.strip()))

    def validate(self, value) -> None:
        super().validate(value)
        if len(value) > BULK_LIMIT:
            raise forms.ValidationError(
                self.error_messages["too_many"], code="too_many", params={"limit": BULK_LIMIT}
            )


class BulkForm(forms.Form):
    """The queue's bulk action. Nothing is chosen for the person: an action applied to the
    wrong user or group because a list happened to start with it is worse than a question."""

    operation = forms.ChoiceField(
        label="Action",
        choices=[
            ("", "Choose an action…"),
            ("assign_user", "Assign to user"),
            ("assign_group", "Give to group"),
            ("cancel", "Cancel (pending only)"),
        ],
        error_messages={
            "required": "Choose an action.",
            "invalid_choice": "Choose one of the actions in the list.",
        },
    )
    user = UserChoice(
        queryset=User.objects.filter(is_active=True),
        required=False,
        empty_label="Choose a user…",
        error_messages={"invalid_choice": "That user is unknown or not active."},
    )
    group = forms.ModelChoiceField(
        queryset=Group.objects.all(),
        required=False,
        empty_label="Choose a group…",
        error_messages={"invalid_choice": "That group is unknown."},
    )
    selected = RequestNumbersField()

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "bulk-%s")
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            # The page lists names only (the columns display_name reads: one query for the
            # list); a posted choice is fetched whole, for the services.
            names = ("id", "username", "person_name", "first_name", "last_name")
            self.fields["user"].queryset = self.fields["user"].queryset.only(*names)
            self.fields["group"].queryset = self.fields["group"].queryset.only("id", "name")

    def clean(self):
        data = super().clean()
        operation = data.get("operation")
        if operation == "assign_user" and not data.get("user") and "user" not in self.errors:
            self.add_error("user", "Choose the user to assign the requests to.")
        if operation == "assign_group" and not data.get("group") and "group" not in self.errors:
            self.add_error("group", "Choose the group to give the requests to.")
        return data


class CreateForm(forms.Form):
    """A new request; the type decides which statuses, categories and services are offered."""

    type = forms.ModelChoiceField(queryset=m.ServiceRequestType.objects.all())
    account = forms.CharField(label="Account number", max_length=30)
    caller = ContactChoice(
        queryset=Contact.objects.all(), required=False, help_text="Empty: the account owner."
    )
    status = StatusChoice()
    category = forms.ModelChoiceField(queryset=m.ServiceRequestCategory.objects.none())
    urgency_level = forms.ChoiceField(choices=m.UrgencyLevel.choices, initial="URGENCY2")
    impact_level = forms.ChoiceField(choices=m.ImpactLevel.choices, initial="IMPACT2")
    services = forms.ModelMultipleChoiceField(queryset=Product.objects.none(), required=False)
    description = forms.CharField(widget=TEXT, required=False)
    caller_email = forms.EmailField(required=False)
    assign_to_me = forms.BooleanField(required=False, initial=True, label="Assign to me")
    param_fields = {
        "status_identifier": "status",
        "category_identifier": "category",
        "contact_information_identifier": "caller",
        "caller_email": "caller_email",
    }

    def __init__(self, *args, user: User, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)
        self.fields["type"].widget.attrs.update(
            {
                "hx-get": "",
                "hx-target": "#create-form",
                "hx-select": "#create-form",
                "hx-swap": "outerHTML",
                "hx-include": "closest form",
            }
        )
        sr_type = self._chosen_type()
        if sr_type is not None:
            self.fields["status"].queryset = statuses(sr_type, m.LifeCycleState.PENDING)
            self.fields["status"].initial = default_status(sr_type, m.LifeCycleState.PENDING)
            self.fields["category"].queryset = sr_type.categories.all()
            self.fields["services"].queryset = allowed_services(sr_type)

    def _chosen_type(self):
        value = self.data.get("type") or self.initial.get("type")
        return m.ServiceRequestType.objects.filter(pk=value).first() if value else None

    def clean_account(self):
        number = self.cleaned_data["account"].strip()
        account = (
            AccountsReceivable.objects.select_related("owner").filter(number__iexact=number).first()
        )
        if account is None:
            raise forms.ValidationError(f"No account {number}.")
        return account

    field_for = ActionForm.field_for


def allowed_services(sr_type):
    """Services the type allows, one by one or by product type."""
    rows = m.ServiceRequestTypeService.objects.filter(type=sr_type)
    return Product.objects.filter(
        Q(pk__in=rows.values("product")) | Q(product_type__in=rows.values("product_type")),
        product_type__classification=ProductType.Classification.SERVICES,
    )
