"""Charter thresholds (admission, probation, transfers) and the powers to decide (discipline forms, which level
of body may decide what) as data with effective dates (DOMAIN: "Rules are data with effective dates").

A case is judged by the rule set in force on its date (``rules_on``, ``decision_rules_on``). Values marked
uncertain in DOMAIN-SOURCES.md are settings an operator can change without a code change:

* ``DANGBO_COURSE_CERTIFICATE_MONTHS`` — validity of the party-awareness course certificate (60 months appears
  only in a low-quality source [U]); 0 disables the check.
* ``DANGBO_DECISION_AUTHORITY_STRICT`` — the levels of issuing body that the sources leave open (``doubtful`` in
  the authority table below) are accepted with a warning (default ``False``) or refused (``True``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from django.conf import settings
from django.db.models import Q

from dangbo.core.dates import add_months
from dangbo.core.formats import ngay
from dangbo.core.rulesets import RuleSet, in_force
from dangbo.organizations.choices import GRASSROOTS_KINDS, OrgKind

from .choices import (
    DecisionLevel,
    DisciplineForm,
    EventKind,
    MemberStatus,
    PostLevel,
    TemporaryPurpose,
    TransferKind,
)


@dataclass(frozen=True)
class Span:
    """A length in calendar months counted from a start day: from ``min_months`` (included) up to
    ``max_months`` (included or, "under one year", not)."""

    min_months: int
    max_months: int
    max_included: bool

    def bounds(self, start: dt.date) -> tuple[dt.date, dt.date]:
        """The first and the last allowed end day."""
        latest = add_months(start, self.max_months)
        return add_months(start, self.min_months), latest if self.max_included else latest - dt.timedelta(
            days=1
        )

    def problem(self, start: dt.date, end: dt.date) -> str:
        """Why ``end`` is not an allowed end day ("" when it is)."""
        first, last = self.bounds(start)
        if first <= end <= last:
            return ""
        return (
            f"phải {self.describe()} kể từ ngày {ngay(start)} (từ ngày {ngay(first)} đến ngày {ngay(last)})."
        )

    def describe(self) -> str:
        upper = f"{self.max_months // 12} năm" if self.max_months % 12 == 0 else f"{self.max_months} tháng"
        return f"từ {self.min_months} tháng đến {'' if self.max_included else 'dưới '}{upper}"


@dataclass(frozen=True)
class AdmissionRules(RuleSet):
    min_age: int = 18  # full years, counted in months, on the day the cell considers the case
    max_age: int = 60  # over 60 only by exception of a committee directly under the Centre
    min_general_education: tuple[str, ...] = ("9/12", "12/12")  # lower-secondary diploma or higher
    introducer_months: int = 12  # each introducer an official member knowing the applicant ≥ 12 months
    vote_share: tuple[int, int] = (2, 3)  # the cell's resolution: at least two-thirds of official members
    ceremony_working_days: int = 30  # ceremony within 30 working days of the decision
    probation_months: int = 12  # from the ceremony
    review_working_days: int = 30  # official recognition considered within 30 working days after probation
    # Transfers (DOMAIN §2), judged by the rule set in force on the letter's date.
    transfer_letter_working_days: int = 30  # present the introduction letter within 30 working days
    transfer_start_working_days: int = 60  # start the transfer within 60 working days of the move
    # Temporary transfer (DOMAIN §2): a change of work or residence 3 months to under 1 year; full-time study
    # (secondments included) 3 months to 2 years [C, secondary source: DOMAIN-SOURCES §5].
    temporary_lengths: tuple[tuple[str, Span], ...] = (
        (TemporaryPurpose.WORK, Span(3, 12, max_included=False)),
        (TemporaryPurpose.STUDY, Span(3, 24, max_included=True)),
    )

    def temporary_length(self, purpose: str) -> Span | None:
        return dict(self.temporary_lengths).get(purpose)

    @property
    def course_certificate_months(self) -> int:
        return int(getattr(settings, "DANGBO_COURSE_CERTIFICATE_MONTHS", 60))


# Newest last. The values have not changed between these instruments (DOMAIN-SOURCES §3); a future change is a
# new entry, and older cases keep being judged by the older one.
RULE_SETS = [
    AdmissionRules(source="Hướng dẫn 01-HD/TW, 2011 (Điều lệ Đảng khóa XI)", valid_from=dt.date(2011, 9, 5)),
    AdmissionRules(source="Quy định 24-QĐ/TW, 30/7/2021", valid_from=dt.date(2021, 7, 30)),
    AdmissionRules(source="Quy định 294-QĐ/TW, 26/5/2025", valid_from=dt.date(2025, 5, 26)),
]


def rules_on(day: dt.date) -> AdmissionRules:
    return in_force(RULE_SETS, day)


# --- Who may decide what ---------------------------------------------------------------------------------

L = DecisionLevel
K = EventKind
F = DisciplineForm
ALL_LEVELS = tuple(L)
# Bodies that admit members and recognise them as official (and so strike them off): QĐ 29/24/232 điểm 4.3.2.
ADMITTING = (L.GRASSROOTS_AUTHORIZED, L.UPPER, L.PROVINCE, L.CENTRAL)
UPPER_AND_ABOVE = (L.UPPER, L.UPPER_INSPECTION, L.PROVINCE, L.PROVINCE_INSPECTION, L.CENTRAL)
PROVINCE_AND_ABOVE = (L.PROVINCE, L.PROVINCE_INSPECTION, L.CENTRAL)
# Bodies that issue introduction letters (giấy giới thiệu sinh hoạt đảng).
LETTER_ISSUERS = (L.GRASSROOTS, L.GRASSROOTS_AUTHORIZED, L.UPPER, L.PROVINCE)


@dataclass(frozen=True)
class Authority:
    """Which levels of body may issue the decision of an event: ``kind`` (EventKind), ``qualifier`` (the
    discipline form, or the transfer kind; "" for any), ``post`` (PostLevel of the member, for dismissal).

    ``levels`` are allowed; ``doubtful`` are levels the sources leave open (accepted with a warning unless
    ``DANGBO_DECISION_AUTHORITY_STRICT``); any other level is refused. ``mark`` is the confidence of the row
    (DOMAIN-SOURCES: C confirmed by a source, I inferred, U uncertain) and ``basis`` where it comes from."""

    kind: str
    qualifier: str = ""
    post: str = ""
    levels: tuple[str, ...] = ()
    doubtful: tuple[str, ...] = ()
    mark: str = "U"
    basis: str = ""


_ADMISSION_BASIS = (
    "Quy định thi hành Điều lệ Đảng (29-QĐ/TW 2016, 24-QĐ/TW 2021), điểm 4.3.2: đảng ủy cơ sở được ủy quyền kết "
    "nạp; ban thường vụ cấp ủy cấp trên trực tiếp của tổ chức cơ sở đảng; tỉnh ủy và tương đương"
)
_STRIKE_OFF_BASIS = (
    "Chi bộ đề nghị, cấp ủy có thẩm quyền kết nạp đảng viên quyết định (suy ra, chưa đối chiếu văn bản)"
)
_LETTER_BASIS = (
    "Hướng dẫn 12-HD/BTCTW 2022: tổ chức cơ sở đảng giới thiệu; ra ngoài đảng bộ cấp trên cơ sở hoặc ngoài tỉnh: "
    "cấp ủy cấp trên trực tiếp; tổ chức cơ sở trực thuộc tỉnh ủy: Ban Tổ chức Tỉnh ủy (tóm tắt thứ cấp)"
)
AUTHORITY_2011 = (
    Authority(K.ADMISSION, levels=ADMITTING, mark="C", basis=_ADMISSION_BASIS),
    Authority(K.OFFICIAL, levels=ADMITTING, mark="C", basis=_ADMISSION_BASIS),
    Authority(K.REMOVAL, levels=ADMITTING, mark="I", basis=_STRIKE_OFF_BASIS),
    Authority(K.RESIGNATION, levels=ADMITTING, mark="I", basis=_STRIKE_OFF_BASIS),
    Authority(K.READMISSION, levels=(L.PROVINCE, L.CENTRAL), doubtful=(L.UPPER,), mark="U",
              basis="Kết nạp lại: tỉnh ủy và tương đương xem xét, quyết định (chưa đối chiếu văn bản)"),
    Authority(K.RESTORATION, levels=UPPER_AND_ABOVE, doubtful=(L.GRASSROOTS_AUTHORIZED,), mark="U",
              basis="Khôi phục đảng tịch: cấp đã khai trừ, xóa tên hoặc cấp trên (Quy định 117-QĐ/TW 2023; thẩm quyền "
                    "cụ thể chưa đối chiếu văn bản)"),
    Authority(K.EXPULSION, levels=UPPER_AND_ABOVE, doubtful=(L.GRASSROOTS_AUTHORIZED,), mark="I",
              basis="Điều lệ Đảng, Điều 36 (tóm tắt): khai trừ do cấp ủy cấp trên trực tiếp của tổ chức cơ sở đảng, ủy "
                    "ban kiểm tra của cấp ủy đó trở lên; đảng ủy cơ sở được ủy quyền kết nạp chỉ khai trừ đảng viên không "
                    "phải cấp ủy viên cùng cấp, không thuộc diện cấp trên quản lý"),
    Authority(K.DISCIPLINE, F.REPRIMAND, levels=ALL_LEVELS, mark="C",
              basis="Điều lệ Đảng, Điều 36 khoản 1: chi bộ quyết định khiển trách, cảnh cáo đảng viên trong chi bộ"),
    Authority(K.DISCIPLINE, F.WARNING, levels=ALL_LEVELS, mark="C",
              basis="Điều lệ Đảng, Điều 36 khoản 1: chi bộ quyết định khiển trách, cảnh cáo đảng viên trong chi bộ"),
    Authority(K.DISCIPLINE, F.DISMISSAL, PostLevel.CELL, levels=UPPER_AND_ABOVE,
              doubtful=(L.GRASSROOTS, L.GRASSROOTS_AUTHORIZED), mark="I",
              basis="Điều lệ Đảng, Điều 36 (tóm tắt): đảng ủy cơ sở cách chức cấp ủy viên cấp dưới"),
    Authority(K.DISCIPLINE, F.DISMISSAL, PostLevel.GRASSROOTS, levels=UPPER_AND_ABOVE, mark="I",
              basis="Quy định 22-QĐ/TW 2021, Điều 11 (tóm tắt thứ cấp): cách chức cấp ủy viên tổ chức cơ sở đảng do "
                    "ban thường vụ cấp ủy cấp trên quyết định"),
    Authority(K.DISCIPLINE, F.DISMISSAL, PostLevel.UPPER, levels=PROVINCE_AND_ABOVE,
              doubtful=(L.UPPER, L.UPPER_INSPECTION), mark="U",
              basis="Cách chức cấp ủy viên cấp trên cơ sở: cấp ủy cấp trên của cấp ủy đó (chưa đối chiếu văn bản)"),
    Authority(K.TRANSFER_OUT, TransferKind.OFFICIAL, levels=LETTER_ISSUERS, mark="I", basis=_LETTER_BASIS),
    Authority(K.TRANSFER_OUT, TransferKind.ABROAD, levels=(*LETTER_ISSUERS, L.CENTRAL), mark="I",
              basis="Hướng dẫn 01-HD/TW 2021, mục 10: ở nước ngoài từ 12 tháng trở lên; giấy giới thiệu qua chi bộ, "
                    "cấp ủy cơ sở, ban thường vụ cấp ủy cấp trên"),
    Authority(K.TEMPORARY_OUT, levels=LETTER_ISSUERS, mark="I", basis=_LETTER_BASIS),
    Authority(K.INTERNAL_MOVE, levels=(L.GRASSROOTS, L.GRASSROOTS_AUTHORIZED), mark="I",
              basis="Chuyển sinh hoạt nội bộ trong một đảng bộ cơ sở: đảng ủy cơ sở giới thiệu"),
    Authority(K.EXEMPTION, levels=(L.CELL, L.GRASSROOTS, L.GRASSROOTS_AUTHORIZED, L.UPPER, L.PROVINCE, L.CENTRAL),
              mark="I", basis="Chi bộ xem xét, quyết định miễn công tác và sinh hoạt đảng (Hướng dẫn 01-HD/TW)"),
)  # fmt: skip


@dataclass(frozen=True)
class DecisionRules(RuleSet):
    """Discipline forms by the member's standing and the powers of each level of body (DOMAIN §2)."""

    # Charter Art. 35; QĐ 22-QĐ/TW 2021 Art. 10; QĐ 69-QĐ/TW 2022 Art. 7 [C]. Dismissal only for one holding a post.
    discipline_forms: tuple[tuple[str, tuple[str, ...]], ...] = (
        (MemberStatus.PROBATIONARY, (F.REPRIMAND, F.WARNING)),
        (MemberStatus.OFFICIAL, (F.REPRIMAND, F.WARNING, F.DISMISSAL, F.EXPULSION)),
    )
    # Events recorded only with their decision: number, date, level and name of the issuing body (for a
    # transfer, its introduction letter).
    decision_kinds: tuple[str, ...] = (
        K.ADMISSION, K.OFFICIAL, K.DISCIPLINE, K.REMOVAL, K.EXPULSION, K.RESIGNATION, K.READMISSION, K.RESTORATION,
        K.TRANSFER_OUT, K.TEMPORARY_OUT, K.INTERNAL_MOVE,
    )  # fmt: skip
    authority: tuple[Authority, ...] = AUTHORITY_2011

    def forms_for(self, party_status: str) -> tuple[str, ...]:
        return dict(self.discipline_forms).get(party_status, ())

    @property
    def all_forms(self) -> tuple[str, ...]:
        return tuple(f for f in F if any(f in forms for _, forms in self.discipline_forms))

    def authority_for(self, kind: str, qualifier: str = "", post: str = "") -> Authority | None:
        rows = {(a.kind, a.qualifier, a.post): a for a in self.authority}
        return (
            rows.get((kind, qualifier, post)) or rows.get((kind, qualifier, "")) or rows.get((kind, "", ""))
        )

    @property
    def strict(self) -> bool:
        return bool(getattr(settings, "DANGBO_DECISION_AUTHORITY_STRICT", False))


