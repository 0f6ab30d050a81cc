"""A background job in a real browser: an administrator starts it from the jobs page, its page updates itself
(htmx polling, no reload, no inline script under the Content-Security-Policy) while the database backend's worker
loop runs it, reaches 100 %, shows the result, and stops asking. The worker runs in a thread of the test process
(see tests/jobs/test_jobs.py for why); the job waits at each step until the browser has shown it."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from dangbo.jobs import registry, runner
from dangbo.jobs.policies import admins_only
from tests.jobs.test_jobs import Steps, worker_thread

from .conftest import login
from .test_csp import violations  # noqa: F401  (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def steps(monkeypatch):
    monkeypatch.setattr(runner, "PROGRESS_INTERVAL", 0)
    s = Steps(3)
    registry.job("kiem_thu_trinh_duyet", "Kiểm thử tiến độ", allowed=admins_only, one_at_a_time=False,
                 description="Ba bước, chờ trình duyệt xem từng bước.")(s.run)  # fmt: skip
    yield s
    s.release_all()
    registry.unregister("kiem_thu_trinh_duyet")


def test_a_job_page_follows_the_progress_to_100_percent_without_reloading(page, violations, root_user, steps):  # noqa: F811
    polls = []
    page.on("request", lambda r: "/tien-do/" in r.url and polls.append(r.url))
    login(page, "root", "x-Unused-Pw-1")
    page.click("nav.mainnav >> text=Công việc nền")
    page.click("text=Kiểm thử tiến độ")
    page.click("button:has-text('Bắt đầu')")
    expect(page.locator("h1")).to_contain_text("Kiểm thử tiến độ")
    expect(page.locator("#job-status")).to_contain_text("Đang chờ tiến trình chạy nền nhận việc")
    page.evaluate("window.notReloaded = true")

    with worker_thread():
        for i in (1, 2, 3):
            steps.wait(i)
            expect(page.locator("#job-status .percent")).to_have_text(f"{i * 100 // 3}%")
            expect(page.locator("#job-status .step")).to_have_text(f"Đang làm bước {i}")
            expect(page.locator("#job-status progress")).to_have_attribute("value", str(i))
            steps.release(i)

    expect(page.locator("#job-status .percent")).to_have_text("100%")
    expect(page.locator("#job-status .badge")).to_have_text("Xong")
    expect(page.locator("#job-status .result")).to_have_text("Đã làm 3 bước.")
    # The status part was swapped in: the page itself never reloaded.
    assert page.evaluate("window.notReloaded") is True
    asked = len(polls)
    page.wait_for_timeout(2500)
    assert len(polls) == asked  # finished: the page stopped asking
    assert not violations
