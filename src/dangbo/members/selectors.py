"""Reads of member records, always scoped to the actor through the policy."""

from __future__ import annotations

from django.conf import settings

from dangbo.accounts import policy
from dangbo.core.pagination import KeysetPage, keyset_page
from dangbo.organizations.selectors import organizations_for_filter

from .filters import MemberFilter
from .models import Member

LIST_COLUMNS = (
    "id", "full_name", "gender", "birth_date", "ethnicity", "status", "joined_date", "official_date",
    "political_theory", "name_sort", "organization_id", "organization__name", "organization__kind", "organization__parent_id",
    "organization__parent__name", "organization__parent__short_name",
)  # fmt: skip


def member_scope(actor, action: str = policy.VIEW):
    return policy.scope(actor, action, Member.objects.all())


def member_filter(*, actor, params) -> MemberFilter:
    """The member list's filter, bound to the request parameters and the actor's scope."""
    return MemberFilter(
        params,
        queryset=member_scope(actor).select_related("organization__parent").only(*LIST_COLUMNS),
        organizations=organizations_for_filter(actor, selected=params.get("organization")),
    )


def member_list(*, actor, params, page_size: int | None = None) -> tuple[MemberFilter, KeysetPage, int]:
    """(filter, page, total count) for the member list, in Vietnamese name order."""
    flt = member_filter(actor=actor, params=params)
    qs = flt.qs if flt.is_valid() else flt.queryset.none()
    page = keyset_page(
        qs,
        sort_field="name_sort",
        after=params.get("sau"),
        before=params.get("truoc"),
        size=page_size or settings.DANGBO_PAGE_SIZE,
    )
    total = qs.order_by().count()
    return flt, page, total