# Newest last; the powers have not changed between these instruments as far as the sources tell (a change is a
# new entry). The first set also judges events before 2011 (in_force).
_CHARTER_2011 = DecisionRules(source="Điều lệ Đảng 2011 (Đại hội XI)", valid_from=dt.date(2011, 1, 19))
DECISION_RULE_SETS = [
    _CHARTER_2011,
    replace(_CHARTER_2011, source="Quy định 22-QĐ/TW và 24-QĐ/TW, 7/2021", valid_from=dt.date(2021, 7, 28)),
    replace(_CHARTER_2011, source="Quy định 69-QĐ/TW 2022 (sửa đổi 264-QĐ/TW 2025); Quy định 294-QĐ/TW, 2025",
            valid_from=dt.date(2025, 7, 1)),
]  # fmt: skip


def decision_rules_on(day: dt.date) -> DecisionRules:
    return in_force(DECISION_RULE_SETS, day)


@dataclass(frozen=True)
class RemovalRules(RuleSet):
    """Removal from the rolls (xóa tên — not a discipline form, DOMAIN §2): the cell considers it for a member who
    stopped attending party meetings, or did not pay dues, for this many months in a year without a valid reason.
    The system flags candidates; people decide. Months are counted in the calendar year [I: "trong năm"], absences
    and unpaid dues separately (dues are not recorded yet; whether the text adds them up is [U])."""

    absence_months: int = 3  # months with an unexcused absence from the cell's regular meeting
    unpaid_dues_months: int = 3


