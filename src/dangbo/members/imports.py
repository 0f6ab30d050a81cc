"""The members app's import kinds (``core.imports``): member records, member history events, committee seats.

Each row goes through the app's own service (``services.member_create``, ``history.services.event_record``,
``organizations.services.seat_create``), so the rules of the forms and the history's replay apply; a refused row
says why, in the column it concerns. Members are found by citizen ID among the records the actor may see (a
number outside the scope reads as unknown, never "exists elsewhere")."""

from __future__ import annotations

import datetime as dt

from dangbo.core import policies
from dangbo.core.imports import EXISTING, Column, ImportKind, RowError
from dangbo.organizations.choices import CELL_KINDS, Position
from dangbo.organizations.models import Organization
from dangbo.organizations.policies import top_organizations

from .choices import (
    ETHNICITY_CHOICES,
    RELIGION_CHOICES,
    DecisionLevel,
    Degree,
    DisciplineForm,
    EventKind,
    Gender,
    GeneralEducation,
    MemberStatus,
    PoliticalTheory,
)
from .models import Member, MemberEvent

CODE = "organization_code"  # the column choosing the cell of each row
SINCE = "since"
CCCD = "Số CCCD"
CCCD_ALIASES = (
    "CCCD", "Số căn cước", "Số căn cước công dân", "Căn cước công dân", "Số CMND/CCCD", "Số định danh",
)  # fmt: skip


def _label(name: str) -> str:
    return str(Member._meta.get_field(name).verbose_name)


def first_top(actor, allowed) -> Organization | None:
    """The first organization (in tree order) where the actor's view of the tree starts and ``allowed`` holds."""
    for org in Organization.objects.filter(pk__in=top_organizations(actor)).order_by("path"):
        if allowed(actor, org):
            return org
    return None


def _scoped_chunks(actor, ids, action: str):
    """For each chunk of 500 of these citizen IDs, the queryset of the members with them that the actor may
    ``action``."""
    ids = sorted({i for i in ids if i})
    for chunk in (ids[i : i + 500] for i in range(0, len(ids), 500)):
        yield policies.scope(actor, action, Member.objects.filter(citizen_id__in=chunk))


def members_by_citizen_id(actor, ids, action: str = policies.VIEW) -> dict[str, Member]:
    """The members with these citizen IDs among those the actor may ``action`` (chunks of 500)."""
    return {m.citizen_id: m for rows in _scoped_chunks(actor, ids, action) for m in rows}


def known_citizen_ids(actor, ids) -> set[str]:
    """Which of these citizen IDs are on a record the actor may see — the numbers only (a province's file: 250,000
    records not loaded to learn that they exist)."""
    return {
        i
        for rows in _scoped_chunks(actor, ids, policies.VIEW)
        for i in rows.values_list("citizen_id", flat=True)
    }


def unknown_member() -> RowError:
    return RowError(CCCD, "không có đảng viên có số CCCD này trong phạm vi của bạn.")


# -- member records --------------------------------------------------------------------------------------------

