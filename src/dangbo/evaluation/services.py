"""Writes of the quality evaluation: open a campaign, self-assess, propose, move to review, decide, re-open.
Keyword arguments, ``actor`` required, one transaction each, the policy checked, every write audited, Vietnamese
errors naming the field; nothing half-saved. Every rule is checked here (an API is coming), not in the forms."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q

from dangbo.audit.concurrency.services import Tracked
from dangbo.audit.models import Action
from dangbo.audit.services import record, snapshot
from dangbo.core import policies
from dangbo.core.dates import add_months, now, today
from dangbo.core.errors import ApplicationError, NotFound, PermissionDenied
from dangbo.core.formats import ngay
from dangbo.core.text import clean_text, read_number
from dangbo.members.choices import MemberStatus
from dangbo.members.counts.selectors import rows_on
from dangbo.members.models import Member
from dangbo.organizations.models import Organization

from .choices import RANK, SHORT, AuditEvents, CampaignStatus, Grade, Level, NotRated, PeriodKind
from .evidence import selectors as evidence
from .models import Campaign, Catalogue, LevelTally, Rating, ResidenceComment, ResidenceRegistration
from .policies import DECIDE, self_assessment_refusal
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


def check_open(*, actor, authority, year, deadline, period_kind: str = PeriodKind.YEAR,
               period_start: dt.date | None = None, period_end: dt.date | None = None) -> Campaign:  # fmt: skip
    """Every rule of opening a campaign, checked without writing: the unsaved campaign (its authority, period and
    frame). ``open_campaign`` and the background opening (``jobs.start_open``) both call it first."""
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
    if Campaign.objects.filter(
        authority=org, period_kind=period_kind, period_start=start, period_end=end
    ).exists():
        raise ApplicationError("Đợt đánh giá của kỳ này đã có.", field_errors={
            "year": "Năm: tổ chức đã có đợt đánh giá của kỳ này."})  # fmt: skip
    return campaign


# The roll is read and its ratings inserted by ranges of this many member ids (progress between them).
OPEN_BATCH = 20000


@transaction.atomic
def open_campaign(*, actor, authority, year, deadline, period_kind: str = PeriodKind.YEAR,
                  period_start: dt.date | None = None, period_end: dt.date | None = None,
                  organizations: bool = True, progress=None) -> Campaign:  # fmt: skip
    """Open the campaign of a period for the organization that decides (``authority``): one rating for each member
    on the roll of its subtree on the period's last day (``members.counts.selectors``), "chưa xếp loại" with the reason for
    members admitted too recently and exempted members (settings, ``rules``); with ``organizations``, one for each
    organization directly under it (its cells) as collectives. The members' ratings are written by the database
    itself (``_insert_member_ratings``: INSERT … SELECT over ranges of member ids, ``progress(done, total, step)``
    between them — the background opening, ``jobs.py``); all in one transaction: opened whole or not at all."""
    campaign = check_open(actor=actor, authority=authority, year=year, deadline=deadline, period_kind=period_kind,
                          period_start=period_start, period_end=period_end)  # fmt: skip
    org, end = campaign.authority, campaign.period_end
    try:
        with transaction.atomic():
            campaign.save()
    except IntegrityError:
        raise ApplicationError("Đợt đánh giá của kỳ này đã có.", field_errors={
            "year": "Năm: tổ chức đã có đợt đánh giá của kỳ này."}) from None  # fmt: skip
    count = _insert_member_ratings(campaign, rows_on(org, end), end, progress)
    if organizations:
        children = Organization.objects.filter(parent=org).filter(
            Q(end_date__isnull=True) | Q(end_date__gt=end)
        )
        orgs = [Rating(campaign=campaign, subject_org=o, cell=o, org_path=o.path) for o in children]
        Rating.objects.bulk_create(orgs, batch_size=1000)
        count += len(orgs)
    tally_rebuild(campaign)
    if count > settings.DANGBO_EVALUATION_SYNC_RATINGS:
        # Fresh statistics after a bulk load, as the other loaders do: without them SQLite reads a page's 50 rows
        # by a campaign index (240,000 entries) instead of by their ids, and PostgreSQL guesses a handful of rows.
        with connection.cursor() as cursor:
            for model in (Rating, LevelTally):
                cursor.execute(f"ANALYZE {model._meta.db_table}")
    record(actor=actor, action=Action.CREATE, obj=campaign, event=AuditEvents.OPEN, scope_path=org.path,
           extra={"ratings": {"label": "Số phiếu đánh giá", "before": "", "after": str(count)}})  # fmt: skip
    return campaign


def _insert_member_ratings(campaign: Campaign, roll, end: dt.date, progress=None) -> int:
    """One rating per period row of ``roll``, written by one INSERT … SELECT per range of ``OPEN_BATCH`` member ids
    (the same SQL on SQLite and PostgreSQL, built by the ORM: no row passes through Python). "Chưa xếp loại": a
    probationary member admitted after ``end`` − ``DANGBO_EVALUATION_MIN_MONTHS`` months (their admission date
    written in the note afterwards, a few rows), an exempted member unless ``DANGBO_EVALUATION_RATE_EXEMPTED``."""
    from django.db import connection
    from django.db.models import Case, Count, Max, Min, Value, When
    from django.db.models.functions import Coalesce

    if roll.query.is_empty():
        return 0
    bounds = roll.aggregate(low=Min("member_id"), high=Max("member_id"), n=Count("id"))
    if not bounds["n"]:
        return 0
    newly_after = add_months(end, -settings.DANGBO_EVALUATION_MIN_MONTHS)
    admitted = Coalesce("member__admission_decision_date", "member__joined_date")
    probationary = Q(status=MemberStatus.PROBATIONARY)
    reason = [When(probationary & Q(admitted__gt=newly_after), then=Value(NotRated.NEWLY_ADMITTED))]
    if not settings.DANGBO_EVALUATION_RATE_EXEMPTED:
        reason.append(When(exempted=True, then=Value(NotRated.EXEMPTED)))
    moment = now()
    computed = {
        "campaign": Value(campaign.pk), "member": F("member_id"), "cell": F("organization_id"),
        "org_path": F("org_path"), "name_sort": F("member__name_sort"), "created_at": Value(moment),
        "updated_at": Value(moment),
        "probationary": Case(When(probationary, then=Value(True)), default=Value(False)),
        "not_rated": Case(*reason, default=Value("")),
    }  # fmt: skip
    fields = [f for f in Rating._meta.concrete_fields if not f.primary_key]
    select = {}
    for i, f in enumerate(fields):
        expr = computed.get(f.name)
        if expr is None:
            expr = Value(f.get_default(), output_field=f)
        select[f"v{i}"] = expr
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    table = connection.ops.quote_name(Rating._meta.db_table)
    done, low, high = 0, bounds["low"], bounds["high"]
    with connection.cursor() as cursor:
        while low <= high:
            part = (roll.filter(member_id__gte=low, member_id__lt=low + OPEN_BATCH).order_by()
                    .annotate(admitted=admitted).annotate(**select).values(*select))  # fmt: skip
            sql, params = part.query.sql_with_params()
            # The values() are annotations only: selected in the order given, the INSERT's column order.
            cursor.execute(f"INSERT INTO {table} ({columns}) {sql}", params)
            done += max(cursor.rowcount, 0)
            low += OPEN_BATCH
            if progress:
                progress(done, bounds["n"], f"Đã tạo {done} / {bounds['n']} phiếu đánh giá đảng viên")
    newly = Rating.objects.filter(campaign=campaign, not_rated=NotRated.NEWLY_ADMITTED).select_related(
        "member"
    )
    notes = []
    for r in newly.only("id", "member__admission_decision_date", "member__joined_date"):
        day = r.member.admission_decision_date or r.member.joined_date
        r.not_rated_note = f"kết nạp ngày {ngay(day)}"
        notes.append(r)
    Rating.objects.bulk_update(notes, ["not_rated_note"], batch_size=1000)
    return done


def member_renamed(member) -> None:
    """A member's name changed (``core.registries.NAME_COPIES``): the copy of its sort key on their ratings follows
    (``Rating.name_sort``: the campaign lists' order), in the transaction of the change."""
    Rating.objects.filter(member_id=member.pk).exclude(name_sort=member.name_sort).update(
        name_sort=member.name_sort
    )


# --- Self-assessment -----------------------------------------------------------------------------------------


@transaction.atomic
def self_assess(*, actor, rating, text: str = "", level: str = "", criteria: dict | None = None) -> Rating:
    """A member's own self-assessment, until the campaign's deadline; or the cell secretary's entry for a member
    (marked as entered on their behalf) while the campaign is not decided."""
    r = _rating(actor, rating)
    c = r.campaign
    own = bool(r.member_id) and r.member_id == getattr(actor, "member_id", None)
    refusal = self_assessment_refusal(actor, r)  # the policy's ``self_assess``: the rating page's form
    if refusal == "forbidden":
        raise PermissionDenied("Chỉ đảng viên tự đánh giá phiếu của mình, hoặc bí thư chi bộ nhập thay.",
                               field_errors={"level": "Tự xếp loại: bạn không được tự đánh giá thay người này."})  # fmt: skip
    if refusal == "locked":
        raise ApplicationError(LOCKED)
    if refusal == "not_rated":
        raise ApplicationError("Phiếu này được ghi chưa xếp loại.", field_errors={
            "level": f"Tự xếp loại: {r.get_not_rated_display().lower()} — chưa xếp loại."})  # fmt: skip
    if refusal == "closed":
        raise ApplicationError("Đã hết hạn tự đánh giá.", field_errors={
            "level": f"Tự xếp loại: đã hết hạn tự đánh giá ({ngay(c.deadline)})."})  # fmt: skip
    before = snapshot(r)
    r.self_level = _level(level, "Tự xếp loại")
    r.self_text = clean_text(text or "")
    if len(r.self_text) > 20000:
        raise ApplicationError(
            "Bản tự kiểm điểm quá dài.", field_errors={"text": "Tự kiểm điểm: tối đa 20.000 ký tự."}
        )
    r.self_criteria, _ = _criteria(r, criteria)
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


def _criteria(rating: Rating, values: dict | None) -> tuple[list[dict], Decimal | None]:
    """The rating's criteria (its authority's catalogue, else the frame's) filled from ``values`` (``c0``, ``c1`` …),
    with the total of their points; refused with the criterion named."""
    from .rules import fill_criteria
    from .selectors import criteria_for, subject_of

    if not values:
        return [], None
    items, _ = criteria_for(rating.campaign, subject_of(rating))
    filled, total, errors = fill_criteria(rating.campaign.rules, items, values)
    if errors:
        raise ApplicationError(" ".join(errors.values()), field_errors=errors)
    return filled, total


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
            not_rated: str = "", not_rated_note: str = "", criteria: dict | None = None) -> Rating:  # fmt: skip
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
    before, was = snapshot(r), tally_key(r)
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
        r.proposed_level, r.score, r.remedied, r.criteria = "", None, False, []
    else:
        level = _level(level, "Mức đề xuất")
        number = None
        if score not in (None, ""):
            number, problem = read_number(score, "Điểm", min_value=0, max_value=MAX_SCORE, integer_digits=3,
                                          decimal_places=2)  # fmt: skip
            if problem:
                raise ApplicationError("Điểm không hợp lệ.", field_errors={"score": problem})
            number = Decimal(number)
        filled, total = _criteria(r, criteria)
        if total is not None:
            if number is not None and number != total:
                raise ApplicationError("Điểm không khớp.", field_errors={
                    "score": f"Điểm: {number:g} khác tổng điểm các tiêu chí ({total:g}); để trống để lấy tổng."})  # fmt: skip
            number = total
        errors = check_level(r, level, number, bool(remedied))
        rules = r.campaign.rules
        if (
            rules.poor_grade_fails
            and level != Level.FAILED
            and any(f.get("value") == Grade.POOR for f in filled)
        ):
            errors["level"] = f"Mức đề xuất: có tiêu chí xếp loại «Kém» → KHTNV ({rules.short})."
        if errors:
            raise ApplicationError(" ".join(errors.values()), field_errors=errors)
        r.proposed_level, r.score, r.remedied, r.criteria = level, number, bool(remedied), filled
        r.not_rated, r.not_rated_note = "", ""
    r.proposal_note = note
    r.proposed_by = actor if getattr(actor, "pk", None) else None
    r.save()
    tally_change(r.campaign, was, tally_key(r))
    record(actor=actor, action=Action.UPDATE, obj=r, before=before, scope_path=r.org_path,
           event=AuditEvents.NOT_RATED if not_rated else AuditEvents.PROPOSE)  # fmt: skip
    return r


