"""The meeting calendar's export (``core.exports``): the meetings of the month the calendar shows
(``filters.CalendarFilter``: ``?thang=mm/yyyy``, this month by default), with their attendance."""

from __future__ import annotations

from django.utils.timezone import localtime

from dangbo.core.dates import today
from dangbo.core.exports import ExportList
from dangbo.core.xlsx import Column

from .filters import calendar_filter


def _month(actor, params):
    return calendar_filter(actor=actor, params=params).month() or today().replace(day=1)


MEETINGS = ExportList(
    key="sinh_hoat", title="Lịch sinh hoạt chi bộ", filename="lich-sinh-hoat.xlsx",
    columns=[Column("Thời gian", 16), Column("Chi bộ", 34), Column("Loại buổi sinh hoạt", 20), Column("Chuyên đề", 30),
             Column("Địa điểm", 20), Column("Tình trạng", 14), Column("Phải dự", 9, "int"), Column("Có mặt", 9, "int")],
    queryset=lambda actor, params: calendar_filter(actor=actor, params=params).qs,
    row=lambda m: [f"{localtime(m.planned_at):%H:%M %d/%m/%Y}", m.organization.long_name, m.get_kind_display(), m.topic,
                   m.place, m.get_state_display(), m.base_count, m.present_count],
    lines=lambda actor, params: [f"Tháng {_month(actor, params):%m/%Y}"],
)  # fmt: skip
