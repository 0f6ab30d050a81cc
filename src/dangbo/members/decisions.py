"""The decision behind an event (quyết định): its number, date, issuing body, and whether a body of that level
has the power the Charter gives (``rules.DecisionRules``: which events need a decision, the authority table).

One judgement for every writer — the event and transfer services, the admission decision, the demo loader and
the synthetic generator — so a record the services would refuse is never written by anyone else. ``judge`` is
pure; ``post_on`` reads the committee seats a member holds (who may dismiss them depends on it).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q

from dangbo.organizations.choices import GRASSROOTS_KINDS, OrgKind

from .choices import DecisionLevel, DisciplineForm, EventKind, PostLevel, TransferKind
from .rules import DecisionRules, decision_rules_on

L = DecisionLevel
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
