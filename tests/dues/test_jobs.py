"""The background job that writes a month's amounts owed for a whole scope, batch by batch."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from dangbo.dues import jobs, selectors, services
from dangbo.dues.models import DuesPayment, DuesSheet
from dangbo.jobs import runner
from dangbo.jobs.models import Job
from dangbo.jobs.services import start_job

APRIL = dt.date(2026, 4, 1)


@pytest.fixture
def dues(tree, people, root_user, clock, monkeypatch):
    # On PostgreSQL a job's progress goes through a second connection that cannot see this test's uncommitted job
    # row (tests/jobs covers that path with a worker); here it counts as written.
    monkeypatch.setattr(runner.Progress, "_write_apart", lambda self: 1)
    clock.set(dt.date(2026, 4, 20))
    for m, basis in ((people.m_a1, 8_000_000), (people.m_a1b, 6_000_000), (people.m_a2, 9_000_000)):
        services.set_basis(
            actor=root_user, member=m, valid_from=dt.date(2025, 1, 1), group="luong_bhxh", basis=basis
        )
    return people  # m_b (Chi bộ Sở Tư pháp) has no basis recorded


def test_secretary_generates_the_month_of_their_committee(client, dues, tree, root_user, monkeypatch):
    monkeypatch.setattr(jobs, "BATCH", 1)  # one cell per transaction: the batches add up
    services.record_month(actor=root_user, organization=tree.a1, month=APRIL, version=0, rows=[
        {"member": dues.m_a1.pk, "paid": 80_000, "paid_on": dt.date(2026, 4, 5), "way": "tien_mat"}])  # fmt: skip
    client.force_login(dues.secretary_a)
    response = client.post(
        reverse("dues:overview"), {"action": "lap_thang", "to_chuc": tree.a.pk, "thang": "04/2026"}
    )
    job = Job.objects.get(kind=jobs.KIND)
    assert response.status_code == 302 and response["Location"] == job.get_absolute_url()
    assert job.scope_org == tree.a and job.params == {"thang": "04/2026"}
    assert runner.execute(job.pk) == "xong"
    job.refresh_from_db()
    # Chi bộ Văn phòng already had its sheet (Hùng paid, Lan owed 60.000 with nothing paid); Khoa Nội gets An.
    assert job.message == "Đã lập số phải thu tháng 04/2026: 1 đảng viên ở 1 chi bộ."
    rows = {p.member_id: (p.owed, p.paid) for p in DuesPayment.objects.filter(month=APRIL)}
    assert rows == {dues.m_a1.pk: (80_000, 80_000), dues.m_a1b.pk: (60_000, 0), dues.m_a2.pk: (90_000, 0)}
    sheet = DuesSheet.objects.get(organization=tree.a2, month=APRIL)
    assert (sheet.members, sheet.owed, sheet.paid, sheet.version) == (1, 90_000, 0, 1)
    assert selectors.totals_differences() == []
    again = start_job(actor=dues.secretary_a, kind=jobs.KIND, params={"thang": "04/2026"}, scope_org=tree.a)
    runner.execute(again.pk)
    again.refresh_from_db()
    assert again.message == "Đã lập số phải thu tháng 04/2026: 0 đảng viên ở 0 chi bộ."


def test_national_run_by_an_administrator_skips_members_without_a_basis(dues, tree, root_user):
    job = start_job(actor=root_user, kind=jobs.KIND, params={"thang": "04/2026"}, scope_org=None)
    assert runner.execute(job.pk) == "xong"
    job.refresh_from_db()
    assert "3 đảng viên ở 2 chi bộ; 1 đảng viên chưa có căn cứ đóng đảng phí nên chưa lập" in job.message
    assert not DuesPayment.objects.filter(member=dues.m_b).exists()
    assert selectors.totals_differences() == []


def test_who_may_start_it(client, dues, tree):
    from dangbo.core.errors import PermissionDenied

    with pytest.raises(PermissionDenied):  # the whole installation: administrators only
        start_job(actor=dues.staff, kind=jobs.KIND, params={"thang": "04/2026"}, scope_org=None)
    with pytest.raises(PermissionDenied):
        start_job(actor=dues.secretary_b, kind=jobs.KIND, params={"thang": "04/2026"}, scope_org=tree.a)
    client.force_login(dues.leader)  # reads, records nothing
    client.post(reverse("dues:overview"), {"action": "lap_thang", "to_chuc": tree.a.pk, "thang": "04/2026"})
    assert not Job.objects.exists()
    too_far = start_job(actor=dues.staff, kind=jobs.KIND, params={"thang": "06/2027"}, scope_org=tree.bloc)
    assert runner.execute(too_far.pk) == "loi"
    too_far.refresh_from_db()
    assert "chỉ lập trước tối đa 12 tháng" in too_far.error and not DuesPayment.objects.exists()
