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
    open_ = Q(life_cycle_state__in=RUNNING_STATES, expected_completion_date__isnull=False)
    running = open_ & Q(sla_paused_since__isnull=True)
    on_pause, on_now = _by_status(F("sla_paused_since")), _by_status(now)
    closed = Q(life_cycle_state__in=("FINAL_RESOLVED", "COMPLETED"))
    closed &= Q(expected_completion_date__isnull=False, sla_stopped_at__isnull=False)
    condition = Q(pk__in=[])
    for value in values:
        if value == MET:
            condition |= closed & Q(sla_stopped_at__lte=F("expected_completion_date"))
        elif value == MISSED:
            condition |= closed & Q(sla_stopped_at__gt=F("expected_completion_date"))
        else:
            paused = dict(
                model.objects.filter(
                    open_, on_pause[value], sla_paused_since__isnull=False
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
