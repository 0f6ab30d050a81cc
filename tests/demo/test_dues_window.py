"""The months of the demo's dues (issue 16, item 7): the whole history from 01/2010 for users, the last year and this
one for the test suite's demo (``tests/conftest.py``)."""

import datetime as dt
import os
import subprocess
import sys

from dangbo.demo import dues

D = dt.date


def test_the_demo_dues_start_where_the_setting_says(settings):
    now = D(2026, 2, 28)  # any day: an empty setting depends on the year only
    settings.DANGBO_DEMO_DUES_FROM = "01/2010"
    assert dues.start(now) == D(2010, 1, 1)
    settings.DANGBO_DEMO_DUES_FROM = "07/2013"
    assert dues.start(now) == D(2013, 7, 1)
    settings.DANGBO_DEMO_DUES_FROM = "01/2005"  # before the earliest month the demo writes
    assert dues.start(now) == D(2010, 1, 1)
    for empty_or_bad in ("", "13/2020", "năm ngoái"):
        settings.DANGBO_DEMO_DUES_FROM = empty_or_bad
        assert dues.start(now) == D(2025, 1, 1)


def test_users_get_the_whole_history_by_default_and_the_suite_the_short_one():
    env = {k: v for k, v in os.environ.items() if k != "DANGBO_DEMO_DUES_FROM"}
    env["DJANGO_SETTINGS_MODULE"] = "dangbo.settings"
    shown = subprocess.run(
        [sys.executable, "-c", "from django.conf import settings; print(repr(settings.DANGBO_DEMO_DUES_FROM))"],
        env=env, capture_output=True, text=True, check=True, timeout=120,
    ).stdout.strip()  # fmt: skip
    assert shown == "'01/2010'"
    assert os.environ["DANGBO_DEMO_DUES_FROM"] == ""  # this run's demo and its ``dangbo`` subprocesses
