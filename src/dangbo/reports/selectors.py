"""The reporting layer: the figures of every area of party work for one organization's subtree and one period,
as registered sections.

A section is ``fn(actor, organization, start, end) -> Section``: a title, the figures (a flat ``dict`` of plain
values — numbers, percentages, dates — that narrative sentences, tables and checks read by key) and the rows
behind them (one ``dict`` per row; ``columns`` names and labels the keys a table shows). Sections build no URLs
and format nothing: pages, the review report's DOCX, the XLSX appendices and a coming API read the same
figures. Each section reads through the selectors of the app that owns the data (``members.counts.selectors``,
``meetings.selectors``, ``steering.tasks``/``targets``/``support``) — no figure is computed twice — and answers
only for an organization in the actor's scope (``core.policies``); outside it, ``Http404`` like any object the
actor may not see.

Figures of the headcount are those of the period's last day; the movement, the meetings, the tasks and the
support are those of the period (both days included); the targets are measured at its last day; a task's reports
are those filed by its last day. Whenever the report is asked for, the figures of a past period are the same
(as-of data) — except for what the records themselves do not date: a member's gender, ethnicity and theory
level are those of the record (``members.counts.selectors.composition``), and an entered target value corrected later.

Other apps (evaluation, dues) may register their own sections in ``core.registries.REPORT_SECTIONS`` from their
``AppConfig.ready()``; the report shows them after these.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db.models import Case, Count, IntegerField, Q, Value, When

from dangbo.core import policies
from dangbo.core.dates import add_years, today
from dangbo.core.formats import phantram, so
from dangbo.core.policies import subtree_q
from dangbo.core.registries import REPORT_SECTIONS
from dangbo.meetings import selectors as meeting_selectors
from dangbo.meetings.models import GradeLevel
from dangbo.members.choices import ETHNICITIES, RELIGIONS, Degree, GeneralEducation
from dangbo.members.counts import selectors as asof
from dangbo.organizations.choices import CELL_KINDS, GRASSROOTS_KINDS
from dangbo.organizations.models import Organization, OrganizationLink, Term
from dangbo.organizations.selectors import term_on, tree_version
from dangbo.organizations.tree.selectors import valid_on
from dangbo.steering.choices import ReportKind, TargetStatus
from dangbo.steering.models import Task
from dangbo.steering.support import selectors as support_selectors
from dangbo.steering.targets import selectors as target_selectors
from dangbo.steering.tasks import selectors as task_selectors

from .rollups import selectors as rollups


@dataclass
class Section:
    key: str
    title: str
    figures: dict = field(default_factory=dict)
    rows: list[dict] = field(default_factory=list)
    columns: list[tuple[str, str]] = field(default_factory=list)  # (row key, column title) of the table


SectionFn = Callable[[object, Organization, dt.date, dt.date], Section]

SECTIONS = REPORT_SECTIONS  # filled below, in report order; apps above may add theirs


def register(key: str):
    """Decorator: register ``fn(actor, organization, start, end) -> Section`` under ``key`` (in report order)."""

    def wrap(fn: SectionFn) -> SectionFn:
        SECTIONS.register(key, fn)
        return fn

    return wrap


def build(actor, organization: Organization, start: dt.date, end: dt.date, keys=None) -> dict[str, Section]:
    """Every registered section (or those of ``keys``), in order, for one organization and period."""
    policies.require(actor, policies.VIEW, organization)
    chosen = SECTIONS.keys() if keys is None else [k for k in SECTIONS.keys() if k in keys]
    return {key: SECTIONS.get(key)(actor, organization, start, end) for key in chosen}


def _percent(part, whole) -> float | None:
    return round(100 * part / whole, 1) if whole else None


# --- Headcount and composition at the end of the period --------------------------------------------------------


def organizations_on(organization: Organization, on: dt.date) -> dict[str, int]:
    """Organizations strictly under ``organization`` in the tree of a date: grassroots organizations (grassroots
    committees and cells), of them grassroots committees, and cells (both kinds). One count over the links of the
    subtree (~35 ms of SQL for a province of 10,000 cells), the same for every actor: kept in the shared cache under
    the tree's version (``organizations.selectors.tree_version``: any change of the tree makes a new one)."""
    key = f"organizations-on:{tree_version()}:{organization.pk}:{on.isoformat()}"
    counted = cache.get(key)
    if counted is None:
        counted = _organizations_on(organization, on)
        cache.set(key, counted, 24 * 3600)
    return counted


