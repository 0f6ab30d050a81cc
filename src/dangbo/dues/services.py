"""Writes on party dues: a member's basis, a cell's month sheet, remittances sent and received. One transaction
each, scope checked, audited; Vietnamese errors naming the field; nothing half-saved.

A month sheet is saved whole with the version it was read at (``DuesSheet.version``): a save from an older copy
(someone else saved the month meanwhile) is refused and changes nothing — the second person reloads and sees
what the first recorded."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection, models, transaction
from django.db.models import Sum, Value
from django.db.models.functions import Concat, Substr

from dangbo.audit.models import Action
from dangbo.audit.services import record, snapshot
from dangbo.core import policies
from dangbo.core.dates import add_months, now, today
from dangbo.core.errors import ApplicationError, NotFound
from dangbo.core.formats import tien
from dangbo.core.policies import subtree_q
from dangbo.core.text import clean_text, read_number
from dangbo.members.models import Member
from dangbo.organizations.choices import CELL_KINDS
from dangbo.organizations.models import Organization

from .choices import FIXED_GROUPS, PERCENT_GROUPS, AuditEvents, Exemption, Group, Way
from .models import DuesBasis, DuesPayment, DuesSheet, DuesTotal, Remittance
from .rules import rules_on
from .selectors import (
    Totals,
    ancestors,
    bases_of,
    first_of,
    month_roll,
    month_rolls,
    owed_for,
    position,
    totals_recount,
)

MAX_BASIS = 10_000_000_000  # đồng a month; more is a typing error
ABSURD_TIMES = 100  # a month paid more than this many times what is owed is a typing error
ABSURD_FLOOR = 500_000  # … or more than this when little or nothing is owed (voluntary payments)
ADVANCE_MONTHS = 12  # months may be paid this far ahead
NOT_FOUND = "Không tìm thấy."


def _pk(value) -> int | None:
    pk = getattr(value, "pk", value)
    if isinstance(pk, str) and pk.strip().isascii() and pk.strip().isdigit() and len(pk.strip()) <= 18:
        pk = int(pk)
    if isinstance(pk, bool) or not isinstance(pk, int) or not 0 < pk < 2**63:
        return None
    return pk


def _month(value, e: dict, key: str = "month", label: str = "Tháng") -> dt.date | None:
    if not isinstance(value, dt.date) or not 1990 <= value.year <= 2999:
        e[key] = f"{label}: không hợp lệ."
        return None
    return first_of(value)


def _cell(actor, organization, action: str = "place_members") -> Organization:
    pk = _pk(organization)
    org = Organization.objects.filter(pk=pk).first() if pk else None
    if org is None or not policies.can(actor, action, org):
        raise NotFound("Không tìm thấy tổ chức.", field_errors={"organization": "Tổ chức: không tìm thấy."})
    return org


# --- basis -------------------------------------------------------------------------------------------------------


@transaction.atomic
def set_basis(*, actor, member, valid_from: dt.date, group: str, basis=None, exemption: str = "",
              reduction_percent=0, decision_no: str = "", relief_until: dt.date | None = None) -> DuesBasis:  # fmt: skip
    """The member's dues basis from ``valid_from``'s month on (a new row, or the row of that month replaced)."""
    pk = _pk(member)
    m = Member.objects.filter(pk=pk).first() if pk else None
    if m is None or not policies.can(actor, policies.CHANGE, DuesBasis(member=m)):
        raise NotFound("Không tìm thấy đảng viên.", field_errors={"member": "Đảng viên: không tìm thấy."})
    e: dict[str, str] = {}
    month = _month(valid_from, e, "valid_from", "Từ tháng")
    if group not in Group.values:
        e["group"] = "Đối tượng: giá trị đã chọn không hợp lệ."
    amount, problem = read_number(basis, "Căn cứ tính", whole=True, min_value=0, max_value=MAX_BASIS)
    if problem:
        e["basis"] = problem
    amount = amount or 0
    rules = rules_on(month) if month else None
    if rules and group in Group.values and not e.get("basis"):
        if group in PERCENT_GROUPS and amount <= 0:
            e["basis"] = "Căn cứ tính: nhập tiền lương, trợ cấp hoặc lương hưu của tháng (đồng)."
        elif rules.fixed_basis(group) and group in (*FIXED_GROUPS, Group.STUDENT):
            low, high = rules.other_range
            if not low <= amount <= high:
                e["basis"] = (
                    f"Căn cứ tính: mức đóng hằng tháng phải từ {tien(low)} đến {tien(high)} ({rules.source})."
                )
    exemption = exemption or ""
    if exemption and exemption not in Exemption.values:
        e["exemption"] = "Miễn đóng: giá trị đã chọn không hợp lệ."
    elif exemption and rules and exemption not in rules.exemptions:
        e["exemption"] = f"Miễn đóng: {rules.source} không quy định trường hợp này."
    reduction, problem = read_number(reduction_percent, "Giảm (%)", whole=True, min_value=0, max_value=100)
    reduction = reduction or 0
    if problem:
        e["reduction_percent"] = problem
    elif reduction and rules and reduction not in rules.relief_percents:
        e["reduction_percent"] = (
            "Giảm (%): chỉ giảm " + ", ".join(f"{p}%" for p in rules.relief_percents) + "."
        )
    if reduction and exemption:
        e["reduction_percent"] = "Giảm (%): đã miễn đóng thì không giảm."
    decision_no = clean_text(decision_no or "")[:100]
    timed = reduction or exemption == Exemption.HARDSHIP
    if timed and not decision_no:
        e["decision_no"] = (
            "Số quyết định miễn, giảm: không được để trống khi miễn, giảm vì hoàn cảnh khó khăn."
        )
    if relief_until is not None and not isinstance(relief_until, dt.date):
        e["relief_until"] = "Miễn, giảm đến hết tháng: không hợp lệ."
    elif timed and relief_until is None:
        e["relief_until"] = "Miễn, giảm đến hết tháng: không được để trống (miễn, giảm có thời hạn)."
    elif relief_until is not None and month and rules:
        until = first_of(relief_until)
        if until < month:
            e["relief_until"] = "Miễn, giảm đến hết tháng: trước tháng bắt đầu."
        elif timed and until >= add_months(month, rules.relief_max_months):
            e["relief_until"] = (
                f"Miễn, giảm đến hết tháng: tối đa {rules.relief_max_months} tháng ({rules.source})."
            )
        relief_until = until
    if e:
        raise ApplicationError("Chưa ghi được căn cứ đóng đảng phí.", field_errors=e)
    row = DuesBasis.objects.select_for_update().filter(member=m, valid_from=month).first()
    before = snapshot(row) if row else None
    row = row or DuesBasis(member=m, valid_from=month)
    row.group, row.basis, row.exemption, row.reduction_percent = group, amount, exemption, reduction
    row.decision_no, row.relief_until, row.recorded_by = decision_no, relief_until, actor
    row.save()
    record(actor=actor, action=Action.UPDATE if before else Action.CREATE, obj=row, before=before,
           scope_path=m.org_path, event=AuditEvents.BASIS)  # fmt: skip
    return row


# --- the month sheet ---------------------------------------------------------------------------------------------


def sheet_version(organization, month: dt.date) -> int:
    s = DuesSheet.objects.filter(organization=organization, month=first_of(month)).first()
    return s.version if s else 0


@transaction.atomic
def record_month(*, actor, organization, month: dt.date, rows: list[dict], version: int) -> DuesSheet:
    """Save a cell's month: ``rows`` are {member, paid, paid_on, way} (members not given keep their row, or get
    one with nothing paid); every member on the month's roll gets a row with what they owe. All or nothing.
    ``version``: the sheet's version the rows were typed on (``sheet_version``)."""
    cell = _cell(actor, organization)
    e: dict[str, str] = {}
    month = _month(month, e)
    if e:
        raise ApplicationError("Chưa lưu được.", field_errors=e)
    if not cell.is_cell:
        raise ApplicationError(
            "Chỉ chi bộ thu đảng phí.", field_errors={"organization": "Tổ chức: không phải chi bộ."}
        )
    if month > add_months(first_of(today()), ADVANCE_MONTHS):
        raise ApplicationError("Chưa lưu được.", field_errors={
            "month": f"Tháng: chỉ đóng trước tối đa {ADVANCE_MONTHS} tháng."})  # fmt: skip
    sheet, _ = DuesSheet.objects.get_or_create(
        organization=cell, month=month, defaults={"org_path": cell.path}
    )
    sheet = DuesSheet.objects.select_for_update().get(pk=sheet.pk)
    try:
        typed_on = int(version)
    except (TypeError, ValueError):
        typed_on = -1
    if typed_on != sheet.version:
        who = f" ({sheet.updated_by})" if sheet.updated_by_id else ""
        raise ApplicationError(
            "Bảng thu tháng này vừa được người khác lưu" + who + " — tải lại trang để xem số mới rồi nhập lại.",
            field_errors={"version": f"Bảng thu: đã được lưu lúc {sheet.updated_at:%H:%M %d/%m/%Y}, sau khi bạn mở trang."},
        )  # fmt: skip
    roll = month_roll(cell, month)
    on_roll = {m.pk: m for m in roll}
    bases = bases_of(on_roll)
    existing = {
        p.member_id: p
        for p in DuesPayment.objects.select_for_update().filter(member_id__in=list(on_roll), month=month)
    }
    given: dict[int, dict] = {}
    for i, r in enumerate(rows or []):
        pk = _pk(r.get("member"))
        key = f"member_{pk}" if pk else f"row_{i}"
        if pk not in on_roll:
            e[key] = f"Đảng viên: không có tên trong danh sách chi bộ tháng {month:%m/%Y}."
            continue
        given[pk] = r
    for pk, r in given.items():
        m = on_roll[pk]
        owed = owed_for(m, month, bases.get(pk, [])).amount or 0
        paid, problem = read_number(r.get("paid"), f"{m.full_name} — số tiền đóng", whole=True, min_value=0,
                                    max_value=max(owed * ABSURD_TIMES, ABSURD_FLOOR))  # fmt: skip
        if problem:
            e[f"paid_{pk}"] = problem
            continue
        paid = paid or 0
        paid_on, way = r.get("paid_on"), r.get("way") or ""
        if paid:
            if not isinstance(paid_on, dt.date):
                e[f"paid_on_{pk}"] = f"{m.full_name} — ngày đóng: không được để trống khi đã đóng tiền."
            elif paid_on > today():
                e[f"paid_on_{pk}"] = f"{m.full_name} — ngày đóng: sau hôm nay."
            elif paid_on.year < 1990:
                e[f"paid_on_{pk}"] = f"{m.full_name} — ngày đóng: không hợp lệ."
            if way not in Way.values:
                e[f"way_{pk}"] = (
                    f"{m.full_name} — hình thức: chọn tiền mặt, cổng dịch vụ công hoặc chuyển khoản."
                )
        else:
            paid_on, way = None, ""
        r["_clean"] = (paid, paid_on, way, owed)
    if e:
        raise ApplicationError("Chưa lưu được bảng thu: kiểm tra các dòng báo lỗi.", field_errors=e)
    changed = 0
    for pk, m in on_roll.items():
        row = existing.get(pk)
        before = snapshot(row) if row else None
        if row is None:
            row = DuesPayment(member=m, month=month)
        if pk in given:
            row.paid, row.paid_on, row.way, row.owed = given[pk]["_clean"]
        elif row.pk is None:
            row.owed = owed_for(m, month, bases.get(pk, [])).amount or 0
        row.organization, row.org_path, row.recorded_by = cell, cell.path, actor
        row.save()
        if record(actor=actor, action=Action.UPDATE if before else Action.CREATE, obj=row, before=before,
                  scope_path=cell.path, event=AuditEvents.PAYMENT):  # fmt: skip
            changed += 1
    sheet.version += 1
    sheet.updated_by = actor
    _totals(sheet)
    sheet.save()
    return sheet


