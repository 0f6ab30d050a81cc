"""The deterministic demo: the history of Nghệ An's provincial agencies' bloc party committee (Đảng bộ Khối các
cơ quan tỉnh) from 01/01/2010 to today, as DOMAIN §1 tells it.

* 2010–2015: the bloc directs 59 grassroots organizations (about 6,000 members on 30/06/2013).
* 2016–2019: four organizations founded under the bloc; in 2018 the provincial disease control centre replaces
  the preventive medicine centre (its members move by a restructuring decision).
* 01/11/2024: 8 organizations of three district-level committees are handed over to the bloc → 70 grassroots
  organizations (47 committees, 23 cells), about 7,400 members.
* 13/02/2025: the Party agencies' committee (3255-QĐ/TU) and the provincial People's Committee's committee
  (3254-QĐ/TU) are founded; 19 organizations go to the first (642-QĐ/ĐUK), the rest to the second; the bloc
  ends. 01/07/2025: the district level is abolished.

Every member's history is a list of events (``MemberEvent``) simulated year by year with realistic rates —
admissions with ceremony and official recognition, deaths, transfers inside the deployment and out of it,
retirement transfers to the place of residence, arrivals, exemptions, removals and disciplines — and the member
state and roll periods are derived from the events with ``members.history.rules.replay`` (as
``members.history.services.rebuild`` does).
The restructurings then run through the restructuring services, which split the roll periods. A handful of
open items is left for today (probation ending, overdue ceremony and review, transfers in transit, party-age
milestones) so the alerts have real content. Last, ``demo.meetings.write`` adds the cells' meetings (monthly regular
meetings, quarterly thematic ones, plenaries; a few weak cells and planted absences; see demo/meetings.py).

Same seed, same day, same data: every run produces the same organizations, names and dates (dates of the
last months are relative to today).
"""

from __future__ import annotations

import datetime as dt
import heapq
import itertools
import random
import time
from collections import defaultdict

from django.contrib.auth.hashers import make_password
from django.core.management.color import no_style
from django.db import connection, transaction
from django.utils import timezone

from dangbo.accounts.choices import Role
from dangbo.accounts.models import RoleAssignment, User
from dangbo.core.dates import add_months, add_years, today
from dangbo.core.formats import so
from dangbo.core.workdays import WorkCalendar
from dangbo.members import rules as decisions
from dangbo.members.choices import (
    DecisionLevel,
    Degree,
    DisciplineForm,
    EventKind,
    GeneralEducation,
    MemberStatus,
    PoliticalTheory,
    TransferKind,
    TransferState,
)
from dangbo.members.counts import services as counts
from dangbo.members.history import rules as history
from dangbo.members.history import services as lifecycle
from dangbo.members.models import Member, MemberEvent, MemberPeriod, Transfer
from dangbo.members.services import derived_columns
from dangbo.organizations import services as org_services
from dangbo.organizations.choices import OrgKind, Position
from dangbo.organizations.models import CommitteeSeat, Organization, OrganizationLink, Term
from dangbo.organizations.tree import services as restructure
from dangbo.organizations.tree.selectors import child_path

from . import dues as demo_dues
from . import meetings as demo_meetings
from . import steering as demo_steering
from .names import (
    DISTRICTS,
    ETHNICITY_WEIGHTS,
    OTHER_PARTY_ORGS,
    RELIGION_WEIGHTS,
    RESIDENCE_PARTY_ORGS,
    person_name,
    weighted,
)

K = EventKind
S = MemberStatus
D = dt.date
SEED = 2013
DEMO_PASSWORD = "dangbo2013"
START = D(2010, 1, 1)  # the records were entered on this day: one "nhập hồ sơ" event each
TERM_START = D(2010, 8, 1)
TERM_END = D(2015, 8, 1)
MOVE_IN = D(2024, 11, 1)  # the district committees hand 8 organizations over to the bloc
SPLIT = D(2025, 2, 13)  # the bloc ends; its organizations go to the two new committees
DISTRICTS_END = D(2025, 7, 1)  # district level abolished

# (agency, short code, committee or cell, approximate members in 2013) — the bloc's 59 grassroots
# organizations of the 2010–2015 term (37 committees, 22 cells).
GRASSROOTS = [
    ("Văn phòng Tỉnh ủy", "VPTU", "bo", 95), ("Ban Tổ chức Tỉnh ủy", "BTCTU", "chi", 38),
    ("Ban Tuyên giáo Tỉnh ủy", "BTGTU", "chi", 34), ("Ủy ban Kiểm tra Tỉnh ủy", "UBKTTU", "chi", 36),
    ("Ban Dân vận Tỉnh ủy", "BDVTU", "chi", 25), ("Ban Nội chính Tỉnh ủy", "BNCTU", "chi", 22),
    ("Báo Nghệ An", "BNA", "bo", 110), ("Trường Chính trị tỉnh", "TCT", "bo", 85),
    ("Văn phòng UBND tỉnh", "VPUB", "bo", 120), ("Văn phòng Đoàn ĐBQH và HĐND tỉnh", "VPHD", "bo", 40),
    ("Sở Tài chính", "STC", "bo", 105), ("Sở Kế hoạch và Đầu tư", "SKHDT", "bo", 90), ("Sở Y tế", "SYT", "bo", 140),
    ("Sở Giáo dục và Đào tạo", "SGDDT", "bo", 130), ("Sở Nông nghiệp và Phát triển nông thôn", "SNN", "bo", 260),
    ("Sở Giao thông vận tải", "SGTVT", "bo", 160), ("Sở Xây dựng", "SXD", "bo", 110), ("Sở Công Thương", "SCT", "bo", 150),
    ("Sở Tư pháp", "STP", "bo", 70), ("Sở Nội vụ", "SNV", "bo", 95), ("Sở Lao động - Thương binh và Xã hội", "SLDTBXH", "bo", 150),
    ("Sở Văn hóa, Thể thao và Du lịch", "SVHTTDL", "bo", 170), ("Sở Khoa học và Công nghệ", "SKHCN", "bo", 75),
    ("Sở Tài nguyên và Môi trường", "STNMT", "bo", 140), ("Sở Thông tin và Truyền thông", "STTTT", "bo", 40),
    ("Sở Ngoại vụ", "SNGV", "chi", 28), ("Thanh tra tỉnh", "TTT", "bo", 45), ("Ban Dân tộc tỉnh", "BDT", "chi", 35),
    ("Đài Phát thanh và Truyền hình tỉnh", "DPTTH", "bo", 150), ("Ủy ban Mặt trận Tổ quốc tỉnh", "MTTQ", "bo", 38),
    ("Tỉnh đoàn Nghệ An", "TD", "bo", 40), ("Hội Liên hiệp Phụ nữ tỉnh", "HLHPN", "chi", 30),
    ("Hội Nông dân tỉnh", "HND", "chi", 28), ("Hội Cựu chiến binh tỉnh", "HCCB", "chi", 22),
    ("Liên đoàn Lao động tỉnh", "LDLD", "bo", 75), ("Kho bạc Nhà nước tỉnh", "KBNN", "bo", 120),
    ("Cục Thống kê tỉnh", "CTK", "bo", 80), ("Bảo hiểm xã hội tỉnh", "BHXH", "bo", 130),
    ("Bệnh viện Hữu nghị đa khoa Nghệ An", "BVHNDK", "bo", 320), ("Bệnh viện Sản Nhi Nghệ An", "BVSN", "bo", 180),
    ("Bệnh viện Ung bướu Nghệ An", "BVUB", "bo", 120), ("Bệnh viện Y học cổ truyền tỉnh", "BVYHCT", "bo", 70),
    ("Trung tâm Y tế dự phòng tỉnh", "TTYTDP", "chi", 40), ("Trường Cao đẳng Y tế Nghệ An", "CDYT", "bo", 75),
    ("Trường Cao đẳng Sư phạm Nghệ An", "CDSP", "bo", 110), ("Trường THPT chuyên Phan Bội Châu", "PBC", "bo", 45),
    ("Trường THPT Huỳnh Thúc Kháng", "HTK", "bo", 40), ("Trường THPT Hà Huy Tập", "HHT", "chi", 38),
    ("Hội Chữ thập đỏ tỉnh", "HCTD", "chi", 18), ("Liên minh Hợp tác xã tỉnh", "LMHTX", "chi", 20),
    ("Liên hiệp các Hội Khoa học và Kỹ thuật tỉnh", "LHKHKT", "chi", 15), ("Hội Văn học Nghệ thuật tỉnh", "HVHNT", "chi", 18),
    ("Ban Quản lý Khu kinh tế Đông Nam", "BQLKKT", "bo", 65), ("Trung tâm Xúc tiến Đầu tư, Thương mại và Du lịch", "TTXT", "chi", 22),
    ("Quỹ Đầu tư phát triển tỉnh", "QDTPT", "chi", 20), ("Viện Quy hoạch - Kiến trúc xây dựng", "VQH", "chi", 30),
    ("Ban Quản lý dự án công trình giao thông", "BQLDAGT", "chi", 35), ("Công ty Xổ số kiến thiết Nghệ An", "XSKT", "chi", 30),
    ("Nhà xuất bản Nghệ An", "NXB", "chi", 16),
]  # fmt: skip
assert len(GRASSROOTS) == 59

