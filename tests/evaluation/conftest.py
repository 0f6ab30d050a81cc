from __future__ import annotations

import datetime as dt

import pytest

from dangbo.evaluation import services


@pytest.fixture
def campaign(tree, people, clock):
    """The 2025 campaign of Đảng bộ Sở Y tế (QĐ 366), opened by its secretary on 05/01/2026."""
    clock.set(dt.date(2026, 1, 5))
    return services.open_campaign(
        actor=people.secretary_a, authority=tree.a, year=2025, deadline=dt.date(2026, 1, 20)
    )


@pytest.fixture
def campaign_2024(tree, people, clock):
    clock.set(dt.date(2026, 1, 5))
    return services.open_campaign(
        actor=people.secretary_a, authority=tree.a, year=2024, deadline=dt.date(2026, 1, 20)
    )
