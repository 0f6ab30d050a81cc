"""Demo directing work, reproducing the bloc's mid-term conference of 10/07/2013: the documents it reported on
(03-CT/TW, Central Resolution 4 of the 11th term = 12-NQ/TW, 09-NQ/TU, its own 01-NQ/ĐU) with dissemination
tasks and the reports of its 59 organizations, the 2010–2015 congress targets, and the support of agencies for
poor mountain communes — plus current tasks of the successor committee so that today's secretaries have
something to report.

Only rows are written here; every figure the pages show ("57/59 …", "47 tổ chức hỗ trợ 35 xã …", a target's
progress) is computed by the selectors from these rows. Fixed seed: the same demo every time.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from decimal import Decimal

from django.db import connection
from django.utils import timezone

from dangbo.core.dates import today
from dangbo.members.counts.selectors import counts_on
from dangbo.organizations.models import Organization, Term
from dangbo.steering.documents.services import document_issue, document_register
from dangbo.steering.support.services import contributions_bulk, programme_save
from dangbo.steering.targets.services import target_save, target_value_enter
from dangbo.steering.tasks.selectors import children_on

from ..steering.choices import (
    AssigneeMode,
    ContributionKind,
    Era,
    Measure,
    ReportKind,
    TargetDirection,
    Unit,
)
from ..steering.models import (
    Assignment,
    Commune,
    Contribution,
    Document,
    Task,
)

D = dt.date
SEED = 2013
MIDTERM = D(2013, 6, 30)
H1_2013 = (D(2013, 1, 1), D(2013, 6, 30))

# Incoming documents: (type, number, issuer code, issuer, issued, received, summary, signer).
INCOMING = [
    ("CT", 3, "TW", "Bộ Chính trị", D(2011, 5, 14), D(2011, 5, 20),
     "Về tiếp tục đẩy mạnh việc học tập và làm theo tấm gương đạo đức Hồ Chí Minh", "Lê Hồng Anh"),
    ("NQ", 12, "TW", "Ban Chấp hành Trung ương Đảng (Hội nghị lần thứ tư, khóa XI)", D(2012, 1, 16), D(2012, 1, 30),
     "Một số vấn đề cấp bách về xây dựng Đảng hiện nay", "Nguyễn Phú Trọng"),
    ("NQ", 9, "TU", "Ban Chấp hành Đảng bộ tỉnh Nghệ An", D(2011, 12, 20), D(2011, 12, 26),
     "Nghị quyết của Tỉnh ủy (văn bản mẫu của dữ liệu minh họa; trích yếu theo văn bản gốc)", ""),
]  # fmt: skip
# The congress that opened the bloc's 2010–2015 term (29–31/07/2010): its documents share one sequence, whatever
# their type (01-BB/ĐH, 02-NQ/ĐH). (type, issued, summary, signer)
CONGRESS = [
    ("BB", D(2010, 7, 29), "Biên bản phiên trù bị Đại hội đại biểu Đảng bộ Khối các cơ quan tỉnh Nghệ An lần thứ XIII",
     "T/M Đoàn Chủ tịch Đại hội"),
    ("NQ", D(2010, 7, 31), "Nghị quyết Đại hội đại biểu Đảng bộ Khối các cơ quan tỉnh Nghệ An lần thứ XIII, nhiệm kỳ "
     "2010–2015", "T/M Đoàn Chủ tịch Đại hội"),
]  # fmt: skip
CONGRESS_ISSUER = ("ĐH", "Đại hội đại biểu Đảng bộ Khối các cơ quan tỉnh Nghệ An lần thứ XIII")
# The bloc's own documents in order of issue: (type, issued, summary, signer). Numbers run per type within the
# committee term (01-KH/ĐU in 2011, 02-KH/ĐU and 03-KH/ĐU in 2012: the 2010–2015 term does not restart them).
OWN = [
    ("NQ", D(2010, 9, 15), "Nghị quyết về nâng cao năng lực lãnh đạo, sức chiến đấu của tổ chức cơ sở đảng và chất "
     "lượng đội ngũ đảng viên nhiệm kỳ 2010–2015", "Bí thư Đảng ủy Khối"),
    ("KH", D(2011, 6, 1), "Kế hoạch học tập, quán triệt và thực hiện Chỉ thị 03-CT/TW của Bộ Chính trị", "Phó Bí thư Đảng ủy Khối"),
    ("KH", D(2012, 1, 12), "Kế hoạch học tập, quán triệt Nghị quyết 09-NQ/TU của Tỉnh ủy", "Phó Bí thư Đảng ủy Khối"),
    ("KH", D(2012, 2, 15), "Kế hoạch học tập, quán triệt Nghị quyết Trung ương 4 (khóa XI) và xây dựng chương trình "
     "hành động", "Bí thư Đảng ủy Khối"),
    ("HD", D(2013, 6, 1), "Hướng dẫn báo cáo sơ kết giữa nhiệm kỳ thực hiện Nghị quyết Đại hội Đảng bộ Khối lần thứ XIII",
     "Phó Bí thư Đảng ủy Khối"),
]  # fmt: skip
BLOC_ISSUER = ("ĐU", "Đảng ủy Khối các cơ quan tỉnh Nghệ An")

# Mountainous districts of Nghệ An before 2025, where the supported communes lie (border ones flagged).
MOUNTAIN_DISTRICTS = {"Huyện Kỳ Sơn": True, "Huyện Tương Dương": True, "Huyện Quế Phong": True,
                      "Huyện Con Cuông": False, "Huyện Quỳ Châu": False, "Huyện Quỳ Hợp": False}  # fmt: skip


def _aware(day: dt.date, hour: int = 9) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def _incoming(
    admin, register, type_code, number, issuer_code, issuer_name, issued, received, summary, signer
):
    return document_register(actor=admin, register=register, data={
        "doc_type": type_code, "number": number, "issuer_code": issuer_code, "issuer_name": issuer_name,
        "issued_date": issued, "received_date": received, "summary": summary, "signer": signer})  # fmt: skip


def _own(admin, register, type_code, issued, summary, signer, issuer=None, congress=False) -> Document:
    """An own document: numbered by the register's counter in order of issue, per type within the committee term
    (or, ``congress``, in the sequence of the congress in session)."""
    data = {
        "doc_type": type_code,
        "issued_date": issued,
        "summary": summary,
        "signer": signer,
        "congress": congress,
    }
    if issuer:
        data.update(issuer_code=issuer[0], issuer_name=issuer[1])
    return document_issue(actor=admin, register=register, data=data)


def _task(
    org, title, kind, assigned, deadline, *, document=None, figure_label="", closed=None, instructions=""
) -> Task:
    t = Task.objects.create(organization=org, document=document, title=title, report_kind=kind, assigned_date=assigned,
                            deadline=deadline, closed_date=closed, figure_label=figure_label,
                            instructions=instructions, mode=AssigneeMode.ALL_GRASSROOTS)  # fmt: skip
    Assignment.objects.bulk_create([Assignment(task=t, organization=o) for o in children_on(org, assigned)])
    return t


def _reports(rng, task, *, missing=0, late=0, rate=(0.86, 0.98), figure=None, not_yet: set[int] = frozenset(),
             reporter=None, upto: dt.date | None = None) -> None:  # fmt: skip
    """Fill the reports of a task: ``missing`` organizations never report, ``late`` report after the deadline."""
    assignments = list(task.assignments.select_related("organization").order_by("id"))
    rng.shuffle(assignments)
    silent = {a.pk for a in assignments[:missing]} | {
        a.pk for a in assignments if a.organization_id in not_yet
    }
    tardy = {a.pk for a in assignments[missing : missing + late]}
    span = max((task.deadline - task.assigned_date).days, 2)
    rows, by_day = [], defaultdict(list)
    for a in assignments:
        if a.pk in silent:
            continue
        if a.pk in tardy:
            filed = task.deadline + dt.timedelta(days=rng.randint(3, 25))
        else:
            filed = task.assigned_date + dt.timedelta(days=rng.randint(span // 3, span))
        if upto and filed > upto:
            continue
        a.reported_at = _aware(filed, rng.randint(8, 16))
        a.reported_by = reporter
        if task.report_kind == ReportKind.DISSEMINATION:
            a.session_date = filed - dt.timedelta(days=rng.randint(1, 6))
            by_day[a.session_date].append(a)
            a.content = "Tổ chức học tập, quán triệt tập trung; các chi bộ thảo luận, liên hệ với nhiệm vụ của cơ quan."
        elif task.report_kind == ReportKind.PROGRAMME:
            a.programme_symbol = (
                f"{rng.randint(1, 30):02d}-CTr/{'ĐU' if 'Đảng bộ' in a.organization.name else 'CB'}"
            )
            a.programme_date = filed - dt.timedelta(days=rng.randint(1, 10))
            a.content = "Đã ban hành chương trình hành động, phân công cấp ủy viên phụ trách từng nội dung."
        elif task.report_kind == ReportKind.FIGURE:
            a.figure = Decimal(rng.randint(*figure))
        else:
            a.content = "Báo cáo kết quả thực hiện theo hướng dẫn."
        rows.append(a)
    for day, group in by_day.items():  # the base is the roll of the session day, from the registry
        counts = counts_on([a.organization for a in group], day)
        for a in group:
            official, probationary = counts.get(a.organization_id, (0, 0))
            a.member_total = official + probationary
            a.attended = min(a.member_total, round(a.member_total * rng.uniform(*rate)))
    Assignment.objects.bulk_update(rows, ["reported_at", "reported_by", "session_date", "member_total", "attended",
                                          "programme_symbol", "programme_date", "figure", "content"])  # fmt: skip


def _targets(bloc, admin) -> None:
    term = Term.objects.get(organization=bloc, name="2010–2015")
    rows = [
        (1, "Kết nạp từ 700 đảng viên mới trở lên trong nhiệm kỳ", Unit.MEMBERS, Measure.CUMULATIVE, None, 700, "ket_nap"),
        (2, "Từ 95% chi bộ trở lên duy trì sinh hoạt thường kỳ đủ 12 tháng trong năm", Unit.PERCENT, Measure.LEVEL, 85, 95,
         "chi_bo_sinh_hoat_deu"),
        (3, "Từ 70% buổi sinh hoạt chi bộ trở lên được xếp loại tốt, khá", Unit.PERCENT, Measure.LEVEL, 60, 70,
         "sinh_hoat_tot_kha"),
        (4, "Trên 90% đảng viên tham gia học tập, quán triệt nghị quyết, chỉ thị của Đảng", Unit.PERCENT, Measure.LEVEL,
         85, 90, "hoc_tap_nghi_quyet"),
        (5, "Vận động các cơ quan giúp đỡ các xã nghèo, miền núi từ 8 tỷ đồng trở lên", Unit.MONEY, Measure.CUMULATIVE,
         None, 8_000_000_000, "ho_tro_xa"),
        (6, "Hằng năm có từ 80% tổ chức cơ sở đảng đạt trong sạch, vững mạnh", Unit.PERCENT, Measure.LEVEL, 76, 80, ""),
        (7, "Hằng năm có trên 85% đảng viên đủ tư cách, hoàn thành tốt nhiệm vụ", Unit.PERCENT, Measure.LEVEL, 78, 85, ""),
    ]  # fmt: skip
    targets = {}
    for number, text, unit, measure, baseline, goal, source in rows:
        targets[number] = target_save(actor=admin, term=term, data={
            "number": number, "text": text, "unit": unit, "measure": measure, "direction": TargetDirection.AT_LEAST,
            "goal": Decimal(goal), "source": source, "baseline": None if baseline is None else Decimal(baseline)})  # fmt: skip
    entered = {
        6: [(D(2010, 12, 31), "79.7", "Báo cáo kết quả đánh giá chất lượng tổ chức cơ sở đảng năm 2010"),
            (D(2011, 12, 31), "81.4", "Báo cáo kết quả đánh giá chất lượng tổ chức cơ sở đảng năm 2011"),
            (D(2012, 12, 31), "83.1", "Báo cáo kết quả đánh giá chất lượng tổ chức cơ sở đảng năm 2012")],
        7: [(D(2011, 12, 31), "79.2", "Báo cáo kết quả đánh giá chất lượng đảng viên năm 2011"),
            (D(2012, 12, 31), "79.6", "Báo cáo kết quả đánh giá chất lượng đảng viên năm 2012")],
    }  # fmt: skip
    for n, values in entered.items():
        for d, v, e in values:
            target_value_enter(
                actor=admin, target=targets[n], data={"period_end": d, "value": Decimal(v), "evidence": e}
            )


def _communes() -> list[Commune]:
    communes = list(Commune.objects.filter(era=Era.BEFORE_2025, province_code=40,
                                           district_name__in=list(MOUNTAIN_DISTRICTS)).order_by("district_name", "code"))  # fmt: skip
    rng = random.Random(SEED)
    chosen = sorted(rng.sample(communes, 35), key=lambda c: (c.district_name, c.code))
    for c in chosen:
        c.poor, c.mountainous, c.border = True, True, MOUNTAIN_DISTRICTS[c.district_name]
    Commune.objects.bulk_update(chosen, ["poor", "mountainous", "border"])
    return chosen


GIFTS = [
    (ContributionKind.MONEY, "Ủng hộ quỹ xóa nhà tạm cho hộ nghèo"),
    (ContributionKind.MONEY, "Hỗ trợ xây dựng nhà văn hóa bản"),
    (ContributionKind.GOODS, "Tặng gạo, chăn ấm, quần áo cho hộ nghèo"),
    (ContributionKind.GOODS, "Tặng sách vở, đồ dùng học tập cho học sinh vùng cao"),
    (ContributionKind.GOODS, "Tặng giống cây, con giống cho hộ nghèo"),
    (ContributionKind.WORK, "Cán bộ, đảng viên góp ngày công làm đường giao thông nông thôn"),
]


def _support(rng, admin, bloc, units_2013: list[Organization], communes: list[Commune]) -> None:
    programme = programme_save(actor=admin, organization=bloc, data={
        "name": "Chương trình các cơ quan giúp đỡ xã nghèo, xã miền núi khó khăn giai đoạn 2011–2015",
        "start_date": D(2011, 1, 1), "end_date": D(2015, 12, 31),
        "description": "Mỗi cơ quan nhận giúp đỡ một hoặc hai xã nghèo của các huyện miền núi, biên giới.",
    })  # fmt: skip
    pairs: dict[int, list[Commune]] = {}
    order = sorted(units_2013, key=lambda o: o.pk)
    rng.shuffle(order)
    supporters = order[:47]  # 47 agencies take part; 12 small ones do not
    for i, org in enumerate(supporters):
        first = communes[i % len(communes)]
        pairs[org.pk] = [first] if rng.random() < 0.7 else [first, rng.choice(communes)]
    periods = [(D(2011, 1, 1), D(2011, 12, 31), 0.75), (D(2012, 1, 1), D(2012, 12, 31), 0.85),
               (D(2013, 1, 1), D(2013, 6, 30), 1.0), (D(2013, 7, 1), D(2013, 12, 31), 0.8),
               (D(2014, 1, 1), D(2014, 12, 31), 0.85), (D(2015, 1, 1), D(2015, 12, 31), 0.7)]  # fmt: skip
    rows = []
    for start, end, share in periods:
        days = (end - start).days
        for org in supporters if share == 1.0 else rng.sample(supporters, int(len(supporters) * share)):
            for commune in pairs[org.pk]:
                for _ in range(rng.randint(1, 2)):
                    kind, text = rng.choice(GIFTS)
                    day = start + dt.timedelta(days=rng.randint(0, days))
                    if kind == ContributionKind.WORK:
                        quantity = Decimal(rng.randint(10, 60))
                        value = int(quantity) * 150_000
                    else:
                        quantity = None
                        value = rng.randint(8, 45) * 1_000_000
                    rows.append((org, commune, day, kind, value, quantity, text))
    contributions_bulk(actor=admin, programme=programme, rows=[
        {"supporter": org, "commune": commune, "date": day, "kind": kind, "value": value, "quantity": quantity,
         "description": text}
        for org, commune, day, kind, value, quantity, text in rows
    ])  # fmt: skip


def _current(rng, admin, now, personas) -> None:
    """Tasks of the successor committee (Đảng ủy UBND tỉnh) under way today: one due soon, one overdue."""
    ubnd = Organization.objects.get(code="UBND")
    reporter = personas.get("bankhoi")
    plan = _own(
        admin,
        ubnd,
        "KH",
        now - dt.timedelta(days=30),
        "Kế hoạch học tập, quán triệt, tuyên truyền nghị quyết của Đảng năm " + str(now.year),
        "Bí thư Đảng ủy",
    )
    syt = Organization.objects.get(code="KCQ-SYT")
    soon = _task(ubnd, "Học tập, quán triệt nghị quyết theo Kế hoạch " + plan.symbol, ReportKind.DISSEMINATION,
                 now - dt.timedelta(days=20), now + dt.timedelta(days=5), document=plan)  # fmt: skip
    _reports(rng, soon, missing=18, reporter=reporter, not_yet={syt.pk}, upto=now)
    overdue = _task(ubnd, f"Báo cáo số quần chúng ưu tú được giới thiệu học lớp bồi dưỡng nhận thức về Đảng năm {now.year}",
                    ReportKind.FIGURE, now - dt.timedelta(days=40), now - dt.timedelta(days=10),
                    figure_label="Số quần chúng ưu tú được giới thiệu")  # fmt: skip
    _reports(rng, overdue, missing=6, figure=(0, 12), reporter=reporter, upto=now)


def write(*, admin, personas: dict | None = None) -> dict:
    """Write the demo's directing work; returns a few counts."""
    rng = random.Random(SEED)
    now = today()
    bloc = Organization.objects.get(code="KCQ")
    for row in CONGRESS:
        _own(admin, bloc, *row, issuer=CONGRESS_ISSUER, congress=True)
    own = {d.symbol: d for d in (_own(admin, bloc, *row, issuer=BLOC_ISSUER) for row in OWN)}
    incoming = {d.symbol: d for d in (_incoming(admin, bloc, *row) for row in INCOMING)}
    closed = D(2013, 7, 10)  # the mid-term conference
    ct03, nq12, nq09, nq01 = incoming["03-CT/TW"], incoming["12-NQ/TW"], incoming["09-NQ/TU"], own["01-NQ/ĐU"]
    tasks = [
        (_task(bloc, "Học tập, quán triệt Chỉ thị 03-CT/TW của Bộ Chính trị", ReportKind.DISSEMINATION, D(2011, 6, 1),
               D(2011, 8, 31), document=ct03, closed=closed), {"missing": 2, "late": 3}),
        (_task(bloc, "Học tập, quán triệt Nghị quyết Trung ương 4 (khóa XI)", ReportKind.DISSEMINATION, D(2012, 2, 15),
               D(2012, 3, 31), document=nq12, closed=closed), {"missing": 0, "late": 4, "rate": (0.9, 0.99)}),
        (_task(bloc, "Xây dựng chương trình hành động thực hiện Nghị quyết Trung ương 4 (khóa XI)", ReportKind.PROGRAMME,
               D(2012, 2, 15), D(2012, 4, 30), document=nq12, closed=closed), {"missing": 1, "late": 5}),
        (_task(bloc, "Học tập, quán triệt Nghị quyết 09-NQ/TU của Tỉnh ủy", ReportKind.DISSEMINATION, D(2012, 1, 12),
               D(2012, 2, 29), document=nq09, closed=closed), {"missing": 3, "late": 2, "rate": (0.84, 0.96)}),
        (_task(bloc, "Xây dựng chương trình hành động thực hiện Nghị quyết 01-NQ/ĐU của Đảng ủy Khối",
               ReportKind.PROGRAMME, D(2010, 9, 20), D(2010, 11, 30), document=nq01, closed=closed), {"missing": 0}),
        (_task(bloc, "Báo cáo sơ kết giữa nhiệm kỳ thực hiện Nghị quyết Đại hội", ReportKind.WRITTEN, D(2013, 6, 1),
               D(2013, 6, 25), document=own["01-HD/ĐU"], closed=closed), {"missing": 0, "late": 6}),
    ]  # fmt: skip
    for task, options in tasks:
        _reports(rng, task, **options)
    _targets(bloc, admin)
    units_2013 = children_on(bloc, MIDTERM)
    _support(rng, admin, bloc, units_2013, _communes())
    _current(rng, admin, now, personas or {})
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE steering_assignment; ANALYZE steering_contribution")
    return {"documents": Document.objects.count(), "tasks": Task.objects.count(),
            "contributions": Contribution.objects.count()}  # fmt: skip
