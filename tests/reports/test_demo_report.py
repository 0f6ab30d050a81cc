"""The bloc's review reports of 2013 from the demo, as the seed conference (10/07/2013) stated them: every number
from a query, read back from the generated DOCX. One demo load at the real today (about 15 s)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection, transaction
from django.test import override_settings
from django.urls import reverse

from dangbo.accounts.models import User
from dangbo.demo.loader import load_demo
from dangbo.organizations.models import Organization

from .test_documents import text_of

D = dt.date


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]),
    ):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            loaded = load_demo()
            # Check the demo's foreign keys now, once. PostgreSQL keeps them deferred to the end of this transaction:
            # left pending, every test's end (Django checks the constraints there) checked all of them again.
            connection.check_constraints()
            yield loaded
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def data(demo, db):
    return demo


def download(client, **params) -> str:
    client.force_login(User.objects.get(username="tinhuy"))
    bloc = Organization.objects.get(code="KCQ")
    response = client.post(
        reverse("reports:review"), {"organization": bloc.pk, "day": "10/07/2013", **params}
    )
    assert response.status_code == 200 and response["Content-Disposition"].endswith('.docx"'), (
        response.content[:3000]
    )
    return text_of(response.content)[0]


def test_the_blocs_first_half_of_2013_report_says_what_the_conference_said(data, client):
    text = download(client, kind="6_thang", year="2013", next_tasks="Tiếp tục thực hiện Chỉ thị 03-CT/TW.")
    assert "ĐẢNG BỘ TỈNH NGHỆ AN" in text and "ĐẢNG ỦY KHỐI CÁC CƠ QUAN TỈNH NGHỆ AN" in text
    assert "Nghệ An, ngày 10 tháng 7 năm 2013" in text
    assert "Tính đến ngày 30/06/2013, Đảng bộ Khối các cơ quan tỉnh Nghệ An có 59 tổ chức cơ sở đảng" in text
    assert "47 cơ quan, đơn vị thuộc Đảng bộ Khối các cơ quan tỉnh Nghệ An nhận giúp đỡ 35 xã" in text
    assert "đồng (hơn 2 tỷ đồng)." in text
    assert "Tiếp tục thực hiện Chỉ thị 03-CT/TW." in text


def test_the_blocs_mid_term_report_states_the_study_of_directive_03(data, client):
    text = download(client, kind="giua_nhiem_ky", year="2013")
    assert (
        "Sơ kết giữa nhiệm kỳ thực hiện Nghị quyết Đại hội Đảng bộ Khối các cơ quan tỉnh Nghệ An, nhiệm kỳ 2010–2015"
        in text
    )
    assert "57/59 tổ chức đã học tập, quán triệt Chỉ thị số 03-CT/TW" in text
    assert "Nghị quyết Đại hội nhiệm kỳ 2010–2015 đề ra 7 chỉ tiêu" in text


def test_the_demos_rollups_equal_the_live_figures(data):
    """The demo load builds the rollups; every row equals a recount (what CI's ``dangbo rollups check`` asks), and
    the figures of the bloc, its grassroots organizations and the two committees of 2025 equal the live ones —
    before and after the restructurings of 2024–2025."""
    from dangbo.members.counts import selectors as asof
    from dangbo.reports.rollups import selectors as rollups
    from dangbo.reports.rollups.services import check

    from .test_rollups import assert_same, assert_same_movement

    assert rollups.state() is not None and check() == []
    bloc = Organization.objects.get(code="KCQ")
    grassroots = list(Organization.objects.filter(parent=bloc).order_by("pk")[:6])
    later = list(Organization.objects.filter(code__in=["CQD", "UBND"]))
    assert len(later) == 2
    days = [D(2010, 12, 31), D(2013, 6, 30), D(2024, 12, 31), D(2025, 1, 31), D(2025, 2, 28), D(2025, 12, 31)]
    for org in [bloc.parent, bloc, *grassroots, *later]:
        for on in days:
            if rollups.covers(on):
                assert_same(org, on)
        assert_same_movement(org, D(2013, 1, 1), D(2013, 6, 30))
        assert_same_movement(org, D(2024, 7, 1), D(2025, 6, 30))
        assert_same_movement(org, D(2025, 2, 13), D(2025, 2, 13))
    assert rollups.headcount(bloc, D(2013, 6, 30)) == asof.headcount(bloc, D(2013, 6, 30))


def test_the_demos_meeting_grid_and_report_section_read_from_the_rollups_equal_a_live_count(data):
    """The demo load builds the meeting rollups; the bloc's grid of 2013 and of this year, a grassroots
    organization's, and the meetings section of the mid-term report equal what the meetings give counted live."""
    from dangbo.core.dates import today

    from .test_meeting_rollups import assert_grids_equal, assert_report_equal

    user = User.objects.get(username="tinhuy")
    bloc = Organization.objects.get(code="KCQ")
    first = Organization.objects.filter(parent=bloc).order_by("pk").first()
    assert_grids_equal(user, [bloc, first], years=(2013, today().year))
    assert_report_equal(user, bloc, D(2010, 10, 1), D(2013, 6, 30))


def test_the_appendices_add_evaluation_and_dues_sheets_when_the_organization_has_them(data):
    """The demo's decided evaluations and its dues ledger (from January of last year) give the bloc's report two more
    sections and appendix sheets, with the figures of their apps' selectors; the first half of 2013 has neither."""
    import io

    from openpyxl import load_workbook

    from dangbo.core.dates import today
    from dangbo.dues import selectors as dues
    from dangbo.evaluation import selectors as evaluation
    from dangbo.reports import documents, selectors

    user = User.objects.get(username="tinhuy")
    bloc = Organization.objects.get(code="KCQ")
    start, end = D(2013, 1, 1), D(2013, 12, 31)  # the bloc's decided evaluation of 2013
    sections = selectors.build(user, bloc, start, end)
    total, _ = evaluation.scope_results(user, bloc, 2013)
    rows = sections["evaluation"].rows
    assert rows[-1]["organization"] == "Tổng cộng" and rows[-1]["rated"] == total.rated > 0
    assert rows[-1]["htxsnv"] == total.counts.get("htxsnv", 0) and sections["evaluation"].figures["lines"]
    book = load_workbook(io.BytesIO(documents.appendices_xlsx(bloc, start, end, sections)))
    assert any("Đánh giá" in n for n in book.sheetnames)
    committee = Organization.objects.get(code="CQD")  # the bloc's successor holds last year's dues
    last = today().year - 1
    start, end = D(last, 1, 1), D(last, 12, 31)
    sections = selectors.build(user, committee, start, end)
    ledger = dues.overview(user, committee, start, D(last + 1, 1, 1))
    assert sections["dues"].figures["da_thu"] == sum(r.paid for r in ledger) > 0
    book = load_workbook(io.BytesIO(documents.appendices_xlsx(committee, start, end, sections)))
    assert any("đảng phí" in n for n in book.sheetnames)
    first_half = selectors.build(user, bloc, D(2013, 1, 1), D(2013, 6, 30))
    assert not first_half["evaluation"].rows and not first_half["dues"].rows
    book = load_workbook(
        io.BytesIO(documents.appendices_xlsx(bloc, D(2013, 1, 1), D(2013, 6, 30), first_half))
    )
    assert not any("Đánh giá" in n or "đảng phí" in n for n in book.sheetnames)