def _organizations_on(organization: Organization, on: dt.date) -> dict[str, int]:
    path = asof.path_on(organization, on)
    if path is None:
        return {"co_so": 0, "dang_bo_co_so": 0, "chi_bo": 0}
    links = OrganizationLink.objects.filter(valid_on(on), subtree_q(path, "path")).exclude(
        organization=organization
    )
    return links.aggregate(
        co_so=Count("organization", distinct=True, filter=Q(organization__kind__in=GRASSROOTS_KINDS)),
        dang_bo_co_so=Count("organization", distinct=True, filter=Q(organization__kind="dang_bo_co_so")),
        chi_bo=Count("organization", distinct=True, filter=Q(organization__kind__in=CELL_KINDS)),
    )


@register("headcount")
def headcount(actor, organization: Organization, start: dt.date, end: dt.date) -> Section:
    policies.require(actor, policies.VIEW, organization)
    counts, comp = rollups.headcount_and_composition_on(organization, end)  # one read of the month's rows
    figures = {
        "on": end,
        **counts,
        **{f"to_chuc_{k}": v for k, v in organizations_on(organization, end).items()},
    }
    rows = []
    for dimension, groups in comp.rows:
        for label, n in groups:
            rows.append(
                {"dimension": dimension, "label": label, "count": n, "percent": _percent(n, comp.total)}
            )
    by_label = {(r["dimension"], r["label"]): r["count"] for r in rows}
    figures["nu"] = by_label.get(("Giới tính", "Nữ"), 0)
    figures["dan_toc_thieu_so"] = by_label.get(("Dân tộc", "Dân tộc thiểu số và khác"), 0)
    figures["duoi_30"] = by_label.get(("Độ tuổi", "Dưới 30 tuổi"), 0)
    return Section("headcount", "Số lượng, cơ cấu đảng viên", figures, rows,
                   [("dimension", "Cơ cấu"), ("label", "Nhóm"), ("count", "Số đảng viên"), ("percent", "Tỷ lệ (%)")])  # fmt: skip


# --- Movement in the period --------------------------------------------------------------------------------------


@register("movement")
def movement(actor, organization: Organization, start: dt.date, end: dt.date) -> Section:
    policies.require(actor, policies.VIEW, organization)
    m = rollups.movement_on(organization, start, end)
    increases = {key: n for key, _, n in m.increases}
    decreases = {key: n for key, _, n in m.decreases}
    figures = {
        "dau_ky": m.opening, "cuoi_ky": m.closing, "tang": m.increase_total, "giam": m.decrease_total,
        "ket_nap": increases.get("ket_nap", 0), "chuyen_den": increases.get("chuyen_den", 0),
        "chuyen_di": decreases.get("chuyen_di", 0), "tu_tran": decreases.get("tu_tran", 0),
        "xoa_ten": decreases.get("xoa_ten", 0), "khai_tru": decreases.get("khai_tru", 0),
        "ra_khoi_dang": decreases.get("ra_khoi_dang", 0), "can_doi": m.balanced,
    }  # fmt: skip
    rows = [{"group": "Tăng", "label": label, "count": n} for _, label, n in m.increases]
    rows += [{"group": "Giảm", "label": label, "count": n} for _, label, n in m.decreases]
    return Section("movement", "Biến động đảng viên", figures, rows,
                   [("group", "Tăng/giảm"), ("label", "Nội dung"), ("count", "Số đảng viên")])  # fmt: skip


