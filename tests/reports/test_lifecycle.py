"""A review report's life: saved as a draft, issued into the document register (its number from the register, per type
within the committee term), its figures frozen — a backdated change afterwards leaves the issued report as it was
and shows beside it; the XLSX appendices; who may do what."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from dangbo.core.errors import ApplicationError, PermissionDenied
from dangbo.members.history import services as lifecycle
from dangbo.reports import services
from dangbo.reports.models import Review
from tests.conftest import decided

from .test_documents import text_of

D = dt.date


def draft(actor, tree):
    return services.review_save(actor=actor, organization=tree.bloc, kind="6_thang", year=2024, day=D(2024, 7, 10),
                                next_tasks="Kết nạp 5 đảng viên mới.")  # fmt: skip


def test_a_draft_is_issued_with_the_registers_number_and_keeps_its_figures(
    client, tree, people, root_user, half
):
    review = draft(people.staff, tree)
    assert review.state == "du_thao" and (review.start, review.end) == (D(2024, 1, 1), D(2024, 6, 30))
    issued = services.review_issue(actor=people.staff, review=review, signer="Nguyễn Văn A")
    assert issued.state == "ban_hanh" and issued.document.type_code == "BC"
    assert issued.document.register == tree.bloc and issued.document.issued_date == D(2024, 7, 10)
    number = issued.document.symbol
    assert number.startswith("01-BC/")  # the first report of the bloc's 2020–2025 term
    assert issued.figures["headcount"]["tong"] == 5
    # A death entered afterwards, backdated into the period, changes a regeneration — not the issued report.
    lifecycle.event_record(actor=root_user, member=people.m_b, kind="tu_tran", date=D(2024, 5, 2),
                           **decided("tu_tran", D(2024, 5, 2)))  # fmt: skip
    client.force_login(people.staff)
    url = reverse("reports:review_detail", args=[review.pk])
    page = client.get(url)
    assert page.status_code == 200
    changes = page.context["changes"]
    assert ("Số lượng, cơ cấu đảng viên", "tong", 5, 4) in changes
    text, _ = text_of(client.get(url, {"docx": "1"}).content)
    assert f"Số {number}" in text and "5 đảng viên" in text and "Kết nạp 5 đảng viên mới." in text
    with pytest.raises(ApplicationError, match="đã ban hành"):
        services.review_issue(actor=people.staff, review=review)
    with pytest.raises(ApplicationError, match="không sửa được"):
        services.review_save(actor=people.staff, organization=tree.bloc, kind="nam", year=2024, day=D(2024, 7, 10),
                             review=review)  # fmt: skip
    # The next report of the term takes the next number.
    second = services.review_issue(actor=people.staff, review=draft(people.staff, tree))
    assert second.document.number == issued.document.number + 1


def test_pages_save_a_draft_issue_it_and_give_the_appendices(client, tree, people, half):
    client.force_login(people.staff)
    response = client.post(reverse("reports:review"), {"organization": tree.bloc.pk, "kind": "6_thang", "year": "2024",
                                                       "day": "10/07/2024", "action": "save"})  # fmt: skip
    review = Review.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "reports:review_detail", args=[review.pk]
    )
    assert "Báo cáo đã lưu" in client.get(reverse("reports:review")).content.decode()
    url = reverse("reports:review_detail", args=[review.pk])
    draft_text, _ = text_of(client.get(url, {"docx": "1"}).content)
    assert "-BC/" in draft_text
    book = load_workbook(io.BytesIO(client.get(url, {"xlsx": "1"}).content))
    assert any("Biến động" in name for name in book.sheetnames) and len(book.sheetnames) >= 3
    # The draft is revised from its page, then issued.
    assert (
        client.post(
            url, {"action": "save", "day": "09/07/2024", "next_tasks": "Kết nạp 6 đảng viên mới."}
        ).status_code
        == 302
    )
    review.refresh_from_db()
    assert review.day == D(2024, 7, 9) and review.next_tasks == "Kết nạp 6 đảng viên mới."
    assert (
        "phải sau ngày đầu kỳ" in client.post(url, {"action": "save", "day": "01/01/2020"}).content.decode()
    )
    assert "sau ngày hôm nay" in client.post(url, {"action": "save", "day": "12/07/2024"}).content.decode()
    assert client.post(url, {"action": "issue", "signer": "Nguyễn Văn A"}).status_code == 302
    review.refresh_from_db()
    assert review.state == "ban_hanh" and review.document is not None
    assert "Tính lại hôm nay cho cùng số liệu" in client.get(url).content.decode()


def test_who_may_draft_and_issue(client, tree, people, half):
    with pytest.raises(PermissionDenied):
        draft(people.secretary_b, tree)
    review = draft(people.staff, tree)
    with pytest.raises(PermissionDenied):
        services.review_issue(actor=people.leader, review=review)  # the standing committee reads, staff issue
    for user in (people.secretary_b, people.member_user, people.nobody):
        client.force_login(user)
        assert client.get(reverse("reports:review_detail", args=[review.pk])).status_code == 404
