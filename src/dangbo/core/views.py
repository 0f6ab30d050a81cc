from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.shortcuts import render

from dangbo.accounts import policy
from dangbo.members.choices import ACTIVE_STATUSES
from dangbo.members.selectors import member_scope
from dangbo.organizations.choices import GRASSROOTS_KINDS
from dangbo.organizations.selectors import organization_scope, tree_children


@login_required
def home(request):
    user = request.user
    roots = tree_children(user, None)
    grassroots = organization_scope(user).filter(kind__in=GRASSROOTS_KINDS, end_date__isnull=True).count()
    # Counted live: fine for the scope of one directing committee; rollups come with the dashboard issue.
    by_status = dict(
        member_scope(user).filter(status__in=ACTIVE_STATUSES).values_list("status").annotate(n=Count("id")).order_by()
    )
    return render(
        request,
        "core/home.html",
        {
            "roots": roots,
            "grassroots_count": grassroots,
            "official": by_status.get("chinh_thuc", 0),
            "probationary": by_status.get("du_bi", 0),
            "roles": user.roles.select_related("organization"),
            "own_member": user.member if user.member_id and policy.can(user, policy.VIEW, user.member) else None,
        },
    )
