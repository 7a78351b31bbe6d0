"""The service level of a request in words, for the staff pages (contract section 8): the
queue's countdown badge and the detail page's "Service level" card. Same reading as the
Web API's ``sla`` object (sla.api.reading), so the page and the API never disagree."""

from __future__ import annotations

from dataclasses import dataclass

from crm.audit import period
from crm.templatetags.crm_tags import local_dt
from sla import clock
from sla.api import reading

STATUS_WORDS = {
    clock.ON_TRACK: "On track",
    clock.AT_RISK: "At risk",
    clock.BREACHED: "Breached",
    clock.MET: "Met",
    clock.MISSED: "Missed",
}
CLOCK_WORDS = {"RUNNING": "Running", "PAUSED": "Paused", "STOPPED": "Stopped"}
# Badge colour of each status (the CSS classes the due-date badge already has).
BADGE = {clock.ON_TRACK: "ok", clock.AT_RISK: "warn", clock.BREACHED: "late"}


def duration(seconds: int, *, working: bool) -> str:
    """``3h 20m``, ``45m``; around the clock, two days or more read ``2d 4h``. Working time
    stays in hours: a "day" of an 8-hour calendar would read as 24 hours to most people."""
    minutes = abs(seconds) // 60
    if not working and minutes >= 2 * 1440:
        days, rest = divmod(minutes, 1440)
        return f"{days}d {rest // 60}h" if rest // 60 else f"{days}d"
    hours, minutes = divmod(minutes, 60)
    if hours:
        return f"{hours}h {minutes}m" if minutes else f"{hours}h"
    return f"{minutes}m"


@dataclass(frozen=True)
class Badge:
    state: str  # ok, warn, late, paused or none
    text: str
    title: str


def badge(sr, now) -> Badge:
    """The countdown next to the expected completion: working time left, or paused."""
    if sr.expected_completion_date is None or not sr.is_open:
        return Badge("none", "", "")
    now_reading = reading(sr, now)
    remaining = now_reading.remaining_seconds or 0
    working = sr.type.calendar_id is not None
    kind = "working time" if working else "time"
    if now_reading.clock == "PAUSED":
        left = duration(remaining, working=working)
        return Badge("paused", f"paused · {left} left", f"The clock is paused; {kind} left")
    if now_reading.status == clock.BREACHED:
        over = duration(remaining, working=working)
        return Badge("late", f"{over} over", f"Breached: {kind} past the target")
    state = BADGE.get(now_reading.status, "ok")
    left = duration(remaining, working=working)
    return Badge(state, f"{left} left", f"{STATUS_WORDS[now_reading.status]}: {kind} left")


def summary(sr, now) -> list[tuple[str, str]]:
    """The detail page's lines: status, clock, calendar, target, elapsed, paused, remaining,
    at-risk and breach moments, response target."""
    now_reading = reading(sr, now)
    working = sr.type.calendar_id is not None
    calendar = sr.type.calendar
    lines = [
        ("Status", STATUS_WORDS.get(now_reading.status, "No target")),
        ("Clock", _clock(sr, now_reading)),
        ("Calendar", f"{calendar.name} ({calendar.time_zone})" if calendar else "Around the clock"),
        ("Target", period(sr) or "—"),
    ]
    lines.append(("Elapsed", duration(now_reading.elapsed_seconds, working=working)))
    lines.append(("Paused", duration(now_reading.paused_seconds, working=working)))
    remaining = now_reading.remaining_seconds
    if remaining is not None:
        text = duration(remaining, working=working)
        lines.append(("Remaining", text if remaining >= 0 else f"none: {text} over"))
    lines += _moments(sr)
    return lines


def _clock(sr, now_reading) -> str:
    words = CLOCK_WORDS[now_reading.clock]
    if now_reading.clock == "PAUSED" and sr.sla_paused_since:
        return f"{words} since {local_dt(sr.sla_paused_since)} ({sr.status.name})"
    return f"{words} ({sr.status.name})"


def _moments(sr) -> list[tuple[str, str]]:
    lines = []
    if sr.sla_at_risk_date:
        lines.append(("At risk from", local_dt(sr.sla_at_risk_date)))
    if sr.expected_completion_date:
        lines.append(("Breached at", local_dt(sr.expected_completion_date)))
    if sr.sla_response_due_date:
        response = f"due {local_dt(sr.sla_response_due_date)}"
        if sr.sla_responded_at:
            response += f", responded {local_dt(sr.sla_responded_at)}"
        lines.append(("Response", response))
    return lines
