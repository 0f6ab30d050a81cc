"""The pages work under the Content-Security-Policy, and the browser reports no violation of it.

Every ``securitypolicyviolation`` event and every console message about the policy is collected across
navigations; the journey touches what used to be inline: htmx (tree, list search), selects that submit their
form on change, forms that ask for confirmation, and the document form's show/hide rules (now in app.css).
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from .conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

REPORT = """
document.addEventListener("securitypolicyviolation", (e) => {
  window.cspViolation(`${e.violatedDirective} blocked ${e.blockedURI || "inline"} at ${e.sourceFile}:${e.lineNumber}`);
});
"""


@pytest.fixture
def violations(page):
    found = []
    page.expose_function("cspViolation", lambda text: found.append(text))
    page.add_init_script(REPORT)
    page.on("console", lambda m: "Content Security Policy" in m.text and found.append(f"console: {m.text}"))
    return found


def test_pages_work_under_the_policy_without_violations(page, violations, tree, people, root_user):
    from dangbo.meetings import services as meeting_services

    meeting = meeting_services.meeting_plan(actor=root_user, organization=tree.a1, data={
        "kind": "thuong_ky", "planned_at": timezone.make_aware(dt.datetime(2024, 3, 5, 14)), "place": "Hội trường"})  # fmt: skip

    login(page, "staff")
    response = page.goto(f"{page.base}/")
    assert "script-src 'self'" in response.headers["content-security-policy"]

    # htmx: open a node of the tree, search the member list in place.
    page.click("text=Tổ chức đảng")
    page.locator("summary", has_text="Đảng bộ Khối các cơ quan tỉnh").first.click(position={"x": 2, "y": 8})
    expect(page.locator(".kids").first).to_contain_text("Đảng bộ Sở Y tế")
    page.click("nav.mainnav >> text=Đảng viên")
    page.fill("#id_q", "tran thi lan")
    expect(page.locator("table.members tbody tr")).to_have_count(1)

    # A select that submits its form when the choice changes (was onchange="this.form.submit()").
    page.goto(f"{page.base}/sinh-hoat/them/")
    page.select_option("#to_chuc", str(tree.a1.pk))
    expect(page).to_have_url(re.compile(rf"to_chuc={tree.a1.pk}"))
    expect(page.locator("#to_chuc")).to_have_value(str(tree.a1.pk))

    # A form that asks first (was onsubmit="return confirm(…)"): "Hủy" keeps it, "OK" sends it.
    page.goto(f"{page.base}{meeting.get_absolute_url()}")
    questions = []
    page.once("dialog", lambda d: (questions.append(d.message), d.dismiss()))
    page.click("text=Hủy buổi sinh hoạt")
    expect(page.locator("button", has_text="Hủy buổi sinh hoạt")).to_be_visible()
    assert questions == ["Hủy buổi sinh hoạt này?"]
    meeting.refresh_from_db()
    assert meeting.state == "du_kien"
    page.once("dialog", lambda d: d.accept())
    page.click("text=Hủy buổi sinh hoạt")
    expect(page.locator("button", has_text="Hủy buổi sinh hoạt")).to_have_count(0)
    meeting.refresh_from_db()
    assert meeting.state != "du_kien"

    # The register of documents: choosing the register submits; the fields of incoming documents hide for own
    # documents (CSS rules moved from an inline <style> block into app.css).
    page.goto(f"{page.base}/chi-dao/van-ban/them/")
    if page.locator("#so").count():
        page.select_option("#so", str(tree.bloc.pk))
        expect(page).to_have_url(re.compile(rf"so={tree.bloc.pk}"))
    received = page.locator(".incoming-only").first
    own = page.locator("input[name=direction][value=di]")
    if own.count():
        own.check()
        expect(received).to_be_hidden()
        page.locator("input[name=direction]:not([value=di])").first.check()
        expect(received).to_be_visible()

    assert violations == []
