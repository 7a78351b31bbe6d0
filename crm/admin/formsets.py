"""Inline formsets of a type's configuration that check a rule across all of its rows: at
most one default per scope, and a default for each life cycle state the type allows."""

from __future__ import annotations

from collections import defaultdict

from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet

from crm.configuration import AllowedState, allowed_states, missing_default_message, quoted_list


class OneDefaultFormSet(BaseInlineFormSet):
    """An inline whose rows may mark at most one default per scope (per life cycle state,
    per type, per "from" status).

    The database enforces the rule with a partial unique constraint, which the inline forms
    cannot check (Django leaves constraints on the parent key out of an inline form's model
    validation, and row by row against the database a move of the default from one row to
    another would look like a clash). So the rule is checked here across every row of the
    inline at once, and saving first clears the flag on every changed row, so that the
    database never holds two defaults on the way to a valid end state, whatever the order in
    which the rows are saved.

    Subclasses set ``label_field`` (the row's choice a clash names) and ``clash_template``
    (the error, with ``{labels}`` for the clashing rows and ``{scope}`` for their scope).
    """

    label_field = ""
    clash_template = ""

    def default_scope(self, cleaned_data: dict):
        """Rows with the same scope share one default; ``None`` skips an incomplete row.
        By default every row of the parent shares one."""
        return "parent"

    def default_label(self, cleaned_data: dict) -> str:
        chosen = cleaned_data.get(self.label_field)
        return chosen.name if chosen else "?"

    def scope_label(self, scope) -> str:
        return str(scope)

    def clash_message(self, scope, labels: list[str]) -> str:
        return self.clash_template.format(labels=quoted_list(labels), scope=self.scope_label(scope))

    def kept_forms(self) -> list:
        """Every filled-in row that is not being deleted."""
        return [
            form
            for form in self.forms
            if getattr(form, "cleaned_data", None) and not self._should_delete_form(form)
        ]

    def kept_rows(self) -> list[dict]:
        """The cleaned data of every filled-in row that is not being deleted."""
        return [form.cleaned_data for form in self.kept_forms()]

    def clean(self):
        super().clean()
        defaults = defaultdict(list)
        # The default as saved first, then the rows newly marked: "“A” and “B” are all
        # marked default" names the one the admin may have forgotten to unmark first.
        kept = sorted(self.kept_forms(), key=lambda form: not form.initial.get("is_default"))
        for data in (form.cleaned_data for form in kept):
            if not data.get("is_default"):
                continue
            scope = self.default_scope(data)
            if scope is not None:
                defaults[scope].append(self.default_label(data))
        errors = [
            self.clash_message(scope, labels)
            for scope, labels in defaults.items()
            if len(labels) > 1
        ]
        if errors:
            raise ValidationError(errors)

    def save_existing_objects(self, commit=True):
        if commit:
            changed = [
                form.instance.pk
                for form in self.initial_forms
                if form.instance.pk and (form in self.deleted_forms or form.has_changed())
            ]
            self.model._default_manager.filter(pk__in=changed, is_default=True).update(
                is_default=False
            )
        return super().save_existing_objects(commit)


def state_labels(allowed_model) -> dict[str, str]:
    """The life cycle states of a type's allowed status rows, in life cycle order, with their
    labels (the order of the model's choices, which is the order of the life cycle)."""
    return dict(allowed_model._meta.get_field("life_cycle_state").choices)


class StatusDefaultsFormSet(OneDefaultFormSet):
    """Allowed statuses of a type: exactly one default for each life cycle state it allows.

    At most one, because records moved to a state without a status given get the default;
    at least one for the same reason: without it, every such move would be refused. Both
    are checked across the rows as they will be saved.
    """

    label_field = "status"
    clash_template = (
        "A type has at most one default status per life cycle state: {labels} are all marked "
        "default for {scope}."
    )

    def default_scope(self, cleaned_data):
        status = cleaned_data.get("status")
        return status.life_cycle_state if status else None

    def scope_label(self, scope):
        return state_labels(self.model).get(scope, scope)

    def allowed(self) -> dict[str, AllowedState]:
        """What the rows, as they will be saved, allow of each state."""
        rows = [
            (data["status"].life_cycle_state, bool(data.get("is_default")), data["status"].name)
            for data in self.kept_rows()
            if data.get("status")
        ]
        return allowed_states(rows)

    def clean(self):
        super().clean()
        allowed = self.allowed()
        errors = [
            missing_default_message(label, allowed[state].names)
            for state, label in state_labels(self.model).items()
            if state in allowed and not allowed[state].has_default
        ]
        if errors:
            raise ValidationError(errors)


class ReasonDefaultsFormSet(OneDefaultFormSet):
    """Allowed cancellation reasons of a type: at most one default."""

    label_field = "reason"
    clash_template = (
        "A type has at most one default cancellation reason: {labels} are all marked default."
    )
