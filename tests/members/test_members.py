"""Member registry rules: validation with Vietnamese messages naming the field, nothing half-saved,
derived columns, audit on every write."""

from __future__ import annotations

import datetime as dt
import unicodedata

import pytest
from django.urls import reverse

from dangbo.audit.models import AuditEvent
from dangbo.audit.selectors import history_for
from dangbo.core.errors import ApplicationError
from dangbo.members import services
from dangbo.members.models import Member
from tests.conftest import member_data


def post_data(org, **overrides):
    """Form data as a browser sends it (dates dd/mm/yyyy)."""
    data = {
        "full_name": "Hồ Thị Minh Châu", "gender": "nu", "birth_date": "12/04/1990", "ethnicity": "Thái",
        "religion": "Không", "organization": org.pk, "status": "du_bi", "joined_date": "03/02/2012",
        "general_education": "12/12", "political_theory": "so_cap", "citizen_id": "040190000777",
    }  # fmt: skip
    data.update(overrides)
    return data


def test_create_through_the_form_saves_and_audits(client, tree, people):
    client.force_login(people.cell_secretary)
    response = client.post(reverse("members:create"), post_data(tree.a1))
    assert response.status_code == 302
    member = Member.objects.get(full_name="Hồ Thị Minh Châu")
    assert member.birth_date == dt.date(1990, 4, 12)
    assert member.name_norm == "ho thi minh chau"
    assert member.org_path == tree.a1.path
    event = history_for(member).get(action="create")
    assert event.actor == people.cell_secretary
    assert event.changes["full_name"]["after"] == "Hồ Thị Minh Châu"
    assert event.changes["birth_date"]["after"] == "12/04/1990"


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"birth_date": "31/02/1990"}, "birth_date", "Ngày sinh: ngày không hợp lệ"),
        ({"birth_date": "01/01/2999"}, "birth_date", "Ngày sinh: không được sau ngày hôm nay."),
        (
            {"joined_date": "01/01/2005"},
            "joined_date",
            "Ngày vào Đảng: khi đó đảng viên mới 14 tuổi, chưa đủ 18 tuổi.",
        ),
        (
            {"official_date": "01/01/2011"},
            "official_date",
            "Ngày chính thức: không được trước ngày vào Đảng.",
        ),
        ({"citizen_id": "12345"}, "citizen_id", "Số CCCD: phải gồm đúng 12 chữ số."),
        ({"full_name": ""}, "full_name", "Họ và tên: không được để trống."),
        (
            {"status": "chinh_thuc"},
            "official_date",
            "Ngày chính thức: đảng viên chính thức phải có ngày chính thức.",
        ),
    ],
)
def test_bad_input_is_refused_with_the_field_named(client, tree, people, overrides, field, message):
    client.force_login(people.staff)
    before = Member.objects.count(), AuditEvent.objects.count()
    response = client.post(reverse("members:create"), post_data(tree.a1, **overrides))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert any(message in e for e in errors[field]), errors
    assert message in response.content.decode()
    assert (Member.objects.count(), AuditEvent.objects.count()) == before


def test_duplicate_citizen_id_is_refused_without_showing_the_number(client, tree, people):
    client.force_login(people.staff)
    existing = people.m_a1.citizen_id
    response = client.post(reverse("members:create"), post_data(tree.a1, citizen_id=existing))
    body = response.content.decode()
    assert "Số CCCD: số này đã có trong hồ sơ của một đảng viên khác." in body
    assert Member.objects.filter(citizen_id=existing).count() == 1


def test_member_must_be_placed_in_a_cell(tree, root_user):
    with pytest.raises(ApplicationError) as error:
        services.member_create(actor=root_user, data=member_data(tree.a))
    assert (
        "đảng viên chỉ sinh hoạt ở chi bộ cơ sở hoặc chi bộ trực thuộc"
        in error.value.field_errors["organization"]
    )
    assert not Member.objects.exists()


def test_organization_outside_scope_cannot_be_chosen(client, tree, people):
    client.force_login(people.secretary_b)
    response = client.post(reverse("members:create"), post_data(tree.a1))
    assert response.status_code == 200
    assert "organization" in response.context["form"].errors
    assert not Member.objects.filter(full_name="Hồ Thị Minh Châu").exists()


