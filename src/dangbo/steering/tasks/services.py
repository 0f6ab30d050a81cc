"""Tasks a committee assigns to its organizations, and the reports they file back (DOMAIN §6).

A task is held by the assigning committee (``Task.organization``) and lists its organizations in
``Assignment`` rows, one per organization, chosen on the assignment date: all organizations directly under the
committee, the ones under one of its organizations, or a hand-picked list. Each organization's secretary files
the report the task asks for; the committee sees who has reported, who is late and the figures combined.
Nothing is totalled in the database: ``selectors.summary`` computes "57/59 … 92,4 %" from the assignments.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction

from dangbo.audit.concurrency.services import Tracked
from dangbo.audit.models import Action
from dangbo.audit.services import record, snapshot
from dangbo.core import dates, policies
from dangbo.core.dates import add_years, today
from dangbo.core.errors import ApplicationError, PermissionDenied
from dangbo.core.formats import ngay, so
from dangbo.core.text import clean_spaces, nfc, read_number
from dangbo.core.uploads import check_upload
from dangbo.members.counts.selectors import headcount, path_on
from dangbo.organizations.models import Organization, OrganizationLink
from dangbo.organizations.selectors import valid_on

from ..choices import AssigneeMode, ReportKind
from ..models import Assignment, Task
from .selectors import accepting_reports, children_on, closed_message

TASK_FIELDS = (
    "title",
    "instructions",
    "report_kind",
    "figure_label",
    "assigned_date",
    "deadline",
    "document",
    "mode",
)
REPORT_FIELDS = {
    ReportKind.DISSEMINATION: ("session_date", "attended", "content"),
    ReportKind.PROGRAMME: ("programme_symbol", "programme_date", "content"),
    ReportKind.WRITTEN: ("content",),
    ReportKind.FIGURE: ("figure", "content"),
}
MAX_FIGURE = Decimal(10) ** 13 - 1  # within what the column holds (16 digits, 2 after the comma)
MAX_TERM_YEARS = 5  # a deadline further than a congress term away is a typing error


def _text(value):
    return clean_spaces(nfc(value)) if isinstance(value, str) else value


def _paths_on(orgs, on: dt.date) -> dict[int, str]:
    """The organizations' paths on a date, in one query."""
    links = OrganizationLink.objects.filter(valid_on(on), organization__in=[o.pk for o in orgs])
    return dict(links.values_list("organization_id", "path"))


def _outside(orgs, parent: Organization, on: dt.date) -> list[Organization]:
    """Those of ``orgs`` that do not lie strictly under ``parent`` on the date (two queries for any number)."""
    top, paths = path_on(parent, on), _paths_on(orgs, on)

    def inside(org) -> bool:
        path = paths.get(org.pk)
        return bool(top and path and path != top and path.startswith(top))

    return [o for o in orgs if not inside(o)]


def title_for(document) -> str:
    """The usual title of a task given on a document: to study it and build the programme of action that carries
    it out (the committee may change it)."""
    return f"Học tập, quán triệt và xây dựng chương trình hành động thực hiện {document.doc_type.name} số {document.symbol}"


# --- Writes -----------------------------------------------------------------------------------------------


def _assignees(organization, mode, on, chosen, under) -> list[Organization]:
    if mode == AssigneeMode.ALL_GRASSROOTS:
        return children_on(organization, on)
    if mode == AssigneeMode.SUBTREE:
        if under is None:
            raise ApplicationError(
                "Chưa chọn đảng bộ.", field_errors={"under": "Trong đảng bộ: hãy chọn một đảng bộ."}
            )
        if _outside([under], organization, on):
            raise ApplicationError("Tổ chức ngoài phạm vi.", field_errors={
                "under": f"Trong đảng bộ: «{under.name}» không trực thuộc «{organization.name}» ngày {ngay(on)}."})  # fmt: skip
        return children_on(under, on)
    if not chosen:
        raise ApplicationError("Chưa chọn tổ chức nào.", field_errors={
            "chosen": "Các tổ chức được chọn: hãy đánh dấu ít nhất một tổ chức."})  # fmt: skip
    outside = [o.name for o in _outside(list(chosen), organization, on)]
    if outside:
        raise ApplicationError("Tổ chức ngoài phạm vi.", field_errors={
            "chosen": f"Các tổ chức được chọn: {', '.join(outside[:5])} không trực thuộc «{organization.name}» ngày {ngay(on)}."})  # fmt: skip
    return list(chosen)


