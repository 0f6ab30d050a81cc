"""Reads of tasks: what a user may see and assign, who has reported and who is late (``summaries``: one aggregate
query for any number of tasks), the reminders of the home page (``task_alerts``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, F, Max, Q, Sum
from django.utils import timezone

from dangbo.accounts import policies as access
from dangbo.core import policies
from dangbo.core.dates import today
from dangbo.core.formats import ngay, phantram, so
from dangbo.organizations.choices import CELL_KINDS
from dangbo.organizations.models import Organization, OrganizationLink
from dangbo.organizations.selectors import valid_on

from ..choices import ReportKind
from ..models import Assignment, Task

# What each kind of report says it did, for the combined line ("57/59 tổ chức đã …").
DONE_VERB = {
    ReportKind.DISSEMINATION: "đã học tập, quán triệt",
    ReportKind.PROGRAMME: "đã xây dựng chương trình hành động, kế hoạch thực hiện",
    ReportKind.WRITTEN: "đã báo cáo",
    ReportKind.FIGURE: "đã báo cáo số liệu",
}


def children_on(org: Organization, on: dt.date) -> list[Organization]:
    """The organizations directly under ``org`` on a date (from the dated parent links), by name."""
    ids = OrganizationLink.objects.filter(valid_on(on), parent=org).values("organization_id")
    return list(Organization.objects.filter(pk__in=ids).order_by("name_norm", "id"))


def directing_organizations(actor):
    """Active committees for which the actor may assign tasks."""
    qs = Organization.objects.filter(end_date__isnull=True).exclude(kind__in=CELL_KINDS)
    return policies.scope(actor, "direct", qs)


def from_above(actor):
    """Assignments of the actor's organizations on tasks held by a committee outside the actor's scope (the
    tasks their superiors gave them). Empty for a superuser, who holds everything."""
    return policies.scope(actor, "from_above", Assignment.objects.all())


def accepting_reports(task: Task, on: dt.date | None = None) -> bool:
    return not (task.closed_date and task.closed_date <= (on or today()))


def closed_message(task: Task) -> str:
    return (
        f"Nhiệm vụ đã kết thúc nhận báo cáo ngày {ngay(task.closed_date)}; báo cáo không được tiếp nhận nữa."
    )


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


def task_alerts(actor, on: dt.date) -> list:
    """Before and after a deadline: to the organization that must report (its own secretaries), and to the
    committee that assigned the task (its staff) when organizations are late."""
    from dangbo.members.history.selectors import Alert

    own = access.role_organizations(actor, access.STEERING, policies.CHANGE)
    held = access.role_organizations(actor, access.STEERING, policies.ADD)
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
