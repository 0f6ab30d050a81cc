"""The home page of every user («Việc của tôi»): what needs their action, this year's tasks, their part of the
tree; and the whole list of what needs their action, by kind and organization, page by page."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render

from dangbo.core import policies
from dangbo.core.dates import today
from dangbo.core.http import int_param
from dangbo.organizations.choices import GRASSROOTS_KINDS
from dangbo.organizations.models import Organization
from dangbo.organizations.selectors import tree_children

from . import selectors

PAGE_SIZE = 50


@login_required
def home(request):
    user = request.user
    on = today()
    roots = tree_children(user, None)
    grassroots = (
        policies.scope(user, policies.VIEW, Organization.objects.all())
        .filter(kind__in=GRASSROOTS_KINDS, end_date__isnull=True)
        .count()
    )
    items = selectors.my_alerts(user, on)
    return render(
        request,
        "workspace/home.html",
        {
            "roots": roots,
            "grassroots_count": grassroots,
            "official": sum(r.official_count for r in roots),
            "probationary": sum(r.probationary_count for r in roots),
            "roles": user.roles.select_related("organization"),
            "own_member": user.member
            if user.member_id and policies.can(user, policies.VIEW, user.member)
            else None,
            "alerts": items,  # every reminder (tests, other templates); the page shows "groups"
            "total": len(items),
            "overdue": sum(a.level == "warn" for a in items),
            "groups": selectors.grouped(items),
            "tasks": selectors.current_tasks(user, on),
            "on": on,
        },
    )


@login_required
def work_list(request):
    """Every reminder of the user, filtered by kind and organization, 50 a page (never cut silently)."""
    user = request.user
    on = today()
    items = selectors.my_alerts(user, on)
    kinds = selectors.grouped(items)
    kind = request.GET.get("loai", "")
    org = (request.GET.get("to_chuc") or "").strip()[:100]
    rows = selectors.filtered(items, kind=kind, org=org)
    page = Paginator(rows, PAGE_SIZE).get_page(int_param(request.GET.get("trang")) or 1)
    query = request.GET.copy()
    query.pop("trang", None)
    return render(
        request,
        "workspace/work_list.html",
        {"kinds": kinds, "kind": kind, "org": org, "page": page, "count": len(rows), "total": len(items),
         "query": query.urlencode()},
    )  # fmt: skip
