"""The member list's export (``core.exports``): the rows of ``selectors.member_rows`` — the page's FilterSet, scope
and order — with the page's columns (no citizen ID, address or phone: personal data stays on the record page)."""

from __future__ import annotations

from dangbo.core.exports import ExportList
from dangbo.core.xlsx import Column

from .selectors import member_filter, member_rows


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
