"""Pages of assigned tasks: the committee's list and follow-up, the assignment form, an organization's report."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from dangbo.audit.selectors import history_page
from dangbo.core import policies
from dangbo.core.dates import today
from dangbo.core.formats import ngay
from dangbo.core.forms import post_action
from dangbo.core.http import file_response, int_param
from dangbo.core.uploads import download
from dangbo.core.views import form_page, refusal
from dangbo.organizations.choices import CELL_KINDS
from dangbo.organizations.forms import OrganizationChoiceForm
from dangbo.organizations.models import Organization
from dangbo.organizations.policies import top_organizations

from ..filters import held_tasks, task_year
from ..models import Assignment, Document, Task
from . import selectors
from . import services as svc
from .forms import CloseForm, ReportForm, TaskEditForm, TaskForm

PAGE_SIZE = 50  # tasks a page of the task list


def _task(request, pk):
    t = (
        policies.scope(request.user, policies.VIEW, Task.objects.all())
        .select_related("organization", "document__doc_type")
        .filter(pk=pk)
        .first()
    )
    if t is None:
        raise Http404
    return t


def _assignment(request, pk):
    a = policies.scope(request.user, policies.VIEW, Assignment.objects.all()).select_related("task__organization", "task__document", "organization",
                                                          "reported_by").filter(pk=pk).first()  # fmt: skip
    if a is None:
        raise Http404
    return a


@login_required
def index(request):
    return task_list(request)


@login_required
def task_list(request):
    """Tasks the actor's committees assigned (with report counts), and tasks assigned to their organizations —
    of one year (the latest year with tasks unless «nam» says another, or «tat-ca»), newest first, page by page: the former
    bloc's 2011–2013 tasks are history behind the year filter, never a table cut silently."""
    user = request.user
    on = today()
    year = task_year(actor=user, params=request.GET)
    held = held_tasks(actor=user, params={"nam": year or "tat-ca"})  # the same filter as the export
    held_page = Paginator(held, PAGE_SIZE).get_page(int_param(request.GET.get("trang")) or 1)
    incoming = selectors.from_above(user)
    if year:
        incoming = incoming.filter(task__assigned_date__year=year)
    incoming = incoming.select_related("task__document", "task__organization", "organization").order_by(
        "-task__deadline", "organization__name_norm")  # fmt: skip
    incoming_page = Paginator(incoming, PAGE_SIZE).get_page(int_param(request.GET.get("trang_den")) or 1)
    incoming_rows = [(a, *selectors.state_of(a, a.task, on)) for a in incoming_page]
    can_create = selectors.directing_organizations(user).exists()
    years = list(range(on.year, 2009, -1))
    return render(request, "steering/task_list.html", {"held": held_page, "incoming": incoming_rows,
                                                        "incoming_page": incoming_page, "year": year,
                                                        "years": years, "can_create": can_create, "on": on})  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def task_create(request):
    user = request.user
    orgs = selectors.directing_organizations(user).order_by("path")
    if not orgs.exists():
        raise Http404
    document = None
    if request.GET.get("van_ban"):
        document = (
            policies.scope(user, policies.VIEW, Document.objects.all())
            .filter(pk=int_param(request.GET["van_ban"], 0))
            .first()
        )
    chooser = OrganizationChoiceForm(request.GET, name="to_chuc", label="Cấp ủy giao nhiệm vụ", actor=user,
                                     queryset=orgs, work="direct", refused=(
        "Cấp ủy giao nhiệm vụ: chỉ chọn được một cấp ủy đang hoạt động (không phải chi bộ) trong phạm vi của bạn."))  # fmt: skip
    chosen = chooser.pick(request)
    if chosen is None and request.method == "GET" and not chooser.is_bound:
        # suggest: the document's register, else the actor's top
        chosen = orgs.filter(pk=document.register_id).first() if document else None
        chosen = chosen or orgs.filter(pk__in=top_organizations(user)).first() or orgs.first()
        chooser.suggest(chosen)
    on = today()
    children = selectors.children_on(chosen, on) if chosen else []
    subcommittees = (
        Organization.objects.filter(pk__in=[c.pk for c in children])
        .exclude(kind__in=CELL_KINDS)
        .order_by("name_norm")
    )
    documents = (
        Document.objects.filter(register=chosen)
        .select_related("doc_type")
        .order_by("-issued_date", "-id")[:300]
        if chosen
        else []
    )
    initial = {"assigned_date": on, "document": document.pk if document else None}
    if document:
        initial["title"] = svc.title_for(document)
        documents = Document.objects.filter(pk__in=[document.pk, *[d.pk for d in documents]]).select_related(
            "doc_type"
        )
    else:
        documents = Document.objects.filter(pk__in=[d.pk for d in documents]).select_related("doc_type")
    form = TaskForm(request.POST or None, actor=user, initial=initial, documents=documents, children=children,
                    subcommittees=subcommittees)  # fmt: skip
    save = (refusal("Cấp ủy giao nhiệm vụ: hãy chọn một tổ chức trong phạm vi của bạn.") if chosen is None else
            lambda d: svc.task_create(actor=user, organization=chosen, data=d, chosen=d["chosen"], under=d["under"]))  # fmt: skip
    return form_page(request, form, save, template="steering/task_form.html",
                     context={"chooser": chooser["to_chuc"], "chosen": chosen, "children": children},
                     success=lambda t: f"Đã giao nhiệm vụ cho {t.assignments.count()} tổ chức.")  # fmt: skip


