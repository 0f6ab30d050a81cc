"""Tasks a committee assigns to its organizations, and the reports they file back (DOMAIN §6).

A task is held by the assigning committee (``Task.organization``) and lists its organizations in
``Assignment`` rows, one per organization, chosen on the assignment date: all organizations directly under the
committee, the ones under one of its organizations, or a hand-picked list. Each organization's secretary files
the report the task asks for; the committee sees who has reported, who is late and the figures combined.
Nothing is totalled in the database: ``summary`` computes "57/59 … 92,4 %" from the assignments.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import Count, F, Max, Q, Sum
from django.utils import timezone

from dangbo.accounts import selectors as access
from dangbo.audit.concurrency.services import Tracked
from dangbo.audit.models import Action
from dangbo.audit.services import record, snapshot
from dangbo.core import dates, policies
from dangbo.core.dates import add_years, today
from dangbo.core.errors import ApplicationError, PermissionDenied
from dangbo.core.formats import ngay, phantram, so
from dangbo.core.text import clean_spaces, nfc, read_number
from dangbo.core.uploads import check_upload
from dangbo.members.counts.selectors import headcount, path_on
from dangbo.organizations.choices import CELL_KINDS
from dangbo.organizations.models import Organization, OrganizationLink
from dangbo.organizations.policies import work_q
from dangbo.organizations.selectors import valid_on

from ..choices import AssigneeMode, ReportKind
from ..models import Assignment, Task

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
# What each kind of report says it did, for the combined line ("57/59 tổ chức đã …").
DONE_VERB = {
    ReportKind.DISSEMINATION: "đã học tập, quán triệt",
    ReportKind.PROGRAMME: "đã xây dựng chương trình hành động, kế hoạch thực hiện",
    ReportKind.WRITTEN: "đã báo cáo",
    ReportKind.FIGURE: "đã báo cáo số liệu",
}


def _text(value):
    return clean_spaces(nfc(value)) if isinstance(value, str) else value


def children_on(org: Organization, on: dt.date) -> list[Organization]:
    """The organizations directly under ``org`` on a date (from the dated parent links), by name."""
    ids = OrganizationLink.objects.filter(valid_on(on), parent=org).values("organization_id")
    return list(Organization.objects.filter(pk__in=ids).order_by("name_norm", "id"))


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


# --- Reads ------------------------------------------------------------------------------------------------


def title_for(document) -> str:
    """The usual title of a task given on a document: to study it and build the programme of action that carries
    it out (the committee may change it)."""
    return f"Học tập, quán triệt và xây dựng chương trình hành động thực hiện {document.doc_type.name} số {document.symbol}"


def task_scope(actor):
    """Tasks the actor may see: those held by an organization of their scope, and those assigned to one."""
    return policies.scope(actor, policies.VIEW, Task.objects.all())


def assignment_scope(actor, task: Task | None = None):
    """Assignments the actor may see: all of a task their committee holds, else only their organizations'."""
    qs = Assignment.objects.all() if task is None else task.assignments.all()
    return policies.scope(actor, policies.VIEW, qs)


def can_assign(actor, organization: Organization) -> bool:
    """A committee assigns tasks to the organizations under it; a cell has none under it."""
    return organization.kind not in CELL_KINDS and policies.can(actor, "direct", organization)


def directing_organizations(actor):
    """Active committees for which the actor may assign tasks."""
    qs = Organization.objects.filter(end_date__isnull=True).exclude(kind__in=CELL_KINDS)
    return policies.scope(actor, "direct", qs)


def from_above(actor):
    """Assignments of the actor's organizations on tasks held by a committee outside the actor's scope (the
    tasks their superiors gave them). Empty for a superuser, who holds everything."""
    mine = work_q(actor, "steer", "organization")
    if mine is None or mine == Q():
        return Assignment.objects.none()
    return Assignment.objects.filter(mine).exclude(work_q(actor, "steer", "task__organization"))


def accepting_reports(task: Task, on: dt.date | None = None) -> bool:
    return not (task.closed_date and task.closed_date <= (on or today()))


