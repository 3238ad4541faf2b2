"""Idempotency keys: scoped per caller, matched on the request, kept for 24 hours."""

from datetime import UTC, datetime, timedelta

from paylinks.idempotency.model import (
    RETENTION,
    Claim,
    Held,
    is_expired,
    judge,
    record_id,
    request_hash,
)

NOW = datetime(2026, 1, 15, 12, 0, tzinfo=UTC)
BODY = b'{"title": "Espresso beans", "amount": 1450}'


class TestRecordId:
    def test_is_stable(self) -> None:
        assert record_id("store_a", "key-1") == record_id("store_a", "key-1")

    def test_the_same_key_in_another_scope_is_another_record(self) -> None:
        assert record_id("store_a", "key-1") != record_id("store_b", "key-1")

    def test_another_key_in_the_same_scope_is_another_record(self) -> None:
        assert record_id("store_a", "key-1") != record_id("store_a", "key-2")

    def test_scope_and_key_do_not_run_together(self) -> None:
        assert record_id("store_a", "bkey") != record_id("store_ab", "key")

    def test_is_a_fixed_length_digest(self) -> None:
        value = record_id("store_a", "k" * 255)
        assert len(value) == 64
        assert int(value, 16) >= 0


class TestRequestHash:
    def test_is_stable(self) -> None:
        assert request_hash("POST", "/v1/payment-links", BODY) == request_hash(
            "POST", "/v1/payment-links", BODY
        )

    def test_differs_with_the_body(self) -> None:
        other = BODY.replace(b"1450", b"1451")
        assert request_hash("POST", "/v1/payment-links", BODY) != request_hash(
            "POST", "/v1/payment-links", other
        )

    def test_differs_with_the_path(self) -> None:
        assert request_hash("POST", "/v1/payment-links", BODY) != request_hash(
            "POST", "/v1/venues", BODY
        )

    def test_differs_with_the_method(self) -> None:
        assert request_hash("POST", "/v1/x", b"") != request_hash("PUT", "/v1/x", b"")

    def test_path_and_body_do_not_run_together(self) -> None:
        assert request_hash("POST", "/v1/a", b"b") != request_hash("POST", "/v1/ab", b"")

    def test_an_empty_body_differs_from_an_empty_object(self) -> None:
        assert request_hash("POST", "/v1/x", b"") != request_hash("POST", "/v1/x", b"{}")


class TestIsExpired:
    def test_retention_is_24_hours(self) -> None:
        assert timedelta(hours=24) == RETENTION

    def test_a_fresh_record_is_kept(self) -> None:
        assert not is_expired(NOW, NOW)

    def test_a_record_just_under_24_hours_old_is_kept(self) -> None:
        assert not is_expired(NOW - timedelta(hours=24) + timedelta(seconds=1), NOW)

    def test_a_record_24_hours_old_is_expired(self) -> None:
        assert is_expired(NOW - timedelta(hours=24), NOW)

    def test_an_older_record_is_expired(self) -> None:
        assert is_expired(NOW - timedelta(days=3), NOW)


class TestJudge:
    """What a request may do with its key, by the state the key is in."""

    HASH = request_hash("POST", "/v1/payment-links", BODY)

    def held(
        self,
        *,
        age: timedelta = timedelta(seconds=1),
        answered: bool = False,
        lease_left: timedelta | None = timedelta(seconds=30),
        request: str | None = None,
    ) -> Held:
        return Held(
            request_hash=request or self.HASH,
            created_at=NOW - age,
            answered=answered,
            leased_until=None if lease_left is None else NOW + lease_left,
        )

    def test_a_key_never_seen_is_new(self) -> None:
        assert judge(None, self.HASH, NOW) is Claim.NEW

    def test_a_key_past_its_retention_is_new_again(self) -> None:
        assert judge(self.held(age=RETENTION, answered=True), self.HASH, NOW) is Claim.NEW

    def test_an_answered_key_replays(self) -> None:
        held = self.held(answered=True, lease_left=None)
        assert judge(held, self.HASH, NOW) is Claim.REPLAY

    def test_a_running_request_keeps_its_key_while_its_lease_lasts(self) -> None:
        assert judge(self.held(), self.HASH, NOW) is Claim.IN_PROGRESS

    def test_a_request_that_never_answered_is_taken_over_when_its_lease_ends(self) -> None:
        assert judge(self.held(lease_left=timedelta(0)), self.HASH, NOW) is Claim.TAKE_OVER
        held = self.held(lease_left=-timedelta(seconds=5))
        assert judge(held, self.HASH, NOW) is Claim.TAKE_OVER

    def test_a_claim_from_before_leases_is_taken_over(self) -> None:
        assert judge(self.held(lease_left=None), self.HASH, NOW) is Claim.TAKE_OVER

    def test_another_request_with_the_key_is_refused_whatever_the_lease(self) -> None:
        other = request_hash("POST", "/v1/payment-links", b"{}")
        for held in (self.held(), self.held(lease_left=None), self.held(answered=True)):
            assert judge(held, other, NOW) is Claim.MISMATCH