# --- Cell meetings: held / expected, quality grades ---------------------------------------------------------------


def _months(start: dt.date, end: dt.date) -> list[dt.date]:
    out, month = [], start.replace(day=1)
    while month <= end:
        out.append(month)
        month = month.replace(year=month.year + (month.month == 12), month=month.month % 12 + 1)
    return out


@register("meetings")
def meetings(actor, organization: Organization, start: dt.date, end: dt.date) -> Section:
    """Regular meetings held against those due (one a month in each cell) from the month × organization grid of
    ``meetings.selectors`` (the grid counts only the months of the period; those not yet begun are due nowhere),
    and the grades of the meetings held — both read from the meeting rollups once they are built (``rollups.meeting_grid``, ``meeting_grades``)."""
    policies.require(actor, policies.VIEW, organization)
    months = _months(start, end)
    by_org: dict[int, dict] = {}
    this_month = today().replace(day=1)
    on_record = meeting_selectors.months_on_record(
        [m for m in months if m <= this_month]
    )  # every year's: one probe
    for year in sorted({m.year for m in months}):
        grid_rows, grid_months = rollups.meeting_grid(
            actor, organization, year, months=[m for m in months if m.year == year], on_record=on_record
        )
        for row in grid_rows:
            slot = by_org.setdefault(
                row.org.pk,
                {
                    "organization": row.org.name,
                    "organization_id": row.org.pk,
                    "cells": 0,
                    "held": 0,
                    "expected": 0,
                },
            )
            slot["cells"] = max(slot["cells"], row.cells)
            for cell in row.months:
                counts = cell["counts"]
                due = (
                    counts[meeting_selectors.HELD]
                    + counts[meeting_selectors.NOT_RECORDED]
                    + counts[meeting_selectors.NOT_HELD]
                )
                slot["held"] += counts[meeting_selectors.HELD]
                slot["expected"] += due
    rows = sorted(by_org.values(), key=lambda r: r["organization"])
    for r in rows:
        r["percent"] = _percent(r["held"], r["expected"])
    held, expected = sum(r["held"] for r in rows), sum(r["expected"] for r in rows)
    figures = {"chi_bo": sum(r["cells"] for r in rows), "da_hop": held, "phai_hop": expected,
               "ty_le": _percent(held, expected)}  # fmt: skip
    # Grades of the regular meetings held in the period, by the upper level and by the cell itself.
    graded = rollups.meeting_grades(actor, organization, start, end)
    grades = []
    for level in GradeLevel.objects.filter(active=True).order_by("rank"):
        grades.append({"code": level.code, "label": level.label, "upper": graded["upper"].get(level.pk, 0),
                       "self": graded["self"].get(level.pk, 0)})  # fmt: skip
    figures["chuyen_de"] = graded["thematic"]
    figures["cap_tren_xep_loai"] = sum(g["upper"] for g in grades)
    figures["xep_loai"] = {g["label"]: g["upper"] for g in grades}
    figures["tu_xep_loai"] = {g["label"]: g["self"] for g in grades}
    figures["grades"] = grades
    return Section("meetings", "Sinh hoạt chi bộ", figures, rows,
                   [("organization", "Tổ chức"), ("cells", "Số chi bộ"), ("held", "Số buổi đã họp"),
                    ("expected", "Số buổi phải họp"), ("percent", "Tỷ lệ (%)")])  # fmt: skip


# --- Tasks assigned in the period, dissemination and report coverage ------------------------------------------------


