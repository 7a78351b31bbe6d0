"""Working-time arithmetic on business calendars (contract section 8): ``checks`` (bounds and
input checks), ``windows`` (weekly windows), ``calendar`` (the arithmetic), ``always`` (24x7).

The single place where service-level deadlines are computed. Pure Python: no Django, no
database, only ``datetime``, ``zoneinfo`` and ``dataclasses``.

A ``Calendar`` is a time zone, weekly working windows in local wall-clock time (several per
weekday allowed) and holidays (one-off dates and dates recurring every year). ``ALWAYS`` is
the calendar of a type without one: around the clock, in UTC, plain elapsed time.

Model. Each working window of a local day is turned into intervals of real (UTC) time;
working time is the real time elapsed inside those intervals, so a 00:00-24:00 window lasts
23 hours on a spring-forward day and 25 hours on a fall-back day. Arithmetic walks these
intervals one day at a time (never minute by minute); the intervals of a day are cached on
the calendar, which is immutable.

Rules chosen where the contract is silent (the tests pin each one):

* Intervals are half-open, ``[start, end)``: 09:00 is working, 17:00 is not.
* A target that is used up exactly at the end of a window is due at that end (Friday 17:00),
  not at the start of the next window (Monday 09:00). A target of 0 is due at the next
  working moment.
* Daylight saving: working time is the real time during which the local wall clock reads a
  time inside a window of that local day. A window covering a skipped hour is an hour
  shorter (its start, if skipped, is the instant of the jump); one covering a repeated hour
  counts both passes (03:30-05:00 when clocks go back from 04:00 to 03:00: 03:30-04:00
  before the change plus 03:30-05:00 after it, 2 hours).
* Every unit counts from the next working moment of the start (a start outside working
  hours counts from the next working moment).
* DAYS: the same local wall-clock time on the n-th next working day (a weekday with at least
  one window that is not a holiday), then the next working moment. So on a calendar whose
  Friday ends at 13:00, 1 DAYS from Thursday 15:00 is Monday 09:00: Friday 15:00 is not
  working, and the next working moment after it is Monday 09:00 (the day is not counted
  twice). WEEKS: 5 working days each.
* MONTHS and YEARS: calendar months on the local wall clock, the day clamped to the month's
  length (31 January + 1 month = 28/29 February), then the next working moment.
* ``subtract_seconds(end, n)`` is the earliest moment ``t <= end`` with
  ``working_seconds(t, end) == n``: an hour before Monday 10:00 is Friday 17:00, when the
  week's working time runs out, since over the weekend only that hour is left (AT_RISK for a
  warning period begins then).
* Every wrong input raises ``ValueError``: naive datetimes, unknown units, negative or
  non-integer values, targets or spans past 50 years, and a calendar without any working
  time in 400 consecutive days. No loop is unbounded.
* Results are aware datetimes in UTC; microseconds of the inputs are kept.
"""

from sla.workingtime.always import ALWAYS, AlwaysCalendar
from sla.workingtime.calendar import Calendar
from sla.workingtime.checks import MAX_YEARS, UNITS
from sla.workingtime.windows import Window

__all__ = ["ALWAYS", "MAX_YEARS", "UNITS", "AlwaysCalendar", "Calendar", "Window"]
