"""The ``sla_status`` filter of the lists and queues (contract section 8): the rules of
``sla.clock.read`` as conditions on the stored facts, in a form the indexes can answer."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import F, Q

from sla.clock import AT_RISK, BREACHED, MET, MISSED, ON_TRACK, RUNNING_STATES


def _by_status(moment) -> dict:
    """Each open status as a condition on a request judged at ``moment`` (a value, or the
    start of its pause as an expression)."""
    return {
        BREACHED: Q(expected_completion_date__lte=moment),
        AT_RISK: Q(expected_completion_date__gt=moment, sla_at_risk_date__lte=moment),
        ON_TRACK: Q(expected_completion_date__gt=moment) & ~Q(sla_at_risk_date__lte=moment),
    }


# Open with a target: the clock runs or pauses. Final-resolved or completed with a target
# and a stop: MET or MISSED by the time of that stop.
_OPEN = Q(life_cycle_state__in=RUNNING_STATES, expected_completion_date__isnull=False)
_CLOSED = Q(
    life_cycle_state__in=("FINAL_RESOLVED", "COMPLETED"),
    expected_completion_date__isnull=False,
    sla_stopped_at__isnull=False,
)
FINAL = {
    MET: _CLOSED & Q(sla_stopped_at__lte=F("expected_completion_date")),
    MISSED: _CLOSED & Q(sla_stopped_at__gt=F("expected_completion_date")),
}


def status_conditions(now: datetime) -> dict[str, Q]:
    """Each ``sla.status`` as one condition at ``now``, the rules ``status_filter``
    applies, for grouping in SQL (a CASE: reports.groupings). A paused request is judged
    at the start of its pause, as a condition on its row rather than by a lookup first:
    fine for a CASE that reads every row anyway, not for a queue's range read."""
    running = _OPEN & Q(sla_paused_since__isnull=True)
    paused = _OPEN & Q(sla_paused_since__isnull=False)
    on_pause, on_now = _by_status(F("sla_paused_since")), _by_status(now)
    conditions = {
        value: (running & on_now[value]) | (paused & on_pause[value])
        for value in (ON_TRACK, AT_RISK, BREACHED)
    }
    return {**conditions, **FINAL}


def status_filter(queryset, values, now: datetime):
    """The requests of ``queryset`` whose ``sla.status`` is one of ``values`` at ``now``:
    the rules of ``read`` on the stored facts; a paused request is judged at the start of
    its pause.

    Paused requests are few: they are looked up first (one query, through their partial
    index) and named by id. Running ones are compared with ``now`` directly, so that with a
    single status the open-due index answers the range in order: the at-risk queue reads
    the rows just after now and the paused ones' own targets, not every breached row before
    them (a comparison with ``COALESCE(paused_since, now)`` took 1.2 s on 1,000,000
    requests; see bench/results-sla.md)."""
    model = queryset.model
    running = _OPEN & Q(sla_paused_since__isnull=True)
    on_pause, on_now = _by_status(F("sla_paused_since")), _by_status(now)
    condition = Q(pk__in=[])
    for value in values:
        if value in FINAL:
            condition |= FINAL[value]
        else:
            paused = dict(
                model.objects.filter(
                    _OPEN, on_pause[value], sla_paused_since__isnull=False
                ).values_list("pk", "expected_completion_date")
            )
            either = (running & on_now[value]) | Q(pk__in=list(paused))
            condition |= _bounded(either, value, now, paused.values())
    return queryset.filter(condition)


def _bounded(condition, value: str, now: datetime, paused_due):
    """``condition`` with a range on the expected completion every match lies in, which
    the index can start from: after now, or after the earliest paused match's target."""
    if value == BREACHED:
        return condition & Q(expected_completion_date__lte=now)
    earliest = min([now, *paused_due]) - timedelta(microseconds=1)
    return condition & Q(expected_completion_date__gt=earliest)
