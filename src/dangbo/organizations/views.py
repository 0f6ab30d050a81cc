from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_http_methods, require_POST

from dangbo.audit.selectors import history_page
from dangbo.core import policies
from dangbo.core.dates import today
from dangbo.core.errors import ApplicationError
from dangbo.core.formats import ngay, so
from dangbo.core.http import date_param, id_url
from dangbo.core.policies import subtree_q
from dangbo.core.views import form_page, refusal
from dangbo.members.choices import ACTIVE_STATUSES, STATUS_SHORT, MemberStatus
from dangbo.members.counts.selectors import counts_on
from dangbo.members.history import services as lifecycle
from dangbo.members.models import Member

from . import selectors, services
from .choices import ALLOWED_PARENTS
from .forms import (
    DissolveForm,
    HandoverForm,
    MergeForm,
    MoveForm,
    OrganizationForm,
    RenameForm,
    SeatForm,
    SplitForm,
    TermForm,
)
from .models import CommitteeSeat, Organization
from .policies import WORK, can_add_under
from .tree import services as restructure


@login_required
def tree(request):
    on, error = _date_param(request)
    nodes = _tree_of_day(request.user, None, on)
    return render(request, "organizations/tree.html", {"nodes": nodes, "on": on, "date_error": error,
                                                       "ngay": request.GET.get("ngay", "")})  # fmt: skip


def _tree_of_day(user, parent, on):
    """The tree's nodes; on a past date with the member counts of that date (from the roll periods)."""
    nodes = selectors.tree_children(user, parent, on=on)
    if on is not None:
        counted = counts_on(nodes, on)
        for n in nodes:
            n.official_count, n.probationary_count = counted.get(n.pk, (0, 0))
    return nodes


def _date_param(request):
    """The "?ngay=dd/mm/yyyy" of a tree page: (date or None, error message)."""
    raw = (request.GET.get("ngay") or "").strip()
    if not raw:
        return None, ""
    day = date_param(raw)
    if day is None:
        return None, f"Ngày «{raw}» không hợp lệ, cần có dạng dd/mm/yyyy."
    if day > today():
        return None, "Ngày xem cây tổ chức không được sau ngày hôm nay."
    return day, ""


@login_required
def picker(request):
    """The organization picker's search (``picker.js``): JSON of the organizations in the user's scope whose
    name holds every word typed, at most ``selectors.PICKER_SEARCH_LIMIT``, in tree order; no words: the offered list.
    ``lam``: the work the form does (``policies.WORK``, e.g. «grant_roles»): the scope of that work, never wider
    than the user's own."""
    work = request.GET.get("lam") or policies.VIEW
    if work not in WORK:
        raise Http404
    entries, more = selectors.picker_search(request.user, request.GET.get("q", "")[:100], work)
    response = JsonResponse({"results": [e.as_json() for e in entries], "more": more})
    response["Cache-Control"] = "private, max-age=60"
    return response


@login_required
def tree_children(request, pk):
    """htmx partial: the children of one node, loaded when it is expanded."""
    parent = selectors.organization_detail(request.user, pk)
    on, _ = _date_param(request)
    nodes = _tree_of_day(request.user, parent, on)
    return render(
        request,
        "organizations/_tree_nodes.html",
        {"nodes": nodes, "on": on, "ngay": request.GET.get("ngay", "")},
    )


def _children_rows(children) -> str:
    """The <tr> rows of the organization page's subordinate organizations, written here rather than by the
    template (as the member list's rows): a committee with 40 children spent a fifth of its CPU in that loop."""
    return mark_safe("".join(
        f'<tr><td><a href="{c.get_absolute_url()}">{escape(c.name)}</a></td><td>{escape(c.kind_label)}</td>'
        f'<td class="num">{so(c.member_count)}</td></tr>' for c in children
    ))  # fmt: skip


_STATUSES = {**dict(MemberStatus.choices), **STATUS_SHORT}  # ``Member.status_short``


def _member_rows(members) -> str:
    """The <tr> rows of a cell's members on its page (up to 200), as ``_children_rows``; ``members``: tuples of
    (id, full name, birth date, status)."""
    return mark_safe("".join(
        f'<tr><td><a href="{id_url("members:detail", pk)}">{escape(name)}</a></td><td>{ngay(born)}</td>'
        f"<td>{escape(_STATUSES.get(status, status))}</td></tr>" for pk, name, born, status in members
    ))  # fmt: skip


