"""The working-day calendar: public holidays from `holidays` (Vietnam) plus an admin's overrides.

Every question is answered from arrays precomputed once per range of years, never by walking day
by day: ``rank[i]`` counts the working days up to day ``i`` of the range, ``working[k]`` is the
ordinal of the k-th working day. Adding N working days is then two array look-ups.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Mapping

import holidays
import numpy as np

WEEKEND = (5, 6)  # Saturday, Sunday


@dataclass(frozen=True)
class WorkingHours:
    morning: tuple[time, time] = (time(7, 0), time(11, 30))
    afternoon: tuple[time, time] = (time(13, 30), time(17, 0))
    receipt_cutoff: time = time(17, 0)

    @property
    def segments(self) -> tuple[tuple[time, time], ...]:
        return (self.morning, self.afternoon)

    @property
    def hours_per_day(self) -> float:
        return sum(_minutes(end) - _minutes(start) for start, end in self.segments) / 60


def _minutes(t: time) -> int:
    return t.hour * 60 + t.minute


class CalendarRangeError(ValueError):
    pass


class WorkingCalendar:
    """Immutable; build a new one when the overrides change (the service caches it)."""

    def __init__(self, overrides: Mapping[date, bool] | None = None, first_year: int = 2015, last_year: int = 2035):
        self.overrides = dict(overrides or {})
        years = [d.year for d in self.overrides] + [first_year, last_year]
        self.first_year, self.last_year = min(years), max(years)
        self._build()

    def _build(self) -> None:
        years = range(self.first_year, self.last_year + 1)
        self.public = holidays.Vietnam(years=years)
        self.base = date(self.first_year, 1, 1).toordinal()
        end = date(self.last_year, 12, 31).toordinal()
        size = end - self.base + 1
        weekday = (np.arange(size) + (self.base - 1)) % 7  # date.fromordinal(1) is a Monday
        is_working = ~np.isin(weekday, WEEKEND)
        for day in self.public.keys():
            is_working[day.toordinal() - self.base] = False
        for day in getattr(self.public, "weekend_workdays", ()):
            if self.first_year <= day.year <= self.last_year:
                is_working[day.toordinal() - self.base] = True
        for day, working in self.overrides.items():
            is_working[day.toordinal() - self.base] = working
        self.is_working_array = is_working
        self.rank = np.cumsum(is_working, dtype=np.int64)
        self.working = np.flatnonzero(is_working).astype(np.int64) + self.base

    def _index(self, day: date) -> int:
        index = day.toordinal() - self.base
        if not 0 <= index < len(self.rank):
            raise CalendarRangeError(f"{day.isoformat()} nằm ngoài lịch {self.first_year}–{self.last_year}")
        return index

    def covering(self, *days: date) -> "WorkingCalendar":
        """This calendar, or a wider one if some day falls outside its years."""
        years = [d.year for d in days]
        if all(self.first_year <= y <= self.last_year for y in years):
            return self
        return WorkingCalendar(self.overrides, min([self.first_year, *years]) - 1, max([self.last_year, *years]) + 1)

    # -- questions ----------------------------------------------------------------------------
    def is_working_day(self, day: date) -> bool:
        return bool(self.is_working_array[self._index(day)])

    def next_working_day(self, day: date) -> date:
        """The first working day strictly after ``day``."""
        return self.add_working_days(day, 1)

    def add_working_days(self, start: date, days: int) -> date:
        """The ``days``-th working day after ``start`` (the start day itself is not counted)."""
        if days < 0:
            raise ValueError("Số ngày phải không âm (days must not be negative)")
        if days == 0:
            return start
        target = int(self.rank[self._index(start)]) + days - 1
        if target >= len(self.working):
            raise CalendarRangeError(f"Kết quả vượt quá năm {self.last_year} của lịch")
        return date.fromordinal(int(self.working[target]))

    def add_calendar_days(self, start: date, days: int, roll_to_working_day: bool = True) -> date:
        """``start`` + ``days``; a deadline on a day off moves to the next working day (Civil Code, art. 148)."""
        if days < 0:
            raise ValueError("Số ngày phải không âm (days must not be negative)")
        due = start + timedelta(days=days)
        if roll_to_working_day and not self.is_working_day(due):
            due = self.next_working_day(due)
        return due

    def working_days_between(self, start: date, end: date) -> int:
        """Working days in (start, end]; negative when ``end`` is before ``start``."""
        return int(self.rank[self._index(end)] - self.rank[self._index(start)])

    def receipt_day(self, received_at: datetime, hours: WorkingHours = WorkingHours()) -> date:
        """The day a receipt counts from: the next working day if it came on a day off or after the cut-off."""
        day = received_at.date()
        if not self.is_working_day(day) or received_at.time() >= hours.receipt_cutoff:
            return self.next_working_day(day)
        return day

    def due_from_receipt(self, received_at: datetime, days: int, hours: WorkingHours = WorkingHours()) -> date:
        return self.add_working_days(self.receipt_day(received_at, hours), days)

    def add_working_hours(self, start: datetime, hours: float, wh: WorkingHours = WorkingHours()) -> datetime:
        """The moment ``hours`` of working time after ``start`` (for half-day limits)."""
        if hours < 0:
            raise ValueError("Số giờ phải không âm (hours must not be negative)")
        remaining = round(hours * 60)
        if remaining == 0:
            return start
        per_day = round(wh.hours_per_day * 60)
        day, clock = start.date(), _minutes(start.time())
        if not self.is_working_day(day):
            day, clock = self.next_working_day(day), 0
        while True:
            for seg_start, seg_end in wh.segments:
                begin = max(clock, _minutes(seg_start))
                available = _minutes(seg_end) - begin
                if available <= 0:
                    continue
                if remaining <= available:
                    total = begin + remaining
                    return datetime.combine(day, time(total // 60, total % 60), start.tzinfo)
                remaining -= available
            whole_days = (remaining - 1) // per_day  # jump over full days, keep 1..per_day minutes
            day, clock = self.add_working_days(day, 1 + whole_days), 0
            remaining -= whole_days * per_day

    # -- bulk --------------------------------------------------------------------------------
    def add_working_days_many(self, starts: np.ndarray, days: np.ndarray) -> np.ndarray:
        """Vectorised ``add_working_days`` over arrays of start ordinals and day counts; returns ordinals."""
        starts = np.asarray(starts, dtype=np.int64)
        days = np.asarray(days, dtype=np.int64)
        if (days < 0).any():
            raise ValueError("Số ngày phải không âm (days must not be negative)")
        index = starts - self.base
        if (index < 0).any() or (index >= len(self.rank)).any():
            raise CalendarRangeError("Có ngày nằm ngoài lịch đã tính sẵn")
        target = self.rank[index] + days - 1
        return np.where(days == 0, starts, self.working[np.clip(target, 0, len(self.working) - 1)])

    def days_off(self, year: int) -> list[tuple[date, str]]:
        """Non-working days of ``year`` other than ordinary weekends, with their names."""
        start, end = date(year, 1, 1), date(year, 12, 31)
        found = []
        for offset in range((end - start).days + 1):
            day = start + timedelta(days=offset)
            if not self.is_working_day(day) and (day.weekday() not in WEEKEND or day in self.public):
                found.append((day, self.public.get(day, "")))
        return found


def parse_hhmm(value: str) -> time:
    hour, minute = value.split(":")
    return time(int(hour), int(minute))
