"""Pages of the quality evaluation: campaigns of an organization, a campaign with its ratings, evidence and the
quota counter, a rating (self-assessment, proposal), the decision, the results and their XLSX."""

from __future__ import annotations

import datetime as dt
from urllib.parse import quote

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import localize
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_http_methods, require_POST

from dangbo.core import policies
from dangbo.core.dates import today
from dangbo.core.errors import ApplicationError
from dangbo.core.forms import post_action
from dangbo.core.http import file_response, local_next
from dangbo.core.policies import CHANGE, VIEW, get_scoped_or_404
from dangbo.core.views import form_page
from dangbo.organizations.models import Organization

from . import jobs as evaluation_jobs
from . import selectors, services
from .choices import SHORT, Level, NotRated
from .evidence import selectors as evidence
from .forms import (
    CatalogueChoiceForm,
    CatalogueForm,
    CriteriaFormSet,
    DecideForm,
    OpenForm,
    ProposeForm,
    ReopenForm,
    ResidenceForm,
    ResidenceRegisterForm,
    ResidentCommentForm,
    SelfForm,
)
from .models import Campaign, Rating
from .policies import DECIDE, SELF_ASSESS
from .rules import criteria_default, criteria_from_items, criteria_shown, has_catalogue, rules_for


def _campaign(request, pk, action=VIEW) -> Campaign:
    c = get_scoped_or_404(request.user, VIEW, Campaign.objects.select_related("authority"), pk=pk)
    if action != VIEW and not policies.can(request.user, action, c):
        from django.http import Http404

        raise Http404
    return c


@login_required
def index(request):
    """Campaigns in the actor's scope, the actor's own ratings, and the organizations where they may open one."""
    campaigns = (
        policies.scope(request.user, VIEW, Campaign.objects.all())
        .select_related("authority")
        .order_by("-period_end", "authority__name")[:100]
    )
    own = []
    if request.user.member_id:
        own = (Rating.objects.filter(member_id=request.user.member_id).select_related("campaign__authority")
               .order_by("-campaign__period_end")[:20])  # fmt: skip
    openable = policies.scope(
        request.user, "place_members", Organization.objects.filter(end_date__isnull=True)
    )
    openable = [o for o in openable.exclude(kind="chi_bo_truc_thuoc").order_by("path")[:50]
                if policies.can(request.user, DECIDE, Campaign(authority=o))]  # fmt: skip
    residence_cells = []
    if selectors.residence_comments_on():
        from .models import ResidenceRegistration

        registered = ResidenceRegistration.objects.filter(valid_to__isnull=True).values("residence_org")
        cells = policies.scope(request.user, VIEW, Organization.objects.filter(pk__in=registered)).order_by(
            "path"
        )
        residence_cells = [o for o in cells[:50] if policies.can(request.user, "residence_comments", o)]
    return render(request, "evaluation/index.html", {"campaigns": campaigns, "own": own, "openable": openable,
                                                     "residence_cells": residence_cells})  # fmt: skip


def _large(org, data) -> bool:
    """More members on the authority's roll at the period's end than a request should insert."""
    end = data["period_end"] if data["period_kind"] != "nam" else None
    if data["period_kind"] == "nam" and data["year"] and 1900 <= data["year"] <= 2999:
        end = dt.date(int(data["year"]), 12, 31)
    return end is not None and evaluation_jobs.roll_size(org, end) > evaluation_jobs.sync_ratings()


