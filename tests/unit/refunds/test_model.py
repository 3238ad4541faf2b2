"""Refunds: the lifecycle as data, the amount and reason of a refund, and its retry timing."""

from datetime import timedelta

import pytest

from paylinks.errors import ValidationFailed
from paylinks.refunds.model import (
    ATTEMPT_TIMEOUT,
    LEASE,
    REASON_MAX,
    RETRY_FIRST,
    RETRY_MAX,
    TRANSITIONS,
    RefundStatus,
    clean_reason,
    from_statuses,
    refund_amount,
    retry_delay,
)

S = RefundStatus


def rejected(call: object, *args: object) -> list[tuple[str, str]]:
    """The fields ``call(*args)`` turned down, with what it said about each."""
    assert callable(call)
    with pytest.raises(ValidationFailed) as caught:
        call(*args)
    return [(error.field, error.message) for error in caught.value.errors]


class TestLifecycle:
    def test_every_status_has_its_moves(self) -> None:
        assert set(TRANSITIONS) == set(RefundStatus)

    def test_a_pending_refund_succeeds_or_fails(self) -> None:
        assert TRANSITIONS[S.PENDING] == {S.SUCCEEDED, S.FAILED}

    @pytest.mark.parametrize("status", [S.SUCCEEDED, S.FAILED])
    def test_a_settled_refund_is_final(self, status: RefundStatus) -> None:
        assert TRANSITIONS[status] == frozenset()


class TestFromStatuses:
    @pytest.mark.parametrize("target", [S.SUCCEEDED, S.FAILED])
    def test_only_a_pending_refund_is_settled(self, target: RefundStatus) -> None:
        assert from_statuses(target) == {S.PENDING}

    def test_a_pending_refund_may_settle_either_way(self) -> None:
        assert from_statuses(S.SUCCEEDED, S.FAILED) == {S.PENDING}

    def test_nothing_moves_back_to_pending(self) -> None:
        assert from_statuses(S.PENDING) == frozenset()


class TestRefundAmount:
    def test_all_that_is_left_by_default(self) -> None:
        assert refund_amount(None, 1000) == 1000

    @pytest.mark.parametrize("amount", [1, 999, 1000])
    def test_any_amount_up_to_what_is_left(self, amount: int) -> None:
        assert refund_amount(amount, 1000) == amount

    @pytest.mark.parametrize("amount", [-1, 0, 1001])
    def test_refuses_an_amount_that_does_not_fit(self, amount: int) -> None:
        assert rejected(refund_amount, amount, 1000) == [
            ("amount", "Refund from 1 to 1000 (what is left to refund).")
        ]

    @pytest.mark.parametrize("left", [0, -5])
    @pytest.mark.parametrize("amount", [None, 1])
    def test_refuses_any_refund_when_nothing_is_left(self, amount: int | None, left: int) -> None:
        assert rejected(refund_amount, amount, left) == [("amount", "Nothing is left to refund.")]


class TestCleanReason:
    @pytest.mark.parametrize("reason", [None, "", "  \n "])
    def test_no_reason_is_none(self, reason: str | None) -> None:
        assert clean_reason(reason) is None

    def test_a_reason_is_trimmed(self) -> None:
        assert clean_reason("  Changed my mind \n") == "Changed my mind"

    def test_a_reason_is_at_most_the_limit_once_trimmed(self) -> None:
        longest = "x" * REASON_MAX
        assert clean_reason(f"  {longest}  ") == longest
        assert rejected(clean_reason, longest + "x") == [
            ("reason", f"At most {REASON_MAX} characters.")
        ]


class TestRetryDelay:
    def test_a_first_retry_waits_the_shortest_delay(self) -> None:
        assert retry_delay(1) == RETRY_FIRST == timedelta(seconds=30)

    def test_waits_longer_after_each_attempt_up_to_the_longest_delay(self) -> None:
        delays = [retry_delay(attempts) for attempts in range(1, 40)]
        assert delays == sorted(delays)
        assert delays[1] > delays[0]
        assert delays[-1] == RETRY_MAX == timedelta(hours=1)


class TestTiming:
    def test_a_job_gives_up_on_the_gateway_before_its_hold_on_the_refund_ends(self) -> None:
        assert ATTEMPT_TIMEOUT < LEASE