@transaction.atomic
def start_review(*, actor, campaign) -> Campaign:
    """End the self-assessment: the cells and the committee review and propose."""
    c = _campaign(actor, campaign, DECIDE, lock=True)
    if not policies.in_state("review", c):  # the policy's states: the campaign page's button
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


def quota_problems(campaign: Campaign, *, recount: bool = False) -> list[str]:
    """The quota (HTXSNV ≤ percent × HTTNV) of each comparable group (members; organizations), on the levels as
    proposed (``recount``: counted from the ratings, not read from the stored counts — the decision itself)."""
    from .selectors import tally

    rules = campaign.rules
    out = []
    if not rules.quota:
        return out
    for members, what in ((True, "đảng viên"), (False, "tổ chức")):
        t = tally(campaign, members=members, recount=recount)
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
    problems = quota_problems(c, recount=True)
    if problems:
        raise ApplicationError(" ".join(problems), field_errors={"quota": " ".join(problems)})
    before = snapshot(c)
    Rating.objects.filter(campaign=c, not_rated="").update(
        decided_level=F("proposed_level"), updated_at=now()
    )
    Rating.objects.filter(campaign=c).exclude(not_rated="").update(decided_level="", updated_at=now())
    _tally_rekey(c, lambda nr, d, p: (nr, "" if nr else p, p))
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
    """Re-open a decided campaign for review (a reasoned, audited step); its decision must be made again. The
    decided levels are withdrawn with the decision: every page, count and export shows the ratings as undecided
    (their proposals kept); the decision withdrawn (number, date, counts by level) is in the audit entry."""
    from .selectors import tally

    c = _campaign(actor, campaign, DECIDE, lock=True)
    if not c.locked:
        raise ApplicationError("Đợt đánh giá chưa có quyết định.")
    reason = clean_text(reason or "")
    if not reason:
        raise ApplicationError("Thiếu lý do.", field_errors={"reason": "Lý do mở lại: không được để trống."})
    before = snapshot(c)
    withdrawn = []
    for members, what in ((True, "đảng viên"), (False, "tổ chức")):
        t = tally(c, decided=True, members=members)
        if t.total:
            counts = ", ".join(f"{SHORT[lv]} {t.counts.get(lv, 0)}" for lv in Level.values)
            withdrawn.append(f"{what}: {counts}, chưa xếp loại {t.not_rated}")
    previous = f"Quyết định số {c.decision_no} ngày {ngay(c.decision_date)}" + (
        f" ({'; '.join(withdrawn)})" if withdrawn else ""
    )
    Rating.objects.filter(campaign=c).exclude(decided_level="").update(decided_level="", updated_at=now())
    _tally_rekey(c, lambda nr, d, p: (nr, "", p))
    c.status, c.decision_no, c.decision_date, c.decided_by = CampaignStatus.REVIEWING, "", None, None
    c.save()
    record(actor=actor, action=Action.UPDATE, obj=c, before=before, event=AuditEvents.REOPEN,
           scope_path=c.authority.path, extra={
               "reason": {"label": "Lý do mở lại", "before": "", "after": reason[:500]},
               "decision": {"label": "Quyết định bị hủy để xét lại", "before": previous[:1000], "after": ""}})  # fmt: skip
    return c


