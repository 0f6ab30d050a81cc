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
