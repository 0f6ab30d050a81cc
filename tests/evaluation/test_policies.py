"""The evaluation policies answer ``can`` and ``scope`` alike for every persona and action, and scope as the pages
rely on: the cell secretary their cell, the committee its subtree, a member their own rating."""

from __future__ import annotations

import pytest

from dangbo.core import policies
from dangbo.evaluation.models import Campaign, Rating

PERSONAS = [
    "staff",
    "leader",
    "secretary_a",
    "secretary_b",
    "staff_b",
    "cell_secretary",
    "member_user",
    "nobody",
]


@pytest.mark.parametrize("persona", PERSONAS)
def test_can_agrees_with_scope(campaign, people, persona):
    actor = getattr(people, persona)
    for model in (Campaign, Rating):
        policy = policies.policy_for(model)
        for action in sorted(policy.actions):
            scoped = set(policies.scope(actor, action, model.objects.all()).values_list("pk", flat=True))
            for obj in model.objects.all():
                assert policies.can(actor, action, obj) == (obj.pk in scoped), (
                    persona,
                    model.__name__,
                    action,
                    obj,
                )


def test_who_sees_which_ratings(campaign, people, tree):
    def seen(persona, action="view"):
        rows = policies.scope(getattr(people, persona), action, Rating.objects.filter(member__isnull=False))
        return set(rows.values_list("member__full_name", flat=True))

    assert seen("cell_secretary") == seen("cell_secretary", "change") == {"Nguyễn Văn Hùng", "Trần Thị Lan"}
    assert seen("secretary_a", "change") == {"Nguyễn Văn Hùng", "Trần Thị Lan", "Lê Văn An"}
    assert seen("member_user") == {"Nguyễn Văn Hùng"} and seen("member_user", "change") == set()
    assert seen("secretary_b") == set() and seen("nobody") == set()
    assert policies.can(
        people.cell_secretary, "view", campaign
    )  # the cell works on its share of A's campaign
    assert not policies.can(people.cell_secretary, "decide", campaign)
    assert policies.can(people.secretary_a, "decide", campaign) and policies.can(
        people.staff, "decide", campaign
    )
    assert not policies.can(people.leader, "decide", campaign)
