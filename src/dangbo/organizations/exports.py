"""The organization tree's export (``core.exports``): every organization the actor sees on the tree page, in tree
order (indented by level), with its code — the file the organization import reads back (``imports.ORGANIZATIONS``
reads "Mã tổ chức", "Mã tổ chức cấp trên", "Loại tổ chức", "Tên tổ chức", "Ngày thành lập")."""

from __future__ import annotations

from dangbo.core import policies
from dangbo.core.exports import ExportList
from dangbo.core.xlsx import Column

from .models import Organization


def organization_rows(actor):
    return (
        policies.scope(actor, policies.VIEW, Organization.objects.all())
        .select_related("parent")
        .order_by("path")
    )


ORGANIZATIONS = ExportList(
    key="to_chuc", title="Danh sách tổ chức đảng", filename="danh-sach-to-chuc.xlsx",
    columns=[Column("Mã tổ chức", 14), Column("Mã tổ chức cấp trên", 14), Column("Loại tổ chức", 22),
             Column("Tên tổ chức", 40), Column("Ngày thành lập", 12, "date"), Column("Ngày kết thúc hoạt động", 12, "date"),
             Column("Đảng viên chính thức", 11, "int"), Column("Đảng viên dự bị", 11, "int")],
    queryset=lambda actor, params: organization_rows(actor),
    row=lambda o: [o.code, o.parent.code if o.parent_id else "", o.kind_label, "\u2003" * o.depth + o.name,
                   o.founding_date, o.end_date, o.official_count, o.probationary_count],
)  # fmt: skip