@login_required
def detail(request, pk):
    org = selectors.organization_detail(request.user, pk)
    user = request.user
    children = selectors.tree_children(user, org)
    term, seats = selectors.current_committee(org)
    direct_members = []  # a cell's members (the page lists them for a cell only), as tuples
    if org.is_cell:
        direct_members = list(
            policies.scope(user, policies.VIEW, Member.objects.all())
            .filter(organization=org, status__in=ACTIVE_STATUSES)
            .order_by("name_sort", "id")
            .values_list("pk", "full_name", "birth_date", "status")[:200]
        )
    return render(
        request,
        "organizations/detail.html",
        {
            "org": org,
            "ancestors": selectors.ancestors_visible(user, org),
            "children": children,
            "children_rows": _children_rows(children),
            "member_rows": _member_rows(direct_members),
            "term": term,
            "seats": seats,
            "direct_members": direct_members,
            "can_change": policies.can(user, policies.CHANGE, org),
            "can_add_child": can_add_under(user, org) and not org.is_cell,
            "can_add_member": org.is_cell and policies.can(user, "place_members", org),
            "history": history_page(org),
            "terms": org.terms.all(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def create(request, parent_pk):
    parent = selectors.organization_detail(request.user, parent_pk)
    if not can_add_under(request.user, parent) or parent.is_cell:
        raise Http404
    form = OrganizationForm(request.POST or None, parent=parent)
    return form_page(request, form, lambda d: services.organization_create(actor=request.user, parent=parent, data=d),
                     template="organizations/form.html", context={"parent": parent, "org": None},
                     success=lambda org: f"Đã thêm {org.name}.")  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def edit(request, pk):
    org = policies.get_scoped_or_404(
        request.user, policies.CHANGE, Organization.objects.select_related("parent"), pk=pk
    )
    form = OrganizationForm(
        request.POST or None, instance=org, initial={"version": services.ORG_VERSION.of(org)}
    )
    return form_page(request, form, lambda d: services.organization_update(
        actor=request.user, organization=org, data=d, expected_version=d["version"]),
        tracked=services.ORG_VERSION, obj=org, template="organizations/form.html",
        context={"parent": org.parent, "org": org}, success="Đã lưu thông tin tổ chức.")  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def committee(request, pk):
    """The committee (cấp ủy) page: add a term, add or end seats."""
    org = policies.get_scoped_or_404(request.user, policies.CHANGE, Organization.objects.all(), pk=pk)
    term = org.terms.order_by("-start_date").first()
    members = (
        policies.scope(request.user, policies.VIEW, Member.objects.all())
        .filter(subtree_q(org.path, "org_path"))
        .order_by("name_sort", "id")
    )
    term_form = TermForm(request.POST if request.POST.get("form") == "term" else None, prefix="term")
    seat_form = SeatForm(request.POST if request.POST.get("form") == "seat" else None, prefix="seat", members=members,
                         member_total=org.member_count)  # fmt: skip
    form, save, success = term_form, None, None
    if request.POST.get("form") == "term":
        save = lambda d: services.term_create(actor=request.user, organization=org, **d)  # noqa: E731
        success = "Đã thêm nhiệm kỳ."
    elif request.POST.get("form") == "seat":
        form, success = seat_form, "Đã thêm cấp ủy viên."
        save = (refusal("Cần thêm nhiệm kỳ trước khi thêm cấp ủy viên.") if term is None
                else lambda d: services.seat_create(actor=request.user, term=term, **d))  # fmt: skip
    return form_page(request, form, save, name=None, template="organizations/committee.html",
                     context=lambda: {"org": org, "term": term, "seats": selectors.current_committee(org)[1],
                                      "term_form": term_form, "seat_form": seat_form},
                     success=success, redirect_to=reverse("organizations:committee", args=[org.pk]))  # fmt: skip


@login_required
@require_POST
def seat_end(request, pk, seat_pk):
    org = policies.get_scoped_or_404(request.user, policies.CHANGE, Organization.objects.all(), pk=pk)
    seat = CommitteeSeat.objects.filter(term__organization=org, pk=seat_pk).select_related("member").first()
    if seat is None:
        raise Http404
    try:
        services.seat_end(actor=request.user, seat=seat, end_date=today())
        messages.success(request, f"{seat.member} đã thôi giữ chức vụ.")
    except ApplicationError as error:
        messages.error(request, error.message)
    return redirect("organizations:committee", pk=org.pk)


# --- Restructuring ----------------------------------------------------------------------------------------

RESTRUCTURE_FORMS = ("chuyen", "doi_ten", "tach", "hop_nhat", "giai_the")


def _parents_for(user, org):
    allowed = [k for k in ALLOWED_PARENTS.get(org.kind, ()) if k]
    qs = policies.scope(user, policies.ADD, Organization.objects.all()).filter(
        kind__in=allowed, end_date__isnull=True
    )
    return qs.exclude(subtree_q(org.path)).exclude(pk=org.parent_id).order_by("path")


@login_required
@require_http_methods(["GET", "POST"])
def restructure_page(request, pk):
    """Move, rename, merge or dissolve one organization, each effective on a date by a decision."""
    org = policies.get_scoped_or_404(
        request.user, policies.CHANGE, Organization.objects.select_related("parent"), pk=pk
    )
    if org.end_date:
        raise Http404
    which = request.POST.get("form") if request.method == "POST" else None
    data = request.POST if which else None
    siblings = Organization.objects.filter(
        parent_id=org.parent_id, kind=org.kind, end_date__isnull=True
    ).exclude(pk=org.pk)
    forms_ = {
        "chuyen": MoveForm(data if which == "chuyen" else None, actor=request.user,
                            parents=_parents_for(request.user, org), prefix="chuyen"),
        "doi_ten": RenameForm(data if which == "doi_ten" else None, prefix="doi_ten",
                              initial={"short_name": org.short_name}),
        "tach": SplitForm(data if which == "tach" else None, prefix="tach",
                          members=policies.scope(request.user, policies.VIEW, Member.objects.all()).filter(organization=org, status__in=ACTIVE_STATUSES)
                          .order_by("name_sort")),
        "hop_nhat": MergeForm(data if which == "hop_nhat" else None, prefix="hop_nhat", actor=request.user,
                              targets=policies.scope(request.user, policies.CHANGE, Organization.objects.all()).filter(pk__in=siblings)),
        "giai_the": DissolveForm(data if which == "giai_the" else None, prefix="giai_the"),
    }  # fmt: skip

    def common(d):  # the form's empty values for what it could not read (save_form, checking round)
        return {"actor": request.user, "date": d["date"], "decision_no": d["decision_no"]}

    calls = {
        "chuyen": lambda d: restructure.organization_move(organization=org, new_parent=d["new_parent"], **common(d)),
        "doi_ten": lambda d: restructure.organization_rename(organization=org, name=d["name"],
                                                             short_name=d["short_name"], **common(d)),
        "tach": lambda d: lifecycle.organization_split(
            source=org, data={"name": d["name"], "code": d["code"], "kind": org.kind}, members=d["members"], **common(d)
        ),
        "hop_nhat": lambda d: lifecycle.organization_merge(sources=[org], target=d["target"], **common(d)),
        "giai_the": lambda d: restructure.organization_dissolve(organization=org, **common(d)),
    }  # fmt: skip
    return form_page(request, forms_.get(which), calls.get(which), name=None, template="organizations/restructure.html",
                     context={"org": org, "forms": forms_, "which": which}, success="Đã ghi quyết định sắp xếp tổ chức.",
                     redirect_to=lambda done: done if which in ("tach", "hop_nhat") else org)  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def handover_page(request, pk):
    """Hand over N organizations with their members to another committee by one decision."""
    parent = policies.get_scoped_or_404(request.user, policies.CHANGE, Organization.objects.all(), pk=pk)
    children = policies.scope(request.user, policies.CHANGE, Organization.objects.all()).filter(
        parent=parent, end_date__isnull=True
    )
    children = children.order_by("name_norm")
    sample = children.first()
    parents = _parents_for(request.user, sample) if sample else Organization.objects.none()
    form = HandoverForm(
        request.POST or None, actor=request.user, children=children, parents=parents.exclude(pk=parent.pk)
    )
    return form_page(request, form, lambda d: restructure.handover(
        actor=request.user, organizations=list(d["organizations"] or []), new_parent=d["new_parent"], date=d["date"],
        decision_no=d["decision_no"]), template="organizations/handover.html", context={"org": parent},
        success=lambda done: f"Đã bàn giao {done['organizations']} tổ chức với {done['members']} đảng viên.",
        redirect_to=lambda done: form.cleaned_data["new_parent"])  # fmt: skip
