"""Pages of background jobs: the list, the job page whose status part polls itself (htmx) until the job ends, the
result file, cancel, run again, and the start page of kinds that run over the whole installation."""

from __future__ import annotations

from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from dangbo.core.errors import ApplicationError
from dangbo.core.policies import CHANGE, VIEW, get_scoped_or_404
from dangbo.core.views import form_page

from . import registry, selectors, services
from .choices import JobState
from .models import Job
from .runner import files_dir

PAGE_SIZE = 50


def _job(request, job_pk, action: str = VIEW) -> Job:
    return get_scoped_or_404(
        request.user, action, Job.objects.select_related("started_by", "scope_org"), pk=job_pk
    )


@login_required
def job_list(request):
    page = Paginator(selectors.job_list(actor=request.user), PAGE_SIZE).get_page(request.GET.get("trang"))
    return render(request, "jobs/list.html", {"page": page, "kinds": selectors.startable_kinds(request.user)})


@login_required
def job_detail(request, job_pk):
    return render(request, "jobs/detail.html", {"job": _job(request, job_pk)})


@login_required
def job_status(request, job_pk):
    """The status part of the job page; htmx asks for it every second while the job is not finished."""
    return render(request, "jobs/_status.html", {"job": _job(request, job_pk)})


@login_required
def job_file(request, job_pk):
    job = _job(request, job_pk)
    if not job.result_file:
        raise Http404
    try:
        handle = (files_dir() / Path(job.result_file).name).open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, as_attachment=True, filename=job.result_name or job.result_file)
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_POST
def job_cancel(request, job_pk):
    job = _job(request, job_pk, CHANGE)
    try:
        services.job_cancel(actor=request.user, job=job)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, "Đã hủy công việc." if job.state == JobState.QUEUED else "Đã yêu cầu dừng công việc."
        )
    return redirect(job)


@login_required
@require_POST
def job_rerun(request, job_pk):
    job = _job(request, job_pk, CHANGE)
    try:
        new = services.job_rerun(actor=request.user, job=job)
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect(job)
    messages.success(request, f"Đã bắt đầu lại: {new}.")
    return redirect(new)


@login_required
@require_http_methods(["GET", "POST"])
def job_start(request, kind):
    spec = registry.get(kind)
    if spec is None or spec.scoped or not spec.allowed(request.user, None):
        raise Http404
    form = spec.form(request.POST or None) if spec.form else None
    return form_page(request, form, lambda d: services.start_job(
        actor=request.user, kind=kind, params={k: v for k, v in d.items() if v is not None}),
        template="jobs/start.html", context={"spec": spec})  # fmt: skip