def closed_message(task: Task) -> str:
    return (
        f"Nhiệm vụ đã kết thúc nhận báo cáo ngày {ngay(task.closed_date)}; báo cáo không được tiếp nhận nữa."
    )


def can_report(actor, assignment: Assignment) -> bool:
    return policies.can(actor, "report", assignment.organization)


@dataclass
class Summary:
    total: int
    reported: int
    late: int  # reported after the deadline
    overdue: int  # not reported and the deadline has passed
    attended: int
    member_total: int
    figure: Decimal | None
    line: str

    @property
    def missing(self) -> int:
        return self.total - self.reported

    @property
    def on_time(self) -> int:
        return self.reported - self.late

    @property
    def attendance_rate(self) -> float | None:
        return 100 * self.attended / self.member_total if self.member_total else None


def _deadline_end(task: Task) -> dt.datetime:
    """Reports filed on the deadline day are on time: the last moment of that day in the configured time zone."""
    return timezone.make_aware(dt.datetime.combine(task.deadline, dt.time.max))


def summary(
    task: Task, *, on: dt.date | None = None, assignments=None, filed_by: dt.date | None = None
) -> Summary:
    """Who has reported, who is late, and the combined figures of one task — one aggregate query (``summaries``).
    ``filed_by``: only the reports filed by the end of that day count (a review report of a past period says the
    same whenever it is made)."""
    return summaries([task], on=on, assignments=assignments, filed_by=filed_by)[task.pk]


def summaries(
    tasks, *, on: dt.date | None = None, assignments=None, filed_by: dt.date | None = None
) -> dict[int, Summary]:
    """``summary`` of each of ``tasks`` ({task id: Summary}) in one aggregate query grouped by task, whatever their
    number: a list of tasks, the dashboard and the review report read it instead of a query per task. ``tasks``
    are Task objects with their document and its type selected (the combined line names the document);
    ``assignments``: the assignments that count (the actor's scope), all of the tasks' by default. A report is late
    when it was filed after the task's deadline day (in the configured time zone, as ``_deadline_end``)."""
    on = on or today()
    tasks = list(tasks)
    if not tasks:
        return {}
    qs = assignments if assignments is not None else Assignment.objects.all()
    done = Q(reported_at__isnull=False)
    if filed_by is not None:
        done &= Q(reported_at__lte=timezone.make_aware(dt.datetime.combine(filed_by, dt.time.max)))
    rows = (
        qs.filter(task__in=[t.pk for t in tasks])
        .values("task_id")
        .annotate(
            total=Count("id"), reported=Count("id", filter=done),
            late=Count("id", filter=done & Q(reported_at__date__gt=F("task__deadline"))),
            n_attended=Sum("attended", filter=done),
            n_base=Sum("member_total", filter=done & Q(attended__isnull=False)),
            n_figure=Sum("figure", filter=done),
        )
        .order_by()
    )  # fmt: skip
    found = {r["task_id"]: r for r in rows}
    out = {}
    for task in tasks:
        agg = found.get(task.pk) or {"total": 0, "reported": 0, "late": 0, "n_attended": None, "n_base": None,
                                     "n_figure": None}  # fmt: skip
        overdue = agg["total"] - agg["reported"] if on > task.deadline else 0
        s = Summary(agg["total"], agg["reported"], agg["late"], overdue, agg["n_attended"] or 0, agg["n_base"] or 0,
                    agg["n_figure"], "")  # fmt: skip
        s.line = _line(task, s)
        out[task.pk] = s
    return out


