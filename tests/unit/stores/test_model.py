"""Stores: sign-up validation, Stripe credentials and e-mail addresses."""

from datetime import UTC, datetime

import pytest

from paylinks.errors import ValidationFailed
from paylinks.stores.model import (
    Gateway,
    NewStoreInput,
    Store,
    normalize_email,
    validate_name,
    validate_new_store,
    validate_stripe_credentials,
)

PASSWORD = "correct horse battery staple"


def failed_fields(call: object, *args: object) -> list[str]:
    assert callable(call)
    with pytest.raises(ValidationFailed) as caught:
        call(*args)
    assert all(error.message for error in caught.value.errors)
    return [error.field for error in caught.value.errors]


class TestValidateNewStore:
    def test_returns_the_normalised_values(self) -> None:
        assert validate_new_store(
            "  Acme Coffee ", "gbp", " owner@Example.COM ", PASSWORD, " ch"
        ) == NewStoreInput(
            name="Acme Coffee", currency="GBP", country="CH", email="owner@example.com"
        )

    @pytest.mark.parametrize("country", ["", "G", "GBR", "EU", "ZZ", "12", "UK"])
    def test_country_is_an_iso_3166_alpha_2_code(self, country: str) -> None:
        assert failed_fields(
            validate_new_store, "Acme", "GBP", "a@example.com", PASSWORD, country
        ) == ["country"]

    @pytest.mark.parametrize("name", ["", "   ", "x" * 121])
    def test_name_is_1_to_120_characters(self, name: str) -> None:
        assert failed_fields(validate_new_store, name, "GBP", "a@example.com", PASSWORD) == ["name"]

    @pytest.mark.parametrize(
        "name",
        [
            "Acme\nCoffee",
            "Acme\r\nBcc: x@example.com",
            "Acme\tCoffee",
            "Acme\x00",
            "Acme\u2028Coffee",
        ],
    )
    def test_name_is_one_line_without_control_characters(self, name: str) -> None:
        with pytest.raises(ValidationFailed) as caught:
            validate_new_store(name, "GBP", "a@example.com", PASSWORD)
        assert [(e.field, e.message) for e in caught.value.errors] == [
            ("name", "One line of text, without line breaks, tabs or other control characters.")
        ]

    def test_a_name_in_any_script_is_accepted(self) -> None:
        name = validate_new_store("Café Zürich – 東京", "GBP", "a@example.com", PASSWORD).name
        assert name == "Café Zürich – 東京"

    def test_a_name_of_120_characters_after_trimming_is_accepted(self) -> None:
        name = validate_new_store(f" {'x' * 120} ", "GBP", "a@example.com", PASSWORD).name
        assert name == "x" * 120

    @pytest.mark.parametrize("currency", ["ZZZ", "", "pounds", "GB"])
    def test_currency_is_an_iso_code(self, currency: str) -> None:
        assert failed_fields(validate_new_store, "Acme", currency, "a@example.com", PASSWORD) == [
            "currency"
        ]

    @pytest.mark.parametrize("email", ["", "owner", "owner@", "@example.com", "a b@example.com"])
    def test_email_is_an_address(self, email: str) -> None:
        assert failed_fields(validate_new_store, "Acme", "GBP", email, PASSWORD) == ["email"]

    @pytest.mark.parametrize("password", ["", "short", "x" * 9, "x" * 201])
    def test_password_is_10_to_200_characters(self, password: str) -> None:
        assert failed_fields(validate_new_store, "Acme", "GBP", "a@example.com", password) == [
            "password"
        ]

    @pytest.mark.parametrize("password", ["x" * 10, "x" * 200])
    def test_password_limits_are_inclusive(self, password: str) -> None:
        assert validate_new_store("Acme", "GBP", "a@example.com", password).name == "Acme"

    def test_every_error_is_reported_at_once(self) -> None:
        fields = failed_fields(validate_new_store, " ", "ZZZ", "nope", "short")
        assert set(fields) == {"name", "currency", "email", "password"}


class TestValidateName:
    def test_trims(self) -> None:
        assert validate_name("venue_name", "  Market Street ") == "Market Street"

    @pytest.mark.parametrize("name", ["", "  ", "x" * 121])
    def test_refuses_with_the_given_field(self, name: str) -> None:
        assert failed_fields(validate_name, "venue_name", name) == ["venue_name"]


class TestNormalizeEmail:
    def test_trims_and_lowercases_the_domain(self) -> None:
        assert normalize_email("email", "  Owner@Example.COM ") == "Owner@example.com"

    def test_names_the_given_field(self) -> None:
        assert failed_fields(normalize_email, "customer.email", "not-an-email") == [
            "customer.email"
        ]

    def test_does_not_look_up_the_domain(self) -> None:
        assert normalize_email("email", "someone@example.com") == "someone@example.com"


class TestValidateStripeCredentials:
    @pytest.mark.parametrize("key", ["sk_test_abc", "sk_live_abc", "rk_test_abc", "rk_live_abc"])
    def test_accepts_secret_and_restricted_keys(self, key: str) -> None:
        credentials = validate_stripe_credentials(key, "whsec_abc")
        assert credentials.secret_key == key
        assert credentials.webhook_secret == "whsec_abc"

    def test_trims_both(self) -> None:
        credentials = validate_stripe_credentials("  sk_test_abc ", " whsec_abc\n")
        assert (credentials.secret_key, credentials.webhook_secret) == ("sk_test_abc", "whsec_abc")

    @pytest.mark.parametrize("key", [None, "", "pk_test_abc", "sk_abc", "whsec_abc"])
    def test_refuses_anything_but_a_secret_key(self, key: str | None) -> None:
        assert failed_fields(validate_stripe_credentials, key, "whsec_abc") == ["stripe_secret_key"]

    @pytest.mark.parametrize("secret", [None, "", "sk_test_abc", "wh_abc"])
    def test_refuses_anything_but_a_webhook_secret(self, secret: str | None) -> None:
        assert failed_fields(validate_stripe_credentials, "sk_test_abc", secret) == [
            "stripe_webhook_secret"
        ]

    def test_reports_both_at_once(self) -> None:
        assert set(failed_fields(validate_stripe_credentials, None, None)) == {
            "stripe_secret_key",
            "stripe_webhook_secret",
        }


class TestStore:
    def make(self, gateway: Gateway | None) -> Store:
        now = datetime(2026, 1, 15, tzinfo=UTC)
        return Store(
            id="store_1",
            name="Acme",
            currency="GBP",
            country="GB",
            gateway=gateway,
            payments_activated_at=now if gateway else None,
            created_at=now,
        )

    def test_payments_are_inactive_without_a_gateway(self) -> None:
        assert not self.make(None).payments_active

    @pytest.mark.parametrize("gateway", list(Gateway))
    def test_payments_are_active_with_a_gateway(self, gateway: Gateway) -> None:
        assert self.make(gateway).payments_active
