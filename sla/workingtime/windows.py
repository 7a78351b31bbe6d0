"""Weekly working windows: a weekday and a span of local wall-clock minutes."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sla.workingtime.checks import MINUTES_PER_DAY, WEEKDAY_NAMES, _hhmm, _parse_hhmm


@dataclass(frozen=True, order=True)
class Window:
    """A weekly working window: ``weekday`` 0 = Monday ... 6 = Sunday; ``start`` and ``end`` in
    minutes from local midnight, ``0 <= start < end <= 1440`` (1440 is 24:00, the end of the
    day). A window ends the day it starts; one crossing midnight must be split in two."""

    weekday: int
    start: int
    end: int

    def __post_init__(self) -> None:
        for field, value in (("weekday", self.weekday), ("start", self.start), ("end", self.end)):
            if not isinstance(value, int) or isinstance(value, bool):
                raise ValueError(f"Window {field} must be an integer, not {value!r}.")
        if not 0 <= self.weekday <= 6:
            raise ValueError(
                f"Window weekday must be 0 (Monday) to 6 (Sunday), not {self.weekday}."
            )
        if not 0 <= self.start < MINUTES_PER_DAY or not 0 <= self.end <= MINUTES_PER_DAY:
            raise ValueError(
                f"Window {self.label()}: times must be between 00:00 and 24:00, "
                "the start before 24:00."
            )
        if self.end == 0 and self.start > 0:
            raise ValueError(
                f"Window {self.label()} ends at 00:00, before it starts: write 24:00 for the end "
                "of the day (a window crossing midnight must be split into two windows, one each "
                "day)."
            )
        if self.end < self.start:
            raise ValueError(
                f"Window {self.label()} crosses midnight: split it into two windows, one each day "
                f"(e.g. {_hhmm(self.start)}-24:00 and 00:00-{_hhmm(self.end)} the next day)."
            )
        if self.end == self.start:
            raise ValueError(f"Window {self.label()} is empty: its end must be after its start.")

    @classmethod
    def parse(cls, weekday: int, start: str, end: str) -> Window:
        """A window from "HH:MM" texts, e.g. ``Window.parse(0, "09:00", "24:00")``."""
        return cls(weekday, _parse_hhmm(start), _parse_hhmm(end))

    def label(self) -> str:
        day = WEEKDAY_NAMES[self.weekday] if 0 <= self.weekday <= 6 else f"day {self.weekday}"
        return f"{day} {_hhmm(self.start)}-{_hhmm(self.end)}"

    def __str__(self) -> str:
        return self.label()


def _check_windows(windows: Iterable[Window]) -> tuple[Window, ...]:
    """The windows sorted; overlapping ones are refused (touching ones are fine)."""
    result = tuple(windows)
    for window in result:
        if not isinstance(window, Window):
            raise ValueError(f"Not a Window: {window!r}.")
    result = tuple(sorted(result))
    if not result:
        raise ValueError(
            "A calendar needs at least one working window: it would never reach any target."
        )
    for index in range(1, len(result)):
        before, after = result[index - 1], result[index]
        if before.weekday == after.weekday and after.start < before.end:
            raise ValueError(
                f"Windows {before} and {after} overlap: make them one window or separate them."
            )
    return result
