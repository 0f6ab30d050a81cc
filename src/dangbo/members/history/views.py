"""Pages of a member's history: events, transfers (both sides), admission and probation."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from dangbo.audit.selectors import history_page
from dangbo.core import policies
from dangbo.core.dates import today
from dangbo.core.errors import ApplicationError
from dangbo.core.forms import post_action
from dangbo.core.http import file_response
from dangbo.core.policies import subtree_q
from dangbo.core.registries import paid_up_to
from dangbo.core.views import form_page
from dangbo.organizations.models import Organization

from .. import rules as decisions
from ..admission import services as admission
from ..choices import MemberStatus, TransferKind, TransferState
from ..forms import cell_choices, sole_choice
from ..models import Member, MemberEvent
from ..rules import rules_on
from . import selectors as selectors_history
from . import services as lifecycle
from .forms import CandidateForm, DateForm, DecisionForm, EventForm, ReceiveForm, TransferForm


def _member_for_change(request, pk) -> Member:
    return policies.get_scoped_or_404(
        request.user, policies.CHANGE, Member.objects.select_related("organization"), pk=pk
    )


def _cells(request):
    return cell_choices(policies.scope(request.user, "place_members", Organization.objects.all()))


def _warn(request, done) -> None:
    """A service accepted a decision whose issuing level the sources leave open: say so."""
    for warning in getattr(done, "warnings", ()):
        messages.warning(request, warning)


@login_required
@require_http_methods(["GET", "POST"])
def event_create(request, pk):
    member = _member_for_change(request, pk)
    form = EventForm(
        request.POST or None, cells=_cells(request), actor=request.user, initial={"date": today()}
    )
    return form_page(request, form, lambda d: lifecycle.event_record(actor=request.user, member=member, **d),
                     template="members/event_form.html",
                     context={"member": member, "authority": decisions.authority_table(today())},
                     success=lambda done: f"Đã ghi sự kiện «{done.get_kind_display()}».", redirect_to=member)  # fmt: skip


@login_required
@require_POST
def event_delete(request, event_pk):
    event = get_object_or_404(MemberEvent, pk=event_pk)
    member = _member_for_change(request, event.member_id)
    post_action(request, None, lambda _: lifecycle.event_delete(actor=request.user, event=event),
                "Đã xóa sự kiện ghi nhầm.")  # fmt: skip
    return redirect(member)


# --- Transfers ---------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def transfer_create(request, pk):
    member = _member_for_change(request, pk)
    level, issuer = lifecycle.letter_issuer(member)
    initial = {"sent_date": today(), "kind": TransferKind.OFFICIAL, "issuer_level": level, "issuer": issuer}
    if (paid := paid_up_to(member)) is not None:  # from the dues ledger, when one is kept (core.registries)
        initial["dues_paid_to"] = min(paid, today().replace(day=1))
    form = TransferForm(request.POST or None, member=member, initial=initial)
    return form_page(request, form, lambda d: lifecycle.transfer_send(actor=request.user, member=member, **d),
                     template="members/transfer_form.html", context={"member": member, "rules": rules_on(today())},
                     success="Đã lập giấy giới thiệu sinh hoạt đảng.")  # fmt: skip


def _transfer(request, transfer_pk):
    transfer = selectors_history.transfer_scope(request.user).filter(pk=transfer_pk).first()
    if transfer is None:
        raise Http404
    return transfer


@login_required
@require_http_methods(["GET", "POST"])
def transfer_detail(request, transfer_pk):
    transfer = _transfer(request, transfer_pk)
    can_receive = (
        transfer.state == TransferState.SENT
        and transfer.kind != TransferKind.INTERNAL
        and transfer.to_organization_id is not None
        and lifecycle.receivable_scope(request.user, type(transfer).objects.filter(pk=transfer.pk)).exists()
    )
    can_send_side = policies.can(request.user, policies.CHANGE, transfer.member)
    form, save, success = None, None, None
    confirm_external = bool(transfer.to_external) and transfer.state == TransferState.SENT and can_send_side \
        and transfer.kind in (TransferKind.OFFICIAL, TransferKind.ABROAD)  # fmt: skip
    if confirm_external:
        form = DateForm(
            request.POST or None, label="Ngày nơi đến tiếp nhận (theo phiếu báo)", initial={"date": today()}
        )
        save = lambda d: lifecycle.transfer_receive(  # noqa: E731
            actor=request.user, transfer=transfer, cell=None, received_date=d["date"])  # fmt: skip
        success = "Đã ghi nhận nơi đến tiếp nhận đảng viên."
    elif can_receive:
        cells = cell_choices(
            policies.scope(
                request.user,
                "place_members",
                Organization.objects.filter(path__startswith=transfer.to_organization.path),
            )
        )
        form = ReceiveForm(
            request.POST or None, cells=cells, actor=request.user, initial={"received_date": today()}
        )
        save = lambda d: lifecycle.transfer_receive(  # noqa: E731
            actor=request.user, transfer=transfer, cell=d["cell"], received_date=d["received_date"])  # fmt: skip
        success = f"Đã tiếp nhận đảng viên {transfer.member.full_name}."
    elif request.method == "POST":
        raise Http404
    return form_page(request, form, save, template="members/transfer_detail.html", context={
        "transfer": transfer, "can_send_side": can_send_side, "confirm_external": confirm_external,
        "flags": selectors_history.transfer_flags(transfer), "return_form": DateForm(label="Ngày trở về"),
        "can_cancel": policies.can(request.user, "cancel", transfer),
        "can_come_back": policies.can(request.user, "come_back", transfer),
    }, success=success, redirect_to=transfer)  # fmt: skip


@login_required
def transfer_letter(request, transfer_pk):
    from ..letters.selectors import letter_for

    transfer = _transfer(request, transfer_pk)  # both sides that see the transfer may print its letter
    content = letter_for(transfer)
    return file_response(content, f"giay-gioi-thieu-{transfer.pk}.docx")


@login_required
@require_POST
def transfer_cancel(request, transfer_pk):
    transfer = _transfer(request, transfer_pk)
    try:
        lifecycle.transfer_cancel(actor=request.user, transfer=transfer)
        messages.success(request, "Đã hủy giấy giới thiệu; đảng viên trở lại danh sách chi bộ.")
    except ApplicationError as error:
        if not policies.can(request.user, policies.CHANGE, transfer.member):
            raise Http404 from None
        messages.error(request, error.message)
    return redirect(transfer)


@login_required
@require_POST
def transfer_return(request, transfer_pk):
    transfer = _transfer(request, transfer_pk)
    if not policies.can(request.user, policies.CHANGE, transfer.member):
        raise Http404
    post_action(request, DateForm(request.POST, label="Ngày trở về"),
                lambda d: lifecycle.temporary_end(actor=request.user, transfer=transfer, date=d["date"]),
                "Đã ghi việc trở về sinh hoạt tại chi bộ.")  # fmt: skip
    return redirect(transfer)


@login_required
def transfer_list(request):
    tab = request.GET.get("loai", "den")
    rows = selectors_history.transfer_list(request.user, tab)
    return render(
        request, "members/transfer_list.html", {"rows": rows, "tab": tab, "tabs": selectors_history.TABS}
    )


# --- Probation ---------------------------------------------------------------------------------------


@login_required
@require_POST
def ceremony(request, pk):
    member = _member_for_change(request, pk)
    months = rules_on(member.admission_decision_date or today()).probation_months
    post_action(request, DateForm(request.POST, label="Ngày tổ chức lễ kết nạp"),
                lambda d: admission.ceremony_record(actor=request.user, member=member, date=d["date"]),
                f"Đã ghi lễ kết nạp; thời gian dự bị {months} tháng tính từ ngày này.")  # fmt: skip
    return redirect(member)


@login_required
@require_POST
def recognize(request, pk):
    member = _member_for_change(request, pk)
    months = rules_on(member.admission_decision_date or member.joined_date or today()).probation_months
    done = post_action(request, DecisionForm(request.POST),
                       lambda d: admission.recognize_official(actor=request.user, member=member, **d),
                       f"Đã công nhận đảng viên chính thức (có hiệu lực từ ngày hết {months} tháng dự bị).")  # fmt: skip
    _warn(request, done)
    return redirect(member)


# --- Admission pipeline ---------------------------------------------------------------------------------


@login_required
def candidate_list(request):
    show = request.GET.get("xem", "dang_xet")
    qs = selectors_history.candidate_scope(request.user).select_related("organization__parent", "member")
    if show == "da_ket_nap":
        qs = qs.filter(member__isnull=False)
    else:
        qs = qs.filter(member__isnull=True, withdrawn_date__isnull=True)
    rows = admission.evaluate_all(qs.select_related("mentor", "introducer_1", "introducer_2")[:500])
    can_add = _cells(request).exists()
    return render(request, "members/candidate_list.html", {"rows": rows, "show": show, "can_add": can_add})


@login_required
@require_http_methods(["GET", "POST"])
def candidate_create(request):
    cells = _cells(request)
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
    c = selectors_history.candidate_scope(request.user).select_related("organization", "member")
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
    form = CandidateForm(request.POST or None, instance=c, cells=_cells(request), actor=request.user, members=members,
                         initial={"version": admission.CANDIDATE_VERSION.of(c)})  # fmt: skip
    save = None if c.member_id else lambda d: admission.candidate_save(  # an admitted one's record is the member's
        actor=request.user, candidate=c, data=d, expected_version=d["version"])  # fmt: skip

    def context():
        found = admission.problems(c)  # the conditions panel and the checklist read the same evaluation
        return {"c": c, "can_change": can_change, "steps": admission.steps(c, found), "problems": found,
                "decision_form": DecisionForm(initial={"decision_date": today()}), "history": history_page(c)}  # fmt: skip

    return form_page(request, form, save, tracked=admission.CANDIDATE_VERSION, obj=c,
                     template="members/candidate_detail.html", context=context, success="Đã lưu hồ sơ.")  # fmt: skip


@login_required
@require_POST
def candidate_admit(request, candidate_pk):
    c = selectors_history.candidate_scope(request.user, policies.ADD).filter(pk=candidate_pk).first()
    if c is None:
        raise Http404
    member = post_action(
        request, DecisionForm(request.POST),
        lambda d: admission.candidate_admit(actor=request.user, candidate=c, **d),
        lambda m: f"Đã ra quyết định kết nạp {m.full_name}. Hãy tổ chức lễ kết nạp trong "
                  f"{rules_on(m.admission_decision_date or today()).ceremony_working_days} ngày làm việc.",
    )  # fmt: skip
    _warn(request, member)
    return redirect(member or c)


def member_history_context(request, member: Member) -> dict:
    """The member page's history part: timeline, transfers, probation deadlines and the action forms."""
    can_change = policies.can(request.user, policies.CHANGE, member)
    events = selectors_history.member_timeline(member)
    # ``has_transfers``: read with the member by ``members.selectors.member_page`` (no query when it has none)
    has_transfers = getattr(member, "has_transfers", True)
    transfers = selectors_history.member_transfers(request.user, member) if has_transfers else []
    return {
        "events": events,
        "transfers": transfers,
        "probation": admission.probation(member),  # reads the work calendar for a probationary member only
        "can_change_history": can_change,
        "ceremony_form": DateForm(label="Ngày tổ chức lễ kết nạp", initial={"date": today()}),
        "recognize_form": DecisionForm(initial={"decision_date": today()}),
        "open_transfer": next((t for t in transfers if t.state == TransferState.SENT or (
            t.kind == TransferKind.TEMPORARY and not t.ended_date)), None),
    }  # fmt: skip
