"""Personal data (Luật Bảo vệ dữ liệu cá nhân): who was shown a member's citizen ID, address and phone is
recorded — the fields named, never the values — and the staff who keep the record see the list."""

from __future__ import annotations

from django.test import Client

from dangbo.audit.models import Action, AuditEvent
from dangbo.audit.selectors import history_for, views_of
from dangbo.core.registries import AUDIT_EVENTS
from dangbo.members import services


def _page(user, member) -> str:
    client = Client()
    client.force_login(user)
    response = client.get(member.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def test_viewing_the_member_page_records_who_saw_which_fields_never_the_values(tree, people, root_user):
    member = people.m_a1
    services.member_update(actor=root_user, member=member, data={"phone": "0912000111", "residence": "Vinh"})
    _page(people.staff, member)
    [event] = views_of(member)
    assert (event.actor, event.action, event.event) == (
        people.staff,
        Action.VIEW,
        "members.personal_data.view",
    )
    assert event.event in AUDIT_EVENTS and event.event_label == "Xem dữ liệu cá nhân"
    assert event.changes["fields"]["after"] == "Số CCCD, Nơi thường trú, Điện thoại"
    stored = str(event.changes)
    assert "0912000111" not in stored and "Vinh" not in stored and member.citizen_id not in stored
    assert event.scope_path == member.org_path
    # A reload by the same person is one view; another person is another; the member reading their own is none.
    _page(people.staff, member)
    _page(people.cell_secretary, member)
    _page(people.member_user, member)
    assert [e.actor for e in views_of(member)] == [people.cell_secretary, people.staff]
    # Views are not changes: the history of changes does not list them.
    assert not history_for(member).filter(action=Action.VIEW).exists()


def test_the_staff_who_keep_the_record_see_who_viewed_it_the_member_does_not(tree, people):
    member = people.m_a1
    _page(people.staff, member)
    page = _page(people.cell_secretary, member)
    assert "Ai đã xem dữ liệu cá nhân" in page
    section = page.split("Ai đã xem dữ liệu cá nhân")[1]
    assert "staff" in section and "Số CCCD" in section
    own = _page(people.member_user, member)
    assert "Ai đã xem dữ liệu cá nhân" not in own


def test_no_personal_data_shown_nothing_recorded(tree, people, make_member):
    bare = make_member(tree.a1, "Vũ Văn Không", citizen_id=None, phone="", residence="")
    assert services.record_personal_data_view(actor=people.staff, member=bare) is False
    assert not AuditEvent.objects.filter(action=Action.VIEW).exists()


def test_the_edit_page_shows_the_personal_data_too_and_is_recorded(tree, people):
    from django.urls import reverse

    client = Client()
    client.force_login(people.secretary_a)
    assert client.get(reverse("members:edit", args=[people.m_a1.pk])).status_code == 200
    assert [e.actor for e in views_of(people.m_a1)] == [people.secretary_a]
