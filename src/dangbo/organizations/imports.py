"""The organizations app's import kind (``core.imports``): organizations with their tree, keyed by code.

Each row is founded through ``services.organization_create`` (the kinds allowed under each parent, the unique code,
the dates), under the organization named by "Mã tổ chức cấp trên": one already in the actor's scope, or one an
earlier row of the same file founds — a province's tree is imported top-down in one file. An organization whose
code is already in the actor's scope is skipped (re-importing the file changes nothing)."""

from __future__ import annotations

import datetime as dt

from dangbo.core import policies
from dangbo.core.imports import EXISTING, Column, ImportKind, RowError

from .choices import OrgKind
from .models import Organization
from .policies import can_add_under, top_organizations

COLUMNS = [
    Column("code", "Mã tổ chức", aliases=("Mã", "Mã đơn vị", "Mã chi bộ", "Mã đảng bộ"), required=True,
           example="SYT-05"),
    Column("parent_code", "Mã tổ chức cấp trên", aliases=("Mã cấp trên", "Trực thuộc (mã)", "Mã tổ chức trực thuộc"),
           example="SYT"),
    Column("kind", "Loại tổ chức", aliases=("Loại",), kind="choice", choices=tuple(OrgKind.choices), required=True,
           example=OrgKind.SUBORDINATE_CELL.label),
    Column("name", "Tên tổ chức", aliases=("Tên", "Tên chi bộ", "Tên đảng bộ"), required=True,
           example="Chi bộ Phòng Kế hoạch - Tài chính"),
    Column("short_name", "Tên viết tắt", example="Chi bộ KHTC"),
    Column("host_unit", "Cơ quan, đơn vị", aliases=("Đơn vị",), example="Phòng Kế hoạch - Tài chính, Sở Y tế"),
    Column("founding_date", "Ngày thành lập", kind="date", example=dt.date(2010, 3, 15)),
    Column("founding_decision_no", "Số quyết định thành lập", aliases=("Quyết định thành lập",),
           example="125-QĐ/ĐU"),
    Column("founding_issuer", "Cơ quan ra quyết định thành lập", example="Đảng ủy Sở Y tế"),
    Column("meeting_day", "Ngày sinh hoạt thường kỳ hằng tháng", aliases=("Ngày sinh hoạt",), kind="int"),
]  # fmt: skip
FIELDS = ("code", "kind", "name", "short_name", "host_unit", "founding_date", "founding_decision_no",
          "founding_issuer", "meeting_day")  # fmt: skip


def _may_add(actor, org) -> bool:
    return org is not None and can_add_under(actor, org)


def _top(actor) -> Organization | None:
    for org in Organization.objects.filter(pk__in=top_organizations(actor)).order_by("path"):
        if can_add_under(actor, org):
            return org
    return None


def _prepare(actor, rows, options) -> dict:
    codes = {r.values.get(k) for r in rows for k in ("code", "parent_code")} - {None, ""}
    visible = policies.scope(actor, policies.VIEW, Organization.objects.filter(code__in=codes))
    return {"orgs": {o.code: o for o in visible}}


def _apply(actor, values, context):
    from .services import organization_create

    orgs = context["orgs"]
    if values["code"] in orgs:
        return EXISTING
    parent = None
    if code := values.get("parent_code"):
        parent = orgs.get(code)
        if parent is None:
            raise RowError("Mã tổ chức cấp trên", f"không có tổ chức mã «{code}» trong phạm vi của bạn"
                           " (hoặc ở một dòng phía trên của tệp).")  # fmt: skip
    org = organization_create(actor=actor, parent=parent, data={k: values[k] for k in FIELDS if k in values})
    orgs[org.code] = org  # the rows below may sit under it
    return org


ORGANIZATIONS = ImportKind(
    key="to_chuc", noun="tổ chức đảng", sheet="Tổ chức", columns=COLUMNS, natural_key=("code",), apply=_apply,
    prepare=_prepare, top=_top, allowed=_may_add, general="Mã tổ chức", header="code",
    labels={"parent": "Mã tổ chức cấp trên"}, back="organizations:tree", filename="mau-nhap-to-chuc.xlsx",
    notes=(
        "Mỗi dòng một tổ chức đảng; tổ chức cấp trên ghi bằng mã: một tổ chức đã có trong phạm vi của bạn hoặc một"
        " dòng phía trên của tệp (ghi cây từ trên xuống).",
        "Loại tổ chức phải hợp với cấp trên (chi bộ trực thuộc dưới đảng bộ cơ sở hoặc đảng bộ bộ phận …).",
        "Tổ chức đã có (cùng mã) được bỏ qua: nhập lại cùng một tệp không thay đổi gì.",
    ),
)  # fmt: skip
