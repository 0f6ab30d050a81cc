"""The self-assessment form of the rating page is offered by the Rating policy (``can(actor, "self_assess",
rating)``: the member until the deadline while the campaign is open, the cell secretary on their behalf until it
is decided), and ``services.self_assess`` refuses the same cases."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from dangbo.core import policies
from dangbo.evaluation.choices import Level
from dangbo.evaluation.models import Rating

from .test_services import rating_of, unchanged

FORM = 'name="form" value="self"'


def test_the_self_assessment_is_offered_until_the_deadline_and_refused_afterwards(
    client, campaign, people, clock
):
    r = rating_of(campaign, people.m_a1)
    url = reverse("evaluation:rating", args=[r.pk])
    client.force_login(people.member_user)
    assert FORM in client.get(url).content.decode()
    assert policies.can(people.member_user, "self_assess", r)
    assert policies.scope(people.member_user, "self_assess", Rating.objects.filter(pk=r.pk)).exists()

    clock.set(dt.date(2026, 1, 21))  # the day after the deadline
    assert FORM not in client.get(url).content.decode()
    assert not policies.can(people.member_user, "self_assess", r)
    assert not policies.scope(people.member_user, "self_assess", Rating.objects.filter(pk=r.pk)).exists()
    refused = client.post(url, {"form": "self", "level": Level.GOOD})
    assert refused.status_code == 200 and "đã hết hạn tự đánh giá" in refused.content.decode()
    assert unchanged(r)

    # The cell secretary still enters it on the member's behalf (until the decision); a leader never does.
    client.force_login(people.cell_secretary)
    assert FORM in client.get(url).content.decode() and policies.can(people.cell_secretary, "self_assess", r)
    assert not policies.can(people.leader, "self_assess", r)
    assert client.post(url, {"form": "self", "level": Level.GOOD}).status_code == 302
    r.refresh_from_db()
    assert r.self_level == Level.GOOD and r.entered_on_behalf
