"""The member list's exports (``core.exports``): the rows of ``selectors.member_rows`` — the page's FilterSet, scope
and order.

``MEMBERS``: the page's columns (no citizen ID, address or phone: personal data stays on the record page).
``MEMBERS_REIMPORT`` («để nhập lại»): the columns of the member import (``imports.MEMBER_COLUMNS``, same headers,
same values) with the citizen ID — its key, so that importing the file again finds every member and changes
nothing. Only for a user who may edit members, only the members they may edit, and every file is recorded
(``services.reimport_export_record``)."""

from __future__ import annotations

from django.db.models import OuterRef, Q, Subquery

from dangbo.core import policies
from dangbo.core.exports import ExportList
from dangbo.core.xlsx import Column
from dangbo.organizations.models import Organization

from .choices import MemberStatus
from .imports import CODE, MEMBER_COLUMNS, SINCE, STATUS_CHOICES
from .models import MemberPeriod
from .selectors import member_filter, member_rows
from .services import reimport_export_record


def _lines(actor, params) -> list[str]:
    flt = member_filter(actor=actor, params=params)
    if not flt.is_valid():
        return []
    shown = []
    for name, value in flt.form.cleaned_data.items():
        if value not in (None, ""):
            field = flt.form.fields[name]
            label = dict(getattr(field, "choices", ()) or ()).get(value, value)
            shown.append(f"{field.label}: {label}")
    return ["Lọc theo " + "; ".join(str(s) for s in shown)] if shown else []


MEMBERS = ExportList(
    key="dang_vien", title="Danh sách đảng viên", filename="danh-sach-dang-vien.xlsx",
    columns=[Column("Họ và tên", 26), Column("Giới tính", 9), Column("Ngày sinh", 12, "date"), Column("Dân tộc", 10),
             Column("Chi bộ", 32), Column("Tình trạng", 14), Column("Ngày vào Đảng", 12, "date"),
             Column("Ngày chính thức", 12, "date"), Column("Lý luận chính trị", 14)],
    queryset=lambda actor, params: member_rows(actor=actor, params=params),
    row=lambda m: [m.full_name, m.get_gender_display(), m.birth_date, m.ethnicity, m.organization.long_name,
                   m.status_short, m.joined_date, m.official_date, m.get_political_theory_display()], lines=_lines,
)  # fmt: skip


# -- «để nhập lại»: the member import's columns, citizen ID included ------------------------------------------------

_WIDTHS = {"full_name": 26, CODE: 12, "citizen_id": 14, "birth_place": 30, "residence": 30}
_LABELS = {c.key: dict(c.choices) for c in MEMBER_COLUMNS if c.choices}
_LABELS["status"] = dict(STATUS_CHOICES)


def _may_reimport(actor) -> bool:
    """Those whose role may edit members somewhere (the roles alone: the link shows on every list page)."""
    return policies.anywhere(actor, "place_members", Organization)


def _reimport_rows(actor, params):
    """The page's rows that the actor may edit, on the roll (official or probationary: the statuses a record is
    imported with) and with a citizen ID (the import's key: a row without one would be added again)."""
    current = MemberPeriod.objects.filter(member=OuterRef("pk"), valid_to__isnull=True).order_by(
        "-valid_from"
    )
    rows = member_rows(actor=actor, params=params).filter(
        status__in=[MemberStatus.OFFICIAL, MemberStatus.PROBATIONARY]
    )
    return (
        policies.scope(actor, policies.CHANGE, rows)
        .exclude(Q(citizen_id__isnull=True) | Q(citizen_id=""))
        .defer(None)  # the list reads a few columns; this file every field of the record
        .select_related("organization")
        .annotate(roll_since=Subquery(current.values("valid_from")[:1]))
    )


def _reimport_value(m, key: str):
    if key == CODE:
        return m.organization.code
    if key == SINCE:
        return m.roll_since
    value = getattr(m, key)
    if key in _LABELS and value:
        return _LABELS[key].get(value, value)
    return value if value is not None else ""


def _reimport_lines(actor, params) -> list[str]:
    return [
        *_lines(actor, params),
        "Dùng để nhập lại (trang «Nhập từ tệp»): có số CCCD, nơi thường trú, điện thoại — dữ liệu cá nhân, giữ kín. "
        "Chỉ gồm đảng viên chính thức, dự bị có số CCCD mà bạn được sửa hồ sơ.",
    ]


MEMBERS_REIMPORT = ExportList(
    key="dang_vien_nhap_lai", title="Danh sách đảng viên để nhập lại (có số CCCD)",
    filename="danh-sach-dang-vien-de-nhap-lai.xlsx",
    columns=[Column(c.label, _WIDTHS.get(c.key, 14), "date" if c.kind == "date" else "text") for c in MEMBER_COLUMNS],
    queryset=_reimport_rows, row=lambda m: [_reimport_value(m, c.key) for c in MEMBER_COLUMNS],
    lines=_reimport_lines, allowed=_may_reimport,
    on_build=reimport_export_record,
)  # fmt: skip
