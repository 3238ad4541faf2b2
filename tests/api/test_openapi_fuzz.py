"""schemathesis fuzzes every operation of the served OpenAPI schema: no input may give a
500, and every response must match the schema (status, content type, body)."""

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from paylinks.settings import load_settings
from paylinks_cli.compose import create_app
from tests.factories import PASSWORD
from tests.live import LiveServer


@pytest.fixture(scope="module")
def live_api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    root: Path = tmp_path_factory.mktemp("fuzz")
    app_settings = load_settings(
        {
            "PAYLINKS_DATA_DIR": str(root),
            "PAYLINKS_SECRET_KEY": "fuzz-secret-key-" + "y" * 32,
            "PAYLINKS_RATE_LIMIT_PER_MINUTE": "100000",
        },
        env_file=None,
    )
    with LiveServer(create_app(app_settings)) as server:
        signup = httpx.post(
            f"{server.url}/v1/auth/signup",
            json={"store_name": "Fuzz", "email": "fuzz@example.com", "password": PASSWORD},
        )
        api_key = signup.json()["api_key"]
        headers = {"Authorization": f"Bearer {api_key}"}
        httpx.post(
            f"{server.url}/v1/store/payments/activate", json={"gateway": "sandbox"}, headers=headers
        ).raise_for_status()
        httpx.post(
            f"{server.url}/v1/payment-links", json={"title": "Seed", "amount": 100}, headers=headers
        ).raise_for_status()
        yield server.url, api_key


# The schema is the app's own, as served at /docs/openapi.json; making the app object
# touches no database.
_SCHEMA_APP = create_app(load_settings({"PAYLINKS_SECRET_KEY": "s" * 40}, env_file=None))
# The coverage phase of schemathesis 4.32 crashes while enumerating this schema's bodies
# (TypeError in its own encoder); the fuzzing phase covers valid and invalid data.
_CONFIG = schemathesis.config.SchemathesisConfig.from_dict(
    {"phases": {"coverage": {"enabled": False}}}
)
# What the API promises: never a 500, and every answer as its schema documents it.
# (Checks that the schema's types alone decide acceptance are left out: the domain rules,
# such as a title's trimmed length, are stricter than JSON Schema can say.)
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
]
schema = schemathesis.openapi.from_dict(_SCHEMA_APP.openapi_schema.to_schema(), config=_CONFIG)


@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
        HealthCheck.function_scoped_fixture,
    ],
)
def test_no_server_error_and_responses_match_schema(
    case: schemathesis.Case, live_api: tuple[str, str]
) -> None:
    base_url, api_key = live_api
    case.call_and_validate(
        base_url=base_url, headers={"Authorization": f"Bearer {api_key}"}, checks=CHECKS
    )