# Founded under the bloc later: (agency, code, kind, founding date, decision, staffed from [(code, n)]).
# The disease control centre replaces the preventive medicine centre (its members move by the decision).
LATER = [
    ("Hội Nhà báo tỉnh", "HNB", "chi", D(2016, 3, 15), "512-QĐ/ĐUK", [("BNA", 5), ("DPTTH", 5)]),
    ("Ban Quản lý dự án đầu tư xây dựng công trình dân dụng và công nghiệp tỉnh", "BQLDD", "bo", D(2017, 5, 10),
     "688-QĐ/ĐUK", [("SXD", 22), ("SGTVT", 8), ("VQH", 4)]),
    ("Trung tâm Kiểm soát bệnh tật tỉnh", "CDC", "bo", D(2018, 7, 1), "905-QĐ/ĐUK", []),
    ("Văn phòng Điều phối Chương trình xây dựng nông thôn mới tỉnh", "VPDP", "chi", D(2019, 9, 20), "1120-QĐ/ĐUK",
     [("SNN", 12)]),
]  # fmt: skip
REPLACED = {"TTYTDP": ("CDC", "904-QĐ/ĐUK")}
LATER_SIZES = {"HNB": 12, "BQLDD": 35, "CDC": 50, "VPDP": 12}  # weights as a destination of transfers

# District-level committees whose provincial units move to the bloc on MOVE_IN:
# (name, code, admission authority, its code, handover decision, [(agency, code, kind, members)]).
DISTRICT_COMMITTEES = [
    ("Đảng bộ thành phố Vinh", "VINH", "Thành ủy Vinh", "ThU", "2781-QĐ/TU", [
        ("Trường Đại học Y khoa Vinh", "DHYKV", "bo", 120), ("Trường Cao đẳng Việt - Đức Nghệ An", "CDVD", "bo", 70),
        ("Trường Cao đẳng Du lịch - Thương mại Nghệ An", "CDDLTM", "bo", 55),
        ("Bệnh viện Chấn thương chỉnh hình Nghệ An", "BVCTCH", "bo", 65),
        ("Trung tâm Nước sạch và Vệ sinh môi trường nông thôn", "TTNS", "bo", 40)]),
    ("Đảng bộ huyện Nam Đàn", "NDAN", "Huyện ủy Nam Đàn", "HU", "2782-QĐ/TU", [
        ("Khu di tích Kim Liên", "KDTKL", "bo", 35)]),
    ("Đảng bộ huyện Con Cuông", "CCUONG", "Huyện ủy Con Cuông", "HU", "2783-QĐ/TU", [
        ("Vườn Quốc gia Pù Mát", "VQGPM", "bo", 60), ("Bệnh viện Đa khoa khu vực Tây Nam Nghệ An", "BVTN", "bo", 70)]),
]  # fmt: skip

# The 19 organizations handed to the Party agencies' committee on 13/02/2025 (642-QĐ/ĐUK): party agencies,
# the Fatherland Front and the mass organizations, the party's newspaper and school, the people's council office.
TO_PARTY_AGENCIES = [
    "VPTU", "BTCTU", "BTGTU", "UBKTTU", "BDVTU", "BNCTU", "BNA", "TCT", "VPHD", "MTTQ", "TD", "HLHPN", "HND",
    "HCCB", "LDLD", "HCTD", "LHKHKT", "HVHNT", "HNB",
]  # fmt: skip
# Associations whose staff are often retired cadres: members stay on well past retirement age.
ELDER_UNITS = {"HCCB", "HVHNT", "LHKHKT", "HCTD"}

BLOC_ISSUER = ("Đảng ủy Khối các cơ quan tỉnh Nghệ An", "ĐUK")
CQD_ISSUER = ("Đảng ủy các cơ quan Đảng tỉnh Nghệ An", "ĐU")
UBND_ISSUER = ("Đảng ủy UBND tỉnh Nghệ An", "ĐU")

CELL_UNITS = {
    "default": ["Văn phòng", "Phòng Tổ chức cán bộ", "Phòng Kế hoạch - Tài chính", "Thanh tra", "Phòng Nghiệp vụ 1",
                "Phòng Nghiệp vụ 2", "Phòng Pháp chế", "Trung tâm trực thuộc", "Phòng Tổng hợp", "Đơn vị sự nghiệp"],
    "Bệnh viện": ["Khối Hành chính", "Khoa Nội", "Khoa Ngoại", "Khoa Sản", "Khoa Nhi", "Khoa Cấp cứu",
                  "Khoa Xét nghiệm", "Khoa Dược", "Khoa Hồi sức tích cực", "Khoa Chẩn đoán hình ảnh"],
    "Trường": ["Khối Văn phòng", "Khoa Lý luận cơ sở", "Khoa Xây dựng Đảng", "Khoa Nhà nước và Pháp luật",
               "Khoa Cơ bản", "Khoa Điều dưỡng", "Khoa Tự nhiên", "Khoa Xã hội", "Học sinh, sinh viên"],
    "Báo": ["Ban Thư ký tòa soạn", "Ban Thời sự", "Ban Kinh tế", "Ban Văn hóa - Xã hội", "Ban Điện tử", "Phòng Hành chính - Trị sự"],
}  # fmt: skip
OCCUPATIONS = ["Công chức", "Viên chức", "Bác sĩ", "Giáo viên", "Kỹ sư", "Phóng viên", "Kế toán", "Điều dưỡng",
               "Chuyên viên", "Giảng viên", "Nhân viên"]  # fmt: skip
PROFESSIONS = ["Kinh tế", "Luật", "Y khoa", "Sư phạm", "Kế toán", "Quản trị kinh doanh", "Xây dựng", "Nông nghiệp",
               "Báo chí", "Công nghệ thông tin", "Hành chính học", "Tài chính - Ngân hàng"]  # fmt: skip
TRANSFER_REASONS = [
    "Chuyển công tác",
    "Điều động, luân chuyển cán bộ",
    "Thay đổi nơi công tác theo quyết định",
]

# Yearly rates (share of the members on the roll at the start of the year).
ADMISSION_RATE = 0.028
ARRIVAL_RATE = 0.011
INTERNAL_TRANSFER_RATE = 0.010
OUT_OF_PROVINCE_RATE = 0.004
EXEMPTION_RATE = 0.006  # members aged 50 and over
REMOVAL_RATE = 0.0006
EXPULSION_RATE = 0.0001
DISCIPLINE_RATE = 0.002
REMOVED_AT_REVIEW = 0.01  # probationary members not recognised at the review

# Demo logins, printed by "dangbo serve" and documented in README.md. Today the bloc no longer exists: the
# province's organization board sees its history and both successors.
PERSONAS = [
    ("quantri", "Quản trị hệ thống", None, None),
    ("tinhuy", "Cán bộ Ban Tổ chức Tỉnh ủy", Role.STAFF, "NA"),
    ("bankhoi", "Cán bộ Ban Tổ chức Đảng ủy UBND tỉnh", Role.STAFF, "UBND"),
    ("thuongvu", "Ủy viên Ban Thường vụ Đảng ủy UBND tỉnh", Role.LEADER, "UBND"),
    ("bithu.syt", "Bí thư Đảng ủy Sở Y tế", Role.GRASSROOTS_SECRETARY, "KCQ-SYT"),
    ("bithu.stc", "Bí thư Đảng ủy Sở Tài chính", Role.GRASSROOTS_SECRETARY, "KCQ-STC"),
    ("bithu.chibo", "Bí thư Chi bộ Văn phòng, Sở Y tế", Role.CELL_SECRETARY, "KCQ-SYT-01"),
    ("dangvien", "Đảng viên Chi bộ Văn phòng, Sở Y tế", Role.MEMBER, "KCQ-SYT-01"),
]


def retirement_date(birth: dt.date, gender: str) -> dt.date:
    """Retirement age of the Labour Code: 60 (men) / 55 (women) until 2020, then rising by 3 / 4 months a year
    to 62 / 60."""
    for year in range(birth.year + 55, birth.year + 64):
        if gender == "nam":
            months = 720 if year < 2021 else min(744, 723 + 3 * (year - 2021))
        else:
            months = 660 if year < 2021 else min(720, 664 + 4 * (year - 2021))
        day = add_months(birth, months)
        if day.year <= year:
            return day
    return add_years(birth, 62)  # pragma: no cover