def _totals(sheet: DuesSheet) -> None:
    _retotal([sheet])


def _retotal(sheets: list[DuesSheet]) -> None:
    """The sheets' totals from their rows (one query), and the differences added to the month's totals of every
    level above (``services``, section totals); called in the transaction that changed the rows, the caller saves the sheets."""
    if not sheets:
        return
    agg = {
        (r["organization_id"], r["month"]): r
        for r in DuesPayment.objects.filter(organization_id__in={s.organization_id for s in sheets},
                                            month__in={s.month for s in sheets})
        .values("organization_id", "month").annotate(n=models.Count("id"), o=models.Sum("owed"), p=models.Sum("paid"))
        .order_by()
    }  # fmt: skip
    missing = [s.organization_id for s in sheets if not s.org_path]
    paths = dict(Organization.objects.filter(pk__in=missing).values_list("pk", "path")) if missing else {}
    changes = {}
    for sheet in sheets:
        before = (sheet.members, sheet.owed, sheet.paid)
        r = agg.get((sheet.organization_id, sheet.month), {})
        sheet.members, sheet.owed, sheet.paid = r.get("n") or 0, r.get("o") or 0, r.get("p") or 0
        sheet.org_path = sheet.org_path or paths[sheet.organization_id]
        delta = tuple(a - b for a, b in zip((sheet.members, sheet.owed, sheet.paid), before, strict=True))
        if any(delta):
            changes[(sheet.org_path, sheet.month)] = delta
    totals_add(changes)


