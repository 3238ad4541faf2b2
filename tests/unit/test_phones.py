"""Phone numbers read in the store's country, with examples of that country."""

import pytest

from paylinks.phones import example, to_e164


class TestToE164:
    @pytest.mark.parametrize(
        ("typed", "region", "e164"),
        [
            ("07911 123456", "GB", "+447911123456"),
            ("07911123456", "GB", "+447911123456"),
            ("(650) 253-0000", "US", "+16502530000"),
            ("030 123456", "DE", "+4930123456"),
            ("06 12 34 56 78", "FR", "+33612345678"),
            ("079 123 45 67", "CH", "+41791234567"),
            ("090-1234-5678", "JP", "+819012345678"),
            ("gb", "GB", None),
        ],
    )
    def test_a_national_number_is_read_in_the_region(
        self, typed: str, region: str, e164: str | None
    ) -> None:
        if e164 is None:
            with pytest.raises(ValueError):
                to_e164(typed, region)
        else:
            assert to_e164(typed, region) == e164

    @pytest.mark.parametrize("region", ["GB", "US", "JP", "DE"])
    def test_an_international_number_works_from_anywhere(self, region: str) -> None:
        assert to_e164("+44 7911 123456", region) == "+447911123456"
        assert to_e164("+1 650-253-0000", region) == "+16502530000"

    def test_the_regions_international_prefix_works(self) -> None:
        assert to_e164("0044 7911 123456", "DE") == "+447911123456"

    def test_the_error_gives_an_example_of_the_region(self) -> None:
        with pytest.raises(ValueError, match="such as 07400 123456"):
            to_e164("12", "GB")
        with pytest.raises(ValueError, match=r"such as \(201\) 555-0123"):
            to_e164("12", "US")

    @pytest.mark.parametrize("typed", ["", "phone", "+1 123", "0000"])
    def test_what_is_not_a_number_is_refused(self, typed: str) -> None:
        with pytest.raises(ValueError, match="or one starting with \\+"):
            to_e164(typed, "GB")


def test_every_example_is_a_valid_number_of_its_region() -> None:
    for region in ("GB", "US", "DE", "FR", "JP", "CH", "KW", "AU", "IN", "BR"):
        assert to_e164(example(region), region).startswith("+")
