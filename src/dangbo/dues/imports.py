"""The dues app's import kind (``core.imports``): members' dues bases (group and basis from a month on).

Each row goes through ``services.set_basis`` (the groups, the range a cell may decide, exemptions and reductions of
the rules in force that month). The member is found by citizen ID among the records the actor may see; a basis
already recorded for that member from that month is skipped, so re-importing the file changes nothing."""

from __future__ import annotations

import datetime as dt

from dangbo.core.imports import EXISTING, Column, ImportKind
from dangbo.members.imports import (
    CCCD,
    CCCD_ALIASES,
    first_top,
    may_place_members,
    members_by_citizen_id,
    unknown_member,
)

from .choices import Exemption, Group
from .models import DuesBasis

COLUMNS = [
    Column("citizen_id", CCCD, aliases=CCCD_ALIASES, required=True, example="040080000001", zfill=12),
    Column("valid_from", "Từ tháng", aliases=("Tháng", "Áp dụng từ tháng"), kind="month", required=True,
           example=dt.date(2026, 1, 1)),
    Column("group", "Đối tượng", aliases=("Nhóm", "Đối tượng đóng"), kind="choice", choices=tuple(Group.choices),
           required=True, example=Group.SALARY.label),
    Column("basis", "Căn cứ tính (đồng/tháng)", aliases=("Căn cứ tính", "Tiền lương", "Mức đóng"), kind="int",
           example=8500000),
    Column("exemption", "Miễn đóng", kind="choice", choices=tuple(Exemption.choices)),
    Column("reduction_percent", "Giảm (%)", aliases=("Giảm",), kind="int"),
    Column("decision_no", "Số quyết định miễn, giảm"),
    Column("relief_until", "Miễn, giảm đến hết tháng", kind="month"),
]  # fmt: skip


def _prepare(actor, rows, options) -> dict:
    return {"members": members_by_citizen_id(actor, (r.values.get("citizen_id") for r in rows))}


def _apply(actor, values, context):
    from .services import set_basis

    member = context["members"].get(values["citizen_id"])
    if member is None:
        raise unknown_member()
    if DuesBasis.objects.filter(member=member, valid_from=values["valid_from"]).exists():
        return EXISTING
    return set_basis(
        actor=actor, member=member, valid_from=values["valid_from"], group=values["group"],
        basis=values.get("basis"), exemption=values.get("exemption", ""),
        reduction_percent=values.get("reduction_percent", 0), decision_no=values.get("decision_no", ""),
        relief_until=values.get("relief_until"),
    )  # fmt: skip


BASES = ImportKind(
    key="can_cu_dang_phi", noun="căn cứ đóng đảng phí", sheet="Căn cứ đảng phí", columns=COLUMNS,
    natural_key=("citizen_id", "valid_from"), apply=_apply, prepare=_prepare,
    top=lambda actor: first_top(actor, may_place_members), allowed=may_place_members, general=CCCD,
    labels={"member": CCCD, "basis": "Căn cứ tính (đồng/tháng)"}, back="dues:overview",
    filename="mau-nhap-can-cu-dang-phi.xlsx",
    notes=(
        "Mỗi dòng một căn cứ đóng đảng phí của một đảng viên đã có trong danh sách (tìm theo Số CCCD), áp dụng từ"
        " tháng ghi ở cột «Từ tháng» cho đến căn cứ tiếp theo.",
        "Căn cứ tính: tiền lương, trợ cấp hoặc lương hưu của tháng (đồng); với đảng viên khác là mức chi bộ quyết"
        " định. Ghi số, không ghi dấu chấm ngăn cách.",
        "Căn cứ đã có (cùng đảng viên, cùng tháng) được bỏ qua: nhập lại cùng một tệp không thay đổi gì.",
    ),
)  # fmt: skip
