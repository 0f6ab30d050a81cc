"""The one django-tasks task: run a ``Job`` by its id. Every job kind goes through it, so the queue only ever holds
job ids (never parameters or personal data) and the backend can be swapped by configuration (``TASKS``)."""

from __future__ import annotations

from django_tasks import TaskContext, task, task_backends

from . import runner


@task(takes_context=True)
def run_job(context: TaskContext, job_pk: int) -> str:
    workers = context.task_result.worker_ids
    return runner.execute(job_pk, worker_id=workers[-1] if workers else "")


def backend():
    """The backend instance the jobs run on (``TASKS["default"]``)."""
    return task_backends[run_job.backend]


def backend_name() -> str:
    return type(backend()).__name__