def _units_for(agency: str) -> list[str]:
    for prefix, units in CELL_UNITS.items():
        if prefix != "default" and agency.startswith(prefix):
            return units
    return CELL_UNITS["default"]


def _org(
    name, code, kind, parent, *, short="", host="", founded=None, decision="", issuer=""
) -> Organization:
    """An organization that existed before the records start (plain rows, no audit: the deployment's setup)."""
    org = Organization(
        name=name, short_name=short, code=code, kind=kind, host_unit=host, parent=parent,
        depth=parent.depth + 1 if parent else 0, founding_date=founded, founding_decision_no=decision,
        founding_issuer=issuer, path="~",
    )  # fmt: skip
    org.name_norm = derived_columns(name, "")["name_norm"]
    org.save()
    org.path = child_path(parent.path if parent else "", org.pk)
    org.save(update_fields=["path"])
    OrganizationLink.objects.create(
        organization=org, parent=parent, valid_from=founded, decision_no=decision, name=name, path=org.path
    )
    return org


class _Calendar(WorkCalendar):
    """The working-day calendar with each day's answer remembered (the simulation asks ~10⁵ times)."""

    def __init__(self, overrides=None):
        super().__init__(overrides)
        self._days: dict[dt.date, bool] = {}

    def is_working_day(self, d: dt.date) -> bool:
        known = self._days.get(d)
        if known is None:
            known = self._days[d] = super().is_working_day(d)
        return known


# --- The simulation -------------------------------------------------------------------------------------


class Unit:
    """A grassroots organization of the demo: its cells, life span and admission authority over time."""

    def __init__(self, org, code, cells, *, start=None, end=None, authorities, size=0):
        self.org, self.code, self.cells = org, code, cells
        self.start, self.end = start, end
        self.authorities = authorities  # [(from date, issuer name, issuer code)], oldest first
        self.size = size
        self.successor: Unit | None = None
        self.elder = code.split("-")[-1] in ELDER_UNITS

    def active(self, day: dt.date) -> bool:
        return (self.start is None or self.start <= day) and (self.end is None or day < self.end)

    # Every admission authority of the demo is a committee directly above the grassroots organizations (the
    # bloc, a district committee, the two committees of 2025): the level its decisions carry.
    authority_level = DecisionLevel.UPPER

    def authority(self, day: dt.date) -> tuple[str, str]:
        issuer = self.authorities[0]
        for a in self.authorities:
            if a[0] <= day:
                issuer = a
        return issuer[1], issuer[2]

    @property
    def own_issuer(self) -> tuple[str, str]:
        """The grassroots organization's own decisions (disciplines, exemptions)."""
        agency = self.org.short_name or self.org.name
        if self.org.kind == OrgKind.GRASSROOTS_COMMITTEE:
            return f"Đảng ủy {agency}", "ĐU"
        return f"Chi bộ {agency}", "CB"

    @property
    def own_level(self) -> str:
        return (
            DecisionLevel.GRASSROOTS if self.org.kind == OrgKind.GRASSROOTS_COMMITTEE else DecisionLevel.CELL
        )


class Ev:
    """An event being built (replay reads kind, date, organization_id, discipline_form, external)."""

    __slots__ = (
        "kind",
        "date",
        "organization_id",
        "discipline_form",
        "external",
        "seq",
        "fields",
        "transfer",
    )

    def __init__(
        self, seq, kind, date, org_id, *, transfer=None, external=False, discipline_form="", **fields
    ):
        self.seq, self.kind, self.date, self.organization_id = seq, kind, date, org_id
        self.transfer, self.external, self.discipline_form, self.fields = (
            transfer,
            external,
            discipline_form,
            fields,
        )


def _letter(t: Transfer) -> dict:
    """An introduction letter as the decision of its "chuyển đi" event."""
    return {"decision_no": t.letter_no, "decision_date": t.sent_date, "decision_level": t.issuer_level,
            "decision_issuer": t.issuer}  # fmt: skip


class Person:
    __slots__ = ("m", "events", "status", "party", "cell", "unit", "on_roll", "exempted", "protected", "retire",
                 "ceremony", "official", "result")  # fmt: skip

    def __init__(
        self, member: Member, unit: Unit, cell: Organization, *, party: str, retire, protected=False
    ):
        self.m, self.unit, self.cell = member, unit, cell
        self.events: list[Ev] = []
        self.party = party
        self.status: str | None = None
        self.on_roll = False
        self.exempted = False
        self.protected = protected
        self.retire = retire
        self.ceremony = None
        self.official = None
        self.result = None


