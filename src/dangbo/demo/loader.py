"""The deterministic demo: Nghệ An's provincial agencies' bloc party committee with its 59 grassroots
organizations (2013), about 6,000 members, the 2010–2015 committees, and one login per role.

Same seed, same data: every run produces the same organizations, names and dates.
"""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction

from dangbo.accounts.choices import Role
from dangbo.accounts.models import RoleAssignment, User
from dangbo.core.dates import add_years, today
from dangbo.members.choices import Degree, GeneralEducation, MemberStatus, PoliticalTheory
from dangbo.members.models import Member
from dangbo.members.services import derived_columns
from dangbo.organizations import counts
from dangbo.organizations.choices import OrgKind, Position
from dangbo.organizations.models import CommitteeSeat, Organization, OrganizationLink, Term
from dangbo.organizations.paths import child_path

from .names import DISTRICTS, ETHNICITY_WEIGHTS, RELIGION_WEIGHTS, person_name, weighted

SEED = 2013
DEMO_PASSWORD = "dangbo2013"
TERM_START = dt.date(2010, 8, 1)
TERM_END = dt.date(2015, 8, 1)

# (agency, short code, committee or cell, approximate members) — kinds of provincial agencies of Nghệ An.
GRASSROOTS = [
    ("Văn phòng Tỉnh ủy", "VPTU", "bo", 95), ("Ban Tổ chức Tỉnh ủy", "BTCTU", "chi", 38),
    ("Ban Tuyên giáo Tỉnh ủy", "BTGTU", "chi", 34), ("Ủy ban Kiểm tra Tỉnh ủy", "UBKTTU", "chi", 36),
    ("Ban Dân vận Tỉnh ủy", "BDVTU", "chi", 25), ("Ban Nội chính Tỉnh ủy", "BNCTU", "chi", 22),
    ("Báo Nghệ An", "BNA", "bo", 110), ("Trường Chính trị tỉnh", "TCT", "bo", 85),
    ("Văn phòng UBND tỉnh", "VPUB", "bo", 120), ("Văn phòng Đoàn ĐBQH và HĐND tỉnh", "VPHD", "chi", 40),
    ("Sở Tài chính", "STC", "bo", 105), ("Sở Kế hoạch và Đầu tư", "SKHDT", "bo", 90), ("Sở Y tế", "SYT", "bo", 140),
    ("Sở Giáo dục và Đào tạo", "SGDDT", "bo", 130), ("Sở Nông nghiệp và Phát triển nông thôn", "SNN", "bo", 260),
    ("Sở Giao thông vận tải", "SGTVT", "bo", 160), ("Sở Xây dựng", "SXD", "bo", 110), ("Sở Công Thương", "SCT", "bo", 150),
    ("Sở Tư pháp", "STP", "bo", 70), ("Sở Nội vụ", "SNV", "bo", 95), ("Sở Lao động - Thương binh và Xã hội", "SLDTBXH", "bo", 150),
    ("Sở Văn hóa, Thể thao và Du lịch", "SVHTTDL", "bo", 170), ("Sở Khoa học và Công nghệ", "SKHCN", "bo", 75),
    ("Sở Tài nguyên và Môi trường", "STNMT", "bo", 140), ("Sở Thông tin và Truyền thông", "STTTT", "chi", 40),
    ("Sở Ngoại vụ", "SNGV", "chi", 28), ("Thanh tra tỉnh", "TTT", "chi", 45), ("Ban Dân tộc tỉnh", "BDT", "chi", 35),
    ("Đài Phát thanh và Truyền hình tỉnh", "DPTTH", "bo", 150), ("Ủy ban Mặt trận Tổ quốc tỉnh", "MTTQ", "chi", 38),
    ("Tỉnh đoàn Nghệ An", "TD", "chi", 40), ("Hội Liên hiệp Phụ nữ tỉnh", "HLHPN", "chi", 30),
    ("Hội Nông dân tỉnh", "HND", "chi", 28), ("Hội Cựu chiến binh tỉnh", "HCCB", "chi", 22),
    ("Liên đoàn Lao động tỉnh", "LDLD", "bo", 75), ("Kho bạc Nhà nước tỉnh", "KBNN", "bo", 120),
    ("Cục Thống kê tỉnh", "CTK", "bo", 80), ("Bảo hiểm xã hội tỉnh", "BHXH", "bo", 130),
    ("Bệnh viện Hữu nghị đa khoa Nghệ An", "BVHNDK", "bo", 320), ("Bệnh viện Sản Nhi Nghệ An", "BVSN", "bo", 180),
    ("Bệnh viện Ung bướu Nghệ An", "BVUB", "bo", 120), ("Bệnh viện Y học cổ truyền tỉnh", "BVYHCT", "bo", 70),
    ("Trung tâm Y tế dự phòng tỉnh", "TTYTDP", "chi", 40), ("Trường Cao đẳng Y tế Nghệ An", "CDYT", "bo", 75),
    ("Trường Cao đẳng Sư phạm Nghệ An", "CDSP", "bo", 110), ("Trường THPT chuyên Phan Bội Châu", "PBC", "chi", 45),
    ("Trường THPT Huỳnh Thúc Kháng", "HTK", "chi", 40), ("Trường THPT Hà Huy Tập", "HHT", "chi", 38),
    ("Hội Chữ thập đỏ tỉnh", "HCTD", "chi", 18), ("Liên minh Hợp tác xã tỉnh", "LMHTX", "chi", 20),
    ("Liên hiệp các Hội Khoa học và Kỹ thuật tỉnh", "LHKHKT", "chi", 15), ("Hội Văn học Nghệ thuật tỉnh", "HVHNT", "chi", 18),
    ("Ban Quản lý Khu kinh tế Đông Nam", "BQLKKT", "bo", 65), ("Trung tâm Xúc tiến Đầu tư, Thương mại và Du lịch", "TTXT", "chi", 22),
    ("Quỹ Đầu tư phát triển tỉnh", "QDTPT", "chi", 20), ("Viện Quy hoạch - Kiến trúc xây dựng", "VQH", "chi", 30),
    ("Ban Quản lý dự án công trình giao thông", "BQLDAGT", "chi", 35), ("Công ty Xổ số kiến thiết Nghệ An", "XSKT", "chi", 30),
    ("Nhà xuất bản Nghệ An", "NXB", "chi", 16),
]  # fmt: skip
assert len(GRASSROOTS) == 59

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