@dataclass
class Generated:
    rows: int = 0  # ledger rows written (what each member owes, nothing paid yet)
    sheets: int = 0  # cells whose month changed
    unknown: int = 0  # members on a roll with no basis recorded: no row (unknown, never guessed)


@transaction.atomic
def generate_owed(*, actor, cells, month: dt.date) -> Generated:
    """Write the month's row of every member on the rolls of ``cells`` (ids) who has none yet: what they owe by
    the rules of the month, nothing paid. The sheets touched get their totals and a new version (an open copy of
    one can no longer be saved over these rows); one audit event per sheet. ``actor`` None is the system (the
    command line); otherwise cells outside what the actor may record are left out. All or nothing per call — the
    month job calls it batch by batch."""
    e: dict[str, str] = {}
    month = _month(month, e)
    if e:
        raise ApplicationError("Chưa lập được.", field_errors=e)
    if month > add_months(first_of(today()), ADVANCE_MONTHS):
        far = f"Tháng: chỉ lập trước tối đa {ADVANCE_MONTHS} tháng."
        raise ApplicationError(far, field_errors={"month": far})
    orgs = Organization.objects.filter(pk__in=[pk for pk in map(_pk, cells) if pk], kind__in=CELL_KINDS)
    if actor is not None:
        orgs = policies.scope(actor, "place_members", orgs)
    cells = {o.pk: o for o in orgs.only("id", "path", "kind")}
    rolls = month_rolls(cells, month, only=("id", "admission_decision_date"))
    if not rolls:
        return Generated()
    # Lock the month's sheets of these cells first (made when missing), like a save of the sheet does: a
    # secretary saving one of them meanwhile waits, then sees a newer version.
    DuesSheet.objects.bulk_create([DuesSheet(organization_id=pk, month=month, org_path=cells[pk].path) for pk in rolls],
                                  ignore_conflicts=True)  # fmt: skip
    sheets = {
        s.organization_id: s
        for s in DuesSheet.objects.select_for_update().filter(organization_id__in=list(rolls), month=month).order_by("pk")
    }  # fmt: skip
    member_ids = [m.pk for roll in rolls.values() for m in roll]
    have = set(
        DuesPayment.objects.filter(member_id__in=member_ids, month=month).values_list("member_id", flat=True)
    )
    bases = bases_of(set(member_ids) - have)
    out, new, touched = Generated(), [], set()
    for cell_id, roll in rolls.items():
        for m in roll:
            if m.pk in have:
                continue
            owed = owed_for(m, month, bases.get(m.pk, [])).amount
            if owed is None:
                out.unknown += 1
                continue
            new.append(DuesPayment(member_id=m.pk, month=month, organization_id=cell_id, org_path=cells[cell_id].path,
                                   owed=owed, paid=0, recorded_by=actor))  # fmt: skip
            touched.add(cell_id)
    DuesPayment.objects.bulk_create(new, batch_size=2000, ignore_conflicts=True)
    changed = [sheets[pk] for pk in sorted(touched)]
    befores = {s.pk: (snapshot(s) if s.version else None) for s in changed}
    _retotal(changed)
    for sheet in changed:
        sheet.version += 1
        sheet.updated_by, sheet.updated_at = actor, now()
    DuesSheet.objects.bulk_update(changed, ["members", "owed", "paid", "version", "updated_by", "updated_at"],
                                  batch_size=1000)  # fmt: skip
    for sheet in changed:
        before = befores[sheet.pk]
        record(actor=actor, action=Action.UPDATE if before else Action.CREATE, obj=sheet, before=before,
               scope_path=sheet.org_path, event=AuditEvents.GENERATE)  # fmt: skip
    out.rows, out.sheets = len(new), len(changed)
    return out


