"""Congress targets: each measurement source on small data, the unit rules, the status thresholds, the term
table at a date and its pages (scoped: a sibling organization's staff gets 404)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from dangbo.audit.models import AuditEvent
from dangbo.core.dates import today
from dangbo.core.errors import ApplicationError
from dangbo.meetings import services as meeting_services
from dangbo.meetings.models import GradeLevel
from dangbo.meetings.selectors import roll
from dangbo.members import services as member_services
from dangbo.organizations import services as org_services
from dangbo.organizations.choices import OrgKind
from dangbo.organizations.tree import services as restructure
from dangbo.steering.choices import TargetStatus
from dangbo.steering.models import Assignment, Target, TargetValue, Task
from dangbo.steering.targets import selectors as target_selectors
from dangbo.steering.targets import services as targets
from tests.conftest import admission_decision, member_data
from tests.factories import ContributionFactory, ProgrammeFactory

D = dt.date
TERM_START, TERM_END = D(2020, 10, 1), D(2025, 10, 1)


def at(day: dt.date, hour: int = 14) -> dt.datetime:
    return timezone.make_aware(dt.datetime(day.year, day.month, day.day, hour))


def term_of(org, actor, start=TERM_START, end=TERM_END, name="2020–2025"):
    return org_services.term_create(actor=actor, organization=org, name=name, start_date=start, end_date=end)


def admit(actor, org, name, day):
    return member_services.member_create(
        actor=actor, since=day, admission=admission_decision(),
        data=member_data(org, name, status="du_bi", official_date=None, joined_date=day, birth_date=D(1995, 3, 4)),
    )  # fmt: skip


def hold(actor, org, day, grade=None, upper=None):
    """A regular meeting held on ``day`` with everyone present, graded if asked."""
    m = meeting_services.meeting_plan(
        actor=actor, organization=org, data={"kind": "thuong_ky", "planned_at": at(day)}
    )
    rows = {e.member.pk: ("co_mat", "") for e in roll(org, day) if e.counted}
    m = meeting_services.attendance_record(actor=actor, meeting=m, rows=rows)
    if grade:
        m = meeting_services.grade(actor=actor, meeting=m, level=GradeLevel.objects.get(code=grade))
    if upper:
        m = meeting_services.grade(
            actor=actor, meeting=m, level=GradeLevel.objects.get(code=upper), upper=True
        )
    return m


def target(actor, term, **data):
    base = {"number": 1, "text": "Chỉ tiêu", "unit": "dang_vien", "direction": "toi_thieu", "measure": "cong_don",
            "goal": "100", "source": ""}  # fmt: skip
    return targets.target_save(actor=actor, term=term, data={**base, **data})


def refused(fn, **kwargs) -> str:
    """Run a service that must refuse; check nothing was written; return every message."""
    before = (Target.objects.count(), TargetValue.objects.count(), AuditEvent.objects.count())
    with pytest.raises(ApplicationError) as caught:
        fn(**kwargs)
    assert (Target.objects.count(), TargetValue.objects.count(), AuditEvent.objects.count()) == before
    return caught.value.message + " " + " ".join(caught.value.field_errors.values())


# --- sources ---------------------------------------------------------------------------------------------------


def test_new_members_are_counted_in_the_subtree_of_their_time(tree, people, root_user):
    admit(root_user, tree.a1, "Phan Văn Trước", D(2020, 5, 4))  # before the term
    admit(root_user, tree.a1, "Phan Văn Một", D(2021, 3, 1))
    admit(root_user, tree.a2, "Phan Thị Hai", D(2021, 6, 1))
    admit(root_user, tree.b, "Phan Văn Ba", D(2022, 5, 1))  # the sibling
    admit(root_user, tree.a1, "Phan Văn Bốn", D(2023, 2, 1))
    member_services.member_create(
        actor=root_user, data=member_data(tree.a1, "Ngô Văn Đến"), since=D(2021, 4, 1)
    )
    c = org_services.organization_create(actor=root_user, parent=tree.bloc,
                                         data={"name": "Đảng bộ Sở Tài chính", "code": "STC", "kind": OrgKind.GRASSROOTS_COMMITTEE})  # fmt: skip
    restructure.organization_move(actor=root_user, organization=tree.a2, new_parent=c, date=D(2022, 1, 1))
    fn = target_selectors.get("ket_nap")
    start = D(2020, 10, 1)
    # A keeps its 2021 admission in cell A2, moved away since; the member enrolled by "nhập hồ sơ" is no admission.
    assert fn(tree.a, start, D(2024, 1, 1)) == 3
    assert fn(tree.a, start, D(2022, 12, 31)) == 2  # counted up to the date
    assert fn(tree.a, D(2021, 3, 2), D(2024, 1, 1)) == 2  # from the start
    assert fn(c, start, D(2024, 1, 1)) == 0  # A2 came after its admission
    assert fn(tree.bloc, start, D(2024, 1, 1)) == 4
    assert fn(tree.b, start, D(2024, 1, 1)) == 1


def test_share_of_cells_meeting_every_month(tree, people, root_user):
    for month in range(1, 13):
        hold(root_user, tree.a1, D(2023, month, 5))
        if month != 7:
            hold(root_user, tree.a2, D(2023, month, 6))
    hold(root_user, tree.b, D(2022, 12, 5))  # December 2022 is on record (another cell met)
    fn = target_selectors.get("chi_bo_sinh_hoat_deu")
    start = D(2020, 10, 1)
    assert fn(tree.a, start, D(2023, 12, 31)) == Decimal("50.00")  # A2 missed July
    assert fn(tree.a1, start, D(2023, 12, 31)) == Decimal("100.00")
    # On 15/12 the window is 12/2022–11/2023: December 2022 was missed by both.
    assert fn(tree.a, start, D(2023, 12, 15)) == Decimal("0.00")
    # A term starting in August counts from its first full month (09/2023): both cells met since.
    assert fn(tree.a, D(2023, 8, 20), D(2023, 12, 31)) == Decimal("100.00")
    # A cell founded inside the window is held to the months after its founding.
    type(tree.a2).objects.filter(pk=tree.a2.pk).update(founding_date=D(2023, 7, 20))
    tree.a2.refresh_from_db()
    assert fn(tree.a, start, D(2023, 12, 31)) == Decimal("100.00")
    assert fn(tree.a, D(2023, 12, 20), D(2023, 12, 25)) is None  # no full month yet
    # No regular meeting recorded in the window at all: no data, not 0 %.
    assert fn(tree.b, start, D(2023, 12, 31)) is None
    assert fn(tree.a, start, D(2022, 11, 30)) is None


def test_months_nobody_recorded_are_a_gap_in_the_records_not_months_missed(tree, people, root_user):
    """The demo has no meetings 2015–2023: at the end of such a window the target read 0,0 % «chậm tiến độ». A month
    in which no cell anywhere recorded a meeting is not due; a month others recorded and a cell skipped still is."""
    for month in range(1, 7):
        hold(root_user, tree.a1, D(2023, month, 5))
        hold(root_user, tree.a2, D(2023, month, 6))
    fn = target_selectors.get("chi_bo_sinh_hoat_deu")
    start = D(2020, 10, 1)
    assert fn(tree.a, start, D(2023, 12, 31)) == Decimal("100.00")  # July–December: nobody recorded anything
    hold(root_user, tree.b, D(2023, 9, 5))  # September is on record: both of A's cells missed it
    assert fn(tree.a, start, D(2023, 12, 31)) == Decimal("0.00")


def test_share_of_meetings_graded_good_or_fair(tree, people, root_user):
    hold(root_user, tree.a1, D(2023, 1, 5), grade="tot")
    hold(root_user, tree.a1, D(2023, 2, 5), grade="kha")
    hold(root_user, tree.a1, D(2023, 3, 5), grade="tot", upper="trung_binh")  # the upper level's grade wins
    hold(root_user, tree.a2, D(2023, 3, 6), grade="trung_binh", upper="kha")
    hold(root_user, tree.a2, D(2023, 4, 6))  # not graded: left out
    hold(root_user, tree.b, D(2023, 4, 6), grade="kem")  # the sibling
    fn = target_selectors.get("sinh_hoat_tot_kha")
    start = D(2020, 10, 1)
    assert fn(tree.a, start, D(2023, 12, 31)) == Decimal("75.00")
    assert fn(tree.bloc, start, D(2023, 12, 31)) == Decimal("60.00")
    assert fn(tree.a, start, D(2023, 2, 28)) == Decimal("100.00")  # window ends with February
    assert fn(tree.a, start, D(2022, 12, 31)) is None


def test_share_of_members_attending_dissemination(tree, people, root_user):
    def task(kind, day, org=tree.bloc):
        return Task.objects.create(organization=org, title="Học tập Nghị quyết", report_kind=kind, assigned_date=day,
                                   deadline=day + dt.timedelta(days=30))  # fmt: skip

    def report(t, org, total, came, on):
        return Assignment.objects.create(task=t, organization=org, member_total=total, attended=came,
                                         reported_at=at(on) if on else None, session_date=on)  # fmt: skip

    t1 = task("quan_triet", D(2021, 3, 1))
    report(t1, tree.a, 300, 280, D(2021, 3, 20))
    report(t1, tree.b, 200, 182, D(2021, 3, 25))
    Assignment.objects.create(task=t1, organization=tree.a1)  # not reported yet
    t2 = task("quan_triet", D(2022, 1, 10))
    report(t2, tree.a, 100, 50, D(2022, 2, 1))
    report(task("so_lieu", D(2021, 5, 1)), tree.a, 100, 0, D(2021, 5, 5))  # another kind of report
    report(task("quan_triet", D(2020, 5, 1)), tree.a, 100, 0, D(2020, 5, 5))  # before the term
    report(task("quan_triet", D(2021, 5, 1), org=tree.a), tree.a1, 100, 0, D(2021, 5, 5))  # assigned by A
    fn = target_selectors.get("hoc_tap_nghi_quyet")
    start = D(2020, 10, 1)
    assert fn(tree.bloc, start, D(2021, 12, 31)) == Decimal("92.40")  # 462/500
    assert fn(tree.bloc, start, D(2023, 1, 1)) == Decimal("85.33")  # 512/600
    assert fn(tree.bloc, start, D(2021, 3, 22)) == Decimal("93.33")  # reports filed by then
    assert fn(tree.b, start, D(2023, 1, 1)) is None


def test_value_of_support_to_communes(tree, people, root_user):
    fn = target_selectors.get("ho_tro_xa")
    start = D(2020, 10, 1)
    assert fn(tree.bloc, start, D(2023, 1, 1)) is None  # no programme at all
    p = ProgrammeFactory(organization=tree.bloc, name="Giúp xã miền núi", start_date=D(2020, 1, 1))
    assert fn(tree.bloc, start, D(2023, 1, 1)) == 0
    other = ProgrammeFactory(organization=tree.a, name="Chương trình của Sở", start_date=D(2020, 1, 1))

    def give(programme, day, value):
        ContributionFactory(programme=programme, supporter=tree.a, date=day, kind="tien", value=value)

    give(p, D(2020, 9, 30), 1_000_000)  # before the term
    give(p, D(2021, 1, 5), 150_000_000)
    give(p, D(2022, 6, 1), 2_000_000_000)
    give(other, D(2021, 1, 5), 7_000_000)
    assert fn(tree.bloc, start, D(2023, 1, 1)) == Decimal(2_150_000_000)
    assert fn(tree.bloc, start, D(2021, 12, 31)) == Decimal(150_000_000)


# --- rules ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("unit", "value", "needle"),
    [
        ("phan_tram", "100.5", "từ 0 đến 100"),
        ("phan_tram", "-1", "không được âm"),
        ("dang_vien", "12.5", "số đảng viên phải là số nguyên"),
        ("to_chuc", "3.1", "số tổ chức phải là số nguyên"),
        ("so_luong", "0.5", "phải là số nguyên"),
        ("dong", "1000.5", "số tiền (đồng) phải là số nguyên"),
        ("dong", "1000000000000000", "số tiền quá lớn"),
        ("phan_tram", "33,333", "tối đa 2 chữ số thập phân"),
        ("phan_tram", "33.333", "từ 0 đến 100"),  # grouped thousands, as every form reads it: 33333
        ("phan_tram", "abc", "phải là một số"),
        ("phan_tram", None, "không được để trống"),
    ],
)
def test_check_value_refuses_values_of_the_wrong_kind(unit, value, needle):
    problem = targets.check_value(unit, value, "Giá trị")
    assert problem and problem.startswith("Giá trị:") and needle in problem


@pytest.mark.parametrize(("unit", "value"), [("phan_tram", "92.4"), ("phan_tram", 100), ("dang_vien", "1250"),
                                             ("dong", Decimal("2150000000")), ("so_luong", "0")])  # fmt: skip
def test_check_value_accepts_valid_values(unit, value):
    assert targets.check_value(unit, value, "Giá trị") is None


HUGE = [
    "1e28",
    "1E28",
    "1e309",
    "9" * 27,
    Decimal("1E+28"),
    Decimal("NaN"),
    float("inf"),
    10**40,
    "Infinity",
    "1,5e3",
]


@pytest.mark.parametrize("unit", ["dang_vien", "phan_tram", "dong", "so_luong"])
@pytest.mark.parametrize("value", HUGE, ids=[repr(v)[:20] for v in HUGE])
def test_exponents_absurd_digits_and_special_values_are_refused_not_a_500(unit, value):
    """Issue 18: 1e28, 1e309 or 27 digits raised decimal.InvalidOperation (the value was rounded before its range
    was checked). Every unit now refuses them with a message naming the field."""
    problem = targets.check_value(unit, value, "Mục tiêu cuối nhiệm kỳ")
    assert problem.startswith("Mục tiêu cuối nhiệm kỳ: ") and problem.endswith("."), problem
    assert any(w in problem for w in ("lũy thừa", "quá lớn", "phải là một số", "từ 0 đến 100")), problem


def test_a_number_given_to_the_service_is_read_as_the_forms_read_it():
    """One reader: "1.250" is 1250 for a caller outside the forms too (it was 1.25); a Decimal stays what it is."""
    assert targets.to_decimal("1.250") == 1250
    assert targets.to_decimal(Decimal("1.25")) == Decimal("1.25")
    assert targets.to_decimal("92,4") == Decimal("92.4")
    assert targets.check_value("dang_vien", "1.250", "Giá trị") is None


def test_huge_baselines_goals_and_values_are_refused_by_the_services(tree, people, root_user):
    term = term_of(tree.bloc, root_user, start=D(2020, 10, 1), end=today() + dt.timedelta(days=400))
    for field in ("goal", "baseline"):
        for value in ("1e28", "1e309", "9" * 27, Decimal("1E+28")):
            message = refused(
                target, actor=root_user, term=term, number=1, measure="muc_dat", **{field: value}
            )
            assert "lũy thừa" in message or "số quá lớn" in message, (field, value, message)
    members = target(root_user, term, number=2, goal="100")
    for value in ("1e28", "1e309", "9" * 27, Decimal("NaN")):
        message = refused(targets.target_value_enter, actor=root_user, target=members,
                          data={"period_end": D(2022, 12, 31), "value": value, "evidence": "Báo cáo"})  # fmt: skip
        assert "Giá trị: " in message, value
    for number, problem in (
        ("1e2", "lũy thừa"),
        (1.5, "phải là số nguyên"),
        ("9" * 25, "số quá lớn"),
        (0, "từ 1 đến 999"),
    ):
        assert problem in refused(target, actor=root_user, term=term, number=number), number


def test_the_target_pages_refuse_huge_numbers_with_a_message(client, people, bloc_term):
    client.force_login(people.staff)
    url = reverse("steering:target_create", args=[bloc_term.pk])
    base = {"number": 3, "text": "Kết nạp", "unit": "dang_vien", "direction": "toi_thieu", "measure": "cong_don",
            "goal": "50", "source": ""}  # fmt: skip
    for field in ("goal", "baseline"):
        for value, message in (("1e28", "không ghi số dạng lũy thừa"), ("9" * 27, "số quá lớn"),
                               ("1e309", "không ghi số dạng lũy thừa"), ("99.999.999.999.999,99", "số quá lớn"),
                               ("9" * 18, "số quá lớn (tối đa 14 chữ số trước dấu phẩy).")):  # fmt: skip
            r = client.post(url, {**base, field: value})
            body = r.content.decode()
            assert r.status_code == 200 and message in body, (field, value)
    for number in ("1e3", "99999999999999999999", "2,5"):
        r = client.post(url, {**base, "number": number})
        assert r.status_code == 200 and "Chỉ tiêu số:" in r.content.decode(), number
    manual = bloc_term.targets.order_by("number").last()
    r = client.post(reverse("steering:target", args=[manual.pk]), {"period_end": "31/12/2023", "value": "1e28",
                                                                  "evidence": "Báo cáo"})  # fmt: skip
    assert r.status_code == 200 and "Giá trị: không ghi số dạng lũy thừa" in r.content.decode()
    assert bloc_term.targets.count() == 2 and not manual.values.filter(period_end=D(2023, 12, 31)).exists()


def test_target_save_rules(tree, people, root_user):
    term = term_of(tree.bloc, root_user)
    t = target(root_user, term, number=1, source="ket_nap", goal="500")
    assert AuditEvent.objects.filter(
        object_id=str(t.pk), content_type__model="target", action="create"
    ).exists()
    assert "đã có chỉ tiêu số 1" in refused(target, actor=root_user, term=term, number=1)
    assert "nguồn «Giá trị hỗ trợ xã (chương trình của cấp ủy)» tính theo đồng, không theo %" in refused(
        target,
        actor=root_user,
        term=term,
        number=2,
        unit="phan_tram",
        measure="muc_dat",
        source="ho_tro_xa",
        goal="50",
    )
    assert "tính theo %, không theo đồng" in refused(
        target, actor=root_user, term=term, number=2, unit="dong", source="hoc_tap_nghi_quyet", goal="50"
    )
    assert "Cách tính" in refused(target, actor=root_user, term=term, number=2, unit="dang_vien", measure="muc_dat",
                                  source="ket_nap")  # fmt: skip
    assert "Mục tiêu cuối nhiệm kỳ: tỷ lệ phần trăm phải từ 0 đến 100" in refused(
        target, actor=root_user, term=term, number=2, unit="phan_tram", measure="muc_dat", goal="120"
    )
    assert "Mức đầu nhiệm kỳ: số đảng viên phải là số nguyên" in refused(
        target, actor=root_user, term=term, number=2, baseline="10.5"
    )
    assert "Đơn vị tính" in refused(target, actor=root_user, term=term, number=2, unit="kg")
    assert "Nguồn số liệu" in refused(target, actor=root_user, term=term, number=2, source="khong_co")
    # Staff of the sibling, and a leader (view only), may not set the bloc's targets.
    assert "không có quyền" in refused(target, actor=people.staff_b, term=term, number=3)
    assert "không có quyền" in refused(target, actor=people.leader, term=term, number=3)
    changed = targets.target_save(actor=people.staff, term=term, target=t, data={"goal": "600"})
    assert changed.goal == 600 and changed.number == 1
    assert AuditEvent.objects.filter(
        object_id=str(t.pk), content_type__model="target", action="update"
    ).exists()


def test_entered_values(tree, people, root_user):
    term = term_of(tree.bloc, root_user, start=D(2020, 10, 1), end=today() + dt.timedelta(days=400))
    pct = target(root_user, term, number=1, unit="phan_tram", measure="muc_dat", goal="95")
    members = target(root_user, term, number=2, unit="dang_vien", goal="100")

    def enter(t, **data):
        return targets.target_value_enter(
            actor=root_user, target=t, data={"evidence": "Báo cáo số 12-BC/ĐU", **data}
        )

    assert "từ 0 đến 100" in refused(enter, t=pct, period_end=D(2022, 12, 31), value="101")
    assert "số đảng viên phải là số nguyên" in refused(
        enter, t=members, period_end=D(2022, 12, 31), value="12.5"
    )
    assert "sau hôm nay" in refused(enter, t=members, period_end=today() + dt.timedelta(days=1), value="12")
    assert "ngoài nhiệm kỳ" in refused(enter, t=members, period_end=D(2020, 9, 30), value="12")
    assert "Căn cứ: không được để trống" in refused(
        enter, t=members, period_end=D(2022, 12, 31), value="12", evidence=" "
    )
    v = enter(members, period_end=D(2022, 12, 31), value="40")
    assert (
        v.value == 40
        and AuditEvent.objects.filter(
            object_id=str(v.pk), content_type__model="targetvalue", action="create"
        ).exists()
    )
    assert "đã có số liệu tính đến ngày 31/12/2022" in refused(
        enter, t=members, period_end=D(2022, 12, 31), value="41"
    )
    enter(members, period_end=D(2023, 12, 31), value="55")
    assert target_selectors.progress(members, D(2023, 6, 1)).actual == 40  # the latest value up to the date
    assert target_selectors.progress(members, D(2024, 1, 1)).actual == 55
    assert target_selectors.progress(members, D(2024, 1, 1)).as_of == D(2023, 12, 31)
    assert target_selectors.progress(members, D(2022, 1, 1)).status == TargetStatus.NO_DATA
    computed = target(root_user, term, number=3, source="ket_nap")
    assert "tính tự động" in refused(enter, t=computed, period_end=D(2022, 12, 31), value="3")
    assert "không có quyền" in refused(targets.target_value_enter, actor=people.staff_b, target=members,
                                       data={"period_end": D(2022, 6, 30), "value": "1", "evidence": "x"})  # fmt: skip


# --- progress -------------------------------------------------------------------------------------------------


def test_expected_value_and_midterm(tree, root_user):
    term = term_of(tree.bloc, root_user, start=D(2021, 1, 1), end=D(2026, 1, 1))
    assert target_selectors.midterm_date(term) == D(2023, 7, 3)
    open_term = term_of(tree.a, root_user, start=D(2020, 10, 15), end=None, name="2020–")
    assert target_selectors.term_end(open_term) == D(2025, 10, 15)
    cumulative = Target(
        term=term, number=1, text="x", unit="dang_vien", measure="cong_don", goal=Decimal(100)
    )
    level = Target(
        term=term,
        number=2,
        text="x",
        unit="phan_tram",
        measure="muc_dat",
        baseline=Decimal(80),
        goal=Decimal(90),
    )
    flat = Target(term=term, number=3, text="x", unit="phan_tram", measure="muc_dat", goal=Decimal(90))
    mid = target_selectors.midterm_date(term)
    assert target_selectors.expected_at(cumulative, mid) == 50
    assert target_selectors.expected_at(level, mid) == 85
    assert target_selectors.expected_at(flat, mid) == 90
    assert target_selectors.expected_at(cumulative, D(2019, 1, 1)) == 0
    assert target_selectors.expected_at(cumulative, D(2030, 1, 1)) == 100
    # People are counted whole: the required value is rounded towards the goal's side.
    odd = Target(term=term, number=4, text="x", unit="dang_vien", measure="cong_don", goal=Decimal(101))
    assert target_selectors.expected_at(odd, mid) == 51
    odd.direction = "toi_da"
    assert target_selectors.expected_at(odd, mid) == 50


@pytest.mark.parametrize(
    ("direction", "measure", "baseline", "goal", "actual", "status"),
    [
        ("toi_thieu", "cong_don", None, 100, 100, TargetStatus.ACHIEVED),
        ("toi_thieu", "cong_don", None, 100, 55, TargetStatus.ON_TRACK),
        ("toi_thieu", "cong_don", None, 100, 50, TargetStatus.ON_TRACK),
        ("toi_thieu", "cong_don", None, 100, 45, TargetStatus.AT_RISK),  # 0.9 × 50
        ("toi_thieu", "cong_don", None, 100, 44, TargetStatus.BEHIND),
        ("toi_thieu", "muc_dat", 80, 90, 86, TargetStatus.ON_TRACK),
        ("toi_thieu", "muc_dat", 80, 90, Decimal("76.5"), TargetStatus.AT_RISK),
        ("toi_thieu", "muc_dat", 80, 90, 70, TargetStatus.BEHIND),
        ("toi_da", "muc_dat", 20, 10, 9, TargetStatus.ACHIEVED),
        ("toi_da", "muc_dat", 20, 10, 15, TargetStatus.ON_TRACK),
        ("toi_da", "muc_dat", 20, 10, Decimal("16.5"), TargetStatus.AT_RISK),
        ("toi_da", "muc_dat", 20, 10, 17, TargetStatus.BEHIND),
        ("toi_da", "cong_don", None, 10, 4, TargetStatus.ON_TRACK),  # not over until the term ends
        ("toi_da", "cong_don", None, 10, 11, TargetStatus.BEHIND),
        ("toi_thieu", "cong_don", None, 100, None, TargetStatus.NO_DATA),
    ],
)
def test_status_thresholds(tree, root_user, settings, direction, measure, baseline, goal, actual, status):
    settings.DANGBO_TARGET_AT_RISK_RATIO = 0.9
    term = term_of(tree.bloc, root_user, start=D(2021, 1, 1), end=D(2026, 1, 1))
    t = Target(term=term, number=1, text="x", unit="phan_tram", direction=direction, measure=measure,
               baseline=None if baseline is None else Decimal(baseline), goal=Decimal(goal))  # fmt: skip
    p = target_selectors.progress_of(
        t, target_selectors.midterm_date(term), None if actual is None else Decimal(actual)
    )
    assert p.status == status
    if actual is not None:
        assert p.percent_of_goal == (Decimal(actual) * 100 / Decimal(goal)).quantize(Decimal("0.1"))


def test_at_most_cumulative_is_achieved_at_the_term_end(tree, root_user):
    term = term_of(tree.bloc, root_user, start=D(2020, 1, 1), end=D(2025, 1, 1))
    t = Target(
        term=term,
        number=1,
        text="x",
        unit="so_luong",
        direction="toi_da",
        measure="cong_don",
        goal=Decimal(10),
    )
    assert target_selectors.progress_of(t, D(2025, 1, 1), Decimal(9)).status == TargetStatus.ACHIEVED


def test_term_view_computes_each_source_once(tree, people, root_user, django_assert_max_num_queries):
    term = term_of(tree.bloc, root_user, start=D(2020, 10, 1), end=D(2025, 10, 1))
    for n in range(1, 4):
        target(root_user, term, number=n, source="ket_nap", goal=str(10 * n))
    for n in range(4, 7):
        target(root_user, term, number=n, goal="10")
    admit(root_user, tree.a1, "Phan Văn Một", D(2021, 3, 1))
    # path history + count for the source, the targets, the entered values
    with django_assert_max_num_queries(4):
        view = target_selectors.term_view(term, D(2021, 12, 31))
    assert [r.progress.actual for r in view.rows][:3] == [1, 1, 1]
    assert [r.source_label for r in view.rows][3:] == ["Nhập theo kỳ"] * 3
    assert view.midterm == D(2023, 4, 2)  # 913 of 1826 days


# --- pages ----------------------------------------------------------------------------------------------------


@pytest.fixture
def bloc_term(tree, people, root_user):
    """The bloc's term with a computed target (92,4 % attendance) and a manual one."""
    term = term_of(tree.bloc, root_user, start=D(2020, 10, 1), end=D(2025, 10, 1))
    t = Task.objects.create(organization=tree.bloc, title="Học tập", report_kind="quan_triet", assigned_date=D(2021, 3, 1),
                            deadline=D(2021, 4, 1))  # fmt: skip
    Assignment.objects.create(
        task=t, organization=tree.a, member_total=300, attended=280, reported_at=at(D(2021, 3, 20))
    )
    Assignment.objects.create(
        task=t, organization=tree.b, member_total=200, attended=182, reported_at=at(D(2021, 3, 20))
    )
    target(root_user, term, number=1, text="Tỷ lệ đảng viên học tập nghị quyết", unit="phan_tram", measure="muc_dat",
           goal="95", source="hoc_tap_nghi_quyet")  # fmt: skip
    manual = target(
        root_user, term, number=2, text="Kết nạp đảng viên ngoài hệ thống", unit="dang_vien", goal="1000"
    )
    targets.target_value_enter(actor=root_user, target=manual, data={
        "period_end": D(2022, 12, 31), "value": 600, "evidence": "Báo cáo số 12-BC/ĐU"})  # fmt: skip
    return term


