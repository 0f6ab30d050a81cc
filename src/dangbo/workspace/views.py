"""The home page of every user: what needs their action, and their part of the tree."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from dangbo.core import policies
from dangbo.members.selectors_history import alerts
from dangbo.organizations.choices import GRASSROOTS_KINDS
from dangbo.organizations.selectors import organization_scope, tree_children


@login_required
def home(request):
    user = request.user
    roots = tree_children(user, None)
    grassroots = organization_scope(user).filter(kind__in=GRASSROOTS_KINDS, end_date__isnull=True).count()
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
            "alerts": alerts(user),
        },
    )
