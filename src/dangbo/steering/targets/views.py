"""Pages of congress targets: the terms in scope, a term's targets at a date (mid-term review), a new target, a
target with its values over time."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from dangbo.audit.selectors import history_page
from dangbo.core import policies
from dangbo.core.dates import today
from dangbo.core.views import form_page
from dangbo.organizations.models import Term
from dangbo.organizations.policies import STEER

from ..choices import TargetStatus
from ..models import Target
from . import selectors
from . import services as targets
from .forms import DateForm, TargetForm, TargetValueForm

# Badge colours (legend classes of app.css) of each status.
STATUS_CLASS = {
    TargetStatus.ACHIEVED: "hop", TargetStatus.ON_TRACK: "hop", TargetStatus.AT_RISK: "chua_nhap",
    TargetStatus.BEHIND: "khong_hop", TargetStatus.NO_DATA: "",
}  # fmt: skip


def _term(request, term_pk, action=policies.VIEW):
    term = (
        policies.scope(request.user, STEER[action], Term.objects.select_related("organization"))
        .filter(pk=term_pk)
        .first()
    )
    if term is None:
        raise Http404
    return term


def _date(request, term) -> tuple[dt.date, DateForm]:
    """?ngay=dd/mm/yyyy, else today, or the term end when the term is over."""
    form = DateForm(request.GET or None)
    default = min(today(), selectors.term_end(term))
    if request.GET.get("ngay") and form.is_valid() and form.cleaned_data["ngay"]:
        return form.cleaned_data["ngay"], form
    if request.GET.get("ngay"):
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
    return default, DateForm(initial={"ngay": default})


@login_required
def term_list(request):
    terms = (
        policies.scope(request.user, STEER[policies.VIEW], Term.objects.select_related("organization"))
        .annotate(target_count=Count("targets"))
        .order_by("organization__path", "-start_date", "id")[:500]
    )
    return render(request, "steering/terms.html", {"terms": terms})


@login_required
def term_targets(request, term_pk):
    term = _term(request, term_pk)
    on, date_form = _date(request, term)
    view = selectors.term_view(term, on)
    for row in view.rows:
        row.badge = STATUS_CLASS.get(row.progress.status, "")
    return render(request, "steering/term_targets.html", {
        "term": term, "view": view, "on": on, "date_form": date_form, "reviews": selectors.review_dates(term),
        "can_add": policies.can(request.user, "direct", term.organization),
    })  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def target_create(request, term_pk):
    term = _term(request, term_pk)
    if not policies.can(request.user, "direct", term.organization):
        raise Http404
    form = TargetForm(request.POST or None, initial={"number": targets.next_number(term)})
    return form_page(request, form, lambda d: targets.target_save(actor=request.user, term=term, data=d),
                     template="steering/target_form.html", context={"term": term, "sources": list(selectors.REGISTRY)},
                     success=lambda saved: f"Đã thêm chỉ tiêu số {saved.number}.", redirect_to=_target_url)  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def target_edit(request, target_pk):
    target = (
        policies.scope(request.user, policies.VIEW, Target.objects.select_related("term__organization"))
        .filter(pk=target_pk)
        .first()
    )
    if target is None or not policies.can(request.user, "direct", target.term.organization):
        raise Http404
    term = target.term
    form = TargetForm(
        request.POST or None, instance=target, initial={"version": targets.TARGET_VERSION.of(target)}
    )
    return form_page(request, form, lambda d: targets.target_save(
        actor=request.user, term=term, data=d, target=target, expected_version=d["version"]),
        tracked=targets.TARGET_VERSION, obj=target, template="steering/target_form.html",
        context={"term": term, "target": target, "sources": list(selectors.REGISTRY)},
        success=lambda saved: f"Đã lưu chỉ tiêu số {saved.number}.", redirect_to=_target_url)  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def target_detail(request, target_pk):
    target = (
        policies.scope(request.user, policies.VIEW, Target.objects.select_related("term__organization"))
        .filter(pk=target_pk)
        .first()
    )
    if target is None:
        raise Http404
    term = target.term
    can_enter = not target.source and policies.can(request.user, "direct", term.organization)
    if request.method == "POST" and not can_enter:
        raise Http404
    form = TargetValueForm(request.POST or None) if can_enter else None

    def context():
        on, date_form = _date(request, term)
        current = selectors.progress(target, on)
        timeline = selectors.history(target, on) if target.source else []
        values = [] if target.source else list(target.values.order_by("period_end"))
        for v in values:
            v.progress = selectors.progress_of(target, v.period_end, v.value, v.period_end)
        return {
            "target": target, "term": term, "on": on, "date_form": date_form, "current": current,
            "badge": STATUS_CLASS.get(current.status, ""), "source": selectors.get(target.source), "timeline": timeline,
            "values": values, "history": history_page(target), "midterm": selectors.midterm_date(term),
            "end": selectors.term_end(term), "can_edit": policies.can(request.user, "direct", term.organization),
        }  # fmt: skip

    return form_page(request, form, lambda d: targets.target_value_enter(actor=request.user, target=target, data=d),
                     template="steering/target.html", context=context,
                     success=lambda saved: f"Đã ghi số liệu tính đến ngày {saved.period_end:%d/%m/%Y}.",
                     redirect_to=_target_url(target))  # fmt: skip


def _target_url(target) -> str:
    return reverse("steering:target", kwargs={"target_pk": target.pk})
