"""Identifiers: a prefix and a UUIDv7 as 32 lowercase hex digits, sorted by creation."""

import re
import time

import pytest

from paylinks.ids import Prefix, new_id


class TestNewId:
    def test_link_id_format(self) -> None:
        assert re.fullmatch(r"plink_[0-9a-f]{32}", new_id(Prefix.LINK))

    @pytest.mark.parametrize("prefix", list(Prefix))
    def test_every_prefix_makes_a_valid_id(self, prefix: Prefix) -> None:
        value = new_id(prefix)
        assert re.fullmatch(rf"{prefix.value}_[0-9a-f]{{32}}", value)

    def test_is_a_uuid_version_7(self) -> None:
        hex_part = new_id(Prefix.LINK).removeprefix("plink_")
        assert hex_part[12] == "7"
        assert hex_part[16] in "89ab"

    def test_embeds_the_creation_time(self) -> None:
        before = int(time.time() * 1000)
        hex_part = new_id(Prefix.PAYMENT).removeprefix("pay_")
        after = int(time.time() * 1000)
        assert before - 1 <= int(hex_part[:12], 16) <= after + 1

    def test_ids_are_unique(self) -> None:
        ids = [new_id(Prefix.LINK) for _ in range(5000)]
        assert len(set(ids)) == len(ids)

    def test_ids_sort_in_creation_order_within_a_millisecond(self) -> None:
        ids = [new_id(Prefix.LINK) for _ in range(5000)]
        assert ids == sorted(ids)

    def test_ids_sort_in_creation_order_across_milliseconds(self) -> None:
        ids = []
        for _ in range(5):
            ids.append(new_id(Prefix.EVENT))
            time.sleep(0.002)
        assert ids == sorted(ids)
