"""The steering lists' exports (``core.exports``): the document register and the tasks a committee assigned, from
the pages' own FilterSets (``filters.py``), and the support programmes with the contributions the actor sees."""

from __future__ import annotations

from dangbo.core.exports import ExportList
from dangbo.core.xlsx import Column

from .filters import document_rows, held_tasks, task_year
from .support import selectors as support_selectors


class _Sums(list):
    """The programmes with their sums (``support_selectors.programme_rows``): one query for the whole list."""

    def count(self):  # noqa: D401 - core.exports counts with .count()
        return len(self)


DOCUMENTS = ExportList(
    key="van_ban", title="Sổ văn bản", filename="so-van-ban.xlsx",
    columns=[Column("Số, ký hiệu", 16), Column("Ngày ban hành", 12, "date"), Column("Trích yếu", 50),
             Column("Cơ quan ban hành", 26), Column("Loại sổ", 14), Column("Sổ của", 26), Column("Người ký", 18)],
    queryset=lambda actor, params: document_rows(actor=actor, params=params),
    row=lambda d: [d.symbol, d.issued_date, d.summary, d.issuer_name, d.get_direction_display(), d.register.long_name,
                   d.signer],
)  # fmt: skip

TASKS = ExportList(
    key="nhiem_vu", title="Nhiệm vụ cấp ủy đã giao", filename="nhiem-vu-da-giao.xlsx",
    columns=[Column("Nhiệm vụ", 40), Column("Theo văn bản", 16), Column("Cấp ủy giao", 26), Column("Ngày giao", 12, "date"),
             Column("Hạn báo cáo", 12, "date"), Column("Số tổ chức được giao", 11, "int"), Column("Đã báo cáo", 11, "int")],
    queryset=lambda actor, params: held_tasks(actor=actor, params=params),
    row=lambda t: [t.title, t.document.symbol if t.document_id else "", t.organization.name, t.assigned_date,
                   t.deadline, t.n_total, t.n_reported],
    resolve=lambda actor, params: {**params, "nam": task_year(actor=actor, params=params) or "tat-ca"},
    lines=lambda actor, params: [f"Năm giao {params['nam']}" if params.get("nam") != "tat-ca" else "Mọi năm giao"],
)  # fmt: skip

PROGRAMMES = ExportList(
    key="chuong_trinh_ho_tro", title="Chương trình hỗ trợ", filename="chuong-trinh-ho-tro.xlsx",
    columns=[Column("Tên chương trình", 40), Column("Cấp ủy chỉ đạo", 26), Column("Từ ngày", 12, "date"),
             Column("Đến ngày", 12, "date"), Column("Số lần đóng góp", 11, "int"), Column("Số xã được hỗ trợ", 11, "int"),
             Column("Giá trị (đồng)", 18, "money")],
    queryset=lambda actor, params: _Sums(support_selectors.programme_rows(actor, support_selectors.programme_list(actor))),
    row=lambda r: [r[0].name, r[0].organization.name, r[0].start_date, r[0].end_date, r[1]["n"], r[1]["c"],
                   r[1]["v"] or 0],
)  # fmt: skip
