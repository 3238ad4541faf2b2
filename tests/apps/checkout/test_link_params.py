"""A checkout URL's prefilled details and client_reference_id (as Stripe Payment Links)."""

import pytest
from checkout.link_params import client_reference, prefill


def test_prefills_the_fields_it_names() -> None:
    query = {
        "prefilled_email": "ada@example.com",
        "prefilled_name": "Ada  Lovelace",
        "prefilled_business_name": "Engines Ltd",
        "prefilled_phone": "07911 123456",
        "other": "x",
    }
    assert prefill(query) == {
        "email": "ada@example.com",
        "customer_name": "Ada Lovelace",
        "business_name": "Engines Ltd",
        "phone": "07911 123456",
    }


@pytest.mark.parametrize("value", ["x" * 121, "a\x00b", ""])
def test_ignores_what_no_field_could_hold(value: str) -> None:
    assert prefill({"prefilled_name": value}) == {}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, ("", True)),
        ({"client_reference_id": "order_42-A"}, ("order_42-A", True)),
        ({"client_reference_id": "A" * 200}, ("A" * 200, True)),
        ({"client_reference_id": "A" * 201}, ("", False)),
        ({"client_reference_id": "a b"}, ("", False)),
        ({"client_reference_id": "é"}, ("", False)),
    ],
)
def test_client_reference(query: dict[str, str], expected: tuple[str, bool]) -> None:
    assert client_reference(query) == expected
