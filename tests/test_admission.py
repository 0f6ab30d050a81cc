"""Admission and probation rules (DOMAIN §2), each on its own: age in months, education, course certificate,
introducers, the two-thirds vote, ceremony and review deadlines in working days, recognition at 12 months."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from dangbo.core.dates import today
from dangbo.core.errors import ApplicationError
from dangbo.members import admission, lifecycle, selectors_history
from dangbo.members.models import Candidate, Member
from dangbo.members.rules import add_months, rules_on

D = dt.date


@pytest.fixture
def ready(tree, people, root_user):
    """A candidate whose dossier meets every condition on 10/03/2024."""
    return admission.candidate_save(actor=root_user, data={
        "organization": tree.a1, "full_name": "Trịnh Văn Đủ", "gender": "nam", "birth_date": D(2000, 5, 10),
        "general_education": "12/12", "course_date": D(2023, 6, 1), "application_date": D(2023, 9, 1),
        "cv_verified_date": D(2024, 1, 15), "introducer_1": people.m_a1, "introducer_1_since": D(2022, 1, 1),
        "introducer_2": people.m_a1b, "introducer_2_since": D(2022, 1, 1), "cell_resolution_date": D(2024, 3, 10),
        "votes_for": 2, "official_members": 3, "grassroots_resolution_date": D(2024, 3, 20),
    })  # fmt: skip


def with_(c: Candidate, **changes) -> Candidate:
    for k, v in changes.items():
        setattr(c, k, v)
    return c


def test_a_complete_dossier_has_no_problems(ready):
    assert admission.problems(ready) == {}


@pytest.mark.parametrize(
    ("changes", "field", "needle"),
    [
        ({"birth_date": D(2006, 3, 11)}, "birth_date", "chưa đủ 18 tuổi"),  # 17 years 11 months 30 days
        ({"birth_date": D(1964, 2, 9)}, "birth_date", "đã quá 60 tuổi"),  # 60 years and 1 month
        ({"general_education": "khac"}, "general_education", "tốt nghiệp trung học cơ sở"),
        ({"course_date": D(2019, 3, 10)}, "course_date", "quá 60 tháng"),
        ({"cv_verified_date": None}, "cv_verified_date", "chưa thẩm tra"),
        ({"introducer_2_since": D(2023, 4, 1)}, "introducer_2", "mới biết người xin vào Đảng 11 tháng"),
        ({"votes_for": 1}, "votes_for", "1/3, chưa đạt 2/3"),
        ({"votes_for": 4}, "votes_for", "lớn hơn tổng số"),
    ],
)
def test_each_condition_is_checked_on_the_cell_date(ready, changes, field, needle):
    problems = admission.problems(with_(ready, **changes))
    assert needle in problems[field], problems


def test_age_boundaries_count_in_months(ready):
    assert "birth_date" not in admission.problems(with_(ready, birth_date=D(2006, 3, 10)))  # exactly 18
    assert "birth_date" not in admission.problems(with_(ready, birth_date=D(1964, 3, 10)))  # exactly 60
    assert "birth_date" not in admission.problems(with_(ready, birth_date=D(1964, 3, 11)))  # 59 y 11 m


def test_education_exception_and_certificate_setting(ready, settings):
    assert "general_education" not in admission.problems(with_(ready, general_education="khac", education_exception=True))
    settings.DANGBO_COURSE_CERTIFICATE_MONTHS = 0  # the uncertain rule switched off
    assert "course_date" not in admission.problems(with_(ready, course_date=D(2015, 1, 1)))


def test_introducer_must_be_an_official_member_on_the_date(ready, people, root_user):
    lifecycle.event_record(actor=root_user, member=people.m_a1b, kind="tu_tran", date=D(2024, 1, 1))
    assert "không phải đảng viên chính thức" in admission.problems(ready)["introducer_2"]


def test_steps_must_be_in_order_and_not_in_the_future(ready, root_user):
    with pytest.raises(ApplicationError) as e:
        admission.candidate_save(actor=root_user, candidate=ready, data={"cv_verified_date": D(2023, 1, 1)})
    assert "không được trước ngày làm đơn xin vào đảng" in e.value.field_errors["cv_verified_date"]


def test_admission_decision_creates_a_probationary_member_then_deadlines_follow(ready, root_user):
    member = admission.candidate_admit(actor=root_user, candidate=ready, decision_no="5-QĐ/ĐU", decision_date=D(2024, 3, 25))
    assert member.status == "du_bi" and member.admission_decision_date == D(2024, 3, 25)
    p = admission.probation(member, on=D(2024, 4, 1))
    # 30 working days from Mon 25/03/2024, counted by hand: 26–29/03 (4), 01–05/04 (9), 08–12/04 (14),
    # 15–17/04 (17; Thu 18/04 Giỗ Tổ Hùng Vương off), 19/04 (18), 22–26/04 (23), 29/04–01/05 off,
    # 02–03/05 (25), Sat 04/05 worked in exchange for 29/04 (26), 06–09/05 (30) → Thu 09/05/2024.
    assert p.state == "cho_le" and p.ceremony_due == D(2024, 5, 9)
    assert admission.probation(member, on=D(2024, 5, 10)).state == "qua_han_le"
    with pytest.raises(ApplicationError):
        admission.ceremony_record(actor=root_user, member=member, date=D(2024, 3, 1))  # before the decision
    admission.ceremony_record(actor=root_user, member=member, date=D(2024, 4, 20))
    member.refresh_from_db()
    p = admission.probation(member, on=D(2025, 4, 21))
    assert p.probation_end == D(2025, 4, 20) and p.state == "den_han_xet"
    assert p.review_due > D(2025, 5, 30)  # 30 working days with 30/04, 01/05, 02/05 off
    with pytest.raises(ApplicationError) as e:
        admission.recognize_official(actor=root_user, member=member, decision_no="9", decision_date=D(2025, 4, 1))
    assert "chưa hết 12 tháng dự bị" in e.value.field_errors["decision_date"]
    admission.recognize_official(actor=root_user, member=member, decision_no="9-QĐ/ĐU", decision_date=D(2025, 9, 1))
    member.refresh_from_db()
    assert member.status == "chinh_thuc" and member.official_date == D(2025, 4, 20)
    with pytest.raises(ApplicationError):
        admission.candidate_admit(actor=root_user, candidate=ready, decision_no="6", decision_date=D(2024, 4, 1))


def test_admission_refused_writes_nothing(ready, root_user):
    admission.candidate_save(actor=root_user, candidate=ready, data={"votes_for": 1})
    before = Member.objects.count()
    with pytest.raises(ApplicationError) as e:
        admission.candidate_admit(actor=root_user, candidate=ready, decision_no="5", decision_date=D(2024, 3, 25))
    assert "votes_for" in e.value.field_errors and Member.objects.count() == before


def test_introducers_since_dates_not_after_the_cell_vote_nor_today(ready, root_user):
    with pytest.raises(ApplicationError) as e:
        admission.candidate_save(actor=root_user, candidate=ready, data={"introducer_2_since": D(2024, 3, 11)})
    assert e.value.field_errors == {
        "introducer_2_since": "Người thứ hai biết người xin vào Đảng từ: không được sau ngày chi bộ xét, biểu quyết."
    }
    tomorrow = today() + dt.timedelta(days=1)
    with pytest.raises(ApplicationError) as e:
        admission.candidate_save(actor=root_user, candidate=ready,
                                 data={"cell_resolution_date": None, "introducer_1_since": tomorrow})  # fmt: skip
    assert e.value.field_errors["introducer_1_since"].endswith("không được sau ngày hôm nay.")
    ready.refresh_from_db()
    assert ready.introducer_2_since == ready.introducer_1_since == D(2022, 1, 1)  # nothing saved
    # On the cell's day itself: allowed, and judged as fewer than 12 months (never a negative count).
    saved = admission.candidate_save(actor=root_user, candidate=ready, data={"introducer_2_since": D(2024, 3, 10)})
    assert "mới biết người xin vào Đảng 0 tháng" in admission.problems(saved)["introducer_2"]
    # An older record holding a later date is reported plainly, not as "-5 tháng".
    problem = admission.problems(with_(saved, introducer_2_since=D(2024, 8, 1)))["introducer_2"]
    assert "sau ngày 10/03/2024" in problem and "-" not in problem


def test_rules_are_chosen_by_date():
    assert rules_on(D(2013, 1, 1)).source.startswith("Hướng dẫn 01-HD/TW")
    assert rules_on(D(2025, 9, 1)).source.startswith("Quy định 294")
    assert add_months(D(2024, 1, 31), 1) == D(2024, 2, 29) and add_months(D(2023, 2, 28), 12) == D(2024, 2, 28)


def test_transfer_flags_count_working_days(tree, people, root_user):
    t = lifecycle.transfer_send(actor=root_user, member=people.m_a1, kind="chinh_thuc", to_organization=tree.b,
                                sent_date=D(2024, 1, 15), moved_date=D(2023, 9, 1))  # fmt: skip
    flags = selectors_history.transfer_flags(t, on=D(2024, 3, 15))
    assert any("chưa được tiếp nhận" in f for f in flags)  # Tết 2024 (08–14/02) not counted, still > 30
    assert any("Giới thiệu chậm" in f for f in flags)
    early = selectors_history.transfer_flags(t, on=D(2024, 2, 1))
    assert len(early) == 1 and early[0].startswith("Giới thiệu chậm:")


def test_transfer_deadlines_are_dated_rules(tree, people, root_user, monkeypatch):
    from dangbo.members import rules

    shorter = dataclasses.replace(rules.RULE_SETS[-1], source="Quy định giả định", valid_from=D(2024, 1, 1),
                                  transfer_letter_working_days=10, transfer_start_working_days=20)  # fmt: skip
    monkeypatch.setattr(rules, "RULE_SETS", [*rules.RULE_SETS[:-1], shorter])
    old = lifecycle.transfer_send(actor=root_user, member=people.m_a2, kind="chinh_thuc", to_organization=tree.b,
                                  sent_date=D(2023, 12, 1))  # fmt: skip
    new = lifecycle.transfer_send(actor=root_user, member=people.m_a1, kind="chinh_thuc", to_organization=tree.b,
                                  sent_date=D(2024, 3, 1), moved_date=D(2024, 1, 15))  # fmt: skip
    assert new.valid_until == D(2024, 3, 15)  # 10 working days
    assert old.valid_until > D(2024, 1, 10)  # 30 working days under the rules of its date
    flags = selectors_history.transfer_flags(new, on=D(2024, 3, 20))
    assert "Quá 10 ngày làm việc chưa được tiếp nhận (13 ngày làm việc)" in flags
    assert any(f.startswith("Giới thiệu chậm:") and f.endswith("(hạn 20)") for f in flags)
    assert selectors_history.transfer_flags(old, on=D(2023, 12, 29)) == []  # 20 working days < 30
