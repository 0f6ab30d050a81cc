"""Dates as the party's rules count them, and the one clock of the application.

"Today" and "now" come only from ``today()`` and ``now()`` here — never ``date.today()``, ``timezone.now()`` for a
business decision, or ``timezone.localdate()``. They read the real clock in the configured time zone
(Asia/Ho_Chi_Minh, not UTC) unless the clock has been set with ``frozen(...)``: tests set it to the first of a month,
1 January, a day of Tết or 29 February to prove that nothing depends on the day they happen to run, and
``DANGBO_TODAY=dd/mm/yyyy`` sets it for a whole process (a demo shown "as of" a day, a rehearsal of a report).
The setting is global to the process (not per thread) so that a test's live server sees the same day.
"""

import datetime as dt
import os
from contextlib import contextmanager

from django.utils import timezone

_fixed: dt.datetime | None = None
# When the clock is set from a date alone, it reads this time of that day (office hours).
FROZEN_TIME = dt.time(10, 0)


def _moment(value: dt.date | dt.datetime) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return timezone.localtime(value) if timezone.is_aware(value) else timezone.make_aware(value)
    return timezone.make_aware(dt.datetime.combine(value, FROZEN_TIME))


def now() -> dt.datetime:
    """The current moment, aware, in the configured time zone."""
    if _fixed is not None:
        return _fixed
    if env := os.environ.get("DANGBO_TODAY"):
        return _moment(dt.datetime.strptime(env.strip(), "%d/%m/%Y").date())
    return timezone.localtime()


def today() -> dt.date:
    """Today in Asia/Ho_Chi_Minh (the configured time zone), not in UTC."""
    return now().date()


def fixed_clock() -> dt.datetime | None:
    """The moment the clock is set to, or None when it reads the real time."""
    return _fixed


def set_clock(value: dt.date | dt.datetime | None) -> None:
    """Set the clock to a day (at ``FROZEN_TIME``) or a moment; ``None`` gives the real clock back."""
    global _fixed
    _fixed = None if value is None else _moment(value)


@contextmanager
def frozen(value: dt.date | dt.datetime):
    """``with frozen(date(2028, 2, 29)): …`` — the clock reads that day inside the block."""
    global _fixed
    before = _fixed
    set_clock(value)
    try:
        yield now()
    finally:
        _fixed = before


def full_years(born: dt.date, on: dt.date) -> int:
    """Age in full years on a date ("tuổi đời tính theo tháng": a birthday not yet reached does not count)."""
    years = on.year - born.year
    if (on.month, on.day) < (born.month, born.day):
        years -= 1
    return years


def add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29/02 in a non-leap year → 28/02
        return day.replace(year=day.year + years, day=28)


def add_months(day: dt.date, months: int) -> dt.date:
    """Calendar months ("12 months" means calendar months); 31/01 + 1 month → 28/02 or 29/02."""
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    for d in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, d)
        except ValueError:
            continue
    raise ValueError(day)  # pragma: no cover
