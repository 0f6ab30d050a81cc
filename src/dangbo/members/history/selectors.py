"""Reads of members' history, scoped: transfers of both sides (and which of them the actor may receive), alerts for
a secretary's home page (the members' own and those of every registered source). The admission pipeline and
probation: ``members/admission/selectors.py``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from typing import NamedTuple

from django.db.models import F, Q

from dangbo.core import policies
from dangbo.core.dates import add_months, add_years, today
from dangbo.core.db import prepared
from dangbo.core.registries import ALERT_SOURCES, REMOVAL_SIGNALS
from dangbo.core.workdays import WorkCalendar
from dangbo.organizations.models import Organization

from ..choices import DecisionLevel, DisciplineForm, EventKind, MemberStatus, TransferKind, TransferState
from ..models import Member, MemberEvent, Transfer
from ..rules import RULE_SETS, rules_on

TABS = [
    ("den", "Chờ tiếp nhận"),
    ("di", "Đang chuyển đi"),
    ("tam", "Sinh hoạt tạm thời"),
    ("xong", "Đã hoàn thành"),
]


_EVENT_KINDS = dict(EventKind.choices)
_DISCIPLINE_FORMS = dict(DisciplineForm.choices)
_DECISION_LEVELS = dict(DecisionLevel.choices)


class TimelineEvent(NamedTuple):
    """One row of the member page's timeline (``members/_timeline.html``): the event's columns, its cell's name
    and its transfer's external ends, read as a tuple — the model instances with their cell and transfer joined
    cost the page more CPU than its SQL (bench/run.py, issue 19)."""

    pk: int
    kind: str
    date: dt.date
    decision_no: str
    decision_date: dt.date | None
    decision_issuer: str
    decision_level: str
    discipline_form: str
    discipline_year: int | None
    note: str
    transfer_id: int | None
    organization_name: str | None
    transfer_to_external: str | None
    transfer_from_external: str | None

    def get_kind_display(self) -> str:
        return _EVENT_KINDS.get(self.kind, self.kind)

    def get_discipline_form_display(self) -> str:
        return _DISCIPLINE_FORMS.get(self.discipline_form, self.discipline_form)

    def get_decision_level_display(self) -> str:
        return _DECISION_LEVELS.get(self.decision_level, self.decision_level)


def member_timeline(member: Member) -> list[TimelineEvent]:
    """The member's events, newest first (the member page; the caller has checked the member's scope; the statement
    compiled once per process, ``core.db.prepared``)."""
    rows = prepared(("member-timeline",), lambda pk: MemberEvent.objects.filter(member_id=pk).order_by(
        "-date", "-id").values_list(
        "pk", "kind", "date", "decision_no", "decision_date", "decision_issuer", "decision_level", "discipline_form",
        "discipline_year", "note", "transfer_id", "organization__name", "transfer__to_external",
        "transfer__from_external",
    ), member.pk)  # fmt: skip
    return [TimelineEvent(*row) for row in rows]


def member_transfers(actor, member: Member) -> list[Transfer]:
    """The transfers of ``member`` the actor may see (``policies.TransferPolicy``). When the actor may see the member, that
    is all of them (the scope's first clause), read without compiling the scope's three subqueries — a third
    of the member page's CPU (bench/run.py, issue 19)."""
    if policies.can(actor, policies.VIEW, member):
        # The member's own row is not joined again (its ~25 columns cost Django more to compile than the SQL
        # costs PostgreSQL): each transfer is given the ``member`` the page already holds.
        rows = list(
            Transfer.objects.filter(member=member).select_related(
                "from_organization", "to_organization", "received_cell"
            )
        )
        for t in rows:
            t.member = member
        return rows
    return list(
        policies.scope(
            actor,
            policies.VIEW,
            Transfer.objects.select_related(
                "member", "from_organization", "to_organization", "received_cell"
            ),
        ).filter(member=member)
    )


def transfer_flags(
    transfer: Transfer, *, on: dt.date | None = None, calendar: WorkCalendar | None = None
) -> list[str]:
    """Deadline problems of a transfer (DOMAIN §2: start within 60 working days of the move, present the letter
    within 30 working days — the rule set in force on the letter's date)."""
    on = on or today()
    cal = calendar or WorkCalendar.from_db()
    rules = rules_on(transfer.sent_date)
    letter_days, start_days = rules.transfer_letter_working_days, rules.transfer_start_working_days
    flags = []
    # Out of the deployment the receiving side is not in the system: no overdue flag, only a pending slip.
    if (
        transfer.state == TransferState.SENT
        and transfer.kind == TransferKind.OFFICIAL
        and not transfer.to_external
    ):
        waited = cal.working_days_between(transfer.sent_date, on)
        if waited > letter_days:
            flags.append(f"Quá {letter_days} ngày làm việc chưa được tiếp nhận ({waited} ngày làm việc)")
    if transfer.moved_date:
        late = cal.working_days_between(transfer.moved_date, transfer.sent_date)
        if late > start_days:
            flags.append(f"Giới thiệu chậm: {late} ngày làm việc sau khi chuyển công tác (hạn {start_days})")
    if transfer.kind == TransferKind.TEMPORARY and not transfer.ended_date and transfer.temporary_until \
            and transfer.temporary_until < on:  # fmt: skip
        flags.append("Đã hết thời hạn sinh hoạt tạm thời, chưa ghi trở về")
    return flags


def transfer_list(
    actor, tab: str, *, calendar: WorkCalendar | None = None
) -> list[tuple[Transfer, list[str]]]:
    """The transfers of one tab of the transfers page with their flags (``calendar``: the working days, read once by
    a caller that asks for several tabs)."""
    qs = policies.scope(
        actor,
        policies.VIEW,
        Transfer.objects.select_related("member", "from_organization", "to_organization", "received_cell"),
    )
    if tab == "den":
        qs = policies.scope(actor, "receive", qs)
    elif tab == "di":
        mine = policies.scope(actor, policies.CHANGE, Member.objects.all())
        qs = qs.filter(
            member__in=mine, state=TransferState.SENT, kind__in=[TransferKind.OFFICIAL, TransferKind.ABROAD]
        )
    elif tab == "tam":
        qs = qs.filter(kind=TransferKind.TEMPORARY, ended_date__isnull=True).exclude(
            state=TransferState.CANCELLED
        )
    else:
        qs = qs.filter(Q(state=TransferState.RECEIVED) | Q(state=TransferState.CANCELLED)).exclude(
            kind=TransferKind.TEMPORARY, ended_date__isnull=True
        )
    cal = calendar or WorkCalendar.from_db()
    return [(t, transfer_flags(t, calendar=cal)) for t in qs.order_by("-sent_date", "-id")[:300]]


# --- Alerts ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Alert:
    level: str  # "warn" (overdue) or "info" (coming up)
    text: str
    url: str
    due: dt.date | None = None
    kind: str = ""  # what kind of work (the home page groups by it); empty: the source's app names it
    org: str = ""  # the organization it concerns (the home page groups by it); empty: not one organization
    # The paths of the organizations whose rows the reminder is read from through a scope (``policies.scope``,
    # narrowed by ``policies.narrowed``): the home page keeps it until a change touches one of them. Empty: read
    # outside the tree's scopes (the actor's own grants, their own record), recomputed with every change.
    paths: tuple[str, ...] = field(default=(), compare=False)


# Kinds of the reminders raised here (the home page's groups); a registered source's alerts without a kind take
# the verbose name of the app that registered it ("Đảng phí", "Đánh giá, xếp loại chất lượng" …).
KIND_ADMISSION = "Kết nạp, dự bị"
KIND_TRANSFER = "Chuyển sinh hoạt đảng"
KIND_BADGE = "Huy hiệu Đảng"
KIND_REMOVAL = "Xem xét xóa tên"


BADGE_YEARS = (30, 40, 45, 50, 55, 60, 65, 70, 75, 80, 85, 90)
BADGE_LOOKAHEAD_DAYS = 120
PROBATION_LOOKAHEAD_DAYS = 30
BADGE_ALERT_LIMIT = 200
# At most this many probationary members of each kind (waiting for the ceremony; probation ending or review due)
# are read per page load, the earliest deadlines first — only members that have an alert on the day are read.
PROBATION_ALERT_LIMIT = 2000


def probation_due_members(scoped, on: dt.date) -> list[Member]:
    """Probationary members of ``scoped`` that have a deadline alert on ``on``, earliest deadline first:

    * the ceremony not yet held (its deadline runs from the admission decision: waiting, or overdue);
    * the probation ending within the lookahead, or ended (review due, or overdue): ceremony date +
      probation months ≤ ``on`` + lookahead. The date window is computed from ``on`` with the shortest probation
      of any rule set and a few days' margin for month ends; ``probation`` then decides exactly.
    """
    probationary = scoped.filter(status=MemberStatus.PROBATIONARY).select_related("organization__parent")
    waiting = probationary.filter(joined_date__isnull=True).order_by(
        F("admission_decision_date").asc(nulls_first=True), "id"
    )[:PROBATION_ALERT_LIMIT]
    horizon = on + dt.timedelta(days=PROBATION_LOOKAHEAD_DAYS)
    shortest = min(r.probation_months for r in RULE_SETS)
    # add_months clamps to the month's end (29/02 + 12 months = 28/02), so a ceremony a few days after
    # horizon − months can still end within the horizon.
    joined_by = add_months(horizon, -shortest) + dt.timedelta(days=3)
    ending = probationary.filter(joined_date__lte=joined_by).order_by("joined_date", "id")[
        :PROBATION_ALERT_LIMIT
    ]
    return list(waiting) + list(ending)


def _probation_alert(m: Member, p, on: dt.date) -> Alert | None:
    url = m.get_absolute_url()
    if p.state == "qua_han_le":
        return Alert(
            "warn",
            f"{m.full_name}: quá hạn tổ chức lễ kết nạp (hạn {p.ceremony_due:%d/%m/%Y})",
            url,
            p.ceremony_due,
        )
    if p.state == "cho_le":
        if p.ceremony_due is None:  # entered without the decision date
            return Alert(
                "info", f"{m.full_name}: chưa tổ chức lễ kết nạp (chưa ghi ngày quyết định kết nạp)", url
            )
        return Alert(
            "info", f"{m.full_name}: tổ chức lễ kết nạp trước {p.ceremony_due:%d/%m/%Y}", url, p.ceremony_due
        )
    if p.state == "qua_han_xet":
        return Alert(
            "warn",
            f"{m.full_name}: quá hạn xét công nhận chính thức (hạn {p.review_due:%d/%m/%Y})",
            url,
            p.review_due,
        )
    if p.state == "den_han_xet":
        return Alert("warn", f"{m.full_name}: đã hết {p.rules.probation_months} tháng dự bị, xét công nhận chính thức "
                             f"trước {p.review_due:%d/%m/%Y}", url, p.review_due)  # fmt: skip
    if p.probation_end and (p.probation_end - on).days <= PROBATION_LOOKAHEAD_DAYS:
        return Alert(
            "info",
            f"{m.full_name}: hết thời gian dự bị ngày {p.probation_end:%d/%m/%Y}",
            url,
            p.probation_end,
        )
    return None


def alerts(actor, *, on: dt.date | None = None, limit: int | None = 200) -> list[Alert]:
    """What needs doing in the actor's scope: probation ending, overdue ceremonies and reviews, transfers in
    transit too long, removal candidates, Party badge milestones coming up. The system flags; people decide."""
    from ..admission.selectors import probation

    on = on or today()
    cal = WorkCalendar.from_db()
    scoped = policies.scope(actor, policies.CHANGE, Member.objects.all())
    out: list[Alert] = []
    for m in probation_due_members(scoped, on):
        if alert := _probation_alert(m, probation(m, on=on, calendar=cal), on):
            out.append(replace(alert, kind=KIND_ADMISSION, org=_org_name(m), paths=(m.org_path,)))
    seen: set[int] = set()
    both = [("den", t, f) for t, f in transfer_list(actor, "den", calendar=cal)] + [
        ("di", t, f) for t, f in transfer_list(actor, "di", calendar=cal)
    ]
    piece = policies.narrowing()
    for direction, t, flags in both:
        if t.pk in seen:  # a transfer between two organizations of the actor's scope is in both lists
            continue
        seen.add(t.pk)
        # Narrowed to the sending side (the home page's recompute of a part): the receiving side, if it is the
        # actor's, raises it with its own part — as in the whole list, where the receiving side's comes first.
        if (piece is not None and direction == "di" and t.to_organization_id
                and policies.can(actor, "place_members", t.to_organization)):  # fmt: skip
            continue
        for f in flags:
            out.append(
                Alert(
                    "warn",
                    f"{t.member.full_name} ({t.origin} → {t.destination}): {f}",
                    t.get_absolute_url(),
                    t.sent_date,
                    KIND_TRANSFER,
                    org_label(t.destination if direction == "den" else t.origin),
                    (t.to_organization.path,) if direction == "den" else (t.member.org_path,),
                )
            )
    for t, flags in transfer_list(actor, "tam", calendar=cal):
        for f in flags:
            out.append(Alert("warn", f"{t.member.full_name}: {f}", t.get_absolute_url(), t.temporary_until,
                             KIND_TRANSFER, org_label(t.destination), _transfer_paths(t)))  # fmt: skip
    # Party badge: party age counts from the admission decision (DOMAIN §2).
    horizon = on + dt.timedelta(days=BADGE_LOOKAHEAD_DAYS)
    badge_q = Q()
    for years in BADGE_YEARS:
        low, high = add_years(on, -years), add_years(horizon, -years)
        badge_q |= Q(admission_decision_date__gt=low, admission_decision_date__lte=high)
    badge = scoped.filter(badge_q, status__in=[MemberStatus.OFFICIAL, MemberStatus.PROBATIONARY])
    for m in badge.select_related("organization__parent").order_by("id")[:BADGE_ALERT_LIMIT]:
        years = next(
            y for y in BADGE_YEARS if add_years(on, -y) < m.admission_decision_date <= add_years(horizon, -y)
        )
        day = add_years(m.admission_decision_date, years)
        out.append(
            Alert(
                "info",
                f"{m.full_name}: đủ {years} năm tuổi Đảng ngày {day:%d/%m/%Y} — đề nghị tặng Huy hiệu {years} năm tuổi Đảng",
                m.get_absolute_url(),
                day,
                KIND_BADGE,
                _org_name(m),
                (m.org_path,),
            )
        )
    out.extend(replace(a, kind=a.kind or KIND_REMOVAL) for a in removal_candidates(actor, on=on))
    for key in ALERT_SOURCES.keys():
        kind = _app_label(key)
        out.extend(replace(a, kind=a.kind or kind) for a in ALERT_SOURCES.get(key)(actor, on))
    # Each item once: a reminder raised twice (by two sources, or for two of the actor's organizations) is one.
    out = list(dict.fromkeys(out))
    out.sort(key=lambda a: (a.level != "warn", a.due or dt.date.max))
    return out if limit is None else out[:limit]


def _transfer_paths(t: Transfer) -> tuple[str, ...]:
    """Every side of a transfer in the tree: its member's cell, the sending and the receiving organization."""
    sides = (t.member.org_path, t.from_organization.path if t.from_organization_id else "",
             t.to_organization.path if t.to_organization_id else "")  # fmt: skip
    return tuple(p for p in dict.fromkeys(sides) if p)


def _org_name(m: Member) -> str:
    return org_label(m.organization) if m.organization_id else ""


def org_label(org) -> str:
    """An organization as the home page names it: a cell with the committee it belongs to (many grassroots
    organizations have a «Chi bộ Văn phòng»)."""
    if not isinstance(org, Organization):
        return str(org or "")
    if org.is_cell and org.parent_id:
        return f"{org.name} — {org.parent.name}"
    return org.name


def _app_label(key: str) -> str:
    """The verbose name of the app whose module registered an alert source (its kind of work)."""
    from django.apps import apps

    config = apps.get_containing_app_config(key)
    return str(config.verbose_name) if config else "Việc khác"


def removal_candidates(actor, *, on: dt.date) -> list[Alert]:
    """DOMAIN §2: absent from meetings or unpaid dues 3 months in a year without valid reason → the cell
    considers removal. The modules that record them register a signal (``register_removal_signal``): cell
    meetings register absences (``meetings.selectors.absence_alerts``); dues are not recorded yet, so they
    flag nothing (rather than guessing)."""
    out: list[Alert] = []
    for fn in REMOVAL_SIGNALS:
        out.extend(fn(actor, on))
    return out


def register_removal_signal(fn) -> None:
    REMOVAL_SIGNALS.register(f"{fn.__module__}.{fn.__qualname__}", fn)


def register_alert_source(fn) -> None:
    ALERT_SOURCES.register(f"{fn.__module__}.{fn.__qualname__}", fn)