_DATE_FIELDS = {"birth_date", "joined_date", "admission_decision_date", "official_date", "youth_union_date"}
_FIELDS = (
    "full_name", "other_names", "gender", "birth_date", "birth_place", "native_place", "residence", "ethnicity",
    "religion", "occupation", "citizen_id", "phone", "status", "card_number", "cv_number", "joined_date",
    "joined_cell", "admission_decision_date", "official_date", "official_cell", "introducer_1", "introducer_2",
    "youth_union_date", "general_education", "professional_education", "degree", "academic_title", "political_theory",
)  # fmt: skip
# Headers of other files (the former registry software, hand-made lists) that mean the same column.
ALIASES = {
    CODE: ("Mã tổ chức", "Mã chi bộ", "Mã đơn vị", "Chi bộ"),
    "full_name": ("Họ tên", "Họ và tên đảng viên", "Tên đảng viên"),
    "other_names": ("Tên khác", "Bí danh"),
    "gender": ("Giới", "Nam/Nữ"),
    "birth_date": ("Ngày tháng năm sinh", "Sinh ngày"),
    "residence": ("Thường trú", "Địa chỉ thường trú", "Địa chỉ", "Nơi ở hiện nay"),
    "citizen_id": CCCD_ALIASES,
    "phone": ("Số điện thoại", "SĐT", "Điện thoại di động"),
    "status": ("Trạng thái", "Loại đảng viên"),
    "card_number": ("Số thẻ", "Số thẻ Đảng", "Số thẻ đảng viên"),
    "cv_number": ("Số LL", "Số hồ sơ"),
    "joined_date": ("Ngày kết nạp", "Ngày vào đảng"),
    "official_date": ("Ngày công nhận chính thức", "Ngày chuyển chính thức"),
    "general_education": ("Trình độ văn hóa", "Văn hóa", "Trình độ giáo dục phổ thông"),
    "professional_education": ("Trình độ chuyên môn", "Chuyên môn"),
    "political_theory": ("Trình độ lý luận chính trị", "LLCT", "Lý luận"),
    SINCE: ("Ngày sinh hoạt tại chi bộ", "Ngày bắt đầu sinh hoạt"),
}
STATUS_CHOICES = ((MemberStatus.OFFICIAL, "Chính thức"), (MemberStatus.PROBATIONARY, "Dự bị"))
CHOICES: dict[str, tuple[tuple[str, str], ...]] = {
    "gender": tuple(Gender.choices),
    "status": STATUS_CHOICES,
    "ethnicity": tuple(ETHNICITY_CHOICES),
    "religion": tuple(RELIGION_CHOICES),
    "general_education": tuple(GeneralEducation.choices),
    "degree": tuple((v, lbl) for v, lbl in Degree.choices if v),
    "political_theory": tuple(PoliticalTheory.choices),
}
EXAMPLE = {
    CODE: "SYT-01", "full_name": "Nguyễn Văn Hùng", "gender": "Nam", "birth_date": dt.date(1980, 5, 17),
    "birth_place": "Xã Nghi Phong, huyện Nghi Lộc, tỉnh Nghệ An", "native_place": "Nghệ An", "ethnicity": "Kinh",
    "religion": "Không", "occupation": "Bác sĩ", "citizen_id": "040080000001", "phone": "0912345678",
    SINCE: dt.date(2015, 1, 1), "status": "Chính thức", "joined_date": dt.date(2005, 3, 2),
    "official_date": dt.date(2006, 3, 2), "general_education": "12/12", "professional_education": "Bác sĩ đa khoa",
    "degree": "Đại học", "political_theory": "Trung cấp",
}  # fmt: skip
REQUIRED = {"full_name", "gender", "birth_date"}


def _member_column(key: str, label: str) -> Column:
    kind = "date" if key in _DATE_FIELDS or key == SINCE else ("choice" if key in CHOICES else "text")
    return Column(key, label, aliases=ALIASES.get(key, ()), kind=kind, choices=CHOICES.get(key, ()),
                  required=key in REQUIRED, example=EXAMPLE.get(key), zfill=12 if key == "citizen_id" else 0)  # fmt: skip


MEMBER_COLUMNS = [
    _member_column(CODE, "Mã chi bộ"),
    *(_member_column(n, _label(n)) for n in _FIELDS[:12]),
    _member_column(SINCE, "Sinh hoạt tại chi bộ từ ngày"),
    *(_member_column(n, _label(n)) for n in _FIELDS[12:]),
]
LABELS = {c.key: c.label for c in MEMBER_COLUMNS}


def may_place_members(actor, org) -> bool:
    return org is not None and policies.can(actor, "place_members", org)


def _prepare_members(actor, rows, options) -> dict:
    codes = {r.values[CODE] for r in rows if r.values.get(CODE)}
    allowed = policies.scope(actor, "place_members", Organization.objects.all())
    cells = {o.code: o for o in allowed.filter(code__in=codes, kind__in=CELL_KINDS)} if codes else {}
    cell = options.get("organization")
    if cell is not None and not isinstance(cell, Organization):
        cell = allowed.filter(pk=cell).first()
    existing = known_citizen_ids(actor, (r.values.get("citizen_id") for r in rows))
    return {"cells": cells, "cell": cell, "existing": existing, "codes": bool(codes)}


def _apply_member(actor, values, context):
    from .services import member_create

    code = values.pop(CODE, "")
    organization = context["cells"].get(code) if code else context["cell"]
    if organization is None:
        raise RowError(LABELS[CODE], f"không có chi bộ mã «{code}» trong phạm vi bạn được thêm đảng viên." if code
                       else "chưa chọn chi bộ trên trang nhập và dòng này không ghi mã chi bộ.")  # fmt: skip
    if values.get("citizen_id") in context["existing"]:
        return EXISTING
    since = values.pop(SINCE, None)
    if not values.get("status"):
        values["status"] = MemberStatus.OFFICIAL if values.get("official_date") else MemberStatus.PROBATIONARY
    values["organization"] = organization
    return member_create(actor=actor, data=values, since=since)


