"""Forms of the job staff pages, prefilled so the common case is one click: the type's
default status for the target state, the signed-in user."""

from __future__ import annotations

from django import forms

from crm.exceptions import ValidationFailed
from crm.models import User
from customers.models import AccountsReceivable, Subscription
from jobs import services
from jobs.models import (
    BillingTermScheme,
    Job,
    JobCancellationReason,
    JobLifeCycleState,
    JobStatus,
    JobType,
    JobTypeCancellationReason,
    JobTypeStatus,
    PricePlan,
)
from jobs.scopes import CREATABLE
from jobs.services import checks
from products.models import Product

S = JobLifeCycleState
TEXT = forms.Textarea(attrs={"rows": 3})


def statuses(job_type, state: str):
    rows = JobTypeStatus.objects.filter(type=job_type, life_cycle_state=state)
    return JobStatus.objects.filter(pk__in=rows.values("status"))


def states_with_statuses(job_type) -> set[str]:
    """The life-cycle states for which the type allows at least one status: an action
    leading elsewhere could never succeed, so the page does not offer it."""
    rows = JobTypeStatus.objects.filter(type=job_type)
    return set(rows.values_list("life_cycle_state", flat=True).distinct())


def default_status(job_type, states: list[str]):
    """The status the service would choose when none is given (the same lookup, so the
    form and the service never disagree), or None: the field then starts empty."""
    try:
        return checks.default_status(job_type, states, param="status_identifier").pk
    except ValidationFailed:
        return None


class UserChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.display_name


class JobForm(forms.Form):
    """Base: built for one job and the signed-in user."""

    param_fields: dict[str, str] = {}

    def __init__(self, *args, job: Job, user: User, **kwargs):
        self.job, self.user = job, user
        super().__init__(*args, **kwargs)

    def field_for(self, param: str | None) -> str | None:
        if not param:
            return None
        for name in (param, param.split(".")[-1].split("[")[0]):
            if name in self.param_fields:
                return self.param_fields[name]
        return None


class StatusForm(JobForm):
    """Move to ``target``: submit (DRAFT to PENDING), start, complete."""

    target = ""
    status = forms.ModelChoiceField(queryset=JobStatus.objects.none())
    param_fields = {"status_identifier": "status"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].queryset = statuses(self.job.type, self.target)
        self.fields["status"].initial = default_status(self.job.type, [self.target])

    def service_kwargs(self) -> dict:
        return {"status": self.cleaned_data["status"]}


class SubmitForm(StatusForm):
    target = S.PENDING


class StartForm(StatusForm):
    target = S.IN_PROGRESS


class CompleteForm(StatusForm):
    target = S.COMPLETED


class CancelForm(StatusForm):
    target = S.CANCELLED
    reason = forms.ModelChoiceField(queryset=JobCancellationReason.objects.none(), required=False)
    cancel_provided_items = forms.BooleanField(
        required=False, help_text="Also remove the goods and expenses already provided."
    )
    param_fields = {"status_identifier": "status", "cancellation_reason_identifier": "reason"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        rows = JobTypeCancellationReason.objects.filter(type=self.job.type)
        self.fields["reason"].queryset = JobCancellationReason.objects.filter(
            pk__in=rows.values("reason")
        )
        self.fields["reason"].initial = (
            rows.filter(is_default=True).values_list("reason", flat=True).first()
        )

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "status": data["status"],
            "reason": data["reason"],
            "cancel_provided_items": data["cancel_provided_items"],
        }


