"""Writes of the quality evaluation: open a campaign, self-assess, propose, move to review, decide, re-open.
Keyword arguments, ``actor`` required, one transaction each, the policy checked, every write audited, Vietnamese
errors naming the field; nothing half-saved. Every rule is checked here (an API is coming), not in the forms."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q

from dangbo.audit.models import Action
from dangbo.audit.services import record, snapshot
from dangbo.core import policies
from dangbo.core.dates import add_months, now, today
from dangbo.core.errors import ApplicationError, NotFound, PermissionDenied
from dangbo.core.formats import ngay
from dangbo.core.text import clean_text, read_number
from dangbo.members.asof import rows_on
from dangbo.members.choices import MemberStatus
from dangbo.members.models import Member
from dangbo.organizations.models import Organization

from . import evidence
from .choices import RANK, SHORT, AuditEvents, CampaignStatus, Level, NotRated, PeriodKind
from .models import Campaign, Rating
from .policies import DECIDE
from .rules import MAX_SCORE, rules_for

CAMPAIGN_NOT_FOUND = "Không tìm thấy đợt đánh giá."
RATING_NOT_FOUND = "Không tìm thấy phiếu đánh giá."
LOCKED = "Đợt đánh giá đã có quyết định, không sửa được nữa (cấp ủy có thể mở lại, nêu lý do)."
FIRST_YEAR = 2000


def _pk(value) -> int | None:
    pk = getattr(value, "pk", value)
    if isinstance(pk, str) and pk.strip().isascii() and pk.strip().isdigit() and len(pk.strip()) <= 18:
        pk = int(pk)
    if isinstance(pk, bool) or not isinstance(pk, int) or not 0 < pk < 2**63:
        return None
    return pk


def _campaign(actor, campaign, action=policies.VIEW, *, lock=False) -> Campaign:
    pk = _pk(campaign)
    qs = Campaign.objects.select_related("authority").filter(pk=pk) if pk else Campaign.objects.none()
    if lock:
        qs = qs.select_for_update(of=("self",))
    c = policies.scope(actor, policies.VIEW, qs).first()
    if c is None:
        raise NotFound(CAMPAIGN_NOT_FOUND)
    if action != policies.VIEW and not policies.can(actor, action, c):
        raise PermissionDenied("Chỉ cấp ủy có thẩm quyền quyết định xếp loại của đợt này được làm việc này.")
    return c


def _rating(actor, rating) -> Rating:
    pk = _pk(rating)
    qs = (
        Rating.objects.select_related("campaign__authority", "member").filter(pk=pk)
        if pk
        else Rating.objects.none()
    )
    r = policies.scope(actor, policies.VIEW, qs.select_for_update(of=("self",))).first()
    if r is None:
        raise NotFound(RATING_NOT_FOUND)
    return r


def _level(value, label: str, *, required: bool = True) -> str:
    value = (value or "").strip() if isinstance(value, str) else value
    if not value:
        if required:
            raise ApplicationError(
                f"{label}: không được để trống.", field_errors={"level": f"{label}: không được để trống."}
            )
        return ""
    if value not in Level.values:
        raise ApplicationError(
            f"{label}: giá trị không hợp lệ.", field_errors={"level": f"{label}: giá trị không hợp lệ."}
        )
    return value


# --- Opening -------------------------------------------------------------------------------------------------


def _period(period_kind, year, period_start, period_end) -> tuple[int, dt.date, dt.date]:
    errors = {}
    year_n, problem = read_number(
        year, "Năm", required=True, whole=True, min_value=FIRST_YEAR, max_value=2999
    )
    if problem:
        errors["year"] = problem
    if period_kind not in PeriodKind.values:
        errors["period_kind"] = "Kỳ đánh giá: giá trị không hợp lệ."
    if errors:
        raise ApplicationError("Kỳ đánh giá không hợp lệ.", field_errors=errors)
    if period_kind == PeriodKind.YEAR:
        return year_n, dt.date(year_n, 1, 1), dt.date(year_n, 12, 31)
    if not period_start:
        errors["period_start"] = "Từ ngày: không được để trống."
    if not period_end:
        errors["period_end"] = "Đến ngày: không được để trống."
    if not errors and period_start > period_end:
        errors["period_end"] = "Đến ngày: phải sau ngày bắt đầu kỳ."
    if errors:
        raise ApplicationError("Kỳ đánh giá không hợp lệ.", field_errors=errors)
    return year_n, period_start, period_end


@transaction.atomic
def open_campaign(*, actor, authority, year, deadline, period_kind: str = PeriodKind.YEAR,
                  period_start: dt.date | None = None, period_end: dt.date | None = None,
                  organizations: bool = True) -> Campaign:  # fmt: skip
    """Open the campaign of a period for the organization that decides (``authority``): one rating for each member
    on the roll of its subtree on the period's last day (``members.asof``), "chưa xếp loại" with the reason for
    members admitted too recently and exempted members (settings, ``rules``); with ``organizations``, one for each
    organization directly under it (its cells) as collectives."""
    pk = _pk(authority)
    org = policies.scope(actor, policies.VIEW, Organization.objects.filter(pk=pk)).first() if pk else None
    if org is None:
        raise NotFound(
            "Không tìm thấy tổ chức.", field_errors={"authority": "Cấp quyết định: không tìm thấy tổ chức."}
        )
    if not policies.can(actor, DECIDE, Campaign(authority=org)):
        raise PermissionDenied("Chỉ cấp ủy của tổ chức (hoặc cấp trên) được mở đợt đánh giá.",
                               field_errors={"authority": "Cấp quyết định: bạn không có quyền mở đợt đánh giá tại đây."})  # fmt: skip
    if org.is_cell and org.kind != "chi_bo_co_so":
        raise ApplicationError("Chi bộ trực thuộc đề xuất, không quyết định xếp loại.", field_errors={
            "authority": "Cấp quyết định: chi bộ trực thuộc chỉ đề xuất; cấp quyết định là đảng ủy cơ sở."})  # fmt: skip
    year_n, start, end = _period(period_kind, year, period_start, period_end)
    rules = rules_for(end)
    if period_kind not in rules.periods:
        raise ApplicationError("Kỳ đánh giá không hợp lệ.", field_errors={
            "period_kind": f"Kỳ đánh giá: {rules.short} chỉ đánh giá theo năm."})  # fmt: skip
    if end > today() and period_kind == PeriodKind.YEAR and year_n > today().year:
        raise ApplicationError("Năm chưa đến.", field_errors={"year": "Năm: chưa đến năm này."})
    if not isinstance(deadline, dt.date):
        raise ApplicationError(
            "Thiếu hạn tự đánh giá.", field_errors={"deadline": "Hạn tự đánh giá: không được để trống."}
        )
    if deadline < start:
        raise ApplicationError(
            "Hạn không hợp lệ.",
            field_errors={"deadline": "Hạn tự đánh giá: không được trước ngày bắt đầu kỳ."},
        )
    campaign = Campaign(authority=org, period_kind=period_kind, year=year_n, period_start=start, period_end=end,
                        rules_key=rules.key, deadline=deadline)  # fmt: skip
    try:
        with transaction.atomic():
            campaign.save()
    except IntegrityError:
        raise ApplicationError("Đợt đánh giá của kỳ này đã có.", field_errors={
            "year": "Năm: tổ chức đã có đợt đánh giá của kỳ này."}) from None  # fmt: skip
    ratings = _member_ratings(campaign, org, end)
    if organizations:
        children = Organization.objects.filter(parent=org).filter(
            Q(end_date__isnull=True) | Q(end_date__gt=end)
        )
        ratings += [Rating(campaign=campaign, subject_org=o, cell=o, org_path=o.path) for o in children]
    Rating.objects.bulk_create(ratings, batch_size=1000)
    record(actor=actor, action=Action.CREATE, obj=campaign, event=AuditEvents.OPEN, scope_path=org.path,
           extra={"ratings": {"label": "Số phiếu đánh giá", "before": "", "after": str(len(ratings))}})  # fmt: skip
    return campaign


def _member_ratings(campaign: Campaign, org: Organization, end: dt.date) -> list[Rating]:
    periods = list(rows_on(org, end).select_related("organization").order_by("member_id"))
    members = {m.pk: m for m in Member.objects.filter(pk__in=[p.member_id for p in periods])
               .only("pk", "admission_decision_date", "joined_date")}  # fmt: skip
    newly_after = add_months(end, -settings.DANGBO_EVALUATION_MIN_MONTHS)
    out = []
    for p in periods:
        m = members[p.member_id]
        admitted = m.admission_decision_date or m.joined_date
        reason, note = "", ""
        if p.status == MemberStatus.PROBATIONARY and admitted and admitted > newly_after:
            reason, note = NotRated.NEWLY_ADMITTED, f"kết nạp ngày {ngay(admitted)}"
        elif p.exempted and not settings.DANGBO_EVALUATION_RATE_EXEMPTED:
            reason = NotRated.EXEMPTED
        out.append(Rating(campaign=campaign, member_id=p.member_id, cell=p.organization, org_path=p.org_path,
                          probationary=p.status == MemberStatus.PROBATIONARY, not_rated=reason, not_rated_note=note))  # fmt: skip
    return out


# --- Self-assessment -----------------------------------------------------------------------------------------


@transaction.atomic
def self_assess(*, actor, rating, text: str = "", level: str = "") -> Rating:
    """A member's own self-assessment, until the campaign's deadline; or the cell secretary's entry for a member
    (marked as entered on their behalf) while the campaign is not decided."""
    r = _rating(actor, rating)
    c = r.campaign
    own = bool(r.member_id) and r.member_id == getattr(actor, "member_id", None)
    if not own and not policies.can(actor, policies.CHANGE, r):
        raise PermissionDenied("Chỉ đảng viên tự đánh giá phiếu của mình, hoặc bí thư chi bộ nhập thay.",
                               field_errors={"level": "Tự xếp loại: bạn không được tự đánh giá thay người này."})  # fmt: skip
    if c.locked:
        raise ApplicationError(LOCKED)
    if r.not_rated:
        raise ApplicationError("Phiếu này được ghi chưa xếp loại.", field_errors={
            "level": f"Tự xếp loại: {r.get_not_rated_display().lower()} — chưa xếp loại."})  # fmt: skip
    if own and (c.status != CampaignStatus.OPEN or today() > c.deadline):
        raise ApplicationError("Đã hết hạn tự đánh giá.", field_errors={
            "level": f"Tự xếp loại: đã hết hạn tự đánh giá ({ngay(c.deadline)})."})  # fmt: skip
    before = snapshot(r)
    r.self_level = _level(level, "Tự xếp loại")
    r.self_text = clean_text(text or "")
    if len(r.self_text) > 20000:
        raise ApplicationError(
            "Bản tự kiểm điểm quá dài.", field_errors={"text": "Tự kiểm điểm: tối đa 20.000 ký tự."}
        )
    r.self_at = now()
    r.entered_on_behalf = not own and bool(
        r.member_id
    )  # an organization's self-assessment is its secretary's
    r.save()
    record(
        actor=actor, action=Action.UPDATE, obj=r, before=before, event=AuditEvents.SELF, scope_path=r.org_path
    )
    return r


# --- Review and proposal -------------------------------------------------------------------------------------


def check_level(rating: Rating, level: str, score, remedied: bool) -> dict[str, str]:
    """Why ``level`` (with ``score``) cannot be proposed for ``rating`` under its campaign's frame: {field: message}."""
    rules = rating.campaign.rules
    errors = {}
    if rules.scored:
        if score is None:
            errors["score"] = f"Điểm: không được để trống ({rules.short} chấm theo thang 100 điểm)."
        else:
            fits = rules.level_for_score(score)
            if fits != level:
                errors["score"] = (f"Điểm: {score:g} điểm thuộc mức {SHORT[fits]} ({rules.band_text(fits)}), "
                                   f"không phải {SHORT[level]} ({rules.band_text(level)}).")  # fmt: skip
    elif score is not None:
        errors["score"] = f"Điểm: {rules.short} không chấm điểm, để trống."
    if rating.member_id:
        c = rating.campaign
        events = evidence.discipline_in(rating.member_id, c.period_start, c.period_end,
                                        c.year if c.period_kind == PeriodKind.YEAR else None)  # fmt: skip
        cap = rules.highest_allowed(disciplined=bool(events), remedied=remedied)
        if cap is not None and RANK[level] < RANK[cap]:
            errors["level"] = f"Mức đề xuất: {evidence.cap_reason(rules, events, remedied)}."
    return errors