# Demo logins, printed by "dangbo serve" and documented in README.md.
PERSONAS = [
    ("quantri", "Quản trị hệ thống", None, None),
    ("bankhoi", "Cán bộ Ban Tổ chức Đảng ủy Khối", Role.STAFF, "KCQ"),
    ("thuongvu", "Ủy viên Ban Thường vụ Đảng ủy Khối", Role.LEADER, "KCQ"),
    ("bithu.syt", "Bí thư Đảng ủy Sở Y tế", Role.GRASSROOTS_SECRETARY, "KCQ-SYT"),
    ("bithu.stc", "Bí thư Đảng ủy Sở Tài chính", Role.GRASSROOTS_SECRETARY, "KCQ-STC"),
    ("bithu.chibo", "Bí thư Chi bộ Văn phòng, Sở Y tế", Role.CELL_SECRETARY, "KCQ-SYT-01"),
    ("dangvien", "Đảng viên Chi bộ Văn phòng, Sở Y tế", Role.MEMBER, "KCQ-SYT-01"),
]


def _units_for(agency: str) -> list[str]:
    for prefix, units in CELL_UNITS.items():
        if prefix != "default" and agency.startswith(prefix):
            return units
    return CELL_UNITS["default"]


def _org(name, code, kind, parent, *, short="", host="", founded=None, decision="", issuer="") -> Organization:
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


