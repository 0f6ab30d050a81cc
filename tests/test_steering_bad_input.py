"""Malformed query parameters and forms on the directing-work pages give a page or a message, never a 500."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from dangbo.organizations.models import Term
from dangbo.steering.models import Programme, Target


@pytest.fixture
def objects(tree):
    term = Term.objects.create(organization=tree.bloc, name="2020–2025", start_date=dt.date(2020, 8, 1))
    target = Target.objects.create(term=term, number=1, text="Kết nạp đảng viên mới", unit="dang_vien",
                                   measure="cong_don", goal=100, source="ket_nap")  # fmt: skip
    programme = Programme.objects.create(organization=tree.bloc, name="Hỗ trợ xã", start_date=dt.date(2021, 1, 1))
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
    assert client.get(reverse("steering:documents"), {"so": value, "nam": value, "loai": value}).status_code == 200
    assert client.get(reverse("steering:tasks"), {"nam": value}).status_code == 200
    assert client.get(reverse("steering:task_create"), {"to_chuc": value, "van_ban": value}).status_code == 200
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
    from dangbo.steering import support
    from dangbo.steering.models import Commune

    _term, _target, programme = objects
    commune = Commune.objects.filter(era="2025", province_code=40).first()
    with pytest.raises(ApplicationError) as e:
        support.commune_flags_set(actor=people.staff, programme=programme, commune=commune, data={"poor": True})
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
