"""Pages of support programmes for communes: list, create, the programme's figures of a period, recording a
contribution (with an accent-free commune search restricted to the era of the date)."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from dangbo.core import policies
from dangbo.core.dates import today
from dangbo.core.formats import tien
from dangbo.core.forms import post_action
from dangbo.core.http import date_param
from dangbo.core.views import form_page, refusal
from dangbo.organizations.forms import OrganizationChoiceForm
from dangbo.organizations.models import Organization

from ..choices import ContributionKind, Era
from ..models import Commune, Programme
from . import selectors
from . import services as support
from .forms import ContributionForm, FlagsForm, PeriodForm, ProgrammeForm

RECENT = 20


def _programme(request, pk):
    p = (
        policies.scope(request.user, policies.VIEW, Programme.objects.all())
        .select_related("organization")
        .filter(pk=pk)
        .first()
    )
    if p is None:
        raise Http404
    return p


@login_required
def programme_list(request):
    rows = selectors.programme_rows(request.user, selectors.programme_list(request.user)[:300])
    can_add = policies.scope(request.user, "direct",
                                             Organization.objects.filter(end_date__isnull=True)).exists()  # fmt: skip
    return render(
        request, "steering/programme_list.html", {"rows": rows, "can_add": can_add, "today": today()}
    )


@login_required
@require_http_methods(["GET", "POST"])
def programme_create(request):
    orgs = policies.scope(request.user, "direct", Organization.objects.filter(end_date__isnull=True))
    orgs = orgs.select_related("parent").order_by("path")
    if not orgs.exists():
        raise Http404
    chooser = OrganizationChoiceForm(request.GET, name="to_chuc", label="Cấp ủy chỉ đạo", actor=request.user,
                                     queryset=orgs, work="direct", refused=(
        "Cấp ủy chỉ đạo: chỉ chọn được một tổ chức đang hoạt động mà bạn được lập chương trình."))  # fmt: skip
    chosen = chooser.pick(request)
    if chosen is None and not chooser.is_bound and orgs[:2].count() == 1:
        chosen = orgs.first()
        chooser.suggest(chosen)
    form = ProgrammeForm(request.POST or None, initial={"start_date": today()})
    save = (refusal("Cấp ủy chỉ đạo: hãy chọn một tổ chức trong phạm vi của bạn.") if chosen is None else
            lambda d: support.programme_save(actor=request.user, organization=chosen, data=d))  # fmt: skip
    return form_page(request, form, save, template="steering/programme_form.html",
                     context={"chooser": chooser["to_chuc"], "chosen": chosen}, success=lambda p: f"Đã lập chương trình «{p}».")  # fmt: skip


def _period(request, programme) -> tuple[PeriodForm, dt.date, dt.date]:
    start, end = selectors.half_year(today())
    if "tu" in request.GET or "den" in request.GET:
        form = PeriodForm(request.GET)
        if form.is_valid():
            return form, form.cleaned_data["tu"], form.cleaned_data["den"]
        return form, start, end
    return PeriodForm(initial={"tu": start, "den": end}), start, end


@login_required
@require_http_methods(["GET", "POST"])
def programme_edit(request, programme_pk):
    p = _programme(request, programme_pk)
    if not policies.can(request.user, policies.CHANGE, p):
        raise Http404
    form = ProgrammeForm(
        request.POST or None, instance=p, initial={"version": support.PROGRAMME_VERSION.of(p)}
    )
    return form_page(request, form, lambda d: support.programme_save(
        actor=request.user, organization=p.organization, data=d, programme=p, expected_version=d["version"]),
        tracked=support.PROGRAMME_VERSION, obj=p, template="steering/programme_form.html",
        context={"chosen": p.organization, "p": p}, success=lambda saved: f"Đã lưu chương trình «{saved}».")  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def programme_detail(request, programme_pk):
    p = _programme(request, programme_pk)
    manage = policies.can(request.user, policies.CHANGE, p)
    if request.method == "POST":
        if not manage:
            raise Http404
        form = FlagsForm(request.POST)
        post_action(request, form, lambda d: support.commune_flags_set(actor=request.user, programme=p,
                                                                        commune=d["commune"], data=d),
                    lambda c: f"Đã lưu đặc điểm của {c}.")  # fmt: skip
        return redirect(request.get_full_path())
    period, start, end = _period(request, p)
    t = selectors.totals(programme=p, start=start, end=end, actor=request.user)
    recent = (selectors.contributions(actor=request.user, programme=p)
              .select_related("supporter__parent", "commune").order_by("-date", "-id")[:RECENT])  # fmt: skip
    presets = support.period_presets(p, start.year, today())
    return render(request, "steering/programme_detail.html", {
        "p": p, "t": t, "period": period, "start": start, "end": end, "presets": presets,
        "recent": recent, "manage": manage, "full_view": policies.can(request.user, "steer", p.organization),
        "can_record": selectors.supporter_choices(request.user, p).exists(), "home_province": selectors.home_province(),
    })  # fmt: skip


def _offered(actor, programme, era: str, selected: Commune | None) -> list[Commune]:
    """The communes offered before any search: those this programme already supported in the era (through the
    contributions the actor may see), and the one chosen."""
    ids = (selectors.contributions(actor=actor, programme=programme).filter(commune__era=era).order_by("-date")
           .values_list("commune", flat=True)[:200])  # fmt: skip
    seen = list(dict.fromkeys(ids))[:30]
    found = {c.pk: c for c in Commune.objects.filter(pk__in=seen)}
    offered = [found[i] for i in seen if i in found]
    if selected is not None and selected.pk not in found:
        offered.insert(0, selected)
    return offered


@login_required
@require_http_methods(["GET", "POST"])
def contribution_create(request, programme_pk):
    p = _programme(request, programme_pk)
    supporters = selectors.supporter_choices(request.user, p)
    if not supporters.exists():
        raise Http404
    if "tim_xa" in request.GET:  # the commune search box (htmx): options of the era of the date typed
        day = date_param(request.GET.get("date", "")) or today()
        era = selectors.era_on(day)
        query = request.GET["tim_xa"].strip()
        found = list(selectors.search(query, era=era)) if query else _offered(request.user, p, era, None)
        return render(request, "steering/contribution_communes.html", {
            "communes": found, "era": Era(era), "searched": query,
        })  # fmt: skip
    default_day = min(today(), p.end_date) if p.end_date else today()
    initial = {"date": default_day, "kind": ContributionKind.MONEY}
    if supporters[:2].count() == 1:
        initial["supporter"] = supporters.first()
    form = ContributionForm(request.POST or None, initial=initial, supporters=supporters)

    def context():  # the era and the communes offered follow what the form read
        day = (
            form.cleaned_data.get("date") if form.is_bound and hasattr(form, "cleaned_data") else None
        ) or default_day
        selected = (
            form.cleaned_data.get("commune") if form.is_bound and hasattr(form, "cleaned_data") else None
        )
        return {"p": p, "era": Era(selectors.era_on(day)), "selected": selected,
                "offered": _offered(request.user, p, selectors.era_on(day), selected)}  # fmt: skip

    return form_page(request, form, lambda d: support.contribution_add(actor=request.user, programme=p, data=d),
                     template="steering/contribution_form.html", context=context,
                     success=lambda c: f"Đã ghi đóng góp {tien(c.value)} của {c.supporter} cho {c.commune}.",
                     redirect_to=lambda c: reverse("steering:contribution_create", args=[p.pk])
                     if request.POST.get("tiep") else p)  # fmt: skip