@register("tasks")
def tasks_section(actor, organization: Organization, start: dt.date, end: dt.date) -> Section:
    """Tasks the organization's committee assigned in the period, each with the combined line of its reports."""
    policies.require(actor, policies.VIEW, organization)
    qs = policies.scope(actor, policies.VIEW, Task.objects.all()).filter(
        organization=organization, assigned_date__gte=start, assigned_date__lte=end
    )
    rows = []
    listed = list(qs.select_related("document__doc_type").order_by("assigned_date", "id"))
    summaries = task_selectors.summaries(
        listed, on=end, filed_by=end
    )  # one query whatever the number of tasks
    for task in listed:
        s = summaries[task.pk]
        rows.append({
            "task_id": task.pk, "title": task.title, "kind": task.report_kind, "kind_label": task.get_report_kind_display(),
            "assigned": task.assigned_date, "deadline": task.deadline, "total": s.total, "reported": s.reported,
            "on_time": s.on_time, "late": s.late, "missing": s.missing, "percent": _percent(s.reported, s.total),
            "attended": s.attended, "member_total": s.member_total, "line": s.line,
        })  # fmt: skip
    dissemination = [r for r in rows if r["kind"] == ReportKind.DISSEMINATION]
    figures = {
        "nhiem_vu": len(rows), "quan_triet": len(dissemination),
        "luot_giao": sum(r["total"] for r in rows), "luot_bao_cao": sum(r["reported"] for r in rows),
        "quan_triet_giao": sum(r["total"] for r in dissemination),
        "quan_triet_bao_cao": sum(r["reported"] for r in dissemination),
        "du_hoc": sum(r["attended"] for r in dissemination),
        "dang_vien_bao_cao": sum(r["member_total"] for r in dissemination),
    }  # fmt: skip
    figures["ty_le_bao_cao"] = _percent(figures["luot_bao_cao"], figures["luot_giao"])
    figures["ty_le_du_hoc"] = _percent(figures["du_hoc"], figures["dang_vien_bao_cao"])
    return Section("tasks", "Nhiệm vụ được giao, học tập, quán triệt", figures, rows,
                   [("title", "Nhiệm vụ"), ("assigned", "Ngày giao"), ("reported", "Đã báo cáo"),
                    ("total", "Số tổ chức được giao"), ("percent", "Tỷ lệ (%)")])  # fmt: skip


# --- Congress targets at the end of the period -----------------------------------------------------------------------


@register("targets")
def targets_section(actor, organization: Organization, start: dt.date, end: dt.date) -> Section:
    """The targets of the congress term the period's last day belongs to, measured at that day."""
    policies.require(actor, policies.VIEW, organization)
    term = term_on(organization, end)
    if term is None or not policies.scope(actor, "steer", Term.objects.all()).filter(pk=term.pk).exists():
        return Section("targets", "Thực hiện các chỉ tiêu nghị quyết đại hội", {"chi_tieu": 0})
    view = target_selectors.term_view(term, end)
    rows = [{
        "number": r.target.number, "text": r.target.text, "unit": r.target.get_unit_display(),
        "goal": r.target.goal, "expected": r.progress.expected, "actual": r.progress.actual,
        "percent": r.progress.percent_of_goal, "status": r.progress.status, "status_label": r.progress.status_label,
        "good": r.good,
    } for r in view.rows]  # fmt: skip
    status = {s.value: sum(r["status"] == s.value for r in rows) for s in TargetStatus}
    figures = {"nhiem_ky": term.name, "chi_tieu": len(rows), "dat_tien_do": view.good_count,
               "hoan_thanh": status.get(TargetStatus.ACHIEVED, 0), "theo_trang_thai": status}  # fmt: skip
    return Section("targets", "Thực hiện các chỉ tiêu nghị quyết đại hội", figures, rows,
                   [("number", "Số"), ("text", "Chỉ tiêu"), ("goal", "Mục tiêu"), ("actual", "Thực hiện"),
                    ("percent", "Đạt (%)"), ("status_label", "Đánh giá")])  # fmt: skip


# --- Support programmes in the period --------------------------------------------------------------------------------


