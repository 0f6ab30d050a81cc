"""The change history on a phone: the page is never wider than the screen, whatever the values."""

from __future__ import annotations

from playwright.sync_api import expect

from dangbo.meetings import services
from tests.meetings.test_meetings import D, cell, plan  # noqa: F401 - fixture

from .conftest import login


def test_the_change_history_fits_a_phone(page, cell, root_user, people):  # noqa: F811
    m = plan(root_user, cell, D(2024, 3, 5), place="Hội trường")
    long = "Phòng-họp-tầng-hai-của-Sở-Y-tế-tỉnh-Nghệ-An-số-16-đường-Trường-Thi-thành-phố-Vinh-Nghệ-An"
    services.meeting_update_plan(
        actor=root_user, meeting=m, data={"place": long, "topic": "", "agenda": "x" * 300}
    )
    page.set_viewport_size({"width": 390, "height": 844})
    login(page, "cell_secretary")
    page.goto(f"{page.base}{m.get_absolute_url()}")
    expect(page.locator("table.history")).to_contain_text("Hội trường")
    wide = page.evaluate(
        """[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > window.innerWidth + 1).slice(0, 5).map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))"""
    )
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), wide
