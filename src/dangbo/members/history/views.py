"""Pages of a member's history: events, transfers (both sides), and the history part of the member page (the
admission and probation pages: ``members/admission/views.py``)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from dangbo.core import policies
from dangbo.core.dates import today
from dangbo.core.errors import ApplicationError
from dangbo.core.forms import post_action
from dangbo.core.http import file_response
from dangbo.core.registries import paid_up_to
from dangbo.core.views import form_page
from dangbo.organizations.models import Organization

from .. import rules as decisions
from ..admission import selectors as admission_selectors
from ..admission.forms import DecisionForm
from ..choices import TransferKind, TransferState
from ..forms import cell_choices, place_cells
from ..models import Member, MemberEvent, Transfer
from ..rules import rules_on
from . import selectors
from . import services as lifecycle
from .forms import DateForm, EventForm, ReceiveForm, TransferForm


def member_for_change(request, pk) -> Member:
    """The member ``pk`` if the user may change their record (else 404)."""
    return policies.get_scoped_or_404(
        request.user, policies.CHANGE, Member.objects.select_related("organization"), pk=pk
    )


@login_required
@require_http_methods(["GET", "POST"])
def event_create(request, pk):
    member = member_for_change(request, pk)
    form = EventForm(
        request.POST or None, cells=place_cells(request.user), actor=request.user, initial={"date": today()}
    )
    return form_page(request, form, lambda d: lifecycle.event_record(actor=request.user, member=member, **d),
                     template="members/event_form.html",
                     context={"member": member, "authority": decisions.authority_table(today())},
                     success=lambda done: f"Đã ghi sự kiện «{done.get_kind_display()}».", redirect_to=member)  # fmt: skip


@login_required
@require_POST
def event_delete(request, event_pk):
    event = get_object_or_404(MemberEvent, pk=event_pk)
    member = member_for_change(request, event.member_id)
    post_action(request, None, lambda _: lifecycle.event_delete(actor=request.user, event=event),
                "Đã xóa sự kiện ghi nhầm.")  # fmt: skip
    return redirect(member)


# --- Transfers ---------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def transfer_create(request, pk):
    member = member_for_change(request, pk)
    level, issuer = lifecycle.letter_issuer(member)
    initial = {"sent_date": today(), "kind": TransferKind.OFFICIAL, "issuer_level": level, "issuer": issuer}
    if (paid := paid_up_to(member)) is not None:  # from the dues ledger, when one is kept (core.registries)
        initial["dues_paid_to"] = min(paid, today().replace(day=1))
    form = TransferForm(request.POST or None, member=member, initial=initial)
    return form_page(request, form, lambda d: lifecycle.transfer_send(actor=request.user, member=member, **d),
                     template="members/transfer_form.html", context={"member": member, "rules": rules_on(today())},
                     success="Đã lập giấy giới thiệu sinh hoạt đảng.")  # fmt: skip


def _transfer(request, transfer_pk):
    return policies.get_scoped_or_404(
        request.user,
        policies.VIEW,
        Transfer.objects.select_related("member", "from_organization", "to_organization", "received_cell"),
        pk=transfer_pk,
    )


@login_required
@require_http_methods(["GET", "POST"])
def transfer_detail(request, transfer_pk):
    transfer = _transfer(request, transfer_pk)
    # The forms the transfer policy offers (its states: the service refuses the same cases).
    can_receive = policies.can(request.user, "receive", transfer)
    confirm_external = policies.can(request.user, "confirm_external", transfer)
    can_send_side = policies.can(request.user, policies.CHANGE, transfer.member)
    form, save, success = None, None, None
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
        "flags": selectors.transfer_flags(transfer), "return_form": DateForm(label="Ngày trở về"),
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
    rows = selectors.transfer_list(request.user, tab)
    return render(request, "members/transfer_list.html", {"rows": rows, "tab": tab, "tabs": selectors.TABS})


# --- The member page -----------------------------------------------------------------------------------


def member_history_context(request, member: Member) -> dict:
    """The member page's history part: timeline, transfers, probation deadlines and the action forms."""
    can_change = policies.can(request.user, policies.CHANGE, member)
    events = selectors.member_timeline(member)
    # ``has_transfers``: read with the member by ``members.selectors.member_page`` (no query when it has none)
    has_transfers = getattr(member, "has_transfers", True)
    transfers = selectors.member_transfers(request.user, member) if has_transfers else []
    return {
        "events": events,
        "transfers": transfers,
        "probation": admission_selectors.probation(member),  # reads the work calendar for a probationary member only
        "can_change_history": can_change,
        "ceremony_form": DateForm(label="Ngày tổ chức lễ kết nạp", initial={"date": today()}),
        "recognize_form": DecisionForm(initial={"decision_date": today()}),
        "open_transfer": next((t for t in transfers if t.state == TransferState.SENT or (
            t.kind == TransferKind.TEMPORARY and not t.ended_date)), None),
    }  # fmt: skip
