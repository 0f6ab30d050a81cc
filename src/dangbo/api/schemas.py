"""The shapes of the JSON API: built from the models and the page's filter where they can be, so a field added to
the member record or to the member list's filter reaches the API without a second list to keep."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

import django_filters
from django.db import models
from ninja import Field, Schema
from pydantic import BeforeValidator, ConfigDict, create_model
from pydantic_core import PydanticCustomError

from dangbo.meetings.choices import Presence
from dangbo.members.choices import DecisionLevel, DisciplineForm
from dangbo.members.filters import MemberFilter
from dangbo.members.history.services import DIRECT_KINDS
from dangbo.members.models import Member, MemberEvent
from dangbo.members.services import EDIT_FIELDS, MEMBER_FIELDS

MAX_ID = 2**63 - 1
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
# Page sizes: a list answers at most PAGE_MAX rows per call (README: API).
PAGE_MAX = 200


def _iso_date(value):
    """Dates only as yyyy-mm-dd text (pydantic alone would also read "0" as 01/01/1970, a Unix time)."""
    if isinstance(value, str) and not (len(value) == 10 and value[4] == "-" and value[7] == "-"):
        raise PydanticCustomError("date_parsing", "not a yyyy-mm-dd date")
    if isinstance(value, int | float):
        raise PydanticCustomError("date_parsing", "not a yyyy-mm-dd date")
    return value


Date = Annotated[dt.date, BeforeValidator(_iso_date)]


class Strict(Schema):
    """Input: an unknown field is an error, not silently ignored."""

    model_config = ConfigDict(extra="forbid")


def _choice_type(values: list[str]):
    return Literal[tuple(values)]  # type: ignore[valid-type]


# --- Members: input built from the model's fields ----------------------------------------------------------------

# The statuses a record is entered with (the form offers the same two; the others come from events).
ENTRY_STATUSES = ["chinh_thuc", "du_bi"]


def _member_field(name: str, *, required: bool):
    field = Member._meta.get_field(name)
    label = str(field.verbose_name)
    if isinstance(field, models.ForeignKey):
        kind: Any = Id
    elif isinstance(field, models.DateField):
        kind = Date | None if field.null else Date
    elif isinstance(field, models.BooleanField):
        kind = bool
    elif field.choices:
        values = ENTRY_STATUSES if name == "status" else [str(v) for v, _ in field.flatchoices]
        if field.blank and "" not in values:
            values = ["", *values]
        kind = _choice_type(values)
    else:
        kind = Annotated[str, Field(max_length=field.max_length)]
        if field.null:
            kind = kind | None
    # An optional field that cannot be empty takes null as "not sent" nowhere: it is typed without null (and a
    # null sent is "không được để trống"); left out, the model's default applies (the payload is read unset-aware).
    default = ... if required else None
    return kind, Field(default, description=label)


REQUIRED_ON_CREATE = ("full_name", "gender", "birth_date", "organization")

MemberCreate = create_model(
    "MemberCreate",
    __base__=Strict,
    since=(Date | None, Field(None, description="Sinh hoạt tại chi bộ từ ngày (bỏ trống: hôm nay)")),
    from_external=(
        Annotated[str, Field(max_length=255)] | None,
        Field(None, description="Chuyển đến từ (ngoài hệ thống)"),
    ),
    **{name: _member_field(name, required=name in REQUIRED_ON_CREATE) for name in MEMBER_FIELDS},
)
MemberUpdate = create_model(
    "MemberUpdate",
    __base__=Strict,
    expected_version=(
        Annotated[str, Field(min_length=1, max_length=2000)],
        Field(
            ...,
            description="Phiên bản của hồ sơ đã đọc (trường `version` của GET): ai sửa trước thì lần "
            "ghi này bị từ chối (409).",
        ),
    ),
    **{name: _member_field(name, required=False) for name in EDIT_FIELDS},
)


# --- Member history events (as the page «Ghi sự kiện»: the kinds entered from the member page) --------------------


def _event_text(name: str):
    field = MemberEvent._meta.get_field(name)
    return Annotated[str, Field(max_length=field.max_length)], Field("", description=str(field.verbose_name))


def _event_choice(name: str, values):
    field = MemberEvent._meta.get_field(name)
    return _choice_type(["", *values]), Field("", description=str(field.verbose_name))


class MemberEventCreate(Strict):
    """One event of the member's history, checked by the same rules as the page (the order of the history, the
    power of the level that decided it)."""

    kind: _choice_type([str(k) for k in DIRECT_KINDS]) = Field(  # type: ignore[valid-type]
        description="Sự kiện (chuyển sinh hoạt đi, tiếp nhận, kết nạp có trang riêng)"
    )
    date: Date = Field(description="Ngày có hiệu lực")
    organization: Id | None = Field(
        None, description="Chi bộ (id): cần cho chuyển sinh hoạt nội bộ, kết nạp lại, khôi phục đảng tịch"
    )
    decision_no: _event_text("decision_no")[0] = _event_text("decision_no")[1]  # type: ignore[valid-type]
    decision_date: Date | None = Field(None, description="Ngày quyết định")
    decision_level: _choice_type(["", *DecisionLevel.values]) = Field(  # type: ignore[valid-type]
        "", description="Cấp ra quyết định"
    )
    decision_issuer: _event_text("decision_issuer")[0] = _event_text("decision_issuer")[1]  # type: ignore[valid-type]
    discipline_form: _choice_type(["", *DisciplineForm.values]) = Field(  # type: ignore[valid-type]
        "", description="Hình thức kỷ luật (sự kiện kỷ luật)"
    )
    discipline_year: Annotated[int, Field(ge=1930, le=2100)] | None = Field(
        None, description="Kỷ luật tính cho năm (bỏ trống: năm của ngày có hiệu lực)"
    )
    note: _event_text("note")[0] = _event_text("note")[1]  # type: ignore[valid-type]


# --- Meeting attendance (roll call) --------------------------------------------------------------------------------


class AttendanceRow(Strict):
    member_id: Id = Field(description="Mã đảng viên")
    presence: Literal[tuple(Presence.values)] = Field(  # type: ignore[valid-type]
        description="Có mặt, đi muộn, vắng có lý do, vắng không lý do"
    )
    reason: Annotated[str, Field(max_length=255)] = Field(
        "", description="Lý do vắng (bắt buộc khi vắng có lý do)"
    )


class AttendanceWrite(Strict):
    """The whole roll call at once, as the page: one row for every member expected."""

    expected_version: Annotated[str, Field(min_length=1, max_length=4000)] = Field(
        description="Trường `attendance_version` của buổi sinh hoạt đã đọc: ai điểm danh trước thì lần ghi này bị "
        "từ chối (409)."
    )
    rows: Annotated[list[AttendanceRow], Field(max_length=2000)] = Field(
        description="Điểm danh từng đảng viên"
    )


# --- Members: the list's query, built from the page's FilterSet --------------------------------------------------


def _filter_field(flt: django_filters.Filter):
    label = str(flt.label)
    if isinstance(flt, django_filters.ModelChoiceFilter):
        return Id | None, Field(None, description=f"{label} (id)")
    if isinstance(flt, django_filters.ChoiceFilter):
        values = [str(v) for v, _ in flt.extra["choices"]]
        return _choice_type(values) | None, Field(None, description=label)
    return Annotated[str, Field(max_length=200)] | None, Field(None, description=label)


class Paging(Schema):
    cursor: Annotated[str, Field(max_length=200)] | None = Field(
        None, description="Con trỏ trang (next_cursor)"
    )
    limit: Annotated[int, Field(ge=1, le=PAGE_MAX)] | None = Field(None, description="Số dòng mỗi trang")


MemberQuery = create_model(
    "MemberQuery",
    __base__=Paging,
    **{name: _filter_field(f) for name, f in MemberFilter.base_filters.items()},
)


# --- Output ------------------------------------------------------------------------------------------------------


class OrgRef(Schema):
    id: int
    name: str


class Organization(Schema):
    id: int
    name: str
    short_name: str
    code: str
    kind: str
    kind_label: str
    parent_id: int | None
    depth: int
    founding_date: dt.date | None
    end_date: dt.date | None
    official_count: int
    probationary_count: int


class TreeNode(Schema):
    id: int
    name: str
    code: str
    kind: str
    parent_id: int | None
    depth: int
    has_children: bool | None = None


class MemberItem(Schema):
    id: int
    full_name: str
    gender: str
    birth_date: dt.date
    ethnicity: str
    status: str
    status_label: str
    joined_date: dt.date | None
    official_date: dt.date | None
    political_theory: str
    organization: OrgRef


class MemberDetail(MemberItem):
    """Every field of the record, as on the member page (which shows the citizen ID, address and phone to those
    who may see the record; each showing is recorded)."""

    other_names: str
    birth_place: str
    native_place: str
    residence: str
    religion: str
    occupation: str
    citizen_id: str | None
    phone: str
    card_number: str
    cv_number: str
    exempted: bool
    joined_cell: str
    admission_decision_date: dt.date | None
    official_cell: str
    introducer_1: str
    introducer_2: str
    youth_union_date: dt.date | None
    general_education: str
    professional_education: str
    degree: str
    academic_title: str
    version: str = Field(description="Gửi lại làm `expected_version` khi sửa hồ sơ")


class MemberEventOut(Schema):
    id: int
    kind: str = Field(description="Mã loại sự kiện")
    kind_label: str = Field(description="Sự kiện")
    date: dt.date = Field(description="Ngày có hiệu lực")
    organization: OrgRef | None = Field(description="Chi bộ")
    decision_no: str
    decision_date: dt.date | None
    decision_level: str
    decision_issuer: str
    discipline_form: str
    discipline_year: int | None
    transfer_id: int | None = Field(description="Giấy giới thiệu sinh hoạt đảng (sự kiện của một lần chuyển)")
    note: str


class MemberEventRecorded(MemberEventOut):
    warnings: list[str] = Field(
        description="Cảnh báo: thẩm quyền quyết định mà văn bản chưa quy định rõ (vẫn ghi)"
    )
    member_status: str = Field(description="Tình trạng của đảng viên sau sự kiện")


class Meeting(Schema):
    id: int
    organization: OrgRef
    kind: str
    kind_label: str
    state: str
    topic: str
    planned_at: dt.datetime
    place: str
    base_count: int
    present_count: int
    unexcused_count: int


class Attendance(Schema):
    member_id: int
    full_name: str
    presence: str
    presence_label: str
    reason: str


class MeetingDetail(Meeting):
    agenda: str
    resolution: str
    attendance: list[Attendance]
    attendance_version: str = Field(description="Gửi lại làm `expected_version` khi điểm danh")


class RollRow(Schema):
    member_id: int
    full_name: str
    category: str = Field(description="Nhóm trong danh sách sinh hoạt ngày họp (base, tam_den, mien, tam_di)")
    category_label: str
    counted: bool = Field(
        description="Phải điểm danh (tính vào số phải dự); false: được miễn hoặc đang sinh hoạt "
        "tạm thời nơi khác"
    )
    presence: str | None = Field(description="Đã điểm danh: có mặt, đi muộn, vắng…; null: chưa")
    reason: str


class RollCall(Schema):
    meeting_id: int
    attendance_version: str = Field(description="Gửi lại làm `expected_version` khi điểm danh")
    rows: list[RollRow]


class Document(Schema):
    id: int
    symbol: str
    direction: str
    doc_type: str
    register_organization: OrgRef = Field(description="Sổ văn bản của tổ chức")
    issuer_name: str
    issued_date: dt.date
    received_date: dt.date | None
    summary: str
    signer: str


class Task(Schema):
    id: int
    title: str
    organization: OrgRef
    document_id: int | None
    report_kind: str
    assigned_date: dt.date
    deadline: dt.date
    closed_date: dt.date | None


class AssignmentOut(Schema):
    organization: OrgRef
    reported_at: dt.datetime | None
    state: str
    session_date: dt.date | None
    member_total: int | None
    attended: int | None
    figure: float | None


class TaskDetail(Task):
    instructions: str
    assignments: list[AssignmentOut]


class Headcount(Schema):
    organization: OrgRef
    on: dt.date
    figures: dict[str, Any]
    rows: list[dict[str, Any]]


class Movement(Schema):
    organization: OrgRef
    from_date: dt.date = Field(description="Từ ngày")
    to_date: dt.date = Field(description="Đến ngày")
    figures: dict[str, Any] = Field(
        description="Đầu kỳ (dau_ky), cuối kỳ (cuoi_ky), tăng, giảm và từng loại tăng/giảm; can_doi: đầu kỳ + tăng − "
        "giảm = cuối kỳ"
    )
    rows: list[dict[str, Any]] = Field(description="Các dòng của bảng biến động (như trang Báo cáo)")


def page_of(item):
    return create_model(
        f"{item.__name__}Page",
        __base__=Schema,
        items=(list[item], ...),
        next_cursor=(str | None, Field(None, description="Con trỏ của trang sau (không có: trang cuối)")),
    )


class MemberPage(page_of(MemberItem)):
    total: int = Field(description="Số đảng viên khớp bộ lọc (đếm tới `total_cap`, như trang danh sách)")
    total_capped: bool = Field(description="Có nhiều hơn `total_cap` dòng")
    total_cap: int


class ProblemError(Schema):
    field: str
    message: str


class Problem(Schema):
    """RFC 9457 problem details."""

    type: str
    title: str
    status: int
    detail: str
    errors: list[ProblemError] = []
