"""Pages of party dues: the cell's month sheet, the organization's overview (collection by child organization,
remittances sent and received), the member's own history and basis, the cell's dues book (XLSX)."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Sum
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from dangbo.core import policies
from dangbo.core.dates import add_months, today
from dangbo.core.errors import ApplicationError
from dangbo.core.formats import tien
from dangbo.core.forms import service_problems
from dangbo.core.http import date_param, file_response, int_param
from dangbo.core.xlsx import Column, Letterhead, Signature, Table, table_xlsx
from dangbo.jobs.services import start_job
from dangbo.members.models import Member
from dangbo.organizations.models import Organization
from dangbo.organizations.policies import top_organizations

from . import documents, jobs, selectors, services
from .choices import Exemption, Group, Way
from .models import DuesBasis
from .rules import rules_on, split
from .selectors import first_of, position

STATE_LABELS = {"du": "Đã đóng đủ", "mot_phan": "Đóng một phần", "chua": "Chưa đóng", "mien": "Miễn/không phải đóng",
                "chua_ghi": "Chưa ghi"}  # fmt: skip


def _month_param(request) -> dt.date:
    raw = (request.GET.get("thang") or request.POST.get("thang") or "").strip()
    return (date_param("01/" + raw) if raw else None) or first_of(today())


def _visible_orgs(actor):
    return policies.scope(actor, "member_records", Organization.objects.all())


def _cell_or_404(request, cell_pk, action="member_records"):
    org = policies.scope(request.user, action, Organization.objects.filter(pk=cell_pk)).first()
    if org is None or not org.is_cell:
        raise Http404
    return org


@login_required
@require_http_methods(["GET", "POST"])
def sheet(request, cell_pk):
    """The cell's month: everyone on the roll, owed pre-filled, paid/date/way; saved as a whole."""
    cell = _cell_or_404(request, cell_pk, "place_members" if request.method == "POST" else "member_records")
    month = _month_param(request)
    can_edit = policies.can(request.user, "place_members", cell)
    errors: dict[str, str] = {}
    typed: dict[str, str] = {}
    if request.method == "POST":
        rows = []
        for key, value in request.POST.items():
            if key.startswith("paid_") and not key.startswith("paid_on_"):
                pk = key.removeprefix("paid_")
                raw_day = request.POST.get(f"paid_on_{pk}", "")
                day = date_param(raw_day)
                if raw_day.strip() and day is None:
                    errors[f"paid_on_{pk}"] = "Ngày đóng: không hợp lệ, cần có dạng dd/mm/yyyy."
                rows.append(
                    {"member": pk, "paid": value, "paid_on": day, "way": request.POST.get(f"way_{pk}", "")}
                )
                typed.update(
                    {
                        f"paid_{pk}": value,
                        f"paid_on_{pk}": raw_day,
                        f"way_{pk}": request.POST.get(f"way_{pk}", ""),
                    }
                )

        def save():
            return services.record_month(actor=request.user, organization=cell, month=month, rows=rows,
                                         version=request.POST.get("version"))  # fmt: skip

        if (
            errors
        ):  # every problem in one round: the service's checks on the rows it could read, nothing saved
            if (checked := service_problems(save)) is not None:
                errors = {**checked.field_errors, **errors}
                errors.setdefault("", "Chưa lưu được. Xin sửa các lỗi ghi dưới từng dòng.")
        else:
            try:
                save()
            except ApplicationError as error:
                errors = {**error.field_errors} or {"": error.message}
                errors.setdefault("", error.message)
            else:
                messages.success(request, f"Đã lưu bảng thu đảng phí tháng {month:%m/%Y}.")
                return redirect(reverse("dues:sheet", args=[cell.pk]) + f"?thang={month:%m/%Y}")
    s = selectors.month_sheet(cell, month)
    lines = []
    for line in s.lines:
        pk = line.member.pk
        row = line.row
        lines.append({
            "line": line, "pk": pk, "state": STATE_LABELS.get(line.state, ""),
            "paid": typed.get(f"paid_{pk}", row.paid if row and row.paid else ""),
            "paid_on": typed.get(f"paid_on_{pk}", f"{row.paid_on:%d/%m/%Y}" if row and row.paid_on else ""),
            "way": typed.get(f"way_{pk}", row.way if row else ""),
            "errors": [errors[k] for k in (f"member_{pk}", f"paid_{pk}", f"paid_on_{pk}", f"way_{pk}") if k in errors],
        })  # fmt: skip
    return render(request, "dues/sheet.html", {
        "cell": cell, "month": month, "sheet": s, "lines": lines, "can_edit": can_edit, "ways": Way.choices,
        "errors": errors, "prev": add_months(month, -1), "next": add_months(month, 1),
        "version": request.POST.get("version", s.version) if errors else s.version,
    })  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def overview(request):
    """Collection by child organization for a month or a year; the organization's share and its remittances."""
    orgs = _visible_orgs(request.user)
    if not orgs.exists():
        if getattr(request.user, "member_id", None):
            return redirect("dues:member", member_pk=request.user.member_id)
        raise Http404
    pk = int_param(request.GET.get("to_chuc") or request.POST.get("to_chuc"))
    org = orgs.filter(pk=pk).first() if pk else None
    if org is None:
        # where the actor's view of the tree starts (an administrator's: the top organizations)
        org = (orgs.filter(pk__in=top_organizations(request.user)).order_by("path").first()
               or orgs.order_by("path").first())  # fmt: skip
    year = int_param(request.GET.get("nam"))
    month = _month_param(request)
    if request.method == "POST":
        started = _overview_post(request, org, month)
        if started is not None:  # the month's amounts owed: a background job, its page shows the progress
            return redirect("jobs:detail", job_pk=started.pk)
        return redirect(reverse("dues:overview") + f"?to_chuc={org.pk}&thang={month:%m/%Y}")
    if year and 1990 <= year <= 2999:
        start, end = selectors.months_of(year)
        period = f"năm {year}"
        month = (
            min(month, dt.date(year, 12, 1)) if month.year >= year else dt.date(year, 12, 1)
        )  # links of that year
    else:
        year = None
        start, end = selectors.month_range(month)
        period = f"tháng {month:%m/%Y}"
    rows = selectors.overview(request.user, org, start, end)
    can_act = policies.can(request.user, "place_members", org)
    pos = position(org, month) if not year else None
    pending = list(selectors.remittances(request.user).filter(to_organization=org, month=month, received_on__isnull=True)
                   .select_related("from_organization")) if not year else []  # fmt: skip
    sent = (
        list(selectors.remittances(request.user).filter(from_organization=org, month=month))
        if not year
        else []
    )
    return render(request, "dues/overview.html", {
        "org": org, "rows": rows, "period": period, "month": month, "year": year, "pos": pos, "can_act": can_act,
        "pending": pending, "sent": sent, "prev": add_months(month, -1), "next": add_months(month, 1),
        "total_owed": sum(r.owed for r in rows) if any(r.recorded for r in rows) else None,
        "total_paid": sum(r.paid for r in rows if r.measured) if any(r.measured for r in rows) else None,
        "no_data": not all(r.recorded and r.measured for r in rows), "today": today(),
        "parent_visible": org.parent_id and orgs.filter(pk=org.parent_id).exists(),
        "quarter": (month.month - 1) // 3 + 1, "grassroots_book": org.kind in documents.BOOK_KINDS,
    })  # fmt: skip


