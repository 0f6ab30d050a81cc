"""Working-day calendar for party deadlines ("trong 30 ngày làm việc").

DOMAIN: "Deadlines count as the rule says: '30 working days' means working days (Mon–Fri, minus
public holidays kept as data)."

A day is a working day when, in this order of precedence:

1. a ``DayOff`` row exists for it → its ``working`` flag decides (local extra day off, or a make-up
   working Saturday/Sunday from a swap decision the package does not know about);
2. the ``holidays`` package lists it as a make-up working weekend day (``weekend_workdays``, e.g.
   Saturday 04/05/2013 worked in exchange for Monday 29/04/2013) → working;
3. the ``holidays`` package lists it as a Vietnamese public holiday (Labour Code art. 112, including
   Tết, observed days and government swap days off) → not working;
4. otherwise Monday–Friday is working, Saturday and Sunday are not.

Public holidays are never hand-written here: they come from ``holidays.country_holidays("VN")`` with
Vietnamese names (``language="vi"``), cached per year in-process. ``DayOff`` rows are read once per call
of the module-level functions, so a row added a moment ago is always seen. To compute many deadlines
with a single query, build a ``WorkCalendar.from_db()`` once and call its methods.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from types import MappingProxyType

import holidays

from dangbo.core.models import DayOff

COUNTRY = "VN"
LANGUAGE = "vi"  # the package ships Vietnamese names for VN (supported_languages: en_US, th, vi)

_ONE_DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class PublicYear:
    """The package's data for one year: holiday names and make-up working weekend days."""

    names: Mapping[dt.date, str]
    makeup_workdays: frozenset[dt.date]


@lru_cache(maxsize=256)
def public_year(year: int) -> PublicYear:
    """Vietnamese public holidays of ``year`` from the ``holidays`` package (cached in-process)."""
    cal = holidays.country_holidays(COUNTRY, years=year, language=LANGUAGE)
    names = {day: name for day, name in cal.items() if day.year == year}
    # weekend_workdays also carries a few cross-year swaps whatever the year asked; keep this year's.
    makeup = frozenset(day for day in cal.weekend_workdays if day.year == year)
    return PublicYear(names=MappingProxyType(names), makeup_workdays=makeup)


@dataclass(frozen=True)
class Override:
    """A local decision for one date (the data of a ``DayOff`` row)."""

    working: bool
    name: str


def _as_date(d: dt.date) -> dt.date:
    # datetime is a date subclass but never equals a date, so it would silently miss every holiday.
    if isinstance(d, dt.datetime) or not isinstance(d, dt.date):
        raise TypeError(f"cần một datetime.date, nhận được {type(d).__name__}")
    return d


class WorkCalendar:
    """Public holidays from the package plus a fixed set of local overrides."""

    def __init__(self, overrides: Mapping[dt.date, Override] | None = None) -> None:
        self.overrides: Mapping[dt.date, Override] = MappingProxyType(dict(overrides or {}))

    @classmethod
    def from_db(cls) -> WorkCalendar:
        """Snapshot of all ``DayOff`` rows (a small table: a handful of rows a year)."""
        rows = DayOff.objects.values_list("date", "working", "name")
        return cls({day: Override(working=working, name=name) for day, working, name in rows})

    def is_working_day(self, d: dt.date) -> bool:
        d = _as_date(d)
        override = self.overrides.get(d)
        if override is not None:
            return override.working
        year = public_year(d.year)
        if d in year.makeup_workdays:
            return True
        if d in year.names:
            return False
        return d.weekday() < 5

    def add_working_days(self, start: dt.date, n: int) -> dt.date:
        """The n-th working day after ``start`` (``start`` not counted); ``start`` itself when n == 0."""
        start = _as_date(start)
        if n < 0:
            raise ValueError(f"n phải ≥ 0, nhận được {n}")
        day = start
        while n:
            day += _ONE_DAY
            if self.is_working_day(day):
                n -= 1
        return day

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """Number of working days d with start < d ≤ end; 0 when end ≤ start."""
        start, end = _as_date(start), _as_date(end)
        count = 0
        day = start + _ONE_DAY
        while day <= end:
            count += self.is_working_day(day)
            day += _ONE_DAY
        return count

    def holiday_name(self, d: dt.date) -> str | None:
        """Why ``d`` is a day off: the ``DayOff`` name or the package's Vietnamese name; None otherwise.

        A plain weekend gives None, and so does any day that is a working day (make-up days included).
        """
        d = _as_date(d)
        override = self.overrides.get(d)
        if override is not None:
            return None if override.working else override.name
        year = public_year(d.year)
        if d in year.makeup_workdays:
            return None
        return year.names.get(d)


def is_working_day(d: dt.date) -> bool:
    """Whether ``d`` is a working day (see the module docstring for the rule)."""
    return WorkCalendar.from_db().is_working_day(d)


def add_working_days(start: dt.date, n: int) -> dt.date:
    """Deadline "within n working days of start": the n-th working day after ``start`` (n == 0 → start)."""
    return WorkCalendar.from_db().add_working_days(start, n)


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Working days d with start < d ≤ end (0 if end ≤ start), e.g. "quá hạn 5 ngày làm việc"."""
    return WorkCalendar.from_db().working_days_between(start, end)


def holiday_name(d: dt.date) -> str | None:
    """Vietnamese name of the holiday or local day off on ``d``; None for working days and plain weekends."""
    return WorkCalendar.from_db().holiday_name(d)
