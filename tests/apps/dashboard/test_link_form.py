"""The link form's draft → the API body (pure), and the list's wording of a link."""

from datetime import UTC, datetime, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from dashboard import image_rules, link_form, link_form_rules
from dashboard.link_draft import FormDraft, MetadataRow
from dashboard.link_form import build_link, form_errors
from dashboard.link_form_rules import expiry
from dashboard.link_rows import STATUS_CHOICES, amount_label, choice, row_of, status_label

NOW = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)


#: The form's names that differ from the draft's.
DRAFT_NAMES = {"type": "link_type", "customer_fields": "customer_modes"}


def rows_of(rows: Any) -> list[MetadataRow]:
    return [MetadataRow(**row) for row in rows]


def draft(rows: Any = (), **values: Any) -> FormDraft:
    named = {DRAFT_NAMES.get(name, name): value for name, value in values.items()}
    return FormDraft(**{"title": "Espresso beans", **named}, metadata_rows=rows_of(rows))


def build(
    currency: str = "GBP", rows: Any = (), zone: tzinfo = UTC, **values: Any
) -> link_form.LinkRequest:
    return build_link(draft(rows, **values), currency, NOW, zone)


def metadata_of(rows: Any) -> tuple[dict[str, str], str]:
    return link_form_rules.metadata_of(rows_of(rows))


class TestAmounts:
    def test_a_fixed_amount_in_major_units_becomes_minor_units(self) -> None:
        request = build(amount="14.50")
        assert request.ok, request.errors
        assert request.body["amount"] == 1450
        assert request.body["amount_type"] == "fixed"
        assert "min_amount" not in request.body

    @pytest.mark.parametrize(
        ("currency", "text", "minor"),
        [("JPY", "1500", 1500), ("KWD", "1.250", 1250), ("GBP", "£1,000", 100000)],
    )
    def test_each_currency_uses_its_own_decimals(
        self, currency: str, text: str, minor: int
    ) -> None:
        assert build(currency, amount=text).body["amount"] == minor

    @pytest.mark.parametrize(
        ("text", "words"),
        [
            ("", "Enter the amount"),
            ("ten", "not a plain decimal"),
            ("-5", "negative"),
            ("0", "above zero"),
            ("1.005", "at most 2 decimal places"),
        ],
    )
    def test_a_bad_fixed_amount_is_said_next_to_it(self, text: str, words: str) -> None:
        request = build(amount=text)
        assert words in request.errors["amount"]

    def test_too_many_decimals_for_yen(self) -> None:
        assert "0 decimal places" in build("JPY", amount="10.5").errors["amount"]

    def test_a_variable_amount_sends_its_bounds_and_no_amount(self) -> None:
        request = build(amount_type="variable", amount="99", min_amount="5", max_amount="50")
        assert request.ok
        assert request.body["min_amount"] == 500
        assert request.body["max_amount"] == 5000
        assert "amount" not in request.body

    def test_a_variable_amount_may_have_no_bounds(self) -> None:
        request = build(amount_type="variable", min_amount=" ", max_amount="")
        assert request.ok
        assert "min_amount" not in request.body
        assert "max_amount" not in request.body

    def test_min_above_max_is_refused(self) -> None:
        request = build(amount_type="variable", min_amount="60", max_amount="50")
        assert request.errors == {"min_amount": "The minimum is more than the maximum."}

    def test_a_bad_bound_is_said_on_that_bound(self) -> None:
        request = build(amount_type="variable", min_amount="5", max_amount="lots")
        assert set(request.errors) == {"max_amount"}


class TestTypeAndCap:
    def test_reusable_with_a_cap(self) -> None:
        request = build(amount="5", type="reusable", max_payments="25")
        assert request.body["type"] == "reusable"
        assert request.body["max_payments"] == 25

    def test_one_off_ignores_a_cap_left_in_the_form(self) -> None:
        request = build(amount="5", type="one_off", max_payments="25")
        assert request.ok
        assert request.body["type"] == "one_off"
        assert "max_payments" not in request.body

    @pytest.mark.parametrize("text", ["0", "2.5", "-1", "many", "٣"])
    def test_a_cap_is_a_whole_number_from_one(self, text: str) -> None:
        assert "max_payments" in build(amount="5", type="reusable", max_payments=text).errors


class TestTextFields:
    def test_title_is_required_and_trimmed(self) -> None:
        assert "title" in build_link(FormDraft(title="   ", amount="5"), "GBP", NOW).errors
        assert build(title="  Beans  ", amount="5").body["title"] == "Beans"

    def test_lengths_are_checked_with_the_count(self) -> None:
        request = build(amount="5", title="x" * 121, reference="r" * 121, description="d" * 1001)
        assert set(request.errors) == {"title", "reference", "description"}
        assert "now 1,001" in request.errors["description"]

    def test_blank_optional_text_is_not_sent(self) -> None:
        body = build(amount="5", description=" ", reference="").body
        assert "description" not in body
        assert "reference" not in body


