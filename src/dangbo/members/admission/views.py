"""Pages of the admission pipeline (người xin vào Đảng, the dossier, the decision) and of probation (the ceremony,
official recognition)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from dangbo.audit.selectors import history_page
from dangbo.core import policies
from dangbo.core.dates import today
from dangbo.core.forms import post_action
from dangbo.core.policies import subtree_q
from dangbo.core.views import form_page, show_warnings

from ..choices import MemberStatus
from ..forms import place_cells, sole_choice
from ..history.forms import DateForm
from ..history.views import member_for_change
from ..models import Candidate, Member
from ..rules import rules_on
from . import selectors
from . import services as admission
from .forms import CandidateForm, DecisionForm


@login_required
@require_POST
def ceremony(request, pk):
    member = member_for_change(request, pk)
    months = rules_on(member.admission_decision_date or today()).probation_months
    post_action(request, DateForm(request.POST, label="Ngày tổ chức lễ kết nạp"),
                lambda d: admission.ceremony_record(actor=request.user, member=member, date=d["date"]),
                f"Đã ghi lễ kết nạp; thời gian dự bị {months} tháng tính từ ngày này.")  # fmt: skip
    return redirect(member)


@login_required
@require_POST
def recognize(request, pk):
    member = member_for_change(request, pk)
    months = rules_on(member.admission_decision_date or member.joined_date or today()).probation_months
    done = post_action(request, DecisionForm(request.POST),
                       lambda d: admission.recognize_official(actor=request.user, member=member, **d),
                       f"Đã công nhận đảng viên chính thức (có hiệu lực từ ngày hết {months} tháng dự bị).")  # fmt: skip
    show_warnings(request, done)
    return redirect(member)


@login_required
def candidate_list(request):
    show = request.GET.get("xem", "dang_xet")
    qs = policies.scope(request.user, policies.VIEW, Candidate.objects.all()).select_related(
        "organization__parent", "member"
    )
    if show == "da_ket_nap":
        qs = qs.filter(member__isnull=False)
    else:
        qs = qs.filter(member__isnull=True, withdrawn_date__isnull=True)
    rows = selectors.evaluate_all(qs.select_related("mentor", "introducer_1", "introducer_2")[:500])
    can_add = place_cells(request.user).exists()
    return render(request, "members/candidate_list.html", {"rows": rows, "show": show, "can_add": can_add})


@login_required
@require_http_methods(["GET", "POST"])
def candidate_create(request):
    cells = place_cells(request.user)
    if not cells.exists():
        raise Http404
    initial = {"organization": sole_choice(cells)}
    form = CandidateForm(request.POST or None, cells=cells, actor=request.user, initial=initial)
    return form_page(request, form, lambda d: admission.candidate_save(actor=request.user, data=d),
                     template="members/candidate_form.html", context={"candidate": None},
                     success=lambda c: f"Đã thêm {c.full_name} vào danh sách người xin vào Đảng.")  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def candidate_detail(request, candidate_pk):
    c = policies.scope(request.user, policies.VIEW, Candidate.objects.all()).select_related(
        "organization", "member"
    )
    c = c.filter(pk=candidate_pk).first()
    if c is None:
        raise Http404
    # Leaders read the dossier; following it (saving, the admission decision) needs the add-member right.
    can_change = policies.can(request.user, "place_members", c.organization)
    if request.method == "POST" and not can_change:
        raise Http404
    top = c.organization.grassroots() or c.organization
    members = (  # mentor and introducers: members of the grassroots organization the actor may see
        policies.scope(request.user, policies.VIEW, Member.objects.filter(subtree_q(top.path, "org_path")))
        .filter(status__in=[MemberStatus.OFFICIAL, MemberStatus.PROBATIONARY])
        .select_related("organization")
        .order_by("name_sort")
    )
    form = CandidateForm(request.POST or None, instance=c, cells=place_cells(request.user), actor=request.user, members=members,
                         initial={"version": admission.CANDIDATE_VERSION.of(c)})  # fmt: skip
    save = None if c.member_id else lambda d: admission.candidate_save(  # an admitted one's record is the member's
        actor=request.user, candidate=c, data=d, expected_version=d["version"])  # fmt: skip

    def context():
        found = selectors.problems(c)  # the conditions panel and the checklist read the same evaluation
        return {"c": c, "can_change": can_change, "steps": selectors.steps(c, found), "problems": found,
                "decision_form": DecisionForm(initial={"decision_date": today()}), "history": history_page(c)}  # fmt: skip

    return form_page(request, form, save, tracked=admission.CANDIDATE_VERSION, obj=c,
                     template="members/candidate_detail.html", context=context, success="Đã lưu hồ sơ.")  # fmt: skip


@login_required
@require_POST
def candidate_admit(request, candidate_pk):
    c = policies.scope(request.user, policies.ADD, Candidate.objects.all()).filter(pk=candidate_pk).first()
    if c is None:
        raise Http404
    member = post_action(
        request, DecisionForm(request.POST),
        lambda d: admission.candidate_admit(actor=request.user, candidate=c, **d),
        lambda m: f"Đã ra quyết định kết nạp {m.full_name}. Hãy tổ chức lễ kết nạp trong "
                  f"{rules_on(m.admission_decision_date or today()).ceremony_working_days} ngày làm việc.",
    )  # fmt: skip
    show_warnings(request, member)
    return redirect(member or c)