def test_term_table_page(client, people, bloc_term):
    client.force_login(people.leader)
    page = client.get(
        reverse("steering:term_targets", args=[bloc_term.pk]), {"ngay": "31/12/2022"}
    ).content.decode()
    assert "92,4%" in page and "Tỷ lệ đảng viên học tập nghị quyết" in page
    assert "Giữa nhiệm kỳ (02/04/2023)" in page
    assert "Nhập theo kỳ" in page and "600" in page
    assert "1/2 chỉ tiêu đạt hoặc đúng tiến độ" in page  # 92,4 % of 95 % is at risk; 600 ≥ 1000 × 45 %
    assert "Có nguy cơ không đạt" in page and "Đúng tiến độ" in page
    assert "Thêm chỉ tiêu" not in page  # a leader only reads
    page = client.get(
        reverse("steering:term_targets", args=[bloc_term.pk]), {"ngay": "32/13/2022"}
    ).content.decode()
    assert "ngày không hợp lệ" in page
    page = client.get(reverse("steering:terms")).content.decode()
    assert "Nhiệm kỳ 2020–2025" in page


def test_create_target_page(client, people, bloc_term):
    client.force_login(people.staff)
    url = reverse("steering:target_create", args=[bloc_term.pk])
    page = client.get(url).content.decode()
    assert "Giá trị hỗ trợ xã (chương trình của cấp ủy) (đồng, cộng dồn)" in page
    bad = client.post(url, {"number": 3, "text": "Hỗ trợ xã", "unit": "phan_tram", "direction": "toi_thieu",
                            "measure": "cong_don", "goal": "50", "source": "ho_tro_xa"})  # fmt: skip
    assert bad.status_code == 200 and "tính theo đồng, không theo %" in bad.content.decode()
    ok = client.post(url, {"number": 3, "text": "Hỗ trợ xã", "unit": "dong", "direction": "toi_thieu",
                           "measure": "cong_don", "goal": "2.000.000.000", "source": "ho_tro_xa"})  # fmt: skip
    assert ok.status_code == 302
    assert bloc_term.targets.get(number=3).goal == 2_000_000_000