def _apply_members(actor, items, context, progress=None) -> dict:
    """The bulk path of ``_apply_member``: the rows' cells and known citizen IDs from the context, then one call
    of ``services.member_create_many`` (every rule of ``member_create``, written in bulk, all or nothing)."""
    from .services import member_create_many

    outcomes: dict = {}
    rows, numbers = [], []
    for number, values in items:
        code = values.pop(CODE, "")
        organization = context["cells"].get(code) if code else context["cell"]
        if organization is None:
            outcomes[number] = RowError(LABELS[CODE], f"không có chi bộ mã «{code}» trong phạm vi bạn được thêm đảng viên."
                                        if code else "chưa chọn chi bộ trên trang nhập và dòng này không ghi mã chi bộ.")  # fmt: skip
            continue
        if values.get("citizen_id") in context["existing"]:
            outcomes[number] = EXISTING
            continue
        since = values.pop(SINCE, None)
        if not values.get("status"):
            values["status"] = (
                MemberStatus.OFFICIAL if values.get("official_date") else MemberStatus.PROBATIONARY
            )
        values["organization"] = organization
        rows.append((values, since))
        numbers.append(number)
    if rows:  # a row already refused: the others are still checked, nothing is written
        write = not any(isinstance(o, RowError) for o in outcomes.values())
        outcomes.update(
            zip(
                numbers,
                member_create_many(actor=actor, rows=rows, write=write, progress=progress),
                strict=True,
            )
        )
    return outcomes


MEMBERS = ImportKind(
    key="dang_vien", noun="đảng viên", sheet="Đảng viên", columns=MEMBER_COLUMNS, natural_key=("citizen_id",),
    apply=_apply_member, apply_many=_apply_members, prepare=_prepare_members, top=lambda actor: first_top(actor, may_place_members),
    allowed=may_place_members, labels={"organization": "Mã chi bộ", "since": LABELS[SINCE]}, general="Mã chi bộ",
    header="full_name", back="members:list", form="dangbo.members.forms.import_form", filename="mau-nhap-dang-vien.xlsx",
    notes=(
        "Bắt buộc: Họ và tên, Giới tính, Ngày sinh, và Mã chi bộ (mã tổ chức ghi trên trang của chi bộ) nếu không"
        " chọn chi bộ trên trang nhập.",
        "Đảng viên đã có (cùng Số CCCD) được bỏ qua: nhập lại cùng một tệp không thay đổi gì.",
    ),
)  # fmt: skip


# -- member history events -------------------------------------------------------------------------------------

EVENT_KINDS = tuple((v, lbl) for v, lbl in EventKind.choices if v != EventKind.ENROLL)
EVENT_COLUMNS = [
    Column("citizen_id", CCCD, aliases=CCCD_ALIASES, required=True, example="040080000001", zfill=12),
    Column("kind", "Sự kiện", aliases=("Loại sự kiện",), kind="choice", choices=EVENT_KINDS, required=True,
           example=EventKind.OFFICIAL.label),
    Column("date", "Ngày có hiệu lực", aliases=("Ngày", "Từ ngày"), kind="date", required=True,
           example=dt.date(2006, 3, 2)),
    Column("organization_code", "Mã tổ chức", aliases=("Mã chi bộ", "Chi bộ mới", "Mã chi bộ mới"),
           example=""),
    Column("decision_no", "Số quyết định", aliases=("Quyết định số",), example="15-QĐ/ĐU"),
    Column("decision_date", "Ngày quyết định", kind="date", example=dt.date(2006, 3, 1)),
    Column("decision_level", "Cấp ra quyết định", kind="choice", choices=tuple(DecisionLevel.choices),
           example=DecisionLevel.GRASSROOTS.label),
    Column("decision_issuer", "Cơ quan ra quyết định", aliases=("Nơi ra quyết định",),
           example="Đảng ủy Sở Y tế"),
    Column("discipline_form", "Hình thức kỷ luật", kind="choice", choices=tuple(DisciplineForm.choices)),
    Column("note", "Ghi chú"),
]  # fmt: skip


def _change_members(actor, org) -> bool:
    return org is not None and policies.can(actor, policies.CHANGE, org)


def _prepare_events(actor, rows, options) -> dict:
    codes = {r.values["organization_code"] for r in rows if r.values.get("organization_code")}
    orgs = policies.scope(actor, policies.VIEW, Organization.objects.filter(code__in=codes)) if codes else []
    return {
        "members": members_by_citizen_id(actor, (r.values.get("citizen_id") for r in rows), policies.CHANGE),
        "orgs": {o.code: o for o in orgs},
    }


def _apply_event(actor, values, context):
    from .history import services as lifecycle

    member = context["members"].get(values["citizen_id"])
    if member is None:
        raise unknown_member()
    if MemberEvent.objects.filter(member=member, kind=values["kind"], date=values["date"]).exists():
        return EXISTING
    organization = None
    if code := values.get("organization_code"):
        organization = context["orgs"].get(code)
        if organization is None:
            raise RowError("Mã tổ chức", f"không có tổ chức mã «{code}» trong phạm vi của bạn.")
    return lifecycle.event_record(
        actor=actor, member=member, kind=values["kind"], date=values["date"], organization=organization,
        decision_no=values.get("decision_no", ""), decision_date=values.get("decision_date"),
        decision_level=values.get("decision_level", ""), decision_issuer=values.get("decision_issuer", ""),
        discipline_form=values.get("discipline_form", ""), note=values.get("note", ""),
    )  # fmt: skip


