"""«Chạy lại» is offered by the Job policy (``can(actor, "rerun", job)``: a job that failed or was cancelled), and the
service refuses the same cases: a finished job is not run again."""

from __future__ import annotations

import pytest
from django.urls import reverse

from dangbo.core import policies
from dangbo.core.errors import ApplicationError
from dangbo.jobs import services
from dangbo.jobs.choices import JobState
from dangbo.jobs.models import Job

RERUN = "Chạy lại</button>"


@pytest.mark.parametrize("state", [JobState.FAILED, JobState.CANCELLED, JobState.DONE, JobState.QUEUED])
def test_run_again_is_offered_and_accepted_for_a_failed_or_cancelled_job_only(client, db, root_user, state):
    job = Job.objects.create(kind="chay_thu", started_by=root_user, state=state, params={"steps": 2})
    client.force_login(root_user)
    offered = state in (JobState.FAILED, JobState.CANCELLED)
    assert (RERUN in client.get(reverse("jobs:detail", args=[job.pk])).content.decode()) == offered
    assert (RERUN in client.get(reverse("jobs:status", args=[job.pk])).content.decode()) == offered
    assert policies.can(root_user, "rerun", job) == offered
    assert policies.scope(root_user, "rerun", Job.objects.filter(pk=job.pk)).exists() == offered
    response = client.post(reverse("jobs:rerun", args=[job.pk]))
    again = Job.objects.exclude(pk=job.pk).first()
    if offered:
        assert again is not None and response["Location"] == again.get_absolute_url()
    else:
        assert again is None and response["Location"] == job.get_absolute_url()
        with pytest.raises(ApplicationError):
            services.job_rerun(actor=root_user, job=job)