# --- remittances -------------------------------------------------------------------------------------------------


@transaction.atomic
def record_remittance(*, actor, organization, month: dt.date, amount, sent_on: dt.date) -> Remittance:
    """The organization sends part of a month's dues to the level directly above (at most what it collected for
    the month minus the share it keeps, minus what it already sent)."""
    org = _cell(actor, organization)
    e: dict[str, str] = {}
    month = _month(month, e, "month", "Kỳ (tháng)")
    if org.parent_id is None:
        raise ApplicationError("Tổ chức cao nhất trong hệ thống nộp ra ngoài hệ thống.",
                               field_errors={"organization": "Tổ chức: không có cấp trên trong hệ thống."})  # fmt: skip
    value, problem = read_number(amount, "Số tiền", whole=True, required=True, min_value=1)
    if problem:
        e["amount"] = problem
    if not isinstance(sent_on, dt.date):
        e["sent_on"] = "Ngày nộp: không được để trống."
    elif sent_on > today():
        e["sent_on"] = "Ngày nộp: sau hôm nay."
    if e:
        raise ApplicationError("Chưa ghi được lần nộp.", field_errors=e)
    # Lock the sender's remittances of the month: two people sending at once cannot both pass the bound.
    list(Remittance.objects.select_for_update().filter(from_organization=org, month=month))
    pos = position(org, month)
    if value > pos.remaining:
        raise ApplicationError("Số tiền nộp lớn hơn số phải nộp.", field_errors={"amount": (
            f"Số tiền: lớn hơn số còn phải nộp tháng {month:%m/%Y} ({tien(max(pos.remaining, 0))}: thu {tien(pos.collected)}, "
            f"giữ lại {pos.keep_percent}% = {tien(pos.kept)}, đã nộp {tien(pos.remitted)}).")})  # fmt: skip
    r = Remittance.objects.create(from_organization=org, to_organization_id=org.parent_id, month=month, amount=value,
                                  sent_on=sent_on, sent_by=actor)  # fmt: skip
    record(actor=actor, action=Action.CREATE, obj=r, scope_path=org.path, event=AuditEvents.REMIT)
    return r