@login_required
@require_http_methods(["GET", "POST"])
def organization(request, org_pk):
    org = get_scoped_or_404(request.user, VIEW, Organization.objects.all(), pk=org_pk)
    may_open = policies.can(request.user, DECIDE, Campaign(authority=org)) and org.kind != "chi_bo_truc_thuoc"
    form = OpenForm(request.POST or None, initial={"year": today().year - 1, "organizations": True})
    if request.method == "POST" and not may_open:
        from django.http import Http404

        raise Http404

    def save(d):
        args = dict(actor=request.user, authority=org, year=d["year"], deadline=d["deadline"],
                    period_kind=d["period_kind"], period_start=d["period_start"], period_end=d["period_end"],
                    organizations=d["organizations"])  # fmt: skip
        if _large(org, d):  # a province or the nation: in the background, with progress
            return evaluation_jobs.start_open(**args)
        return services.open_campaign(**args)

    def opened(done):
        if not isinstance(done, Campaign):  # the job that opens it
            return (
                messages.INFO,
                "Cấp quyết định có nhiều đảng viên: đợt đánh giá đang được mở ở chế độ chạy nền.",
            )
        return f"Đã mở đợt đánh giá: {done.ratings.count()} phiếu."

    return form_page(request, form, save, template="evaluation/organization.html",
                     context=lambda: {"org": org, "campaigns": selectors.campaigns_of(request.user, org),
                                      "may_open": may_open},
                     success=opened, redirect_to=lambda done: done.get_absolute_url())  # fmt: skip


# --- The rows of the campaign's lists, written here rather than by the template (as the member list's): 50 rows
# of 4–7 cells through the template engine, with their filters, cost more than the rest of the request
# (bench/evaluation_pages.py, "CPU p50"). The rows are named tuples of these columns (``ratings_page(columns=)``).

LIST_COLUMNS = ("pk", "member_id", "member__full_name", "probationary", "cell__name", "score", "not_rated",
                "not_rated_note", "decided_level", "proposed_level")  # fmt: skip
CAMPAIGN_COLUMNS = (*LIST_COLUMNS, "self_level", "entered_on_behalf", "remedied", "ev_expected", "ev_attended",
                    "ev_unexcused", "ev_transfers")  # fmt: skip
_NOT_RATED = {k: v.lower() for k, v in NotRated.choices}
_LABELS = dict(Level.choices)
_MUTED_DASH = '<span class="muted">—</span>'


def _rating_link(r, detail: str, back: str) -> str:
    """The member's name linking to the rating (``detail``: the ratings' URL prefix), back to the list as it is
    (``back``: already URL-encoded)."""
    probationary = ' <span class="pill">dự bị</span>' if r.probationary else ""
    return f'<a href="{detail}{r.pk}/?next={back}">{escape(r.member__full_name)}</a>{probationary}'


def _ratings_prefix() -> str:
    return reverse("evaluation:rating", args=[0]).removesuffix("0/")


def _score(r) -> str:
    return "" if r.score is None else escape(localize(r.score))


def _not_rated(r) -> str:
    return escape(_NOT_RATED.get(r.not_rated, r.not_rated.lower()))


def campaign_rows_html(rows, proof: dict, rules, back: str) -> str:
    """The <tr> rows of the campaign page's list: the levels and each member's evidence (``proof``:
    ``evidence.summary_of_rows``)."""
    detail, out = _ratings_prefix(), []
    for r in rows:
        e = proof.get(r.member_id)
        behalf = (
            ' <span class="muted" title="Bí thư nhập thay">(nhập thay)</span>' if r.entered_on_behalf else ""
        )
        own = SHORT.get(r.self_level, "") if r.self_level else _MUTED_DASH
        score = f'<td class="num">{_score(r)}</td>' if rules.scored else ""
        if r.not_rated:
            proposed = f'<span class="muted">chưa xếp loại: {_not_rated(r)}</span>'
        else:
            proposed = SHORT.get(r.proposed_level, "") if r.proposed_level else _MUTED_DASH
        decided = f"<strong>{SHORT.get(r.decided_level, '')}</strong>" if r.decided_level else ""
        proofs = ""
        if e:
            proofs = f"SH {localize(e.attended)}/{localize(e.expected)}"
            if e.unexcused:
                proofs += f', <span class="warn">vắng KLD {localize(e.unexcused)}</span>'
            if e.transfers:
                proofs += f", chuyển SH {localize(e.transfers)}"
            cap = evidence.cap_reason(rules, e.disciplines, r.remedied) if e.disciplines else ""
            if cap:
                proofs += f'<br><span class="warn">{escape(cap)}</span>'
            proofs += "".join(f'<br><span class="warn">{escape(w.text)}</span>' for w in e.warnings)
        out.append(f"<tr><td>{_rating_link(r, detail, back)}{behalf}</td><td>{escape(r.cell__name)}</td><td>{own}</td>"
                   f"{score}<td>{proposed}</td><td>{decided}</td><td>{proofs}</td></tr>")  # fmt: skip
    return mark_safe("".join(out))