@transaction.atomic
def propose(*, actor, rating, level: str = "", score=None, note: str = "", remedied: bool = False,
            not_rated: str = "", not_rated_note: str = "") -> Rating:  # fmt: skip
    """The cell's (or the committee's) review: a proposed level checked against the frame (the score's band, the
    discipline in the period) — or "chưa xếp loại" with its reason."""
    r = _rating(actor, rating)
    if not policies.can(actor, policies.CHANGE, r):
        raise PermissionDenied("Chỉ bí thư chi bộ hoặc cấp ủy được đề xuất mức xếp loại.",
                               field_errors={"level": "Mức đề xuất: bạn không có quyền đề xuất cho phiếu này."})  # fmt: skip
    if r.subject_org_id and not policies.can(actor, DECIDE, r.campaign):
        raise PermissionDenied("Mức của một tổ chức do cấp ủy cấp quyết định đề xuất.",
                               field_errors={"level": "Mức đề xuất: tổ chức do cấp ủy cấp quyết định đề xuất."})  # fmt: skip
    if r.campaign.locked:
        raise ApplicationError(LOCKED)
    before = snapshot(r)
    note = clean_text(note or "")
    if len(note) > 5000:
        raise ApplicationError("Nhận xét quá dài.", field_errors={"note": "Nhận xét: tối đa 5.000 ký tự."})
    if not_rated:
        if not_rated not in NotRated.values:
            raise ApplicationError(
                "Lý do không hợp lệ.", field_errors={"not_rated": "Chưa xếp loại: giá trị không hợp lệ."}
            )
        reason_note = clean_text(not_rated_note or "")[:255]
        if not_rated == NotRated.OTHER and not reason_note:
            raise ApplicationError(
                "Thiếu lý do.", field_errors={"not_rated_note": "Ghi chú chưa xếp loại: nêu lý do."}
            )
        r.not_rated, r.not_rated_note = not_rated, reason_note
        r.proposed_level, r.score, r.remedied = "", None, False
    else:
        level = _level(level, "Mức đề xuất")
        number = None
        if score not in (None, ""):
            number, problem = read_number(score, "Điểm", min_value=0, max_value=MAX_SCORE, integer_digits=3,
                                          decimal_places=2)  # fmt: skip
            if problem:
                raise ApplicationError("Điểm không hợp lệ.", field_errors={"score": problem})
            number = Decimal(number)
        errors = check_level(r, level, number, bool(remedied))
        if errors:
            raise ApplicationError(" ".join(errors.values()), field_errors=errors)
        r.proposed_level, r.score, r.remedied = level, number, bool(remedied)
        r.not_rated, r.not_rated_note = "", ""
    r.proposal_note = note
    r.proposed_by = actor if getattr(actor, "pk", None) else None
    r.save()
    record(actor=actor, action=Action.UPDATE, obj=r, before=before, scope_path=r.org_path,
           event=AuditEvents.NOT_RATED if not_rated else AuditEvents.PROPOSE)  # fmt: skip
    return r


