"""The residence cell records its own comment (QĐ 213-QĐ/TW): a member working at Sở Y tế is registered with the
cell where they live (here Chi bộ Sở Tư pháp, outside Sở Y tế); that cell's secretary sees who is registered with it
and comments on them once a year — on them only, and nothing else of their record."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from dangbo.audit.models import AuditEvent
from dangbo.core.errors import ApplicationError, NotFound, PermissionDenied
from dangbo.evaluation import services
from dangbo.evaluation.evidence import selectors as evidence
from dangbo.evaluation.models import ResidenceComment, ResidenceRegistration

from .test_residence_and_sources import rating_of, texts


@pytest.fixture
def registered(campaign, people, tree):
    """Nguyễn Văn Hùng (Chi bộ Văn phòng, Sở Y tế) registered with Chi bộ Sở Tư pháp (code STP) from 01/03/2025."""
    return services.residence_register(actor=people.cell_secretary, member=people.m_a1, residence_org_code="stp",
                                       valid_from=dt.date(2025, 3, 1))  # fmt: skip


def test_the_residence_cells_secretary_records_the_comment(registered, campaign, people, tree):
    assert registered.residence_org == tree.b
    c = services.residence_comment_save(actor=people.secretary_b, member=people.m_a1.pk, year=2025,
                                        residence_cell="anything typed", received_on=dt.date(2025, 12, 20),
                                        comment="Gương mẫu, tham gia tốt sinh hoạt khu dân cư.")  # fmt: skip
    assert c.residence_org == tree.b and c.residence_cell == "Chi bộ Sở Tư pháp"  # the cell on record
    assert ("Nhận xét của Chi bộ Sở Tư pháp, nhận ngày 20/12/2025: Gương mẫu, tham gia tốt sinh hoạt khu dân cư."
            in texts(rating_of(campaign, people.m_a1)))  # fmt: skip
    # Audited in the member's record's scope; the member's own cell still sees and may replace it.
    assert AuditEvent.objects.filter(
        event="evaluation.residence.save", scope_path=people.m_a1.org_path
    ).exists()
    services.residence_comment_save(actor=people.cell_secretary, member=people.m_a1, year=2025, comment="Tốt.",
                                    expected_version=services.RESIDENCE_VERSION.of(c))  # fmt: skip
    again = ResidenceComment.objects.get()
    assert again.comment == "Tốt." and again.residence_org == tree.b  # transcribed from the cell on record


def test_only_for_members_registered_with_it_that_year(registered, people, tree):
    args = {"residence_cell": "", "comment": "Tốt."}
    for member, year in ((people.m_a2, 2025), (people.m_a1, 2024)):  # not registered; not yet registered
        with pytest.raises(NotFound):
            services.residence_comment_save(actor=people.secretary_b, member=member, year=year, **args)
    # Someone without a role; a leader (who reads, does not write).
    for outside in (people.nobody, people.leader):
        with pytest.raises((NotFound, PermissionDenied)):
            services.residence_comment_save(actor=outside, member=people.m_a1, year=2025, **args)
    assert not ResidenceComment.objects.exists()


def test_registration_is_dated_and_checked(registered, people, tree):
    bad = [({"residence_org_code": ""}, "residence_org_code"), ({"residence_org_code": "KHONG-CO"}, "residence_org_code"),
           ({"residence_org_code": "SYT-1"}, "residence_org_code"),  # their own cell
           ({"residence_org_code": "SYT"}, "residence_org_code"),  # not a cell
           ({"valid_from": None}, "valid_from"), ({"valid_from": dt.date(2030, 1, 1)}, "valid_from"),
           ({"valid_from": dt.date(2025, 2, 1)}, "valid_from"),  # before the current registration
           ({"residence_org_code": "STP", "valid_from": dt.date(2025, 6, 1)}, "residence_org_code")]  # already  # fmt: skip
    for change, field in bad:
        args = {"residence_org_code": "SYT-2", "valid_from": dt.date(2025, 6, 1), **change}
        with pytest.raises(ApplicationError) as e:
            services.residence_register(actor=people.cell_secretary, member=people.m_a1, **args)
        assert field in e.value.field_errors, change
    with pytest.raises((NotFound, PermissionDenied)):  # not the member's record keepers
        services.residence_register(actor=people.secretary_b, member=people.m_a1, residence_org_code="STP",
                                    valid_from=dt.date(2025, 6, 1))  # fmt: skip
    assert ResidenceRegistration.objects.count() == 1
    # A move: the old registration ends the day before; the new cell comments on the new year.
    services.residence_register(actor=people.cell_secretary, member=people.m_a1, residence_org_code="SYT-2",
                                valid_from=dt.date(2025, 11, 1))  # fmt: skip
    old = ResidenceRegistration.objects.get(residence_org=tree.b)
    assert old.valid_to == dt.date(2025, 10, 31)


def test_the_residence_cells_pages(client, registered, campaign, people, tree, settings):
    client.force_login(people.secretary_b)
    index = client.get(reverse("evaluation:index")).content.decode()
    assert reverse("evaluation:residents", args=[tree.b.pk]) in index
    page = client.get(reverse("evaluation:residents", args=[tree.b.pk]), {"nam": 2025}).content.decode()
    assert "Nguyễn Văn Hùng" in page and "Chi bộ Văn phòng" in page and "chưa nhận xét" in page
    assert people.m_a1.citizen_id not in page and "Lê Văn An" not in page
    # Nothing else of the member's record, nor of their rating.
    assert client.get(reverse("members:detail", args=[people.m_a1.pk])).status_code == 404
    assert client.get(rating_of(campaign, people.m_a1).get_absolute_url()).status_code == 404
    url = reverse("evaluation:resident", args=[tree.b.pk, people.m_a1.pk]) + "?nam=2025"
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"version": "moi", "received_on": "20/12/2025", "comment": "Gương mẫu nơi cư trú."}
    )
    assert response.status_code == 302
    assert ResidenceComment.objects.get().residence_org == tree.b
    assert "Gương mẫu nơi cư trú." in client.get(reverse("evaluation:residents", args=[tree.b.pk]),
                                                {"nam": 2025}).content.decode()  # fmt: skip
    # A member not registered with the cell: 404; another organization's page: 404.
    assert (
        client.get(reverse("evaluation:resident", args=[tree.b.pk, people.m_a2.pk]) + "?nam=2025").status_code
        == 404
    )
    client.force_login(people.cell_secretary)
    assert client.get(reverse("evaluation:residents", args=[tree.b.pk])).status_code == 404
    # Registered from the member's rating page by their cell.
    r = rating_of(campaign, people.m_a1)
    body = client.get(r.get_absolute_url()).content.decode()
    assert "Chi bộ Sở Tư pháp (mã STP), từ 01/03/2025" in body
    # The residence cell is chosen with the organization picker over every cell in operation (not a committee).
    assert 'data-work="residence_cell"' in body
    refused = client.post(r.get_absolute_url(), {"form": "registration", "residence_org": tree.a.pk,
                                                 "valid_from": "01/11/2025"})  # fmt: skip
    assert "chỉ chọn được một chi bộ đang hoạt động." in refused.content.decode()
    with pytest.raises(
        ApplicationError
    ) as e:  # by its code (the letter of introduction), through the service
        services.residence_register(actor=people.cell_secretary, member=people.m_a1, residence_org_code="XYZ",
                                    valid_from=dt.date(2025, 11, 1))  # fmt: skip
    assert e.value.field_errors["residence_org_code"] == (
        "Mã chi bộ nơi cư trú: không có chi bộ đang hoạt động mã «XYZ»."
    )
    moved = client.post(r.get_absolute_url(), {"form": "registration", "residence_org": tree.a2.pk,
                                               "valid_from": "01/11/2025"})  # fmt: skip
    assert moved.status_code == 302
    assert ResidenceRegistration.objects.get(valid_to__isnull=True).residence_org == tree.a2
    settings.DANGBO_EVALUATION_RESIDENCE_COMMENTS = False
    client.force_login(people.secretary_b)
    assert client.get(reverse("evaluation:residents", args=[tree.b.pk])).status_code == 404
    assert [i for i in evidence.items(r) if i.kind == "cu_tru"] == []


def test_the_picker_offers_every_cell_in_operation_to_those_who_keep_member_records(client, people, tree):
    """«?lam=residence_cell»: the cell secretary of Sở Y tế finds Chi bộ Sở Tư pháp (outside their tree) with its
    path — cells only; a plain member, nothing; the picker for other work stays within the scope."""
    from dangbo.core import policies
    from dangbo.organizations.models import Organization

    def search(user, q, work="residence_cell"):
        client.force_login(user)
        data = client.get(reverse("organizations:picker"), {"q": q, "lam": work}).json()
        return [(r["name"], r["path"]) for r in data["results"]]

    assert search(people.cell_secretary, "tu phap") == [
        ("Chi bộ Sở Tư pháp", "Đảng bộ tỉnh Nghệ An › Đảng bộ Khối các cơ quan tỉnh")
    ]
    assert search(people.cell_secretary, "so y te") == []  # a committee is not a residence cell
    assert (
        "Chi bộ Khoa Nội",
        "Đảng bộ tỉnh Nghệ An › Đảng bộ Khối các cơ quan tỉnh › Đảng bộ Sở Y tế",
    ) in search(people.cell_secretary, "chi bo")
    assert search(people.member_user, "tu phap") == []
    assert search(people.cell_secretary, "tu phap", work="view") == []
    assert policies.can(people.cell_secretary, "residence_cell", tree.b)
    assert not policies.can(people.cell_secretary, "residence_cell", tree.a)
    assert not policies.scope(people.member_user, "residence_cell", Organization.objects.all()).exists()