def results_rows_html(rows, rules, back: str) -> str:
    """The <tr> rows of the results page's list: the decided level, else the proposed one (said so)."""
    detail, out = _ratings_prefix(), []
    for r in rows:
        score = f'<td class="num">{_score(r)}</td>' if rules.scored else ""
        if r.not_rated:
            note = f" ({escape(r.not_rated_note)})" if r.not_rated_note else ""
            level = f'<span class="muted">chưa xếp loại: {_not_rated(r)}{note}</span>'
        elif r.decided_level:
            level = SHORT.get(r.decided_level, "")
        elif r.proposed_level:
            level = f'{SHORT.get(r.proposed_level, "")} <span class="muted">(đề xuất)</span>'
        else:
            level = _MUTED_DASH
        out.append(
            f"<tr><td>{_rating_link(r, detail, back)}</td><td>{escape(r.cell__name)}</td>{score}<td>{level}</td></tr>"
        )
    return mark_safe("".join(out))


def organization_levels_html(orgs) -> str:
    """The <li> of the results page's organizations: each one's level (decided, else proposed), by its label."""
    out = []
    for name, decided, proposed in orgs.values_list("subject_org__name", "decided_level", "proposed_level"):
        level = (
            _LABELS.get(decided, decided) or _LABELS.get(proposed, proposed) if decided or proposed else "—"
        )
        out.append(f"<li>{escape(name)}: {escape(level)}</li>")
    return mark_safe("".join(out))


def filter_html(form) -> str:
    """The fields of the lists' filter (``filters.RatingFilter``) as ``_field.html`` writes them, their <select>s
    written here (the template engine took a template per option); "" when a value is invalid: the template then
    writes the form with its errors."""
    if form.errors:
        return ""
    out = []
    for field in form:
        if not isinstance(field.field.widget, forms.Select):  # the organization picker (its own markup)
            control = str(field)
        else:
            value = field.value()
            value = "" if value is None else str(value)
            options = "".join(f'<option value="{escape(v)}"{" selected" if str(v) == value else ""}>'
                              f"{escape(label)}</option>" for v, label in field.field.choices)  # fmt: skip
            control = f'<select name="{field.html_name}" id="{field.auto_id}">{options}</select>'
        out.append(f'<div class="field"><label for="{field.id_for_label}">{escape(field.label)}</label>{control}'
                   "</div>")  # fmt: skip
    return mark_safe("".join(out))


@login_required
def campaign(request, pk):
    """The campaign's counts (stored), its member ratings 50 a page with their evidence (read with the page's rows,
    in a fixed number of queries), filtered by level, stage and cell; its organizations' ratings apart."""
    c = _campaign(request, pk)
    counts = selectors.campaign_tallies(c)
    listing = selectors.ratings_page(request.user, c, request.GET, whole=counts.whole, columns=CAMPAIGN_COLUMNS,
                                     annotations=evidence.summary_annotations(c))  # fmt: skip
    ratings = listing.page.rows
    back = quote(request.get_full_path(), safe="")
    rows = campaign_rows_html(ratings, evidence.summary_of_rows(c, ratings), c.rules, back)
    return render(request, "evaluation/campaign.html", {
        "c": c, "rows": rows, "listing": listing, "orgs": selectors.organization_ratings(request.user, c),
        "tally": counts.members, "org_tally": counts.organizations, "filter_html": filter_html(listing.filter.form),
        "can_decide": policies.can(request.user, DECIDE, c), "rules": c.rules, "short": SHORT,
        "decide_form": DecideForm(), "reopen_form": ReopenForm(),
    })  # fmt: skip


