"""The link form filled from a link (Edit, Duplicate), the changes an edit sends, the
field a failed submit goes to, the checkout preview and the Setup panel (pure)."""

from dataclasses import replace
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from dashboard.link_draft import FormDraft, MetadataRow, amount_lock, draft_of
from dashboard.link_form import build_link, edit_changes, first_invalid
from dashboard.link_preview import PreviewField, preview_of
from dashboard.link_setup import SetupRow, setup_rows

NOW = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)
LINK: dict[str, Any] = {
    "id": "plink_1",
    "title": "Espresso beans",
    "description": "1 kg, whole",
    "reference": "INV-7",
    "type": "reusable",
    "amount_type": "fixed",
    "amount": 1450,
    "currency": "GBP",
    "max_payments": 3,
    "expires_at": "2026-06-30T17:30:00Z",
    "image_id": "img_1",
    "image_url": "http://api.test/v1/images/img_1",
    "customer_fields": {
        "customer_name": "disabled",
        "email": "required",
        "phone": "optional",
        "business_name": "disabled",
    },
    "after_payment": {"type": "redirect", "url": "https://shop.example/thanks"},
    "venue_id": "venue_1",
    "metadata": {"order": "A-17"},
    "payments_count": 0,
}


class TestFilledFromALink:
    def test_every_field_is_shown_as_the_merchant_typed_it(self) -> None:
        draft = draft_of(LINK, ZoneInfo("Europe/London"))
        assert draft.amount == "14.50"
        assert draft.max_payments == "3"
        # 17:30 UTC is 18:30 in London in June.
        assert (draft.expires_date, draft.expires_time) == ("2026-06-30", "18:30")
        assert draft.customer_modes == LINK["customer_fields"]
        assert (draft.after_type, draft.redirect_url) == ("redirect", "https://shop.example/thanks")
        assert draft.venue_id == "venue_1"
        assert draft.metadata_rows == [MetadataRow("order", "A-17")]

    def test_the_same_link_is_created_again_from_its_draft(self) -> None:
        body = build_link(draft_of(LINK), "GBP", NOW).body
        for name in ("title", "amount", "max_payments", "customer_fields", "after_payment"):
            assert body[name] == LINK[name]
        assert body["expires_at"] == LINK["expires_at"]
        assert body["metadata"] == LINK["metadata"]

    def test_a_duplicate_drops_an_expiry_already_past(self) -> None:
        later = datetime(2026, 7, 1, tzinfo=UTC)
        draft = draft_of(LINK, expiring_after=later)
        assert (draft.expires_date, draft.expires_time) == ("", "")
        assert draft_of(LINK, expiring_after=NOW).expires_date == "2026-06-30"

    def test_variable_amounts_and_yen(self) -> None:
        variable = {"amount_type": "variable", "amount": None, "min_amount": 500}
        draft = draft_of({**LINK, **variable, "currency": "JPY"})
        assert (draft.amount_type, draft.amount, draft.min_amount) == ("variable", "", "500")


