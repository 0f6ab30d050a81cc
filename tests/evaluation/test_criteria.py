"""A rating authority's criteria catalogue inside its frame (QĐ 366's 30/70 split, QĐ 124's graded criteria), the
frame's own when none is defined, and ratings filled criterion by criterion."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from dangbo.audit.models import AuditEvent
from dangbo.core.errors import ApplicationError, NotFound, PermissionDenied
from dangbo.evaluation import selectors, services
from dangbo.evaluation.choices import Level
from dangbo.evaluation.models import Catalogue, Rating

OWN_366 = [
    {"part": "chung", "text": "Bản lĩnh chính trị, tư tưởng", "points": 10},
    {"part": "chung", "text": "Đạo đức, lối sống; ý thức tổ chức kỷ luật", "points": 20},
    {"part": "nhiem_vu", "text": "Khối lượng, chất lượng công việc chuyên môn", "points": 50},
    {"part": "nhiem_vu", "text": "Nhiệm vụ được chi bộ phân công", "points": 20},
]


def rating_of(campaign, member):
    return Rating.objects.select_related("campaign__authority").get(campaign=campaign, member=member)


def test_the_frames_default_when_none_is_defined(campaign, campaign_2024):
    items, found = selectors.criteria_for(campaign, "dang_vien")
    assert found is None and [(c.part, c.points) for c in items] == [("chung", 30), ("nhiem_vu", 70)]
    graded, _ = selectors.criteria_for(campaign_2024, "dang_vien")
    assert len(graded) == 5 and all(c.points is None for c in graded)


def test_an_authority_defines_its_catalogue_inside_the_30_70_frame(campaign, tree, people):
    k = services.catalogue_save(actor=people.secretary_a, authority=tree.a, year=2025, subject="dang_vien",
                                rows=OWN_366)  # fmt: skip
    assert k.rules_key == "qd366" and len(k.items) == 4
    assert AuditEvent.objects.filter(event="evaluation.catalogue.save").count() == 1
    items, found = selectors.criteria_for(campaign, "dang_vien")
    assert found == k and [c.points for c in items] == [10, 20, 50, 20]
    # It holds for the later years of the same frame until redefined.
    assert selectors.catalogue_of(tree.a.pk, "dang_vien", "qd366", 2027) == k


@pytest.mark.parametrize(("rows", "text"), [
    ([{**OWN_366[0], "points": 15}, *OWN_366[1:]], "cộng lại 35 điểm"),
    ([{**OWN_366[0], "part": ""}, *OWN_366[1:]], "chọn phần"),
    ([{**OWN_366[0], "text": ""}, *OWN_366[1:]], "chưa ghi nội dung"),
    ([{**OWN_366[0], "points": "mười"}, *OWN_366[1:]], "Điểm tối đa dòng 1"),
    ([], "ít nhất một tiêu chí"),
])  # fmt: skip
def test_a_catalogue_outside_the_frame_is_refused(tree, people, clock, rows, text):
    clock.set(dt.date(2026, 1, 5))
    with pytest.raises(ApplicationError) as e:
        services.catalogue_save(
            actor=people.secretary_a, authority=tree.a, year=2025, subject="dang_vien", rows=rows
        )
    assert text in e.value.field_errors["items"]
    assert not Catalogue.objects.exists()


def test_graded_frames_take_no_points_and_the_oldest_has_no_catalogue(tree, people, clock):
    clock.set(dt.date(2026, 1, 5))
    with pytest.raises(ApplicationError) as e:
        services.catalogue_save(actor=people.secretary_a, authority=tree.a, year=2024, subject="dang_vien",
                                rows=[{"text": "Về tư tưởng chính trị", "points": 10}])  # fmt: skip
    assert "không chấm điểm" in e.value.message
    k = services.catalogue_save(actor=people.secretary_a, authority=tree.a, year=2024, subject="to_chuc",
                                rows=[{"text": "Lãnh đạo nhiệm vụ chính trị"}])  # fmt: skip
    assert k.rules_key == "qd124" and k.items == [
        {"part": "", "text": "Lãnh đạo nhiệm vụ chính trị", "points": None}
    ]
    with pytest.raises(ApplicationError) as e:
        services.catalogue_save(actor=people.secretary_a, authority=tree.a, year=2015, subject="dang_vien",
                                rows=[{"text": "X"}])  # fmt: skip
    assert "chỉ giữ nhãn" in e.value.field_errors["year"]


def test_only_the_deciding_committee_defines_it(tree, people, clock):
    clock.set(dt.date(2026, 1, 5))
    with pytest.raises(PermissionDenied):
        services.catalogue_save(actor=people.leader, authority=tree.a, year=2025, subject="dang_vien",
                                rows=OWN_366)  # fmt: skip
    for outside in (
        people.secretary_b,
        people.cell_secretary,
    ):  # the cell does not see its committee as an org
        with pytest.raises(NotFound):
            services.catalogue_save(
                actor=outside, authority=tree.a, year=2025, subject="dang_vien", rows=OWN_366
            )
    assert not Catalogue.objects.exists()


def test_a_proposal_by_criteria_scores_their_sum(campaign, tree, people):
    services.catalogue_save(
        actor=people.secretary_a, authority=tree.a, year=2025, subject="dang_vien", rows=OWN_366
    )
    r = rating_of(campaign, people.m_a1)
    done = services.propose(actor=people.cell_secretary, rating=r, level=Level.GOOD,
                            criteria={"c0": Decimal(9), "c1": Decimal(17), "c2": Decimal("42.5"), "c3": Decimal(15)})  # fmt: skip
    assert done.score == Decimal("83.5") and [c["value"] for c in done.criteria] == ["9", "17", "42.5", "15"]
    # The sum decides the band: 83,5 is HTTNV, not HTXSNV.
    with pytest.raises(ApplicationError) as e:
        services.propose(actor=people.cell_secretary, rating=r, level=Level.EXCELLENT,
                         criteria={"c0": 9, "c1": 17, "c2": "42,5", "c3": 15})  # fmt: skip
    assert "83.5 điểm thuộc mức HTTNV" in e.value.field_errors["score"]


@pytest.mark.parametrize(("values", "key", "text"), [
    ({"c0": 11, "c1": 17, "c2": 40, "c3": 15}, "c0", "quá lớn"),
    ({"c0": 9, "c2": 40, "c3": 15}, "c1", "chưa chấm"),
])  # fmt: skip
def test_criteria_values_outside_their_points_are_refused(campaign, tree, people, values, key, text):
    services.catalogue_save(
        actor=people.secretary_a, authority=tree.a, year=2025, subject="dang_vien", rows=OWN_366
    )
    r = rating_of(campaign, people.m_a1)
    with pytest.raises(ApplicationError) as e:
        services.propose(actor=people.cell_secretary, rating=r, level=Level.GOOD, criteria=values)
    assert text in e.value.field_errors[key]
    r.refresh_from_db()
    assert r.proposed_level == "" and r.criteria == []


def test_a_score_that_is_not_the_sum_is_refused(campaign, people):
    r = rating_of(campaign, people.m_a1)
    with pytest.raises(ApplicationError) as e:
        services.propose(actor=people.cell_secretary, rating=r, level=Level.GOOD, score="80",
                         criteria={"c0": 25, "c1": 60})  # fmt: skip
    assert "khác tổng điểm" in e.value.field_errors["score"]


def test_self_assessment_grades_the_graded_criteria(campaign_2024, people):
    r = rating_of(campaign_2024, people.m_a1)
    done = services.self_assess(actor=people.cell_secretary, rating=r, level=Level.GOOD,
                                criteria={f"c{i}": "tot" for i in range(5)})  # fmt: skip
    assert [c["value"] for c in done.self_criteria] == ["tot"] * 5
    with pytest.raises(ApplicationError):
        services.self_assess(actor=people.cell_secretary, rating=r, level=Level.GOOD,
                             criteria={f"c{i}": "gioi" for i in range(5)})  # fmt: skip


def test_under_124_a_criterion_graded_poor_means_khtnv(campaign_2024, people):
    """QĐ 124 [C]: a criterion graded «Kém» → KHTNV — any other level is refused, nothing saved."""
    r = rating_of(campaign_2024, people.m_a1)
    graded = {f"c{i}": "tot" for i in range(5)} | {"c2": "kem"}
    with pytest.raises(ApplicationError) as e:
        services.propose(actor=people.cell_secretary, rating=r, level=Level.DONE, criteria=graded)
    assert e.value.field_errors["level"] == "Mức đề xuất: có tiêu chí xếp loại «Kém» → KHTNV (QĐ 124-QĐ/TW)."
    r.refresh_from_db()
    assert r.proposed_level == "" and r.criteria == []
    done = services.propose(actor=people.cell_secretary, rating=r, level=Level.FAILED, criteria=graded)
    assert done.proposed_level == Level.FAILED
    assert any("«Kém»" in t for t in campaign_2024.rules.conditions)


def test_the_catalogue_page(client, tree, people, clock):
    clock.set(dt.date(2026, 1, 5))
    url = reverse("evaluation:criteria", args=[tree.a.pk]) + "?nam=2025&doi_tuong=dang_vien"
    client.force_login(people.secretary_a)
    page = client.get(url).content.decode()
    assert "Tiêu chí mặc định của khung QĐ 366-QĐ/TW" in page and "Ghi danh mục tiêu chí" in page
    data = {"tc-TOTAL_FORMS": "5", "tc-INITIAL_FORMS": "0", "tc-MIN_NUM_FORMS": "0", "tc-MAX_NUM_FORMS": "40"}
    for i, row in enumerate(OWN_366):
        data.update(
            {f"tc-{i}-part": row["part"], f"tc-{i}-text": row["text"], f"tc-{i}-points": str(row["points"])}
        )
    wrong = client.post(url, {**data, "tc-0-points": "12"})
    assert wrong.status_code == 200 and "cộng lại 32 điểm" in wrong.content.decode()
    assert client.post(url, data).status_code == 302
    page = client.get(url).content.decode()
    assert "Tiêu chí của Đảng bộ Sở Y tế (từ năm 2025)" in page and "Nhiệm vụ được chi bộ phân công" in page
    client.force_login(people.leader)  # sees the catalogue, may not change it
    page = client.get(url).content.decode()
    assert "Nhiệm vụ được chi bộ phân công" in page and "Ghi danh mục tiêu chí" not in page
    assert client.post(url, data).status_code == 404


def test_the_rating_page_fills_the_authoritys_criteria(client, campaign, tree, people):
    services.catalogue_save(
        actor=people.secretary_a, authority=tree.a, year=2025, subject="dang_vien", rows=OWN_366
    )
    r = rating_of(campaign, people.m_a1)
    client.force_login(people.cell_secretary)
    url = reverse("evaluation:rating", args=[r.pk])
    page = client.get(url).content.decode()
    assert "Chấm theo tiêu chí của Đảng bộ Sở Y tế" in page and "tối đa 50 điểm" in page
    assert "tự phát hiện và khắc phục" not in page  # QĐ 124's exception: not offered under QĐ 366
    response = client.post(url, {"form": "propose", "level": "htxsnv", "c0": "10", "c1": "19", "c2": "48",
                                 "c3": "18"})  # fmt: skip
    assert response.status_code == 302
    r.refresh_from_db()
    assert r.score == Decimal(95) and r.proposed_level == "htxsnv"
    assert "48 / 50 điểm" in client.get(url).content.decode() or r.criteria[2]["value"] == "48"


def test_two_people_editing_the_catalogue_do_not_overwrite_each_other(client, tree, people, clock):
    from django.test import Client

    from tests.pageform import form_values

    clock.set(dt.date(2026, 1, 5))
    url = reverse("evaluation:criteria", args=[tree.a.pk]) + "?nam=2025&doi_tuong=dang_vien"
    services.catalogue_save(
        actor=people.secretary_a, authority=tree.a, year=2025, subject="dang_vien", rows=OWN_366
    )
    other = Client()
    client.force_login(people.secretary_a)
    other.force_login(people.staff)
    mine = form_values(client.get(url).content.decode(), "tc-0-text")
    theirs = form_values(other.get(url).content.decode(), "tc-0-text")
    assert other.post(url, {**theirs, "tc-0-text": "Bản lĩnh chính trị"}).status_code == 302
    refused = client.post(url, {**mine, "tc-1-text": "Ý thức kỷ luật"})
    assert (
        refused.status_code == 200 and "Danh mục tiêu chí này đã được staff sửa" in refused.content.decode()
    )
    assert Catalogue.objects.get().items[0]["text"] == "Bản lĩnh chính trị"
    again = form_values(refused.content.decode(), "tc-0-text")  # the new token: a second save goes through
    assert client.post(url, {**again, "tc-1-text": "Ý thức kỷ luật"}).status_code == 302


def test_the_catalogue_page_shows_the_rows_problems_with_the_frames_in_one_round(client, tree, people, clock):
    """``form_page``: a row the form cannot read and the frame's problem with the rows it could are shown
    together, and nothing is saved."""
    clock.set(dt.date(2026, 1, 5))
    url = reverse("evaluation:criteria", args=[tree.a.pk]) + "?nam=2025&doi_tuong=dang_vien"
    client.force_login(people.secretary_a)
    data = {"tc-TOTAL_FORMS": "5", "tc-INITIAL_FORMS": "0", "tc-MIN_NUM_FORMS": "0", "tc-MAX_NUM_FORMS": "40"}
    for i, row in enumerate(OWN_366):
        data.update(
            {f"tc-{i}-part": row["part"], f"tc-{i}-text": row["text"], f"tc-{i}-points": str(row["points"])}
        )
    data["tc-4-points"] = "mười"  # not a number (the row is otherwise blank)
    data["tc-0-points"] = "12"  # the common part no longer adds up to 30
    page = client.post(url, data)
    text = page.content.decode()
    assert page.status_code == 200 and "Chưa lưu được" in text
    assert "cộng lại 32 điểm" in text  # the frame's problem (the service) …
    assert "phải là một số (ví dụ: 10)" in text  # … beside the row's
    assert not Catalogue.objects.exists()