class Simulation:
    def __init__(self, rng: random.Random, now: dt.date, cal: WorkCalendar, units: list[Unit]):
        self.rng, self.now, self.cal, self.units = rng, now, cal, units
        self.unit_of_cell = {c.pk: u for u in units for c in u.cells}
        self.people: list[Person] = []
        self.transfers: list[Transfer] = []
        self.heap: list = []
        self.seq = itertools.count()
        self.numbers: dict[tuple[str, int], int] = {}
        self.ids = itertools.count(1)

    # -- helpers

    def at(self, day: dt.date, fn, *args, **kw) -> None:
        heapq.heappush(self.heap, (day, next(self.seq), fn, args, kw))

    def run_until(self, end: dt.date) -> None:
        while self.heap and self.heap[0][0] <= end:
            day, _, fn, args, kw = heapq.heappop(self.heap)
            fn(day, *args, **kw)

    def workday(self, day: dt.date) -> dt.date:
        while not self.cal.is_working_day(day):
            day += dt.timedelta(days=1)
        return day

    def back(self, n: int) -> dt.date:
        """The working day n working days before today."""
        day = self.now
        while n:
            day -= dt.timedelta(days=1)
            if self.cal.is_working_day(day):
                n -= 1
        return day

    def number(self, issuer: str, code: str, kind: str, day: dt.date) -> str:
        """Document numbers restart each year per issuer (DOMAIN §6)."""
        key = (issuer, day.year)
        n = self.numbers.get(key) or self.rng.randint(3, 40)
        self.numbers[key] = n + self.rng.randint(1, 4)
        return f"{n}-{kind}/{code}"

    def event(self, p: Person, kind, day, org_id, **kw) -> Ev:
        ev = Ev(next(self.seq), kind, day, org_id, **kw)
        p.events.append(ev)
        return ev

    def pick(self, unit: Unit, day: dt.date, *, cell=None, official=True) -> Person | None:
        cells = {cell.pk} if cell else {c.pk for c in unit.cells}
        pool = [p for p in self.people if p.on_roll and p.cell.pk in cells and not p.protected
                and (p.status == S.OFFICIAL or not official) and not p.exempted]  # fmt: skip
        return self.rng.choice(pool) if pool else None

    # -- people

    def new_person(
        self, unit: Unit, cell, *, birth, gender, joined, decision_date, official, protected=False
    ):
        rng = self.rng
        seq = next(self.ids)
        full_name = person_name(rng, gender)
        theory = weighted(rng, [(PoliticalTheory.NONE, 8), (PoliticalTheory.ELEMENTARY, 30),
                                (PoliticalTheory.INTERMEDIATE, 35), (PoliticalTheory.ADVANCED, 20),
                                (PoliticalTheory.BACHELOR, 7)])  # fmt: skip
        street = rng.choice(
            ["Lê Lợi", "Nguyễn Du", "Trường Thi", "Quang Trung", "Lê Hồng Phong", "Phan Đình Phùng"]
        )
        m = Member(
            full_name=full_name, gender=gender, birth_date=birth,
            birth_place=f"{rng.choice(DISTRICTS)}, Nghệ An", native_place=f"{rng.choice(DISTRICTS)}, Nghệ An",
            residence=f"Số {rng.randint(1, 200)}, đường {street}, TP. Vinh",
            ethnicity=weighted(rng, ETHNICITY_WEIGHTS), religion=weighted(rng, RELIGION_WEIGHTS),
            occupation=rng.choice(OCCUPATIONS),
            citizen_id=f"040{'0' if gender == 'nam' else '1'}{birth.year % 100:02d}{seq:06d}",
            card_number=f"{rng.randint(10000000, 99999999)}" if official else "", cv_number=f"NA-{seq:06d}",
            organization=cell, joined_date=joined, admission_decision_date=decision_date,
            joined_cell=cell.name if joined else "", official_date=official,
            official_cell=cell.name if official else "",
            introducer_1=person_name(rng, rng.choice(["nam", "nu"])),
            introducer_2=person_name(rng, rng.choice(["nam", "nu"])),
            youth_union_date=add_years(birth, 16) if rng.random() < 0.9 else None,
            general_education=GeneralEducation.GRADE_12 if rng.random() < 0.97 else GeneralEducation.GRADE_9,
            professional_education=rng.choice(PROFESSIONS),
            degree=weighted(rng, [(Degree.BACHELOR, 60), (Degree.MASTER, 25), (Degree.DOCTOR, 4),
                                  (Degree.COLLEGE, 6), (Degree.INTERMEDIATE, 5)]),
            political_theory=theory, **derived_columns(full_name, cell.path),
        )  # fmt: skip
        retire = retirement_date(birth, gender)
        if unit.elder:
            retire = add_years(retire, 8)
        p = Person(m, unit, cell, party=S.OFFICIAL if official else S.PROBATIONARY, retire=retire,
                   protected=protected)  # fmt: skip
        self.people.append(p)
        return p

    def initial(self, unit: Unit, count: int) -> None:
        """Members on the roll when the records start (01/01/2010): one "nhập hồ sơ" event each."""
        rng = self.rng
        for k in range(count):
            cell = unit.cells[k % len(unit.cells)]
            gender = "nam" if rng.random() < 0.56 else "nu"
            while True:
                top = 67 if unit.elder else (59 if gender == "nam" else 54)
                age = int(rng.triangular(23, top + 1, 44))
                birth = D(2010 - age, rng.randint(1, 12), rng.randint(1, 28))
                retire = retirement_date(birth, gender) if not unit.elder else add_years(birth, 68)
                if retire > D(2010, 3, 1):
                    break
            lo = add_years(birth, 19)
            hi = min(D(2009, 12, 10), add_years(birth, 42))
            joined = lo + dt.timedelta(days=rng.randint(0, max((hi - lo).days, 0)))
            self._enrol(unit, cell, birth, gender, joined)

    def _enrol(self, unit, cell, birth, gender, joined, *, decision=None, protected=False) -> Person:
        rng = self.rng
        decision = decision or joined - dt.timedelta(days=rng.randint(5, 25))
        official = add_years(joined, 1)
        p = self.new_person(unit, cell, birth=birth, gender=gender, joined=joined, decision_date=decision,
                            official=official, protected=protected)  # fmt: skip
        issuer, code = unit.authority(START)
        p.m.admission_decision_no = f"{rng.randint(10, 900)}-QĐ/{code}"
        if official > START:  # still probationary: the cell reviews the case when the 12 months end
            p.party = S.PROBATIONARY
            p.m.official_date, p.m.official_cell = None, ""
            p.ceremony = joined
            self.at(
                self.workday(official + dt.timedelta(days=rng.randint(3, 30))),
                self.review,
                p,
                official,
                False,
            )
        self.event(p, K.ENROLL, START, cell.pk, note="Nhập hồ sơ đảng viên vào hệ thống")
        p.status, p.on_roll = p.party, True
        return p

    # -- actions (each runs on its date; a state that no longer allows it makes it a no-op)

    def admit(
        self, day, cell, ceremony_on=None, *, ceremony=True, review=True, protected=False
    ) -> Person | None:
        rng = self.rng
        c = ceremony_on or self.cal.add_working_days(day, rng.randint(5, 28))
        window = add_months(self.now, -12)
        if not protected and window < c <= window + dt.timedelta(days=30) and rng.random() < 0.6:
            return None  # about ten probations end in the coming 30 days (see _top_up_probation)
        unit = self.unit_of_cell[cell.pk]
        if not unit.active(day):
            unit = unit.successor
            cell = rng.choice(unit.cells)
        gender = "nam" if rng.random() < 0.5 else "nu"
        age = rng.triangular(20, 38, 26)
        birth = day - dt.timedelta(days=int(age * 365.25) + rng.randint(0, 200))
        p = self.new_person(unit, cell, birth=birth, gender=gender, joined=None, decision_date=day, official=None,
                            protected=protected)  # fmt: skip
        issuer, code = unit.authority(day)
        number = self.number(issuer, code, "QĐ", day)
        p.m.admission_decision_no = number
        self.event(p, K.ADMISSION, day, cell.pk, decision_no=number, decision_date=day, decision_issuer=issuer,
                   decision_level=unit.authority_level)  # fmt: skip
        p.status, p.on_roll = S.PROBATIONARY, True
        if ceremony:
            self.at(c, self.hold_ceremony, p, review)
        return p

    def hold_ceremony(self, day, p: Person, review=True) -> None:
        if not p.on_roll or p.status != S.PROBATIONARY:
            return
        self.event(p, K.CEREMONY, day, p.cell.pk, note="Tổ chức lễ kết nạp tại chi bộ")
        p.ceremony = day
        p.m.joined_date, p.m.joined_cell = day, p.cell.name
        if not review:
            return
        effective = add_months(day, 12)
        decided = self.cal.add_working_days(effective, self.rng.randint(3, 25))
        late = self.rng.random() < 0.06
        if late:  # a few cells decide some weeks late (never left overdue today: see _open_items)
            later = self.cal.add_working_days(effective, self.rng.randint(35, 55))
            late = later <= self.now - dt.timedelta(days=10)
            decided = later if late else decided
        self.at(decided, self.review, p, effective, late)

    def review(self, day, p: Person, effective, late) -> None:
        """The official recognition, decided on ``day``, effective at the end of the 12 months."""
        if not p.on_roll or p.status != S.PROBATIONARY:
            return
        issuer, code = p.unit.authority(day)
        number = self.number(issuer, code, "QĐ", day)
        if self.rng.random() < REMOVED_AT_REVIEW and not p.protected:
            self.event(p, K.REMOVAL, day, p.cell.pk, decision_no=number, decision_date=day, decision_issuer=issuer,
                       decision_level=p.unit.authority_level, note="Không đủ tư cách đảng viên chính thức")  # fmt: skip
            p.status, p.on_roll = S.REMOVED, False
            return
        note = "Chi bộ xét muộn; công nhận chính thức từ ngày hết 12 tháng dự bị" if late else ""
        self.event(p, K.OFFICIAL, effective, p.cell.pk, decision_no=number, decision_date=day, decision_issuer=issuer,
                   decision_level=p.unit.authority_level, note=note)  # fmt: skip
        p.status = p.party = S.OFFICIAL
        p.official = effective
        p.m.official_date, p.m.official_cell = effective, p.cell.name
        if not p.m.card_number:
            p.m.card_number = f"{self.rng.randint(10000000, 99999999)}"

    def arrive(self, day, cell) -> None:
        """A member arrives from outside the deployment (tiếp nhận sinh hoạt đảng)."""
        rng = self.rng
        unit = self.unit_of_cell[cell.pk]
        if not unit.active(day):
            return
        gender = "nam" if rng.random() < 0.55 else "nu"
        age = rng.triangular(24, 50, 32)
        birth = day - dt.timedelta(days=int(age * 365.25) + rng.randint(0, 200))
        if rng.random() < 0.9:
            joined = add_years(birth, 19) + dt.timedelta(days=int(rng.uniform(0, age - 20.2) * 365.25))
            official = add_years(joined, 1)
        else:
            joined, official = day - dt.timedelta(days=rng.randint(30, 300)), None
        p = self.new_person(unit, cell, birth=birth, gender=gender, joined=joined,
                            decision_date=joined - dt.timedelta(days=rng.randint(5, 25)), official=official)  # fmt: skip
        p.m.joined_cell = "Chi bộ nơi công tác trước"
        p.m.official_cell = "Chi bộ nơi công tác trước" if official else ""
        p.m.admission_decision_no = f"{rng.randint(10, 900)}-QĐ/ĐU"
        origin = rng.choice(OTHER_PARTY_ORGS)
        sent = day - dt.timedelta(days=rng.randint(3, 25))
        t = Transfer(
            kind=TransferKind.OFFICIAL, state=TransferState.RECEIVED, from_external=origin, to_organization=unit.org,
            received_cell=cell, moved_date=sent - dt.timedelta(days=rng.randint(3, 40)),
            letter_no=f"{rng.randint(10, 400)}-GGT/ĐU", sent_date=sent,
            valid_until=self.cal.add_working_days(sent, 30), dues_paid_to=D(sent.year, sent.month, 1),
            received_date=day, reason=rng.choice(TRANSFER_REASONS),
        )  # fmt: skip
        t._person = p
        self.transfers.append(t)
        self.event(p, K.TRANSFER_IN, day, cell.pk, transfer=t, decision_no=t.letter_no)
        p.party = S.OFFICIAL if official else S.PROBATIONARY
        p.status, p.on_roll = p.party, True
        if official is None:
            p.ceremony = joined
            effective = add_months(joined, 12)
            self.at(
                self.cal.add_working_days(effective, rng.randint(3, 25)), self.review, p, effective, False
            )

    def send(self, day, p: Person, target: Unit | None = None, delay=None, *, receive=True) -> bool:
        """An official transfer to another grassroots organization of the deployment."""
        rng = self.rng
        if not p.on_roll or p.status not in (S.OFFICIAL, S.PROBATIONARY):
            return False
        if target is None:
            choices = [u for u in self.units if u is not p.unit and u.active(day)]
            target = rng.choices(choices, weights=[u.size for u in choices])[0]
        received = day + dt.timedelta(days=delay if delay is not None else rng.randint(5, 40))
        if receive and received > self.now:
            return False  # the transfers in transit today are the few of _open_items
        issuer, code = p.unit.authority(day)
        letter = self.number(issuer, code, "GGT", day)
        t = Transfer(
            kind=TransferKind.OFFICIAL, state=TransferState.SENT, from_organization=p.cell, to_organization=target.org,
            moved_date=day - dt.timedelta(days=rng.randint(2, 30)), letter_no=letter, sent_date=day,
            valid_until=self.cal.add_working_days(day, 30), dues_paid_to=D(day.year, day.month, 1),
            reason=rng.choice(TRANSFER_REASONS), issuer=issuer, issuer_level=p.unit.authority_level,
        )  # fmt: skip
        t._person = p
        self.transfers.append(t)
        self.event(p, K.TRANSFER_OUT, day, p.cell.pk, transfer=t, **_letter(t))
        p.status, p.on_roll = S.IN_TRANSIT, False
        if receive:
            self.at(received, self.receive, p, t, target)
        return True

    def receive(self, day, p: Person, t: Transfer, target: Unit) -> None:
        if p.status != S.IN_TRANSIT:
            return
        if not target.active(day):
            target = target.successor
        cell = self.rng.choice(target.cells)
        t.state, t.received_cell, t.received_date = TransferState.RECEIVED, cell, day
        self.event(p, K.TRANSFER_IN, day, cell.pk, transfer=t, decision_no=t.letter_no)
        p.cell, p.unit = cell, target
        p.status, p.on_roll = p.party, True

    def leave(self, day, p: Person, destination: str, reason: str) -> None:
        """An official transfer out of the deployment (retirement to the place of residence, another province)."""
        if not p.on_roll:
            return
        issuer, code = p.unit.authority(day)
        letter = self.number(issuer, code, "GGT", day)
        t = Transfer(
            kind=TransferKind.OFFICIAL, state=TransferState.SENT, from_organization=p.cell, to_external=destination,
            moved_date=day - dt.timedelta(days=self.rng.randint(2, 30)), letter_no=letter, sent_date=day,
            valid_until=self.cal.add_working_days(day, 30), dues_paid_to=D(day.year, day.month, 1), reason=reason,
            issuer=issuer, issuer_level=p.unit.authority_level,
        )  # fmt: skip
        # The receiving side returns the slip of the letter (phiếu báo đã tiếp nhận) within a few weeks; only the
        # letters of the last weeks still wait for it.
        confirmed = day + dt.timedelta(days=self.rng.randint(7, 35))
        if confirmed <= self.now:
            t.state, t.received_date = TransferState.RECEIVED, confirmed
        t._person = p
        self.transfers.append(t)
        self.event(p, K.TRANSFER_OUT, day, p.cell.pk, transfer=t, external=True, **_letter(t))
        p.status, p.on_roll, p.exempted = S.TRANSFERRED_OUT, False, False

    def die(self, day, p: Person) -> None:
        if not p.on_roll:
            return
        self.event(p, K.DEATH, day, p.cell.pk, note="Từ trần")
        p.status, p.on_roll, p.exempted = S.DECEASED, False, False

    def exempt(self, day, p: Person) -> None:
        if not p.on_roll or p.exempted or p.status != S.OFFICIAL:
            return
        issuer, _ = p.unit.own_issuer
        self.event(p, K.EXEMPTION, day, p.cell.pk, decision_date=day, decision_issuer=issuer,
                   decision_level=p.unit.own_level, note="Tuổi cao, sức yếu; miễn công tác và sinh hoạt đảng")  # fmt: skip
        p.exempted = True

    def remove(self, day, p: Person, kind=K.REMOVAL) -> None:
        if not p.on_roll or p.status != S.OFFICIAL:
            return
        issuer, code = p.unit.authority(day)
        number = self.number(issuer, code, "QĐ", day)
        note = ("Bỏ sinh hoạt chi bộ, không đóng đảng phí 3 tháng trong năm không có lý do chính đáng"
                if kind == K.REMOVAL else "Vi phạm nghiêm trọng Điều lệ Đảng")  # fmt: skip
        self.event(p, kind, day, p.cell.pk, decision_no=number, decision_date=day, decision_issuer=issuer,
                   decision_level=p.unit.authority_level, note=note)  # fmt: skip
        p.status, p.on_roll, p.exempted = (S.REMOVED if kind == K.REMOVAL else S.EXPELLED), False, False

    def discipline(self, day, p: Person) -> None:
        if not p.on_roll:
            return
        issuer, code = p.unit.own_issuer
        form = DisciplineForm.REPRIMAND if self.rng.random() < 0.7 else DisciplineForm.WARNING
        self.event(p, K.DISCIPLINE, day, p.cell.pk, discipline_form=form, discipline_year=day.year,
                   decision_no=self.number(issuer, code, "QĐ", day), decision_date=day, decision_issuer=issuer,
                   decision_level=p.unit.own_level,
                   note="Vi phạm quy định về những điều đảng viên không được làm")  # fmt: skip

    def staff(self, day, unit: Unit, sources) -> None:
        """A new organization: members of the agencies it comes from transfer to it."""
        by_code = {u.code: u for u in self.units}
        for code, n in sources:
            for _ in range(n):
                p = self.pick(by_code[f"KCQ-{code}"], day)
                if p:
                    self.send(day, p, unit, delay=self.rng.randint(2, 12))

    def reorganize(self, day, old: Unit, new: Unit, decision_no: str) -> None:
        """The members of ``old`` move to the cells of ``new`` by the restructuring decision."""
        k = 0
        for p in self.people:
            if p.on_roll and p.unit is old:
                cell = new.cells[k % len(new.cells)]
                k += 1
                self.event(p, K.RESTRUCTURE_MOVE, day, cell.pk, decision_no=decision_no)
                p.cell, p.unit = cell, new

    # -- the yearly draw

    def year(self, year: int) -> None:
        rng = self.rng
        y0, y1 = D(year, 1, 1), min(D(year, 12, 31), self.now)
        if y1 < y0:
            return
        span = (y1 - y0).days
        share = (span + 1) / 365

        def when():
            return y0 + dt.timedelta(days=rng.randint(0, span))

        def decision_day():
            d = self.workday(when())
            return d if d <= self.now else None

        for p in [p for p in self.people if p.on_roll]:
            age = (y0 - p.m.birth_date).days / 365.25
            if rng.random() < ADMISSION_RATE * share and (d := decision_day()):
                self.at(d, self.admit, p.cell)
            if rng.random() < ARRIVAL_RATE * share:
                self.at(when(), self.arrive, p.cell)
            if p.protected:
                continue
            death = 0.0005 if age < 40 else 0.0015 if age < 50 else 0.004 if age < 60 else 0.012
            if rng.random() < death * share:
                self.at(when(), self.die, p)
                continue
            if p.status == S.PROBATIONARY:
                if rng.random() < DISCIPLINE_RATE / 2 * share and (d := decision_day()):
                    self.at(d, self.discipline, p)
                continue
            if p.retire <= y1 and rng.random() < 0.9:
                leave_on = max(p.retire, y0) + dt.timedelta(days=rng.randint(5, 60))
                if leave_on <= y1:
                    self.at(self.workday(leave_on), self.leave, p, rng.choice(RESIDENCE_PARTY_ORGS),
                            "Nghỉ hưu, chuyển sinh hoạt đảng về nơi cư trú")  # fmt: skip
                    continue
            r = rng.random() / share
            for rate, action, args in (
                (INTERNAL_TRANSFER_RATE, self.send, ()),
                (
                    OUT_OF_PROVINCE_RATE,
                    self.leave,
                    (rng.choice(OTHER_PARTY_ORGS), rng.choice(TRANSFER_REASONS)),
                ),
                (EXEMPTION_RATE if age >= 50 else 0.0, self.exempt, ()),
                (REMOVAL_RATE, self.remove, ()),
                (EXPULSION_RATE, self.remove, (K.EXPULSION,)),
            ):
                if r < rate:
                    d = decision_day()
                    if d:
                        self.at(d, action, p, *args)
                    break
                r -= rate
            if rng.random() < DISCIPLINE_RATE * share and (d := decision_day()):
                self.at(d, self.discipline, p)

    def run(self) -> None:
        for year in range(START.year, self.now.year + 1):
            self.year(year)
            self.run_until(min(D(year, 12, 31), self.now))


