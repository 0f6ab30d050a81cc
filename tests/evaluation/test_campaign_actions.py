"""«Kết thúc tự đánh giá» is offered by the Campaign policy (``can(actor, "review", campaign)``: those who decide,
while the campaign is open), and the service refuses the same cases."""

from __future__ import annotations

from django.urls import reverse

from dangbo.core import policies
from dangbo.evaluation import services
from dangbo.evaluation.models import Campaign

BUTTON = "Kết thúc tự đánh giá</button>"


def test_ending_the_self_assessment_is_offered_while_open_and_refused_afterwards(client, people, campaign):
    client.force_login(people.secretary_a)
    assert BUTTON in client.get(campaign.get_absolute_url()).content.decode()
    assert policies.can(people.secretary_a, "review", campaign)
    client.post(reverse("evaluation:review", args=[campaign.pk]))
    campaign.refresh_from_db()
    assert campaign.status == "xem_xet"
    assert BUTTON not in client.get(campaign.get_absolute_url()).content.decode()
    assert not policies.can(people.secretary_a, "review", campaign)
    assert not policies.scope(people.secretary_a, "review", Campaign.objects.filter(pk=campaign.pk)).exists()
    response = client.post(reverse("evaluation:review", args=[campaign.pk]), follow=True)
    assert "Đợt đánh giá không còn ở bước tự đánh giá." in response.content.decode()
    campaign.refresh_from_db()
    assert campaign.status == "xem_xet"
    # Someone who does not decide there is not offered it on an open campaign either.
    reopened = services.open_campaign(actor=people.secretary_a, authority=campaign.authority, year=2023,
                                      deadline=campaign.deadline)  # fmt: skip
    assert policies.can(people.secretary_a, "review", reopened) and not policies.can(
        people.nobody, "review", reopened
    )