@login_required
@require_POST
def review(request, pk):
    c = _campaign(request, pk, DECIDE)
    post_action(request, None, lambda d: services.start_review(actor=request.user, campaign=c),
                "Đã kết thúc tự đánh giá, chuyển sang xem xét, đề xuất.")  # fmt: skip
    return redirect(c.get_absolute_url())


@login_required
@require_http_methods(["GET", "POST"])
def decide(request, pk):
    c = _campaign(request, pk, DECIDE)
    back = local_next(request.GET.get("next"))  # the campaign's list as it was filtered and paged
    form = DecideForm(request.POST or None, initial={"decision_date": today()})
    return form_page(request, form, lambda d: services.decide(actor=request.user, campaign=c, **d),
                     template="evaluation/decide.html", context=lambda: {
                         "c": c, "tally": selectors.tally(c), "problems": services.quota_problems(c), "short": SHORT,
                         "back": back},
                     success="Đã ghi quyết định xếp loại; đợt đánh giá đã khóa.", redirect_to=back or c.get_absolute_url())  # fmt: skip


@login_required
@require_POST
def reopen(request, pk):
    c = _campaign(request, pk, DECIDE)
    post_action(request, ReopenForm(request.POST), lambda d: services.reopen(actor=request.user, campaign=c, **d),
                "Đã mở lại đợt đánh giá.")  # fmt: skip
    return redirect(c.get_absolute_url())