class ItemsForm(JobForm):
    """Add a requested good or expense, or remove requested items (DRAFT and PENDING)."""

    add_good = forms.ModelChoiceField(
        queryset=Product.objects.none(), required=False, label="Add physical good"
    )
    quantity = forms.IntegerField(min_value=1, max_value=1000, initial=1, required=False)
    add_expense = forms.ModelChoiceField(
        queryset=Product.objects.none(), required=False, label="Add expense"
    )
    remove = forms.MultipleChoiceField(
        choices=(), required=False, widget=forms.CheckboxSelectMultiple, label="Remove"
    )
    param_fields = {
        "requested_physical_goods_set": "add_good",
        "requested_expenses_set": "add_expense",
        "product_identifier": "add_good",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        job_type = self.job.type
        self.fields["add_good"].queryset = Product.objects.filter(
            pk__in=job_type.allowed_physical_goods.values("product")
        )
        self.fields["add_expense"].queryset = Product.objects.filter(
            pk__in=job_type.allowed_expenses.values("product")
        )
        self.fields["remove"].choices = [
            (f"{name}:{row.pk}", label) for name, row, label in self.existing()
        ]

    def existing(self):
        for row in self.job.requested_physical_goods.select_related("product"):
            yield "requested_physical_goods_set", row, f"{row.product.code} x{row.quantity}"
        for row in self.job.requested_expenses.select_related("product"):
            yield "requested_expenses_set", row, f"{row.product.code} (expense)"
        for row in self.job.requested_activity_services.select_related("product", "activity_type"):
            yield (
                "requested_activity_services_set",
                row,
                (f"{row.activity_type.name}: {row.product.code}"),
            )

    def service_kwargs(self) -> dict:
        data, changes = self.cleaned_data, {}
        for value in data["remove"]:
            name, row_id = value.split(":", 1)
            path = f"{name}[{len(changes.get(name, []))}]"
            changes.setdefault(name, []).append(
                services.SetChange("REMOVE", path, row=services.RowRef(path, id=row_id))
            )
        if data["add_good"]:
            item = services.GoodItem(data["add_good"], data["quantity"] or 1)
            changes.setdefault("requested_physical_goods_set", []).append(
                services.SetChange("ADD", "requested_physical_goods_set[0]", item=item)
            )
        if data["add_expense"]:
            item = services.ExpenseItem(data["add_expense"])
            changes.setdefault("requested_expenses_set", []).append(
                services.SetChange("ADD", "requested_expenses_set[0]", item=item)
            )
        return {"set_changes": changes}


class EditForm(JobForm):
    description = forms.CharField(widget=TEXT, required=False)
    note = forms.CharField(widget=TEXT, required=False, help_text="Added to the notes, signed.")
    assignee = UserChoice(queryset=User.objects.filter(is_active=True), required=False)
    param_fields = {"assigned_to": "assignee", "description": "description", "notes": "note"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["description"].initial = self.job.description
        self.fields["assignee"].initial = self.job.assigned_to_user_id

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        attributes = {"description": data["description"] or None}
        if data["note"]:
            attributes["notes"] = data["note"]
        kwargs = {"attributes": attributes}
        if data["assignee"] and data["assignee"].pk != self.job.assigned_to_user_id:
            kwargs["assigned_to"] = services.Assignment(user=data["assignee"])
        return kwargs


ACTION_FORMS = {
    "submit": SubmitForm,
    "start_progress": StartForm,
    "complete": CompleteForm,
    "cancel": CancelForm,
    "items": ItemsForm,
    "edit": EditForm,
}


class CreateForm(forms.Form):
    """A deactivate-subscription job: the subscription decides the account."""

    type = forms.ModelChoiceField(
        # The scopes this project creates jobs of (jobs.scopes).
        queryset=JobType.objects.filter(fulfillment_scope__in=CREATABLE)
    )
    subscription = forms.CharField(label="Subscription number", max_length=30)
    status = forms.ModelChoiceField(
        queryset=JobStatus.objects.filter(life_cycle_state__in=[S.DRAFT, S.PENDING])
    )
    billing_term_scheme = forms.ModelChoiceField(
        queryset=BillingTermScheme.objects.all(),
        required=False,
        help_text="Billable types need billing terms.",
    )
    price_plan = forms.ModelChoiceField(queryset=PricePlan.objects.all(), required=False)
    description = forms.CharField(widget=TEXT, required=False)
    note = forms.CharField(widget=TEXT, required=False)
    param_fields = {
        "status_identifier": "status",
        "subscription_identifier": "subscription",
        "billing_terms": "billing_term_scheme",
        "price_plan_identifier": "price_plan",
        "billing_term_scheme_identifier": "billing_term_scheme",
    }

    def __init__(self, *args, user: User, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)
        job_type = self.fields["type"].queryset.first()
        if job_type is not None:
            self.fields["type"].initial = job_type.pk
            # The service's own default for a create: DRAFT's, else PENDING's.
            self.fields["status"].initial = default_status(job_type, [S.DRAFT, S.PENDING])
            scheme = job_type.billing_term_schemes.first()
            if scheme is not None:
                self.fields["billing_term_scheme"].initial = scheme.pk
                self.fields["price_plan"].initial = scheme.price_plans.values_list(
                    "pk", flat=True
                ).first()

    def clean_subscription(self):
        number = self.cleaned_data["subscription"].strip()
        subscription = (
            Subscription.objects.select_related("accounts_receivable")
            .filter(number__iexact=number)
            .first()
        )
        if subscription is None:
            raise forms.ValidationError(f"No subscription {number}.")
        return subscription

    field_for = JobForm.field_for

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        subscription = data["subscription"]
        terms = None
        if data["billing_term_scheme"] or data["price_plan"]:
            terms = services.BillingTermsInput(data["billing_term_scheme"], data["price_plan"])
        attributes = {"description": data["description"] or None}
        if data["note"]:
            attributes["notes"] = data["note"]
        return {
            "type": data["type"],
            "accounts_receivable": AccountsReceivable.objects.get(
                pk=subscription.accounts_receivable_id
            ),
            "subscription": subscription,
            "status": data["status"],
            "billing_terms": terms,
            "assigned_to": services.Assignment(user=self.user),
            "attributes": attributes,
        }