# --- Loading --------------------------------------------------------------------------------------------


class _Clock:
    def __init__(self, stdout):
        self.stdout, self.t0, self.last = stdout, time.perf_counter(), time.perf_counter()

    def __call__(self, label: str) -> None:
        now = time.perf_counter()
        if self.stdout is not None:  # the first start of `dangbo serve` shows each step as it ends
            seconds = f"{now - self.last:.1f}".replace(".", ",")
            self.stdout.write(f"  ✓ {label} — {seconds} giây\n")
            self.stdout.flush()
        self.last = now

    @property
    def total(self) -> float:
        return time.perf_counter() - self.t0


@transaction.atomic
def load_demo(*, stdout=None) -> dict:
    """Create the demo; refuses to run on a database that already has organizations."""
    if Organization.objects.exists():
        raise RuntimeError("Cơ sở dữ liệu đã có dữ liệu; dữ liệu mẫu chỉ nạp vào cơ sở dữ liệu trống.")
    clock = _Clock(stdout)
    rng = random.Random(SEED)
    now = today()
    cal = _Calendar(WorkCalendar.from_db().overrides)
    admin = User(username="quantri", full_name="Quản trị hệ thống", is_superuser=True, is_staff=True)
    admin.password = make_password(DEMO_PASSWORD)
    admin.save()

    province = _org("Đảng bộ tỉnh Nghệ An", "NA", OrgKind.PROVINCE, None, short="Tỉnh ủy Nghệ An")
    bloc = _org(
        "Đảng bộ Khối các cơ quan tỉnh Nghệ An", "KCQ", OrgKind.DIRECT, province,
        short="Đảng ủy Khối các cơ quan tỉnh", host="Các cơ quan cấp tỉnh",
    )  # fmt: skip
    units: list[Unit] = []
    bloc_auth = [(dt.date.min, *BLOC_ISSUER)]
    for agency, code, kind, size in GRASSROOTS:
        auth = [*bloc_auth, (SPLIT, *(CQD_ISSUER if code in TO_PARTY_AGENCIES else UBND_ISSUER))]
        units.append(
            _grassroots(rng, bloc, agency, f"KCQ-{code}", kind, size, auth, "Đảng ủy Khối các cơ quan tỉnh")
        )
    districts = []
    for name, code, issuer, issuer_code, decision, orgs in DISTRICT_COMMITTEES:
        committee = _org(name, code, OrgKind.DIRECT, province, short=issuer)
        districts.append((committee, decision, []))
        for agency, ucode, kind, size in orgs:
            auth = [(dt.date.min, issuer, issuer_code), (MOVE_IN, *BLOC_ISSUER), (SPLIT, *UBND_ISSUER)]
            unit = _grassroots(rng, committee, agency, f"{code}-{ucode}", kind, size, auth, issuer)
            units.append(unit)
            districts[-1][2].append(unit)
    later = []
    for agency, code, kind, founded, decision, sources in LATER:
        auth = [*bloc_auth, (SPLIT, *(CQD_ISSUER if code in TO_PARTY_AGENCIES else UBND_ISSUER))]
        unit = _founded(admin, bloc, agency, f"KCQ-{code}", kind, founded, decision, auth)
        unit.size = LATER_SIZES[code]
        units.append(unit)
        later.append((unit, sources))
    by_code = {u.code: u for u in units}
    for old, (new, _decision) in REPLACED.items():
        old_unit, new_unit = by_code[f"KCQ-{old}"], by_code[f"KCQ-{new}"]
        old_unit.end, old_unit.successor = new_unit.start, new_unit
    clock("tổ chức")

    sim = Simulation(rng, now, cal, units)
    for unit in units:
        if unit.start is None:
            if not unit.code.startswith("KCQ-"):
                share = rng.uniform(1.0, 1.2)
            elif unit.code.split("-")[-1] in TO_PARTY_AGENCIES:
                share = rng.uniform(0.62, 0.8)
            else:
                share = rng.uniform(1.13, 1.37)
            sim.initial(unit, int(unit.size * share))
    _milestones(sim, by_code)
    for unit, sources in later:
        if sources:
            sim.at(unit.start, sim.staff, unit, sources)
    for old, (new, _decision) in REPLACED.items():
        new_unit = by_code[f"KCQ-{new}"]
        sim.at(
            new_unit.start, sim.reorganize, by_code[f"KCQ-{old}"], new_unit, new_unit.org.founding_decision_no
        )
    _open_items(sim, by_code)
    sim.run()
    _top_up_probation(sim, by_code)
    clock(f"mô phỏng ({so(len(sim.people))} người)")

    _write_history(sim)
    clock("ghi sự kiện, giai đoạn")

    counts.recount()
    _restructure(admin, province, bloc, districts, units, by_code)
    clock("sắp xếp tổ chức")
    _committees(rng, sim, units, bloc, now)
    counts.recount()
    users = _create_personas(admin)
    clock("cấp ủy, tài khoản")
    held = demo_meetings.write(sim, now, _insert)
    clock(f"sinh hoạt chi bộ ({so(held['meetings'])} buổi, {so(held['attendance'])} lượt điểm danh)")
    steered = demo_steering.write(
        admin=admin, personas={u.username: u for u in User.objects.exclude(pk=admin.pk)}
    )
    clock(
        f"lãnh đạo, chỉ đạo ({steered['documents']} văn bản, {steered['tasks']} nhiệm vụ, "
        f"{steered['contributions']} lượt hỗ trợ)"
    )
    from . import evaluation as demo_evaluation

    rated = demo_evaluation.write(
        admin=admin, now=now, personas={u.username: u for u in User.objects.exclude(pk=admin.pk)}
    )
    clock(f"đánh giá, xếp loại ({so(rated['campaigns'])} đợt, {so(rated['ratings'])} phiếu)")
    paid = demo_dues.write(now, admin, insert=_insert)
    clock(f"đảng phí ({so(paid['payments'])} tháng-đảng viên, {so(paid['remittances'])} lần nộp cấp trên)")
    from dangbo.reports.rollups import services as rollups

    built = rollups.rebuild()
    clock(f"số liệu tổng hợp của báo cáo ({so(built['member_month'])} dòng chi bộ-tháng)")
    seconds = round(clock.total, 1)
    if stdout is not None:
        stdout.write(f"  tổng: {seconds} s\n")
    return {"organizations": Organization.objects.count(), "members": len(sim.people), "users": users,
            "meetings": held, "steering": steered, "evaluation": rated, "dues": paid, "seconds": seconds}  # fmt: skip


