"""Cancelling a transfer letter and recording a temporary transfer's end are offered by the Transfer policy
(``can(actor, "cancel" | "come_back", transfer)``: the sending side, in the transfer's states), and the services
refuse the same cases."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from dangbo.core import policies
from dangbo.core.dates import today
from dangbo.members.history import services as lifecycle
from dangbo.members.models import Transfer

CANCEL, COME_BACK = "Hủy giấy giới thiệu</button>", "Ghi trở về</button>"


def _offers(client, transfer) -> tuple[bool, bool]:
    page = client.get(transfer.get_absolute_url()).content.decode()
    return CANCEL in page, COME_BACK in page


def _said(response) -> str:
    return " ".join(str(m) for m in response.context["messages"])


def test_a_received_letter_is_not_cancelled_and_a_cancelled_temporary_transfer_does_not_come_back(
    client, tree, people
):
    official = lifecycle.transfer_send(actor=people.secretary_a, member=people.m_a1, kind="chinh_thuc",
                                       to_organization=tree.b, sent_date=today(), letter_no="16-GGT/ĐU")  # fmt: skip
    client.force_login(people.secretary_a)
    assert _offers(client, official) == (True, False)
    lifecycle.transfer_receive(
        actor=people.secretary_b, transfer=official, cell=tree.b, received_date=today()
    )
    official.refresh_from_db()
    client.force_login(
        people.staff
    )  # who still changes the member's record (the sending cell no longer does)
    assert _offers(client, official) == (False, False)
    assert not policies.can(people.staff, "cancel", official)
    r = client.post(reverse("members:transfer_cancel", args=[official.pk]), follow=True)
    assert "Không hủy được: giấy giới thiệu đã tiếp nhận." in _said(r)
    official.refresh_from_db()
    assert official.state == "da_nhan"

    temporary = lifecycle.transfer_send(actor=people.staff, member=people.m_a1b, kind="tam_thoi",
                                        to_external="Học viện Chính trị", sent_date=dt.date(2024, 3, 1),
                                        temporary_until=dt.date(2024, 9, 1), letter_no="9-GGT/ĐU", purpose="cong_tac")  # fmt: skip
    client.force_login(people.staff)
    assert _offers(client, temporary) == (True, True)
    assert policies.can(people.staff, "come_back", temporary)
    client.post(reverse("members:transfer_cancel", args=[temporary.pk]))
    temporary.refresh_from_db()
    assert temporary.state == "da_huy" and _offers(client, temporary) == (False, False)
    for action in ("cancel", "come_back"):
        assert not policies.can(people.staff, action, temporary)
        assert not policies.scope(people.staff, action, Transfer.objects.filter(pk=temporary.pk)).exists()
    r = client.post(reverse("members:transfer_return", args=[temporary.pk]), {"date": f"{today():%d/%m/%Y}"},
                    follow=True)  # fmt: skip
    assert "Đây không phải lần chuyển sinh hoạt tạm thời đang diễn ra." in _said(r)
    temporary.refresh_from_db()
    assert temporary.ended_date is None and temporary.state == "da_huy"


RECEIVE, CONFIRM = "Tiếp nhận</button>", "Ghi nhận</button>"


def test_receiving_is_offered_while_the_letter_is_under_way_and_refused_once_cancelled(client, tree, people):
    import pytest

    from dangbo.core.errors import ApplicationError

    letter = lifecycle.transfer_send(actor=people.secretary_a, member=people.m_a1, kind="chinh_thuc",
                                     to_organization=tree.b, sent_date=today(), letter_no="17-GGT/ĐU")  # fmt: skip
    client.force_login(people.secretary_b)
    assert RECEIVE in client.get(letter.get_absolute_url()).content.decode()
    assert policies.can(people.secretary_b, "receive", letter)
    assert not policies.can(people.secretary_a, "receive", letter)  # the sending side does not receive
    lifecycle.transfer_cancel(actor=people.secretary_a, transfer=letter)
    letter.refresh_from_db()
    assert RECEIVE not in client.get(letter.get_absolute_url()).content.decode()
    assert not policies.can(people.secretary_b, "receive", letter)
    assert not policies.scope(people.secretary_b, "receive", Transfer.objects.filter(pk=letter.pk)).exists()
    posted = {"cell": tree.b.pk, "received_date": f"{today():%d/%m/%Y}"}
    assert client.post(letter.get_absolute_url(), posted).status_code == 404
    with pytest.raises(ApplicationError) as refused:
        lifecycle.transfer_receive(
            actor=people.secretary_b, transfer=letter, cell=tree.b, received_date=today()
        )
    assert refused.value.field_errors["state"] == "Trạng thái: giấy giới thiệu đã hủy."
    letter.refresh_from_db()
    assert letter.state == "da_huy"


def test_the_receipt_of_a_letter_out_of_the_deployment_is_recorded_for_a_transfer_not_a_temporary_one(
    client, tree, people
):
    import pytest

    from dangbo.core.errors import ApplicationError

    temporary = lifecycle.transfer_send(actor=people.staff, member=people.m_a1b, kind="tam_thoi",
                                        to_external="Học viện Chính trị", sent_date=dt.date(2024, 3, 1),
                                        temporary_until=dt.date(2024, 9, 1), letter_no="9-GGT/ĐU", purpose="cong_tac")  # fmt: skip
    client.force_login(people.staff)
    assert CONFIRM not in client.get(temporary.get_absolute_url()).content.decode()
    assert not policies.can(people.staff, "confirm_external", temporary)
    assert client.post(temporary.get_absolute_url(), {"date": "02/03/2024"}).status_code == 404
    with pytest.raises(ApplicationError, match="không có bước ghi nhận nơi đến tiếp nhận"):
        lifecycle.transfer_receive(
            actor=people.staff, transfer=temporary, cell=None, received_date=dt.date(2024, 3, 2)
        )
    temporary.refresh_from_db()
    assert temporary.state == "da_gui"

    official = lifecycle.transfer_send(actor=people.staff, member=people.m_a1, kind="chinh_thuc",
                                       to_external="Đảng bộ phường Bến Thủy", sent_date=today(), letter_no="18-GGT/ĐU")  # fmt: skip
    assert CONFIRM in client.get(official.get_absolute_url()).content.decode()
    assert policies.can(people.staff, "confirm_external", official)
    assert policies.scope(people.staff, "confirm_external", Transfer.objects.filter(pk=official.pk)).exists()
    assert not policies.can(people.secretary_b, "confirm_external", official)
    assert client.post(official.get_absolute_url(), {"date": f"{today():%d/%m/%Y}"}).status_code == 302
    official.refresh_from_db()
    assert official.state == "da_nhan"