@transaction.atomic
def start_review(*, actor, campaign) -> Campaign:
    """End the self-assessment: the cells and the committee review and propose."""
    c = _campaign(actor, campaign, DECIDE, lock=True)
    if c.status != CampaignStatus.OPEN:
        raise ApplicationError("Đợt đánh giá không còn ở bước tự đánh giá.")
    before = snapshot(c)
    c.status = CampaignStatus.REVIEWING
    c.save(update_fields=["status", "updated_at"])
    record(
        actor=actor,
        action=Action.UPDATE,
        obj=c,
        before=before,
        event=AuditEvents.REVIEW,
        scope_path=c.authority.path,
    )
    return c


# --- Decision ------------------------------------------------------------------------------------------------


def quota_problems(campaign: Campaign) -> list[str]:
    """The quota (HTXSNV ≤ percent × HTTNV) of each comparable group (members; organizations), on the levels as
    proposed."""
    from .selectors import tally

    rules = campaign.rules
    out = []
    if not rules.quota:
        return out
    for members, what in ((True, "đảng viên"), (False, "tổ chức")):
        t = tally(campaign, members=members)
        if t.over:
            good = t.counts.get(Level.GOOD, 0)
            out.append(f"Số {what} HTXSNV ({t.excellent}) vượt quá {rules.quota_percent}% số HTTNV ({good}): "
                       f"tối đa {t.allowed}.")  # fmt: skip
    return out