@transaction.atomic
def confirm_received(*, actor, remittance, received_on: dt.date) -> Remittance:
    pk = _pk(remittance)
    r = (
        Remittance.objects.select_for_update().select_related("to_organization").filter(pk=pk).first()
        if pk
        else None
    )
    if r is None or not policies.can(actor, "place_members", r.to_organization):
        raise NotFound("Không tìm thấy lần nộp.")
    if r.received_on is not None:
        raise ApplicationError(
            "Lần nộp này đã được xác nhận.", field_errors={"received_on": "Ngày nhận: đã xác nhận trước đó."}
        )
    if not isinstance(received_on, dt.date):
        raise ApplicationError(
            "Chưa xác nhận được.", field_errors={"received_on": "Ngày nhận: không được để trống."}
        )
    if received_on < r.sent_on or received_on > today():
        raise ApplicationError("Chưa xác nhận được.", field_errors={
            "received_on": "Ngày nhận: phải từ ngày nộp đến hôm nay."})  # fmt: skip
    before = snapshot(r)
    r.received_on, r.received_by = received_on, actor
    r.save()
    record(actor=actor, action=Action.UPDATE, obj=r, before=before, scope_path=r.to_organization.path,
           event=AuditEvents.RECEIVE)  # fmt: skip
    return r


def _owning_cell(member_id: int, month: dt.date):
    """The cell a member owes ``month`` to (the first roll they were on in that month), or None."""
    from django.db.models import Q

    from dangbo.members.choices import ACTIVE_STATUSES
    from dangbo.members.models import MemberPeriod

    end = add_months(month, 1)
    period = (
        MemberPeriod.objects.filter(Q(valid_to__isnull=True) | Q(valid_to__gt=month), member_id=member_id,
                                    valid_from__lt=end, status__in=ACTIVE_STATUSES)
        .select_related("organization").order_by("valid_from").first()
    )  # fmt: skip
    return period.organization if period else None


