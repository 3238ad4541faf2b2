"""Identifiers: a prefix and a UUIDv7 as 32 lowercase hex digits, sorted by creation."""

import re
import time

import pytest

from paylinks.ids import Prefix, is_id, new_id

HEX = "019dbc4d828174419d9ff9fae24aea7b"


class TestNewId:
    def test_link_id_format(self) -> None:
        assert re.fullmatch(r"plink_[0-9a-f]{32}", new_id(Prefix.LINK))

    @pytest.mark.parametrize("prefix", list(Prefix))
    def test_every_prefix_makes_a_valid_id(self, prefix: Prefix) -> None:
        value = new_id(prefix)
        assert value.startswith(f"{prefix.value}_")
        assert is_id(value, prefix)

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


class TestIsId:
    def test_accepts_a_well_formed_id(self) -> None:
        assert is_id(f"plink_{HEX}", Prefix.LINK)

    @pytest.mark.parametrize(
        "value",
        [
            f"pay_{HEX}",
            f"plinks_{HEX}",
            f"PLINK_{HEX}",
            f"plink_{HEX.upper()}",
            f"plink_{HEX[:-1]}",
            f"plink_{HEX}0",
            f"plink_{HEX[:-1]}g",
            f"plink{HEX}",
            f"plink-{HEX}",
            f" plink_{HEX}",
            f"plink_{HEX} ",
            "plink_019dbc4d-8281-7441-9d9f-f9fae24aea7b",
            "plink_",
            "",
        ],
    )
    def test_rejects_malformed_ids(self, value: str) -> None:
        assert not is_id(value, Prefix.LINK)

    def test_rejects_a_trailing_newline(self) -> None:
        assert not is_id(f"plink_{HEX}\n", Prefix.LINK)

    def test_rejects_an_id_of_another_kind(self) -> None:
        assert not is_id(new_id(Prefix.PAYMENT), Prefix.LINK)
        assert not is_id(new_id(Prefix.REFUND), Prefix.PAYMENT)