@login_required
def task_detail(request, task_pk):
    t = _task(request, task_pk)
    on = today()
    assignments = policies.scope(request.user, policies.VIEW, t.assignments.all()).select_related("organization", "reported_by").order_by(
        "organization__name_norm", "id")  # fmt: skip
    is_holder = policies.can(request.user, "steer", t.organization)
    s = selectors.summary(t, on=on, assignments=None if is_holder else assignments)
    rows = [(a, *selectors.state_of(a, t, on)) for a in assignments]
    show = request.GET.get("xem")
    if show == "chua":
        rows = [r for r in rows if r[0].reported_at is None]
    elif show == "muon":
        rows = [r for r in rows if r[1] in ("warn", "bad")]
    return render(request, "steering/task_detail.html", {
        "t": t, "s": s, "rows": rows, "show": show, "is_holder": is_holder, "on": on,
        "can_close": policies.can(request.user, policies.CHANGE, t) and not t.closed_date,
        "close_form": CloseForm(initial={"closed_date": on}), "history": history_page(t),
    })  # fmt: skip


@login_required
def task_xlsx(request, task_pk):
    """The follow-up table as a spreadsheet, for the committee's review report."""
    t = _task(request, task_pk)
    from .documents import follow_up_xlsx

    assignments = (
        policies.scope(request.user, policies.VIEW, t.assignments.all())
        .select_related("organization")
        .order_by("organization__name_norm", "id")
    )
    return file_response(follow_up_xlsx(t, assignments, on=today()), f"nhiem-vu-{t.pk}.xlsx")


@login_required
@require_http_methods(["GET", "POST"])
def task_edit(request, task_pk):
    t = _task(request, task_pk)
    if not policies.can(request.user, policies.CHANGE, t) or t.closed_date:
        raise Http404
    form = TaskEditForm(request.POST or None, instance=t, initial={"version": svc.TASK_VERSION.of(t)})
    return form_page(request, form, lambda d: svc.task_update(actor=request.user, task=t, data=d,
                                                              expected_version=d["version"]),
                     tracked=svc.TASK_VERSION, obj=t, template="steering/task_edit.html", context={"t": t},
                     success=lambda saved: f"Đã lưu nhiệm vụ; hạn báo cáo {ngay(saved.deadline)}.")  # fmt: skip


@login_required
@require_POST
def task_close(request, task_pk):
    t = _task(request, task_pk)
    if not policies.can(request.user, policies.CHANGE, t):
        raise Http404
    post_action(request, CloseForm(request.POST),
                lambda d: svc.task_close(actor=request.user, task=t, on=d.get("closed_date")),
                "Đã kết thúc nhận báo cáo.")  # fmt: skip
    return redirect(t)


@login_required
@require_http_methods(["GET", "POST"])
def report(request, assignment_pk):
    a = _assignment(request, assignment_pk)
    t = a.task
    may_file = policies.can(request.user, policies.CHANGE, a) and selectors.accepting_reports(t)
    if request.method == "POST" and not policies.can(request.user, policies.CHANGE, a):
        raise Http404
    if request.method == "POST" and not may_file:
        messages.error(request, selectors.closed_message(t))
        return redirect(a)
    form = ReportForm(request.POST or None, request.FILES or None, instance=a, task=t)

    def save(d):
        upload = d.pop("upload", None)  # a file is stored only by a save that can succeed
        return svc.report_file(
            actor=request.user, assignment=a, data=d, upload=None if form.errors else upload
        )

    def context():
        level, label = selectors.state_of(a, t, today())
        return {
            "a": a,
            "t": t,
            "may_file": may_file,
            "level": level,
            "label": label,
            "history": history_page(a),
        }

    return form_page(request, form, save, template="steering/report.html", context=context,
                     success=f"Đã gửi báo cáo của {a.organization.name}.")  # fmt: skip


@login_required
def report_file(request, assignment_pk):
    a = _assignment(request, assignment_pk)
    return download(a.attachment, a.attachment_name or "bao-cao")