# --- Counts by level (``LevelTally``) ----------------------------------------------------------------------------
# The campaign screens' counts by level and quota counter read ``LevelTally`` (a few rows per cell) instead of
# counting the campaign's ratings. Kept **in the transaction of every write that changes a rating's levels**:
#
# * ``propose`` moves one rating from its old key to its new one (−1, +1: one ``INSERT … ON CONFLICT DO UPDATE``
#   adding the differences, rows written in key order so two writers never deadlock);
# * ``decide`` and ``reopen`` change every rating of the campaign the same way (decided := proposed, or "") —
#   done on the tally rows themselves (``_tally_rekey``: a few rows per cell), not by a recount;
# * opening a campaign, and the bulk loaders (demo, synthetic data), count once (``tally_rebuild``).
#
# ``selectors.tally_differences`` compares them with a recount (``dangbo evaluation_tallies --check``; the tests
# after random writes); ``tally_rebuild()`` rewrites them from one.


def tally_key(r: Rating) -> tuple:
    """Where a rating counts: (organization, its path, members?, reason not rated, decided level, proposed level)."""
    return (r.cell_id, r.org_path, r.member_id is not None, r.not_rated, r.decided_level, r.proposed_level)


def tally_change(campaign: Campaign, old: tuple | None, new: tuple | None) -> None:
    """A rating of ``campaign`` moved from key ``old`` to ``new`` (None: created, deleted)."""
    if old == new:
        return
    changes: dict[tuple, int] = {}
    if old is not None:
        changes[old] = changes.get(old, 0) - 1
    if new is not None:
        changes[new] = changes.get(new, 0) + 1
    tally_add(campaign, changes)


