"""The residence cell's comment (QĐ 213) and the evidence registered by higher apps (dues arrears) in a rating."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from dangbo.audit.models import AuditEvent
from dangbo.core.errors import ApplicationError, NotFound, PermissionDenied
from dangbo.evaluation import services
from dangbo.evaluation.evidence import selectors as evidence
from dangbo.evaluation.models import Rating, ResidenceComment


def rating_of(campaign, member):
    return Rating.objects.select_related("campaign__authority").get(campaign=campaign, member=member)


def texts(rating):
    return [i.text for i in evidence.items(rating)]


def test_the_comment_is_evidence_of_the_years_rating(campaign, people):
    r = rating_of(campaign, people.m_a1)
    assert "Chưa ghi nhận xét năm 2025 của chi bộ nơi cư trú (QĐ 213-QĐ/TW)" in texts(r)
    services.residence_comment_save(actor=people.cell_secretary, member=people.m_a1, year=2025,
                                    residence_cell="Chi bộ khối 5, phường Hưng Dũng", received_on=dt.date(2025, 12, 20),
                                    comment="Gương mẫu thực hiện nghĩa vụ công dân nơi cư trú.")  # fmt: skip
    assert ("Nhận xét của Chi bộ khối 5, phường Hưng Dũng, nhận ngày 20/12/2025: Gương mẫu thực hiện nghĩa vụ công "
            "dân nơi cư trú.") in texts(r)  # fmt: skip
    again = services.residence_comment_save(actor=people.secretary_a, member=people.m_a1, year=2025,
                                            residence_cell="Chi bộ khối 5", comment="Có lúc chưa tham gia sinh hoạt.",
                                            concerns=True)  # fmt: skip
    assert ResidenceComment.objects.get() == again
    assert [i.warn for i in evidence.items(r) if i.kind == "cu_tru"] == [True]
    assert AuditEvent.objects.filter(event="evaluation.residence.save").count() == 2


def test_the_setting_turns_it_off(campaign, people, settings):
    settings.DANGBO_EVALUATION_RESIDENCE_COMMENTS = False
    assert not [i for i in evidence.items(rating_of(campaign, people.m_a1)) if i.kind == "cu_tru"]


def test_who_may_record_it(campaign, people):
    args = {"member": people.m_a1, "year": 2025, "residence_cell": "Chi bộ khối 5", "comment": "Tốt."}
    with pytest.raises(PermissionDenied):
        services.residence_comment_save(actor=people.leader, **args)
    for outside in (people.secretary_b, people.member_user):
        with pytest.raises((NotFound, PermissionDenied)):
            services.residence_comment_save(actor=outside, **args)
    assert not ResidenceComment.objects.exists()


@pytest.mark.parametrize(("change", "field"), [
    ({"residence_cell": ""}, "residence_cell"), ({"comment": " "}, "comment"), ({"year": 2030}, "year"),
    ({"received_on": dt.date(2026, 2, 1)}, "received_on"),
])  # fmt: skip
def test_bad_input_is_refused(campaign, people, change, field):
    args = {
        "member": people.m_a1,
        "year": 2025,
        "residence_cell": "Chi bộ khối 5",
        "comment": "Tốt.",
        **change,
    }
    with pytest.raises(ApplicationError) as e:
        services.residence_comment_save(actor=people.cell_secretary, **args)
    assert field in e.value.field_errors
    assert not ResidenceComment.objects.exists()


def test_not_after_the_years_decision(campaign, people, tree):
    for r in Rating.objects.filter(campaign=campaign, not_rated=""):
        services.propose(actor=people.secretary_a, rating=r, level="htnv", score="60")
    services.decide(
        actor=people.secretary_a, campaign=campaign, decision_no="12-QĐ/ĐU", decision_date=dt.date(2026, 1, 5)
    )
    with pytest.raises(ApplicationError) as e:
        services.residence_comment_save(actor=people.cell_secretary, member=people.m_a1, year=2025,
                                        residence_cell="Chi bộ khối 5", comment="Tốt.")  # fmt: skip
    assert "đã có quyết định" in e.value.field_errors["comment"]


def test_recorded_from_the_rating_page(client, campaign, people):
    r = rating_of(campaign, people.m_a1)
    client.force_login(people.cell_secretary)
    url = reverse("evaluation:rating", args=[r.pk])
    assert "Nhận xét của chi bộ nơi cư trú" in client.get(url).content.decode()
    response = client.post(url, {"form": "residence", "version": "moi", "residence_cell": "Chi bộ khối 5",
                                 "received_on": "20/12/2025", "comment": "Gương mẫu nơi cư trú."})  # fmt: skip
    assert response.status_code == 302
    assert (
        "Nhận xét của Chi bộ khối 5, nhận ngày 20/12/2025: Gương mẫu nơi cư trú."
        in client.get(url).content.decode()
    )
    client.force_login(people.member_user)  # the member sees it on their own rating, cannot record it
    page = client.get(url).content.decode()
    assert "Gương mẫu nơi cư trú." in page and 'value="residence"' not in page


def test_dues_arrears_are_evidence_through_the_registry(campaign, people, root_user, clock, tree):
    from dangbo.core.registries import EVIDENCE_SOURCES
    from dangbo.dues import services as dues

    assert "dues" in EVIDENCE_SOURCES
    dues.set_basis(actor=root_user, member=people.m_a1, valid_from=dt.date(2025, 1, 1), group="luong_bhxh",
                   basis=8_000_000)  # fmt: skip
    for month in (3, 4, 5, 6):
        paid = 80_000 if month == 3 else 0
        dues.record_month(actor=root_user, organization=tree.a1, month=dt.date(2025, month, 1), version=0,
                          rows=[{"member": people.m_a1.pk, "paid": paid, "paid_on": dt.date(2025, month, 5) if paid else None,
                                 "way": "tien_mat" if paid else ""}])  # fmt: skip
    r = rating_of(campaign, people.m_a1)
    found = [i for i in evidence.items(r) if i.kind == "dang_phi"]
    assert len(found) == 1 and found[0].warn
    assert found[0].text.startswith(
        "Đảng phí: chưa đóng đủ 3 tháng trong kỳ (04/2025, 05/2025, 06/2025), còn thiếu 240.000 đ"
    )
    assert "xem xét xóa tên" in found[0].text
    # The campaign table shows it in the member's row, in one query for all members.
    assert evidence.summary(campaign, [people.m_a1.pk])[people.m_a1.pk].warnings == found
    other = rating_of(campaign, people.m_a1b)
    assert not [i for i in evidence.items(other) if i.kind == "dang_phi"] or "đóng đủ" in texts(other)[-1]


def test_a_stale_residence_comment_is_refused(campaign, people):
    args = {"member": people.m_a1, "year": 2025, "residence_cell": "Chi bộ khối 5", "comment": "Tốt."}
    first = services.residence_comment_save(actor=people.cell_secretary, **args)
    token = services.RESIDENCE_VERSION.of(first)
    services.residence_comment_save(
        actor=people.secretary_a, expected_version=token, **{**args, "comment": "Khá."}
    )
    with pytest.raises(ApplicationError) as e:
        services.residence_comment_save(actor=people.cell_secretary, expected_version=token,
                                        **{**args, "comment": "Xuất sắc."})  # fmt: skip
    assert "Nhận xét này đã được secretary_a sửa" in e.value.message
    with pytest.raises(ApplicationError):  # the page opened before the first comment existed
        services.residence_comment_save(actor=people.cell_secretary, expected_version=services.NEW, **args)
    assert ResidenceComment.objects.get().comment == "Khá."
