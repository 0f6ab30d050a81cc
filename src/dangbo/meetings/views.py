"""Pages of cell meetings: calendar, plan, roll call, minutes, quality, grades, the committee's grid."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.defaultfilters import floatformat
from django.utils import timezone
from django.utils.formats import localize
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_http_methods, require_POST

from dangbo.audit.selectors import history_page
from dangbo.core import policies
from dangbo.core.dates import today
from dangbo.core.forms import post_action
from dangbo.core.http import file_response, int_param
from dangbo.core.views import form_page
from dangbo.members.models import Member
from dangbo.organizations.forms import picker_html
from dangbo.organizations.models import Organization
from dangbo.organizations.policies import top_organizations
from dangbo.reports.rollups import selectors as rollups

from . import rules as quality
from . import selectors, services
from .choices import MeetingKind, MeetingState
from .filters import calendar_filter
from .forms import AttendanceForm, GradeForm, MinutesForm, PlanForm, TaskFormSet
from .models import Meeting
from .rules import rules_on
from .selectors import LABELS, roll


def _meeting(request, pk) -> object:
    m = (
        policies.scope(request.user, policies.VIEW, Meeting.objects.all())
        .select_related("organization", "self_grade", "upper_grade")
        .filter(pk=pk)
        .first()
    )
    if m is None:
        raise Http404
    return m


def _managed(request, pk):
    m = _meeting(request, pk)
    if not policies.can(request.user, "place_members", m.organization):
        raise Http404
    return m


@login_required
def calendar(request):
    """Meetings of a month in the actor's scope (a member sees their cell's). The month links stop at the range
    of the data (``selectors.calendar_range``); a month that is not one, or outside the range, gets a page that
    says so, with links back into the range (status 400/404, never a 500 nor an endless walk)."""
    first, last = selectors.calendar_range(request.user)
    flt = calendar_filter(actor=request.user, params=request.GET)
    month = flt.month()
    problem, status = "", 200
    if month is None:
        problem, status = flt.problem(), 400
    elif not first <= month <= last:
        problem, status = (f"Lịch sinh hoạt có từ tháng {first:%m/%Y} đến tháng {last:%m/%Y}; "
                           f"tháng {month:%m/%Y} nằm ngoài khoảng này."), 404  # fmt: skip
    if problem:
        return render(request, "meetings/calendar.html", {
            "problem": problem, "first": first, "last": last, "this_month": today().replace(day=1)}, status=status)  # fmt: skip
    nxt = selectors.add_months(month, 1)
    prev = selectors.add_months(month, -1)
    meetings = flt.qs[:500]
    manageable = policies.scope(
        request.user, "place_members", Organization.objects.filter(end_date__isnull=True)
    )
    return render(request, "meetings/calendar.html", {
        "month": month, "next": nxt if nxt <= last else None, "prev": prev if prev >= first else None,
        "meetings": meetings, "can_plan": manageable.exists(),
    })  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def plan(request):
    orgs = policies.scope(request.user, "place_members", Organization.objects.filter(end_date__isnull=True))
    orgs = orgs.select_related("parent").order_by(
        "path"
    )  # the list shows each one's long name (with its parent)
    if not orgs.exists():
        raise Http404
    chosen = orgs.filter(
        pk=int_param(request.GET.get("to_chuc") or request.POST.get("organization"), 0)
    ).first()
    if chosen is None and orgs.count() == 1:
        chosen = orgs.first()
    initial = {"kind": MeetingKind.REGULAR}
    if chosen is not None and (suggested := selectors.suggested_time(chosen)):
        initial["planned_at"] = suggested
    form = PlanForm(request.POST or None, initial=initial)
    save = (
        None
        if chosen is None
        else lambda d: services.meeting_plan(actor=request.user, organization=chosen, data=d)
    )
    return form_page(request, form, save, template="meetings/plan.html",
                     context={"orgs": orgs[:2000], "chosen": chosen}, success=lambda m: f"Đã lập kế hoạch {m}.")  # fmt: skip


@login_required
def detail(request, pk):
    m = _meeting(request, pk)
    day = timezone.localtime(m.planned_at).date()
    can_manage = policies.can(request.user, "place_members", m.organization)
    attendance = list(m.attendance.select_related("member").order_by("member__name_sort"))
    return render(request, "meetings/detail.html", {
        "m": m, "criteria": quality.criteria(m) if m.kind == MeetingKind.REGULAR else [], "quality_rules": rules_on(day),
        "problems": services.printable_problems(m) if m.state == MeetingState.HELD else {},
        "attendance": attendance, "tasks": m.tasks.select_related("member"), "can_manage": can_manage,
        "can_record": policies.can(request.user, "record", m), "can_cancel": policies.can(request.user, "cancel", m),
        "can_grade": policies.can(request.user, "grade", m),
        "can_grade_upper": policies.can(request.user, "grade_meetings", m.organization) and policies.in_state("grade", m),
        "grade_form": GradeForm(), "is_past": day <= today(), "history": history_page(m),
        "apart": [e for e in roll(m.organization, day) if not e.counted] if can_manage else [], "labels": LABELS,
    })  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def edit_plan(request, pk):
    m = _managed(request, pk)
    form = PlanForm(request.POST or None, instance=m, initial={"version": services.PLAN_VERSION.of(m)})
    return form_page(request, form, lambda d: services.meeting_update_plan(
        actor=request.user, meeting=m, data=d, expected_version=d["version"]), tracked=services.PLAN_VERSION, obj=m,
        template="meetings/plan.html", context={"m": m, "chosen": m.organization}, success="Đã lưu kế hoạch.")  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def attendance(request, pk):
    m = _managed(request, pk)
    day = timezone.localtime(m.planned_at).date()
    entries = roll(m.organization, day)
    existing = {a.member_id: (a.presence, a.reason) for a in m.attendance.all()}
    form = AttendanceForm(request.POST or None, entries=entries, initial_rows=existing,
                          initial={"version": services.ATTENDANCE_VERSION.of(m)})  # fmt: skip
    return form_page(request, form, lambda d: services.attendance_record(
        actor=request.user, meeting=m, rows=form.cleaned_rows(), expected_version=d["version"]),
        tracked=services.ATTENDANCE_VERSION, obj=m, template="meetings/attendance.html",
        context={"m": m, "labels": LABELS},
        success=lambda done: f"Đã điểm danh: {done.present_count}/{done.base_count} đảng viên có mặt.")  # fmt: skip


def _members_of(m):
    day = timezone.localtime(m.planned_at).date()
    return Member.objects.filter(
        pk__in=[e.member.pk for e in roll(m.organization, day) if e.counted]
    ).order_by("name_sort")


@login_required
@require_http_methods(["GET", "POST"])
def minutes(request, pk):
    m = _managed(request, pk)
    members = _members_of(m)
    form = MinutesForm(request.POST or None, instance=m, members=members,
                       initial={"version": services.MINUTES_VERSION.of(m)})  # fmt: skip
    initial_tasks = [
        {"content": t.content, "member": t.member_id, "due_date": t.due_date} for t in m.tasks.all()
    ]
    tasks = TaskFormSet(
        request.POST or None, initial=initial_tasks, prefix="nv", form_kwargs={"members": members}
    )

    def save(d):
        data = dict(d)
        day = timezone.localtime(m.planned_at).date()
        for key, field in (("started_at", "start_time"), ("ended_at", "end_time")):
            if field in data:
                t = data.pop(field)
                data[key] = timezone.make_aware(dt.datetime.combine(day, t)) if t else None
        task_rows = (
            [t for t in getattr(tasks, "cleaned_data", []) if t.get("content")] if tasks.is_valid() else None
        )
        version = data.pop("version", "")
        return services.minutes_save(actor=request.user, meeting=m, data=data, tasks=task_rows,
                                     expected_version=version)  # fmt: skip

    # the form and the task rows beside it are valid together; every problem in one round
    return form_page(request, form, save, ok=lambda: all([form.is_valid(), tasks.is_valid()]),
                     tracked=services.MINUTES_VERSION, obj=m, template="meetings/minutes.html",
                     context={"m": m, "tasks": tasks}, success="Đã lưu biên bản.")  # fmt: skip


@login_required
@require_POST
def grade(request, pk):
    m = _meeting(request, pk)
    upper = request.POST.get("cap") == "tren"
    allowed = (
        policies.can(request.user, "grade_meetings", m.organization)
        if upper
        else policies.can(request.user, "place_members", m.organization)
    )
    if not allowed:
        raise Http404
    post_action(request, GradeForm(request.POST),
                lambda d: services.grade(actor=request.user, meeting=m, level=d["level"], upper=upper, note=d["note"]),
                "Đã ghi xếp loại.")  # fmt: skip
    return redirect(m)


@login_required
@require_POST
def cancel(request, pk):
    m = _managed(request, pk)
    post_action(
        request,
        None,
        lambda _: services.meeting_cancel(actor=request.user, meeting=m),
        "Đã hủy buổi sinh hoạt.",
    )
    return redirect(m)


@login_required
def minutes_docx(request, pk):
    """The minutes as a Word document — never of an impossible record: its problems are shown instead."""
    m = _meeting(request, pk)
    from .documents import minutes_for

    problems = services.printable_problems(m)
    if problems:
        messages.error(request, " ".join(["Biên bản chưa hợp lệ, chưa tải được:", *problems.values()]))
        return redirect(m)
    return file_response(minutes_for(m), f"bien-ban-{m.pk}.docx")


@login_required
def overview(request):
    """The directing committee's month × organization grid, with weak cells and absentees."""
    roots = top_organizations(request.user)
    root = (
        policies.scope(request.user, policies.VIEW, Organization.objects.all())
        .filter(pk=int_param(request.GET.get("to_chuc"), 0) or (roots[0] if roots else 0))
        .first()
    )
    picker = picker_html(request.user, "to_chuc", root, attrs={"id": "to_chuc"})
    year = int_param(request.GET.get("nam") or today().year, today().year)
    year = min(max(year, 2000), today().year + 1)
    rows, months = rollups.meeting_grid(request.user, root, year) if root else ([], [])
    for row in rows:
        row.month_cells = _month_cells(row)
    absent = selectors.absentees(request.user, year, root=root) if root else []
    return render(request, "meetings/overview.html", {
        "root": root, "picker": picker, "year": year, "rows": rows, "months": months, "absent": absent,
        "years": list(range(today().year, 2009, -1)), "weak": [r for r in rows if r.weak],
        "quality_rules": rules_on(min(dt.date(year, 12, 31), today())), "absence_rules": selectors.absence_rules(year),
    })  # fmt: skip


