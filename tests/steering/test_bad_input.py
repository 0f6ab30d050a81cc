"""Malformed query parameters and forms on the directing-work pages give a page or a message, never a 500."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from dangbo.steering.models import Target
from tests.factories import ProgrammeFactory, TargetFactory, TermFactory


@pytest.fixture
def objects(tree):
    term = TermFactory(organization=tree.bloc, name="2020–2025", start_date=dt.date(2020, 8, 1))
    target = TargetFactory(term=term, number=1, text="Kết nạp đảng viên mới", unit="dang_vien", measure="cong_don",
                           goal=100, source="ket_nap")  # fmt: skip
    programme = ProgrammeFactory(organization=tree.bloc, name="Hỗ trợ xã", start_date=dt.date(2021, 1, 1))
    return term, target, programme


@pytest.mark.parametrize("query", ["01/01/0001", "31/12/9999", "31/02/2024", "abc", "01/01/1800"])
def test_dates_out_of_range_or_malformed(client, people, objects, query):
    term, target, programme = objects
    client.force_login(people.staff)
    for url, params in [
        (reverse("steering:term_targets", args=[term.pk]), {"ngay": query}),
        (reverse("steering:target", args=[target.pk]), {"ngay": query}),
        (reverse("steering:programme", args=[programme.pk]), {"tu": query, "den": "31/12/9999"}),
        (reverse("steering:programme", args=[programme.pk]), {"tu": "01/01/2021", "den": query}),
        (reverse("steering:contribution_create", args=[programme.pk]), {"date": query}),
    ]:
        response = client.get(url, params)
        assert response.status_code == 200, (url, params)


@pytest.mark.parametrize("value", ["abc", "-5", "99999999999999999999999", "1e5", ""])
def test_ids_and_years_malformed(client, people, objects, value):
    client.force_login(people.staff)
    assert (
        client.get(reverse("steering:documents"), {"so": value, "nam": value, "loai": value}).status_code
        == 200
    )
    assert client.get(reverse("steering:tasks"), {"nam": value}).status_code == 200
    assert (
        client.get(reverse("steering:task_create"), {"to_chuc": value, "van_ban": value}).status_code == 200
    )
    assert client.get(reverse("steering:programme_create"), {"to_chuc": value}).status_code == 200


def test_a_form_for_an_organization_outside_the_scope_says_so(client, tree, people):
    client.force_login(people.secretary_a)
    response = client.post(reverse("steering:task_create"), {
        "organization": tree.bloc.pk, "title": "X", "report_kind": "bao_cao", "assigned_date": "01/03/2024",
        "deadline": "31/03/2024", "mode": "tat_ca_co_so"})  # fmt: skip
    assert response.status_code == 200
    assert "Cấp ủy giao nhiệm vụ: hãy chọn một tổ chức trong phạm vi của bạn." in response.content.decode()
    from dangbo.steering.models import Task

    assert not Task.objects.exists()


def test_commune_flags_only_for_communes_the_programme_supports(tree, people, objects):
    from dangbo.core.errors import ApplicationError
    from dangbo.steering.models import Commune
    from dangbo.steering.support import services as support

    _term, _target, programme = objects
    commune = Commune.objects.filter(era="2025", province_code=40).first()
    with pytest.raises(ApplicationError) as e:
        support.commune_flags_set(
            actor=people.staff, programme=programme, commune=commune, data={"poor": True}
        )
    assert "chưa hỗ trợ xã này" in e.value.field_errors["commune"]
    commune.refresh_from_db()
    assert not commune.poor


def test_targets_and_programmes_are_edited_by_their_committee_only(client, tree, people, objects):
    _term, target, programme = objects
    client.force_login(people.staff)
    response = client.post(reverse("steering:target_edit", args=[target.pk]), {
        "number": "1", "text": "Kết nạp từ 120 đảng viên mới", "unit": "dang_vien", "direction": "toi_thieu",
        "measure": "cong_don", "goal": "120", "source": "ket_nap"})  # fmt: skip
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.goal == 120
    wrong = client.post(reverse("steering:target_edit", args=[target.pk]), {
        "number": "1", "text": "X", "unit": "phan_tram", "direction": "toi_thieu", "measure": "cong_don",
        "goal": "120", "source": "ket_nap"})  # fmt: skip
    assert "Đơn vị tính:" in wrong.content.decode()
    response = client.post(reverse("steering:programme_edit", args=[programme.pk]), {
        "name": "Hỗ trợ xã nghèo 2021–2025", "start_date": "01/01/2021", "end_date": "31/12/2025"})  # fmt: skip
    assert response.status_code == 302
    programme.refresh_from_db()
    assert programme.name == "Hỗ trợ xã nghèo 2021–2025"
    for persona in ("secretary_b", "leader"):
        client.force_login(getattr(people, persona))
        assert client.get(reverse("steering:target_edit", args=[target.pk])).status_code == 404
        assert client.get(reverse("steering:programme_edit", args=[programme.pk])).status_code == 404


# --- Numbers: one reader, bounded by the services (issue 18) ---------------------------------------------


@pytest.fixture
def figure_task(tree, people):
    from dangbo.steering.tasks import services as tasks

    return tasks.task_create(actor=people.staff, organization=tree.bloc, data={
        "title": "Báo cáo số quần chúng ưu tú", "report_kind": "so_lieu", "figure_label": "Số quần chúng ưu tú",
        "assigned_date": dt.date(2024, 3, 1), "deadline": dt.date(2024, 4, 30), "mode": "tat_ca_co_so"})  # fmt: skip


@pytest.fixture
def study_task(tree, people):
    from dangbo.steering.tasks import services as tasks

    return tasks.task_create(actor=people.staff, organization=tree.bloc, data={
        "title": "Học tập, quán triệt Chỉ thị 03-CT/TW", "report_kind": "quan_triet", "assigned_date": dt.date(2024, 3, 1),
        "deadline": dt.date(2024, 4, 30), "mode": "tat_ca_co_so"})  # fmt: skip


ABSURD = ["1e28", "1e309", "9" * 27, "NaN", "-Infinity", "1,5e3", "²"]


def test_report_figures_are_read_and_bounded_by_the_service(tree, people, figure_task, study_task):
    from dangbo.core.errors import ApplicationError
    from dangbo.steering.models import Assignment
    from dangbo.steering.tasks import services as tasks

    a = Assignment.objects.get(task=figure_task, organization=tree.b)
    for value in [*ABSURD, Decimal("NaN"), Decimal("1E+28"), float("inf"), 10**40, "-5", "1,234"]:
        with pytest.raises(ApplicationError) as e:
            tasks.report_file(actor=people.secretary_b, assignment=a, data={"figure": value})
        assert e.value.field_errors["figure"].startswith("Số quần chúng ưu tú: "), value
    a = tasks.report_file(actor=people.secretary_b, assignment=a, data={"figure": "1.250"})
    assert a.figure == 1250
    s = Assignment.objects.get(task=study_task, organization=tree.b)
    for value in [*ABSURD, "12,5", True, "-1"]:
        with pytest.raises(ApplicationError) as e:
            tasks.report_file(actor=people.secretary_b, assignment=s, data={"session_date": dt.date(2024, 3, 20),
                                                                            "attended": value})  # fmt: skip
        assert e.value.field_errors["attended"].startswith("Số đảng viên tham dự: "), value
    for field, value in (("session_date", "20/03/2024"), ("session_date", dt.datetime(2024, 3, 20, 8))):
        with pytest.raises(ApplicationError) as e:
            tasks.report_file(actor=people.secretary_b, assignment=s, data={field: value, "attended": "1"})
        assert e.value.field_errors[field] == "Ngày học tập, quán triệt: ngày không hợp lệ."
    s = tasks.report_file(
        actor=people.secretary_b, assignment=s, data={"session_date": dt.date(2024, 3, 20), "attended": "1"}
    )
    assert s.attended == 1 and not Assignment.objects.filter(attended__gt=1).exists()


@pytest.mark.parametrize("value", [*ABSURD, "99.999.999.999.999.999,99"])
def test_report_pages_refuse_absurd_numbers_with_a_message(
    client, tree, people, figure_task, study_task, value
):
    from dangbo.steering.models import Assignment

    client.force_login(people.secretary_b)
    a = Assignment.objects.get(task=figure_task, organization=tree.b)
    r = client.post(reverse("steering:report", args=[a.pk]), {"figure": value, "content": ""})
    assert r.status_code == 200 and "Số quần chúng ưu tú: " in r.content.decode()
    s = Assignment.objects.get(task=study_task, organization=tree.b)
    r = client.post(
        reverse("steering:report", args=[s.pk]), {"session_date": "20/03/2024", "attended": value}
    )
    assert r.status_code == 200 and "Số đảng viên tham dự: " in r.content.decode()
    assert not Assignment.objects.filter(reported_at__isnull=False).exists()


@pytest.mark.parametrize("value", ABSURD)
def test_support_and_target_pages_refuse_absurd_numbers(client, tree, people, objects, value):
    term, target, programme = objects
    client.force_login(people.staff)
    r = client.post(reverse("steering:contribution_create", args=[programme.pk]), {
        "date": "15/05/2024", "supporter": tree.b.pk, "kind": "ngay_cong", "value": value, "quantity": value})  # fmt: skip
    body = r.content.decode()
    assert r.status_code == 200 and "Giá trị quy ra tiền (đồng): " in body and "Số ngày công: " in body
    r = client.post(reverse("steering:target_edit", args=[target.pk]), {
        "number": value, "text": "Kết nạp", "unit": "dang_vien", "direction": "toi_thieu", "measure": "cong_don",
        "goal": value, "baseline": value, "source": "ket_nap"})  # fmt: skip
    body = r.content.decode()
    assert r.status_code == 200 and all(
        f"{label}: " in body for label in ("Chỉ tiêu số", "Mục tiêu cuối nhiệm kỳ", "Mức đầu nhiệm kỳ")
    )
    target.refresh_from_db()
    assert target.goal == 100


def test_a_model_forms_number_fields_are_checked_against_their_columns():
    """``check_model_numbers``: a ModelForm that leaves its rules to the service still refuses a number its
    column cannot hold (here 17 digits for a DecimalField(max_digits=16, decimal_places=2))."""
    from django import forms

    from dangbo.core.forms import VNFormMixin, VNNumberField, check_model_numbers

    class GoalForm(VNFormMixin, forms.ModelForm):
        goal = VNNumberField(label="Mục tiêu cuối nhiệm kỳ")

        class Meta:
            model = Target
            fields = ["goal"]

        def _post_clean(self):
            check_model_numbers(self)

    form = GoalForm({"goal": "9" * 17})
    assert not form.is_valid() and form.errors["goal"][0].startswith("Mục tiêu cuối nhiệm kỳ: ")
    assert GoalForm({"goal": "9" * 14}).is_valid()