def _grassroots(rng, parent, agency, code, kind, size, authorities, issuer) -> Unit:
    founded = D(rng.randint(1976, 2008), rng.randint(1, 12), rng.randint(1, 28))
    decision = f"{rng.randint(10, 400)}-QĐ/{authorities[0][2]}"
    if kind == "bo":
        org = _org(f"Đảng bộ {agency}", code, OrgKind.GRASSROOTS_COMMITTEE, parent, short=agency, host=agency,
                   founded=founded, decision=decision, issuer=issuer)  # fmt: skip
        units = _units_for(agency)
        n_cells = max(3, min(len(units), size // 22))
        cells = [
            _org(f"Chi bộ {unit}", f"{code}-{j:02d}", OrgKind.SUBORDINATE_CELL, org, host=f"{unit}, {agency}",
                 founded=founded, decision=decision, issuer=f"Đảng ủy {agency}")
            for j, unit in enumerate(units[:n_cells], start=1)
        ]  # fmt: skip
    else:
        org = _org(f"Chi bộ {agency}", code, OrgKind.GRASSROOTS_CELL, parent, short=agency, host=agency,
                   founded=founded, decision=decision, issuer=issuer)  # fmt: skip
        cells = [org]
    return Unit(org, code, cells, authorities=authorities, size=size)


def _founded(admin, parent, agency, code, kind, founded, decision, authorities) -> Unit:
    """An organization founded after the records start: through the organization service."""

    def create(data, under):
        return org_services.organization_create(
            actor=admin, parent=under,
            data={"founding_date": founded, "founding_decision_no": decision, **data},
        )  # fmt: skip

    issuer = "Đảng ủy Khối các cơ quan tỉnh"
    if kind == "bo":
        org = create({"name": f"Đảng bộ {agency}", "short_name": agency, "code": code, "host_unit": agency,
                      "kind": OrgKind.GRASSROOTS_COMMITTEE, "founding_issuer": issuer}, parent)  # fmt: skip
        cells = [
            create({"name": f"Chi bộ {unit}", "code": f"{code}-{j:02d}", "host_unit": f"{unit}, {agency}",
                    "kind": OrgKind.SUBORDINATE_CELL, "founding_issuer": f"Đảng ủy {agency}"}, org)
            for j, unit in enumerate(_units_for(agency)[:3], start=1)
        ]  # fmt: skip
    else:
        org = create({"name": f"Chi bộ {agency}", "short_name": agency, "code": code, "host_unit": agency,
                      "kind": OrgKind.GRASSROOTS_CELL, "founding_issuer": issuer}, parent)  # fmt: skip
        cells = [org]
    return Unit(org, code, cells, start=founded, authorities=authorities)


def _milestones(sim: Simulation, by_code) -> None:
    """Members reaching 30, 40 and 50 years of party age (from the admission decision) in the coming months."""
    rng, now = sim.rng, sim.now
    plan = [(30, "KCQ-SYT", 12), (30, "KCQ-STC", 40), (30, "KCQ-SKHDT", 75), (30, "KCQ-BHXH", 100),
            (40, "KCQ-SYT", 25), (40, "KCQ-SNV", 55), (40, "KCQ-VPTU", 90),
            (50, "KCQ-HCCB", 20), (50, "KCQ-HVHNT", 65)]  # fmt: skip
    for years, code, days in plan:
        unit = by_code[code]
        decision = add_years(now, -years) + dt.timedelta(days=days)
        birth = add_years(decision, -rng.randint(20, 24)) - dt.timedelta(days=rng.randint(0, 300))
        gender = "nam" if years > 30 or rng.random() < 0.5 else "nu"
        joined = decision + dt.timedelta(days=rng.randint(10, 25))
        cell = unit.cells[0] if code == "KCQ-SYT" else rng.choice(unit.cells)
        sim._enrol(unit, cell, birth, gender, joined, decision=decision, protected=True)


def _open_items(sim: Simulation, by_code) -> None:
    """Open items for today, in the persona's organizations and elsewhere."""
    now, back = sim.now, sim.back
    syt, stc = by_code["KCQ-SYT"], by_code["KCQ-STC"]
    syt01 = syt.cells[0]

    def pending(day, source, target, cell=None):
        p = sim.pick(source, day, cell=cell)
        if p:
            sim.send(day, p, target, receive=False)

    # Transfers sent and not yet received (one letter older than 30 working days).
    sim.at(back(8), pending, syt, stc, syt01)
    sim.at(back(42), pending, by_code["KCQ-SGDDT"], syt)
    sim.at(back(15), pending, stc, by_code["KCQ-BNA"])
    sim.at(back(3), pending, by_code["KCQ-TD"], by_code["KCQ-SNV"])
    # Admission decided more than 30 working days ago, no ceremony yet.
    for n, unit, cell in ((45, syt, syt.cells[1]), (36, by_code["KCQ-BNA"], None), (33, stc, None)):
        sim.at(back(n), sim.admit, cell or sim.rng.choice(unit.cells), ceremony=False, protected=True)
    # Probation ended more than 30 working days ago, no decision on official recognition.
    for n, unit, cell in ((40, syt, syt01), (55, stc, None), (70, by_code["KCQ-TD"], None)):
        ceremony = sim.workday(add_months(back(n), -12))
        sim.at(sim.workday(ceremony - dt.timedelta(days=20)), sim.admit, cell or sim.rng.choice(unit.cells), ceremony,
               review=False, protected=True)  # fmt: skip
    # Probation ending within the next 30 days in the cell of the persona and in the finance department.
    for days, cell in ((12, syt01), (20, sim.rng.choice(stc.cells))):
        ceremony = sim.workday(add_months(now, -12) + dt.timedelta(days=days))
        sim.at(sim.workday(ceremony - dt.timedelta(days=25)), sim.admit, cell, ceremony, protected=True)


def _probation_ending(sim: Simulation) -> int:
    end = sim.now + dt.timedelta(days=30)
    return sum(
        1 for p in sim.people
        if p.on_roll and p.status == S.PROBATIONARY and p.ceremony and sim.now < add_months(p.ceremony, 12) <= end
    )  # fmt: skip


def _top_up_probation(sim: Simulation, by_code) -> None:
    """About ten probationary members whose 12 months end within the next 30 days."""
    rng = sim.rng
    codes = ["KCQ-SGDDT", "KCQ-BVHNDK", "KCQ-SNN", "KCQ-TCT", "KCQ-SCT", "KCQ-CDC", "VINH-DHYKV", "KCQ-STNMT"]
    for code in codes[: max(0, 10 - _probation_ending(sim))]:
        ceremony = sim.workday(add_months(sim.now, -12) + dt.timedelta(days=rng.randint(3, 26)))
        decided = sim.workday(ceremony - dt.timedelta(days=rng.randint(15, 35)))
        sim.admit(decided, rng.choice(by_code[code].cells), ceremony, protected=True)
        sim.run_until(sim.now)


def _insert(model, columns: list[str], rows) -> None:
    """Plain INSERTs (SQLite) or COPY (PostgreSQL): the ORM's bulk_create spends most of the load preparing
    values one by one."""
    qn = connection.ops.quote_name
    table = qn(model._meta.db_table)
    names = ", ".join(qn(model._meta.get_field(c).column) for c in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":  # in-process: executemany is the fastest
            cursor.executemany(
                f"INSERT INTO {table} ({names}) VALUES ({', '.join(['%s'] * len(columns))})", list(rows)
            )
            return
        with cursor.cursor.copy(
            f"COPY {table} ({names}) FROM STDIN"
        ) as copy:  # PostgreSQL: the psycopg cursor
            for row in rows:
                copy.write_row(row)


def _insert_objects(model, objects: list) -> None:
    """Insert unsaved model instances whose primary keys are already set."""
    fields = model._meta.concrete_fields
    stamp = connection.ops.adapt_datetimefield_value(timezone.now())
    auto = {"created_at", "updated_at"}
    _insert(model, [f.name for f in fields],
            (tuple(stamp if f.name in auto else getattr(o, f.attname) for f in fields) for o in objects))  # fmt: skip


def _judge_decisions(p: Person) -> None:
    """The decisions of a simulated member's events hold as the services would require (``decisions.judge``)."""
    for e in p.events:
        f = e.fields
        qualifier = e.discipline_form or (e.transfer.kind if e.transfer is not None else "")
        verdict = decisions.judge(
            kind=e.kind, date=e.date, number=f.get("decision_no", ""), decided_on=f.get("decision_date"),
            level=f.get("decision_level", ""), issuer=f.get("decision_issuer", ""), qualifier=qualifier,
        )  # fmt: skip
        if verdict.errors:  # a bug of the simulation, not of the data a user typed
            raise RuntimeError(f"{p.m.full_name}, {e.kind} {e.date}: {verdict.errors}")


def _write_history(sim: Simulation) -> None:
    """Members, transfers, events and roll periods — derived as ``members.history.services.rebuild`` derives them.

    The tables are empty (the demo loads into an empty database), so the rows get their ids here and the
    sequences are moved past them afterwards."""
    people = sim.people
    cells = {c.pk: c for u in sim.units for c in u.cells}
    links = lifecycle.link_periods(cells)
    for pk, p in enumerate(people, start=1):
        p.events.sort(key=lambda e: (e.date, e.seq))
        result = history.replay(p.events, official_date=p.m.official_date, links=links)
        st, m = result.state, p.m
        m.pk = pk
        m.organization = cells[st.organization_id]
        m.org_path = m.organization.path
        m.status, m.exempted = st.status, st.exempted
        _judge_decisions(p)
        for e in p.events:  # as history.services.rebuild sets the record's dates from the events
            if e.kind in (K.ADMISSION, K.READMISSION):
                m.admission_decision_date = e.fields.get("decision_date") or e.date
                m.admission_decision_no = e.fields.get("decision_no", "")
            elif e.kind == K.CEREMONY:
                m.joined_date = e.date
            elif e.kind == K.OFFICIAL:
                m.official_date = e.date
        p.result = result
    for pk, t in enumerate(sim.transfers, start=1):
        t.pk, t.member = pk, t._person.m
    _insert_objects(Member, [p.m for p in people])
    _insert_objects(Transfer, sim.transfers)
    event_columns = ["member", "kind", "date", "organization", "decision_no", "decision_date", "decision_level",
                     "decision_issuer", "discipline_form", "discipline_year", "transfer", "note", "created_at"]  # fmt: skip
    stamp = connection.ops.adapt_datetimefield_value(timezone.now())
    _insert(MemberEvent, event_columns, (
        (p.m.pk, e.kind, e.date, e.organization_id, e.fields.get("decision_no", ""), e.fields.get("decision_date"),
         e.fields.get("decision_level", ""), e.fields.get("decision_issuer", ""), e.discipline_form,
         e.fields.get("discipline_year"),
         e.transfer.pk if e.transfer else None, e.fields.get("note", ""), stamp)
        for p in people for e in p.events
    ))  # fmt: skip
    period_columns = ["member", "organization", "org_path", "status", "exempted", "valid_from", "valid_to",
                      "start_kind", "end_kind"]  # fmt: skip
    _insert(MemberPeriod, period_columns, (
        (p.m.pk, r.organization_id, r.org_path, r.status, r.exempted, r.valid_from, r.valid_to, r.start_kind,
         r.end_kind)
        for p in people for r in p.result.periods
    ))  # fmt: skip
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), [Member, Transfer]):
            cursor.execute(sql)
    for p in people:
        p.m._state.adding, p.m._state.db = False, connection.alias


def _restructure(admin, province, bloc, districts, units, by_code) -> None:
    """The restructurings, through the services, once the member histories exist (they split the periods)."""
    for old, (_new, decision) in REPLACED.items():
        unit = by_code[f"KCQ-{old}"]
        restructure.organization_dissolve(
            actor=admin, organization=unit.org, date=unit.end, decision_no=decision
        )
    for _committee, decision, moved in districts:
        restructure.handover(actor=admin, organizations=[u.org for u in moved], new_parent=bloc, date=MOVE_IN,
                             decision_no=decision)  # fmt: skip
    successors = {}
    for name, code, short, decision in (
        ("Đảng bộ các cơ quan Đảng tỉnh Nghệ An", "CQD", "Đảng ủy các cơ quan Đảng tỉnh", "3255-QĐ/TU"),
        ("Đảng bộ UBND tỉnh Nghệ An", "UBND", "Đảng ủy UBND tỉnh", "3254-QĐ/TU"),
    ):
        successors[code] = org_services.organization_create(
            actor=admin, parent=province,
            data={"name": name, "code": code, "short_name": short, "kind": OrgKind.DIRECT,
                  "host_unit": "Các cơ quan cấp tỉnh", "founding_date": SPLIT, "founding_decision_no": decision,
                  "founding_issuer": "Ban Thường vụ Tỉnh ủy Nghệ An"},
        )  # fmt: skip
    active = [u for u in units if u.end is None]
    to_cqd = [u.org for u in active if u.code.split("-")[-1] in TO_PARTY_AGENCIES]
    to_ubnd = [u.org for u in active if u.code.split("-")[-1] not in TO_PARTY_AGENCIES]
    restructure.handover(actor=admin, organizations=to_cqd, new_parent=successors["CQD"], date=SPLIT,
                         decision_no="642-QĐ/ĐUK")  # fmt: skip
    # The decision number of the second handover is illustrative (the sources name only the first).
    restructure.handover(actor=admin, organizations=to_ubnd, new_parent=successors["UBND"], date=SPLIT,
                         decision_no="643-QĐ/ĐUK")  # fmt: skip
    restructure.organization_dissolve(actor=admin, organization=bloc, date=SPLIT, decision_no="3256-QĐ/TU")
    for committee, _decision, _moved in districts:
        restructure.organization_dissolve(actor=admin, organization=committee, date=DISTRICTS_END,
                                          decision_no="4180-QĐ/TU")  # fmt: skip


# --- Committees -----------------------------------------------------------------------------------------

GRASSROOTS_TERMS = [("2010–2015", TERM_START, TERM_END), ("2015–2020", TERM_END, D(2020, 8, 1)),
                    ("2020–2025", D(2020, 8, 1), D(2025, 7, 1)), ("2025–2030", D(2025, 7, 1), None)]  # fmt: skip
BLOC_TERMS = [("2010–2015", TERM_START, TERM_END), ("2015–2020", TERM_END, D(2020, 8, 1)),
              ("2020–2025", D(2020, 8, 1), SPLIT)]  # fmt: skip
# The congress that opened a bloc term (preparatory session, close): it numbers its own documents (demo/steering.py).
BLOC_CONGRESSES = {"2010–2015": (D(2010, 7, 29), D(2010, 7, 31))}


def _stays(sim: Simulation) -> dict[int, list[tuple]]:
    """Per unit: (person, from, to, official at start) of each continuous stay on the unit's rolls."""
    unit_of_cell = sim.unit_of_cell
    out: dict[int, list[tuple]] = defaultdict(list)
    for p in sim.people:
        current = None  # [unit, from, to, official]
        for r in p.result.periods:
            unit = unit_of_cell[r.organization_id]
            if current and current[0] is unit and current[2] == r.valid_from:
                current[2] = r.valid_to
                continue
            if current:
                out[current[0].org.pk].append((p, current[1], current[2], current[3]))
            current = [unit, r.valid_from, r.valid_to, r.status == S.OFFICIAL]
        if current:
            out[current[0].org.pk].append((p, current[1], current[2], current[3]))
    return out


def _holders(rng, stays, unit_ids, start, end) -> list[Person]:
    """Official members on the roll of the units for the whole term (still on it today for a running term;
    ``end`` is exclusive)."""
    pool = [
        p for uid in unit_ids for p, lo, hi, official in stays.get(uid, ())
        if lo <= start and (hi is None or (end is not None and hi >= end))
        and (official or (p.official and p.official <= start))
    ]  # fmt: skip
    pool.sort(key=lambda p: p.m.pk)
    rng.shuffle(pool)
    return pool


def _committees(rng, sim: Simulation, units, bloc, now) -> None:
    stays = _stays(sim)
    seats = []
    secretaries: dict[str, list[tuple[Unit, Person]]] = defaultdict(list)
    for unit in units:
        org = unit.org
        for name, start, end in GRASSROOTS_TERMS:
            if unit.start:  # founded during the term: a committee is appointed once the members have arrived
                start = max(start, unit.start + dt.timedelta(days=30))
            end = min(end, unit.end) if unit.end and end else (unit.end or end)
            if end is not None and start >= end or start > now:
                continue
            term = Term.objects.create(organization=org, name=name, start_date=start, end_date=end)
            n_exec = 7 if org.kind == OrgKind.GRASSROOTS_COMMITTEE else 1
            plan = [Position.SECRETARY, Position.DEPUTY_SECRETARY] + [Position.EXECUTIVE] * n_exec
            if org.kind == OrgKind.GRASSROOTS_COMMITTEE:
                plan[2:4] = [Position.STANDING, Position.STANDING]
            pool = _holders(rng, stays, [org.pk], start, end)
            for position, p in zip(plan, pool, strict=False):
                seats.append(CommitteeSeat(term=term, member=p.m, position=position, start_date=start))
                if position == Position.SECRETARY:
                    secretaries[name].append((unit, p))
    bloc_plan = (
        [Position.SECRETARY, Position.DEPUTY_SECRETARY, Position.DEPUTY_SECRETARY]
        + [Position.STANDING] * 6
        + [Position.EXECUTIVE] * 20
    )
    for name, start, end in BLOC_TERMS:
        congress = BLOC_CONGRESSES.get(name, (None, None))
        term = Term.objects.create(organization=bloc, name=name, start_date=start, end_date=end,
                                   congress_start=congress[0], congress_end=congress[1])  # fmt: skip
        chosen = [p for unit, p in secretaries[name] if unit.code.startswith("KCQ-") and unit.active(start)]
        for position, p in zip(bloc_plan, chosen, strict=False):
            seats.append(CommitteeSeat(term=term, member=p.m, position=position, start_date=start))
    # The successors' first committees (appointed when founded), from the secretaries of their organizations.
    for code, size in (("CQD", 15), ("UBND", 25)):
        org = Organization.objects.get(code=code)
        term = Term.objects.create(organization=org, name="2025–2030", start_date=SPLIT)
        inside = {o.pk for o in Organization.objects.filter(parent=org)}
        chosen = [
            p for unit, p in secretaries["2025–2030"]
            if unit.org.pk in inside and any(lo <= SPLIT and hi is None for q, lo, hi, _ in stays[unit.org.pk] if q is p)
        ]  # fmt: skip
        plan = [Position.SECRETARY, Position.DEPUTY_SECRETARY, Position.DEPUTY_SECRETARY] + [
            Position.STANDING
        ] * 4
        plan += [Position.EXECUTIVE] * (size - len(plan))
        for position, p in zip(plan, chosen, strict=False):
            seats.append(CommitteeSeat(term=term, member=p.m, position=position, start_date=SPLIT))
    CommitteeSeat.objects.bulk_create(seats, batch_size=2000)


def _create_personas(admin) -> list[tuple[str, str]]:
    # One hash for the shared, published demo password (Argon2 is deliberately slow: ~0.7 s a hash).
    password = admin.password
    created = [(admin.username, PERSONAS[0][1])]
    for username, title, role, org_code in PERSONAS[1:]:
        org = Organization.objects.get(code=org_code)
        user = User(username=username, full_name=title)
        if role == Role.MEMBER:
            user.member = (
                Member.objects.filter(organization=org, status=S.OFFICIAL, events__kind=K.ENROLL)
                .order_by("id")
                .last()
            )
            user.full_name = user.member.full_name
        user.password = password
        user.save()
        RoleAssignment.objects.create(user=user, organization=org, role=role)
        created.append((username, title))
    return created