@register("support")
def support_section(actor, organization: Organization, start: dt.date, end: dt.date) -> Section:
    """Contributions of the organizations of the subtree to communes in the period (``steering.support.selectors.totals``)."""
    policies.require(actor, policies.VIEW, organization)
    t = support_selectors.totals(scope_org=organization, start=start, end=end, actor=actor)
    figures = {"dong_gop": t.count, "to_chuc": t.supporters, "xa": t.communes, "gia_tri": t.value,
               "xa_ngheo": sum(1 for c in t.by_commune if c["poor"])}  # fmt: skip
    rows = [{"commune": c["name"], "district": c["district"], "supporters": c["supporters"], "value": c["value"]}
            for c in t.by_commune]  # fmt: skip
    return Section("support", "Giúp đỡ xã nghèo, khó khăn", figures, rows,
                   [("commune", "Xã"), ("district", "Huyện"), ("supporters", "Số cơ quan, đơn vị"),
                    ("value", "Trị giá (đồng)")])  # fmt: skip


# --- Evaluation and dues, when the organization has them --------------------------------------------------------------


@register("evaluation")
def evaluation_section(actor, organization: Organization, start: dt.date, end: dt.date) -> Section:
    """The members' levels of the annual evaluations whose year ends in the period (``evaluation.selectors.
    scope_results``: the subtree of 31/12, the actor's scope), in total and by the organizations directly under it;
    no rows when there is none (the appendices then have no such sheet)."""
    from dangbo.evaluation import selectors as evaluation
    from dangbo.evaluation.choices import Level

    policies.require(actor, policies.VIEW, organization)
    rows, figures = [], {}
    for year in range(start.year, end.year + 1):
        if not start <= dt.date(year, 12, 31) <= end:
            continue
        total, children = evaluation.scope_results(actor, organization, year)
        if not total.rated and not total.not_rated:
            continue
        for r in [*children, total]:
            if not r.rated and not r.not_rated:
                continue
            rows.append({"year": year, "organization": "Tổng cộng" if r is total else r.organization.name,
                         **{level.value: r.counts.get(level.value, 0) for level in Level},
                         "not_rated": r.not_rated, "rated": r.rated})  # fmt: skip
        figures[str(year)] = {level.value: total.counts.get(level.value, 0) for level in Level} | {
            "chua_xep_loai": total.not_rated, "da_xep_loai": total.rated,
            "ty_le_xuat_sac": _percent(total.counts.get(Level.EXCELLENT, 0), total.rated),
        }  # fmt: skip
    lines = [
        f"Năm {year}: {f['da_xep_loai']} đảng viên được xếp loại, trong đó "
        + ", ".join(f"{f[level.value]} {level.label.lower()}" for level in Level)
        + (f"; {f['chua_xep_loai']} đảng viên chưa xếp loại." if f["chua_xep_loai"] else ".")
        for year, f in figures.items()
    ]
    return Section("evaluation", "Đánh giá, xếp loại chất lượng đảng viên", {"nam": figures, "lines": lines} if figures else {},
                   rows, [("year", "Năm"), ("organization", "Tổ chức"), *[(level.value, level.label) for level in Level],
                          ("not_rated", "Chưa xếp loại")])  # fmt: skip