def _member(rng, cell: Organization, seq: int, now: dt.date) -> Member:
    gender = "nam" if rng.random() < 0.56 else "nu"
    birth = dt.date(rng.randint(1956, 1998), rng.randint(1, 12), rng.randint(1, 28))
    earliest = add_years(birth, 18)
    latest = min(now - dt.timedelta(days=20), add_years(birth, 45))
    # About 4% joined within the last year and are still probationary.
    if rng.random() < 0.04 and latest > now - dt.timedelta(days=330) and earliest < now - dt.timedelta(days=330):
        joined = now - dt.timedelta(days=rng.randint(30, 330))
    else:
        span = (min(latest, now - dt.timedelta(days=400)) - earliest).days
        joined = earliest + dt.timedelta(days=rng.randint(0, max(span, 0))) if span > 0 else earliest
        joined = max(joined, dt.date(1975, 1, 1)) if birth.year > 1956 else joined
    joined = min(joined, now - dt.timedelta(days=20))
    official = add_years(joined, 1)
    status = MemberStatus.OFFICIAL if official <= now else MemberStatus.PROBATIONARY
    district = rng.choice(DISTRICTS)
    full_name = person_name(rng, gender)
    theory = weighted(rng, [(PoliticalTheory.NONE, 8), (PoliticalTheory.ELEMENTARY, 30),
                            (PoliticalTheory.INTERMEDIATE, 35), (PoliticalTheory.ADVANCED, 20),
                            (PoliticalTheory.BACHELOR, 7)])  # fmt: skip
    return Member(
        full_name=full_name,
        gender=gender,
        birth_date=birth,
        birth_place=f"{district}, Nghệ An",
        native_place=f"{rng.choice(DISTRICTS)}, Nghệ An",
        residence=f"Số {rng.randint(1, 200)}, đường {rng.choice(['Lê Lợi', 'Nguyễn Du', 'Trường Thi', 'Quang Trung', 'Lê Hồng Phong', 'Phan Đình Phùng'])}, TP. Vinh",
        ethnicity=weighted(rng, ETHNICITY_WEIGHTS),
        religion=weighted(rng, RELIGION_WEIGHTS),
        occupation=rng.choice(OCCUPATIONS),
        citizen_id=f"040{'0' if gender == 'nam' else '1'}{birth.year % 100:02d}{seq:06d}",
        card_number=f"{rng.randint(10000000, 99999999)}",
        cv_number=f"NA-{seq:06d}",
        organization=cell,
        status=status,
        exempted=rng.random() < 0.01,
        joined_date=joined,
        admission_decision_date=joined - dt.timedelta(days=rng.randint(5, 25)),
        joined_cell=cell.name,
        official_date=official if status == MemberStatus.OFFICIAL else None,
        official_cell=cell.name if status == MemberStatus.OFFICIAL else "",
        introducer_1=person_name(rng, rng.choice(["nam", "nu"])),
        introducer_2=person_name(rng, rng.choice(["nam", "nu"])),
        youth_union_date=add_years(birth, 16) if rng.random() < 0.9 else None,
        general_education=GeneralEducation.GRADE_12 if rng.random() < 0.97 else GeneralEducation.GRADE_9,
        professional_education=rng.choice(PROFESSIONS),
        degree=weighted(rng, [(Degree.BACHELOR, 60), (Degree.MASTER, 25), (Degree.DOCTOR, 4),
                              (Degree.COLLEGE, 6), (Degree.INTERMEDIATE, 5)]),  # fmt: skip
        political_theory=theory,
        **derived_columns(full_name, cell.path),
    )