# The Charter fixes the rule (Điều lệ Đảng 2011, Điều 8 — the article number from secondary sources [U]); the
# Charter-implementation rules repeat it in the same words [C for QĐ 29 and QĐ 24, DOMAIN-SOURCES §4.3; QĐ 294's
# wording was not retrieved, U]. Newest last.
REMOVAL_RULE_SETS = [
    RemovalRules(source="Điều lệ Đảng (Đại hội XI, 19/01/2011), Điều 8", valid_from=dt.date(2011, 1, 19)),
]


def removal_rules_on(day: dt.date) -> RemovalRules:
    return in_force(REMOVAL_RULE_SETS, day)


def full_months(start: dt.date, end: dt.date) -> int:
    """Whole calendar months from ``start`` to ``end``."""
    months = (end.year - start.year) * 12 + end.month - start.month
    if end.day < start.day:
        months -= 1
    return months


# Folded from the module «decisions» of members.
# The decision behind an event (quyết định): its number, date, issuing body, and whether a body of that level
# has the power the Charter gives (``rules.DecisionRules``: which events need a decision, the authority table).
#
# One judgement for every writer — the event and transfer services, the admission decision, the demo loader and
# the synthetic generator — so a record the services would refuse is never written by anyone else. ``judge`` is
# pure; ``post_on`` reads the committee seats a member holds (who may dismiss them depends on it).