EVENTS = ImportKind(
    key="su_kien_dang_vien", noun="sự kiện lịch sử đảng viên", sheet="Sự kiện", columns=EVENT_COLUMNS,
    natural_key=("citizen_id", "kind", "date"), apply=_apply_event, prepare=_prepare_events,
    top=lambda actor: first_top(actor, _change_members), allowed=_change_members, general="Sự kiện",
    labels={"member": CCCD, "organization": "Mã tổ chức"}, back="members:list",
    filename="mau-nhap-su-kien-dang-vien.xlsx",
    notes=(
        "Mỗi dòng một sự kiện (kết nạp, công nhận chính thức, chuyển sinh hoạt, miễn, kỷ luật…) của một đảng viên"
        " đã có trong danh sách, tìm theo Số CCCD. Các dòng của một đảng viên ghi theo thứ tự ngày.",
        "Sự kiện được kiểm tra theo đúng quy tắc của trang lịch sử đảng viên (thứ tự, thẩm quyền quyết định);"
        " dòng bị từ chối ghi rõ lý do.",
        "Mã tổ chức: chi bộ nơi đến (chuyển sinh hoạt, tiếp nhận) hoặc nơi ra quyết định khi cần.",
        "Sự kiện đã có (cùng đảng viên, loại và ngày) được bỏ qua: nhập lại cùng một tệp không thay đổi gì.",
    ),
)  # fmt: skip


# -- committee seats -------------------------------------------------------------------------------------------

SEAT_COLUMNS = [
    Column("organization_code", "Mã tổ chức", aliases=("Mã chi bộ", "Mã đảng bộ"), required=True, example="SYT"),
    Column("term", "Nhiệm kỳ", required=True, example="2020-2025"),
    Column("citizen_id", CCCD, aliases=CCCD_ALIASES, required=True, example="040080000001", zfill=12),
    Column("position", "Chức vụ", aliases=("Chức vụ trong cấp ủy",), kind="choice", choices=tuple(Position.choices),
           required=True, example=Position.SECRETARY.label),
    Column("start_date", "Từ ngày", kind="date", example=dt.date(2020, 8, 1)),
]  # fmt: skip


def _prepare_seats(actor, rows, options) -> dict:
    codes = {r.values["organization_code"] for r in rows if r.values.get("organization_code")}
    orgs = (
        policies.scope(actor, policies.CHANGE, Organization.objects.filter(code__in=codes)) if codes else []
    )
    return {
        "orgs": {o.code: o for o in orgs},
        "members": members_by_citizen_id(actor, (r.values.get("citizen_id") for r in rows)),
    }


def _apply_seat(actor, values, context):
    from dangbo.organizations.services import seat_create

    org = context["orgs"].get(values["organization_code"])
    if org is None:
        raise RowError("Mã tổ chức", f"không có tổ chức mã «{values['organization_code']}» trong phạm vi bạn được sửa cấp ủy.")  # fmt: skip
    term = org.terms.filter(name=values["term"]).first()
    if term is None:
        raise RowError("Nhiệm kỳ", f"tổ chức chưa có nhiệm kỳ «{values['term']}» (ghi nhiệm kỳ trên trang tổ chức trước).")  # fmt: skip
    member = context["members"].get(values["citizen_id"])
    if member is None:
        raise unknown_member()
    if term.seats.filter(member=member, end_date__isnull=True).exists():
        return EXISTING
    return seat_create(actor=actor, term=term, member=member, position=values["position"],
                       start_date=values.get("start_date"))  # fmt: skip


SEATS = ImportKind(
    key="cap_uy", noun="cấp ủy viên", sheet="Cấp ủy", columns=SEAT_COLUMNS,
    natural_key=("organization_code", "term", "citizen_id"), apply=_apply_seat, prepare=_prepare_seats,
    top=lambda actor: first_top(actor, _change_members), allowed=_change_members, general="Mã tổ chức",
    labels={"member": CCCD, "position": "Chức vụ", "start_date": "Từ ngày"}, back="organizations:tree",
    filename="mau-nhap-cap-uy.xlsx",
    notes=(
        "Mỗi dòng một cấp ủy viên của một nhiệm kỳ đã ghi trên trang tổ chức; đảng viên tìm theo Số CCCD và phải"
        " sinh hoạt trong tổ chức đó.",
        "Người đã có trong cấp ủy nhiệm kỳ đó được bỏ qua: nhập lại cùng một tệp không thay đổi gì.",
    ),
)  # fmt: skip