@transaction.atomic
def decide(*, actor, campaign, decision_no: str = "", decision_date: dt.date | None = None) -> Campaign:
    """The committee's decision (quyết định công nhận): every subject proposed or "chưa xếp loại", the quota kept,
    the decision's number and date given; the proposed levels become the decided ones and the campaign locks."""
    c = _campaign(actor, campaign, DECIDE, lock=True)
    if c.locked:
        raise ApplicationError(LOCKED)
    errors = {}
    number = clean_text(decision_no or "")
    if not number:
        errors["decision_no"] = "Số quyết định: không được để trống."
    elif len(number) > 100:
        errors["decision_no"] = "Số quyết định: tối đa 100 ký tự."
    if not isinstance(decision_date, dt.date):
        errors["decision_date"] = "Ngày quyết định: không được để trống."
    elif decision_date < c.period_start:
        errors["decision_date"] = "Ngày quyết định: không được trước kỳ đánh giá."
    elif decision_date > today():
        errors["decision_date"] = "Ngày quyết định: không được sau hôm nay."
    if errors:
        raise ApplicationError("Quyết định chưa đủ thông tin.", field_errors=errors)
    pending = Rating.objects.filter(campaign=c, proposed_level="", not_rated="").count()
    if pending:
        raise ApplicationError(f"Còn {pending} phiếu chưa có mức đề xuất hoặc lý do chưa xếp loại.")
    problems = quota_problems(c)
    if problems:
        raise ApplicationError(" ".join(problems), field_errors={"quota": " ".join(problems)})
    before = snapshot(c)
    Rating.objects.filter(campaign=c, not_rated="").update(
        decided_level=F("proposed_level"), updated_at=now()
    )
    Rating.objects.filter(campaign=c).exclude(not_rated="").update(decided_level="", updated_at=now())
    c.status, c.decision_no, c.decision_date = CampaignStatus.DECIDED, number, decision_date
    c.decided_by = actor if getattr(actor, "pk", None) else None
    c.save()
    record(
        actor=actor,
        action=Action.UPDATE,
        obj=c,
        before=before,
        event=AuditEvents.DECIDE,
        scope_path=c.authority.path,
    )
    return c


@transaction.atomic
def reopen(*, actor, campaign, reason: str = "") -> Campaign:
    """Re-open a decided campaign for review (a reasoned, audited step); its decision must be made again."""
    c = _campaign(actor, campaign, DECIDE, lock=True)
    if not c.locked:
        raise ApplicationError("Đợt đánh giá chưa có quyết định.")
    reason = clean_text(reason or "")
    if not reason:
        raise ApplicationError("Thiếu lý do.", field_errors={"reason": "Lý do mở lại: không được để trống."})
    before = snapshot(c)
    c.status, c.decision_no, c.decision_date, c.decided_by = CampaignStatus.REVIEWING, "", None, None
    c.save()
    record(actor=actor, action=Action.UPDATE, obj=c, before=before, event=AuditEvents.REOPEN,
           scope_path=c.authority.path, extra={"reason": {"label": "Lý do mở lại", "before": "", "after": reason[:500]}})  # fmt: skip
    return c