class TestExpiry:
    def test_a_date_and_time_are_utc(self) -> None:
        assert expiry("2026-06-30", "18:30", NOW) == ("2026-06-30T18:30:00Z", "")

    def test_a_date_alone_ends_that_day(self) -> None:
        assert expiry("2026-06-30", "", NOW) == ("2026-06-30T23:59:00Z", "")

    def test_none_is_fine(self) -> None:
        assert expiry("", "", NOW) == (None, "")
        assert "expires_at" not in build(amount="5").body

    @pytest.mark.parametrize(
        ("day", "at", "words"),
        [
            ("", "10:00", "day too"),
            ("2026-04-30", "", "future"),
            ("2026-05-01", "11:59", "future"),
            ("30/06/2026", "", "such as"),
            ("2026-06-30", "25:00", "such as"),
        ],
    )
    def test_bad_expiries(self, day: str, at: str, words: str) -> None:
        request = build(amount="5", expires_date=day, expires_time=at)
        assert words in request.errors["expires_at"]

    def test_sent_in_the_body(self) -> None:
        body = build(amount="5", expires_date="2026-06-30", expires_time="09:05").body
        assert body["expires_at"] == "2026-06-30T09:05:00Z"

    def test_entered_in_the_merchants_time_zone_and_sent_in_utc(self) -> None:
        new_york = ZoneInfo("America/New_York")
        assert expiry("2026-06-30", "18:30", NOW, new_york) == ("2026-06-30T22:30:00Z", "")
        assert expiry("2026-12-31", "", NOW, new_york) == ("2027-01-01T04:59:00Z", "")
        tokyo = ZoneInfo("Asia/Tokyo")
        body = build(amount="5", expires_date="2026-06-30", expires_time="09:05", zone=tokyo)
        assert body.body["expires_at"] == "2026-06-30T00:05:00Z"

    def test_in_the_future_is_judged_in_utc(self) -> None:
        # NOW is 2026-05-01 12:00 UTC: 13:30 in London that day is 12:30 UTC, still ahead.
        london = ZoneInfo("Europe/London")
        assert expiry("2026-05-01", "13:30", NOW, london) == ("2026-05-01T12:30:00Z", "")
        assert "future" in expiry("2026-05-01", "12:59", NOW, london)[1]


class TestCustomerFieldsAndAfterPayment:
    def test_every_field_is_sent_with_its_mode(self) -> None:
        modes = {"email": "required", "phone": "optional", "customer_name": "bogus"}
        body = build(amount="5", customer_fields=modes).body
        assert body["customer_fields"] == {
            "customer_name": "disabled",
            "email": "required",
            "phone": "optional",
            "business_name": "disabled",
        }

    def test_thank_you_with_and_without_a_message(self) -> None:
        assert build(amount="5").body["after_payment"] == {"type": "thank_you"}
        body = build(amount="5", thank_you_message=" Thanks! ").body
        assert body["after_payment"] == {"type": "thank_you", "message": "Thanks!"}
        long = build(amount="5", thank_you_message="x" * 501)
        assert "after_payment.message" in long.errors

    def test_redirect_needs_an_https_address(self) -> None:
        ok = build(amount="5", after_type="redirect", redirect_url="https://shop.example/thanks")
        assert ok.body["after_payment"] == {
            "type": "redirect",
            "url": "https://shop.example/thanks",
        }
        for url in ("", "http://shop.example", "shop.example/thanks", "javascript:alert(1)"):
            request = build(amount="5", after_type="redirect", redirect_url=url)
            assert "after_payment.url" in request.errors, url
        local = build(amount="5", after_type="redirect", redirect_url="http://localhost:8080/ok")
        assert local.ok

    def test_venue_and_image_only_when_chosen(self) -> None:
        body = build(amount="5", venue_id="none", image_id="").body
        assert "venue_id" not in body
        assert "image_id" not in body
        body = build(amount="5", venue_id="venue_1", image_id="img_1").body
        assert body["venue_id"] == "venue_1"
        assert body["image_id"] == "img_1"


