"""Who may do what in the quality evaluation (``dangbo.core.policies``).

* A campaign is seen by those whose member-records reach meets the authority's subtree: its committee and the
  levels above (the authority in their subtree), and the cells below it (the authority is an ancestor of where
  they hold their role) — a cell secretary works on their cell's share of the grassroots committee's campaign.
  Opening, moving to review, deciding and re-opening (``decide``) is the committee's: staff or a grassroots
  secretary whose role covers the authority.
* A rating is with the subject's cell (``org_path``): a cell secretary scopes to their cell's members, committee
  staff to their subtree; a plain member sees their own rating (``member_id``).
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from dangbo.accounts import policies as access
from dangbo.accounts.choices import Role
from dangbo.core.dates import today
from dangbo.core.policies import (
    ADD,
    CHANGE,
    DELETE,
    VIEW,
    Policy,
    Reach,
    ancestor_paths,
    can,
    in_state,
    register,
    subtree_q,
)

from .choices import CampaignStatus
from .models import Campaign, Catalogue, LevelTally, Rating, ResidenceComment, ResidenceRegistration

COMMITTEE_ROLES = frozenset({Role.STAFF, Role.GRASSROOTS_SECRETARY})
DECIDE = "decide"


@register
class CampaignPolicy(Policy):
    model = Campaign
    # review: end the self-assessment (those who decide, while it is open)
    actions = frozenset({VIEW, ADD, CHANGE, DELETE, DECIDE, "review"})
    states = {"review": {"status": CampaignStatus.OPEN}}

    def reach(self, actor, action: str) -> Reach:
        if action == VIEW:
            return access.reach(actor, access.MEMBER, VIEW, own=False)
        return access.reach(actor, access.MEMBER, CHANGE, own=False, roles=COMMITTEE_ROLES)

    def scope(self, actor, action: str, queryset: QuerySet, **options) -> QuerySet:
        reach = self.reach(actor, action)
        queryset = self.in_states(action, queryset)
        if reach.everything:
            return queryset
        if not reach.paths:
            return queryset.none()
        q = Q()
        for p in reach.paths:
            q |= subtree_q(p, "authority__path")
            if action == VIEW:
                q |= Q(authority__path__in=ancestor_paths(p))
        return queryset.filter(q)

    def can(self, actor, action: str, obj: Campaign) -> bool:
        if not in_state(action, obj):
            return False
        reach = self.reach(actor, action)
        if reach.everything:
            return True
        path = obj.authority.path
        if reach.covers(path):
            return True
        return action == VIEW and any(p.startswith(path) for p in reach.paths)


SELF_ASSESS = "self_assess"


def self_assessment_refusal(actor, rating: Rating) -> str | None:
    """Why the actor may not record the self-assessment of ``rating`` now — "forbidden", "locked", "not_rated",
    "closed" — or None: the member themselves until the campaign's deadline, while it is open; those who change the
    rating (the cell secretary, entering it on the member's behalf) until it is decided; never a rating recorded as
    not rated. ``services.self_assess`` refuses by these reasons, the rating page offers its form by ``can``."""
    c = rating.campaign
    own = bool(rating.member_id) and rating.member_id == getattr(actor, "member_id", None)
    if not own and not can(actor, CHANGE, rating):
        return "forbidden"
    if c.locked:
        return "locked"
    if rating.not_rated:
        return "not_rated"
    if own and (c.status != CampaignStatus.OPEN or today() > c.deadline):
        return "closed"
    return None


@register
class RatingPolicy(access.TreePolicy):
    """A rating: with the subject's cell of the period's end; a plain member's own. ``self_assess``: see
    ``self_assessment_refusal``."""

    model = Rating
    actions = frozenset({VIEW, ADD, CHANGE, DELETE, SELF_ASSESS})
    area = access.MEMBER
    path_fields = ("org_path",)
    id_field = "member_id"

    def scope(self, actor, action: str, queryset: QuerySet, **options) -> QuerySet:
        if action != SELF_ASSESS:
            return super().scope(actor, action, queryset, **options)
        others = self.reach(actor, CHANGE).q("org_path", "member_id")
        member_id = getattr(actor, "member_id", None)
        if member_id:
            own = Q(
                member_id=member_id, campaign__status=CampaignStatus.OPEN, campaign__deadline__gte=today()
            )
            others = None if others is None else ~Q(member_id=member_id) & others
            q = own if others is None else own | others
        elif others is None:
            return queryset.none()
        else:
            q = others
        return queryset.exclude(campaign__status=CampaignStatus.DECIDED).filter(q, not_rated="")

    def can(self, actor, action: str, obj: Rating) -> bool:
        if action == SELF_ASSESS:
            return self_assessment_refusal(actor, obj) is None
        return super().can(actor, action, obj)


@register
class CataloguePolicy(CampaignPolicy):
    """A rating authority's criteria catalogue: seen like its campaigns (its committee, the levels above, the cells
    below that fill ratings with it); defined by those who decide there."""

    model = Catalogue
    actions = frozenset({VIEW, ADD, CHANGE, DELETE, DECIDE})
    states = {}
    actions = frozenset({VIEW, ADD, CHANGE, DELETE})


@register
class ResidenceCommentPolicy(access.TreePolicy):
    """The residence cell's comment on a member: with the member's record (their cell now) and with the residence
    cell that made it (when it is in the deployment: its secretary records it); the member's own."""

    model = ResidenceComment
    area = access.MEMBER
    path_fields = ("member__org_path", "residence_org__path")
    id_field = "member_id"


@register
class ResidenceRegistrationPolicy(access.TreePolicy):
    """A member's registration with the cell where they live: with the member's record and with that cell (which
    sees who is registered with it — their names and cells, nothing of their record); the member's own. Recorded
    by those who keep the member's record (``services.residence_register`` checks the member's side)."""

    model = ResidenceRegistration
    area = access.MEMBER
    path_fields = ("member__org_path", "residence_org__path")
    id_field = "member_id"


@register
class LevelTallyPolicy(access.TreePolicy):
    """A campaign's counts by level in one organization: seen by whoever sees the ratings they count (their path,
    ``org_path``: the cell at the period's end — the ratings' own). The campaign screens read the whole campaign's
    counts (the quota is the authority's) through the campaign."""

    model = LevelTally
    area = access.MEMBER
    path_fields = ("org_path",)
    own = False
