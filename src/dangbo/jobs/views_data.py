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
from dangbo.core import exports, imports, policies
from dangbo.core.errors import ApplicationError
from dangbo.core.forms import VNFormMixin
from dangbo.core.logging import redact
from dangbo.core.registries import EXPORT_LISTS, IMPORT_KINDS
from dangbo.core.text import fold
from dangbo.organizations.models import Organization
from dangbo.organizations.policies import top_organizations

from .choices import AuditEvents
from .imports import EXPORT_JOB, open_staged, stage_upload, staged_upload, start_import, unstage
from .models import ImportMapping
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


IGNORE_LABEL = "— bỏ qua cột này —"


class MappingForm(VNFormMixin, forms.Form):
    """One select per column of the file: which of the kind's columns it holds, or none ("bỏ qua")."""

    def __init__(self, *args, kind: imports.ImportKind, headers: imports.Headers, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind, self.names = kind, headers.names
        choices = [("", IGNORE_LABEL)] + [(c.key, f"{c.label}{' (bắt buộc)' if c.required else ''}")
                                          for c in kind.columns]  # fmt: skip
        for i, (name, sample) in enumerate(zip(headers.names, headers.samples, strict=True)):
            self.fields[f"cot_{i}"] = forms.ChoiceField(
                label=name, choices=choices, required=False,
                help_text=f"Dòng đầu: {sample}" if sample else "Dòng đầu: (trống)",
            )  # fmt: skip

    def mapping(self) -> dict[str, str]:
        return {fold(name): self.cleaned_data.get(f"cot_{i}", "") for i, name in enumerate(self.names)}

    def clean(self):
        data = super().clean()
        chosen = {name: data.get(f"cot_{i}", "") for i, name in enumerate(self.names)}
        index = {name: f"cot_{i}" for i, name in enumerate(self.names)}
        for header, message in imports.check_mapping(self.kind, chosen).items():
            self.add_error(index[header] if header else None, message)
        return data


def _mapping_initial(kind, headers: imports.Headers, chosen: dict[str, str] | None) -> dict:
    chosen = chosen or imports.suggest(kind, headers.names)
    return {f"cot_{i}": chosen.get(fold(name), "") for i, name in enumerate(headers.names)}


def _remembered(user, kind, names) -> dict[str, str] | None:
    """The user's last mapping for ``kind`` when it covers every header of this file and is still valid."""
    saved = policies.scope(user, policies.VIEW, ImportMapping.objects.filter(kind=kind.key)).first()
    if saved is None or not isinstance(saved.columns, dict):
        return None
    folded = [fold(n) for n in names]
    if any(f not in saved.columns for f in folded):
        return None
    mapping = {f: str(saved.columns[f] or "") for f in folded}
    return None if imports.check_mapping(kind, dict(zip(names, mapping.values(), strict=True))) else mapping


def _remember(user, kind, mapping: dict[str, str]) -> None:
    ImportMapping.objects.update_or_create(user=user, kind=kind.key, defaults={"columns": mapping})


def _page(
    request, spec, *, form=None, result=None, sheet=None, staged=None, mapping_form=None, remembered=False
):
    return render(request, "jobs/import.html", {
        "form": form, "result": result, "sheet": sheet, "kind": spec, "staged": staged, "mapping_form": mapping_form,
        "remembered": remembered, "template_url": reverse("jobs:import_template", args=[spec.key]),
    })  # fmt: skip


def _import(request, spec, top, *, upload, sheet, options, commit, mapping, name):
    """Run the import of ``sheet`` on the page, or in the background when the file is large: the result, or the
    redirect to the job's page."""
    if sheet.more or len(sheet.rows) > imports.sync_rows():  # a large file: in the background, with progress
        chosen = options.get("organization")
        scope = Organization.objects.filter(pk=chosen).first() if chosen else None
        started = start_import(actor=request.user, kind=spec, upload=upload, options=options,
                               scope_org=scope or top, commit=commit, mapping=mapping)  # fmt: skip
        size = f"hơn {imports.sync_rows()}" if sheet.more else str(len(sheet.rows))
        messages.info(
            request, f"Tệp có {size} dòng: đang {'nhập' if commit else 'kiểm tra'} ở chế độ chạy nền."
        )
        return redirect(started)
    return imports.run(spec, actor=request.user, sheet=sheet, commit=commit, options=options,
                       source=f"Nhập từ tệp {name[:100]}")  # fmt: skip


def _staged_step(request, spec, top, action: str):
    """The steps on the file kept by the page: choose the mapping (``remap``), confirm it and dry run (``map``),
    commit (``commit_staged``) — the commit reads the same file with the same mapping as the dry run."""
    staged = staged_upload(request.session, spec)
    if staged is None:
        messages.error(
            request, "Tệp nhập: tệp đã tải lên không còn (quá lâu hoặc đã nhập); xin tải tệp lên lại."
        )
        return redirect("jobs:import", spec.key)
    with open_staged(staged) as upload:
        try:
            if action in ("remap", "map"):
                headers = imports.read_headers(spec, upload)
                if action == "remap":
                    mapping_form = MappingForm(kind=spec, headers=headers,
                                               initial=_mapping_initial(spec, headers, staged.get("mapping")))  # fmt: skip
                    return _page(request, spec, staged=staged, mapping_form=mapping_form)
                mapping_form = MappingForm(request.POST, kind=spec, headers=headers)
                if not mapping_form.is_valid():
                    return _page(request, spec, staged=staged, mapping_form=mapping_form)
                staged["mapping"] = mapping_form.mapping()
                request.session[f"import-staged-{spec.key}"] = staged
                _remember(request.user, spec, staged["mapping"])
            commit = action == "commit_staged"
            sheet = imports.read_upload(spec, upload, staged.get("mapping"), stop_after=imports.sync_rows())
            outcome = _import(request, spec, top, upload=upload, sheet=sheet, options=staged.get("options") or {},
                              commit=commit, mapping=staged.get("mapping"), name=staged["name"])  # fmt: skip
        except ApplicationError as error:
            unstage(request.session, spec)
            messages.error(request, error.field_errors.get("file", error.message))
            return redirect("jobs:import", spec.key)
    if not isinstance(outcome, imports.ImportResult):
        unstage(request.session, spec)  # the job keeps its own copy
        return outcome
    if outcome.committed:
        unstage(request.session, spec)
        messages.success(request, imports.summary(spec, outcome))
        return redirect(spec.back)
    return _page(request, spec, result=outcome, sheet=sheet, staged=staged)


STAGED_ACTIONS = ("remap", "map", "commit_staged")


@login_required
@require_http_methods(["GET", "POST"])
def import_page(request, import_kind: str):
    """Upload a file, map its columns when its headers are not the template's, see every row's problems (dry
    run), then import it all or nothing."""
    spec, top = _kind(request, import_kind)
    if request.method == "POST" and request.POST.get("action") in STAGED_ACTIONS:
        return _staged_step(request, spec, top, request.POST["action"])
    data, files = (request.POST, request.FILES) if request.method == "POST" else (None, None)
    form = import_string(spec.form)(request.user, data, files) if spec.form else ImportForm(data, files)
    result = sheet = staged = None
    remembered = False
    if request.method == "POST" and form.is_valid():
        commit = request.POST.get("action") == "commit"
        upload = form.cleaned_data["file"]
        options = _options(form)
        try:
            headers = imports.read_headers(spec, upload)
            mapping = None
            if imports.needs_mapping(spec, headers.names):
                mapping = _remembered(request.user, spec, headers.names)
                if mapping is None:  # the user says which column is which, then the dry run
                    staged = stage_upload(request.session, spec, upload, options=options)
                    mapping_form = MappingForm(kind=spec, headers=headers,
                                               initial=_mapping_initial(spec, headers, None))  # fmt: skip
                    return _page(request, spec, staged=staged, mapping_form=mapping_form)
                remembered = True
            sheet = imports.read_upload(spec, upload, mapping, stop_after=imports.sync_rows())
            outcome = _import(request, spec, top, upload=upload, sheet=sheet, options=options, commit=commit,
                              mapping=mapping, name=upload.name)  # fmt: skip
            if not isinstance(outcome, imports.ImportResult):
                return outcome
            result = outcome
            if result.ok and not result.committed:  # «Nhập» then commits this file without choosing it again
                staged = stage_upload(request.session, spec, upload, options=options, mapping=mapping)
        except ApplicationError as error:
            form.add_error("file", error.field_errors.get("file", error.message))
        if result is not None and result.committed:
            messages.success(request, imports.summary(spec, result))
            return redirect(spec.back)
    return _page(request, spec, form=form, result=result, sheet=sheet, staged=staged, remembered=remembered)


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
