"""Synthetic scale data for benchmarks: one province (~250k members) or the nation (34 provinces, ~5.6M).

Deterministic: the same seed gives the same organizations, names and dates (dates are relative to "today",
like the demo). Rows are written straight to the database in bulk — COPY on PostgreSQL, one ``executemany``
transaction on SQLite — with the secondary indexes, foreign keys and full-text triggers removed during the
load and rebuilt afterwards. Every derived column is filled exactly as the application fills it
(``derived_columns`` for members, ``fold`` for organization names, ``child_path`` for tree paths).

Each member also gets the history ``members.history.rules.replay`` would derive (so
``members.history.services.rebuild`` changes nothing):
a "nhập hồ sơ" event into their cell on the enrolment date — the latest of 01/01/2010, the joining date and
the founding dates of the cell and its ancestors (no roll period starts before its subtree existed) — then,
when it came later, the official recognition, an exemption (the exempted members) or the end of membership
(death; a transfer out of the deployment, with its ``Transfer``), and the matching roll periods.

Tree shape per province: province → directly-subordinate committees (≈ 1 per 35 grassroots organizations)
→ grassroots committees (with subordinate cells; some with "Đảng bộ bộ phận" holding part of their cells)
and grassroots cells. Members live in cells only. Cells are filled in a shuffled order, so a subtree's
members are spread over the whole table (pessimistic, like the measurements in PERFORMANCE.md).
"""

from __future__ import annotations

import datetime as dt
import json
import random
import time
from array import array
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.utils import timezone

from dangbo.core.dates import today
from dangbo.core.search import install_sql, word_table, word_table_fill_sql
from dangbo.core.text import fold
from dangbo.core.workdays import WorkCalendar
from dangbo.members.choices import (
    DecisionLevel,
    Degree,
    EventKind,
    GeneralEducation,
    MemberStatus,
    PoliticalTheory,
    TransferKind,
    TransferState,
)
from dangbo.members.history.services import TRANSFER_LETTER_DAYS
from dangbo.members.models import LIST_INDEX_FILTERS
from dangbo.members.services import derived_columns
from dangbo.organizations.choices import OrgKind
from dangbo.organizations.tree.selectors import child_path

from .names import (
    ETHNICITY_WEIGHTS,
    FAMILY,
    GIVEN_FEMALE,
    GIVEN_MALE,
    MIDDLE_FEMALE,
    MIDDLE_MALE,
    RELIGION_WEIGHTS,
)

SEED = 20250701
BENCH_PASSWORD = "bench-dangbo-2025"

SCALES = {
    # members, grassroots organizations, cells (grassroots cells + subordinate cells), provinces
    "province": {"members": 250_000, "grassroots": 1_500, "cells": 10_000, "provinces": 1},
    "nation": {"members": 5_600_000, "grassroots": 55_000, "cells": 300_000, "provinces": 34},
}

# The 34 provinces and cities after the 2025 merger: (name, "tỉnh"/"thành phố", code, CCCD place code, weight).
# Nghệ An comes first: the province scale loads it alone, and the benchmark users sit there in both scales.
PROVINCES = [
    ("Nghệ An", "tỉnh", "NA", "040", 250), ("Hà Nội", "thành phố", "HN", "001", 480),
    ("Hồ Chí Minh", "thành phố", "HCM", "079", 450), ("Thanh Hóa", "tỉnh", "TH", "038", 260),
    ("Hải Phòng", "thành phố", "HP", "031", 260), ("Phú Thọ", "tỉnh", "PT", "025", 240),
    ("Ninh Bình", "tỉnh", "NB", "037", 230), ("Hưng Yên", "tỉnh", "HY", "033", 210),
    ("Bắc Ninh", "tỉnh", "BN", "024", 200), ("Thái Nguyên", "tỉnh", "TN", "019", 150),
    ("Quảng Ninh", "tỉnh", "QN", "022", 130), ("Hà Tĩnh", "tỉnh", "HT", "042", 130),
    ("Tuyên Quang", "tỉnh", "TQ", "008", 120), ("Lào Cai", "tỉnh", "LCA", "010", 120),
    ("Quảng Trị", "tỉnh", "QT", "045", 120), ("Đà Nẵng", "thành phố", "DNG", "048", 140),
    ("Quảng Ngãi", "tỉnh", "QNG", "051", 120), ("Gia Lai", "tỉnh", "GL", "052", 130),
    ("Khánh Hòa", "tỉnh", "KH", "056", 110), ("Lâm Đồng", "tỉnh", "LD", "068", 140),
    ("Đắk Lắk", "tỉnh", "DL", "066", 130), ("Đồng Nai", "tỉnh", "DN", "075", 160),
    ("Tây Ninh", "tỉnh", "TNI", "072", 130), ("Cần Thơ", "thành phố", "CT", "092", 130),
    ("Vĩnh Long", "tỉnh", "VL", "086", 140), ("Đồng Tháp", "tỉnh", "DT", "087", 130),
    ("Cà Mau", "tỉnh", "CM", "096", 100), ("An Giang", "tỉnh", "AG", "089", 150),
    ("Huế", "thành phố", "HUE", "046", 80), ("Sơn La", "tỉnh", "SL", "014", 90),
    ("Điện Biên", "tỉnh", "DB", "011", 45), ("Lai Châu", "tỉnh", "LC", "012", 35),
    ("Lạng Sơn", "tỉnh", "LS", "020", 75), ("Cao Bằng", "tỉnh", "CB", "004", 60),
]  # fmt: skip
assert len(PROVINCES) == 34

# Place names are made of two syllables: "Hưng Lộc", "Nghi Phú", …
_PLACE_A = ["An", "Bình", "Cẩm", "Diễn", "Đông", "Gia", "Hòa", "Hưng", "Hương", "Kim", "Long", "Minh", "Mỹ",
            "Nam", "Nghi", "Ngọc", "Nhân", "Phú", "Phúc", "Quang", "Quỳnh", "Sơn", "Tân", "Thanh", "Thạch",
            "Thiệu", "Thuận", "Tiên", "Trung", "Vĩnh", "Xuân", "Yên", "Hải", "Đức", "Kỳ", "Lộc", "Hoằng",
            "Quảng", "Triệu", "Cát"]  # fmt: skip
_PLACE_B = ["An", "Bình", "Châu", "Đông", "Giang", "Hà", "Hải", "Hòa", "Hồng", "Hưng", "Khánh", "Lâm", "Lạc",
            "Lộc", "Lợi", "Long", "Mỹ", "Nghĩa", "Ninh", "Phong", "Phú", "Phúc", "Sơn", "Tân", "Thành", "Thịnh",
            "Thọ", "Thuận", "Tiến", "Trung", "Trường", "Văn", "Vinh", "Xá", "Yên", "Định", "Điền", "Đồng",
            "Quý", "Hiệp"]  # fmt: skip
_STREETS = ["Lê Lợi", "Nguyễn Du", "Trần Phú", "Quang Trung", "Lê Hồng Phong", "Phan Đình Phùng", "Hai Bà Trưng",
            "Nguyễn Trãi", "Hùng Vương", "Lý Thường Kiệt", "Trường Chinh", "Điện Biên Phủ"]  # fmt: skip

