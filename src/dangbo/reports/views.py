"""Figures "as of" a date and the movement table of a period, for any organization in the actor's scope."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from dangbo.accounts import policy
from dangbo.core.dates import today
from dangbo.members import asof
from dangbo.organizations.models import Organization
from dangbo.organizations.selectors import organizations_for_filter

from .forms import ReportForm, default_period


def _form(request):
    accepted, offered = organizations_for_filter(request.user, selected=request.GET.get("organization"))
    roots = Organization.objects.filter(pk__in=policy.root_organizations(request.user))
    top = min((r.depth for r in roots), default=0)
    data = request.GET if "organization" in request.GET else None
    initial = {"organization": roots.first().pk if roots else None}
    return ReportForm(data, accepted=accepted, offered=offered, top=top, initial=initial)


@login_required
def index(request):
    """Headcount and composition of a subtree on a date."""
    form = _form(request)
    result = None
    if form.is_bound and form.is_valid():
        org, on = form.cleaned_data["organization"], form.cleaned_data["on"] or today()
        result = {"org": org, "on": on, "path": asof.path_on(org, on), "headcount": asof.headcount(org, on),
                  "composition": asof.composition(org, on)}  # fmt: skip
    return render(request, "reports/index.html", {"form": form, "result": result})


@login_required
def movement(request):
    """The movement table ("biến động đảng viên") of a subtree over a period."""
    form = _form(request)
    result = None
    if form.is_bound and form.is_valid():
        org = form.cleaned_data["organization"]
        start, end = default_period(today())
        start, end = form.cleaned_data["start"] or start, form.cleaned_data["end"] or end
        result = asof.movement(org, start, end)
    elif not form.is_bound:
        form.initial.update(dict(zip(("start", "end"), default_period(today()), strict=True)))
    return render(request, "reports/movement.html", {"form": form, "result": result})