def _same_line(register: Organization, organization: Organization) -> bool:
    """A task may follow a document of the committee's own register, of a committee above it, or of one of
    its organizations — never a sibling's."""
    return organization.path.startswith(register.path) or register.path.startswith(organization.path)


def _check_task(t: Task) -> dict[str, str]:
    """The rules a task keeps whenever it is saved (assigned or corrected): {field: "Nhãn: vấn đề."}."""
    e = {}
    if not t.title:
        e["title"] = "Nhiệm vụ: không được để trống."
    if t.report_kind == ReportKind.FIGURE and not t.figure_label:
        e["figure_label"] = "Số liệu cần báo cáo: báo cáo số liệu phải ghi số liệu nào."
    if not t.deadline:
        e["deadline"] = "Hạn báo cáo: không được để trống."
    elif t.deadline < t.assigned_date:
        e["deadline"] = f"Hạn báo cáo: trước ngày giao ({ngay(t.assigned_date)})."
    elif t.deadline > add_years(t.assigned_date, MAX_TERM_YEARS):
        e["deadline"] = f"Hạn báo cáo: quá {MAX_TERM_YEARS} năm sau ngày giao — xin kiểm tra lại."
    return e


@transaction.atomic
def task_create(*, actor, organization: Organization, data: dict, chosen=(), under=None) -> Task:
    """Assign a task to a set of organizations (see the module doc) with a deadline and the report expected."""
    if not policies.can(actor, policies.ADD, Task(organization=organization)):
        raise PermissionDenied("Bạn không có quyền giao nhiệm vụ thay cấp ủy này.")
    t = Task(
        organization=organization, **{k: _text(data.get(k)) for k in TASK_FIELDS if data.get(k) is not None}
    )
    t.instructions, t.figure_label = t.instructions or "", t.figure_label or ""
    t.assigned_date = t.assigned_date or today()
    e = _check_task(t)
    if t.report_kind not in ReportKind.values:
        e["report_kind"] = "Hình thức báo cáo: hãy chọn một hình thức."
    if t.assigned_date > today():
        e["assigned_date"] = "Ngày giao: không được sau ngày hôm nay."
    if t.document_id and not _same_line(t.document.register, organization):
        e["document"] = "Theo văn bản: văn bản không thuộc sổ văn bản của cấp ủy này hoặc cấp trên của nó."
    elif t.document_id and t.document.issued_date > t.assigned_date:
        e["document"] = f"Theo văn bản: văn bản ban hành ngày {ngay(t.document.issued_date)}, sau ngày giao."
    if path_on(organization, t.assigned_date) is None:
        e["assigned_date"] = f"Ngày giao: «{organization.name}» không hoạt động ngày {ngay(t.assigned_date)}."
    if e:
        raise ApplicationError("Chưa giao được nhiệm vụ, xin xem các ô được đánh dấu.", field_errors=e)
    orgs = _assignees(organization, t.mode, t.assigned_date, chosen, under)
    if not orgs:
        raise ApplicationError("Không có tổ chức nào để giao.", field_errors={
            "mode": f"Giao cho: không có tổ chức nào trực thuộc vào ngày {ngay(t.assigned_date)}."})  # fmt: skip
    t.save()
    Assignment.objects.bulk_create([Assignment(task=t, organization=o) for o in orgs])
    record(actor=actor, action=Action.CREATE, obj=t, scope_path=organization.path,
           extra={"assignees": {"label": "Giao cho", "before": "", "after": f"{len(orgs)} tổ chức"}})  # fmt: skip
    return t