@register("dues")
def dues_section(actor, organization: Organization, start: dt.date, end: dt.date) -> Section:
    """Party dues owed and paid in the months of the period, by the organizations directly under the organization
    (``dues.selectors.overview``, from the totals per organization and month); no rows when none was recorded."""
    from dangbo.dues import selectors as dues

    policies.require(actor, policies.VIEW, organization)
    first, after = start.replace(day=1), dues.next_month(end.replace(day=1))
    ledger = [r for r in dues.overview(actor, organization, first, after) if r.owed or r.paid or r.remitted]
    rows = [
        {"organization": r.organization.name, "owed": r.owed, "paid": r.paid if r.measured else None,
         "percent": r.rate, "remitted": r.remitted}
        for r in ledger
    ]  # fmt: skip
    if not rows:
        return Section("dues", "Thu, nộp đảng phí")
    # The collection's figures count the months whose collection is a figure (``dues.selectors.paid_measured``): a
    # month still being collected with nothing paid is «chưa có số liệu», not a 0 that lowers the rate.
    owed, paid = sum(r.owed_measured for r in ledger), sum(r.paid for r in ledger if r.measured)
    measured = any(r.measured for r in ledger)
    figures = {"phai_thu": owed if measured else None, "da_thu": paid if measured else None,
               "ty_le": _percent(paid, owed) if measured else None,
               "da_nop_cap_tren": sum(r["remitted"] for r in rows)}  # fmt: skip
    if not measured:
        figures["lines"] = ["Đảng phí: chưa có số liệu (các tháng của kỳ chưa lập bảng thu hoặc đang thu)."]
    else:
        left_out = sum(r.owed for r in ledger) > owed
        figures["lines"] = [
            f"Đảng phí phải thu {so(owed)} đồng, đã thu {so(paid)} đồng"
            + (f" ({phantram(figures['ty_le'])})" if figures["ty_le"] is not None else "")
            + (" — không tính tháng đang thu chưa có số liệu." if left_out else ".")
        ]
    return Section("dues", "Thu, nộp đảng phí", figures, rows,
                   [("organization", "Tổ chức"), ("owed", "Phải thu (đồng)"), ("paid", "Đã thu (đồng)"),
                    ("percent", "Tỷ lệ (%)"), ("remitted", "Đã nộp cấp trên (đồng)")])  # fmt: skip


# --- The period of a review report ---------------------------------------------------------------------------------


@dataclass
class Period:
    """The period a review report covers: preset by its kind (``choices.ReviewKind``) and year, or typed."""

    kind: str
    year: int
    start: dt.date
    end: dt.date
    term_name: str = ""  # the congress term of a mid-term review
    preset: bool = True  # False: the dates were typed


class PeriodError(ValueError):
    """The preset period cannot be found (a mid-term review of an organization without a committee term)."""


def review_period(organization: Organization, kind: str, year: int, start: dt.date | None = None,
                  end: dt.date | None = None) -> Period:  # fmt: skip
    """The preset period of a report (typed dates override it):

    * 6 tháng đầu năm: 01/01 – 30/06 of the year;
    * năm: 01/01 – 31/12 of the year;
    * giữa nhiệm kỳ: from the start of the committee term in force on 30/06 of the year to its middle
      (``steering.targets.selectors.midterm_date``)."""
    from .choices import ReviewKind

    term_name = ""
    if kind == ReviewKind.HALF_YEAR:
        first, last = dt.date(year, 1, 1), dt.date(year, 6, 30)
    elif kind == ReviewKind.YEAR:
        first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    else:
        term = term_on(organization, dt.date(year, 6, 30))
        if term is None:
            raise PeriodError(f"{organization.name} chưa có nhiệm kỳ cấp ủy nào vào năm {year}: hãy ghi nhiệm kỳ "
                              "hoặc nhập từ ngày, đến ngày.")  # fmt: skip
        first, last, term_name = term.start_date, target_selectors.midterm_date(term), term.name
    typed = start is not None or end is not None
    return Period(kind, year, start or first, end or last, term_name, preset=not typed)


# --- The member statistics form --------------------------------------------------------------------------------------

# Party age bands of the statistics form (years since admission, at the date). The party's forms group it in several
# ways (badge years 30, 40, 45, 50 …); these are the usual ten-year bands — change them here.
PARTY_AGE_BANDS = [(0, 10, "Dưới 10 năm"), (10, 20, "Từ 10 đến dưới 20 năm"), (20, 30, "Từ 20 đến dưới 30 năm"),
                   (30, 40, "Từ 30 đến dưới 40 năm"), (40, 50, "Từ 40 đến dưới 50 năm"), (50, None, "Từ 50 năm trở lên")]  # fmt: skip