@transaction.atomic
def record_member_months(*, actor, member, first_month: dt.date, months, paid_on: dt.date, way: str) -> int:
    """Several months of one member paid at once (in arrears or in advance): each month's row gets what is owed
    for it, in the sheet of the cell that month; a month already paid is refused, nothing is saved. Every sheet
    touched gets a new version (an open copy of it can then not overwrite these rows)."""
    pk = _pk(member)
    m = Member.objects.filter(pk=pk).first() if pk else None
    if m is None or not policies.can(actor, policies.VIEW, m):
        raise NotFound("Không tìm thấy đảng viên.")
    e: dict[str, str] = {}
    start = _month(first_month, e, "first_month", "Từ tháng")
    count, problem = read_number(
        months, "Số tháng", whole=True, required=True, min_value=1, max_value=ADVANCE_MONTHS + 12
    )
    if problem:
        e["months"] = problem
    if not isinstance(paid_on, dt.date):
        e["paid_on"] = "Ngày đóng: không được để trống."
    elif paid_on > today():
        e["paid_on"] = "Ngày đóng: sau hôm nay."
    if way not in Way.values:
        e["way"] = "Hình thức: chọn tiền mặt, cổng dịch vụ công hoặc chuyển khoản."
    if e:
        raise ApplicationError("Chưa ghi được.", field_errors=e)
    last = add_months(start, count - 1)
    if last > add_months(first_of(today()), ADVANCE_MONTHS):
        raise ApplicationError(
            "Chưa ghi được.",
            field_errors={"months": f"Số tháng: chỉ đóng trước tối đa {ADVANCE_MONTHS} tháng."},
        )
    bases = bases_of([m.pk]).get(m.pk, [])
    total = 0
    for i in range(count):
        month = add_months(start, i)
        cell = _owning_cell(m.pk, month)
        if cell is None or not policies.can(actor, "place_members", cell):
            e["months"] = (
                f"Số tháng: tháng {month:%m/%Y} đảng viên không có tên trong danh sách chi bộ bạn được ghi."
            )
            break
        owed = owed_for(m, month, bases).amount
        if owed is None:
            e["months"] = f"Số tháng: tháng {month:%m/%Y} chưa có căn cứ đóng đảng phí."
            break
        row = DuesPayment.objects.select_for_update().filter(member=m, month=month).first()
        if row is not None and row.paid:
            e["months"] = f"Số tháng: tháng {month:%m/%Y} đã ghi đóng {tien(row.paid)}."
            break
        before = snapshot(row) if row else None
        row = row or DuesPayment(member=m, month=month)
        row.organization, row.org_path, row.owed, row.paid = cell, cell.path, owed, owed
        row.paid_on, row.way, row.recorded_by = paid_on, way, actor
        row.save()
        record(actor=actor, action=Action.UPDATE if before else Action.CREATE, obj=row, before=before,
               scope_path=cell.path, event=AuditEvents.PAYMENT)  # fmt: skip
        sheet, _ = DuesSheet.objects.get_or_create(
            organization=cell, month=month, defaults={"org_path": cell.path}
        )
        sheet = DuesSheet.objects.select_for_update().get(pk=sheet.pk)
        sheet.version += 1
        sheet.updated_by = actor
        _totals(sheet)
        sheet.save()
        total += owed
    if e:
        transaction.set_rollback(True)
        raise ApplicationError("Chưa ghi được.", field_errors=e)
    return total