EDITABLE_FIELDS = ("title", "instructions", "figure_label", "deadline")
# The edit page's version token (audit.concurrency): a save over someone else's change is refused.
TASK_VERSION = Tracked(EDITABLE_FIELDS, noun="Nhiệm vụ này")


@transaction.atomic
def task_update(*, actor, task: Task, data: dict, expected_version: str | None = None) -> Task:
    """Correct a task's wording or extend its deadline (gia hạn). Who it was given to and the kind of report
    stay as assigned; a closed task is not changed."""
    t = Task.objects.select_for_update().select_related("organization").get(pk=task.pk)
    if not policies.can(actor, policies.CHANGE, t):
        raise PermissionDenied("Bạn không có quyền sửa nhiệm vụ này.")
    if t.closed_date:
        raise ApplicationError(
            f"Nhiệm vụ đã kết thúc nhận báo cáo ngày {ngay(t.closed_date)}, không sửa được."
        )
    TASK_VERSION.check(t, expected_version)
    before = snapshot(t)
    for k in EDITABLE_FIELDS:
        if k in data:
            setattr(t, k, _text(data[k]) if data[k] is not None else ("" if k != "deadline" else None))
    e = _check_task(t)
    if e:
        raise ApplicationError("Chưa lưu được nhiệm vụ, xin xem các ô được đánh dấu.", field_errors=e)
    t.save()
    record(actor=actor, action=Action.UPDATE, obj=t, before=before, scope_path=t.organization.path)
    return t


@transaction.atomic
def task_close(*, actor, task: Task, on: dt.date | None = None) -> Task:
    """Stop accepting reports (the review has been written)."""
    t = Task.objects.select_for_update().select_related("organization").get(pk=task.pk)
    if not policies.can(actor, policies.CHANGE, t):
        raise PermissionDenied("Bạn không có quyền kết thúc nhiệm vụ này.")
    if t.closed_date:
        raise ApplicationError(f"Nhiệm vụ đã kết thúc nhận báo cáo ngày {ngay(t.closed_date)}.")
    before = snapshot(t)
    t.closed_date = on or today()
    if t.closed_date < t.assigned_date:
        raise ApplicationError(
            "Ngày kết thúc: trước ngày giao.", field_errors={"closed_date": "Ngày kết thúc: trước ngày giao."}
        )
    t.save()
    record(actor=actor, action=Action.UPDATE, obj=t, before=before, scope_path=t.organization.path)
    return t


def _not_a_date(value) -> bool:
    return value is not None and (not isinstance(value, dt.date) or isinstance(value, dt.datetime))


