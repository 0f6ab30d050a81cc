from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from dangbo.audit.selectors import history_page, views_of
from dangbo.core import policies
from dangbo.core.errors import ApplicationError
from dangbo.core.forms import run_service
from dangbo.core.http import int_param
from dangbo.organizations.models import Organization

from . import documents, selectors, services, views_history
from .forms import MemberForm, cell_choices, sole_choice
from .models import Member

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@login_required
def member_list(request):
    flt, page, total, cap = selectors.member_list(actor=request.user, params=request.GET)
    can_add = policies.scope(request.user, "place_members", Organization.objects.all()).exists()
    template = (
        "members/_list_results.html" if request.htmx and not request.htmx.boosted else "members/list.html"
    )
    return render(
        request, template, {"filter": flt, "page": page, "total": total, "count_cap": cap, "can_add": can_add}
    )


@login_required
def member_detail(request, pk):
    member = policies.get_scoped_or_404(
        request.user, policies.VIEW, Member.objects.select_related("organization"), pk=pk
    )
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
            "can_create_login": policies.can(request.user, "grant_roles", member.organization)
            and not hasattr(member, "user"),
            "history": history_page(member),
            "seats": member.committee_seats.select_related("term__organization"),
            **views_history.member_history_context(request, member),
        },
    )


def _cells(request, include=None):
    return cell_choices(
        policies.scope(request.user, "place_members", Organization.objects.all()), include=include
    )


@login_required
@require_http_methods(["GET", "POST"])
def member_create(request):
    cells = _cells(request)
    if not cells.exists():
        raise Http404
    initial = {}
    if (org := int_param(request.GET.get("chi_bo"))) is not None:
        initial["organization"] = org
    elif only := sole_choice(cells):
        initial["organization"] = only  # a cell secretary has one cell: no need to choose
    form = MemberForm(request.POST or None, cells=cells, initial=initial)
    if request.method == "POST" and form.is_valid():
        member = run_service(
            form,
            lambda: services.member_create(
                actor=request.user,
                data=form.cleaned_data,
                since=form.cleaned_data.get("since"),
                from_external=form.cleaned_data.get("from_external") or "",
            ),
        )
        if member:
            messages.success(request, f"Đã thêm đảng viên {member.full_name}.")
            return redirect(member)
    return render(request, "members/form.html", {"form": form, "member": None})


@login_required
@require_http_methods(["GET", "POST"])
def member_edit(request, pk):
    member = policies.get_scoped_or_404(request.user, policies.CHANGE, Member.objects.all(), pk=pk)
    form = MemberForm(request.POST or None, instance=member, cells=_cells(request, include=member.organization_id),
                      initial={"version": services.MEMBER_VERSION.of(member)})  # fmt: skip
    if request.method == "GET":  # the edit form shows the citizen ID, address and phone too
        services.record_personal_data_view(actor=request.user, member=member)
    if request.method == "POST" and form.is_valid():
        saved = run_service(form, lambda: services.member_update(
            actor=request.user, member=member, data=form.cleaned_data, expected_version=form.cleaned_data["version"]),
            tracked=services.MEMBER_VERSION, obj=member)  # fmt: skip
        if saved:
            messages.success(request, "Đã lưu hồ sơ đảng viên.")
            return redirect(saved)
        member.refresh_from_db()
    return render(request, "members/form.html", {"form": form, "member": member})


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
