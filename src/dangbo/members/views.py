import datetime as dt
from html import escape  # Django's escape is this one behind a lazy-text wrapper: ~150 calls a list page

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_http_methods, require_POST

from dangbo.audit.selectors import history_page, views_of
from dangbo.core import policies
from dangbo.core.dates import today
from dangbo.core.errors import ApplicationError
from dangbo.core.http import int_param
from dangbo.core.views import form_page
from dangbo.organizations.choices import OrgKind
from dangbo.organizations.models import Organization

from . import documents, selectors, services
from .choices import STATUS_SHORT, Gender, MemberStatus, PoliticalTheory
from .forms import MemberForm, place_cells, sole_choice
from .history import views as history_views
from .models import Member

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@login_required
def member_list(request):
    flt, page, total, cap = selectors.member_list(actor=request.user, params=request.GET, as_values=True)
    partial = request.htmx and not request.htmx.boosted
    # "Thêm đảng viên" when the user may place members somewhere (from the roles alone: no query).
    can_add = not partial and policies.anywhere(request.user, "place_members", Organization)
    template = "members/_list_results.html" if partial else "members/list.html"
    # The list counts today's roll; «Tổng quan» and the monthly report count at the last month's end: both dates
    # are said, with a link to the other figure (the same organization).
    on = today()
    month_end = on.replace(day=1) - dt.timedelta(days=1)
    org = int_param(request.GET.get("organization"))
    dashboard = reverse("reports:dashboard") + "?" + urlencode(
        {**({"organization": org} if org is not None else {}), "on": f"{month_end:%d/%m/%Y}"})  # fmt: skip
    return render(request, template, {"filter": flt, "page": page, "rows": list_rows_html(page.rows),
                                      "total": total, "count_cap": cap, "can_add": can_add, "today": on,
                                      "month_end": month_end, "dashboard_url": dashboard})  # fmt: skip


_GENDERS = dict(Gender.choices)
_THEORIES = dict(PoliticalTheory.choices)
_STATUSES = {**dict(MemberStatus.choices), **STATUS_SHORT}


def _day(value) -> str:
    return f"{value.day:02d}/{value.month:02d}/{value.year}" if value else ""


def _org_name(m) -> str:
    """``Organization.long_name`` from the row's columns (``selectors.LIST_VALUES``)."""
    if m.organization__kind == OrgKind.SUBORDINATE_CELL and m.organization__parent__name is not None:
        return (
            f"{m.organization__name} ({m.organization__parent__short_name or m.organization__parent__name})"
        )
    return m.organization__name or ""


def list_rows_html(rows) -> str:
    """The <tr> rows of the member list, written here rather than by the template: 50 rows × 8 cells through the
    template engine cost more than the rest of the request (bench/run.py, "cpu p50"). ``rows``: named tuples of
    ``selectors.LIST_VALUES`` (``member_list(..., as_values=True)``)."""
    detail = reverse("members:detail", args=[0]).removesuffix("0/")
    out = []
    for m in rows:
        out.append(
            f'<tr><td><a href="{detail}{m.pk}/">{escape(m.full_name)}</a></td>'
            f"<td>{_GENDERS.get(m.gender, '')}</td>"
            f'<td class="nowrap">{_day(m.birth_date)}</td><td>{escape(m.ethnicity)}</td>'
            f'<td>{escape(_org_name(m))}</td><td class="nowrap">{_STATUSES.get(m.status, "")}</td>'
            f'<td class="nowrap">{_day(m.joined_date)}</td><td>{_THEORIES.get(m.political_theory, "")}</td></tr>'
        )
    return mark_safe("".join(out))


@login_required
def member_detail(request, pk):
    member = selectors.member_page(request.user, pk)
    # The page shows the citizen ID, address and phone: who saw them is recorded; the staff who keep the record
    # see that list (Luật Bảo vệ dữ liệu cá nhân).
    services.record_personal_data_view(actor=request.user, member=member)
    can_change = policies.can(request.user, policies.CHANGE, member)
    return render(
        request,
        "members/detail.html",
        {
            "member": member,
            "can_change": can_change,
            "is_own": getattr(request.user, "member_id", None) == member.pk,
            "personal_data_views": views_of(member) if can_change else None,
            "can_delete": policies.can(request.user, policies.DELETE, member),
            "can_create_login": not member.has_login
            and policies.can(request.user, "grant_roles", member.organization),
            "history": history_page(member),
            "seats": member.committee_seats.select_related("term__organization") if member.has_seats else [],
            **history_views.member_history_context(request, member),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def member_create(request):
    cells = place_cells(request.user)
    if not cells.exists():
        raise Http404
    initial = {}
    if (org := int_param(request.GET.get("chi_bo"))) is not None:
        initial["organization"] = org
    elif only := sole_choice(cells):
        initial["organization"] = only  # a cell secretary has one cell: no need to choose
    form = MemberForm(request.POST or None, cells=cells, actor=request.user, initial=initial)
    return form_page(request, form, lambda d: services.member_create(
        actor=request.user, data=d, since=d.get("since"), from_external=d.get("from_external") or ""),
        template="members/form.html", context={"member": None},
        success=lambda member: f"Đã thêm đảng viên {member.full_name}.")  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def member_edit(request, pk):
    member = policies.get_scoped_or_404(request.user, policies.CHANGE, Member.objects.all(), pk=pk)
    form = MemberForm(request.POST or None, instance=member, cells=place_cells(request.user, include=member.organization_id),
                      initial={"version": services.MEMBER_VERSION.of(member)})  # fmt: skip
    if request.method == "GET":  # the edit form shows the citizen ID, address and phone too
        services.record_personal_data_view(actor=request.user, member=member)
    return form_page(request, form, lambda d: services.member_update(
        actor=request.user, member=member, data=d, expected_version=d["version"]),
        tracked=services.MEMBER_VERSION, obj=member, reload=True,
        template="members/form.html", context={"member": member}, success="Đã lưu hồ sơ đảng viên.")  # fmt: skip


@login_required
@require_POST
def member_delete(request, pk):
    member = policies.get_scoped_or_404(request.user, policies.DELETE, Member.objects.all(), pk=pk)
    try:
        services.member_delete(actor=request.user, member=member)
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect(member)
    messages.success(request, f"Đã xóa hồ sơ {member.full_name}.")
    return redirect("members:list")


@login_required
def own_record(request):
    """ "Tải hồ sơ của tôi": the signed-in member's own record as an XLSX file (recorded in the audit log)."""
    member = (
        Member.objects.select_related("organization")
        .filter(pk=getattr(request.user, "member_id", None))
        .first()
    )
    if member is None:
        raise Http404
    content = documents.own_record_xlsx(member, actor=request.user)
    services.own_record_export(actor=request.user, member=member)
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="ho-so-dang-vien.xlsx"'
    return response
