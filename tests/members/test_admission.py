"""Admission and probation rules (DOMAIN §2), each on its own: age in months, education, course certificate,
introducers, the two-thirds vote, ceremony and review deadlines in working days, recognition at 12 months."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dangbo.core.dates import today
from dangbo.core.errors import ApplicationError
from dangbo.members import services as member_services
from dangbo.members.admission import selectors as admission_selectors
from dangbo.members.admission import services as admission
from dangbo.members.history import selectors as selectors_history
from dangbo.members.history import services as lifecycle
from dangbo.members.models import Candidate, Member
from dangbo.members.rules import add_months, rules_on
from tests.conftest import BY_UPPER, decided, member_data

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
    assert admission_selectors.problems(ready) == {}


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
    problems = admission_selectors.problems(with_(ready, **changes))
    assert needle in problems[field], problems


def test_age_boundaries_count_in_months(ready):
    assert "birth_date" not in admission_selectors.problems(
        with_(ready, birth_date=D(2006, 3, 10))
    )  # exactly 18
    assert "birth_date" not in admission_selectors.problems(
        with_(ready, birth_date=D(1964, 3, 10))
    )  # exactly 60
    assert "birth_date" not in admission_selectors.problems(
        with_(ready, birth_date=D(1964, 3, 11))
    )  # 59 y 11 m


def test_education_exception_and_certificate_setting(ready, settings):
    assert "general_education" not in admission_selectors.problems(
        with_(ready, general_education="khac", education_exception=True)
    )
    settings.DANGBO_COURSE_CERTIFICATE_MONTHS = 0  # the uncertain rule switched off
    assert "course_date" not in admission_selectors.problems(with_(ready, course_date=D(2015, 1, 1)))


def test_introducer_must_be_an_official_member_on_the_date(ready, people, root_user):
    lifecycle.event_record(actor=root_user, member=people.m_a1b, kind="tu_tran", date=D(2024, 1, 1))
    assert "không phải đảng viên chính thức" in admission_selectors.problems(ready)["introducer_2"]


def test_steps_must_be_in_order_and_not_in_the_future(ready, root_user):
    with pytest.raises(ApplicationError) as e:
        admission.candidate_save(actor=root_user, candidate=ready, data={"cv_verified_date": D(2023, 1, 1)})
    assert "không được trước ngày làm đơn xin vào đảng" in e.value.field_errors["cv_verified_date"]


def test_admission_decision_creates_a_probationary_member_then_deadlines_follow(ready, root_user):
    member = admission.candidate_admit(actor=root_user, candidate=ready, decision_no="5-QĐ/ĐU", decision_date=D(2024, 3, 25),
                                       **BY_UPPER)  # fmt: skip
    assert member.status == "du_bi" and member.admission_decision_date == D(2024, 3, 25)
    p = admission_selectors.probation(member, on=D(2024, 4, 1))
    # 30 working days from Mon 25/03/2024, counted by hand: 26–29/03 (4), 01–05/04 (9), 08–12/04 (14),
    # 15–17/04 (17; Thu 18/04 Giỗ Tổ Hùng Vương off), 19/04 (18), 22–26/04 (23), 29/04–01/05 off,
    # 02–03/05 (25), Sat 04/05 worked in exchange for 29/04 (26), 06–09/05 (30) → Thu 09/05/2024.
    assert p.state == "cho_le" and p.ceremony_due == D(2024, 5, 9)
    assert admission_selectors.probation(member, on=D(2024, 5, 10)).state == "qua_han_le"
    with pytest.raises(ApplicationError):
        admission.ceremony_record(actor=root_user, member=member, date=D(2024, 3, 1))  # before the decision
    admission.ceremony_record(actor=root_user, member=member, date=D(2024, 4, 20))
    member.refresh_from_db()
    p = admission_selectors.probation(member, on=D(2025, 4, 21))
    assert p.probation_end == D(2025, 4, 20) and p.state == "den_han_xet"
    assert p.review_due > D(2025, 5, 30)  # 30 working days with 30/04, 01/05, 02/05 off
    with pytest.raises(ApplicationError) as e:
        admission.recognize_official(actor=root_user, member=member, decision_no="9", decision_date=D(2025, 4, 1),
                                     **BY_UPPER)  # fmt: skip
    assert "chưa hết 12 tháng dự bị" in e.value.field_errors["decision_date"]
    admission.recognize_official(actor=root_user, member=member, decision_no="9-QĐ/ĐU", decision_date=D(2025, 9, 1),
                                 **BY_UPPER)  # fmt: skip
    member.refresh_from_db()
    assert member.status == "chinh_thuc" and member.official_date == D(2025, 4, 20)
    with pytest.raises(ApplicationError):
        admission.candidate_admit(
            actor=root_user, candidate=ready, decision_no="6", decision_date=D(2024, 4, 1), **BY_UPPER
        )


def test_admission_refused_writes_nothing(ready, root_user):
    admission.candidate_save(actor=root_user, candidate=ready, data={"votes_for": 1})
    before = Member.objects.count()
    with pytest.raises(ApplicationError) as e:
        admission.candidate_admit(
            actor=root_user, candidate=ready, decision_no="5", decision_date=D(2024, 3, 25), **BY_UPPER
        )
    assert "votes_for" in e.value.field_errors and Member.objects.count() == before


def test_introducers_since_dates_not_after_the_cell_vote_nor_today(ready, root_user):
    with pytest.raises(ApplicationError) as e:
        admission.candidate_save(
            actor=root_user, candidate=ready, data={"introducer_2_since": D(2024, 3, 11)}
        )
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
    saved = admission.candidate_save(
        actor=root_user, candidate=ready, data={"introducer_2_since": D(2024, 3, 10)}
    )
    assert "mới biết người xin vào Đảng 0 tháng" in admission_selectors.problems(saved)["introducer_2"]
    # An older record holding a later date is reported plainly, not as "-5 tháng".
    problem = admission_selectors.problems(with_(saved, introducer_2_since=D(2024, 8, 1)))["introducer_2"]
    assert "sau ngày 10/03/2024" in problem and "-" not in problem


def test_rules_are_chosen_by_date():
    assert rules_on(D(2013, 1, 1)).source.startswith("Hướng dẫn 01-HD/TW")
    assert rules_on(D(2025, 9, 1)).source.startswith("Quy định 294")
    assert add_months(D(2024, 1, 31), 1) == D(2024, 2, 29) and add_months(D(2023, 2, 28), 12) == D(
        2024, 2, 28
    )


def test_transfer_flags_count_working_days(tree, people, root_user):
    t = lifecycle.transfer_send(actor=root_user, member=people.m_a1, kind="chinh_thuc", to_organization=tree.b,
                                sent_date=D(2024, 1, 15), moved_date=D(2023, 9, 1), letter_no="9-GGT/ĐU")  # fmt: skip
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
                                  sent_date=D(2023, 12, 1), letter_no="9-GGT/ĐU")  # fmt: skip
    new = lifecycle.transfer_send(actor=root_user, member=people.m_a1, kind="chinh_thuc", to_organization=tree.b,
                                  sent_date=D(2024, 3, 1), moved_date=D(2024, 1, 15), letter_no="9-GGT/ĐU")  # fmt: skip
    assert new.valid_until == D(2024, 3, 15)  # 10 working days
    assert old.valid_until > D(2024, 1, 10)  # 30 working days under the rules of its date
    flags = selectors_history.transfer_flags(new, on=D(2024, 3, 20))
    assert "Quá 10 ngày làm việc chưa được tiếp nhận (13 ngày làm việc)" in flags
    assert any(f.startswith("Giới thiệu chậm:") and f.endswith("(hạn 20)") for f in flags)
    assert selectors_history.transfer_flags(old, on=D(2023, 12, 29)) == []  # 20 working days < 30


# --- Impossible dossiers are refused; the checklist reads the conditions ----------------------------------


def refused_save(actor, candidate, data) -> dict[str, str]:
    """``candidate_save`` must refuse and leave the dossier as it was; the field errors."""
    before = {f: getattr(Candidate.objects.get(pk=candidate.pk), f) for f in ("votes_for", "official_members",
                                                                              "introducer_1_id", "introducer_2_id")}  # fmt: skip
    with pytest.raises(ApplicationError) as e:
        admission.candidate_save(actor=actor, candidate=candidate, data=data)
    after = Candidate.objects.get(pk=candidate.pk)
    assert {f: getattr(after, f) for f in before} == before
    return e.value.field_errors


@pytest.mark.parametrize(
    ("votes", "field", "needle"),
    [
        ((50, 43), "votes_for", "Số đảng viên chính thức tán thành: 50 lớn hơn tổng số đảng viên chính thức (43)."),
        ((2, 40000), "official_members", "Tổng số đảng viên chính thức của chi bộ: 40.000 không hợp lệ, phải từ 1 đến 32.767."),
        ((99999999999999999999999, 3), "votes_for", "phải từ 0 đến 32.767"),
        ((2, 99999999999999999999999), "official_members", "phải từ 1 đến 32.767"),
        ((-1, 3), "votes_for", "phải từ 0 đến 32.767"),
        ((0, 0), "official_members", "phải từ 1 đến 32.767"),
        (("2", 3), "votes_for", "phải là một số nguyên"),
        ((True, 3), "votes_for", "phải là một số nguyên"),
        ((2, None), "official_members", "cần ghi cả số tán thành và tổng số"),
    ],
)  # fmt: skip
def test_impossible_vote_counts_are_refused(ready, root_user, votes, field, needle):
    errors = refused_save(root_user, ready, {"votes_for": votes[0], "official_members": votes[1]})
    assert needle in errors[field], errors


def test_a_vote_needs_the_day_the_cell_voted(ready, root_user):
    errors = refused_save(
        root_user, ready, {"cell_resolution_date": None, "grassroots_resolution_date": None}
    )
    assert errors == {
        "cell_resolution_date": "Ngày chi bộ xét, biểu quyết: cần ghi khi đã có kết quả biểu quyết."
    }


@given(votes=st.integers(-5, 40), members=st.one_of(st.integers(-2, 40), st.integers(32760, 32780)))
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_vote_counts_saved_only_when_possible_and_ticked_only_at_two_thirds(ready, root_user, votes, members):
    possible = 0 <= votes <= members <= 32767 and members >= 1
    with transaction.atomic():
        try:
            saved = admission.candidate_save(actor=root_user, candidate=ready,
                                             data={"votes_for": votes, "official_members": members})  # fmt: skip
            assert possible
            step = next(s for s in admission_selectors.steps(saved) if s.label == "Chi bộ xét, biểu quyết")
            assert (
                step.done
                == (3 * votes >= 2 * members)
                == ("votes_for" not in admission_selectors.problems(saved))
            )
        except ApplicationError:
            assert not possible
        transaction.set_rollback(True)


def test_introducers_must_be_official_members_on_the_day_the_cell_considers_the_case(ready, tree, root_user):
    from tests.conftest import admission_decision

    newcomer = member_services.member_create(
        actor=root_user, since=D(2023, 1, 10), admission=admission_decision("30-QĐ/ĐU"),
        data=member_data(tree.a1, "Lê Thị Dự Bị", status="du_bi", official_date=None, joined_date=None,
                         birth_date=D(1995, 1, 1), gender="nu"),
    )  # fmt: skip
    lifecycle.event_record(actor=root_user, member=newcomer, kind="le_ket_nap", date=D(2023, 1, 20))
    # Probationary on the cell's day (10/03/2024): refused, nothing saved.
    errors = refused_save(root_user, ready, {"introducer_1": newcomer})
    assert errors["introducer_1"] == (
        "Người giới thiệu thứ nhất: Lê Thị Dự Bị không phải đảng viên chính thức đang sinh hoạt vào ngày chi bộ xét "
        "(10/03/2024)."
    )
    # Official today is not enough: recognised on 20/01/2024… the roll periods, not the status, decide.
    lifecycle.event_record(actor=root_user, member=newcomer, kind="chinh_thuc", date=D(2024, 1, 20),
                           **decided("chinh_thuc", D(2024, 2, 1)))  # fmt: skip
    newcomer.refresh_from_db()
    assert newcomer.status == "chinh_thuc"
    assert "introducer_1" in refused_save(root_user, ready, {"introducer_1": newcomer, "cell_resolution_date": D(2024, 1, 15),
                                                             "grassroots_resolution_date": None})  # fmt: skip
    saved = admission.candidate_save(actor=root_user, candidate=ready, data={"introducer_1": newcomer})
    assert saved.introducer_1 == newcomer and "mới biết" not in admission_selectors.problems(saved).get(
        "introducer_1", ""
    )
    assert "phải là người khác" in refused_save(root_user, ready, {"introducer_2": newcomer})["introducer_2"]


@pytest.mark.parametrize(
    ("changes", "field"),
    [({"birth_date": D(2006, 3, 11)}, "birth_date"), ({"course_date": D(2019, 3, 10)}, "course_date"),
     ({"introducer_2_since": D(2023, 4, 1)}, "introducer_2"), ({"votes_for": 1}, "votes_for"),
     ({"general_education": "khac"}, "general_education"), ({"cv_verified_date": None}, "cv_verified_date")],
)  # fmt: skip
def test_no_step_is_ticked_while_one_of_its_conditions_fails(ready, changes, field):
    ready = with_(ready, **changes)
    found = admission_selectors.problems(ready)
    assert field in found
    ticked = {s.label for s in admission_selectors.steps(ready) if s.done}
    owner = {"birth_date": "Tuổi đời, trình độ học vấn", "general_education": "Tuổi đời, trình độ học vấn",
             "course_date": "Học lớp bồi dưỡng nhận thức về Đảng", "cv_verified_date": "Thẩm tra lý lịch",
             "introducer_2": "Hai đảng viên chính thức giới thiệu", "votes_for": "Chi bộ xét, biểu quyết"}[field]  # fmt: skip
    assert owner not in ticked
    # The list page evaluates every candidate at once and agrees.
    [(_, listed)] = admission_selectors.evaluate_all([ready])
    assert [s.done for s in listed] == [s.done for s in admission_selectors.steps(ready)]


def test_every_step_is_ticked_for_a_complete_dossier_but_the_decision(ready):
    assert [s.done for s in admission_selectors.steps(ready)] == [False] + [True] * 7 + [
        False
    ]  # no mentor, no decision yet


def test_the_admission_decision_needs_a_body_with_the_power_to_admit(ready, root_user):
    before = Member.objects.count()
    with pytest.raises(ApplicationError) as e:
        admission.candidate_admit(actor=root_user, candidate=ready, decision_no="5-QĐ/CB", decision_date=D(2024, 3, 25),
                                  decision_level="chi_bo", decision_issuer="Chi bộ Văn phòng")  # fmt: skip
    assert "chi bộ không có thẩm quyền «kết nạp vào Đảng»" in e.value.field_errors["decision_level"]
    with pytest.raises(ApplicationError) as e:
        admission.candidate_admit(
            actor=root_user, candidate=ready, decision_no="5-QĐ/ĐU", decision_date=D(2024, 3, 25)
        )
    assert e.value.field_errors["decision_level"] == "Cấp ra quyết định: không được để trống."
    assert Member.objects.count() == before
    member = admission.candidate_admit(actor=root_user, candidate=ready, decision_no="5-QĐ/ĐU",
                                       decision_date=D(2024, 3, 25), decision_level="co_so_uy_quyen",
                                       decision_issuer="Đảng ủy Sở Y tế")  # fmt: skip
    event = member.events.get(kind="ket_nap")
    assert (event.decision_level, event.decision_issuer) == ("co_so_uy_quyen", "Đảng ủy Sở Y tế")
    ready.refresh_from_db()
    assert ready.decision_level == "co_so_uy_quyen" and member.warnings == ()


def test_candidate_save_refuses_a_stale_version_and_the_dossier_page_keeps_the_input(client, ready, people):
    from django.test import Client

    from dangbo.audit.concurrency.services import StaleEdit
    from tests.pageform import form_values

    version = admission.CANDIDATE_VERSION.of(ready)
    admission.candidate_save(
        actor=people.secretary_a, candidate=ready, data={"votes_for": 3}, expected_version=version
    )
    with pytest.raises(StaleEdit) as refused:
        admission.candidate_save(actor=people.cell_secretary, candidate=ready, data={"official_members": 4},
                                 expected_version=version)  # fmt: skip
    assert (
        refused.value.changed == ["votes_for"]
        and "Hồ sơ này đã được secretary_a sửa lúc" in refused.value.message
    )
    ready.refresh_from_db()
    assert (ready.votes_for, ready.official_members) == (3, 3)

    url = ready.get_absolute_url()
    first, second = Client(), Client()
    first.force_login(people.secretary_a)
    second.force_login(people.cell_secretary)
    first_form = form_values(first.get(url).content.decode())
    second_form = form_values(second.get(url).content.decode())
    first_form["occupation"] = "Kỹ sư"
    assert first.post(url, first_form).status_code == 302
    second_form["ethnicity"] = "Thái"
    page = second.post(url, second_form).content.decode()
    assert "Hồ sơ này đã được secretary_a sửa lúc" in page
    again = form_values(page)
    assert again["ethnicity"] == "Thái" and again["occupation"] == "Kỹ sư"
    assert second.post(url, again).status_code == 302
    ready.refresh_from_db()
    assert (ready.ethnicity, ready.occupation) == ("Thái", "Kỹ sư")


def test_a_candidate_name_typed_in_lower_case_is_title_cased(ready, root_user):
    c = admission.candidate_save(actor=root_user, candidate=ready, data={"full_name": "hoàng thị thu"})
    assert c.full_name == "Hoàng Thị Thu"