def tally_add(campaign: Campaign, changes: dict[tuple, int]) -> None:
    """Add ``changes`` ({key: difference}) to the organizations' rows and to the whole campaign's (written in one
    order — the campaign's rows first — so that two writers wait for each other and never deadlock). A new
    organization's row takes its ratings' path; the whole campaign's rows have none (read whatever the scope)."""
    rows: dict[tuple, int] = {}
    paths: dict[tuple, str] = {}
    for (org_id, path, *rest), n in changes.items():
        for key, at in (((False, org_id, *rest), path), ((True, campaign.authority_id, *rest), "")):
            rows[key] = rows.get(key, 0) + n
            paths[key] = at
    values_of = [(campaign.pk, *key, paths[key], n)
                 for key, n in sorted(rows.items(), key=lambda kv: (not kv[0][0], kv[0])) if n]  # fmt: skip
    table = connection.ops.quote_name(LevelTally._meta.db_table)
    columns = (
        "campaign_id, whole, organization_id, members, not_rated, decided_level, proposed_level, org_path, n"
    )
    for i in range(0, len(values_of), 500):
        chunk = values_of[i : i + 500]
        values = ", ".join(["(%s, %s, %s, %s, %s, %s, %s, %s, %s)"] * len(chunk))
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} ({columns}) VALUES {values} ON CONFLICT (campaign_id, whole, organization_id, "
                f"members, not_rated, decided_level, proposed_level) DO UPDATE SET n = {table}.n + excluded.n",
                [v for row in chunk for v in row],
            )


