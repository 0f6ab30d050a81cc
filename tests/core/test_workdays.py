"""Working-day calendar: Mon–Fri minus Vietnamese public holidays (``holidays`` package) and local DayOff rows."""

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dangbo.core.models import DayOff
from dangbo.core.workdays import (
    Override,
    WorkCalendar,
    add_working_days,
    holiday_name,
    is_working_day,
    working_days_between,
)

D = dt.date

pytestmark = pytest.mark.django_db


# --- public holidays from the package ---------------------------------------------------------------


def test_tet_2013_is_a_week_off_with_vietnamese_names():
    # The package has Tết 2013 as Sat 09/02 – Fri 15/02.
    for day in range(9, 16):
        assert not is_working_day(D(2013, 2, day))
    assert holiday_name(D(2013, 2, 10)) == "Tết Nguyên Đán"
    assert holiday_name(D(2013, 2, 11)) == "Mùng hai Tết Nguyên Đán"
    assert is_working_day(D(2013, 2, 8))  # Friday before
    assert is_working_day(D(2013, 2, 18))  # Monday after


def test_tet_2013_pushes_a_deadline():
    # From Fri 08/02/2013 the next working day is Mon 18/02: Sat 09 – Fri 15 are Tết, then Sat 16, Sun 17.
    assert add_working_days(D(2013, 2, 8), 1) == D(2013, 2, 18)
    # From Thu 07/02: Fri 08 (1), then Mon 18 (2), Tue 19 (3), Wed 20 (4), Thu 21 (5).
    assert add_working_days(D(2013, 2, 7), 5) == D(2013, 2, 21)
    assert working_days_between(D(2013, 2, 7), D(2013, 2, 21)) == 5


def test_thirty_working_days_counted_by_hand():
    # Start Fri 05/04/2024 (01/04/2024 was a Monday). Counting the working days after it:
    #   Mon 08 – Fri 12/04                                  → 5
    #   Mon 15 – Wed 17/04                                  → 8
    #   Thu 18/04 Giỗ Tổ Hùng Vương (off), Fri 19/04         → 9
    #   Mon 22 – Fri 26/04                                  → 14
    #   Mon 29/04 (swap day off), Tue 30/04, Wed 01/05 (off)
    #   Thu 02/05, Fri 03/05                                → 16
    #   Sat 04/05 is the make-up working day for Mon 29/04  → 17
    #   Mon 06 – Fri 10/05                                  → 22
    #   Mon 13 – Fri 17/05                                  → 27
    #   Mon 20, Tue 21, Wed 22/05                           → 30
    assert add_working_days(D(2024, 4, 5), 30) == D(2024, 5, 22)
    assert working_days_between(D(2024, 4, 5), D(2024, 5, 22)) == 30
    assert holiday_name(D(2024, 4, 18)) == "Ngày Giỗ Tổ Hùng Vương"


def test_package_swap_saturday_is_a_working_day():
    # Decision for 2013: Mon 29/04 off, worked on Sat 04/05 instead.
    assert not is_working_day(D(2013, 4, 29))
    assert holiday_name(D(2013, 4, 29)) == "Ngày nghỉ (thay cho ngày 04/05/2013)"
    assert is_working_day(D(2013, 5, 4))
    assert holiday_name(D(2013, 5, 4)) is None
    assert add_working_days(D(2013, 5, 3), 1) == D(2013, 5, 4)


# --- weekends and n == 0 -----------------------------------------------------------------------------


def test_weekends_are_skipped():
    assert not is_working_day(D(2024, 3, 9))  # Saturday
    assert not is_working_day(D(2024, 3, 10))  # Sunday
    assert holiday_name(D(2024, 3, 10)) is None  # a plain weekend is not a holiday
    assert add_working_days(D(2024, 3, 8), 1) == D(2024, 3, 11)  # Fri → Mon
    assert add_working_days(D(2024, 3, 9), 1) == D(2024, 3, 11)  # Sat → Mon
    assert working_days_between(D(2024, 3, 8), D(2024, 3, 10)) == 0
    assert working_days_between(D(2024, 3, 8), D(2024, 3, 11)) == 1


