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