def _check_report(a: Assignment, task: Task, data: dict, on: dt.date, upload=None) -> None:
    """Check a report's values; the numbers in ``data`` are replaced by the values read (the one reader)."""
    kind, e = task.report_kind, {}
    if kind == ReportKind.DISSEMINATION:
        day, attended = data.get("session_date"), data.get("attended")
        if day is None:
            e["session_date"] = "Ngày học tập, quán triệt: không được để trống."
        elif _not_a_date(day):
            e["session_date"] = "Ngày học tập, quán triệt: ngày không hợp lệ."
        elif day > on:
            e["session_date"] = "Ngày học tập, quán triệt: không được sau ngày hôm nay."
        elif task.document_id and day < task.document.issued_date:
            e["session_date"] = (
                f"Ngày học tập, quán triệt: trước ngày ban hành văn bản ({ngay(task.document.issued_date)})."
            )
        elif path_on(a.organization, day) is None:
            e["session_date"] = f"Ngày học tập, quán triệt: tổ chức không hoạt động ngày {ngay(day)}."
        attended, problem = read_number(
            attended, "Số đảng viên tham dự", required=True, whole=True, min_value=0
        )
        data["attended"] = attended
        if problem:
            e["attended"] = problem
        elif "session_date" not in e:
            # The base is the organization's roll on that day, from the registry — not typed in.
            a.member_total = headcount(a.organization, day)["tong"]
            if attended > a.member_total:
                e["attended"] = (f"Số đảng viên tham dự: {so(attended)} nhiều hơn số đảng viên của tổ chức ngày "
                                 f"{ngay(day)} ({so(a.member_total)}).")  # fmt: skip
    elif kind == ReportKind.PROGRAMME:
        if not data.get("programme_symbol"):
            e["programme_symbol"] = "Số, ký hiệu chương trình/kế hoạch: không được để trống."
        elif not isinstance(data["programme_symbol"], str) or len(data["programme_symbol"]) > 50:
            e["programme_symbol"] = "Số, ký hiệu chương trình/kế hoạch: tối đa 50 ký tự."
        day = data.get("programme_date")
        if day is None:
            e["programme_date"] = "Ngày ban hành chương trình/kế hoạch: không được để trống."
        elif _not_a_date(day):
            e["programme_date"] = "Ngày ban hành chương trình/kế hoạch: ngày không hợp lệ."
        elif day > on:
            e["programme_date"] = "Ngày ban hành chương trình/kế hoạch: không được sau ngày hôm nay."
    elif kind == ReportKind.FIGURE:
        # The range on the number as read (the one reader), before anything rounds or stores it.
        figure, problem = read_number(data.get("figure"), task.figure_label or "Số liệu", required=True, min_value=0,
                                      max_value=MAX_FIGURE, decimal_places=2)  # fmt: skip
        data["figure"] = figure
        if problem:
            e["figure"] = problem
    elif kind == ReportKind.WRITTEN and not data.get("content") and not upload:
        e["content"] = "Nội dung báo cáo: hãy ghi nội dung hoặc đính kèm tệp báo cáo."
    if e:
        raise ApplicationError("Chưa gửi được báo cáo, xin xem các ô được đánh dấu.", field_errors=e)


def report_file(*, actor, assignment: Assignment, data: dict, upload=None) -> Assignment:
    """File (or correct, until the task is closed) an organization's report on a task. An attached file is
    written before the row; if the transaction fails it is removed again, and once it commits the file it
    replaces is removed."""
    stored: list = []
    try:
        return _report_save(actor, assignment, data, upload, stored)
    except BaseException:
        for storage, name in stored:
            storage.delete(name)
        raise


@transaction.atomic
def _report_save(actor, assignment: Assignment, data: dict, upload, stored: list) -> Assignment:
    a = (
        Assignment.objects.select_for_update(of=("self",))
        .select_related("task__document", "organization")
        .get(pk=assignment.pk)
    )
    task = a.task
    if not policies.can(actor, policies.CHANGE, a):
        raise PermissionDenied("Bạn không có quyền báo cáo thay tổ chức này.")
    now = today()
    if not accepting_reports(task, now):
        raise ApplicationError(closed_message(task))
    data = {k: _text(v) for k, v in data.items()}
    _check_report(a, task, data, now, upload)
    name = check_upload(upload) if upload else None
    before = snapshot(a)
    for k in REPORT_FIELDS[task.report_kind]:
        setattr(
            a,
            k,
            data.get(k)
            if data.get(k) is not None
            else ("" if k in ("content", "programme_symbol") else None),
        )
    before_name, old_file = a.attachment_name, a.attachment.name
    if upload:
        a.attach(upload, name)
        storage = a.attachment.storage
        stored.append((storage, a.attachment.name))
        if old_file:
            transaction.on_commit(lambda: storage.delete(old_file))
    first = a.reported_at is None
    if first:  # on time or late is decided by the first filing; corrections are in the audit history
        a.reported_at, a.reported_by = dates.now(), actor if getattr(actor, "pk", None) else None
    a.save()
    record(actor=actor, action=Action.CREATE if first else Action.UPDATE, obj=a, before=None if first else before,
           scope_path=a.organization.path, extra=a.attachment_change(before_name))  # fmt: skip
    return a