def test_zero_days_and_empty_ranges():
    assert add_working_days(D(2024, 3, 9), 0) == D(2024, 3, 9)  # even a Saturday
    assert add_working_days(D(2013, 2, 11), 0) == D(2013, 2, 11)  # even Tết
    assert working_days_between(D(2024, 3, 5), D(2024, 3, 5)) == 0
    assert working_days_between(D(2024, 3, 12), D(2024, 3, 5)) == 0
    with pytest.raises(ValueError):
        add_working_days(D(2024, 3, 5), -1)


def test_datetime_is_refused():
    with pytest.raises(TypeError):
        is_working_day(dt.datetime(2024, 3, 5, 9, 0))


# --- local DayOff rows -------------------------------------------------------------------------------


def test_local_day_off_adds_a_day():
    start = D(2024, 3, 4)  # Monday
    assert add_working_days(start, 5) == D(2024, 3, 11)  # the calendar is read before the row exists
    DayOff.objects.create(date=D(2024, 3, 6), name="Nghỉ lễ địa phương")
    assert not is_working_day(D(2024, 3, 6))
    assert holiday_name(D(2024, 3, 6)) == "Nghỉ lễ địa phương"
    assert add_working_days(start, 5) == D(2024, 3, 12)
    assert working_days_between(start, D(2024, 3, 12)) == 5


def test_makeup_working_saturday_counts():
    DayOff.objects.create(date=D(2024, 3, 9), name="Làm bù theo quyết định của UBND tỉnh", working=True)
    assert is_working_day(D(2024, 3, 9))
    assert holiday_name(D(2024, 3, 9)) is None
    assert add_working_days(D(2024, 3, 8), 1) == D(2024, 3, 9)  # Fri → the make-up Sat
    assert working_days_between(D(2024, 3, 8), D(2024, 3, 11)) == 2  # Sat 09 and Mon 11


def test_day_off_row_overrides_the_package():
    DayOff.objects.create(date=D(2013, 2, 15), name="Đi làm sớm sau Tết", working=True)
    assert is_working_day(D(2013, 2, 15))
    assert add_working_days(D(2013, 2, 8), 1) == D(2013, 2, 15)


# --- add_working_days and working_days_between agree ------------------------------------------------

starts = st.dates(min_value=D(2012, 1, 1), max_value=D(2027, 12, 31))
counts = st.integers(min_value=0, max_value=40)
overrides = st.dictionaries(
    st.dates(min_value=D(2012, 1, 1), max_value=D(2028, 3, 31)),
    st.builds(Override, working=st.booleans(), name=st.just("Ngày riêng")),
    max_size=15,
)


@settings(deadline=None, max_examples=60)
@given(start=starts, n=counts, extra=overrides)
def test_between_inverts_add(start, n, extra):
    cal = WorkCalendar(extra)
    deadline = cal.add_working_days(start, n)
    assert cal.working_days_between(start, deadline) == n
    if n:
        assert cal.is_working_day(deadline)
        assert cal.working_days_between(start, deadline - dt.timedelta(days=1)) == n - 1


@settings(deadline=None, max_examples=60)
@given(start=starts, length=st.integers(min_value=0, max_value=60), extra=overrides)
def test_add_inverts_between(start, length, extra):
    cal = WorkCalendar(extra)
    end = start + dt.timedelta(days=length)
    n = cal.working_days_between(start, end)
    last = cal.add_working_days(start, n)
    # The n-th working day is on or before end, and nothing after it up to end is a working day.
    assert start <= last <= end
    assert cal.working_days_between(last, end) == 0


@settings(deadline=None, max_examples=20)
@given(start=starts, n=counts)
def test_module_functions_agree_on_an_empty_table(start, n):
    # Read-only DB use: the DayOff table stays empty for every example.
    deadline = add_working_days(start, n)
    assert working_days_between(start, deadline) == n