@transaction.atomic
def load_demo(*, stdout=None) -> dict:
    """Create the demo; refuses to run on a database that already has organizations."""
    if Organization.objects.exists():
        raise RuntimeError("Cơ sở dữ liệu đã có dữ liệu; dữ liệu mẫu chỉ nạp vào cơ sở dữ liệu trống.")
    rng = random.Random(SEED)
    now = today()
    province = _org("Đảng bộ tỉnh Nghệ An", "NA", OrgKind.PROVINCE, None, short="Tỉnh ủy Nghệ An")
    bloc = _org(
        "Đảng bộ Khối các cơ quan tỉnh Nghệ An", "KCQ", OrgKind.DIRECT, province,
        short="Đảng ủy Khối các cơ quan tỉnh", host="Các cơ quan cấp tỉnh",
    )  # fmt: skip
    members: list[Member] = []
    committees: list[tuple[Organization, list[Organization]]] = []
    seq = 0
    for agency, code, kind, size in GRASSROOTS:
        founded = dt.date(rng.randint(1976, 2008), rng.randint(1, 12), rng.randint(1, 28))
        decision = f"{rng.randint(10, 400)}-QĐ/ĐUK"
        if kind == "bo":
            org = _org(f"Đảng bộ {agency}", f"KCQ-{code}", OrgKind.GRASSROOTS_COMMITTEE, bloc, short=agency,
                       host=agency, founded=founded, decision=decision, issuer="Đảng ủy Khối các cơ quan tỉnh")  # fmt: skip
            units = _units_for(agency)
            n_cells = max(3, min(len(units), size // 22))
            cells = []
            for j, unit in enumerate(units[:n_cells], start=1):
                cells.append(_org(f"Chi bộ {unit}", f"KCQ-{code}-{j:02d}", OrgKind.SUBORDINATE_CELL, org,
                                  host=f"{unit}, {agency}", founded=founded, decision=decision,
                                  issuer=f"Đảng ủy {agency}"))  # fmt: skip
        else:
            org = _org(f"Chi bộ {agency}", f"KCQ-{code}", OrgKind.GRASSROOTS_CELL, bloc, short=agency, host=agency,
                       founded=founded, decision=decision, issuer="Đảng ủy Khối các cơ quan tỉnh")  # fmt: skip
            cells = [org]
        committees.append((org, cells))
        actual = int(size * rng.uniform(1.2, 1.45))
        for k in range(actual):
            seq += 1
            members.append(_member(rng, cells[k % len(cells)], seq, now))
    Member.objects.bulk_create(members, batch_size=1000)

    # Committees of the 2010–2015 term for the bloc and every grassroots organization.
    by_cell: dict[int, list[Member]] = {}
    for m in Member.objects.filter(status=MemberStatus.OFFICIAL, joined_date__lt=TERM_START).order_by("id"):
        by_cell.setdefault(m.organization_id, []).append(m)
    seats = []
    bloc_term = Term.objects.create(organization=bloc, name="2010–2015", start_date=TERM_START, end_date=TERM_END)
    for org, cells in committees:
        pool = [m for c in cells for m in by_cell.get(c.pk, [])]
        rng.shuffle(pool)
        term = Term.objects.create(organization=org, name="2010–2015", start_date=TERM_START, end_date=TERM_END)
        n_exec = 7 if org.kind == OrgKind.GRASSROOTS_COMMITTEE else 1
        plan = [Position.SECRETARY, Position.DEPUTY_SECRETARY] + [Position.EXECUTIVE] * n_exec
        if org.kind == OrgKind.GRASSROOTS_COMMITTEE:
            plan[2:4] = [Position.STANDING, Position.STANDING]
        for position, member in zip(plan, pool, strict=False):
            seats.append(CommitteeSeat(term=term, member=member, position=position, start_date=TERM_START))
    # The bloc's own committee: secretaries of some grassroots organizations sit on it.
    bloc_plan = [Position.SECRETARY, Position.DEPUTY_SECRETARY, Position.DEPUTY_SECRETARY] + [Position.STANDING] * 6 + [
        Position.EXECUTIVE
    ] * 20
    secretaries = [s.member for s in seats if s.position == Position.SECRETARY]
    for position, member in zip(bloc_plan, secretaries, strict=False):
        seats.append(CommitteeSeat(term=bloc_term, member=member, position=position, start_date=TERM_START))
    CommitteeSeat.objects.bulk_create(seats)

    counts.recount()
    users = _create_personas()
    return {"organizations": Organization.objects.count(), "members": len(members), "users": users}


def _create_personas() -> list[tuple[str, str]]:
    created = []
    for username, title, role, org_code in PERSONAS:
        user = User(username=username, full_name=title, is_superuser=role is None, is_staff=role is None)
        if role == Role.MEMBER:
            org = Organization.objects.get(code=org_code)
            user.member = Member.objects.filter(organization=org).order_by("id").last()
            user.full_name = user.member.full_name
        user.set_password(DEMO_PASSWORD)
        user.save()
        if role is not None:
            RoleAssignment.objects.create(user=user, organization=Organization.objects.get(code=org_code), role=role)
        created.append((username, title))
    return created