NO_DATA_MARK = '<span title="Chưa có số liệu">—</span>'
ONE = Decimal(1)


def _whole(n: int) -> str:
    """``{{ n }}`` of the template (``localize``): below 1,000 the digits alone, without asking the locale."""
    return str(n) if 0 <= n < 1000 else localize(n)


def _rate(value: float) -> str:
    """``{{ value|floatformat:0 }}%`` of the template: rounded half up from the shortest decimal of the float, as
    ``floatformat`` does; below 1,000 the digits alone."""
    if 0 <= value < 999:
        return f"{int(Decimal(repr(value)).quantize(ONE, ROUND_HALF_UP))}%"
    return f"{floatformat(value, 0)}%"


def _month_cells(row) -> SafeString:
    """The twelve month cells of one grid row as markup, written here rather than by the template: the template's
    conditions over 12 × ~50 cells were most of the grid page's time (~35 ms CPU for a province). The same markup
    as the template wrote (a test compares them): a cell's class is its state (one cell) or the worst state of its
    cells, its text the held count over the cells and the attendance rate."""
    one, out = row.cells == 1, []
    cells = _whole(row.cells)
    for c in row.months:
        counts = c["counts"]
        if one:
            css = escape(c["status"])
            if c["url"]:
                inner = (
                    f'<a href="{escape(c["url"])}">{_rate(c["rate"]) if c["rate"] is not None else "✓"}</a>'
                )
            else:
                inner = {
                    selectors.NOT_HELD: "✗",
                    selectors.NOT_RECORDED: "?",
                    selectors.NO_DATA: NO_DATA_MARK,
                }.get(c["status"], "")
            inner += "\n      "
        else:
            held, missed = (
                counts[selectors.HELD],
                counts[selectors.NOT_HELD] or counts[selectors.NOT_RECORDED],
            )
            css = selectors.NOT_HELD if missed else selectors.HELD if held else ""
            if held or missed:
                inner = f"{_whole(held)}/{cells}"
                if c["rate"] is not None:
                    inner += f"<br><small>{_rate(c['rate'])}</small>"
            else:
                inner = NO_DATA_MARK if counts[selectors.NO_DATA] else ""
        out.append(f'<td class="num cell {css}">\n      {inner}\n    </td>')
    return mark_safe("".join(out))  # noqa: S308 - escaped above; numbers and fixed marks only
