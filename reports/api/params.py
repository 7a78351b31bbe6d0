"""The parameters of the report methods and their translation into the FilterSet's filters
(servicerequests.filtersets: the queues' and the lists' names)."""

from __future__ import annotations

from datetime import date

from django.utils import timezone

from crm.api.params import Bool, DateTime, Enum, EnumList, Ident
from crm.filtering import YEARS
from reports.groupings import GROUP_BY
from reports.periods import MAX_PERIODS, PERIODS
from servicerequests.models import LifeCycleState


class Day(DateTime):
    """A day, ``YYYY-MM-DD`` (a date with a time means its day in the organisation's
    time zone)."""

    openapi_type = {"type": "string", "format": "date", "example": "2026-12-01"}

    def parse(self, raw, path, source) -> date:
        moment = super().parse(raw, path, source)
        # Checked before the move to local time, which overflows at year 1 and 9999 (a
        # 500 before), and after it: beyond these a period's bounds would overflow the
        # database's dates.
        if not YEARS[0] <= moment.year <= YEARS[1]:
            raise self.invalid(path, f"the year must be from {YEARS[0]} to {YEARS[1]}")
        day = timezone.localtime(moment, timezone.get_default_timezone()).date()
        if not YEARS[0] <= day.year <= YEARS[1]:
            raise self.invalid(path, f"the year must be from {YEARS[0]} to {YEARS[1]}")
        return day


FILTERS = {
    "type_identifier": Ident("service_request_type", description="Only requests of this type."),
    "owned_by_group_identifier": Ident("group", description="Only requests this group owns."),
    "life_cycle_state": EnumList(
        LifeCycleState.values, description="Only requests in one of these states."
    ),
    "created_date_from": DateTime(description="Only requests created at or after this."),
    "created_date_to": DateTime(description="Only requests created at or before this."),
    "open_only": Bool(description="true: only open requests (not completed or cancelled)."),
}


def group_by(*, required: bool) -> dict:
    """The ``group_by`` parameter: mandatory for the summary, optional elsewhere."""
    return {
        "group_by": Enum(
            GROUP_BY, required=required, description="What the requests are grouped by."
        )
    }


PERIOD = {
    "period": Enum(PERIODS, required=True, description="Days, weeks from Monday, or months."),
    "date_from": Day(required=True, description="The first period holds this day."),
    "date_to": Day(
        required=True,
        description=f"The last period holds this day (at most {MAX_PERIODS} periods).",
    ),
}


def report_filters(params: dict) -> dict:
    """The FilterSet's filters of a report's parameters."""
    filters: dict = {}
    if params.get("type_identifier"):
        filters["type"] = params["type_identifier"].pk
    if params.get("owned_by_group_identifier"):
        filters["group"] = params["owned_by_group_identifier"].pk
    if params.get("life_cycle_state"):
        filters["state"] = list(params["life_cycle_state"])
    if params.get("created_date_from"):
        filters["created_from"] = params["created_date_from"]
    if params.get("created_date_to"):
        filters["created_to"] = params["created_date_to"]
    if params.get("open_only"):
        filters["open"] = True
    return filters