def _overview_post(request, org, month):
    if not policies.can(request.user, "place_members", org):
        raise Http404
    action = request.POST.get("action")
    try:
        if action == "nop":
            r = services.record_remittance(actor=request.user, organization=org, month=month,
                                           amount=request.POST.get("amount"), sent_on=date_param(request.POST.get("sent_on")))  # fmt: skip
            messages.success(request, f"Đã ghi nộp {tien(r.amount)} lên {r.to_organization}.")
        elif action == "lap_thang":
            return start_job(
                actor=request.user, kind=jobs.KIND, params={"thang": f"{month:%m/%Y}"}, scope_org=org
            )
        elif action == "nhan":
            services.confirm_received(actor=request.user, remittance=request.POST.get("remittance"),
                                      received_on=date_param(request.POST.get("received_on")))  # fmt: skip
            messages.success(request, "Đã xác nhận nhận đảng phí.")
        else:
            raise Http404
    except ApplicationError as error:
        messages.error(request, " ".join([error.message, *error.field_errors.values()]))
    return None


@login_required
@require_http_methods(["GET", "POST"])
def member(request, member_pk):
    """A member's dues: the basis (changeable by the cell) and the months recorded."""
    m = policies.get_scoped_or_404(request.user, policies.VIEW, Member.objects.all(), pk=member_pk)
    can_change = policies.can(request.user, policies.CHANGE, DuesBasis(member=m))
    errors: dict[str, str] = {}
    if request.method == "POST":
        if not can_change:
            raise Http404
        p = request.POST
        if p.get("action") == "nhieu_thang":
            try:
                total = services.record_member_months(
                    actor=request.user,
                    member=m,
                    first_month=date_param("01/" + p.get("first_month", "").strip()),
                    months=p.get("months"),
                    paid_on=date_param(p.get("paid_on")),
                    way=p.get("way", ""),
                )
            except ApplicationError as error:
                errors = error.field_errors or {"": error.message}
            else:
                messages.success(request, f"Đã ghi đóng {p.get('months')} tháng: {tien(total)}.")
                return redirect("dues:member", member_pk=m.pk)
        else:
            try:
                services.set_basis(actor=request.user, member=m, valid_from=date_param("01/" + p.get("valid_from", "").strip()),
                               group=p.get("group", ""), basis=p.get("basis"), exemption=p.get("exemption", ""),
                               reduction_percent=p.get("reduction_percent") or 0, decision_no=p.get("decision_no", ""),
                               relief_until=date_param("01/" + p.get("relief_until", "").strip()) if p.get("relief_until", "").strip() else None)  # fmt: skip
            except ApplicationError as error:
                errors = error.field_errors or {"": error.message}
            else:
                messages.success(request, "Đã ghi căn cứ đóng đảng phí.")
                return redirect("dues:member", member_pk=m.pk)
    year = today().year
    return render(request, "dues/member.html", {
        "m": m, "bases": list(policies.scope(request.user, policies.VIEW, DuesBasis.objects.filter(member=m)).order_by("-valid_from")),
        "rows": selectors.member_history(request.user, m), "arrears": selectors.arrears(m, today()), "year": year,
        "paid_up_to": selectors.paid_up_to(m), "can_change": can_change, "errors": errors, "post": request.POST,
        "groups": Group.choices, "ways": Way.choices, "today": today(), "reductions": (30, 50, 70), "exemptions": Exemption.choices, "states": STATE_LABELS,
    })  # fmt: skip


