"""Pages of the document register: list with search and filters, entry, detail with its tasks, correction,
and the attachment download. Documents outside the user's scope answer 404."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from dangbo.audit.selectors import history_page
from dangbo.core import policies
from dangbo.core.dates import today
from dangbo.core.uploads import download
from dangbo.core.views import form_page, refusal
from dangbo.organizations.forms import OrganizationChoiceForm
from dangbo.organizations.models import Organization

from ..choices import Direction
from ..filters import document_filter, document_rows
from ..models import Document
from . import selectors
from . import services as documents
from .forms import DocumentForm

PAGE_SIZE = 50


def _document(request, pk):
    doc = (
        policies.scope(request.user, policies.VIEW, Document.objects.all())
        .select_related("register__parent", "doc_type", "term")
        .filter(pk=pk)
        .first()
    )
    if doc is None:
        raise Http404
    return doc


@login_required
def document_list(request):
    scoped = policies.scope(request.user, policies.VIEW, Document.objects.all())
    flt = document_filter(actor=request.user, params=request.GET)  # the same filter as the export
    qs = document_rows(actor=request.user, params=request.GET, flt=flt)
    direction, type_code, year, register = (flt.value(n) for n in ("loai", "loai_vb", "nam", "so"))
    q = flt.value("q").strip() if flt.value("q") else ""
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("trang"))
    registers = Organization.objects.filter(pk__in=scoped.order_by().values("register_id")).select_related(
        "parent"
    )
    can_add = policies.anywhere(request.user, "direct", Organization)
    # Registers whose own documents cannot be numbered today: no committee term recorded (HD 36 numbers per term).
    without_term = selectors.registers_without_term(request.user, today()) if can_add else (0, [])
    return render(request, "steering/document_list.html", {
        "page": page, "q": q, "direction": direction, "type_code": type_code, "year": year, "register": register,
        "directions": Direction.choices, "types": selectors.document_types(), "years": selectors.years(scoped),
        "registers": registers.order_by("path")[:500], "can_add": can_add,
        "without_term_count": without_term[0], "without_term": without_term[1],
        "without_term_more": without_term[0] - len(without_term[1]),
    })  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def document_create(request):
    orgs = selectors.register_organizations(request.user)
    if not orgs.exists():
        raise Http404
    chooser = OrganizationChoiceForm(request.GET, name="so", label="Sổ văn bản của", actor=request.user,
                                     queryset=orgs, work="direct", refused=(
        "Sổ văn bản của: chỉ chọn được một tổ chức đang hoạt động mà bạn được vào sổ văn bản."))  # fmt: skip
    chosen = chooser.pick(request, posted="register")
    if chosen is None and not chooser.is_bound and orgs[:2].count() == 1:
        chosen = orgs.first()
    initial = {
        "direction": request.GET.get("loai")
        if request.GET.get("loai") in Direction.values
        else Direction.INCOMING
    }
    form = DocumentForm(request.POST or None, request.FILES or None, initial=initial, register=chosen)

    def save(d):
        service = documents.document_issue if d["direction"] == Direction.OWN else documents.document_register
        # a file is stored only for a save that can succeed (a checking round is rolled back)
        upload = None if form.errors else d.get("attachment")
        return service(actor=request.user, register=chosen, data=form.data_for_service(), upload=upload)

    note = selectors.own_numbering_note(chosen, today()) if chosen else (None, "")
    return form_page(
        request, form, refusal("Sổ văn bản của: hãy chọn một tổ chức trong phạm vi của bạn.") if chosen is None else save,
        template="steering/document_form.html",
        context={"chooser": chooser["so"], "one": orgs[:2].count() == 1, "chosen": chosen, "own_term": note[0],
                 "own_note": note[1]},
        success=lambda doc: f"Đã vào sổ văn bản Số {doc.symbol}"
        + (" (số được cấp tự động)." if doc.direction == Direction.OWN else "."),
    )  # fmt: skip


def _visible_tasks(actor, doc):
    """Tasks on the document that the actor may see (the task pages' own scope), each with the combined line of
    the reports the actor may see ("57/59 tổ chức đã học tập, quán triệt …")."""
    from ..models import Assignment, Task
    from ..tasks.selectors import summaries

    visible = policies.scope(actor, policies.VIEW, Task.objects.all()).filter(document=doc).values("pk")
    tasks = list(doc.tasks.filter(pk__in=visible).select_related("organization", "document__doc_type")
                 .order_by("-assigned_date", "-id"))  # fmt: skip
    found = summaries(
        tasks, assignments=policies.scope(actor, policies.VIEW, Assignment.objects.all())
    )  # one query for all of them
    for t in tasks:
        t.summary = found[t.pk]
    return tasks


@login_required
def document_detail(request, document_pk):
    doc = _document(request, document_pk)
    can_assign = policies.can(request.user, "direct", doc.register)
    return render(request, "steering/document_detail.html", {
        "d": doc, "tasks": _visible_tasks(request.user, doc), "can_edit": policies.can(request.user, policies.CHANGE, doc),
        "can_assign": can_assign, "history": history_page(doc) if policies.can(request.user, "steer", doc.register) else [],
    })  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def document_edit(request, document_pk):
    doc = _document(request, document_pk)
    if not policies.can(request.user, policies.CHANGE, doc):
        raise Http404
    form = DocumentForm(request.POST or None, request.FILES or None, instance=doc)
    return form_page(request, form, lambda d: documents.document_update(
        actor=request.user, document=doc, data=form.data_for_service(), upload=None if form.errors else d.get("attachment"),
        remove_attachment=d.get("remove_attachment", False), expected_version=d.get("version")),
        tracked=documents.DOCUMENT_VERSION, obj=doc, template="steering/document_form.html",
        context={"d": doc, "chosen": doc.register}, success=lambda saved: f"Đã lưu văn bản Số {saved.symbol}.")  # fmt: skip


@login_required
def document_file(request, document_pk):
    doc = _document(request, document_pk)
    return download(doc.attachment, doc.attachment_name)