def test_text_is_nfc_normalised_on_input(client, tree, people):
    client.force_login(people.staff)
    decomposed = unicodedata.normalize("NFD", "Nguyễn Thị Ánh Tuyết")
    client.post(
        reverse("members:create"),
        post_data(
            tree.a1, full_name=f"  {decomposed}  ", native_place=unicodedata.normalize("NFD", "Diễn Châu")
        ),
    )
    member = Member.objects.get(name_norm="nguyen thi anh tuyet")
    assert member.full_name == "Nguyễn Thị Ánh Tuyết"
    assert unicodedata.is_normalized("NFC", member.native_place)


def test_the_legacy_eth_typed_in_the_form_is_stored_as_d_bar(client, tree, people, django_user_model):
    """Old fonts and keyboards type "Ð" (U+00D0, the Icelandic eth) for "Đ": every input stores Đ — but a
    password is a secret, never corrected."""
    from dangbo.core.text import name_sort_key

    client.force_login(people.staff)
    client.post(
        reverse("members:create"), post_data(tree.a1, full_name="Ðoàn Thị Ðào", native_place="Ðông Hà")
    )
    member = Member.objects.get(name_norm="doan thi dao")
    assert (member.full_name, member.native_place) == ("Đoàn Thị Đào", "Đông Hà")
    assert member.name_sort == name_sort_key("Đoàn Thị Đào")
    django_user_model.objects.create_user("eth", password="Mat-khau-ð9")
    client.logout()
    response = client.post(reverse("accounts:login"), {"username": "eth", "password": "Mat-khau-ð9"})
    assert response.status_code == 302 and response.wsgi_request.user.username == "eth"


def test_update_records_field_level_before_and_after(client, tree, people):
    client.force_login(people.secretary_a)
    member = people.m_a1
    data = post_data(tree.a2, full_name=member.full_name, citizen_id=member.citizen_id, status="chinh_thuc",
                     official_date="03/02/2013", birth_date="17/05/1980", joined_date="02/03/2005",
                     gender="nam", ethnicity="Kinh", political_theory="cao_cap")  # fmt: skip
    response = client.post(reverse("members:edit", args=[member.pk]), data)
    assert response.status_code == 302, response.context["form"].errors
    member.refresh_from_db()
    # The cell is the member's standing: the edit form does not move a member (that is an event).
    assert member.organization == tree.a1
    event = history_for(member).get(action="update")
    assert event.changes["political_theory"]["before"] == "Trung cấp"
    assert event.changes["political_theory"]["after"] == "Cao cấp"
    assert "full_name" not in event.changes and "organization" not in event.changes
    page = client.get(reverse("members:detail", args=[member.pk])).content.decode()
    assert "Lịch sử thay đổi" in page and "Trung cấp → Cao cấp" in page


def test_delete_is_audited_and_scoped(client, tree, people):
    client.force_login(people.secretary_a)  # grassroots secretaries may not delete records
    assert client.post(reverse("members:delete", args=[people.m_a1.pk])).status_code == 404
    client.force_login(people.staff)
    assert client.post(reverse("members:delete", args=[people.m_a1.pk])).status_code == 302
    assert not Member.objects.filter(pk=people.m_a1.pk).exists()
    assert history_for(people.m_a1).filter(action="delete", actor=people.staff).exists()


def test_official_date_before_joining_is_also_refused_by_the_database(tree, make_member):
    member = make_member(tree.a1)
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Member.objects.filter(pk=member.pk).update(official_date=dt.date(2000, 1, 1))


def test_too_long_text_names_the_field_in_vietnamese(client, tree, people):
    client.force_login(people.staff)
    response = client.post(reverse("members:create"), post_data(tree.a1, occupation="x" * 300))
    body = response.content.decode()
    assert "Nghề nghiệp: Giá trị này dài tối đa 255 ký tự (đang có 300 ký tự)." in body


