"""Admin for customers: countries, contacts, accounts receivable, subscriptions.

Contacts, accounts and subscriptions grow with the customer base, so foreign keys to them are
raw id widgets, their changelists skip the unfiltered total (a ``COUNT(*)`` over the whole
table on every page) and search by exact numbers where a prefix scan would be slow.
"""

from django.contrib import admin

from crm.admin import DetailSelectRelatedMixin, NamedConfigAdmin
from customers.models import AccountsReceivable, Contact, Country, Subscription, SubscriptionType


@admin.register(Country)
class CountryAdmin(admin.ModelAdmin):
    """Countries, found by name or by their two- or three-letter code."""

    list_display = ("name", "two_character_code", "three_character_code", "alternative_code")
    list_select_related = ()
    list_filter = (("alternative_code", admin.EmptyFieldListFilter),)
    search_fields = ("name", "=two_character_code", "=three_character_code", "alternative_code")


@admin.register(Contact)
class ContactAdmin(DetailSelectRelatedMixin, admin.ModelAdmin):
    """Contacts (people and companies), found by the start of a name or an exact number."""

    list_display = (
        "name",
        "type",
        "life_cycle_state",
        "email",
        "phone",
        "id_number",
        "country_of_residence",
    )
    list_select_related = ("country_of_residence",)
    list_filter = ("type", "life_cycle_state", "gender")
    search_fields = (
        "^last_name",
        "^first_name",
        "^company_name",
        "=email",
        "=phone",
        "=id_number",
        "=passport_number",
        "=vat_registration_number",
        "=registration_number",
    )
    autocomplete_fields = (
        "passport_issued_by_country",
        "id_issued_by_country",
        "country_of_residence",
    )
    show_full_result_count = False
    detail_select_related = (
        "passport_issued_by_country",
        "id_issued_by_country",
        "country_of_residence",
    )


@admin.register(AccountsReceivable)
class AccountsReceivableAdmin(DetailSelectRelatedMixin, admin.ModelAdmin):
    """Accounts receivable, each owned by a contact."""

    list_display = ("number", "name", "life_cycle_state", "owner")
    list_select_related = ("owner",)
    list_filter = ("life_cycle_state",)
    search_fields = ("number__exact", "name", "owner__id_number__exact", "^owner__last_name")
    raw_id_fields = ("owner", "related_contacts")
    show_full_result_count = False
    detail_select_related = ("owner",)


@admin.register(SubscriptionType)
class SubscriptionTypeAdmin(NamedConfigAdmin):
    """A kind of subscription."""


@admin.register(Subscription)
class SubscriptionAdmin(DetailSelectRelatedMixin, admin.ModelAdmin):
    """Subscriptions of accounts, found by their number or their account's."""

    list_display = (
        "number",
        "accounts_receivable",
        "type",
        "life_cycle_state",
        "rating_state",
        "first_activated_date",
        "deactivated_date",
    )
    list_select_related = ("accounts_receivable", "type")
    list_filter = ("life_cycle_state", "rating_state", "type")
    search_fields = ("number__exact", "accounts_receivable__number__exact")
    search_help_text = "A subscription or account number, exactly."
    raw_id_fields = ("accounts_receivable", "deactivated_by")
    autocomplete_fields = ("type",)
    show_full_result_count = False
    detail_select_related = ("accounts_receivable", "type", "deactivated_by")
