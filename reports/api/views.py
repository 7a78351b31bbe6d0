"""``reports/service_requests/*`` (contract section 9): each method parses its declared
parameters, calls one report (reports.queries) and renders its rows. Counts follow the
caller's visibility, as the lists do."""

from __future__ import annotations

from crm.api.formats import format_datetime
from crm.api.views import ApiMethod
from reports import queries
from reports.api import params as p
from reports.api import schemas
from reports.periods import moment

# Whoever may list service requests may count them.
READ = "servicerequests.view_servicerequest"


class ReportMethod(ApiMethod):
    """Base of the report methods: GET, read-only, one array of rows."""

    tag = "reports"
    permission = READ
    errors = ("MISSING_MANDATORY_PARAMETER", "INVALID_IDENTIFIER")
    reads_replica = True

    @staticmethod
    def period_rows(rows: list[dict]) -> list[dict]:
        """Rows whose ``period_start`` (a day) goes out in the API's date format."""
        return [
            {**row, "period_start": format_datetime(moment(row["period_start"]))} for row in rows
        ]


class Summary(ReportMethod):
    """Visible service requests counted per group: largest count first, ties by key."""

    method_name = "reports/service_requests/summary"
    summary = "Count service requests per group."
    params = {**p.group_by(required=True), **p.FILTERS}
    response_schema = schemas.SUMMARY

    def handle(self, ctx, params):
        return queries.summary(
            user=ctx.user, group_by=params["group_by"], filters=p.report_filters(params)
        )


class Aging(ReportMethod):
    """Open service requests by wall-clock age since their start date (a future start
    counts as `0-1d`), per group (one row with key null when ungrouped)."""

    method_name = "reports/service_requests/aging"
    summary = "Age of the open service requests, in buckets."
    params = {**p.group_by(required=False), **p.FILTERS}
    response_schema = schemas.AGING

    def handle(self, ctx, params):
        return queries.aging(
            user=ctx.user, group_by=params.get("group_by"), filters=p.report_filters(params)
        )


class Trend(ReportMethod):
    """Per period, none skipped: requests created, completed and cancelled in it, and
    those open at its end (created before it and neither completed nor cancelled by
    then). Periods are days, weeks from Monday or calendar months in the organisation's
    time zone, at most 366."""

    method_name = "reports/service_requests/trend"
    summary = "Created, completed, cancelled and open requests per period."
    params = {**p.PERIOD, **p.FILTERS}
    response_schema = schemas.TREND

    def handle(self, ctx, params):
        rows = queries.trend(
            user=ctx.user,
            period=params["period"],
            date_from=params["date_from"],
            date_to=params["date_to"],
            filters=p.report_filters(params),
        )
        return self.period_rows(rows)


class SlaCompliance(ReportMethod):
    """Per period (and per key when grouped), the requests whose `sla.status` became MET
    or MISSED in it, by the time the clock stopped (final resolution or completion).
    Grouped rows come key by key (most resolved first, ties by key), each key's periods
    in order, none skipped."""

    method_name = "reports/service_requests/sla_compliance"
    summary = "Service levels met and missed per period."
    params = {**p.PERIOD, **p.group_by(required=False), **p.FILTERS}
    response_schema = schemas.SLA_COMPLIANCE

    def handle(self, ctx, params):
        rows = queries.sla_compliance(
            user=ctx.user,
            period=params["period"],
            date_from=params["date_from"],
            date_to=params["date_to"],
            group_by=params.get("group_by"),
            filters=p.report_filters(params),
        )
        return self.period_rows(rows)


VIEWS = [Summary, Aging, Trend, SlaCompliance]
