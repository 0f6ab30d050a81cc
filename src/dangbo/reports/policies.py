"""Who may read the rollups (``dangbo.core.policies``): what may be seen of the organization they describe. They are
written only by ``reports.rollups`` (derived data), never through a page."""

from __future__ import annotations

from dangbo.core.policies import ADD, CHANGE, DELETE, VIEW, ReferencePolicy, register
from dangbo.organizations.policies import WorkPolicy, held_at

from .choices import ReviewState
from .models import MeetingMonth, MeetingTotal, MemberMonth, MemberMove, Review, RollupMonth, RollupState


@register
class MemberMonthPolicy(WorkPolicy):
    model = MemberMonth
    rules = held_at("organization", **{VIEW: VIEW})


@register
class MemberMovePolicy(WorkPolicy):
    model = MemberMove
    rules = held_at("organization", **{VIEW: VIEW})


@register
class MeetingMonthPolicy(WorkPolicy):
    model = MeetingMonth
    rules = held_at("organization", **{VIEW: VIEW})


@register
class MeetingTotalPolicy(WorkPolicy):
    model = MeetingTotal
    rules = held_at("organization", **{VIEW: VIEW})


@register
class RollupMonthPolicy(ReferencePolicy):
    model = RollupMonth


@register
class RollupStatePolicy(ReferencePolicy):
    model = RollupState


@register
class ReviewPolicy(WorkPolicy):
    """A committee's review reports: read where its directing work is read, written where it directs."""

    model = Review
    rules = held_at("organization", **{VIEW: "steer", ADD: "direct", CHANGE: "direct", DELETE: "direct"},
                    issue="direct", revise="direct")  # fmt: skip
    states = {"issue": {"state": ReviewState.DRAFT}, "revise": {"state": ReviewState.DRAFT}}  # a draft only
