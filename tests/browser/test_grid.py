"""The meeting grid on a phone (issue 13, seen on the screenshots): the organization names were squeezed into one
word a line beside the twelve months; they keep a readable column and the grid scrolls in its box."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_grid_keeps_its_row_names_readable_on_a_phone(page, tree, people):
    page.set_viewport_size({"width": 390, "height": 844})
    login(page, "staff")
    page.goto(f"{page.base}/sinh-hoat/theo-doi/?to_chuc={tree.a.pk}")
    name = page.locator("table.grid tbody tr td:first-child").first
    expect(name).to_be_visible()
    assert name.bounding_box()["width"] >= 10 * 16 - 1  # 10rem
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")  # the box scrolls
