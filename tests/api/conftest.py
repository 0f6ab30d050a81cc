import datetime as dt

import pytest

from dangbo.api import services
from dangbo.core import dates


@pytest.fixture
def bearer():
    """``bearer(user)`` → the headers of a request made with a new API token of ``user``."""

    def make(user, *, read_only=False, days=30):
        _, secret = services.token_create(actor=user, name=f"Khóa {user.username}", read_only=read_only,
                                          expires_on=dates.today() + dt.timedelta(days=days))  # fmt: skip
        return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}

    return make
