from django.db import models


class BaseModel(models.Model):
    created_at = models.DateTimeField("Ngày tạo", auto_now_add=True)
    updated_at = models.DateTimeField("Ngày cập nhật", auto_now=True)

    class Meta:
        abstract = True


class DayOff(BaseModel):
    """A local exception to the public-holiday calendar, kept as data.

    ``working=False``: an extra day off (e.g. a provincial decision) on top of the public holidays.
    ``working=True``: a Saturday/Sunday that is a make-up working day (an official swap decision).
    Read by ``dangbo.core.workdays``.
    """

    date = models.DateField("Ngày", unique=True)
    name = models.CharField("Tên ngày nghỉ", max_length=120)
    working = models.BooleanField(
        "Là ngày làm việc bù",
        default=False,
        help_text="Đánh dấu nếu đây là ngày thứ Bảy/Chủ nhật phải đi làm bù; bỏ trống nếu là ngày nghỉ thêm.",
    )

    class Meta:
        verbose_name = "ngày nghỉ/làm bù"
        verbose_name_plural = "ngày nghỉ/làm bù"
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} – {self.name}"


# --- Dated rows -------------------------------------------------------------------------------------------------
# A row valid from ``valid_from`` (included; empty: since always) to ``valid_to`` (excluded; empty: still valid).


def valid_on(on, prefix: str = "") -> models.Q:
    """Q: the dated row is valid on the day ``on``."""
    Q = models.Q
    return (Q(**{f"{prefix}valid_from__isnull": True}) | Q(**{f"{prefix}valid_from__lte": on})) & (
        Q(**{f"{prefix}valid_to__isnull": True}) | Q(**{f"{prefix}valid_to__gt": on})
    )


def overlapping(start, end, prefix: str = "") -> models.Q:
    """Q: the dated row is valid on at least one day of [start, end]."""
    Q = models.Q
    return (Q(**{f"{prefix}valid_from__isnull": True}) | Q(**{f"{prefix}valid_from__lte": end})) & (
        Q(**{f"{prefix}valid_to__isnull": True}) | Q(**{f"{prefix}valid_to__gt": start})
    )


class DatedQuerySet(models.QuerySet):
    """``.valid_on(day)`` and ``.overlapping(start, end)`` for models with ``valid_from``/``valid_to``."""

    def valid_on(self, on):
        return self.filter(valid_on(on))

    def overlapping(self, start, end):
        return self.filter(overlapping(start, end))
