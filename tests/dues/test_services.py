"""Dues services and pages: basis, month sheet (all or nothing, stale saves refused), remittances, arrears,
scope."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from dangbo.audit.models import AuditEvent
from dangbo.core.errors import ApplicationError, NotFound
from dangbo.dues import selectors, services
from dangbo.dues.models import DuesPayment, DuesSheet, Remittance
from dangbo.members.history import services as lifecycle

MARCH = dt.date(2026, 3, 1)


@pytest.fixture
def dues(tree, people, root_user, clock):
    clock.set(dt.date(2026, 4, 15))
    services.set_basis(actor=root_user, member=people.m_a1, valid_from=dt.date(2025, 1, 1), group="luong_bhxh",
                       basis=8_000_000)  # fmt: skip
    services.set_basis(actor=root_user, member=people.m_a1b, valid_from=dt.date(2025, 1, 1), group="luong_huu",
                       basis=6_000_000)  # fmt: skip
    return people


def _rows(people, a=80_000, b=30_000, day=dt.date(2026, 3, 5)):
    return [
        {"member": people.m_a1.pk, "paid": a, "paid_on": day, "way": "tien_mat"},
        {"member": people.m_a1b.pk, "paid": b, "paid_on": day, "way": "cong_dvc"},
    ]


def test_sheet_lists_the_roll_with_amounts_owed(dues, tree):
    s = selectors.month_sheet(tree.a1, MARCH)
    assert [line.member.full_name for line in s.lines] == ["Trần Thị Lan", "Nguyễn Văn Hùng"] or len(
        s.lines
    ) == 2
    owed = {line.member.pk: line.owed.amount for line in s.lines}
    assert owed == {dues.m_a1.pk: 80_000, dues.m_a1b.pk: 30_000}


def test_record_month_saves_every_row_and_audits(dues, tree):
    sheet = services.record_month(
        actor=dues.cell_secretary, organization=tree.a1, month=MARCH, rows=_rows(dues), version=0
    )
    assert sheet.version == 1
    rows = DuesPayment.objects.filter(month=MARCH).order_by("member_id")
    assert [(r.owed, r.paid, r.org_path) for r in rows] == [
        (80_000, 80_000, tree.a1.path),
        (30_000, 30_000, tree.a1.path),
    ]
    assert AuditEvent.objects.filter(event="dues.payment.record").count() == 2


def test_stale_save_is_refused_and_changes_nothing(dues, tree):
    services.record_month(
        actor=dues.cell_secretary, organization=tree.a1, month=MARCH, rows=_rows(dues), version=0
    )
    with pytest.raises(ApplicationError) as e:
        services.record_month(actor=dues.secretary_a, organization=tree.a1, month=MARCH,
                              rows=_rows(dues, a=0, b=0), version=0)  # fmt: skip
    assert "version" in e.value.field_errors and "người khác" in e.value.message
    assert sorted(DuesPayment.objects.values_list("paid", flat=True)) == [30_000, 80_000]
    assert DuesSheet.objects.get().version == 1


@pytest.mark.parametrize(
    "paid, message", [(-5, "không được âm"), (80_000 * 100 + 1, "số quá lớn"), ("abc", "")]
)
def test_bad_amounts_are_refused_with_nothing_saved(dues, tree, paid, message):
    with pytest.raises(ApplicationError) as e:
        services.record_month(actor=dues.cell_secretary, organization=tree.a1, month=MARCH,
                              rows=_rows(dues, a=paid), version=0)  # fmt: skip
    error = e.value.field_errors[f"paid_{dues.m_a1.pk}"]
    assert error.startswith("Nguyễn Văn Hùng — số tiền đóng:") and message in error
    assert not DuesPayment.objects.exists() and not DuesSheet.objects.filter(version__gt=0).exists()


def test_member_not_on_the_roll_that_month_is_refused(dues, tree):
    rows = _rows(dues) + [
        {"member": dues.m_a2.pk, "paid": 10_000, "paid_on": dt.date(2026, 3, 5), "way": "tien_mat"}
    ]
    with pytest.raises(ApplicationError) as e:
        services.record_month(actor=dues.secretary_a, organization=tree.a1, month=MARCH, rows=rows, version=0)
    assert (
        "không có tên trong danh sách chi bộ tháng 03/2026" in e.value.field_errors[f"member_{dues.m_a2.pk}"]
    )
    assert not DuesPayment.objects.exists()
    # Before the member joined the roll (2015), the cell has no such member either.
    with pytest.raises(ApplicationError):
        services.record_month(actor=dues.secretary_a, organization=tree.a1, month=dt.date(2014, 6, 1),
                              rows=_rows(dues), version=0)  # fmt: skip


def test_paid_needs_a_date_and_a_way(dues, tree):
    rows = [{"member": dues.m_a1.pk, "paid": 80_000, "paid_on": None, "way": ""}]
    with pytest.raises(ApplicationError) as e:
        services.record_month(
            actor=dues.cell_secretary, organization=tree.a1, month=MARCH, rows=rows, version=0
        )
    assert {f"paid_on_{dues.m_a1.pk}", f"way_{dues.m_a1.pk}"} <= set(e.value.field_errors)


def test_member_moved_mid_month_owes_the_month_to_the_first_cell(dues, tree, root_user, clock):
    from dangbo.dues.selectors import month_roll

    clock.set(dt.date(2026, 3, 20))
    lifecycle.members_move(actor=root_user, members=[dues.m_a1], cell=tree.a2, date=dt.date(2026, 3, 10))
    assert dues.m_a1.pk in [m.pk for m in month_roll(tree.a1, MARCH)]
    assert dues.m_a1.pk not in [m.pk for m in month_roll(tree.a2, MARCH)]
    assert dues.m_a1.pk in [m.pk for m in month_roll(tree.a2, dt.date(2026, 4, 1))]
    assert dues.m_a1.pk not in [m.pk for m in month_roll(tree.a1, dt.date(2026, 4, 1))]
    with pytest.raises(ApplicationError):  # April: no longer on the first cell's roll
        services.record_month(actor=root_user, organization=tree.a1, month=dt.date(2026, 4, 1),
                              rows=_rows(dues)[:1], version=0)  # fmt: skip


def test_remittance_bounded_by_collection_minus_share(dues, tree):
    services.record_month(
        actor=dues.cell_secretary, organization=tree.a1, month=MARCH, rows=_rows(dues), version=0
    )
    # 110.000 collected, the cell keeps 30% = 33.000, remits at most 77.000.
    with pytest.raises(ApplicationError) as e:
        services.record_remittance(actor=dues.cell_secretary, organization=tree.a1, month=MARCH, amount=77_001,
                                   sent_on=dt.date(2026, 4, 2))  # fmt: skip
    assert "77.000 đ" in e.value.field_errors["amount"] and not Remittance.objects.exists()
    r = services.record_remittance(actor=dues.cell_secretary, organization=tree.a1, month=MARCH, amount=77_000,
                                   sent_on=dt.date(2026, 4, 2))  # fmt: skip
    assert r.to_organization == tree.a
    with pytest.raises(ApplicationError):  # nothing left to remit
        services.record_remittance(actor=dues.cell_secretary, organization=tree.a1, month=MARCH, amount=1,
                                   sent_on=dt.date(2026, 4, 2))  # fmt: skip
    with pytest.raises(NotFound):  # only the receiving side confirms
        services.confirm_received(actor=dues.cell_secretary, remittance=r, received_on=dt.date(2026, 4, 3))
    services.confirm_received(actor=dues.secretary_a, remittance=r, received_on=dt.date(2026, 4, 3))
    # The grassroots committee keeps 70% of 77.000 = 53.900 and remits 23.100 to the bloc.
    pos = selectors.position(tree.a, MARCH)
    assert (pos.collected, pos.kept, pos.to_remit) == (77_000, 53_900, 23_100)
    assert pos.kept + pos.to_remit + 33_000 == 110_000


def test_arrears_flag_after_three_unpaid_months(dues, tree, root_user, clock):
    clock.set(dt.date(2026, 5, 10))
    for month in (dt.date(2026, 1, 1), dt.date(2026, 2, 1), dt.date(2026, 3, 1)):
        v = services.sheet_version(tree.a1, month)
        services.record_month(actor=dues.cell_secretary, organization=tree.a1, month=month,
                              rows=_rows(dues, a=0, b=30_000, day=month), version=v)  # fmt: skip
    assert [p.month.month for p in selectors.arrears(dues.m_a1, dt.date(2026, 5, 10))] == [1, 2, 3]
    assert selectors.arrears(dues.m_a1b, dt.date(2026, 5, 10)) == []
    from dangbo.members.history.selectors import org_label, removal_candidates

    alerts = removal_candidates(dues.cell_secretary, on=dt.date(2026, 5, 10))
    texts = [a.text for a in alerts]
    assert any("Nguyễn Văn Hùng: chưa đóng đủ đảng phí 3 tháng" in t for t in texts)
    # The home page groups it under the member's cell, not under «Chung».
    assert {a.org for a in alerts if "đảng phí" in a.text} == {org_label(tree.a1)}
    assert not any("Trần Thị Lan" in t for t in texts)
    assert selectors.paid_up_to(dues.m_a1b) == dt.date(2026, 3, 1) and selectors.paid_up_to(dues.m_a1) is None


def test_basis_rules(dues, root_user):
    m = dues.m_a1
    with pytest.raises(ApplicationError) as e:
        services.set_basis(
            actor=root_user, member=m, valid_from=dt.date(2026, 3, 1), group="luong_bhxh", basis=-1
        )
    assert e.value.field_errors["basis"] == "Căn cứ tính: không được âm."
    with pytest.raises(ApplicationError) as e:
        services.set_basis(actor=root_user, member=m, valid_from=dt.date(2026, 3, 1), group="luong_bhxh",
                           basis=8_000_000, reduction_percent=50)  # fmt: skip
    assert {"decision_no", "relief_until"} <= set(e.value.field_errors)
    with pytest.raises(ApplicationError) as e:
        services.set_basis(actor=root_user, member=m, valid_from=dt.date(2026, 3, 1), group="luong_bhxh",
                           basis=8_000_000, reduction_percent=50, decision_no="3-QĐ/ĐU",
                           relief_until=dt.date(2027, 3, 1))  # fmt: skip
    assert "tối đa 12 tháng" in e.value.field_errors["relief_until"]
    with pytest.raises(ApplicationError) as e:
        services.set_basis(
            actor=root_user, member=m, valid_from=dt.date(2025, 3, 1), group="khac", basis=50_000
        )
    assert "từ 2.000 đ đến 30.000 đ" in e.value.field_errors["basis"]
    services.set_basis(actor=root_user, member=m, valid_from=dt.date(2026, 3, 1), group="luong_bhxh",
                       basis=8_000_000, reduction_percent=50, decision_no="3-QĐ/ĐU", relief_until=dt.date(2026, 5, 1))  # fmt: skip
    from dangbo.dues.selectors import owed_for

    assert (
        owed_for(m, dt.date(2026, 5, 1)).amount == 40_000
        and owed_for(m, dt.date(2026, 6, 1)).amount == 80_000
    )
    with pytest.raises(NotFound):
        services.set_basis(actor=dues.secretary_b, member=m, valid_from=dt.date(2026, 3, 1), group="hoc_sinh")


def test_party_age_of_50_years_exempts_under_qd_01(tree, make_member, root_user):
    m = make_member(tree.a1, "Phan Văn Lão", admission_decision_date=dt.date(1975, 1, 10), joined_date=dt.date(1975, 1, 10),
                    official_date=dt.date(1976, 1, 10), birth_date=dt.date(1950, 1, 1))  # fmt: skip
    services.set_basis(
        actor=root_user, member=m, valid_from=dt.date(2024, 1, 1), group="luong_huu", basis=6_000_000
    )
    from dangbo.dues.selectors import owed_for

    assert owed_for(m, dt.date(2026, 1, 1)).amount == 30_000  # QĐ 342: no such exemption
    assert (
        owed_for(m, dt.date(2026, 2, 1)).amount == 0
        and owed_for(m, dt.date(2026, 2, 1)).exempt == "tuoi_dang"
    )


# --- pages ---------------------------------------------------------------------------------------------------------


def test_secretary_records_the_sheet_on_the_page(client, dues, tree):
    client.force_login(dues.cell_secretary)
    url = reverse("dues:sheet", args=[tree.a1.pk]) + "?thang=03/2026"
    page = client.get(url)
    assert (
        page.status_code == 200
        and "Nguyễn Văn Hùng" in page.content.decode()
        and "80.000 đ" in page.content.decode()
    )
    data = {"version": "0", f"paid_{dues.m_a1.pk}": "80.000", f"paid_on_{dues.m_a1.pk}": "05/03/2026",
            f"way_{dues.m_a1.pk}": "tien_mat", f"paid_{dues.m_a1b.pk}": "", f"paid_on_{dues.m_a1b.pk}": "",
            f"way_{dues.m_a1b.pk}": ""}  # fmt: skip
    assert client.post(url, data).status_code == 302
    assert DuesPayment.objects.get(member=dues.m_a1).paid == 80_000
    assert DuesPayment.objects.get(member=dues.m_a1b).paid == 0
    stale = client.post(url, {**data, f"paid_{dues.m_a1.pk}": "1.000"})
    assert stale.status_code == 200 and "người khác" in stale.content.decode()
    assert DuesPayment.objects.get(member=dues.m_a1).paid == 80_000
    bad = client.post(url, {**data, "version": "1", f"paid_{dues.m_a1.pk}": "-3"})
    assert "số tiền đóng: không được âm" in bad.content.decode()


def test_the_sheet_shows_every_problem_in_one_round_and_saves_nothing(client, dues, tree):
    client.force_login(dues.cell_secretary)
    url = reverse("dues:sheet", args=[tree.a1.pk]) + "?thang=03/2026"
    data = {"version": "0", f"paid_{dues.m_a1.pk}": "-3", f"paid_on_{dues.m_a1.pk}": "05/03/2026",
            f"way_{dues.m_a1.pk}": "tien_mat", f"paid_{dues.m_a1b.pk}": "60.000", f"paid_on_{dues.m_a1b.pk}": "31/02/2026",
            f"way_{dues.m_a1b.pk}": "tien_mat"}  # fmt: skip
    page = client.post(url, data).content.decode()
    assert "Ngày đóng: không hợp lệ" in page  # the page cannot read the date
    assert "số tiền đóng: không được âm" in page  # the service, in the same round
    assert not DuesPayment.objects.filter(month=dt.date(2026, 3, 1)).exists()


def test_scope_other_cells_sheet_is_404(client, dues, tree):
    client.force_login(dues.cell_secretary)
    assert client.get(reverse("dues:sheet", args=[tree.a2.pk])).status_code == 404
    assert client.post(reverse("dues:sheet", args=[tree.a2.pk]), {"version": "0"}).status_code == 404
    client.force_login(dues.secretary_b)
    assert client.get(reverse("dues:sheet", args=[tree.a1.pk])).status_code == 404
    assert client.get(reverse("dues:member", args=[dues.m_a1.pk])).status_code == 404
    assert client.get(reverse("dues:book", args=[tree.a1.pk])).status_code == 404
    client.force_login(dues.leader)  # a leader reads, records nothing
    assert client.get(reverse("dues:sheet", args=[tree.a1.pk])).status_code == 200
    assert client.post(reverse("dues:sheet", args=[tree.a1.pk]), {"version": "0"}).status_code == 404


def test_member_sees_own_history_only(client, dues, tree):
    services.record_month(
        actor=dues.cell_secretary, organization=tree.a1, month=MARCH, rows=_rows(dues), version=0
    )
    client.force_login(dues.member_user)
    page = client.get(reverse("dues:member", args=[dues.m_a1.pk]))
    assert page.status_code == 200 and "03/2026" in page.content.decode()
    assert client.get(reverse("dues:member", args=[dues.m_a1b.pk])).status_code == 404
    assert client.get(reverse("dues:overview")).status_code == 302
    assert client.get(reverse("dues:sheet", args=[tree.a1.pk])).status_code == 404


def test_overview_and_book(client, dues, tree):
    services.record_month(
        actor=dues.cell_secretary, organization=tree.a1, month=MARCH, rows=_rows(dues, b=0), version=0
    )
    client.force_login(dues.secretary_a)
    page = client.get(reverse("dues:overview"), {"to_chuc": tree.a.pk, "thang": "03/2026"}).content.decode()
    assert "Chi bộ Văn phòng" in page and "80.000 đ" in page and "72,7%" in page
    assert "Còn thiếu" in page and "56.000 đ" in page  # 80.000 collected, 30% kept: 56.000 due up, none sent
    year = client.get(reverse("dues:overview"), {"to_chuc": tree.a.pk, "nam": "2026"})
    assert year.status_code == 200
    book = client.get(reverse("dues:book", args=[tree.a1.pk]), {"nam": "2026"})
    assert book.status_code == 200 and book["Content-Type"].startswith("application/vnd.openxmlformats")
    from io import BytesIO

    from openpyxl import load_workbook

    ws = load_workbook(BytesIO(book.content)).active
    values = [c for row in ws.iter_rows(values_only=True) for c in row if c is not None]
    assert "03/2026" in values and 80_000 in values


def test_policies_answer_the_same_for_one_row_as_for_a_list(dues, tree, root_user):
    """``can`` agrees with ``scope`` for every dues model, persona and action."""
    from dangbo.core import policies
    from dangbo.dues.models import DuesBasis, DuesTotal

    services.record_month(
        actor=dues.cell_secretary, organization=tree.a1, month=MARCH, rows=_rows(dues), version=0
    )
    services.set_basis(
        actor=root_user, member=dues.m_b, valid_from=dt.date(2025, 1, 1), group="hoc_sinh", basis=5_000
    )
    services.record_month(actor=root_user, organization=tree.b, month=MARCH, version=0,
                          rows=[{"member": dues.m_b.pk, "paid": 5_000, "paid_on": dt.date(2026, 3, 2), "way": "chuyen_khoan"}])  # fmt: skip
    services.record_remittance(actor=dues.cell_secretary, organization=tree.a1, month=MARCH, amount=10_000,
                               sent_on=dt.date(2026, 4, 1))  # fmt: skip
    services.record_remittance(
        actor=root_user, organization=tree.b, month=MARCH, amount=1_000, sent_on=dt.date(2026, 4, 1)
    )
    personas = [
        "staff",
        "leader",
        "secretary_a",
        "secretary_b",
        "staff_b",
        "cell_secretary",
        "member_user",
        "nobody",
    ]
    checked = 0
    for model in (DuesBasis, DuesPayment, DuesSheet, DuesTotal, Remittance):
        policy = policies.policy_for(model)
        rows = list(model.objects.all())
        assert rows
        for name in personas:
            user = getattr(dues, name)
            for action in sorted(policy.actions):
                listed = set(policies.scope(user, action, model.objects.all()).values_list("pk", flat=True))
                for row in rows:
                    checked += 1
                    assert policies.can(user, action, row) == (row.pk in listed), (model, name, action)
    assert checked > 100
    member = dues.member_user
    assert set(
        policies.scope(member, "view", DuesPayment.objects.all()).values_list("member_id", flat=True)
    ) == {dues.m_a1.pk}


def test_transfer_form_offers_paid_up_to_from_the_ledger(client, dues, tree, root_user):
    for month in (dt.date(2026, 2, 1), MARCH):
        services.record_month(actor=root_user, organization=tree.a1, month=month, version=0,
                              rows=_rows(dues, day=month + dt.timedelta(days=3)))  # fmt: skip
    assert selectors.paid_up_to(dues.m_a1) == MARCH
    client.force_login(dues.secretary_a)
    page = client.get(reverse("members:transfer_create", args=[dues.m_a1.pk])).content.decode()
    assert 'value="03/2026"' in page


def test_several_months_paid_at_once(client, dues, tree, root_user):
    services.record_month(
        actor=dues.cell_secretary, organization=tree.a1, month=MARCH, rows=_rows(dues, a=0), version=0
    )
    client.force_login(dues.cell_secretary)
    url = reverse("dues:member", args=[dues.m_a1.pk])
    data = {
        "action": "nhieu_thang",
        "first_month": "03/2026",
        "months": "4",
        "paid_on": "10/04/2026",
        "way": "tien_mat",
    }
    assert client.post(url, data).status_code == 302  # March in arrears, April, May and June in advance
    rows = list(DuesPayment.objects.filter(member=dues.m_a1).order_by("month").values_list("month", "paid"))
    assert rows == [(dt.date(2026, m, 1), 80_000) for m in (3, 4, 5, 6)]
    assert (
        DuesSheet.objects.get(organization=tree.a1, month=MARCH).version == 2
    )  # an open copy of March is stale
    again = client.post(url, {**data, "first_month": "06/2026", "months": "2"})
    assert "tháng 06/2026 đã ghi đóng 80.000 đ" in again.content.decode()
    assert not DuesPayment.objects.filter(month=dt.date(2026, 7, 1)).exists()  # nothing of the refused save
    far = client.post(url, {**data, "first_month": "07/2026", "months": "24"})
    assert (
        "Số tháng" in far.content.decode()
        and not DuesPayment.objects.filter(month__gt=dt.date(2026, 6, 1)).exists()
    )
    client.force_login(dues.secretary_b)
    assert client.post(url, data).status_code == 404


def _row_cells(page: str, name: str) -> list[str]:
    """The texts of the cells of the table row that names ``name``."""
    import re

    row = next(tr for tr in re.findall(r"<tr[^>]*>(.*?)</tr>", page, re.S) if name in tr)
    return [re.sub(r"<[^>]+>", "", td).strip() for td in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]


def test_a_month_without_data_is_not_a_measured_zero(client, dues, tree):
    """Issue 13: a month still running with nothing paid, or a month no sheet was made for, reads «chưa có số
    liệu» ("—" with the legend) on the overview, the sheet, the cell's book (XLSX) and the report (DOCX); a month
    that is over with members owing and nothing paid is a real 0."""
    from io import BytesIO

    from docx import Document
    from openpyxl import load_workbook

    april = dt.date(2026, 4, 1)  # today is 15/04/2026: April is running, March is over
    services.record_month(
        actor=dues.cell_secretary, organization=tree.a1, month=MARCH, rows=_rows(dues, a=0, b=0), version=0
    )
    services.generate_owed(actor=None, cells=[tree.a1.pk], month=april)  # owed made, nothing paid yet
    client.force_login(dues.secretary_a)

    def overview(month):
        return client.get(reverse("dues:overview"), {"to_chuc": tree.a.pk, "thang": month}).content.decode()

    march, running = overview("03/2026"), overview("04/2026")
    assert _row_cells(march, "Chi bộ Văn phòng")[1:4] == ["2", "110.000 đ", "0 đ"]
    assert _row_cells(march, "Chi bộ Văn phòng")[4] == "0,0%"
    assert _row_cells(running, "Chi bộ Văn phòng")[1:5] == ["2", "110.000 đ", "—", "—"]
    assert _row_cells(running, "Chi bộ Văn phòng")[5:] == [
        "—",
        "0 đ",
        "0 đ",
        "—",
    ]  # to send up: not known yet
    assert _row_cells(running, "Chi bộ Khoa Nội")[1:5] == ["—", "—", "—", "—"]  # no sheet at all
    assert "— : chưa có số liệu" in running and "Tổng thu: <strong>chưa có số liệu</strong>" in running
    assert "0,0%" not in running.split("<tbody>")[1].split("</table>")[0]

    client.force_login(dues.cell_secretary)
    sheet = reverse("dues:sheet", args=[tree.a1.pk])
    assert (
        "Đã thu: <strong>chưa có số liệu</strong>" in client.get(sheet, {"thang": "04/2026"}).content.decode()
    )
    assert "Đã thu: <strong>0 đ</strong>" in client.get(sheet, {"thang": "03/2026"}).content.decode()

    ws = load_workbook(
        BytesIO(client.get(reverse("dues:book", args=[tree.a1.pk]), {"nam": "2026"}).content)
    ).active
    rows = {
        r[1]: r for r in ws.iter_rows(values_only=True) if r and isinstance(r[1], str) and "/2026" in r[1]
    }
    assert rows["02/2026"][2:8] == ("—", "—", "—", "—", 0, "—")  # no sheet
    assert rows["03/2026"][2:8] == (2, 110_000, 0, 0, 0, 110_000)  # over: a real 0, owed in full
    assert rows["04/2026"][2:8] == (2, 110_000, "—", "—", 0, "—")  # running, nothing paid
    notes = [
        c for r in ws.iter_rows(values_only=True) for c in r if isinstance(c, str) and c.startswith("—:")
    ]
    assert notes and "chưa có số liệu" in notes[0]

    report = Document(
        BytesIO(client.get(reverse("dues:report", args=[tree.a1.pk]), {"thang": "04/2026"}).content)
    )
    text = "\n".join(p.text for p in report.paragraphs)
    assert (
        "Đảng phí phải thu tháng 04/2026: 110.000 đ; đã thu: chưa có số liệu" in text and "0,0%" not in text
    )
    assert "thu trực tiếp của đảng viên: chưa có số liệu (tháng 04/2026 đang thu)" in text


def test_the_review_reports_dues_figures_leave_out_a_month_still_being_collected(dues, tree):
    """Issue 13: the review report's dues sentence (``reports.selectors.dues_section``, page and DOCX) counts the
    months whose collection is a figure: April still running with nothing paid does not lower the rate as a 0; a
    period of that month alone is «chưa có số liệu»."""
    from dangbo.reports.selectors import dues_section

    april = dt.date(2026, 4, 1)  # today is 15/04/2026
    services.record_month(
        actor=dues.cell_secretary, organization=tree.a1, month=MARCH, rows=_rows(dues, b=0), version=0
    )
    services.generate_owed(actor=None, cells=[tree.a1.pk], month=april)
    both = dues_section(dues.secretary_a, tree.a, MARCH, dt.date(2026, 4, 30))
    assert both.figures["phai_thu"] == 110_000 and both.figures["da_thu"] == 80_000  # March only
    assert both.figures["ty_le"] == 72.7
    assert both.figures["lines"] == [
        "Đảng phí phải thu 110.000 đồng, đã thu 80.000 đồng (72,7%) — không tính tháng đang thu chưa có số liệu."
    ]
    running = dues_section(dues.secretary_a, tree.a, april, dt.date(2026, 4, 30))
    assert running.figures["da_thu"] is None and running.figures["ty_le"] is None
    assert "chưa có số liệu" in running.figures["lines"][0] and "0 đồng" not in running.figures["lines"][0]
    assert all(r["paid"] is None for r in running.rows)
