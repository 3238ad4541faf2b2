"""How the link detail page words a link and its sends (pure)."""

from dashboard.link_view import (
    can_deactivate,
    can_send,
    link_facts,
    link_status,
    message_row,
    route_link_id,
)

LINK = {
    "id": "plink_019dbc4d828174419d9ff9fae24aea7b",
    "url": "http://checkout.test/pay/plink_019dbc4d828174419d9ff9fae24aea7b",
    "title": "Espresso beans",
    "type": "reusable",
    "amount_type": "fixed",
    "currency": "GBP",
    "amount": 1450,
    "max_payments": 3,
    "status": "active",
    "inactive_reason": None,
    "payments_count": 1,
    "amount_collected": 1450,
    "amount_refunded": 450,
    "created_at": "2026-11-26T14:05:00Z",
    "expires_at": None,
}


def test_the_link_id_comes_from_the_address() -> None:
    assert route_link_id("/payment-links/plink_abc") == "plink_abc"
    assert route_link_id("/payment-links/plink_abc/") == "plink_abc"
    assert route_link_id("/prefix/payment-links/plink_abc") == "plink_abc"
    assert route_link_id("/payment-links/new") == ""
    assert route_link_id("") == ""


def test_facts_of_a_fixed_reusable_link() -> None:
    facts = link_facts(LINK, "Market Street")
    assert facts.amount == "£14.50"
    assert facts.type == "Reusable, up to 3 payments"
    assert facts.status_label == "Active"
    assert facts.status_color == "green"
    assert facts.created == "26 Nov 2026, 14:05 UTC"
    assert facts.expires == "Never"
    assert facts.venue == "Market Street"
    assert (facts.payments, facts.collected, facts.refunded) == (
        "1",
        "£14.50",
        "£4.50",
    )


def test_variable_amounts_say_who_chooses_and_within_what() -> None:
    variable = {**LINK, "amount_type": "variable", "amount": None, "currency": "JPY"}
    assert link_facts({**variable, "min_amount": 100, "max_amount": 5000}).amount == (
        "Customer chooses, JP¥100 – JP¥5,000"
    )
    assert link_facts({**variable, "min_amount": 100}).amount == (
        "Customer chooses, at least JP¥100"
    )
    assert link_facts(variable).amount == "Customer chooses"


def test_an_inactive_link_says_why() -> None:
    completed = {**LINK, "type": "one_off", "status": "inactive", "inactive_reason": "completed"}
    assert link_status(completed) == "completed"
    assert link_facts(completed).status_label == "Completed"
    assert link_facts(completed).type == "One-off"
    assert not can_deactivate(completed)
    assert not can_send(completed)
    expired = {**LINK, "status": "expired"}
    assert can_deactivate(expired)
    assert not can_send(expired)
    assert can_deactivate(LINK)
    assert can_send(LINK)


def test_a_link_without_venue_says_so() -> None:
    assert link_facts(LINK).venue == "No venue"


def test_sends_kept_in_the_outbox_are_marked_not_delivered() -> None:
    row = message_row(
        {
            "channel": "sms",
            "recipient": "+447911123456",
            "status": "sent",
            "transport": "outbox",
            "created_at": "2026-11-26T14:05:00Z",
        }
    )
    assert (row.channel, row.status, row.status_color) == (
        "SMS",
        "not delivered",
        "orange",
    )
    assert "not delivered" in row.note


def test_a_failed_send_shows_its_error() -> None:
    row = message_row(
        {"channel": "email", "recipient": "a@example.com", "status": "failed", "error": "550"}
    )
    assert (row.status, row.status_color, row.note) == ("failed", "red", "550")
    queued = message_row({"channel": "email", "recipient": "a@example.com", "status": "queued"})
    assert (queued.status, queued.note) == ("queued", "")