# Short names of the levels, for messages and the authority table.
LEVEL_SHORT = {
    L.CELL: "chi bộ",
    L.GRASSROOTS: "tổ chức cơ sở đảng",
    L.GRASSROOTS_AUTHORIZED: "đảng ủy cơ sở được ủy quyền kết nạp",
    L.UPPER: "cấp ủy cấp trên trực tiếp của tổ chức cơ sở đảng",
    L.UPPER_INSPECTION: "ủy ban kiểm tra cấp trên cơ sở",
    L.PROVINCE: "tỉnh ủy và tương đương",
    L.PROVINCE_INSPECTION: "ủy ban kiểm tra tỉnh ủy và tương đương",
    L.CENTRAL: "Trung ương",
}


@dataclass(frozen=True)
class Fields:
    """The form fields (name, label) that carry a decision's number, date, level and issuing body."""

    number: tuple[str, str]
    date: tuple[str, str]
    level: tuple[str, str]
    issuer: tuple[str, str]


EVENT_FIELDS = Fields(
    ("decision_no", "Số quyết định"), ("decision_date", "Ngày quyết định"), ("decision_level", "Cấp ra quyết định"),
    ("decision_issuer", "Cơ quan ra quyết định"),
)  # fmt: skip
LETTER_FIELDS = Fields(
    ("letter_no", "Số giấy giới thiệu"), ("sent_date", "Ngày giới thiệu"), ("issuer_level", "Cấp giới thiệu"),
    ("issuer", "Cấp ủy giới thiệu"),
)  # fmt: skip


