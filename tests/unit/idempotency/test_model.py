"""Idempotency keys: scoped per caller, matched on the request, kept for 24 hours."""

from datetime import UTC, datetime, timedelta

from paylinks.idempotency.model import RETENTION, is_expired, record_id, request_hash

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
