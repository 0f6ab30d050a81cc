"""The dues overview («Đảng phí») in a real browser: on a phone each organization is a block of labelled figures
(nothing scrolls sideways, not even inside the table's box); on a desktop it stays a table."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .conftest import login


@pytest.mark.parametrize("width,height", [(390, 844), (1366, 768)])
def test_the_dues_overview_reads_on_a_phone_without_sideways_scrolling(page, tree, people, width, height):
    """Issue 13, seen at 390 px: the overview's nine columns scrolled inside their box (493 px of table in 366)."""
    page.set_viewport_size({"width": width, "height": height})
    login(page, "secretary_a")
    page.goto(f"{page.base}/dang-phi/?to_chuc={tree.a.pk}")
    table = page.locator(".table-wrap").first
    expect(table).to_contain_text("Chi bộ Văn phòng")
    assert table.evaluate("w => w.scrollWidth <= w.clientWidth + 1")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    assert page.locator(".table-wrap thead").is_visible() == (width > 600)
    if width <= 600:
        expect(page.locator("tbody td[data-label='Phải thu']").first).to_be_visible()
