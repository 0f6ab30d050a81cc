"""The steering forms show every problem in one round, with a summary at the top, and save nothing."""

from __future__ import annotations

from django.urls import reverse

from dangbo.audit.models import AuditEvent
from tests.steering.test_targets import bloc_term  # noqa: F401 - fixture


def test_a_target_with_two_problems_shows_both_and_saves_nothing(client, people, bloc_term):  # noqa: F811
    client.force_login(people.staff)
    before = bloc_term.targets.count(), AuditEvent.objects.count()
    response = client.post(reverse("steering:target_create", args=[bloc_term.pk]), {
        "number": 1, "text": "Kết nạp", "unit": "dang_vien", "direction": "toi_thieu", "measure": "cong_don",
        "goal": "1e28", "source": ""})  # fmt: skip
    page = response.content.decode()
    assert response.status_code == 200
    found = page[page.index('id="loi-bieu-mau"') : page.index("</ul></div>", page.index('id="loi-bieu-mau"'))]
    assert "Mục tiêu cuối nhiệm kỳ: không ghi số dạng lũy thừa" in found  # the form cannot read it
    assert "đã có chỉ tiêu số 1" in found  # the service, in the same round
    assert (bloc_term.targets.count(), AuditEvent.objects.count()) == before