def _tally_rekey(campaign: Campaign, rekey) -> None:
    """Every rating of ``campaign`` changed the same way: ``rekey(not_rated, decided, proposed)`` → the new
    (not_rated, decided, proposed); the tally rows follow (merged where two keys become one), with their paths."""
    rows = list(LevelTally.objects.select_for_update().filter(campaign=campaign).order_by("-whole", "id"))
    merged: dict[tuple, int] = {}
    paths: dict[tuple, str] = {}
    for t in rows:
        key = (t.whole, t.organization_id, t.members, *rekey(t.not_rated, t.decided_level, t.proposed_level))
        merged[key] = merged.get(key, 0) + t.n
        paths[key] = t.org_path
    LevelTally.objects.filter(campaign=campaign).delete()
    LevelTally.objects.bulk_create([LevelTally(campaign=campaign, whole=w, organization_id=o, members=m, not_rated=nr,
                                               decided_level=d, proposed_level=p, org_path=paths[(w, o, m, nr, d, p)],
                                               n=n)
                                    for (w, o, m, nr, d, p), n in sorted(merged.items()) if n], batch_size=5000)  # fmt: skip


@transaction.atomic
def tally_rebuild(campaign: Campaign | None = None) -> int:
    """Rewrite the counts (of ``campaign``, or of every campaign) from a recount; the number of rows written."""
    from .selectors import tally_recount

    counts = tally_recount(campaign)
    old = LevelTally.objects.all() if campaign is None else LevelTally.objects.filter(campaign=campaign)
    old.delete()
    LevelTally.objects.bulk_create([LevelTally(campaign_id=c, whole=w, organization_id=o, org_path=path, members=m,
                                               not_rated=nr, decided_level=d, proposed_level=p, n=n)
                                    for (c, w, o, path, m, nr, d, p), n in counts.items()], batch_size=5000)  # fmt: skip
    return len(counts)