@login_required
@require_http_methods(["GET", "POST"])
def rating(request, rating_pk):
    r = get_scoped_or_404(request.user, VIEW, Rating.objects.select_related("campaign__authority", "member", "cell",
                                                                             "subject_org"), pk=rating_pk)  # fmt: skip
    c = r.campaign
    back = local_next(request.GET.get("next"))  # the list the rating was opened from, filtered and paged
    own = bool(r.member_id) and r.member_id == request.user.member_id
    can_change = policies.can(request.user, CHANGE, r)
    items, catalogue = selectors.criteria_for(c, selectors.subject_of(r))
    posted = request.POST.get("form") if request.method == "POST" else None
    self_form = SelfForm(request.POST if posted == "self" else None,
                         initial={"level": r.self_level, "text": r.self_text})  # fmt: skip
    self_form.add_criteria(items, r.self_criteria)
    propose_form = ProposeForm(request.POST if posted == "propose" else None, auto_id="dx_%s",
                               initial={"level": r.proposed_level, "score": None if r.criteria else r.score, "note": r.proposal_note,
                                        "remedied": r.remedied, "not_rated": r.not_rated,
                                        "not_rated_note": r.not_rated_note})  # fmt: skip
    propose_form.add_criteria(items, r.criteria)
    if not c.rules.remedied_cap or not r.member_id:  # "self-detected and remedied" is QĐ 124's, for members
        del propose_form.fields["remedied"]
    comment = selectors.residence_comment(r.member_id, c.year) if r.member_id else None
    may_comment = bool(r.member_id) and can_change and selectors.residence_comments_on()
    residence_form = ResidenceForm(request.POST if posted == "residence" else None, auto_id="ct_%s", initial={
        "version": services.RESIDENCE_VERSION.of(comment) if comment else services.NEW,
        "residence_cell": comment.residence_cell if comment else "",
        "received_on": comment.received_on if comment else None, "comment": comment.comment if comment else "",
        "concerns": comment.concerns if comment else False})  # fmt: skip
    registration = selectors.residence_registration(r.member_id, c.year) if may_comment else None
    register_form = ResidenceRegisterForm(request.POST if posted == "registration" else None, auto_id="dk_%s",
                                          initial={"valid_from": today()}, actor=request.user)  # fmt: skip
    if request.method == "POST" and not (own or can_change):
        from django.http import Http404

        raise Http404
    form, save, success, target, tracked = self_form, None, None, r.get_absolute_url(), None
    if request.method != "POST":
        pass
    elif posted == "registration" and may_comment:
        form, success = register_form, lambda done: f"Đã ghi đăng ký liên hệ với {done.residence_org.name}."
        save = lambda d: services.residence_register(actor=request.user, member=r.member, **d)  # noqa: E731
    elif posted == "self":
        success, target = "Đã ghi bản tự đánh giá.", back or r.get_absolute_url()
        save = lambda d: services.self_assess(actor=request.user, rating=r, **self_form.service_data())  # noqa: E731
    elif posted == "residence" and may_comment:
        form, success = residence_form, "Đã ghi nhận xét của chi bộ nơi cư trú."
        tracked = services.RESIDENCE_VERSION if comment else None

        def save(d):
            data = dict(d)
            version = data.pop("version")
            return services.residence_comment_save(actor=request.user, member=r.member, year=c.year,
                                                   expected_version=version, **data)  # fmt: skip
    elif can_change:
        propose_form = ProposeForm(request.POST, auto_id="dx_%s")
        propose_form.add_criteria(items, r.criteria)
        if not c.rules.remedied_cap or not r.member_id:
            del propose_form.fields["remedied"]
        form, success = propose_form, "Đã ghi mức đề xuất."
        save = lambda d: services.propose(actor=request.user, rating=r, **propose_form.service_data())  # noqa: E731
        target = back or (c.get_absolute_url() if not own else r.get_absolute_url())

    def context():
        # A member's self-assessment (the policy's ``self_assess``: the service refuses the same cases).
        may_self = bool(r.member_id) and policies.can(request.user, SELF_ASSESS, r)
        return {
            "r": r, "c": c, "rules": c.rules, "items": evidence.items(r), "own": own,
            "can_change": can_change and not c.locked, "may_self": may_self, "self_form": self_form,
            "propose_form": propose_form, "tally": selectors.tally(c), "short": SHORT, "catalogue": catalogue,
            "self_criteria": criteria_shown(r.self_criteria), "proposed_criteria": criteria_shown(r.criteria),
            "may_comment": may_comment and not c.locked, "residence_form": residence_form, "comment": comment,
            "registration": registration, "register_form": register_form, "back": back,
        }  # fmt: skip

    return form_page(request, form, save, name=None, tracked=tracked, obj=comment, template="evaluation/rating.html",
                     context=context, success=success, redirect_to=target)  # fmt: skip


@login_required
def results(request, pk):
    """Counts and shares by level (stored), against the previous period; the members of a level, the not rated…
    50 a page (``?muc=``, ``?tinh_trang=``, ``?chi_bo=``: the figures link to them); the XLSX has every row."""
    # The previous period's campaign read with this one, its counts with this one's.
    found = Campaign.objects.select_related("authority").annotate(**selectors.previous_campaign(request.user))
    c = get_scoped_or_404(request.user, VIEW, found, pk=pk)
    prev = None
    if c.previous_id:  # the previous campaign's fields the page uses (its link, its counts)
        prev = Campaign(**{name: getattr(c, f"previous_{name}") for name in selectors.PREVIOUS_FIELDS})
    counts = selectors.campaign_tallies(c, decided=c.locked, previous=prev)
    listing = selectors.ratings_page(request.user, c, request.GET, whole=counts.whole, columns=LIST_COLUMNS)
    rows = results_rows_html(listing.page.rows, c.rules, quote(request.get_full_path(), safe=""))
    return render(request, "evaluation/results.html", {
        "c": c, "tally": counts.members, "org_tally": counts.organizations, "rules": c.rules, "listing": listing,
        "rows": rows, "filter_html": filter_html(listing.filter.form),
        "orgs": organization_levels_html(selectors.organization_ratings(request.user, c)) if counts.organizations.total
        else "", "short": SHORT, "can_decide": policies.can(request.user, DECIDE, c), "prev": prev,
        "prev_counts": counts.previous.counts if counts.previous else {},
    })  # fmt: skip


