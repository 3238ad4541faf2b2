"""Problem details: the field a msgspec error points at, and domain errors as responses."""

import json
from typing import Any

import msgspec
import pytest

from paylinks.errors import Conflict, DomainError, NotFound, Unauthorized, invalid
from paylinks.links.model import LinkDraft
from paylinks_api.problems import PROBLEM_JSON, domain_error, field_of, problem_response
from paylinks_api.ratelimit import RateLimited


class Item(msgspec.Struct, forbid_unknown_fields=True):
    name: str


class Body(msgspec.Struct, forbid_unknown_fields=True):
    items: list[Item] = []
    inner: Item | None = None


def error_of(raw: bytes, kind: type) -> str:
    with pytest.raises(msgspec.ValidationError) as caught:
        msgspec.json.decode(raw, type=kind)
    return str(caught.value)


def body_of(response: Any) -> dict[str, Any]:
    return dict(json.loads(response.content))


class TestFieldOf:
    """msgspec names the place as "at `$.path`"; Litestar moves it into the error's key
    ("data" for the body itself) and keeps the message before " - "."""

    @pytest.mark.parametrize(
        ("raw", "expected"),
        [
            (b'{"title": 1}', "title"),
            (b"{}", "title"),
            (b'{"title": "x", "amount": "12"}', "amount"),
            (b'{"title": "x", "customer_fields": {"email": "nope"}}', "customer_fields.email"),
            (b'{"title": "x", "customer_fields": {"fax": "optional"}}', "customer_fields.fax"),
            (b'{"title": "x", "after_payment": {"type": "redirect"}}', "after_payment.url"),
            (b'{"title": "x", "after_payment": {"type": "elsewhere"}}', "after_payment.type"),
        ],
    )
    def test_reads_the_path_of_a_msgspec_message(self, raw: bytes, expected: str) -> None:
        assert field_of(error_of(raw, LinkDraft)) == expected

    @pytest.mark.parametrize(
        ("raw", "expected"),
        [
            (b'{"items": [{"name": "a"}, {"name": 2}]}', "items.1.name"),
            (b'{"items": [{}]}', "items.0.name"),
            (b'{"inner": {"name": "a", "zzz": 1}}', "inner.zzz"),
            (b'{"zzz": 1}', "zzz"),
        ],
    )
    def test_follows_lists_and_nesting(self, raw: bytes, expected: str) -> None:
        assert field_of(error_of(raw, Body)) == expected

    @pytest.mark.parametrize(
        ("message", "key", "expected"),
        [
            ("Expected `str`, got `int`", "title", "title"),
            ("Object missing required field `title`", "data", "title"),
            ("Object missing required field `url`", "after_payment", "after_payment.url"),
            ("Object contains unknown field `fax`", "customer_fields", "customer_fields.fax"),
            ("Invalid enum value 'nope'", "customer_fields.email", "customer_fields.email"),
            ("Expected `int`, got `str`", "data.amount", "amount"),
        ],
    )
    def test_reads_the_key_litestar_gives(self, message: str, key: str, expected: str) -> None:
        assert field_of(message, key) == expected

    def test_a_list_index_in_the_key_becomes_a_dotted_part(self) -> None:
        assert field_of("Expected `str`, got `int`", "items[1].name") == "items.1.name"

    def test_a_dict_value_points_at_the_dict(self) -> None:
        message = error_of(b'{"title": "x", "metadata": {"order": 1}}', LinkDraft)
        assert field_of(message) == "metadata"
        assert field_of("Expected `str`, got `int`", "metadata[...]") == "metadata"

    def test_falls_back_to_the_body(self) -> None:
        assert field_of("Expected `object`, got `array`") == "body"
        assert field_of("Expected `object`, got `array`", "data") == "body"
        assert field_of("") == "body"


class TestProblemResponse:
    def test_is_problem_json_with_a_stable_code(self) -> None:
        response = problem_response(409, "link_unavailable", "Try later.")
        assert response.status_code == 409
        assert response.media_type == PROBLEM_JSON
        assert body_of(response) == {
            "type": "urn:paylinks:problem:link_unavailable",
            "title": "Conflict",
            "status": 409,
            "code": "link_unavailable",
            "detail": "Try later.",
        }


class TestDomainError:
    @pytest.mark.parametrize(
        ("error", "status", "code"),
        [
            (NotFound("No such link."), 404, "resource_missing"),
            (Conflict("Busy.", code="link_unavailable"), 409, "link_unavailable"),
            (Unauthorized("Bad key."), 401, "unauthorized"),
            (RateLimited(7), 429, "rate_limited"),
            (DomainError("Something."), 400, "error"),
        ],
    )
    def test_maps_each_kind_to_its_status(self, error: DomainError, status: int, code: str) -> None:
        response = domain_error(None, error)  # type: ignore[arg-type]
        assert response.status_code == status
        assert body_of(response)["code"] == code

    def test_validation_lists_the_fields(self) -> None:
        response = domain_error(None, invalid("min_amount", "Too big."))  # type: ignore[arg-type]
        assert response.status_code == 422
        assert body_of(response)["errors"] == [{"field": "min_amount", "message": "Too big."}]

    def test_rate_limited_says_when_to_retry(self) -> None:
        response = domain_error(None, RateLimited(7))  # type: ignore[arg-type]
        assert response.headers["Retry-After"] == "7"
        assert body_of(response)["retry_after"] == 7

    def test_unauthorized_asks_for_a_bearer_token(self) -> None:
        response = domain_error(None, Unauthorized("Bad key."))  # type: ignore[arg-type]
        assert response.headers["WWW-Authenticate"] == "Bearer"