# --- Criteria catalogue of a rating authority ------------------------------------------------------------------

# The edit pages' version tokens: a stale save is refused with what changed. ``NEW``: the page was opened when
# there was nothing yet (someone else's first save in between is refused too).
CATALOGUE_VERSION = Tracked(["items"], noun="Danh mục tiêu chí này")
RESIDENCE_VERSION = Tracked(["residence_cell", "received_on", "comment", "concerns"], noun="Nhận xét này")
NEW = "moi"


@transaction.atomic
def catalogue_save(
    *, actor, authority, year, subject: str, rows, expected_version: str | None = None
) -> Catalogue:
    """Define (or redefine) the criteria ``authority`` rates ``subject`` with from ``year`` on, inside the frame in
    force at the end of that year (``rules.clean_catalogue``: QĐ 366's 30/70 split, QĐ 124's graded criteria).
    Ratings already filled keep the criteria they were filled with."""
    from .choices import Subject
    from .rules import clean_catalogue, has_catalogue

    pk = _pk(authority)
    org = policies.scope(actor, policies.VIEW, Organization.objects.filter(pk=pk)).first() if pk else None
    if org is None:
        raise NotFound("Không tìm thấy tổ chức.")
    if not policies.can(actor, policies.CHANGE, Catalogue(authority=org)):
        raise PermissionDenied("Chỉ cấp ủy có thẩm quyền quyết định xếp loại được định danh mục tiêu chí.")
    year_n, problem = read_number(
        year, "Năm", required=True, whole=True, min_value=FIRST_YEAR, max_value=2999
    )
    if problem:
        raise ApplicationError(problem, field_errors={"year": problem})
    if subject not in Subject.values:
        raise ApplicationError(
            "Đối tượng không hợp lệ.", field_errors={"subject": "Đối tượng: giá trị không hợp lệ."}
        )
    rules = rules_for(dt.date(year_n, 12, 31))
    if not has_catalogue(rules):
        raise ApplicationError(f"{rules.short}: không có danh mục tiêu chí.", field_errors={
            "year": f"Năm: khung {rules.short} chỉ giữ nhãn xếp loại, không có danh mục tiêu chí."})  # fmt: skip
    items, errors = clean_catalogue(rules, rows)
    if errors:
        raise ApplicationError(" ".join(errors.values()), field_errors=errors)
    found = Catalogue.objects.select_for_update().filter(authority=org, subject=subject, year=year_n).first()
    if found is not None:
        CATALOGUE_VERSION.check(found, expected_version)
    before = snapshot(found) if found else None
    if found is None:
        found = Catalogue(authority=org, subject=subject, year=year_n)
    found.rules_key, found.items = rules.key, items
    found.save()
    record(actor=actor, action=Action.UPDATE if before else Action.CREATE, obj=found, before=before,
           event=AuditEvents.CATALOGUE, scope_path=org.path)  # fmt: skip
    return found


# --- The residence cell's comment (QĐ 213) ---------------------------------------------------------------------


def _registration(member_id: int, year: int) -> ResidenceRegistration | None:
    """The member's registration with a residence cell that covers part of ``year`` (the latest)."""
    return (ResidenceRegistration.objects.filter(member_id=member_id, valid_from__lte=dt.date(year, 12, 31))
            .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=dt.date(year, 1, 1)))
            .select_related("member", "residence_org").order_by("-valid_from", "-id").first())  # fmt: skip