def test_target_detail_page_and_value_form(client, people, bloc_term):
    client.force_login(people.staff)
    computed, manual = bloc_term.targets.order_by("number")
    page = client.get(reverse("steering:target", args=[computed.pk]), {"ngay": "31/12/2022"}).content.decode()
    assert "31/12/2021" in page and "31/12/2020" in page and "92,4%" in page
    assert "Tỷ lệ đảng viên tham gia học tập, quán triệt nghị quyết (tính tự động)" in page
    url = reverse("steering:target", args=[manual.pk])
    bad = client.post(url, {"period_end": "31/12/2023", "value": "12,5", "evidence": "Báo cáo"})
    assert bad.status_code == 200 and "số đảng viên phải là số nguyên" in bad.content.decode()
    ok = client.post(url, {"period_end": "31/12/2023", "value": "1.250", "evidence": "Báo cáo số 20-BC/ĐU"})
    assert ok.status_code == 302 and manual.values.get(period_end=D(2023, 12, 31)).value == 1250
    client.force_login(people.leader)
    assert client.post(url, {"period_end": "30/06/2024", "value": "1", "evidence": "x"}).status_code == 404
    assert client.get(url).status_code == 200


@pytest.mark.parametrize("persona", ["staff_b", "secretary_b", "nobody", "cell_secretary", "member_user"])
def test_pages_are_scoped(client, people, bloc_term, persona):
    client.force_login(getattr(people, persona))
    t = bloc_term.targets.first()
    for url in (reverse("steering:term_targets", args=[bloc_term.pk]), reverse("steering:target_create", args=[bloc_term.pk]),
                reverse("steering:target", args=[t.pk])):  # fmt: skip
        assert client.get(url).status_code == 404, url
        assert client.post(url, {"number": 9, "text": "x", "goal": "1"}).status_code == 404, url
    assert "2020–2025" not in client.get(reverse("steering:terms")).content.decode()
    assert bloc_term.targets.count() == 2


