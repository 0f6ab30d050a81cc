"""Opening a campaign of a large authority runs in the background (``evaluation/jobs.py``): the page checks the
rules at once and queues the job; the job opens the same campaign as the page would, with progress."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from dangbo.core.errors import ApplicationError
from dangbo.evaluation import jobs, services
from dangbo.evaluation.models import Campaign, Rating


@pytest.fixture
def background(settings, monkeypatch, tmp_path):
    from dangbo.jobs import runner

    # As in tests/members/test_imports.py: the progress written apart (PostgreSQL) cannot see the test's job row.
    monkeypatch.setattr(runner.Progress, "_write_apart", lambda self: 1)
    settings.DANGBO_JOB_FILES_DIR = tmp_path / "job-files"
    settings.DANGBO_EVALUATION_SYNC_RATINGS = 1
    return runner


def test_a_large_authority_opens_in_the_background(client, tree, people, clock, background):
    from dangbo.jobs.models import Job

    clock.set(dt.date(2026, 1, 5))
    client.force_login(people.secretary_a)
    response = client.post(reverse("evaluation:organization", args=[tree.a.pk]), {
        "year": "2025", "period_kind": "nam", "deadline": "20/01/2026", "organizations": "on"})  # fmt: skip
    assert response.status_code == 302, response.content.decode()[-3000:]
    job = Job.objects.get(kind=jobs.KIND)
    assert response.status_code == 302 and response["Location"] == job.get_absolute_url()
    assert not Campaign.objects.exists()  # nothing before the job runs
    assert background.execute(job.pk) == "xong", job.error
    job.refresh_from_db()
    c = Campaign.objects.get(authority=tree.a, year=2025)
    members = set(c.ratings.filter(member__isnull=False).values_list("member_id", flat=True))
    assert members == {people.m_a1.pk, people.m_a2.pk, people.m_a1b.pk}
    assert c.ratings.filter(subject_org__isnull=False).count() == 2
    assert job.done == job.total == 3 and "5 phiếu" in job.message


def test_the_page_refuses_at_once_what_the_job_would_refuse(client, tree, people, clock, background):
    from dangbo.jobs.models import Job

    clock.set(dt.date(2026, 1, 5))
    services.open_campaign(
        actor=people.secretary_a, authority=tree.a, year=2025, deadline=dt.date(2026, 1, 20)
    )
    client.force_login(people.secretary_a)
    url = reverse("evaluation:organization", args=[tree.a.pk])
    again = client.post(url, {"year": "2025", "period_kind": "nam", "deadline": "20/01/2026"})
    assert again.status_code == 200 and "đã có đợt đánh giá của kỳ này" in again.content.decode()
    future = client.post(url, {"year": "2027", "period_kind": "nam", "deadline": "20/01/2026"})
    assert "chưa đến năm này" in future.content.decode()
    assert not Job.objects.exists()


def test_a_user_who_may_not_open_there_cannot_queue_it(tree, people, clock, background):
    clock.set(dt.date(2026, 1, 5))
    with pytest.raises(ApplicationError):
        jobs.start_open(actor=people.cell_secretary, authority=tree.a, year=2025, deadline=dt.date(2026, 1, 20),
                        period_kind="nam")  # fmt: skip


def test_opening_reports_progress_between_batches(tree, people, clock, monkeypatch, make_member):
    clock.set(dt.date(2026, 1, 5))
    for i in range(4):
        make_member(tree.a2, f"Lê Văn Thêm {chr(65 + i)}")
    monkeypatch.setattr(services, "OPEN_BATCH", 2)
    seen = []
    c = services.open_campaign(actor=people.secretary_a, authority=tree.a, year=2025, deadline=dt.date(2026, 1, 20),
                               progress=lambda done, total, step: seen.append((done, total)))  # fmt: skip
    assert len(seen) > 1 and seen[-1] == (7, 7) and [d for d, _ in seen] == sorted(d for d, _ in seen)
    assert Rating.objects.filter(campaign=c, member__isnull=False).count() == 7