def _residence_cell_of(actor, registration: ResidenceRegistration | None) -> bool:
    """Whether ``actor`` works for the residence cell of ``registration`` (its secretary, the committees above)."""
    return registration is not None and policies.can(actor, "residence_comments", registration.residence_org)


@transaction.atomic
def residence_comment_save(*, actor, member, year, residence_cell: str = "", comment: str = "",
                           received_on: dt.date | None = None, concerns: bool = False,
                           expected_version: str | None = None) -> ResidenceComment:  # fmt: skip
    """Record the comment of the cell where ``member`` lives for ``year`` (one per member and year; recorded again,
    it replaces the earlier one). By the residence cell itself — its secretary (or a committee above it), for a
    member registered with it that year (``ResidenceRegistration``): the cell is the one on record, whatever is
    typed — or transcribed from the paper form by those who keep the member's record (their cell, the committees
    above). Not once that year's rating of the member is decided."""
    pk = _pk(member)
    year_n, year_problem = read_number(year, "Năm", required=True, whole=True, min_value=FIRST_YEAR,
                                       max_value=today().year)  # fmt: skip
    m = policies.scope(actor, policies.VIEW, Member.objects.filter(pk=pk)).first() if pk else None
    registration = _registration(pk, int(year_n)) if pk and not year_problem else None
    as_residence_cell = _residence_cell_of(actor, registration)
    if m is None and not as_residence_cell:
        raise NotFound("Không tìm thấy đảng viên.")
    if as_residence_cell:
        m = registration.member
        target = ResidenceComment(member=m, residence_org=registration.residence_org)
    else:
        target = ResidenceComment(member=m)
    if not policies.can(actor, policies.CHANGE, target):
        raise PermissionDenied("Chỉ chi bộ nơi cư trú đảng viên đã đăng ký, hoặc chi bộ, cấp ủy quản lý đảng viên "
                               "được ghi nhận xét của nơi cư trú.")  # fmt: skip
    errors = {}
    if year_problem:
        errors["year"] = year_problem
    place = clean_text(residence_cell or "")
    if as_residence_cell:
        place = registration.residence_org.name
    elif registration is not None and place in ("", registration.residence_org.name):
        # Transcribed by the member's cell from the cell on record.
        place, target.residence_org = registration.residence_org.name, registration.residence_org
    if not place:
        errors["residence_cell"] = "Chi bộ nơi cư trú: không được để trống."
    elif len(place) > 255:
        errors["residence_cell"] = "Chi bộ nơi cư trú: tối đa 255 ký tự."
    text = clean_text(comment or "")
    if not text:
        errors["comment"] = "Nhận xét: không được để trống."
    elif len(text) > 5000:
        errors["comment"] = "Nhận xét: tối đa 5.000 ký tự."
    if received_on is not None and (not isinstance(received_on, dt.date) or received_on > today()):
        errors["received_on"] = "Ngày nhận phiếu nhận xét: không được sau hôm nay."
    if errors:
        raise ApplicationError("Nhận xét chưa đủ thông tin.", field_errors=errors)
    if Rating.objects.filter(
        member=m, campaign__year=year_n, campaign__status=CampaignStatus.DECIDED
    ).exists():
        raise ApplicationError(
            LOCKED, field_errors={"comment": f"Nhận xét: xếp loại năm {year_n} đã có quyết định."}
        )
    found = ResidenceComment.objects.select_for_update().filter(member=m, year=year_n).first()
    if found is not None:
        RESIDENCE_VERSION.check(found, expected_version)
    before = snapshot(found) if found else None
    if found is None:
        found = ResidenceComment(member=m, year=year_n)
    found.residence_cell, found.comment, found.received_on, found.concerns = (
        place,
        text,
        received_on,
        bool(concerns),
    )
    found.residence_org = target.residence_org
    found.recorded_by = actor if getattr(actor, "pk", None) else None
    found.save()
    record(actor=actor, action=Action.UPDATE if before else Action.CREATE, obj=found, before=before,
           event=AuditEvents.RESIDENCE, scope_path=m.org_path)  # fmt: skip
    return found