def _party_age_case(on: dt.date) -> Case:
    whens = []
    for i, (low, high, _) in enumerate(PARTY_AGE_BANDS):
        q = Q(member__joined_date__lte=add_years(on, -low))
        if high is not None:
            q &= Q(member__joined_date__gt=add_years(on, -high))
        whens.append(When(q, then=Value(i)))
    return Case(*whens, default=Value(-1), output_field=IntegerField())


def member_statistics(actor, organization: Organization, on: dt.date) -> Section:
    """The member statistics form of a subtree on a date: by status, gender, age band and political theory
    (``members.counts.selectors.composition``), and by ethnicity, religion, general education, degree and party age — one
    grouped query each."""
    policies.require(actor, policies.VIEW, organization)
    comp = asof.composition(organization, on)
    qs = asof.rows_on(organization, on)

    def grouped(field_name: str) -> dict:
        return dict(qs.values_list(field_name).annotate(n=Count("id")).order_by())

    dims = [(d, groups) for d, groups in comp.rows if d != "Dân tộc"]  # ethnicity below, group by group
    ethnicity = grouped("member__ethnicity")
    order = {e: i for i, e in enumerate(ETHNICITIES)}
    dims.insert(3, ("Dân tộc", sorted(((e or "Chưa ghi", n) for e, n in ethnicity.items()),
                                      key=lambda x: order.get(x[0], len(order)))))  # fmt: skip
    religion = grouped("member__religion")
    dims.append(("Tôn giáo", [(r, religion.pop(r)) for r in RELIGIONS if r in religion]
                 + [(r or "Chưa ghi", n) for r, n in religion.items()]))  # fmt: skip
    education = grouped("member__general_education")
    dims.append(("Giáo dục phổ thông", [(label, education.get(value, 0)) for value, label in GeneralEducation.choices]
                 + ([("Chưa ghi", education[""])] if education.get("") else [])))  # fmt: skip
    degree = grouped("member__degree")
    dims.append(("Chuyên môn (học vị)", [(label if value else "Chưa qua đào tạo, chưa ghi", degree.get(value, 0))
                                          for value, label in Degree.choices]))  # fmt: skip
    ages = dict(qs.annotate(band=_party_age_case(on)).values_list("band").annotate(n=Count("id")).order_by())
    dims.append(("Tuổi đảng", [(label, ages.get(i, 0)) for i, (_, _, label) in enumerate(PARTY_AGE_BANDS)]
                 + ([("Chưa có ngày vào Đảng", ages[-1])] if ages.get(-1) else [])))  # fmt: skip
    rows = [{"dimension": d, "label": label, "count": n, "percent": _percent(n, comp.total)}
            for d, groups in dims for label, n in groups]  # fmt: skip
    return Section("statistics", "Thống kê đảng viên", {"on": on, "tong": comp.total}, rows,
                   [("dimension", "Tiêu chí"), ("label", "Nhóm"), ("count", "Số đảng viên"), ("percent", "Tỷ lệ (%)")])  # fmt: skip


# --- The names behind a figure (drill-down) ---------------------------------------------------------------------------


# key → (label, Q on the roll periods of a day): every group of the headcount and composition a page shows.
def _groups(on: dt.date) -> dict[str, tuple[str, Q]]:
    from dangbo.members.choices import AGE_BAND_LIMITS, Gender, MemberStatus, PoliticalTheory

    groups = {
        "tong": ("Đảng viên", Q()),
        "chinh_thuc": ("Đảng viên chính thức", Q(status=MemberStatus.OFFICIAL)),
        "du_bi": ("Đảng viên dự bị", Q(status=MemberStatus.PROBATIONARY)),
        "mien": ("Được miễn công tác và sinh hoạt đảng", Q(exempted=True)),
        "kinh": ("Dân tộc Kinh", Q(member__ethnicity="Kinh")),
        "dtts": ("Dân tộc thiểu số và khác", ~Q(member__ethnicity="Kinh")),
    }
    for g in Gender:
        groups[f"gioi_{g.value}"] = (f"Giới tính: {g.label}", Q(member__gender=g.value))
    for band, (low, high) in AGE_BAND_LIMITS.items():
        q = Q(member__birth_date__lte=add_years(on, -low))
        if high is not None:
            q &= Q(member__birth_date__gt=add_years(on, -(high + 1)))
        groups[f"tuoi_{band}"] = (f"Độ tuổi: {band.label}", q)
    for t in PoliticalTheory:
        groups[f"llct_{t.value}"] = (f"Lý luận chính trị: {t.label}", Q(member__political_theory=t.value))
    return groups


