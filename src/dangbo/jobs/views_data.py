"""Data in and out, the same pages for every kind: the import page of an import kind (``core.imports``) with its
template, and the XLSX export of a list (``core.exports``). Both answer 404 to a user who may not use them."""

from __future__ import annotations

from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.module_loading import import_string
from django.views.decorators.http import require_http_methods

from dangbo.audit.models import Action
from dangbo.audit.services import record
from dangbo.core import exports, imports
from dangbo.core.errors import ApplicationError
from dangbo.core.forms import VNFormMixin
from dangbo.core.logging import redact
from dangbo.core.registries import EXPORT_LISTS, IMPORT_KINDS
from dangbo.organizations.models import Organization
from dangbo.organizations.policies import top_organizations

from .choices import AuditEvents
from .imports import EXPORT_JOB, start_import
from .services import start_job

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ImportForm(VNFormMixin, forms.Form):
    file = forms.FileField(
        label="Tệp Excel (.xlsx) hoặc CSV",
        help_text="Theo tệp mẫu. Tệp nhiều dòng được kiểm tra và nhập ở chế độ chạy nền, có tiến độ.",
    )


def _kind(request, kind: str) -> tuple[imports.ImportKind, Organization]:
    spec = IMPORT_KINDS.get(kind)
    top = spec.top(request.user) if spec is not None else None
    if top is None:
        raise Http404
    return spec, top


def _options(form) -> dict:
    """The page's choices besides the file, as plain JSON (an organization → its id)."""
    out = {}
    for name, value in form.cleaned_data.items():
        if name != "file" and value not in (None, ""):
            out[name] = value.pk if hasattr(value, "pk") else value
    return out


@login_required
def import_template(request, import_kind: str):
    """The kind's template (headers, an example, the allowed values); for those who may import it."""
    spec, _ = _kind(request, import_kind)
    response = HttpResponse(imports.template_xlsx(spec), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{spec.filename or f"mau-nhap-{spec.key}.xlsx"}"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def import_page(request, import_kind: str):
    """Upload a file, see every row's problems (dry run), then import it all or nothing."""
    spec, top = _kind(request, import_kind)
    data, files = (request.POST, request.FILES) if request.method == "POST" else (None, None)
    form = import_string(spec.form)(request.user, data, files) if spec.form else ImportForm(data, files)
    result = sheet = None
    if request.method == "POST" and form.is_valid():
        commit = request.POST.get("action") == "commit"
        upload = form.cleaned_data["file"]
        options = _options(form)
        try:
            sheet = imports.read_upload(spec, upload)
            if len(sheet.rows) > imports.sync_rows():  # a large file: in the background, with progress
                chosen = form.cleaned_data.get("organization")
                started = start_import(actor=request.user, kind=spec, upload=upload, options=options,
                                       scope_org=chosen or top, commit=commit)  # fmt: skip
                messages.info(
                    request,
                    f"Tệp có {len(sheet.rows)} dòng: đang {'nhập' if commit else 'kiểm tra'} ở chế độ chạy nền.",
                )
                return redirect(started)
            result = imports.run(spec, actor=request.user, sheet=sheet, commit=commit, options=options,
                                 source=f"Nhập từ tệp {upload.name[:100]}")  # fmt: skip
        except ApplicationError as error:
            form.add_error("file", error.field_errors.get("file", error.message))
        if result is not None and result.committed:
            messages.success(request, imports.summary(spec, result))
            return redirect(spec.back)
    return render(request, "jobs/import.html", {"form": form, "result": result, "sheet": sheet, "kind": spec,
                                                "template_url": reverse("jobs:import_template", args=[spec.key])})  # fmt: skip


# -- exports ---------------------------------------------------------------------------------------------------


def _top(actor) -> Organization | None:
    return Organization.objects.filter(pk__in=top_organizations(actor)).order_by("path").first()


@transaction.atomic
def record_export(*, actor, spec: exports.ExportList, count: int, organization, query: str = "") -> None:
    """The audit event of an export: who exported which list, how many rows, with which filters."""
    detail = f"{spec.title}: {count} dòng" + (f" (bộ lọc: {redact(query)[:300]})" if query else "")
    record(actor=actor, action=Action.VIEW, obj=organization, scope_path=organization.path, event=AuditEvents.EXPORT,
           extra={"export": {"label": "Danh sách đã xuất", "before": "", "after": detail}})  # fmt: skip


@login_required
def export_list(request, export_list: str):
    """The list ``name`` as the page shows it for these parameters (all pages), in the print style."""
    name = export_list
    spec = EXPORT_LISTS.get(name)
    top = _top(request.user)
    if spec is None or top is None or not spec.allowed(request.user):
        raise Http404
    params = spec.resolve(request.user, request.GET.dict())
    query = request.GET.urlencode()
    total = exports.count(spec, actor=request.user, params=params)
    if total > exports.sync_rows():
        try:
            job = start_job(
                actor=request.user,
                kind=EXPORT_JOB,
                scope_org=top,
                params={"list": name, "query": urlencode(params)},
            )
        except ApplicationError as error:
            messages.error(request, error.message)
            return redirect(request.META.get("HTTP_REFERER") or "/")
        record_export(actor=request.user, spec=spec, count=total, organization=top, query=query)
        messages.info(request, f"Danh sách có {total} dòng: đang xuất ở chế độ chạy nền.")
        return redirect(job)
    content, count = exports.build(spec, actor=request.user, params=params, issuer=top.name)
    record_export(actor=request.user, spec=spec, count=count, organization=top, query=query)
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{spec.filename}"'
    return response