# Grassroots unit types: (weight, name template, cell units — "{k}" is a running number).
_UNIT_TYPES = [
    (45, "Khu dân cư {p}", ["Xóm {k}", "Thôn {k}", "Khối {k}", "Tổ dân phố {k}"]),
    (12, "Trường Trung học phổ thông {p}", ["Tổ Toán - Tin", "Tổ Ngữ văn", "Tổ Ngoại ngữ", "Tổ Khoa học tự nhiên",
                                              "Tổ Khoa học xã hội", "Tổ Văn phòng", "Tổ Thể dục - Quốc phòng"]),
    (8, "Trường Trung học cơ sở {p}", ["Tổ Tự nhiên", "Tổ Xã hội", "Tổ Văn phòng", "Khối {k}"]),
    (8, "Bệnh viện đa khoa {p}", ["Khoa Nội", "Khoa Ngoại", "Khoa Sản", "Khoa Nhi", "Khoa Cấp cứu", "Khoa Dược",
                                   "Khối Hành chính", "Khoa Xét nghiệm", "Khoa Hồi sức tích cực"]),
    (4, "Trung tâm Y tế {p}", ["Khối Văn phòng", "Trạm Y tế số {k}", "Khoa Kiểm soát bệnh tật"]),
    (10, "Công ty Cổ phần {p}", ["Phân xưởng số {k}", "Phòng Kỹ thuật", "Phòng Kinh doanh", "Khối Văn phòng",
                                  "Đội sản xuất số {k}"]),
    (8, "Cơ quan Ủy ban nhân dân {p}", ["Văn phòng", "Phòng Kinh tế", "Phòng Văn hóa - Xã hội",
                                          "Phòng Nội vụ", "Trung tâm Phục vụ hành chính công"]),
    (5, "Công an {p}", ["Đội Cảnh sát số {k}", "Tổ Công tác số {k}", "Đội Tổng hợp"]),
]  # fmt: skip
_GRASSROOTS_CELL_UNITS = ["Trường Tiểu học {p}", "Trường Mầm non {p}", "Trạm Y tế {p}", "Hợp tác xã Nông nghiệp {p}",
                          "Công ty TNHH {p}", "Quỹ Tín dụng nhân dân {p}", "Ngân hàng Chính sách xã hội {p}",
                          "Thôn {p}", "Ban Chỉ huy Quân sự {p}"]  # fmt: skip
_DIRECT_BLOCS = [
    "Các cơ quan Đảng {t}",
    "Ủy ban nhân dân {t}",
    "Công an {t}",
    "Quân sự {t}",
    "Doanh nghiệp {t}",
]

# Nation-wide ethnic mix of party members (names as in members.choices.ETHNICITIES); Nghệ An uses its own.
_NATION_ETHNICITY = [("Kinh", 880), ("Tày", 22), ("Thái", 20), ("Mường", 16), ("Khơ-me", 12), ("Nùng", 12),
                     ("Mông", 8), ("Dao", 7), ("Hoa", 5), ("Gia-rai", 3), ("Ê-đê", 3), ("Ba-na", 2), ("Sán Dìu", 2),
                     ("Chăm", 2), ("Thổ", 2), ("Khơ Mú", 2), ("Cơ-ho", 1), ("Xơ-Đăng", 1)]  # fmt: skip
# Age of official members (years), weights by band; probationary members are 19–40.
_AGE_BANDS = [(21, 30, 11), (31, 40, 25), (41, 50, 22), (51, 60, 18), (61, 70, 13), (71, 80, 8), (81, 95, 3)]
_OCCUPATIONS = ["Công chức", "Viên chức", "Bác sĩ", "Giáo viên", "Kỹ sư", "Công nhân", "Nông dân", "Kế toán",
                "Điều dưỡng", "Chuyên viên", "Giảng viên", "Nhân viên", "Hưu trí", "Lao động tự do", "Sĩ quan"]  # fmt: skip
_PROFESSIONS = ["", "", "Kinh tế", "Luật", "Y khoa", "Sư phạm", "Kế toán", "Quản trị kinh doanh", "Xây dựng",
                "Nông nghiệp", "Báo chí", "Công nghệ thông tin", "Hành chính học", "Tài chính - Ngân hàng"]  # fmt: skip
_DEGREES = [(Degree.NONE, 22), (Degree.INTERMEDIATE, 8), (Degree.COLLEGE, 7), (Degree.BACHELOR, 45),
            (Degree.MASTER, 15), (Degree.DOCTOR, 3)]  # fmt: skip
_THEORY = [(PoliticalTheory.NONE, 12), (PoliticalTheory.ELEMENTARY, 38), (PoliticalTheory.INTERMEDIATE, 32),
           (PoliticalTheory.ADVANCED, 14), (PoliticalTheory.BACHELOR, 4)]  # fmt: skip

ORG_COLUMNS = (
    "id", "created_at", "updated_at", "name", "short_name", "code", "kind", "host_unit", "parent_id", "path",
    "depth", "name_norm", "founding_decision_no", "founding_date", "founding_issuer", "end_date", "end_decision_no",
    "official_count", "probationary_count",
)  # fmt: skip
LINK_COLUMNS = ("organization_id", "parent_id", "valid_from", "valid_to", "decision_no", "name", "path")
MEMBER_COLUMNS = (
    "id", "created_at", "updated_at", "full_name", "other_names", "gender", "birth_date", "birth_place",
    "native_place", "residence", "ethnicity", "religion", "occupation", "citizen_id", "phone", "card_number",
    "cv_number", "organization_id", "status", "exempted", "joined_date", "joined_cell", "admission_decision_date",
    "official_date", "official_cell", "introducer_1", "introducer_2", "youth_union_date", "general_education",
    "professional_education", "degree", "academic_title", "political_theory", "name_norm", "name_sort", "org_path",
    "admission_decision_no",
)  # fmt: skip
EVENT_COLUMNS = (
    "id", "member_id", "kind", "date", "organization_id", "decision_no", "decision_date", "decision_level",
    "decision_issuer", "discipline_form", "discipline_year", "transfer_id", "note", "created_at",
)  # fmt: skip
PERIOD_COLUMNS = (
    "id", "member_id", "organization_id", "org_path", "status", "exempted", "valid_from", "valid_to", "start_kind",
    "end_kind",
)  # fmt: skip
TRANSFER_COLUMNS = (
    "id", "created_at", "updated_at", "kind", "state", "from_external", "to_external", "moved_date", "letter_no",
    "sent_date", "valid_until", "dues_paid_to", "temporary_until", "received_date", "ended_date", "reason",
    "from_organization_id", "member_id", "received_cell_id", "to_organization_id", "purpose", "issuer_level",
    "issuer",
)  # fmt: skip
ORG_TABLE, LINK_TABLE, MEMBER_TABLE = (
    "organizations_organization",
    "organizations_organizationlink",
    "members_member",
)
EVENT_TABLE, PERIOD_TABLE, TRANSFER_TABLE = "members_memberevent", "members_memberperiod", "members_transfer"
HISTORY_TABLES = [TRANSFER_TABLE, EVENT_TABLE, PERIOD_TABLE]
EXEMPTED_INDEX = MEMBER_COLUMNS.index("exempted")
# No roll period of the synthetic members starts before this date ("nhập hồ sơ" into the registry).
ENROLMENT_FLOOR = dt.date(2010, 1, 1)
# Where the members who transferred out of the deployment went (central party committees, outside the provinces).
_EXTERNAL_DESTINATIONS = ["Đảng bộ Quân đội", "Đảng bộ Công an Trung ương", "Đảng bộ các cơ quan Đảng Trung ương",
                          "Đảng bộ Chính phủ", "Đảng bộ Quốc hội",
                          "Đảng bộ Mặt trận Tổ quốc, các đoàn thể Trung ương"]  # fmt: skip


