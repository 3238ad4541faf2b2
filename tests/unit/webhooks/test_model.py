"""Webhooks' pure rules: which URLs an endpoint may have, which deliveries an event needs,
which secrets sign, the retry schedule, and the cache of decrypted secrets."""

from datetime import UTC, datetime, timedelta

import msgspec
import pytest

from paylinks.errors import ValidationFailed
from paylinks.events.model import Event, EventType
from paylinks.secrets import Cipher
from paylinks.webhooks.model import (
    RETRY_SCHEDULE,
    EndpointStatus,
    UnsafeUrl,
    WebhookEndpoint,
    check_destination,
    deliveries_wanted,
    is_public_address,
    next_attempt_delay,
    signing_secrets,
    validate_endpoint,
)
from paylinks.webhooks.service import SigningKeys

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)


def event(store_id: str, event_type: EventType = EventType.LINK_PAID, n: int = 1) -> Event:
    return Event(
        id=f"evt_{n}",
        type=event_type,
        created_at=NOW,
        store_id=store_id,
        data=msgspec.Raw(b"{}"),
    )


def endpoint(
    endpoint_id: str, store_id: str, events: list[EventType] | None = None
) -> WebhookEndpoint:
    return WebhookEndpoint(
        id=endpoint_id,
        store_id=store_id,
        url="https://hooks.example/x",
        events=events,
        status=EndpointStatus.ENABLED,
        created_at=NOW,
    )


MALFORMED_URLS = [
    "https://[::1",  # urlsplit raises
    "https://[::1/x",
    "https://1.1.1.1:99999/",  # .port raises
    "https://1.1.1.1:abc/",
    "https://1.1.1.1:-1/",
    "https://1.1.1.1:0/",  # no service listens on port 0
]


class TestValidateEndpoint:
    @pytest.mark.parametrize("url", MALFORMED_URLS)
    def test_a_malformed_url_is_refused_naming_the_field(self, url: str) -> None:
        with pytest.raises(ValidationFailed) as caught:
            validate_endpoint(url, None)
        assert [error.field for error in caught.value.errors] == ["url"]

    @pytest.mark.parametrize(
        "url", ["https://[::1]:8443/hook", "https://1.1.1.1:65535/", "http://hooks.example:1/x"]
    )
    def test_any_port_from_1_to_65535_is_accepted(self, url: str) -> None:
        assert validate_endpoint(f" {url} ", None) == (url, None)


class TestCheckDestination:
    @pytest.mark.parametrize("url", MALFORMED_URLS)
    def test_a_malformed_url_is_unsafe(self, url: str) -> None:
        # An endpoint saved before the rule above must fail its delivery, not the worker.
        with pytest.raises(UnsafeUrl):
            check_destination(url, allow_private=False)


class TestDeliveriesWanted:
    def test_each_endpoint_of_the_store_that_wants_the_type(self) -> None:
        paid, created = event("st_a", n=1), event("st_a", EventType.LINK_CREATED, n=2)
        every = endpoint("we_every", "st_a")
        only_paid = endpoint("we_paid", "st_a", [EventType.LINK_PAID])
        other_store = endpoint("we_other", "st_b")
        pairs = deliveries_wanted([paid, created], [every, only_paid, other_store])
        assert [(e.id, w.id) for e, w in pairs] == [
            ("evt_1", "we_every"),
            ("evt_1", "we_paid"),
            ("evt_2", "we_every"),
        ]

    def test_a_store_without_endpoints_wants_none(self) -> None:
        assert deliveries_wanted([event("st_a")], [endpoint("we_b", "st_b")]) == []


class TestSigningSecrets:
    def test_the_previous_secret_signs_until_its_overlap_ends(self) -> None:
        later = NOW + timedelta(hours=1)
        assert signing_secrets("new", "old", later, NOW) == ["new", "old"]
        assert signing_secrets("new", "old", NOW, NOW) == ["new"]
        assert signing_secrets("new", None, None, NOW) == ["new"]


class TestSchedule:
    def test_attempts_follow_the_schedule_then_stop(self) -> None:
        delays = [next_attempt_delay(n) for n in range(len(RETRY_SCHEDULE) + 1)]
        assert delays[:-1] == list(RETRY_SCHEDULE)
        assert delays[-1] is None
        assert [d.total_seconds() for d in RETRY_SCHEDULE] == [
            0, 5, 300, 1800, 7200, 18000, 36000, 36000,
        ]  # fmt: skip


class TestSigningKeys:
    def test_a_rotated_secret_is_never_served_from_the_cache(self) -> None:
        cipher = Cipher("unit-test-key-" + "x" * 32)
        keys = SigningKeys(cipher)
        first, second = cipher.encrypt("whsec_first"), cipher.encrypt("whsec_second")
        assert keys([first]) == ["whsec_first"]
        assert keys([second, first]) == ["whsec_second", "whsec_first"]

    def test_keys_stay_right_beyond_the_cache_size(self) -> None:
        cipher = Cipher("unit-test-key-" + "x" * 32)
        keys = SigningKeys(cipher, size=2)
        secrets = [cipher.encrypt(f"whsec_{n}") for n in range(5)]
        assert keys(secrets) == [f"whsec_{n}" for n in range(5)]
        assert keys(secrets[:1]) == ["whsec_0"]


class TestPublicAddress:
    @pytest.mark.parametrize(
        "address",
        [
            "127.0.0.1",
            "10.0.0.7",
            "169.254.169.254",
            "::1",
            "::ffff:127.0.0.1",  # IPv4-mapped
            "64:ff9b::7f00:1",  # NAT64 to 127.0.0.1
            "64:ff9b::a9fe:a9fe",  # NAT64 to 169.254.169.254 (cloud metadata)
            "64:ff9b:1::808:808",  # local-use NAT64: inside the operator's network
            "2002:7f00:1::1",  # 6to4 of 127.0.0.1
            "2002:a00:7::1",  # 6to4 of 10.0.0.7
            "::7f00:1",  # IPv4-compatible 127.0.0.1
            "224.0.0.1",
        ],
    )
    def test_addresses_that_reach_inside_are_refused(self, address: str) -> None:
        assert not is_public_address(address)

    @pytest.mark.parametrize(
        "address", ["93.184.216.34", "2606:2800:220:1::1", "64:ff9b::5db8:d822"]
    )
    def test_public_addresses_pass(self, address: str) -> None:
        assert is_public_address(address)