def test_the_cell_is_chosen_with_the_organization_picker(client, tree, people):
    client.force_login(people.staff)
    page = client.get(reverse("members:create") + f"?chi_bo={tree.a2.pk}").content.decode()
    picker = page[page.index("data-org-picker") : page.index("</select>", page.index("data-org-picker"))]
    assert 'data-work="place_members"' in picker and f'<option selected value="{tree.a2.pk}"' in picker
    data = post_data(tree.a2, organization=str(tree.a2.pk))
    assert client.post(reverse("members:create"), data).status_code == 302
    assert Member.objects.get(full_name="Hồ Thị Minh Châu").organization == tree.a2
    edit = client.get(reverse("members:edit", args=[people.m_a1.pk])).content.decode()
    assert 'name="organization"' not in edit  # the cell changes by events (transfer), not by editing
    # the picker offers committees too (to find the cells under them): a committee is refused by name
    response = client.post(
        reverse("members:create"), post_data(tree.a2, organization=str(tree.a.pk), citizen_id="040190000778")
    )
    assert "Chi bộ: hãy chọn một chi bộ đang hoạt động trong phạm vi của bạn" in response.content.decode()
    # the picker's search of the same scope, and nothing outside the user's own
    found = client.get(reverse("organizations:picker"), {"q": "khoa noi", "lam": "place_members"}).json()
    assert [r["id"] for r in found["results"]] == [tree.a2.pk]
    client.force_login(people.cell_secretary)
    found = client.get(reverse("organizations:picker"), {"q": "khoa noi", "lam": "place_members"}).json()
    assert found["results"] == []
    assert client.get(reverse("organizations:picker"), {"q": "x", "lam": "khong-co"}).status_code == 404


@pytest.mark.parametrize("value", ["²", "٣", "99999999999999999999999", "-1", "abc"])
def test_preselected_cell_or_member_in_the_address_is_read_safely(client, tree, people, value):
    """A hand-edited address (a superscript digit, an Arabic-Indic digit, a number no database integer holds)
    opens the page without the preselection, never a server error."""
    client.force_login(people.staff)
    assert client.get(reverse("members:create"), {"chi_bo": value}).status_code == 200
    assert client.get(reverse("accounts:user_create"), {"dang_vien": value}).status_code == 200
    assert client.get(reverse("members:list"), {"organization": value}).status_code == 200


def test_member_name_is_title_cased_and_a_wrong_phone_refused(tree, root_user):
    m = services.member_create(
        actor=root_user, data=member_data(tree.a1, "nguyễn văn đức", phone="0912 345 678")
    )
    assert m.full_name == "Nguyễn Văn Đức" and m.phone == "0912345678" and m.name_norm == "nguyen van duc"
    with pytest.raises(ApplicationError) as refused:
        services.member_update(actor=root_user, member=m, data={"phone": "09x1234567"})
    assert refused.value.field_errors["phone"].startswith("Điện thoại:")


def test_the_member_page_shows_a_login_button_seats_and_transfers_only_where_there_are_some(
    client, tree, people, seat, history_of_a
):
    """The page reads whether the member has a login, committee seats and transfers with the member itself
    (``members.selectors.member_page``) and asks no further when they have none: each part still appears for the
    member who has it, and only for them."""
    client.force_login(people.staff)

    def page(member):
        return client.get(reverse("members:detail", args=[member.pk])).content.decode()

    has_login_and_seat, has_transfer, plain = page(people.m_a1), page(people.m_a1b), page(people.m_a2)
    create_login = f"?dang_vien={people.m_a2.pk}"
    # m_a1 has a login (member_user) and a seat; m_a1b a transfer; m_a2 none of them
    assert "Tạo tài khoản" not in has_login_and_seat and create_login in plain
    assert "Tham gia cấp ủy" in has_login_and_seat and "nhiệm kỳ 2020–2025" in has_login_and_seat
    assert "Tham gia cấp ủy" not in plain and "Tham gia cấp ủy" not in has_transfer
    assert "<h3>Chuyển sinh hoạt đảng</h3>" in has_transfer and "Học viện" in has_transfer
    transfers = "<h3>Chuyển sinh hoạt đảng</h3>"
    assert transfers not in plain and transfers not in has_login_and_seat
