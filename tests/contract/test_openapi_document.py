"""The served OpenAPI document is one an integrator's tools take as is (SPEC §7): valid
OpenAPI 3.1 (openapi-spec-validator), clean under Redocly's recommended rules, and precise
where generated clients look."""

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from openapi_spec_validator import validate

from tests.factories import ApiClient

REDOCLY = "@redocly/cli@2.77.0"
CAMEL = re.compile(r"[a-z]+(?:[A-Z][a-z0-9]*)*")


@pytest.fixture
async def document(api: ApiClient) -> dict[str, Any]:
    answer = await api.client.get("/docs/openapi.json")
    assert answer.status_code == 200
    return dict(answer.json())


def operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method, path, operation)
        for path, item in document["paths"].items()
        for method, operation in item.items()
    ]


class TestValid:
    def test_openapi_spec_validator_finds_nothing(self, document: dict[str, Any]) -> None:
        assert document["openapi"].startswith("3.1")
        validate(document)

    @pytest.mark.skipif(shutil.which("npx") is None, reason="needs npx (Node.js)")
    def test_redocly_finds_no_error(self, document: dict[str, Any], tmp_path: Path) -> None:
        path = tmp_path / "openapi.json"
        path.write_text(json.dumps(document))
        done = subprocess.run(
            ["npx", "--yes", REDOCLY, "lint", str(path), "--format=json"],
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
            cwd=tmp_path,
        )
        report = json.loads(done.stdout[done.stdout.index("{") :])
        errors = [p for p in report["problems"] if p["severity"] == "error"]
        assert errors == [], errors
        assert done.returncode == 0, done.stderr[-2000:]


class TestOperations:
    def test_ids_are_camel_case_and_unique(self, document: dict[str, Any]) -> None:
        ids = [operation["operationId"] for _, _, operation in operations(document)]
        assert all(CAMEL.fullmatch(i) for i in ids), ids
        assert len(set(ids)) == len(ids)

    def test_each_has_a_summary_a_description_and_a_defined_tag(
        self, document: dict[str, Any]
    ) -> None:
        tags = {tag["name"] for tag in document["tags"]}
        assert all(tag.get("description") for tag in document["tags"])
        for method, path, operation in operations(document):
            assert operation.get("summary"), (method, path)
            assert operation.get("description"), (method, path)
            assert set(operation["tags"]) <= tags, (method, path)

    def test_public_operations_say_so(self, document: dict[str, Any]) -> None:
        assert document["security"] == [{"BearerAuth": []}]
        public = {
            path for _, path, operation in operations(document) if operation["security"] == []
        }
        assert public == {
            "/health",
            "/health/live",
            "/health/ready",
            "/v1/auth/login",
            "/v1/auth/signup",
            "/v1/auth/signup/confirm",
            "/v1/images/{image_id}",
            "/v1/checkout/links/{link_id}",
            "/v1/checkout/links/{link_id}/payments",
            "/v1/checkout/payments/{payment_id}",
            "/v1/checkout/payments/{payment_id}/confirm",
            "/v1/gateways/stripe/webhook",
        }

    def test_every_post_and_patch_takes_an_idempotency_key(self, document: dict[str, Any]) -> None:
        for method, path, operation in operations(document):
            headers = {p["name"] for p in operation.get("parameters", []) if p["in"] == "header"}
            assert ("Idempotency-Key" in headers) == (method in {"post", "patch"}), (method, path)

    def test_only_the_statuses_an_operation_can_give(self, document: dict[str, Any]) -> None:
        by_id = {operation["operationId"]: operation for _, _, operation in operations(document)}

        def statuses(operation_id: str) -> set[str]:
            return set(by_id[operation_id]["responses"])

        assert statuses("getLiveness") == {"200"}
        assert statuses("listVenues") == {"200", "400", "401", "422", "503"}
        assert "429" in statuses("startCheckoutPayment")
        assert "401" not in statuses("startCheckoutPayment")
        assert "404" not in statuses("listPaymentLinks")
        assert "409" in statuses("createRefund")
        # Sign-up answers 202 for every address; its confirmation creates (201), refuses a
        # bad link (400) and a used one (409).
        assert {"202", "429"} <= statuses("signUp")
        assert not {"200", "201"} & statuses("signUp")
        assert {"201", "400", "409", "429"} <= statuses("confirmSignUp")
        responses = document["components"]["responses"]
        assert "Retry-After" in responses["RateLimited"]["headers"]
        assert "Retry-After" in responses["Unavailable"]["headers"]

    def test_a_creation_says_where_the_object_is(self, document: dict[str, Any]) -> None:
        path = document["paths"]["/v1/payment-links"]["post"]
        assert "Location" in path["responses"]["201"]["headers"]

    def test_binary_answers_are_binary(self, document: dict[str, Any]) -> None:
        qr = document["paths"]["/v1/payment-links/{link_id}/qr.png"]["get"]
        image = document["paths"]["/v1/images/{image_id}"]["get"]

        assert qr["responses"]["200"]["content"]["image/png"]["schema"]["format"] == "binary"
        assert set(image["responses"]["200"]["content"]) == {
            "image/png",
            "image/jpeg",
            "image/webp",
        }


class TestSchemas:
    def test_names_are_readable_and_all_are_used(self, document: dict[str, Any]) -> None:
        names = set(document["components"]["schemas"])
        text = json.dumps({k: v for k, v in document.items() if k != "components"})
        text += json.dumps(document["components"]["responses"])
        assert all(re.fullmatch(r"[A-Z][A-Za-z]+", name) for name in names), names
        assert {"LinkPage", "PaymentPage", "EventPage"} <= names
        for name in names:
            referenced = f"#/components/schemas/{name}" in text or any(
                f"#/components/schemas/{name}" in json.dumps(schema)
                for other, schema in document["components"]["schemas"].items()
                if other != name
            )
            assert referenced, name

    def test_bodies_that_refuse_unknown_fields_say_so(self, document: dict[str, Any]) -> None:
        schemas = document["components"]["schemas"]
        assert schemas["LinkCreate"]["additionalProperties"] is False
        assert schemas["RefundCreate"]["additionalProperties"] is False

    def test_limits_of_a_link_are_documented(self, document: dict[str, Any]) -> None:
        link = document["components"]["schemas"]["LinkCreate"]["properties"]
        title = re.compile(link["title"]["pattern"])
        assert title.search(" " + "t" * 120 + " ")  # 120 once trimmed
        assert not title.search("t" * 121)
        assert not title.search("   ")
        assert link["description"]["maxLength"] == 1000
        assert (link["amount"]["minimum"], link["amount"]["maximum"]) == (1, 10**15)
        assert link["metadata"]["maxProperties"] == 20

    def test_webhooks_are_typed(self, document: dict[str, Any]) -> None:
        webhooks = document["webhooks"]
        assert "payment_link.paid" in webhooks
        assert all(w["post"]["operationId"].endswith("Webhook") for w in webhooks.values())