@login_required
def results_xlsx(request, pk):
    """Every member rating the actor sees; a campaign with more ratings than ``DANGBO_EXPORT_SYNC_ROWS`` is written
    by a background job (its page offers the file), as the project's list exports are."""
    from dangbo.core.exports import sync_rows

    from .documents import results_filename
    from .documents import results_xlsx as build

    c = _campaign(request, pk)
    if selectors.tally(c).total > sync_rows():
        try:
            job = evaluation_jobs.start_results_xlsx(actor=request.user, campaign=c)
        except ApplicationError as error:  # refused: the reason on the results page
            messages.error(request, error.message)
            return redirect(reverse("evaluation:results", args=[c.pk]))
        messages.info(request, "Đợt đánh giá có nhiều phiếu: bảng kết quả đang được xuất ở chế độ chạy nền.")
        return redirect(job)
    return file_response(build(request.user, c), results_filename(c))


@login_required
def decision_docx(request, pk):
    """The decision (quyết định công nhận) of the levels as Word; a draft before the decision. The committee's
    document: those who may decide. A campaign that rates members decides the members' levels; one that rates only
    organizations (an upper committee rating its grassroots organizations) decides theirs."""
    from .documents import decision_docx as build

    c = _campaign(request, pk, DECIDE)
    ratings = list(selectors.ratings_of(request.user, c))
    members = any(r.member_id for r in ratings) or not ratings
    ratings = [r for r in ratings if bool(r.member_id) == members]
    content = build(c, ratings, selectors.tally(c, decided=c.locked, members=members), members=members)
    return file_response(content, f"quyet-dinh-xep-loai-{c.year}-{c.authority.code or c.authority.pk}.docx")


@login_required
def scope_results(request, org_pk):
    """Members' levels of a year in an organization's subtree, by the organizations under it (``?nam=``)."""
    from dangbo.core.http import int_param

    org = get_scoped_or_404(request.user, VIEW, Organization.objects.all(), pk=org_pk)
    year = int_param(request.GET.get("nam"), today().year - 1)
    if not 1900 <= year <= 2999:
        year = today().year - 1
    total, rows = selectors.scope_results(request.user, org, year)
    levels = [(lv, SHORT[lv]) for lv in Level.values]
    return render(request, "evaluation/scope_results.html", {
        "org": org, "year": year, "total": total, "rows": rows, "levels": levels, "short": SHORT})  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def criteria_page(request, org_pk):
    """A rating authority's criteria catalogues (``?nam=&doi_tuong=``): the one in force for that year and subject
    (its own, else the frame's), and the form to define it for those who decide there."""
    from .models import Catalogue

    org = get_scoped_or_404(request.user, VIEW, Organization.objects.all(), pk=org_pk)
    choice = CatalogueChoiceForm(request.GET or None, initial={"nam": today().year, "doi_tuong": "dang_vien"})
    year, subject = today().year, "dang_vien"
    if choice.is_bound and choice.is_valid():
        year = choice.cleaned_data["nam"] if 2000 <= (choice.cleaned_data["nam"] or 0) <= 2999 else year
        subject = choice.cleaned_data["doi_tuong"]
    rules = rules_for(dt.date(year, 12, 31))
    found = selectors.catalogue_of(org.pk, subject, rules.key, year) if has_catalogue(rules) else None
    shown = criteria_from_items(found.items) if found else criteria_default(rules, subject)
    may_edit = has_catalogue(rules) and policies.can(request.user, CHANGE, Catalogue(authority=org))
    rows = [{"part": c.part, "text": c.text, "points": c.points} for c in shown]
    formset = CriteriaFormSet(request.POST or None, initial=rows, prefix="tc")
    if request.method == "POST" and not may_edit:
        from django.http import Http404

        raise Http404
    # The token of the catalogue of that very year (one defined since the page was opened is read on saving).
    exact = found if found is not None and found.year == year else None
    if request.method == "POST":
        exact = Catalogue.objects.filter(authority=org, subject=subject, year=year).first()
    form = CatalogueForm(request.POST or None,
                         initial={"version": services.CATALOGUE_VERSION.of(exact) if exact else services.NEW})  # fmt: skip

    def save(d):
        return services.catalogue_save(actor=request.user, authority=org, year=year, subject=subject,
                                       rows=[f.cleaned_data for f in formset.forms if f.cleaned_data],
                                       expected_version=d["version"])  # fmt: skip

    return form_page(request, form, save, template="evaluation/criteria.html", context=lambda: {
        "org": org, "year": year, "subject": subject, "rules": rules, "found": found, "shown": shown,
        "may_edit": may_edit, "formset": formset, "choice": choice,
        "catalogues": selectors.catalogues_of(request.user, org), "has_catalogue": has_catalogue(rules),
    }, ok=lambda: all([form.is_valid(), formset.is_valid()]), tracked=services.CATALOGUE_VERSION if exact else None,
        obj=exact, success=f"Đã ghi danh mục tiêu chí áp dụng từ năm {year}.", redirect_to=request.get_full_path())  # fmt: skip


