"""Figures "as of" a date and the movement table of a period, for any organization in the actor's scope."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from dangbo.core import policies
from dangbo.core.dates import today
from dangbo.core.http import file_response
from dangbo.members import asof
from dangbo.organizations.models import Organization
from dangbo.organizations.policies import top_organizations
from dangbo.organizations.selectors import organizations_for_filter

from . import documents, rollups, selectors
from .forms import ReportForm, ReviewForm, default_period


def _form(request, form_class=ReportForm, data=None, **initial):
    if data is None and "organization" in request.GET:
        data = request.GET
    accepted, offered = organizations_for_filter(request.user, selected=(data or {}).get("organization"))
    roots = Organization.objects.filter(pk__in=top_organizations(request.user))
    top = min((r.depth for r in roots), default=0)
    initial = {"organization": roots.first().pk if roots else None, **initial}
    return form_class(data, accepted=accepted, offered=offered, top=top, initial=initial)


def _organization_in_scope(request, data) -> None:
    """An organization asked for by id that the actor may not see is answered as missing (404), like any object."""
    value = (data or {}).get("organization")
    if value not in (None, ""):
        policies.get_scoped_or_404(request.user, policies.VIEW, Organization.objects.all(), pk=value)


@login_required
def index(request):
    """Headcount and composition of a subtree on a date; ``?xlsx=1`` gives it as a spreadsheet."""
    form = _form(request)
    result = None
    if form.is_bound and form.is_valid():
        org, on = form.cleaned_data["organization"], form.cleaned_data["on"] or today()
        result = {"org": org, "on": on, "path": asof.path_on(org, on), "headcount": rollups.headcount_on(org, on),
                  "composition": rollups.composition_on(org, on)}  # fmt: skip
        if request.GET.get("xlsx"):
            content = documents.headcount_xlsx(org, on, result["headcount"], result["composition"])
            return file_response(content, f"so-luong-dang-vien-{org.pk}-{on:%Y%m%d}.xlsx")
    return render(request, "reports/index.html", {"form": form, "result": result})


@login_required
def movement(request):
    """The movement table ("biến động đảng viên") of a subtree over a period; ``?xlsx=1``: as a spreadsheet."""
    form = _form(request)
    result = None
    if form.is_bound and form.is_valid():
        org = form.cleaned_data["organization"]
        start, end = default_period(today())
        start, end = form.cleaned_data["start"] or start, form.cleaned_data["end"] or end
        result = rollups.movement_on(org, start, end)
        if request.GET.get("xlsx"):
            return file_response(
                documents.movement_xlsx(result),
                f"bien-dong-dang-vien-{org.pk}-{start:%Y%m%d}-{end:%Y%m%d}.xlsx",
            )
    elif not form.is_bound:
        form.initial.update(dict(zip(("start", "end"), default_period(today()), strict=True)))
    return render(request, "reports/movement.html", {"form": form, "result": result})


@login_required
@require_http_methods(["GET", "POST"])
def review(request):
    """A review report (sơ kết 6 tháng, năm, giữa nhiệm kỳ): its figures and sentences on the page (GET), the DOCX
    in the party format (POST, with the next period's tasks typed by staff)."""
    data = (
        request.POST if request.method == "POST" else (request.GET if "organization" in request.GET else None)
    )
    _organization_in_scope(request, data)
    now = today()
    form = _form(request, ReviewForm, data, kind="6_thang", year=now.year if now.month > 6 else now.year - 1)
    result = None
    if form.is_bound and form.is_valid() and form.period is not None:
        org, period = form.cleaned_data["organization"], form.period
        sections = selectors.build(request.user, org, period.start, period.end)
        context = documents.review_context(org, period, sections, next_tasks=form.cleaned_data["next_tasks"],
                                           day=form.cleaned_data["day"])  # fmt: skip
        if request.method == "POST":
            return file_response(documents.review_docx(context), documents.review_filename(org, period))
        result = {"org": org, "period": period, "context": context}
    return render(request, "reports/review.html", {"form": form, "result": result})


@login_required
def statistics(request):
    """The member statistics form of a subtree on a date; ``?xlsx=1`` gives it as a spreadsheet."""
    _organization_in_scope(request, request.GET)
    form = _form(request)
    result = None
    if form.is_bound and form.is_valid():
        org, on = form.cleaned_data["organization"], form.cleaned_data["on"] or today()
        result = selectors.member_statistics(request.user, org, on)
        if request.GET.get("xlsx"):
            content = documents.statistics_xlsx(org, on, result.rows, result.figures["tong"])
            return file_response(content, f"thong-ke-dang-vien-{org.pk}-{on:%Y%m%d}.xlsx")
        result.organization = org
    return render(request, "reports/statistics.html", {"form": form, "result": result})
