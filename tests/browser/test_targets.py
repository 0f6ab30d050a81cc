"""The term targets page on a phone and a desktop (issue 13, seen on the screenshots): at 390 px the target's text
was squeezed to one word a line, and a money goal broke between its digits and "đ"."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from tests.factories import TargetFactory, TermFactory

from .conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width,height", [(1366, 768), (390, 844)])
def test_the_targets_table_keeps_its_text_readable_and_its_figures_whole(page, tree, people, width, height):
    term = TermFactory(organization=tree.bloc, name="2020–2025", start_date=dt.date(2020, 8, 1))
    TargetFactory(term=term, number=1, text="Vận động các cơ quan giúp đỡ các xã nghèo, miền núi từ 8 tỷ đồng trở lên",
                  unit="dong", measure="cong_don", goal=8_000_000_000)  # fmt: skip
    page.set_viewport_size({"width": width, "height": height})
    login(page, "staff")
    page.goto(f"{page.base}/chi-dao/chi-tieu/nhiem-ky/{term.pk}/")
    goal = page.locator("table.targets tbody td").nth(4)
    expect(goal).to_have_text("8.000.000.000 đ")
    lines = page.evaluate("""() => {
        const range = document.createRange();
        range.selectNodeContents(document.querySelectorAll('table.targets tbody td')[4]);
        return range.getClientRects().length;
    }""")
    assert lines == 1  # "8.000.000.000 đ" on one line
    text = page.locator("table.targets tbody td").nth(1).bounding_box()
    assert text["width"] >= 12 * 16 - 1  # 12rem: a few words a line, not one
    assert page.evaluate(
        "document.documentElement.scrollWidth <= window.innerWidth + 1"
    )  # the box scrolls, not the page
