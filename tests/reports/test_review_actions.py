"""Issuing and revising a review report are offered by the Review policy (``can(actor, "issue" | "revise",
review)``: a draft, where the actor directs), and the services refuse an issued report the same way."""

from __future__ import annotations

from django.urls import reverse

from dangbo.core import policies
from dangbo.reports import services

from .test_lifecycle import draft

ISSUE, REVISE = 'value="issue"', 'value="save"'


def test_a_draft_offers_issue_and_revise_an_issued_report_neither(client, tree, people, half):
    review = draft(people.staff, tree)
    url = reverse("reports:review_detail", args=[review.pk])
    client.force_login(people.staff)
    page = client.get(url).content.decode()
    assert ISSUE in page and REVISE in page
    assert policies.can(people.staff, "issue", review) and policies.can(people.staff, "revise", review)
    services.review_issue(actor=people.staff, review=review, signer="Nguyễn Văn A")
    review.refresh_from_db()
    page = client.get(url).content.decode()
    assert ISSUE not in page and REVISE not in page
    for action in ("issue", "revise"):
        assert not policies.can(people.staff, action, review)
        assert not policies.scope(people.staff, action, type(review).objects.filter(pk=review.pk)).exists()
    symbol = review.document.symbol
    refused = client.post(url, {"action": "issue", "signer": "Trần Văn B"})
    assert refused.status_code == 200 and "Báo cáo này đã ban hành." in refused.content.decode()
    refused = client.post(url, {"action": "save", "day": "09/07/2024", "next_tasks": "Khác."})
    assert refused.status_code == 200 and "không sửa được" in refused.content.decode()
    review.refresh_from_db()
    assert review.document.symbol == symbol and review.next_tasks == "Kết nạp 5 đảng viên mới."