# composition rows (dimension, label) → group key, so a table of ``members.counts.selectors.composition`` links each count
def composition_keys(on: dt.date) -> dict[tuple[str, str], str]:
    from dangbo.members.choices import AgeBand, Gender, MemberStatus, PoliticalTheory

    keys = {("Loại đảng viên", MemberStatus.OFFICIAL.label): "chinh_thuc",
            ("Loại đảng viên", MemberStatus.PROBATIONARY.label): "du_bi",
            ("Dân tộc", "Kinh"): "kinh", ("Dân tộc", "Dân tộc thiểu số và khác"): "dtts"}  # fmt: skip
    keys |= {("Giới tính", g.label): f"gioi_{g.value}" for g in Gender}
    keys |= {("Độ tuổi", b.label): f"tuoi_{b.value}" for b in AgeBand}
    keys |= {("Lý luận chính trị", t.label): f"llct_{t.value}" for t in PoliticalTheory}
    return keys


@dataclass
class Names:
    title: str
    total: int
    rows: list  # MemberPeriod rows with their member and cell
    hidden: int = 0  # counted in the figure, but outside the actor's scope today (moved away since)


NAMES_PAGE = 100


def names_behind(actor, organization: Organization, on: dt.date, key: str, *, page: int = 1) -> Names | None:
    """The members counted in one figure of the headcount or composition of a subtree on a day (None: no such
    figure) — the roll of that day, not today's, so the names are exactly those behind the number."""
    policies.require(actor, policies.VIEW, organization)
    group = _groups(on).get(key)
    if group is None:
        return None
    label, q = group
    return _names(actor, asof.rows_on(organization, on).filter(q), f"{label} ngày {on:%d/%m/%Y}", page)


def movement_names(actor, organization: Organization, start: dt.date, end: dt.date, key: str, *,
                   page: int = 1) -> Names | None:  # fmt: skip
    """The members behind one line of the movement table ("tang:ket_nap", "giam:chuyen_di", "tang", "giam")."""
    policies.require(actor, policies.VIEW, organization)
    direction, _, line = key.partition(":")
    ups, downs = asof.steps(organization, start, end)
    table = {
        "tang": (asof.INCREASES, ups, "start_kind", "Tăng"),
        "giam": (asof.DECREASES, downs, "end_kind", "Giảm"),
    }
    if direction not in table:
        return None
    lines, rows, field_name, word = table[direction]
    label = word
    if line:
        chosen = [(lbl, kinds) for k, lbl, kinds in lines if k == line]
        if not chosen:
            return None
        label, kinds = chosen[0]
        rows = rows.filter(**{f"{field_name}__in": kinds})
    return _names(actor, rows, f"{label} từ {start:%d/%m/%Y} đến {end:%d/%m/%Y}", page)


def _names(actor, rows, title: str, page: int) -> Names:
    from dangbo.members.models import Member

    everyone = rows.count()
    visible = policies.scope(actor, policies.VIEW, Member.objects.all())
    rows = rows.filter(member__in=visible)
    total = rows.count()
    first = (max(page, 1) - 1) * NAMES_PAGE
    chosen = list(rows.select_related("member", "organization").order_by("member__name_sort", "member_id")[
        first : first + NAMES_PAGE
    ])  # fmt: skip
    return Names(title, total, chosen, everyone - total)