def test_secretary_of_a_grassroots_organization_sets_its_own_targets(client, tree, people, root_user):
    term = term_of(tree.a, root_user)
    client.force_login(people.secretary_a)
    url = reverse("steering:target_create", args=[term.pk])
    assert client.post(url, {"number": 1, "text": "Kết nạp", "unit": "dang_vien", "direction": "toi_thieu",
                             "measure": "cong_don", "goal": "40", "source": "ket_nap"}).status_code == 302  # fmt: skip
    assert "Nhiệm kỳ 2020–2025" in client.get(reverse("steering:terms")).content.decode()


def test_review_dates_are_the_six_month_and_annual_cut_offs_inside_the_term():
    import datetime as dt

    from dangbo.organizations.models import Term
    from dangbo.steering.targets.selectors import review_dates

    term = Term(name="2010–2015", start_date=dt.date(2010, 8, 1), end_date=dt.date(2015, 8, 1))
    dates = review_dates(term, until=dt.date(2013, 7, 10))
    assert dates[0] == dt.date(2010, 12, 31) and dates[-1] == dt.date(2013, 6, 30) and len(dates) == 6


def test_target_save_refuses_a_stale_version(tree, people, root_user):
    from dangbo.audit.concurrency.services import StaleEdit

    t = target(root_user, term_of(tree.bloc, root_user))
    version = targets.TARGET_VERSION.of(t)
    targets.target_save(
        actor=root_user, term=t.term, target=t, data={"goal": "120"}, expected_version=version
    )
    with pytest.raises(StaleEdit) as refused:
        targets.target_save(
            actor=root_user, term=t.term, target=t, data={"text": "Khác"}, expected_version=version
        )
    assert refused.value.changed == ["goal"] and "Chỉ tiêu này đã được" in refused.value.message
    t.refresh_from_db()
    assert (t.text, t.goal) == ("Chỉ tiêu", 120)