# --- totals per organization and month at every level (``DuesTotal``) ---------------------------------------------
# Dues totals per organization and month at every level of the tree (``DuesTotal``), kept in step with the month
# sheets (``DuesSheet``: one row per cell and month, the cell's path *that month*).
#
# Kept **in the same transaction** as the write that changes a sheet — not rebuilt later from a watermark:
#
# * a secretary saves the month and opens the overview at once: a table rebuilt every few minutes would show the
#   committee the month as not yet collected, and a remittance's bound (collection minus share) would read stale
#   figures;
# * the change is small and known at the write: a sheet save changes one sheet, whose path names its ancestors
#   (≈ 4–6 rows, one ``INSERT … ON CONFLICT DO UPDATE`` adding the difference); locks are taken in path order
#   (root first), so two saves under one province wait for each other a moment and never deadlock;
# * a watermark rebuild needs a "changed since" column on the sheets and a worker that must run before any
#   overview is right; nothing here needs one.
#
# A restructuring move re-paths the sheets of the months from the move on (``PATH_TABLES``): ``totals_move``
# re-paths them and shifts their totals from the old ancestors to the new ones in the same transaction.
# ``selectors.totals_recount`` adds up the sheets again from scratch; ``selectors.totals_differences`` compares it
# with the table (``dangbo dues_rollup --check``, and the tests after random saves); ``totals_rebuild`` rewrites the
# table from a recount (bulk loaders: the demo, the benchmark).


def totals_add(changes: dict[tuple[str, dt.date], Totals]) -> None:
    """Add several sheets' differences: grouped per (organization, month), written root first."""
    by_org: dict[tuple[dt.date, int, int], list[int]] = {}
    for (path, month), (members, owed, paid) in changes.items():
        for depth, org_id in enumerate(ancestors(path)):
            t = by_org.setdefault((month, depth, org_id), [0, 0, 0])
            t[0], t[1], t[2] = t[0] + members, t[1] + owed, t[2] + paid
    rows = [(org_id, month, *t) for (month, _depth, org_id), t in sorted(by_org.items()) if any(t)]
    table = DuesTotal._meta.db_table
    adapt = connection.ops.adapt_datefield_value
    for i in range(0, len(rows), 500):
        chunk = rows[i : i + 500]
        values = ", ".join(["(%s, %s, %s, %s, %s)"] * len(chunk))
        params = [v for org_id, month, m, o, p in chunk for v in (org_id, adapt(month), m, o, p)]
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} (organization_id, month, members, owed, paid) VALUES {values} "
                f"ON CONFLICT (organization_id, month) DO UPDATE SET members = {table}.members + excluded.members, "
                f"owed = {table}.owed + excluded.owed, paid = {table}.paid + excluded.paid",
                params,
            )


def totals_move(old_path: str, new_path: str, date: dt.date) -> None:
    """``PathTable.repath`` of the month sheets: the sheets of the moved subtree from ``date``'s month on (a month
    that began before the move stays where the cell was then) take the new path, and their totals leave the old
    ancestors for the new ones. Runs inside the restructuring's transaction."""
    sheets = DuesSheet.objects.filter(subtree_q(old_path, "org_path"), month__gte=date)
    moved = list(sheets.values("month").annotate(n=Sum("members"), o=Sum("owed"), p=Sum("paid")).order_by())
    sheets.update(org_path=Concat(Value(new_path), Substr("org_path", len(old_path) + 1)))
    old_up, new_up = ancestors(old_path)[:-1], ancestors(new_path)[:-1]
    gone = [o for o in old_up if o not in new_up]
    came = [o for o in new_up if o not in old_up]
    changes: dict[tuple[str, dt.date], Totals] = {}
    for r in moved:
        t = (r["n"] or 0, r["o"] or 0, r["p"] or 0)
        # ``totals_add`` walks a path; give it the organizations that lose and gain as one-step "paths".
        for org_id in gone:
            key = (f"{org_id}.", r["month"])
            changes[key] = tuple(a - b for a, b in zip(changes.get(key, (0, 0, 0)), t, strict=True))
        for org_id in came:
            key = (f"{org_id}.", r["month"])
            changes[key] = tuple(a + b for a, b in zip(changes.get(key, (0, 0, 0)), t, strict=True))
    totals_add(changes)


@transaction.atomic
def totals_rebuild(months: Iterable[dt.date] | None = None) -> int:
    """Rewrite the totals (of ``months``, or all) from a recount; the number of rows written."""
    months = list(months) if months is not None else None
    totals = totals_recount(months)
    old = DuesTotal.objects.all()
    if months is not None:
        old = old.filter(month__in=months)
    old.delete()
    DuesTotal.objects.bulk_create(
        (
            DuesTotal(organization_id=o, month=m, members=n, owed=ow, paid=p)
            for (o, m), (n, ow, p) in totals.items()
        ),
        batch_size=5000,
    )
    return len(totals)
