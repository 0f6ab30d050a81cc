"""schemathesis against the API's OpenAPI schema: every operation with generated valid and invalid input, as a
section secretary with a token — never a server error, every answer as documented (status, content type, body
shape). Few examples per operation (the full run is `st run …/api/v1/openapi.json`, README «API»)."""

import pytest

schemathesis = pytest.importorskip("schemathesis")

from django.core.signals import request_finished, request_started  # noqa: E402
from django.core.wsgi import get_wsgi_application  # noqa: E402
from django.db import close_old_connections  # noqa: E402
from hypothesis import HealthCheck, settings  # noqa: E402

from dangbo.api.api import api  # noqa: E402

schema = schemathesis.openapi.from_dict(api.get_openapi_schema())
schema.app = get_wsgi_application()
# A business rule refusing schema-valid data (a date before the birth date…) is right, not a failure.
CHECKS = {"excluded_checks": [schemathesis.checks.positive_data_acceptance]}


@pytest.fixture
def auth(tree, people, bearer):
    # As Django's test client: a request must not close the test's connection (in its transaction).
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield bearer(people.secretary_a)
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@schema.parametrize()
@settings(max_examples=4, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
def test_the_api_answers_as_its_schema_says(case, auth):
    case.call_and_validate(headers=auth, **CHECKS)
