import datetime as dt

from django.utils import timezone


def today() -> dt.date:
    """Today in Asia/Ho_Chi_Minh (the configured time zone), not in UTC."""
    return timezone.localdate()


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