class TestEditChanges:
    def test_only_what_changed_is_sent(self) -> None:
        before = draft_of(LINK)
        after = replace(before, title="Espresso beans, 2 kg", customer_modes={})
        changes = edit_changes(before, after, "GBP", NOW)
        assert changes.ok
        assert changes.body == {
            "title": "Espresso beans, 2 kg",
            "customer_fields": dict.fromkeys(
                ["customer_name", "email", "phone", "business_name"], "disabled"
            ),
        }

    def test_nothing_changed_sends_nothing(self) -> None:
        assert edit_changes(draft_of(LINK), draft_of(LINK), "GBP", NOW).body == {}

    def test_a_cleared_field_is_sent_as_null(self) -> None:
        before = draft_of(LINK)
        after = replace(before, description="", metadata_rows=[], max_payments="")
        body = edit_changes(before, after, "GBP", NOW).body
        assert body == {"description": None, "metadata": None, "max_payments": None}

    def test_an_expiry_left_as_it_was_is_not_checked_again(self) -> None:
        # The link expired in June; it is now July: the title can still change.
        july = datetime(2026, 7, 1, tzinfo=UTC)
        before = draft_of(LINK)
        changes = edit_changes(before, replace(before, title="New"), "GBP", july)
        assert changes.ok
        assert changes.body == {"title": "New"}
        blank = replace(before, expires_date="", expires_time="")
        cleared = edit_changes(before, blank, "GBP", july)
        assert cleared.body == {"expires_at": None}

    def test_a_wrong_field_is_said_and_nothing_is_sent(self) -> None:
        before = draft_of(LINK)
        changes = edit_changes(before, replace(before, amount="-1"), "GBP", NOW)
        assert set(changes.errors) == {"amount"}

    def test_the_amount_locks_after_a_payment(self) -> None:
        assert amount_lock(LINK) == ""
        assert "can't change after a payment" in amount_lock({**LINK, "payments_count": 1})


class TestFocusAfterAFailedSubmit:
    def test_the_first_wrong_field_in_the_forms_order(self) -> None:
        errors = {"metadata": "x", "amount": "y", "after_payment.url": "z"}
        assert first_invalid(errors) == "amount"
        assert first_invalid({"expires_at": "x", "image": "y"}) == "expires_date"
        assert first_invalid({"customer_fields.email": "x"}) == "customer_fields.email"
        assert first_invalid({}) == ""

    def test_a_blank_form_goes_to_the_title(self) -> None:
        errors = build_link(FormDraft(), "GBP", NOW).errors
        assert set(errors) == {"title", "amount"}
        assert first_invalid(errors) == "title"


class TestPreview:
    def test_a_fixed_amount_and_the_fields_asked(self) -> None:
        preview = preview_of(draft_of(LINK), "GBP", "Corner Bakery")
        assert preview.store_name == "Corner Bakery"
        assert preview.title == "Espresso beans"
        assert preview.description == "1 kg, whole"
        assert preview.amount == "£14.50"
        assert preview.button == "Pay £14.50"
        assert preview.image_url == LINK["image_url"]
        assert preview.fields == [PreviewField("Email", True), PreviewField("Phone", False)]
        assert preview.after == "Then goes to https://shop.example/thanks"

    def test_a_variable_amount_shows_its_bounds(self) -> None:
        draft = FormDraft(title="Tips", amount_type="variable", min_amount="2", max_amount="50")
        preview = preview_of(draft, "GBP", "Shop")
        assert preview.variable
        assert preview.bounds == "Between £2.00 and £50.00"
        assert preview.button == "Pay"
        assert preview_of(replace(draft, max_amount=""), "GBP", "Shop").bounds == "At least £2.00"

    def test_blank_or_wrong_values_read_as_placeholders(self) -> None:
        preview = preview_of(FormDraft(amount="ten"), "GBP", "Shop")
        assert (preview.title, preview.amount, preview.button) == ("Your title", "", "Pay")
        assert preview.after == "Then shows a thank-you page"


def test_the_setup_panel_shows_everything_the_link_was_made_with() -> None:
    rows = {row.label: row.value for row in setup_rows(LINK, "Market Street")}
    assert rows["Type"] == "Reusable"
    assert rows["Amount"] == "Fixed, £14.50"
    assert rows["Limit"] == "3 payments"
    assert rows["Venue"] == "Market Street"
    assert rows["Email"] == "Required"
    assert rows["Customer name"] == "Off"
    assert rows["Redirect URL"] == "https://shop.example/thanks"
    assert rows["Metadata"] == "order = A-17"
    assert rows["Image"] == "Shown at checkout"
    thanks = {**LINK, "after_payment": {"type": "thank_you", "message": "Ta!"}}
    assert SetupRow("Thank-you message", "Ta!") in setup_rows(thanks)