# --------------------------------------------------------------------------------------------- helpers


def allocate(total: int, weights: list[float], minimum: int = 0) -> list[int]:
    """Split ``total`` into integers proportional to ``weights`` (largest remainder), each ≥ ``minimum``."""
    n = len(weights)
    if n == 0:
        return []
    minimum = min(minimum, total // n)
    rest = total - minimum * n
    s = sum(weights) or 1.0
    raw = [rest * w / s for w in weights]
    out = [int(x) for x in raw]
    short = rest - sum(out)
    for i in sorted(range(n), key=lambda i: out[i] - raw[i])[:short]:
        out[i] += 1
    return [o + minimum for o in out]


def _table(pairs, size: int = 1000) -> list:
    """An expanded lookup table for weighted choice: ``table[int(random() * len(table))]``."""
    items, weights = zip(*pairs, strict=True)
    total = sum(weights)
    out: list = []
    for item, w in zip(items, weights, strict=True):
        out.extend([item] * max(1, round(w * size / total)))
    return out


@dataclass
class Org:
    id: int
    parent: Org | None
    kind: str
    name: str
    code: str
    short: str = ""
    host: str = ""
    founded: dt.date | None = None
    decision: str = ""
    issuer: str = ""
    path: str = ""
    depth: int = 0
    province: int = 0
    size: int = 0  # members (cells only)
    official: int = 0  # official / probationary members of the subtree (Organization.official_count, …)
    probationary: int = 0


@dataclass
class Plan:
    orgs: list[Org] = field(default_factory=list)
    cells: list[Org] = field(default_factory=list)
    grassroots: list[Org] = field(default_factory=list)
    provinces: list[Org] = field(default_factory=list)
    members: int = 0


# --------------------------------------------------------------------------------------------- the tree


class _TreeBuilder:
    def __init__(self, rng: random.Random, first_id: int):
        self.rng = rng
        self.next_id = first_id
        self.plan = Plan()
        places = [f"{a} {b}" for a in _PLACE_A for b in _PLACE_B if a != b]
        self.places = places
        self.unit_table = _table([(i, w) for i, (w, _, _) in enumerate(_UNIT_TYPES)], 100)

    def org(self, parent, kind, name, code, **kw) -> Org:
        o = Org(id=self.next_id, parent=parent, kind=kind, name=name, code=code, **kw)
        self.next_id += 1
        o.path = child_path(parent.path if parent else "", o.id)
        o.depth = parent.depth + 1 if parent else 0
        o.province = parent.province if parent else o.province
        self.plan.orgs.append(o)
        return o

    def founded(self, lo: int, hi: int) -> dt.date:
        r = self.rng
        return dt.date(r.randint(lo, hi), r.randint(1, 12), r.randint(1, 28))

    def province(self, index: int, members: int, grassroots: int, cells: int) -> None:
        rng = self.rng
        pname, ptype, pcode, _, _ = PROVINCES[index]
        title = f"{ptype} {pname}"
        prov = Org(id=0, parent=None, kind=OrgKind.PROVINCE, name=f"Đảng bộ {title}", code=pcode,
                   short=f"{'Tỉnh' if ptype == 'tỉnh' else 'Thành'} ủy {pname}", province=index)  # fmt: skip
        prov.id, self.next_id = self.next_id, self.next_id + 1
        prov.path, prov.founded = child_path("", prov.id), self.founded(1930, 1976)
        self.plan.orgs.append(prov)
        self.plan.provinces.append(prov)
        places = self.places[:]
        rng.shuffle(places)
        place_iter = iter(places * 40)

        grassroots = max(grassroots, 1)
        cells = max(cells, grassroots)
        n_direct = max(1, round(grassroots / 35))
        directs = []
        for d in range(1, n_direct + 1):
            if d <= len(_DIRECT_BLOCS) and n_direct >= 8:
                unit = _DIRECT_BLOCS[d - 1].format(t=title)
            else:
                unit = f"{'phường' if rng.random() < 0.3 else 'xã'} {next(place_iter)}"
            directs.append(self.org(prov, OrgKind.DIRECT, f"Đảng bộ {unit}", f"{pcode}-{d:02d}", short=unit,
                                    host=unit, founded=self.founded(1976, 2025), decision=f"{rng.randint(1, 999)}-QĐ/TU",
                                    issuer=f"{'Tỉnh' if ptype == 'tỉnh' else 'Thành'} ủy {pname}"))  # fmt: skip
        per_direct = allocate(grassroots, [rng.uniform(0.5, 1.5) for _ in directs], minimum=1)
        # Which grassroots organizations are cells, which committees; then cells per committee.
        is_cell = [rng.random() < 0.35 for _ in range(grassroots)]
        if all(is_cell):
            is_cell[0] = False
        n_committees = grassroots - sum(is_cell)
        sub_cells = allocate(
            cells - sum(is_cell), [rng.uniform(0.3, 1.7) for _ in range(n_committees)], minimum=2
        )
        sub_iter = iter(sub_cells)
        flag_iter = iter(is_cell)
        province_cells: list[Org] = []
        for direct, count in zip(directs, per_direct, strict=True):
            issuer = f"Đảng ủy {direct.short}"
            for g in range(1, count + 1):
                code = f"{direct.code}-{g:03d}"
                founded = self.founded(1976, 2024)
                decision = f"{rng.randint(1, 999)}-QĐ/ĐU"
                place = next(place_iter)
                if next(flag_iter):
                    unit = rng.choice(_GRASSROOTS_CELL_UNITS).format(p=place)
                    cell = self.org(direct, OrgKind.GRASSROOTS_CELL, f"Chi bộ {unit}", code, short=unit, host=unit,
                                    founded=founded, decision=decision, issuer=issuer)  # fmt: skip
                    self.plan.grassroots.append(cell)
                    province_cells.append(cell)
                    continue
                _, template, units = _UNIT_TYPES[self.unit_table[int(rng.random() * len(self.unit_table))]]
                unit = template.format(p=place)
                gr = self.org(direct, OrgKind.GRASSROOTS_COMMITTEE, f"Đảng bộ {unit}", code, short=unit, host=unit,
                              founded=founded, decision=decision, issuer=issuer)  # fmt: skip
                self.plan.grassroots.append(gr)
                n_cells = next(sub_iter)
                parents = [(gr, n_cells)]
                if n_cells >= 8 and rng.random() < 0.25:  # some have sub-committees (Đảng bộ bộ phận)
                    n_sub = rng.randint(2, 3)
                    inside = allocate(n_cells // 2, [1.0] * n_sub, minimum=1)
                    parents = [(gr, n_cells - sum(inside))]
                    for b, k in enumerate(inside, start=1):
                        sub_unit = f"{units[(b - 1) % len(units)].format(k=b)} ({b})"
                        sub = self.org(gr, OrgKind.SUB_COMMITTEE, f"Đảng bộ bộ phận {sub_unit}", f"{code}-B{b}",
                                       short=sub_unit, host=f"{sub_unit}, {unit}", founded=founded,
                                       decision=decision, issuer=f"Đảng ủy {unit}")  # fmt: skip
                        parents.append((sub, k))
                for parent, k in parents:
                    for c in range(1, k + 1):
                        cunit = units[(c - 1) % len(units)]
                        cunit = cunit.format(k=c) if "{k}" in cunit else (
                            cunit if c <= len(units) else f"{cunit} {c // len(units) + 1}"
                        )  # fmt: skip
                        host = f"{cunit}, {unit}"
                        province_cells.append(
                            self.org(parent, OrgKind.SUBORDINATE_CELL, f"Chi bộ {cunit}", f"{parent.code}-{c:02d}",
                                     host=host, founded=founded, decision=decision, issuer=f"Đảng ủy {parent.short or unit}")
                        )  # fmt: skip
        sizes = allocate(members, [rng.uniform(0.4, 1.6) for _ in province_cells], minimum=0)
        for cell, size in zip(province_cells, sizes, strict=True):
            cell.size = size
        self.plan.cells.extend(province_cells)
        self.plan.members += members


def build_plan(scale: str, *, members: int | None = None, seed: int = SEED, first_id: int = 1) -> Plan:
    spec = SCALES[scale]
    factor = (members / spec["members"]) if members else 1.0
    total_members = members or spec["members"]
    total_grassroots = max(spec["provinces"], round(spec["grassroots"] * factor))
    total_cells = max(total_grassroots, round(spec["cells"] * factor))
    rng = random.Random(seed)
    n = spec["provinces"]
    weights = [p[4] for p in PROVINCES[:n]]
    builder = _TreeBuilder(rng, first_id)
    for i, (m, g, c) in enumerate(
        zip(allocate(total_members, weights), allocate(total_grassroots, weights, 1), allocate(total_cells, weights, 1),
            strict=True)
    ):  # fmt: skip
        builder.province(i, m, g, c)
    return builder.plan


# --------------------------------------------------------------------------------------------- rows


def org_rows(plan: Plan, stamp: str):
    for o in plan.orgs:
        yield (
            o.id, stamp, stamp, o.name, o.short, o.code, str(o.kind), o.host, o.parent.id if o.parent else None,
            o.path, o.depth, fold(o.name), o.decision, o.founded.isoformat() if o.founded else None, o.issuer,
            None, "", o.official, o.probationary,  # see count_members()
        )  # fmt: skip


def link_rows(plan: Plan):
    for o in plan.orgs:
        yield (o.id, o.parent.id if o.parent else None, o.founded.isoformat() if o.founded else None, None,
               o.decision, o.name, o.path)  # fmt: skip


# Member status codes in ``History.status``.
_PROBATIONARY, _OFFICIAL, _DECEASED, _MOVED = 0, 1, 2, 3
_EPOCH = dt.date(1900, 1, 1).toordinal()


def _iso_dates(now: dt.date) -> list[str]:
    """ISO strings of the days from 01/01/1900 to a year after ``now``, indexed by ordinal − _EPOCH."""
    return [dt.date.fromordinal(o).isoformat() for o in range(_EPOCH, now.toordinal() + 367)]


@dataclass
class History:
    """What each member's history rows are made of, one entry per member in id order (from ``first_id``),
    kept in compact arrays (the nation has 5.6M members): filled by ``member_rows``, read by ``event_rows``,
    ``period_rows`` and ``transfer_rows`` once the members are written. Dates are ordinals."""

    first_id: int = 1
    cell: array = field(default_factory=lambda: array("i"))
    status: array = field(default_factory=lambda: array("b"))  # _PROBATIONARY … _MOVED
    enrolled: array = field(default_factory=lambda: array("i"))  # the "nhập hồ sơ" event
    official: array = field(default_factory=lambda: array("i"))  # official recognition after it; 0 = none
    change: array = field(default_factory=lambda: array("i"))  # exemption (on the roll) or leaving; 0 = none
    events: int = 0
    periods: int = 0
    transfers: int = 0


def _cell_floors(plan: Plan) -> dict[int, int]:
    """Earliest enrolment date (ordinal) per cell: ENROLMENT_FLOOR or the latest founding date on its path."""
    floors = {}
    for cell in plan.cells:
        d, o = ENROLMENT_FLOOR, cell
        while o is not None:
            if o.founded and o.founded > d:
                d = o.founded
            o = o.parent
        floors[cell.id] = d.toordinal()
    return floors


def member_rows(
    plan: Plan, *, seed: int, now: dt.date, stamp: str, first_id: int = 1, history: History | None = None
):
    """Member rows (tuples in MEMBER_COLUMNS order), cell by cell in a shuffled cell order. With ``history``,
    also decide each member's history (from a random stream of its own: the member rows do not change)."""
    rng = random.Random(seed + 1)
    r = rng.random
    h = random.Random(seed + 3).random
    cells = plan.cells[:]
    rng.shuffle(cells)
    floors = _cell_floors(plan)
    if history is not None:
        history.first_id = first_id
        h_cell, h_status, h_enrolled = history.cell.append, history.status.append, history.enrolled.append
        h_official, h_change = history.official.append, history.change.append
    decision_nos = [f"{k}-QĐ/ĐU" for k in range(1, 1000)]
    exempted_index = EXEMPTED_INDEX
    n_later = n_exempted = n_moved = n_deceased = 0

    # Dates as ISO strings indexed by ordinal.
    o0 = _EPOCH
    now_ord = now.toordinal()
    iso = _iso_dates(now)

    family = _table(FAMILY)
    mid_m, mid_f = _table(MIDDLE_MALE), _table(MIDDLE_FEMALE)
    n_fam, n_mm, n_mf, n_gm, n_gf = len(family), len(mid_m), len(mid_f), len(GIVEN_MALE), len(GIVEN_FEMALE)
    ages = _table([(a, w / (hi - lo + 1)) for lo, hi, w in _AGE_BANDS for a in range(lo, hi + 1)], 2000)
    n_ages = len(ages)
    eth_na, eth_nation = _table(ETHNICITY_WEIGHTS), _table(_NATION_ETHNICITY)
    religions = _table(RELIGION_WEIGHTS)
    n_rel = len(religions)
    degrees = [str(d) for d in _table(_DEGREES, 100)]
    theory = [str(t) for t in _table(_THEORY, 100)]
    n_deg, n_th, n_occ, n_prof = len(degrees), len(theory), len(_OCCUPATIONS), len(_PROFESSIONS)
    official, probationary = str(MemberStatus.OFFICIAL), str(MemberStatus.PROBATIONARY)
    deceased, moved = str(MemberStatus.DECEASED), str(MemberStatus.TRANSFERRED_OUT)
    g12, g9 = str(GeneralEducation.GRADE_12), str(GeneralEducation.GRADE_9)

    # Per-province strings: places for birth/native place and residences.
    prov_ctx = []
    prng = random.Random(seed + 2)
    places_all = [f"{a} {b}" for a in _PLACE_A for b in _PLACE_B if a != b]
    for p in range(len(plan.provinces)):
        pname, ptype, pcode, cccd, _ = PROVINCES[p]
        places = prng.sample(places_all, 60)
        birth = [f"xã {pl}, {ptype} {pname}" for pl in places]
        res = [
            f"Số {prng.randint(1, 300)}, đường {prng.choice(_STREETS)}, phường {prng.choice(places)}, {ptype} {pname}"
            if prng.random() < 0.4
            else f"Xóm {prng.randint(1, 15)}, xã {prng.choice(places)}, {ptype} {pname}"
            for _ in range(400)
        ]
        prov_ctx.append((birth, res, pcode, cccd, eth_na if pname == "Nghệ An" else eth_nation))

    name_cache: dict[int, tuple[str, str, str]] = {}
    ring = ["Nguyễn Văn An"] * 512
    cccd_counter: dict[str, int] = {}
    D18, D16, D45 = 6575, 5844, 16436
    mid = first_id - 1
    for cell in cells:
        cell_id, cell_path, cell_name = cell.id, cell.path, cell.name
        floor = floors[cell_id]
        birth_places, residences, pcode, cccd, eth = prov_ctx[cell.province]
        n_bp, n_res, n_eth = len(birth_places), len(residences), len(eth)
        for _ in range(cell.size):
            mid += 1
            # --- name (cached derived columns: names repeat a lot)
            male = r() < 0.62
            f = family[int(r() * n_fam)]
            if male:
                m1 = mid_m[int(r() * n_mm)]
                g = int(r() * n_gm)
                m2 = mid_m[int(r() * n_mm)] if r() < 0.12 else None
            else:
                m1 = mid_f[int(r() * n_mf)]
                g = int(r() * n_gf)
                m2 = mid_f[int(r() * n_mf)] if r() < 0.12 else None
            if m2 == m1:
                m2 = None
            key = (f, m1, m2, g, male)
            cached = name_cache.get(key)
            if cached is None:
                given = GIVEN_MALE[g] if male else GIVEN_FEMALE[g]
                full = f"{f} {m1} {m2} {given}" if m2 else f"{f} {m1} {given}"
                d = derived_columns(full, "")
                cached = name_cache[key] = (full, d["name_norm"], d["name_sort"])
            full, norm, sort = cached
            ring[mid & 511] = full
            # --- dates and status
            u = r()
            if u < 0.04:  # probationary: joined within the last year, aged 19–40
                status, code = probationary, _PROBATIONARY
                birth = now_ord - int((19 + r() * 21) * 365.2425)
                joined = now_ord - 30 - int(r() * 300)
                official_date = None
            else:
                code = _OFFICIAL if u < 0.993 else (_DECEASED if u < 0.997 else _MOVED)
                status = (official, deceased, moved)[code - 1]
                birth = now_ord - int((ages[int(r() * n_ages)] + r()) * 365.2425)
                earliest = birth + D18
                latest = min(now_ord - 400, birth + D45)
                joined = earliest + int((r() ** 1.6) * (latest - earliest)) if latest > earliest else earliest
                official_date = iso[joined + 365 - o0]
            youth = birth + D16 + int(r() * 900)
            youth_s = iso[youth - o0] if youth < joined and r() < 0.9 else None
            # --- identity
            if r() < 0.97:
                year = (birth - o0) // 365.2425 + 1900
                prefix = f"{cccd}{(0 if year < 2000 else 2) + (0 if male else 1)}{int(year) % 100:02d}"
                n = cccd_counter.get(prefix, 0) + 1
                cccd_counter[prefix] = n
                citizen = f"{prefix}{(n * 7919 + 104729) % 1_000_000:06d}"
            else:
                citizen = None
            row = (
                mid, stamp, stamp, full, "", "nam" if male else "nu", iso[birth - o0],
                birth_places[int(r() * n_bp)], birth_places[int(r() * n_bp)], residences[int(r() * n_res)],
                eth[int(r() * n_eth)], religions[int(r() * n_rel)], _OCCUPATIONS[int(r() * n_occ)], citizen,
                f"09{int(r() * 100_000_000):08d}" if r() < 0.7 else "",
                f"{int(r() * 90_000_000) + 10_000_000}" if official_date else "",
                f"{pcode}-{mid:07d}", cell_id, status, r() < 0.01 and code <= _OFFICIAL, iso[joined - o0], cell_name,
                iso[joined - 5 - int(r() * 20) - o0], official_date, cell_name if official_date else "",
                ring[int(r() * 512)], ring[int(r() * 512)], youth_s, g12 if r() < 0.97 else g9,
                _PROFESSIONS[int(r() * n_prof)], degrees[int(r() * n_deg)],
                "" if r() < 0.997 else "Phó Giáo sư", theory[int(r() * n_th)], norm, sort, cell_path,
                decision_nos[(mid * 7919) % 999],
            )  # fmt: skip
            if history is not None:
                # Enrolled on the floor date or later; officially recognised afterwards when that came later;
                # exempted or gone (deceased, transferred out) on a day after the last of those, up to today.
                start = joined if joined > floor else floor
                later = joined + 365 if code and joined + 365 > start else 0
                change = 0
                if later:
                    n_later += 1
                if code > _OFFICIAL or row[exempted_index]:
                    last = later or start
                    change = last + 1 + int(h() * max(now_ord - last, 1))
                    if code <= _OFFICIAL:
                        n_exempted += 1  # the exemption splits the open period
                    elif code == _MOVED:
                        n_moved += 1
                    else:
                        n_deceased += 1  # leaving closes the period
                h_cell(cell_id)
                h_status(code)
                h_enrolled(start)
                h_official(later)
                h_change(change)
            yield row
    if history is not None:
        n = mid - first_id + 1
        history.events = n + n_later + n_exempted + n_moved + n_deceased
        history.periods = n + n_later + n_exempted
        history.transfers = n_moved


def count_members(plan: Plan, history: History) -> None:
    """Fill the organizations' member counts (what ``members.counts.services.recount`` computes from the member
    rows, without the 350,000 single-row updates at national scale)."""
    from collections import Counter

    for o in plan.orgs:
        o.official = o.probationary = 0
    by_id = {c.id: c for c in plan.cells}
    for (cell, code), n in Counter(zip(history.cell, history.status, strict=True)).items():
        if code > _OFFICIAL:
            continue
        o = by_id[cell]
        while o is not None:
            if code == _OFFICIAL:
                o.official += n
            else:
                o.probationary += n
            o = o.parent


def _letter_no(member_id: int) -> str:
    return f"{(member_id * 31) % 900 + 100}-GGT/ĐU"


def _deciders(plan: Plan) -> dict[int, tuple[str, str]]:
    """For each cell: the body that decides official recognition (the standing committee of the committee
    directly above its grassroots organization) and the one that decides exemptions and issues introduction
    letters (the grassroots organization): their names (the levels are UPPER and GRASSROOTS)."""
    out = {}
    for cell in plan.cells:
        grassroots = cell
        while grassroots.kind not in (OrgKind.GRASSROOTS_COMMITTEE, OrgKind.GRASSROOTS_CELL):
            grassroots = grassroots.parent
        upper = grassroots.parent
        own = (
            f"{'Đảng ủy' if grassroots.kind == OrgKind.GRASSROOTS_COMMITTEE else 'Chi bộ'} {grassroots.short}"
        )
        out[cell.id] = (f"Ban Thường vụ Đảng ủy {upper.short}", own)
    return out


def transfer_rows(plan: Plan, history: History, *, now: dt.date, stamp: str, calendar: WorkCalendar,
                  first_id: int = 1):  # fmt: skip
    """The introduction letters of the members who transferred out of the deployment (TRANSFER_COLUMNS order),
    sent on the day they left; ids in member order, as ``event_rows`` expects. ``calendar`` is read before
    (the rows are generated while a COPY holds the connection)."""
    iso = _iso_dates(now)
    kind, state = str(TransferKind.OFFICIAL), str(TransferState.SENT)
    deciders, grassroots_level = _deciders(plan), str(DecisionLevel.GRASSROOTS)
    n_dest = len(_EXTERNAL_DESTINATIONS)
    tid = first_id - 1
    mid = history.first_id - 1
    for cell, code, change in zip(history.cell, history.status, history.change, strict=True):
        mid += 1
        if code != _MOVED:
            continue
        tid += 1
        sent = dt.date.fromordinal(change)
        valid_until = calendar.add_working_days(sent, TRANSFER_LETTER_DAYS)
        dues = sent.replace(day=1) - dt.timedelta(days=1)
        yield (
            tid, stamp, stamp, kind, state, "", _EXTERNAL_DESTINATIONS[mid % n_dest], None, _letter_no(mid),
            iso[change - _EPOCH], valid_until.isoformat(), dues.isoformat(), None, None, None, "Chuyển công tác",
            cell, mid, None, None, "", grassroots_level, deciders[cell][1],
        )  # fmt: skip


def event_rows(plan: Plan, history: History, *, now: dt.date, stamp: str, first_id: int = 1,
               first_transfer_id: int = 1):  # fmt: skip
    """Member events (EVENT_COLUMNS order), member by member in id order."""
    iso = _iso_dates(now)
    deciders = _deciders(plan)
    upper, grassroots = str(DecisionLevel.UPPER), str(DecisionLevel.GRASSROOTS)
    enroll, official, exemption = str(EventKind.ENROLL), str(EventKind.OFFICIAL), str(EventKind.EXEMPTION)
    death, transfer_out = str(EventKind.DEATH), str(EventKind.TRANSFER_OUT)
    decision_nos = [f"{k}-QĐ/ĐU" for k in range(1, 1000)]
    eid, tid = first_id - 1, first_transfer_id - 1
    mid = history.first_id - 1
    for cell, code, start, later, change in zip(
        history.cell, history.status, history.enrolled, history.official, history.change, strict=True
    ):
        mid += 1
        eid += 1
        yield (eid, mid, enroll, iso[start - _EPOCH], cell, "", None, "", "", "", None, None, "", stamp)
        if later:
            eid += 1
            day = iso[later - _EPOCH]
            yield (eid, mid, official, day, cell, decision_nos[(mid * 13) % 999], day, upper, deciders[cell][0], "",
                   None, None, "", stamp)  # fmt: skip
        if change:
            eid += 1
            day = iso[change - _EPOCH]
            if code <= _OFFICIAL:
                yield (eid, mid, exemption, day, cell, decision_nos[(mid * 17) % 999], day, grassroots,
                       deciders[cell][1], "", None, None, "", stamp)  # fmt: skip
            elif code == _DECEASED:
                yield (eid, mid, death, day, cell, "", None, "", "", "", None, None, "", stamp)
            else:
                tid += 1
                yield (eid, mid, transfer_out, day, cell, _letter_no(mid), day, grassroots, deciders[cell][1], "",
                       None, tid, "", stamp)  # fmt: skip


def period_rows(plan: Plan, history: History, *, now: dt.date, first_id: int = 1):
    """Roll periods (PERIOD_COLUMNS order), exactly as ``history.replay`` derives them from ``event_rows``."""
    iso = _iso_dates(now)
    paths = {c.id: c.path for c in plan.cells}
    enroll, official, exemption = str(EventKind.ENROLL), str(EventKind.OFFICIAL), str(EventKind.EXEMPTION)
    leaving = {_DECEASED: str(EventKind.DEATH), _MOVED: str(EventKind.TRANSFER_OUT)}
    s_prob, s_off = str(MemberStatus.PROBATIONARY), str(MemberStatus.OFFICIAL)
    pid = first_id - 1
    mid = history.first_id - 1
    for cell, code, start, later, change in zip(
        history.cell, history.status, history.enrolled, history.official, history.change, strict=True
    ):
        mid += 1
        pid += 1
        path = paths[cell]
        status = s_prob if code == _PROBATIONARY or later else s_off
        since, how = iso[start - _EPOCH], enroll
        if later:
            day = iso[later - _EPOCH]
            yield (pid, mid, cell, path, status, False, since, day, how, official)
            pid += 1
            status, since, how = s_off, day, official
        if not change:
            yield (pid, mid, cell, path, status, False, since, None, how, "")
        elif code <= _OFFICIAL:
            day = iso[change - _EPOCH]
            yield (pid, mid, cell, path, status, False, since, day, how, exemption)
            pid += 1
            yield (pid, mid, cell, path, status, True, day, None, exemption, "")
        else:
            yield (pid, mid, cell, path, status, False, since, iso[change - _EPOCH], how, leaving[code])


# --------------------------------------------------------------------------------------------- loading


class Progress:
    def __init__(self, out, label: str, total: int, every: int):
        self.out, self.label, self.total, self.every = out, label, total, every
        self.start = time.perf_counter()
        self.n = 0

    def tick(self, n: int = 1) -> None:
        before = self.n
        self.n += n
        if self.n // self.every != before // self.every:
            self.report()

    def report(self) -> None:
        elapsed = time.perf_counter() - self.start
        self.out(
            f"  {self.label}: {self.n:>10,} / {self.total:,}  {elapsed:6.1f} s  {self.n / max(elapsed, 1e-9):>9,.0f} rows/s"
        )

    @property
    def elapsed(self) -> float:
        return time.perf_counter() - self.start


def _quote(name: str) -> str:
    return connection.ops.quote_name(name)


def _pg_detach(cur, tables: list[str], truncate: list[str]) -> list[str]:
    """Drop foreign keys touching ``tables``, their unique constraints and secondary indexes; return the SQL
    that recreates them (indexes first, then unique constraints, then foreign keys)."""
    cur.execute(
        """SELECT DISTINCT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid), c.contype
             FROM pg_constraint c
            WHERE c.contype IN ('f', 'u') AND (c.conrelid = ANY(%s::regclass[]) OR c.confrelid = ANY(%s::regclass[]))""",
        [tables, tables],
    )
    constraints = cur.fetchall()
    cur.execute(
        """SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
             FROM pg_index i
            WHERE i.indrelid = ANY(%s::regclass[]) AND NOT i.indisprimary
              AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)""",
        [tables],
    )
    indexes = cur.fetchall()
    fks = [c for c in constraints if c[3] == "f"]
    uniques = [c for c in constraints if c[3] == "u" and c[0] in tables]
    for table, name, _, _ in fks + uniques:
        cur.execute(f"ALTER TABLE {table} DROP CONSTRAINT {_quote(name)}")
    for name, _ in indexes:
        cur.execute(f"DROP INDEX {name}")
    for table in truncate:
        cur.execute(f"TRUNCATE {table}")
    restore = [sql for _, sql in indexes]
    restore += [f"ALTER TABLE {t} ADD CONSTRAINT {_quote(n)} {d}" for t, n, d, _ in uniques]
    restore += [f"ALTER TABLE {t} ADD CONSTRAINT {_quote(n)} {d}" for t, n, d, _ in fks]
    return restore


def _sqlite_detach(cur, tables: list[str]) -> list[str]:
    placeholders = ",".join("?" * len(tables))
    cur.execute(
        f"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN ({placeholders})",
        tables,
    )
    indexes = cur.fetchall()
    for name, _ in indexes:
        cur.execute(f'DROP INDEX "{name}"')
    for suffix in ("ai", "ad", "au"):
        cur.execute(f"DROP TRIGGER IF EXISTS {MEMBER_TABLE}_fts_{suffix}")
    return [sql for _, sql in indexes]


def load_synthetic(
    scale: str, *, members: int | None = None, seed: int = SEED, stdout=None, data_dir=None
) -> dict:
    """Bulk-load the synthetic data set into an empty database and create the benchmark users."""
    from dangbo.organizations.models import Organization

    out = stdout or (lambda s: print(s, flush=True))
    if Organization.objects.exists():
        raise RuntimeError("Cơ sở dữ liệu đã có tổ chức; dữ liệu tổng hợp chỉ nạp vào cơ sở dữ liệu trống.")
    vendor = connection.vendor
    t_all = time.perf_counter()
    now = today()
    stamp = timezone.now().astimezone(dt.UTC).replace(tzinfo=None).isoformat(sep=" ")

    t0 = time.perf_counter()
    plan = build_plan(scale, members=members, seed=seed)
    t_plan = time.perf_counter() - t0
    n_orgs, n_members = len(plan.orgs), plan.members
    out(
        f"Kế hoạch ({scale}, {vendor}): {len(plan.provinces)} tỉnh, {len(plan.grassroots):,} tổ chức cơ sở, "
        f"{len(plan.cells):,} chi bộ, {n_orgs:,} tổ chức, {n_members:,} đảng viên  ({t_plan:.1f} s)"
    )
    timings: dict[str, float] = {"plan": t_plan}
    history = History()
    rows = member_rows(plan, seed=seed, now=now, stamp=stamp, history=history)

    def after_members():
        """(timing key, label, table, columns, rows, total) of the tables written once the members are: their
        rows come from what ``member_rows`` decided (the history; the organizations' member counts)."""
        t0 = time.perf_counter()
        count_members(plan, history)
        timings["counts"] = time.perf_counter() - t0
        out(f"  số đảng viên theo tổ chức: {timings['counts']:.1f} s")
        calendar = WorkCalendar.from_db()
        return [
            ("history", "chuyển đi", TRANSFER_TABLE, TRANSFER_COLUMNS,
             transfer_rows(plan, history, now=now, stamp=stamp, calendar=calendar), history.transfers),
            ("history", "sự kiện", EVENT_TABLE, EVENT_COLUMNS, event_rows(plan, history, now=now, stamp=stamp),
             history.events),
            ("history", "thời kỳ", PERIOD_TABLE, PERIOD_COLUMNS, period_rows(plan, history, now=now),
             history.periods),
            ("organizations", "tổ chức", ORG_TABLE, ORG_COLUMNS, org_rows(plan, stamp), n_orgs),
            ("organizations", "quan hệ trực thuộc", LINK_TABLE, LINK_COLUMNS, link_rows(plan), n_orgs),
        ]  # fmt: skip

    every = 500_000 if n_members > 1_000_000 else 50_000
    if vendor == "postgresql":
        timings.update(_load_postgresql(plan, rows, after_members, out, every))
    elif vendor == "sqlite":
        timings.update(_load_sqlite(plan, rows, after_members, out, every))
    else:  # pragma: no cover
        raise RuntimeError(f"Unsupported database: {vendor}")

    t0 = time.perf_counter()
    users = create_bench_users(plan)
    timings["users"] = time.perf_counter() - t0
    from dangbo.reports.rollups import services as rollups

    t0 = time.perf_counter()
    built = rollups.rebuild()
    rollups.vacuum()  # the visibility map of the rows just written: the reports read them index-only
    timings["rollups"] = time.perf_counter() - t0
    out(
        f"  số liệu tổng hợp của báo cáo: {built['member_month']:,} dòng chi bộ-tháng, {timings['rollups']:.1f} s"
    )
    mark_synthetic(scale=scale, members=n_members)
    from dangbo.organizations.selectors import tree_changed

    tree_changed()  # organizations written in bulk, without signals: the cached pickers are stale
    total = time.perf_counter() - t_all
    summary = {
        "scale": scale,
        "vendor": vendor,
        "seed": seed,
        "provinces": len(plan.provinces),
        "organizations": n_orgs,
        "grassroots": len(plan.grassroots),
        "cells": len(plan.cells),
        "members": n_members,
        "events": history.events,
        "periods": history.periods,
        "transfers": history.transfers,
        "timings_s": {k: round(v, 2) for k, v in timings.items()},
        "total_s": round(total, 2),
        "member_rows_per_s": round(n_members / timings["members"]),
        "history_rows_per_s": round((history.events + history.periods) / max(timings["history"], 1e-9)),
        "users": users,
        "date": now.isoformat(),
    }
    out(
        f"Xong: {n_members:,} đảng viên, {n_orgs:,} tổ chức trong {total:.1f} s "
        f"(nạp đảng viên {timings['members']:.1f} s = {summary['member_rows_per_s']:,} dòng/s; "
        f"{history.events:,} sự kiện và {history.periods:,} thời kỳ {timings['history']:.1f} s; "
        f"chỉ mục {timings.get('indexes', 0):.1f} s)"
    )
    if data_dir is not None:
        (data_dir / "load_synthetic.json").write_text(json.dumps(summary, indent=2, ensure_ascii=False))
    return summary


def _load_postgresql(plan: Plan, rows, after_members, out, every: int) -> dict:
    timings = {"history": 0.0, "organizations": 0.0}
    tables = [MEMBER_TABLE, word_table(MEMBER_TABLE), *HISTORY_TABLES, ORG_TABLE, LINK_TABLE]
    with transaction.atomic():
        with connection.cursor() as cur:
            cur.execute("SELECT count(*) FROM members_member")
            if cur.fetchone()[0]:
                raise RuntimeError("members_member is not empty")
            cur.execute("SET LOCAL maintenance_work_mem = '1GB'")
            cur.execute("SET LOCAL synchronous_commit = off")
            # Emptied in this transaction (they are empty: no organization, no member), so COPY can FREEZE.
            restore = _pg_detach(cur, tables, truncate=tables)
            raw = cur.cursor  # the psycopg cursor

            def copy_rows(progress, table, columns, data) -> None:
                with raw.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN WITH (FREEZE)") as copy:
                    write = copy.write_row
                    n = 0
                    for row in data:
                        write(row)
                        n += 1
                        if n == 10_000:
                            progress.tick(n)
                            n = 0
                    progress.tick(n)
                progress.report()

            # The search word table is filled in one statement after the load, not row by row by its triggers.
            cur.execute(f"ALTER TABLE {MEMBER_TABLE} DISABLE TRIGGER USER")
            progress = Progress(out, "đảng viên", plan.members, every)
            copy_rows(progress, MEMBER_TABLE, MEMBER_COLUMNS, rows)
            timings["members"] = progress.elapsed
            t0 = time.perf_counter()
            cur.execute(word_table_fill_sql(MEMBER_TABLE, LIST_INDEX_FILTERS))
            cur.execute(f"ALTER TABLE {MEMBER_TABLE} ENABLE TRIGGER USER")
            timings["words"] = time.perf_counter() - t0
            out(f"  bảng từ tìm kiếm: {timings['words']:.1f} s")
            for key, label, table, columns, data, total in after_members():
                progress = Progress(out, label, total, every)
                copy_rows(progress, table, columns, data)
                timings[key] += progress.elapsed

            t0 = time.perf_counter()
            _restore_indexes(cur, restore, out)
            for table in [t for t in tables if t != word_table(MEMBER_TABLE)]:  # (the word table has no id)
                cur.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT coalesce(max(id), 0) + 1 FROM {table}), false)"
                )
            timings["indexes"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    with connection.cursor() as cur:
        for table in tables:
            cur.execute(f"VACUUM (ANALYZE) {table}")
    timings["analyze"] = time.perf_counter() - t0
    out(f"  VACUUM ANALYZE: {timings['analyze']:.1f} s")
    return timings


def _restore_indexes(cur, statements: list[str], out) -> None:
    """Re-create the indexes and constraints dropped before the load, timing each one."""
    for sql in statements:
        t1 = time.perf_counter()
        cur.execute(sql)
        out(f"  {time.perf_counter() - t1:6.1f} s  {sql[:110]}")


def _load_sqlite(plan: Plan, rows, after_members, out, every: int) -> dict:
    import itertools

    timings = {"history": 0.0, "organizations": 0.0}
    connection.ensure_connection()
    db = connection.connection  # the sqlite3 connection
    db.execute("PRAGMA foreign_keys = OFF")
    db.execute("PRAGMA synchronous = OFF")
    try:
        with transaction.atomic():
            cur = db.cursor()
            restore = _sqlite_detach(cur, [MEMBER_TABLE, *HISTORY_TABLES, ORG_TABLE, LINK_TABLE])

            def insert_rows(progress, table, columns, data) -> None:
                sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
                while chunk := list(itertools.islice(data, 50_000)):
                    cur.executemany(sql, chunk)
                    progress.tick(len(chunk))
                progress.report()

            progress = Progress(out, "đảng viên", plan.members, every)
            insert_rows(progress, MEMBER_TABLE, MEMBER_COLUMNS, rows)
            timings["members"] = progress.elapsed
            for key, label, table, columns, data, total in after_members():
                progress = Progress(out, label, total, every)
                insert_rows(progress, table, columns, data)
                timings[key] += progress.elapsed

            t0 = time.perf_counter()
            _restore_indexes(cur, restore, out)
            t1 = time.perf_counter()
            for sql in install_sql(MEMBER_TABLE, "sqlite"):
                cur.execute(sql)
            out(f"  {time.perf_counter() - t1:6.1f} s  FTS5 {MEMBER_TABLE}_fts rebuild + triggers")
            timings["indexes"] = time.perf_counter() - t0
    finally:
        db.execute("PRAGMA synchronous = NORMAL")
        db.execute("PRAGMA foreign_keys = ON")
    t0 = time.perf_counter()
    db.execute("ANALYZE")
    timings["analyze"] = time.perf_counter() - t0
    out(f"  ANALYZE: {timings['analyze']:.1f} s")
    return timings


# The mark of a database loaded by ``dangbo synth``: the benchmarks (``bench/``) refuse any database without it,
# so that they never write their rows (meetings, dues ledgers) or read timings from a database of real records.
MARKER_TABLE = "dangbo_synthetic"


def mark_synthetic(*, scale: str, members: int) -> None:
    """Write the synthetic-data mark into the current database (a one-row table outside the models)."""
    with connection.cursor() as cur:
        cur.execute(
            f"CREATE TABLE IF NOT EXISTS {MARKER_TABLE} "
            "(scale varchar(20) NOT NULL, members bigint NOT NULL, loaded_at varchar(40) NOT NULL)"
        )
        cur.execute(f"DELETE FROM {MARKER_TABLE}")
        cur.execute(
            f"INSERT INTO {MARKER_TABLE} (scale, members, loaded_at) VALUES (%s, %s, %s)",
            [scale, members, timezone.now().isoformat(timespec="seconds")],
        )


def synthetic_mark() -> dict | None:
    """The mark ``dangbo synth`` left in the current database (scale, members, loaded_at), or None."""
    if MARKER_TABLE not in connection.introspection.table_names():
        return None
    with connection.cursor() as cur:
        cur.execute(f"SELECT scale, members, loaded_at FROM {MARKER_TABLE}")
        row = cur.fetchone()
    return dict(zip(("scale", "members", "loaded_at"), row, strict=True)) if row else None


def create_bench_users(plan: Plan) -> list[tuple[str, str, str]]:
    """bench.staff (STAFF at the first province), bench.grassroots (secretary of a grassroots committee) and the
    secretaries of 32 cells from that committee on (``create_cell_secretaries``)."""
    from django.contrib.auth.hashers import make_password

    from dangbo.accounts.choices import Role
    from dangbo.accounts.models import RoleAssignment, User

    province = plan.provinces[0]
    sizes: dict[int, int] = {}
    for cell in plan.cells:
        if cell.province == 0:
            for part in cell.path.split(".")[:-1]:
                sizes[int(part)] = sizes.get(int(part), 0) + cell.size
    committees = [g for g in plan.grassroots if g.province == 0 and g.kind == OrgKind.GRASSROOTS_COMMITTEE]
    committees.sort(key=lambda g: (-sizes.get(g.id, 0), g.id))
    grassroots = (
        committees[len(committees) // 10] if committees else plan.grassroots[0]
    )  # a large one, not the largest
    password = make_password(BENCH_PASSWORD)
    created = []
    with transaction.atomic():
        for username, title, role, org in (
            ("bench.staff", "Cán bộ Ban Tổ chức (benchmark)", Role.STAFF, province),
            ("bench.grassroots", "Bí thư Đảng ủy cơ sở (benchmark)", Role.GRASSROOTS_SECRETARY, grassroots),
        ):
            user, _ = User.objects.update_or_create(
                username=username, defaults={"full_name": title, "password": password, "is_active": True}
            )
            RoleAssignment.objects.filter(user=user).delete()
            RoleAssignment.objects.create(user=user, organization_id=org.id, role=role)
            created.append((username, str(role), org.code))
        created += create_cell_secretaries(grassroots.id, password=password)
    return created


CELL_SECRETARIES = (
    32  # bench/load.py's recording users: one cell each, so that no two of them edit one record
)


def create_cell_secretaries(grassroots_id: int, *, password: str | None = None) -> list[tuple[str, str, str]]:
    """bench.cell01 … bench.cell32: secretaries of the first cells (in tree order) from ``bench.grassroots``'s
    organization on — its own cells, then the next ones of the province. Read from the database, so that
    ``dangbo synth --users`` can add them to a database loaded before they existed."""
    from django.contrib.auth.hashers import make_password

    from dangbo.accounts.choices import Role
    from dangbo.accounts.models import RoleAssignment, User
    from dangbo.core.policies import subtree_q
    from dangbo.organizations.choices import CELL_KINDS
    from dangbo.organizations.models import Organization

    grassroots = Organization.objects.get(pk=grassroots_id)
    province = ".".join(grassroots.path.split(".")[:2]) + "."  # '1.P.G.' → '1.P.'
    cells = list(
        Organization.objects.filter(subtree_q(province), kind__in=CELL_KINDS, end_date__isnull=True,
                                    path__gte=grassroots.path).order_by("path")[:CELL_SECRETARIES]
    )  # fmt: skip
    password = password or make_password(BENCH_PASSWORD)
    created = []
    with transaction.atomic():
        for number, cell in enumerate(cells, 1):
            username = f"bench.cell{number:02d}"
            user, _ = User.objects.update_or_create(
                username=username,
                defaults={"full_name": f"Bí thư chi bộ {number:02d} (benchmark)", "password": password,
                          "is_active": True},
            )  # fmt: skip
            RoleAssignment.objects.filter(user=user).delete()
            RoleAssignment.objects.create(user=user, organization_id=cell.id, role=Role.CELL_SECRETARY)
            created.append((username, str(Role.CELL_SECRETARY), cell.code))
    return created
