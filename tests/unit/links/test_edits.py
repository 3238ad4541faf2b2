"""Editing a link, pure: which fields change, by the rules of creation, and the locks a
payment puts on the amount and the cap; reactivation's rule and its SQL."""

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from paylinks.errors import ValidationFailed
from paylinks.links import repository
from paylinks.links.edits import EDITABLE, LinkHasPayments, check_edit, draft_of
from paylinks.links.model import (
    INACTIVE_TRANSITIONS,
    REACTIVATABLE,
    AmountType,
    InactiveReason,
    LinkType,
    reactivation_refused,
)
from paylinks.links.tables import PaymentLinkTable
from tests.factories import payment_link

NOW = datetime(2026, 1, 15, 12, 0, tzinfo=UTC)


def fields_of(error: ValidationFailed) -> set[str]:
    return {item.field for item in error.errors}


class TestCheckEdit:
    def test_answers_only_what_changes_normalised(self) -> None:
        link = payment_link()
        changed = check_edit(link, {"title": "  Decaf ", "amount": 1450}, NOW)
        assert changed == {"title": "Decaf"}

    @pytest.mark.parametrize("field", ["type", "currency", "id", "payments_count"])
    def test_fixed_fields_are_refused(self, field: str) -> None:
        with pytest.raises(ValidationFailed) as raised:
            check_edit(payment_link(), {field: "x"}, NOW)
        assert fields_of(raised.value) == {field}

    def test_the_result_must_be_a_link_creation_would_take(self) -> None:
        with pytest.raises(ValidationFailed) as raised:
            check_edit(payment_link(), {"amount_type": AmountType.VARIABLE}, NOW)
        assert fields_of(raised.value) == {"amount"}

    def test_an_unchanged_past_expiry_is_not_checked_again(self) -> None:
        link = payment_link(expires_at=NOW - timedelta(days=1))
        assert check_edit(link, {"title": "Later"}, NOW) == {"title": "Later"}
        resent = {"title": "Later", "expires_at": link.expires_at}
        assert check_edit(link, resent, NOW) == {"title": "Later"}
        with pytest.raises(ValidationFailed):
            check_edit(link, {"expires_at": NOW - timedelta(hours=1)}, NOW)

    def test_the_amount_is_locked_by_a_payment(self) -> None:
        link = payment_link(payments_count=1)
        with pytest.raises(LinkHasPayments):
            check_edit(link, {"amount": 1500}, NOW)
        assert check_edit(link, {"amount": 1450, "title": "T"}, NOW) == {"title": "T"}

    def test_the_cap_is_not_below_the_payments_taken(self) -> None:
        link = payment_link(max_payments=5, payments_count=3)
        with pytest.raises(ValidationFailed) as raised:
            check_edit(link, {"max_payments": 2}, NOW)
        assert fields_of(raised.value) == {"max_payments"}
        assert check_edit(link, {"max_payments": 3}, NOW) == {"max_payments": 3}

    def test_every_editable_field_is_a_column_of_its_name(self) -> None:
        columns = {column._meta.db_column_name for column in PaymentLinkTable._meta.columns}
        assert columns >= EDITABLE

    def test_draft_of_a_link_is_a_valid_draft(self) -> None:
        assert draft_of(payment_link()).title == "Espresso beans"


class TestReactivation:
    def test_transitions_are_the_source_of_the_reasons_it_clears(self) -> None:
        assert {
            reason for reason in InactiveReason if None in INACTIVE_TRANSITIONS[reason]
        } == REACTIVATABLE
        assert InactiveReason.COMPLETED not in REACTIVATABLE
        for reason in InactiveReason:
            assert (f"'{reason.value}'" in repository._REACTIVATE) is (reason in REACTIVATABLE)

    @pytest.mark.parametrize(
        ("fields", "refusal"),
        [
            ({}, None),
            ({"inactive_reason": InactiveReason.DEACTIVATED}, None),
            (
                {"inactive_reason": InactiveReason.COMPLETED, "type": LinkType.ONE_OFF},
                "link_completed",
            ),
            (
                {
                    "inactive_reason": InactiveReason.DEACTIVATED,
                    "type": LinkType.ONE_OFF,
                    "payments_count": 1,
                },
                "link_completed",
            ),
            (
                {
                    "inactive_reason": InactiveReason.MAX_PAYMENTS_REACHED,
                    "max_payments": 2,
                    "payments_count": 2,
                },
                "link_max_payments_reached",
            ),
            (
                {
                    "inactive_reason": InactiveReason.MAX_PAYMENTS_REACHED,
                    "max_payments": 3,
                    "payments_count": 2,
                },
                None,
            ),
        ],
    )
    def test_refused_when_completed_or_at_the_cap(
        self, fields: dict[str, Any], refusal: str | None
    ) -> None:
        assert reactivation_refused(payment_link(**fields)) == refusal