# --- The residence cell's pages (QĐ 213) ------------------------------------------------------------------------


def _residence_year(request) -> int:
    """``?nam=``; by default this year from October (the comments are sent at the year's end), else last year."""
    from dangbo.core.http import int_param

    day = today()
    year = int_param(request.GET.get("nam"), day.year if day.month >= 10 else day.year - 1)
    return year if 2000 <= year <= day.year else day.year


@login_required
def residents(request, org_pk):
    """The members registered with a residence cell during a year (``?nam=``), each with the cell's comment."""
    from django.http import Http404

    org = get_scoped_or_404(request.user, VIEW, Organization.objects.all(), pk=org_pk)
    if not selectors.residence_comments_on():
        raise Http404
    year = _residence_year(request)
    return render(request, "evaluation/residents.html", {
        "org": org, "year": year, "rows": selectors.residents(request.user, org, year),
        "may_comment": policies.can(request.user, "residence_comments", org)})  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def resident(request, org_pk, member_pk):
    """The residence cell's comment of a year on one member registered with it."""
    from django.http import Http404

    org = get_scoped_or_404(request.user, VIEW, Organization.objects.all(), pk=org_pk)
    if not selectors.residence_comments_on():
        raise Http404
    year = _residence_year(request)
    found = next(((reg, c) for reg, c in selectors.residents(request.user, org, year) if reg.member_id == member_pk),
                 None)  # fmt: skip
    if found is None:
        raise Http404
    registration, comment = found
    may_comment = policies.can(request.user, "residence_comments", org)
    if request.method == "POST" and not may_comment:
        raise Http404
    form = ResidentCommentForm(request.POST or None, initial={
        "version": services.RESIDENCE_VERSION.of(comment) if comment else services.NEW,
        "received_on": comment.received_on if comment else today(), "comment": comment.comment if comment else "",
        "concerns": comment.concerns if comment else False})  # fmt: skip

    def save(d):
        data = dict(d)
        version = data.pop("version")
        return services.residence_comment_save(actor=request.user, member=member_pk, year=year,
                                               expected_version=version, **data)  # fmt: skip

    return form_page(request, form, save, tracked=services.RESIDENCE_VERSION if comment else None, obj=comment,
                     template="evaluation/resident.html", context={
                         "org": org, "year": year, "registration": registration, "comment": comment,
                         "may_comment": may_comment},
                     success=f"Đã ghi nhận xét năm {year} về đồng chí {registration.member.full_name}.",
                     redirect_to=f"{reverse('evaluation:residents', args=[org.pk])}?nam={year}")  # fmt: skip