@dataclass(frozen=True)
class Judgement:
    errors: dict[str, str]  # {field: "Nhãn: vấn đề."}
    warnings: tuple[str, ...] = ()


def action(kind: str, qualifier: str = "") -> str:
    """What the decision decides, in a sentence: "khai trừ", "kỷ luật cách chức", "chuyển sinh hoạt đảng …"."""
    if kind == EventKind.DISCIPLINE and qualifier in DisciplineForm.values:
        return f"kỷ luật {DisciplineForm(qualifier).label.lower()}"
    label = TransferKind(qualifier).label if qualifier in TransferKind.values else EventKind(kind).label
    return label[0].lower() + label[1:]


def levels_text(levels) -> str:
    return "; ".join(LEVEL_SHORT[level] for level in levels)


def judge(
    *, kind: str, date: dt.date, number: str, decided_on: dt.date | None, level: str, issuer: str,
    qualifier: str = "", post: str = "", fields: Fields = EVENT_FIELDS, rules: DecisionRules | None = None,
) -> Judgement:  # fmt: skip
    """Whether the decision of an event of ``kind`` on ``date`` holds together: present when the event needs
    one, issued by a body of a level that has the power (for a dismissal, by the member's ``post``)."""
    rules = rules or decision_rules_on(decided_on or date)
    errors: dict[str, str] = {}
    warnings: list[str] = []
    if kind in rules.decision_kinds:
        for (name, label), value in ((fields.number, number), (fields.date, decided_on), (fields.level, level),
                                     (fields.issuer, issuer)):  # fmt: skip
            if not value:
                errors[name] = f"{label}: không được để trống."
    name, label = fields.level
    if level and level not in L.values:
        errors[name] = f"{label}: không hợp lệ."
    elif level:
        row = rules.authority_for(kind, qualifier, post)
        if row is not None and level not in row.levels:
            what = action(kind, qualifier)
            allowed = f"cấp có thẩm quyền: {levels_text(row.levels)}" if row.levels else ""
            if level in row.doubtful and not rules.strict:
                warnings.append(
                    f"{label}: chưa chắc {LEVEL_SHORT[level]} có thẩm quyền «{what}» ({row.basis}); {allowed}. "
                    "Xin kiểm tra lại căn cứ của quyết định."
                )
            else:
                errors[name] = f"{label}: {LEVEL_SHORT[level]} không có thẩm quyền «{what}»; {allowed}."
    return Judgement(errors, tuple(warnings))


def post_on(member, day: dt.date) -> str:
    """The highest committee (PostLevel) on which ``member`` holds a seat on ``day``."""
    kinds = set(
        member.committee_seats.filter(
            Q(start_date__isnull=True) | Q(start_date__lte=day),
            Q(end_date__isnull=True) | Q(end_date__gt=day),
        ).values_list("term__organization__kind", flat=True)
    )
    if kinds & {OrgKind.PROVINCE, OrgKind.DIRECT}:
        return PostLevel.UPPER
    if kinds & set(GRASSROOTS_KINDS):
        return PostLevel.GRASSROOTS
    return PostLevel.CELL if kinds else PostLevel.NONE


@dataclass(frozen=True)
class AuthorityRow:
    what: str
    levels: str
    doubtful: str
    mark: str
    basis: str


def authority_table(day: dt.date) -> list[AuthorityRow]:
    """The authority table in force on ``day``, as the event page shows it."""
    rows = []
    for a in decision_rules_on(day).authority:
        what = action(a.kind, a.qualifier)
        if a.post:
            what += f" ({PostLevel(a.post).label.lower()})"
        rows.append(AuthorityRow(what, levels_text(a.levels), levels_text(a.doubtful), a.mark, a.basis))
    return rows
