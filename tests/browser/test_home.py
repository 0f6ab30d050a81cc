"""The home page («Việc của tôi») of every persona in a real browser, on a desktop and on a phone: the page fits
the screen, says what needs the user's action (or that nothing does), and its links lead to the whole list."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from dangbo.core import dates
from tests.members.test_alerts import admit

from .conftest import login

PERSONAS = ["staff", "leader", "secretary_a", "secretary_b", "cell_secretary", "member_user"]


@pytest.fixture
def reminders(tree, root_user):
    """Probationary members of Sở Y tế with deadlines today: a ceremony overdue, one coming."""
    today = dates.today()  # the suite's clock (pytest --today), which the live server reads too
    admit(root_user, tree.a1, "Lê Văn Chậm", today - dt.timedelta(days=90))
    admit(root_user, tree.a2, "Lê Văn Mới", today - dt.timedelta(days=3))


@pytest.mark.parametrize("width,height", [(1366, 768), (390, 844)])
@pytest.mark.parametrize("persona", PERSONAS)
def test_every_personas_home_page(page, tree, people, reminders, persona, width, height):
    page.set_viewport_size({"width": width, "height": height})
    login(page, persona)
    expect(page.locator("h1")).to_have_text("Việc của tôi")
    expect(page.locator("#nhac-viec h2")).to_contain_text("Cần bạn xử lý")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    sees_admissions = persona in ("staff", "secretary_a", "cell_secretary")  # the leader reads; keepers act
    groups = page.locator(".work-kind h3")
    if not sees_admissions:
        expect(groups.filter(has_text="Kết nạp, dự bị")).to_have_count(0)
        return
    kind = groups.filter(has_text="Kết nạp, dự bị")
    expect(kind).to_have_count(1)
    expect(page.locator(".work-org-name", has_text="Chi bộ Văn phòng — Đảng bộ Sở Y tế")).to_be_visible()
    kind.locator("a").click()
    expect(page.locator("h1")).to_have_text("Việc cần xử lý")
    expect(page.locator("#so-viec")).to_contain_text("trong")
    expect(page.locator("table.table")).to_contain_text("Lê Văn Chậm")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


@pytest.mark.parametrize("width,height", [(390, 844), (1366, 768)])
def test_the_home_pages_tasks_read_on_a_phone_without_sideways_scrolling(page, tree, people, width, height):
    """Issue 13, seen at 390 px: the table of this year's tasks scrolled inside its box (606 px of table in 325).
    On a phone each task is a block — title, organization, «Hạn báo cáo: …», «Đã báo cáo: …», state — and nothing
    scrolls sideways; on a desktop it stays a table."""
    from tests.factories import TaskFactory

    now = dates.today()
    TaskFactory(organization=tree.bloc, title="Báo cáo số quần chúng ưu tú được giới thiệu học lớp bồi dưỡng nhận "
                "thức về Đảng năm nay", assigned_date=now - dt.timedelta(days=10), deadline=now + dt.timedelta(days=20))  # fmt: skip
    page.set_viewport_size({"width": width, "height": height})
    login(page, "staff")
    tasks = page.locator("#nhiem-vu .table-wrap")
    expect(tasks).to_contain_text("Báo cáo số quần chúng ưu tú")
    assert tasks.evaluate("w => w.scrollWidth <= w.clientWidth + 1")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    header_shown = page.locator("#nhiem-vu thead").is_visible()
    assert header_shown == (width > 600)
    if width <= 600:
        expect(page.locator("#nhiem-vu tbody td[data-label='Hạn báo cáo']").first).to_be_visible()


def test_the_member_lists_state_stays_on_one_line_on_a_desktop(page, tree, people):
    """Issue 13, seen at 1366 px: «Chính thức» wrapped onto two lines in the member list's «Tình trạng» column when
    the cell names were long (as the demo's: «Chi bộ Khoa Hồi sức tích cực (Bệnh viện Hữu nghị đa khoa Nghệ An)»)."""
    from dangbo.organizations.models import Organization

    Organization.objects.filter(pk=tree.a1.pk).update(
        name="Chi bộ Khoa Hồi sức tích cực, chống độc và Phòng khám"
    )
    Organization.objects.filter(pk=tree.a.pk).update(name="Đảng bộ Bệnh viện Hữu nghị đa khoa tỉnh Nghệ An")
    page.set_viewport_size({"width": 1366, "height": 768})
    login(page, "staff")
    page.goto(f"{page.base}/dang-vien/")
    cell = page.locator("table.members tbody tr td:nth-child(6)", has_text="Chính thức").first
    expect(cell).to_be_visible()
    lines = cell.evaluate(
        "td => { const r = document.createRange(); r.selectNodeContents(td); "
        "return new Set([...r.getClientRects()].map(x => Math.round(x.top))).size; }"
    )
    assert lines == 1