@login_required
def book(request, cell_pk):
    """Sổ thu, nộp đảng phí of a cell for a year: one row per month — members, owed, collected, kept, remitted."""
    cell = _cell_or_404(request, cell_pk)
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    year = int_param(request.GET.get("nam"), today().year)
    if not 1990 <= year <= 2999:
        year = today().year
    by_month: dict[dt.date, list[int]] = {}
    for month, owed, paid in (
        selectors.payments(request.user)
        .filter(organization=cell, month__year=year)
        .values_list("month", "owed", "paid")
    ):
        t = by_month.setdefault(month, [0, 0, 0, 0])
        t[0], t[1], t[2], t[3] = t[0] + 1, t[1] + owed, t[2] + paid, t[3] + max(owed - paid, 0)
    sent = dict(
        selectors.remittances(request.user).filter(from_organization=cell, month__year=year)
        .values("month").annotate(s=Sum("amount")).values_list("month", "s")
    )  # fmt: skip
    rows = []
    for i in range(12):
        month = dt.date(year, i + 1, 1)
        recorded, remitted = month in by_month, int(sent.get(month) or 0)
        n, owed, paid, debt = by_month.get(month, [0, 0, 0, 0])
        kept, _ = split(paid, rules_on(month).keep_percent(cell))
        if not recorded:  # «chưa có số liệu» (selectors.paid_measured): "—" with the legend under the table
            n = owed = documents.NO_DATA
        if not selectors.paid_measured(month, recorded=recorded, paid=paid, remitted=remitted):
            paid = kept = debt = documents.NO_DATA
        rows.append([i + 1, f"{month:%m/%Y}", n, owed, paid, kept, remitted, debt])
    table = Table(
        title=f"Sổ thu, nộp đảng phí năm {year}",
        lines=[cell.long_name],
        columns=[Column("STT", 6, "stt"), Column("Tháng", 10, "text"), Column("Số đảng viên", 10, "int"),
                 Column("Phải thu", 15, "money", True), Column("Đã thu", 15, "money", True),
                 Column("Để lại chi bộ", 15, "money", True), Column("Đã nộp cấp trên", 15, "money", True),
                 Column("Còn nợ", 14, "money", True)],
        rows=rows, total_label="Cộng", landscape=True, sheet="Sổ đảng phí", notes=[documents.NO_DATA_NOTE],
    )  # fmt: skip
    parent = cell.parent
    head = Letterhead(issuer=cell.name.upper(), superior=(parent.name.upper() if parent else ""), day=today())
    content = table_xlsx(table, letterhead=head, signature=Signature(on_behalf="T/M CHI BỘ", role="BÍ THƯ"))
    return file_response(content, f"so-dang-phi-{cell.code}-{year}.xlsx")


def _org_or_404(request, org_pk):
    org = policies.scope(request.user, "member_records", Organization.objects.filter(pk=org_pk)).first()
    if org is None:
        raise Http404
    if request.method != "GET":
        raise Http404  # a download: nothing to post (scope answered first, like every page)
    return org


@login_required
def report(request, org_pk):
    """Báo cáo thu, nộp đảng phí of a level (DOCX): ``?thang=MM/YYYY``, ``?nam=YYYY&quy=1..4`` or ``?nam=YYYY``."""
    org = _org_or_404(request, org_pk)
    year, quarter = int_param(request.GET.get("nam")), int_param(request.GET.get("quy"))
    if year and 1990 <= year <= 2999 and quarter in (1, 2, 3, 4):
        period = documents.quarter_period(year, quarter)
    elif year and 1990 <= year <= 2999:
        period = documents.year_period(year)
    else:
        period = documents.month_period(_month_param(request))
    content = documents.report_docx(request.user, org, period)
    return file_response(content, f"bao-cao-dang-phi-{org.code or org.pk}-{period.key}.docx")


@login_required
def grassroots_book(request, org_pk):
    """Sổ theo dõi thu, nộp đảng phí of a grassroots committee (or sub-committee): every cell by month (XLSX)."""
    org = _org_or_404(request, org_pk)
    if org.kind not in documents.BOOK_KINDS:
        raise Http404
    year = int_param(request.GET.get("nam"), today().year)
    if not 1990 <= year <= 2999:
        year = today().year
    return file_response(
        documents.grassroots_book(request.user, org, year), f"so-dang-phi-{org.code or org.pk}-{year}.xlsx"
    )