class TestMetadata:
    def test_rows_become_a_map_and_blank_rows_are_skipped(self) -> None:
        rows = [{"key": "order", "value": "A-1"}, {"key": "", "value": " "}]
        assert metadata_of(rows) == ({"order": "A-1"}, "")
        assert build(amount="5", rows=rows).body["metadata"] == {"order": "A-1"}
        assert "metadata" not in build(amount="5").body

    @pytest.mark.parametrize(
        ("rows", "words"),
        [
            ([{"key": "", "value": "x"}], "needs a key"),
            ([{"key": "k" * 41, "value": "x"}], "at most 40"),
            ([{"key": "a", "value": "v" * 501}], "at most 500"),
            ([{"key": "a", "value": "1"}, {"key": "a", "value": "2"}], "twice"),
            ([{"key": f"k{i}", "value": "v"} for i in range(21)], "At most 20"),
        ],
    )
    def test_bad_metadata(self, rows: list[dict[str, str]], words: str) -> None:
        assert words in build(amount="5", rows=rows).errors["metadata"]


class TestApiErrors:
    def test_api_fields_map_onto_the_form(self) -> None:
        errors, others = form_errors(
            {
                "amount": "Too big.",
                "customer_fields.email": "Not a mode.",
                "metadata.order": "Too long.",
                "image_id": "No such image.",
                "after_payment.url": "Must be https.",
                "currency": "Odd.",
            }
        )
        assert errors == {
            "amount": "Too big.",
            "customer_fields.email": "Not a mode.",
            "metadata": "Too long.",
            "image": "No such image.",
            "after_payment.url": "Must be https.",
        }
        assert others == "currency: Odd."

    def test_the_same_body_has_the_same_fingerprint(self) -> None:
        one = build(amount="5").body
        assert link_form.body_fingerprint(one) == link_form.body_fingerprint(dict(one))
        assert link_form.body_fingerprint(one) != link_form.body_fingerprint(build(amount="6").body)


class TestImageChecks:
    def test_too_big_or_not_an_image(self) -> None:
        assert image_rules.upload_problem("a.png", "image/png", 5 * 1024 * 1024 + 1).startswith(
            "Images are at most 5 MB"
        )
        assert image_rules.upload_problem("a.pdf", "application/pdf", 10) == (
            image_rules.IMAGE_NOT_ACCEPTED
        )
        assert image_rules.upload_problem("a.webp", "", 10) == ""
        assert image_rules.image_content_type("photo.JPG", "") == "image/jpeg"

    def test_the_pickers_refusals_in_words(self) -> None:
        too_big = [{"file": {"path": "a.png"}, "errors": [{"code": "file-too-large"}]}]
        wrong = [{"file": {"path": "a.gif"}, "errors": [{"code": "file-invalid-type"}]}]
        assert image_rules.rejection_message(too_big) == image_rules.IMAGE_TOO_BIG
        assert image_rules.rejection_message(wrong) == image_rules.IMAGE_NOT_ACCEPTED

    def test_currency_symbols_and_examples(self) -> None:
        assert link_form_rules.currency_symbol("GBP") == "£"
        assert link_form_rules.amount_example("JPY") == "25"
        assert link_form_rules.amount_example("KWD") == "25.000"


class TestListWording:
    def link(self, **fields: Any) -> dict[str, Any]:
        return {
            "id": "plink_1",
            "title": "Beans",
            "currency": "GBP",
            "amount_type": "fixed",
            "amount": 1450,
            "type": "one_off",
            "status": "active",
            "payments_count": 1234,
            "amount_collected": 123450,
            "created_at": "2026-05-01T12:00:00Z",
            **fields,
        }

    def test_amounts(self) -> None:
        assert amount_label(self.link()) == "£14.50"
        variable = {"amount_type": "variable", "amount": None}
        assert amount_label(self.link(**variable)) == "Any amount"
        assert amount_label(self.link(**variable, min_amount=500, max_amount=5000)) == (
            "£5.00–£50.00"
        )
        assert amount_label(self.link(**variable, min_amount=500)) == "From £5.00"
        assert amount_label(self.link(**variable, max_amount=500)) == "Up to £5.00"

    def test_statuses_say_why_a_link_is_inactive(self) -> None:
        assert status_label(self.link()) == "Active"
        assert status_label(self.link(status="expired")) == "Expired"
        done = self.link(status="inactive", inactive_reason="completed")
        assert status_label(done) == "Completed"
        capped = self.link(status="inactive", inactive_reason="max_payments_reached")
        assert status_label(capped) == "Limit reached"

    def test_a_row(self) -> None:
        row = row_of(self.link(reference="INV-7"))
        assert row.type == "One-off"
        assert row.payments == "1,234"
        assert row.collected == "£1,234.50"
        assert row.created == "1 May 2026, 12:00 UTC"
        assert row.reference == "INV-7"
        assert row.status_color == "green"

    def test_unknown_filters_fall_back_to_all(self) -> None:
        assert choice("expired", STATUS_CHOICES) == "expired"
        assert choice("deleted", STATUS_CHOICES) == "all"