def _line(task: Task, s: Summary) -> str:
    """The combined line of a task's reports: "57/59 tổ chức đã học tập, quán triệt … ; 2 tổ chức báo cáo muộn."."""
    what = (
        f" {task.document.doc_type.name} số {task.document.symbol}"
        if task.document_id
        else f" «{task.title}»"
    )
    line = f"{s.reported}/{s.total} tổ chức {DONE_VERB[task.report_kind]}"
    if task.report_kind == ReportKind.DISSEMINATION:
        line += what
        if s.attendance_rate is not None:
            line += (
                f"; {phantram(s.attendance_rate)} đảng viên tham dự ({so(s.attended)}/{so(s.member_total)})"
            )
    elif task.report_kind == ReportKind.PROGRAMME:
        line += what
    elif task.report_kind == ReportKind.FIGURE and s.figure is not None:
        label = task.figure_label or "Tổng số liệu"
        line += f"; {label.lower()}: {so(s.figure.normalize() if s.figure % 1 else int(s.figure))}"
    if s.late:
        line += f"; {s.late} tổ chức báo cáo muộn"
    if s.overdue:
        line += f"; {s.overdue} tổ chức quá hạn chưa báo cáo"
    return line + "."


def state_of(assignment: Assignment, task: Task, on: dt.date) -> tuple[str, str]:
    """(css level, label) of one organization's report."""
    if assignment.reported_at:
        if assignment.reported_at > _deadline_end(task):
            return "warn", f"Báo cáo muộn ({ngay(timezone.localtime(assignment.reported_at).date())})"
        return "ok", f"Đã báo cáo ({ngay(timezone.localtime(assignment.reported_at).date())})"
    if on > task.deadline:
        return "bad", "Quá hạn, chưa báo cáo"
    return "", "Chưa báo cáo"


def with_counts(tasks):
    """Annotate a task queryset with its report counts (one query for a whole list)."""
    return tasks.annotate(
        n_total=Count("assignments", distinct=True),
        n_reported=Count("assignments", filter=Q(assignments__reported_at__isnull=False), distinct=True),
        last_report=Max("assignments__reported_at"),
    )


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
    if not can_assign(actor, organization):
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
    if not can_assign(actor, t.organization):
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
    if not can_assign(actor, t.organization):
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
    if not can_report(actor, a):
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


# --- Reminders on the home page ------------------------------------------------------------------------------


def task_alerts(actor, on: dt.date) -> list:
    """Before and after a deadline: to the organization that must report (its own secretaries), and to the
    committee that assigned the task (its staff) when organizations are late."""
    from dangbo.members.history.selectors import Alert

    grants = access.grants(actor)
    own = [g.org_id for g in grants if policies.CHANGE in access.RULES[g.role]["steering"]]
    held = [g.org_id for g in grants if policies.ADD in access.RULES[g.role]["steering"]]
    if not own and not held:
        return []
    soon = on + dt.timedelta(days=settings.DANGBO_TASK_REMINDER_DAYS)
    open_q = Q(task__closed_date__isnull=True) | Q(task__closed_date__gt=on)
    out = []
    due = (Assignment.objects.filter(open_q, organization_id__in=own, reported_at__isnull=True, task__deadline__lte=soon)
           .select_related("task", "organization").order_by("task__deadline", "id")[:50])  # fmt: skip
    for a in due:
        if a.task.deadline < on:
            out.append(Alert("warn", f"{a.organization.name}: quá hạn báo cáo «{a.task.title}» (hạn {ngay(a.task.deadline)})",
                             a.get_absolute_url(), a.task.deadline, org=a.organization.name))  # fmt: skip
        else:
            out.append(Alert("info", f"{a.organization.name}: báo cáo «{a.task.title}» trước {ngay(a.task.deadline)}",
                             a.get_absolute_url(), a.task.deadline, org=a.organization.name))  # fmt: skip
    late = with_counts(Task.objects.filter(Q(closed_date__isnull=True) | Q(closed_date__gt=on),
                                           organization_id__in=held, deadline__lt=on)).select_related("organization")  # fmt: skip
    for t in late.order_by("deadline", "id")[:50]:
        missing = t.n_total - t.n_reported
        if missing:
            out.append(Alert("warn", f"«{t.title}»: {missing}/{t.n_total} tổ chức chưa báo cáo, đã quá hạn {ngay(t.deadline)}",
                             t.get_absolute_url(), t.deadline, org=t.organization.name))  # fmt: skip
    return out