@transaction.atomic
def residence_register(*, actor, member, residence_org=None, residence_org_code: str | None = None,
                       valid_from: dt.date | None = None) -> ResidenceRegistration:  # fmt: skip
    """Register ``member`` with the party cell where they live from ``valid_from`` (QĐ 213: the member's
    organization introduces them to it). The cell — usually outside the actor's scope, a ward's or a village's —
    is ``residence_org`` (chosen with the organization picker over every cell in operation: the page) or named by
    its code (``residence_org_code``, ``Mã tổ chức`` as on the letter of introduction); either must be a cell in
    operation other than the member's own. A registration with another cell still open ends the day before. By
    those who keep the member's record."""
    from dangbo.organizations.choices import CELL_KINDS

    pk = _pk(member)
    m = policies.scope(actor, policies.VIEW, Member.objects.filter(pk=pk)).first() if pk else None
    if m is None:
        raise NotFound("Không tìm thấy đảng viên.")
    if not policies.can(actor, policies.CHANGE, ResidenceComment(member=m)):
        raise PermissionDenied("Chỉ chi bộ, cấp ủy quản lý đảng viên được ghi đăng ký liên hệ nơi cư trú.")
    errors = {}
    by_code = residence_org is None and residence_org_code is not None
    key, label = (
        ("residence_org_code", "Mã chi bộ nơi cư trú") if by_code else ("residence_org", "Chi bộ nơi cư trú")
    )
    in_operation = (Organization.objects.filter(kind__in=CELL_KINDS)
                    .filter(Q(end_date__isnull=True) | Q(end_date__gt=today())))  # fmt: skip
    code = clean_text(residence_org_code or "")
    cell = None
    if by_code and not code or not by_code and residence_org in (None, ""):
        errors[key] = f"{label}: không được để trống."
    elif by_code:
        cell = in_operation.filter(code__iexact=code[:50]).first()
        if cell is None:
            errors[key] = f"{label}: không có chi bộ đang hoạt động mã «{code[:50]}»."
    else:
        cell = in_operation.filter(pk=_pk(residence_org)).first() if _pk(residence_org) else None
        if cell is None:
            errors[key] = f"{label}: chỉ chọn được một chi bộ đang hoạt động."
    if cell is not None and cell.pk == m.organization_id:
        errors[key] = f"{label}: đây là chi bộ đảng viên đang sinh hoạt."
    if not isinstance(valid_from, dt.date):
        errors["valid_from"] = "Từ ngày: không được để trống."
    elif valid_from > today():
        errors["valid_from"] = "Từ ngày: không được sau hôm nay."
    if errors:
        raise ApplicationError("Đăng ký liên hệ nơi cư trú chưa đủ thông tin.", field_errors=errors)
    current = (
        ResidenceRegistration.objects.select_for_update().filter(member=m, valid_to__isnull=True).first()
    )
    if current is not None:
        if current.residence_org_id == cell.pk:
            raise ApplicationError("Đã đăng ký.", field_errors={
                key: f"{label}: đảng viên đã đăng ký với {cell.name} từ {ngay(current.valid_from)}."})  # fmt: skip
        if valid_from <= current.valid_from:
            raise ApplicationError("Ngày không hợp lệ.", field_errors={
                "valid_from": f"Từ ngày: phải sau ngày đăng ký với chi bộ nơi cư trú trước ({ngay(current.valid_from)})."})  # fmt: skip
        before = snapshot(current)
        current.valid_to = valid_from - dt.timedelta(days=1)
        current.save(update_fields=["valid_to", "updated_at"])
        record(actor=actor, action=Action.UPDATE, obj=current, before=before, event=AuditEvents.REGISTER,
               scope_path=m.org_path)  # fmt: skip
    registration = ResidenceRegistration.objects.create(member=m, residence_org=cell, valid_from=valid_from,
                                                        recorded_by=actor if getattr(actor, "pk", None) else None)  # fmt: skip
    record(
        actor=actor, action=Action.CREATE, obj=registration, event=AuditEvents.REGISTER, scope_path=m.org_path
    )
    return registration
