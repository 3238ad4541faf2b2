"""Payment links: every rule of SPEC §2, derived status, capacity and transitions."""

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import msgspec
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from paylinks.errors import ValidationFailed
from paylinks.links.model import (
    AmountType,
    CustomerFields,
    FieldMode,
    InactiveReason,
    LinkDraft,
    LinkStatus,
    LinkType,
    PublicUrls,
    Redirect,
    ThankYou,
    can_become_inactive,
    derive_status,
    is_allowed_redirect,
    link_capacity,
    to_view,
    validate_link,
)
from paylinks.money import MAX_AMOUNT
from tests.factories import payment_link

NOW = datetime(2026, 1, 15, 12, 0, tzinfo=UTC)


def draft(**fields: Any) -> LinkDraft:
    """A valid fixed-amount reusable link, with the given fields changed."""
    values: dict[str, Any] = {"title": "Espresso beans", "amount": 1450}
    if fields.get("amount_type") is AmountType.VARIABLE:
        values.pop("amount")
    values.update(fields)
    return LinkDraft(**values)


def failed_fields(candidate: LinkDraft, now: datetime = NOW) -> list[str]:
    with pytest.raises(ValidationFailed) as caught:
        validate_link(candidate, now)
    return [error.field for error in caught.value.errors]


class TestDraftDefaults:
    def test_defaults_follow_the_spec(self) -> None:
        value = LinkDraft(title="Beans")
        assert value.type is LinkType.REUSABLE
        assert value.amount_type is AmountType.FIXED
        assert value.after_payment == ThankYou(message=None)
        assert value.customer_fields == CustomerFields(
            business_name=FieldMode.DISABLED,
            customer_name=FieldMode.DISABLED,
            email=FieldMode.DISABLED,
            phone=FieldMode.DISABLED,
        )
        assert value.metadata == {}

    def test_after_payment_is_tagged_by_type(self) -> None:
        encoded = msgspec.json.encode(Redirect(url="https://example.com"))
        assert msgspec.json.decode(encoded) == {"type": "redirect", "url": "https://example.com"}
        assert msgspec.json.decode(msgspec.json.encode(ThankYou())) == {
            "type": "thank_you",
            "message": None,
        }


class TestValidLinks:
    def test_a_fixed_link_is_accepted(self) -> None:
        assert validate_link(draft(), NOW) == draft()

    def test_a_variable_link_without_bounds_is_accepted(self) -> None:
        result = validate_link(draft(amount_type=AmountType.VARIABLE), NOW)
        assert result.amount is None

    def test_a_variable_link_with_equal_bounds_is_accepted(self) -> None:
        candidate = draft(amount_type=AmountType.VARIABLE, min_amount=500, max_amount=500)
        assert validate_link(candidate, NOW).min_amount == 500

    def test_a_one_off_link_is_accepted(self) -> None:
        assert validate_link(draft(type=LinkType.ONE_OFF), NOW).type is LinkType.ONE_OFF

    def test_a_capped_reusable_link_is_accepted(self) -> None:
        assert validate_link(draft(max_payments=1), NOW).max_payments == 1

    def test_the_amount_limits_are_inclusive(self) -> None:
        assert validate_link(draft(amount=1), NOW).amount == 1
        assert validate_link(draft(amount=MAX_AMOUNT), NOW).amount == MAX_AMOUNT

    def test_an_aware_future_expiry_is_accepted(self) -> None:
        expires = datetime(2026, 1, 15, 14, 0, tzinfo=timezone(timedelta(hours=1)))
        assert validate_link(draft(expires_at=expires), NOW).expires_at == expires

    def test_every_optional_field_at_its_limit_is_accepted(self) -> None:
        candidate = draft(
            title="t" * 120,
            description="d" * 1000,
            reference="r" * 120,
            after_payment=ThankYou(message="m" * 500),
            metadata={f"{i:0>40}": "v" * 500 for i in range(20)},
        )
        assert validate_link(candidate, NOW) == candidate


class TestTitle:
    def test_is_trimmed(self) -> None:
        assert validate_link(draft(title="  Espresso beans \n"), NOW).title == "Espresso beans"

    @pytest.mark.parametrize("title", ["", " ", " \t\n "])
    def test_is_required(self, title: str) -> None:
        assert failed_fields(draft(title=title)) == ["title"]

    def test_is_at_most_120_characters(self) -> None:
        assert failed_fields(draft(title="t" * 121)) == ["title"]

    def test_length_is_counted_after_trimming(self) -> None:
        assert validate_link(draft(title=f"  {'t' * 120}  "), NOW).title == "t" * 120

    @pytest.mark.parametrize(
        "title",
        [
            "Tea\nCoffee",
            "Tea\r\nBcc: x@example.com",
            "Tea\tCoffee",
            "Tea\x00",
            "Tea\x1b[31m",
            "Tea\x7f",
            "Tea\x85Coffee",
            "Tea\u2028Coffee",
            "Tea\u2029Coffee",
        ],
    )
    def test_is_one_line_without_control_characters(self, title: str) -> None:
        with pytest.raises(ValidationFailed) as caught:
            validate_link(draft(title=title), NOW)
        assert [(e.field, e.message) for e in caught.value.errors] == [
            ("title", "One line of text, without line breaks, tabs or other control characters.")
        ]

    def test_other_unicode_is_welcome(self) -> None:
        title = "Café crème – 東京 ☕ Ünïcödé"
        assert validate_link(draft(title=title), NOW).title == title


class TestDescriptionAndReference:
    def test_are_trimmed_and_blank_becomes_none(self) -> None:
        result = validate_link(draft(description="  Fresh  ", reference="   "), NOW)
        assert result.description == "Fresh"
        assert result.reference is None

    def test_description_is_at_most_1000_characters(self) -> None:
        assert failed_fields(draft(description="d" * 1001)) == ["description"]

    def test_reference_is_at_most_120_characters(self) -> None:
        assert failed_fields(draft(reference="r" * 121)) == ["reference"]

    @pytest.mark.parametrize("reference", ["INV-1\nINV-2", "INV\t1", "INV\x00", "INV\u2028 2"])
    def test_reference_is_one_line_without_control_characters(self, reference: str) -> None:
        assert failed_fields(draft(reference=reference)) == ["reference"]

    def test_description_keeps_its_lines_and_tabs(self) -> None:
        description = "Line one\nLine two\r\n\tindented\u2028and a separator"
        assert validate_link(draft(description=description), NOW).description == description

    @pytest.mark.parametrize("char", ["\x00", "\x1b", "\x07", "\x7f", "\x85", "\x0b"])
    def test_description_has_no_other_control_characters(self, char: str) -> None:
        assert failed_fields(draft(description=f"Fresh{char}beans")) == ["description"]


class TestAmounts:
    def test_a_fixed_link_needs_an_amount(self) -> None:
        assert failed_fields(draft(amount=None)) == ["amount"]

    @pytest.mark.parametrize("amount", [0, -1, -1450, MAX_AMOUNT + 1])
    def test_a_fixed_amount_is_positive_and_bounded(self, amount: int) -> None:
        assert failed_fields(draft(amount=amount)) == ["amount"]

    @pytest.mark.parametrize("field", ["min_amount", "max_amount"])
    def test_a_fixed_link_has_no_bounds(self, field: str) -> None:
        assert failed_fields(draft(**{field: 100})) == [field]

    def test_a_variable_link_has_no_amount(self) -> None:
        assert failed_fields(draft(amount_type=AmountType.VARIABLE, amount=1450)) == ["amount"]

    @pytest.mark.parametrize("field", ["min_amount", "max_amount"])
    @pytest.mark.parametrize("value", [0, -5, MAX_AMOUNT + 1])
    def test_variable_bounds_are_positive(self, field: str, value: int) -> None:
        candidate = draft(amount_type=AmountType.VARIABLE, **{field: value})
        assert failed_fields(candidate) == [field]

    def test_min_amount_is_not_more_than_max_amount(self) -> None:
        candidate = draft(amount_type=AmountType.VARIABLE, min_amount=1001, max_amount=1000)
        assert failed_fields(candidate) == ["min_amount"]


class TestMaxPayments:
    def test_a_one_off_link_has_no_cap(self) -> None:
        assert failed_fields(draft(type=LinkType.ONE_OFF, max_payments=1)) == ["max_payments"]

    @pytest.mark.parametrize("value", [0, -1])
    def test_is_at_least_one(self, value: int) -> None:
        assert failed_fields(draft(max_payments=value)) == ["max_payments"]


class TestExpiresAt:
    @pytest.mark.parametrize("delta", [timedelta(0), timedelta(seconds=-1), timedelta(days=-30)])
    def test_is_in_the_future(self, delta: timedelta) -> None:
        assert failed_fields(draft(expires_at=NOW + delta)) == ["expires_at"]

    def test_needs_a_time_zone(self) -> None:
        naive = datetime(2030, 1, 1, 12, 0)
        assert failed_fields(draft(expires_at=naive)) == ["expires_at"]

    def test_must_have_a_utc_time(self) -> None:
        last = datetime.fromisoformat("9999-12-31T23:59:59-14:00")  # past 9999 in UTC
        assert failed_fields(draft(expires_at=last)) == ["expires_at"]
        latest = last.replace(hour=9)  # 9999-12-31 23:59:59 UTC
        assert validate_link(draft(expires_at=latest), NOW).expires_at == latest


class TestAfterPayment:
    def test_thank_you_message_is_trimmed(self) -> None:
        result = validate_link(draft(after_payment=ThankYou(message="  Thanks!  ")), NOW)
        assert result.after_payment == ThankYou(message="Thanks!")

    def test_blank_thank_you_message_becomes_none(self) -> None:
        result = validate_link(draft(after_payment=ThankYou(message="   ")), NOW)
        assert result.after_payment == ThankYou(message=None)

    def test_thank_you_message_is_at_most_500_characters(self) -> None:
        candidate = draft(after_payment=ThankYou(message="m" * 501))
        assert failed_fields(candidate) == ["after_payment.message"]

    @pytest.mark.parametrize(
        "url",
        [
            "https://example.com/thanks",
            "https://example.com:8443/thanks?order=1#top",
            "http://localhost:3000/thanks",
            "http://127.0.0.1/thanks",
        ],
    )
    def test_redirect_to_an_allowed_url_is_accepted(self, url: str) -> None:
        result = validate_link(draft(after_payment=Redirect(url=url)), NOW)
        assert result.after_payment == Redirect(url=url)

    @pytest.mark.parametrize(
        "url",
        [
            "http://example.com/thanks",
            "ftp://example.com/thanks",
            "javascript:alert(1)",
            "/thanks",
            "example.com/thanks",
            "https://",
            "",
            "https://" + "a" * 2000 + ".com",
        ],
    )
    def test_redirect_to_another_url_is_refused(self, url: str) -> None:
        assert failed_fields(draft(after_payment=Redirect(url=url))) == ["after_payment.url"]


class TestMetadata:
    def test_at_most_20_keys(self) -> None:
        metadata = {f"key{i}": "v" for i in range(21)}
        assert failed_fields(draft(metadata=metadata)) == ["metadata"]

    def test_keys_are_at_most_40_characters(self) -> None:
        fields = failed_fields(draft(metadata={"k" * 41: "v"}))
        assert fields == [f"metadata.{'k' * 40}"]

    def test_keys_are_not_empty(self) -> None:
        fields = failed_fields(draft(metadata={"": "v"}))
        assert len(fields) == 1
        assert fields[0].startswith("metadata")

    def test_values_are_at_most_500_characters(self) -> None:
        assert failed_fields(draft(metadata={"order": "v" * 501})) == ["metadata.order"]

    def test_empty_values_are_allowed(self) -> None:
        assert validate_link(draft(metadata={"order": ""}), NOW).metadata == {"order": ""}


class TestSeveralErrors:
    def test_every_broken_rule_is_reported_at_once(self) -> None:
        candidate = LinkDraft(
            title=" ",
            description="d" * 1001,
            reference="r" * 121,
            type=LinkType.ONE_OFF,
            amount_type=AmountType.VARIABLE,
            amount=100,
            min_amount=500,
            max_amount=100,
            max_payments=3,
            expires_at=NOW - timedelta(hours=1),
            after_payment=Redirect(url="http://example.com"),
            metadata={f"k{i}": "v" for i in range(21)},
        )
        assert set(failed_fields(candidate)) == {
            "title",
            "description",
            "reference",
            "amount",
            "min_amount",
            "max_payments",
            "expires_at",
            "after_payment.url",
            "metadata",
        }

    def test_errors_carry_a_message(self) -> None:
        with pytest.raises(ValidationFailed) as caught:
            validate_link(draft(title="", amount=0), NOW)
        assert caught.value.code == "validation_error"
        assert all(error.message for error in caught.value.errors)


class TestIsAllowedRedirect:
    @pytest.mark.parametrize(
        "url",
        [
            "https://example.com",
            "https://example.com/a/b?c=d#e",
            "HTTPS://EXAMPLE.COM/",
            "https://203.0.113.7/thanks",
            "http://localhost",
            "http://localhost:8000/thanks",
            "http://127.0.0.1:3000/",
            "http://[::1]:3000/",
        ],
    )
    def test_allows(self, url: str) -> None:
        assert is_allowed_redirect(url)

    @pytest.mark.parametrize(
        "url",
        [
            "http://example.com",
            "http://localhost.example.com",
            "http://127.0.0.2/",
            "http://10.0.0.1/",
            "https://user:pass@example.com/",
            "https://user@example.com/",
            "//example.com/thanks",
            "https:/example.com",
            "https://",
            "javascript:alert(1)",
            "data:text/html,hi",
            "mailto:someone@example.com",
            "https://[::1",
            "not a url",
            "",
        ],
    )
    def test_refuses(self, url: str) -> None:
        assert not is_allowed_redirect(url)

    @pytest.mark.parametrize(
        "url",
        [
            "https://exa\nmple.com/",
            "https://example.com/\r\nSet-Cookie: a=b",
            "https://ex\tample.com",
        ],
    )
    def test_refuses_control_characters(self, url: str) -> None:
        # urlsplit silently drops tabs and newlines, so the URL checked is not the one stored.
        assert not is_allowed_redirect(url)


class TestDeriveStatus:
    def test_active_without_reason_or_expiry(self) -> None:
        assert derive_status(None, None, NOW) is LinkStatus.ACTIVE

    def test_active_before_expiry(self) -> None:
        assert derive_status(None, NOW + timedelta(seconds=1), NOW) is LinkStatus.ACTIVE

    def test_expired_exactly_at_expires_at(self) -> None:
        assert derive_status(None, NOW, NOW) is LinkStatus.EXPIRED

    def test_expired_after_expires_at(self) -> None:
        assert derive_status(None, NOW - timedelta(days=1), NOW) is LinkStatus.EXPIRED

    @pytest.mark.parametrize("reason", list(InactiveReason))
    def test_inactive_whatever_the_expiry(self, reason: InactiveReason) -> None:
        assert derive_status(reason, None, NOW) is LinkStatus.INACTIVE
        assert derive_status(reason, NOW - timedelta(days=1), NOW) is LinkStatus.INACTIVE
        assert derive_status(reason, NOW + timedelta(days=1), NOW) is LinkStatus.INACTIVE

    def test_compares_instants_across_time_zones(self) -> None:
        expires = datetime(2026, 1, 15, 13, 0, tzinfo=timezone(timedelta(hours=2)))  # 11:00 UTC
        assert derive_status(None, expires, NOW) is LinkStatus.EXPIRED

    def test_payment_link_status_uses_the_given_time(self) -> None:
        value = payment_link(expires_at=NOW + timedelta(hours=1))
        assert value.status(NOW) is LinkStatus.ACTIVE
        assert value.status(NOW + timedelta(hours=1)) is LinkStatus.EXPIRED
        assert (
            payment_link(inactive_reason=InactiveReason.COMPLETED).status(NOW)
            is LinkStatus.INACTIVE
        )


class TestCapacity:
    def test_a_one_off_link_takes_one_payment(self) -> None:
        assert link_capacity(LinkType.ONE_OFF, None) == 1

    def test_a_capped_reusable_link_takes_max_payments(self) -> None:
        assert link_capacity(LinkType.REUSABLE, 5) == 5

    def test_an_uncapped_reusable_link_has_no_cap(self) -> None:
        assert link_capacity(LinkType.REUSABLE, None) is None

    def test_payment_link_capacity(self) -> None:
        assert payment_link(type=LinkType.ONE_OFF).capacity == 1
        assert payment_link(max_payments=3).capacity == 3
        assert payment_link().capacity is None


class TestCanBecomeInactive:
    @pytest.mark.parametrize("reason", list(InactiveReason))
    def test_an_active_link_may_become_inactive_for_any_reason(
        self, reason: InactiveReason
    ) -> None:
        assert can_become_inactive(None, reason)

    @pytest.mark.parametrize("current", list(InactiveReason))
    @pytest.mark.parametrize("reason", list(InactiveReason))
    def test_an_inactive_link_stays_as_it_is(
        self, current: InactiveReason, reason: InactiveReason
    ) -> None:
        assert not can_become_inactive(current, reason)


class TestToView:
    URLS = PublicUrls(checkout_url="https://pay.example.com", api_url="https://api.example.com")

    def test_url_is_the_checkout_url_of_the_link(self) -> None:
        view = to_view(payment_link(), self.URLS, NOW)
        assert view.url == "https://pay.example.com/pay/plink_019dbc4d828174419d9ff9fae24aea7b"

    def test_image_url_only_with_an_image(self) -> None:
        assert to_view(payment_link(), self.URLS, NOW).image_url is None
        view = to_view(payment_link(image_id="img_1"), self.URLS, NOW)
        assert view.image_url == "https://api.example.com/v1/images/img_1"

    def test_status_is_derived_at_the_given_time(self) -> None:
        value = payment_link(expires_at=NOW)
        assert to_view(value, self.URLS, NOW - timedelta(seconds=1)).status is LinkStatus.ACTIVE
        assert to_view(value, self.URLS, NOW).status is LinkStatus.EXPIRED


# Property: validate_link either accepts a draft that satisfies every rule, or names only
# real fields. The rules below are written again, independently of the code under test.

FIELDS = set(LinkDraft.__struct_fields__) | {"after_payment.message", "after_payment.url"}
REDIRECTS = {
    "https://example.com/thanks": True,
    "http://localhost:3000/done": True,
    "http://example.com/thanks": False,
    "javascript:alert(1)": False,
    "": False,
}


def _text(limit: int) -> st.SearchStrategy[str]:
    """Short text, or text of about ``limit`` characters, maybe padded with whitespace."""
    pad = st.sampled_from(["", " ", "\t\n "])
    size = st.integers(0, 3) | st.integers(max(0, limit - 2), limit + 2)
    padded = st.builds(
        lambda before, char, count, after: before + char * count + after,
        pad,
        st.sampled_from("aé "),
        size,
        pad,
    )
    return padded | st.text(max_size=6)


def _key(limit: int) -> st.SearchStrategy[str]:
    """Distinct metadata keys: a short random stem, padded to about ``limit`` at times."""
    stem = st.text(alphabet="abcdefghij", min_size=1, max_size=4)
    return stem | st.builds(lambda s, n: s + "k" * n, stem, st.integers(limit - 6, limit - 2))


def _amount() -> st.SearchStrategy[int | None]:
    return st.none() | st.integers(-3, 3) | st.integers(MAX_AMOUNT - 1, MAX_AMOUNT + 1)


def _mostly(valid: st.SearchStrategy[Any], anything: st.SearchStrategy[Any]) -> Any:
    """Keep the rule nine times in ten, so that both outcomes occur often."""
    return st.integers(0, 9).flatmap(lambda i: valid if i else anything)


_POSITIVE = st.integers(1, 5000) | st.just(MAX_AMOUNT)
_TITLE = _mostly(_text(115).map(lambda s: f" T{s}"), _text(120))
_DESCRIPTION = _mostly(st.none() | _text(990), _text(1000))
_REFERENCE = _mostly(st.none() | _text(110), _text(120))
_AMOUNTS = {
    AmountType.FIXED: (_mostly(_POSITIVE, _amount()), _mostly(st.none(), _amount())),
    AmountType.VARIABLE: (_mostly(st.none(), _amount()), _mostly(st.none() | _POSITIVE, _amount())),
}
_MAX_PAYMENTS = {
    LinkType.ONE_OFF: _mostly(st.none(), st.integers(-2, 3)),
    LinkType.REUSABLE: _mostly(st.none() | st.integers(1, 1000), st.integers(-2, 3)),
}
_EXPIRES_AT = _mostly(
    st.none() | st.integers(1, 10**8).map(lambda s: NOW + timedelta(seconds=s)),
    st.integers(-3, 0).map(lambda s: NOW + timedelta(seconds=s)) | st.just(datetime(2030, 1, 1)),
)
_AFTER_PAYMENT = _mostly(
    st.builds(ThankYou, message=st.none() | _text(490)),
    st.builds(ThankYou, message=_text(500))
    | st.sampled_from(list(REDIRECTS)).map(lambda url: Redirect(url=url)),
)
_METADATA = _mostly(
    st.dictionaries(_key(36), _text(490), max_size=20),
    st.dictionaries(_key(40) | st.just(""), _text(500), max_size=22),
)


@st.composite
def drafts(draw: st.DrawFn) -> LinkDraft:
    link_type = draw(st.sampled_from(LinkType))
    amount_type = draw(st.sampled_from(AmountType))
    amount, bound = _AMOUNTS[amount_type]
    return LinkDraft(
        title=draw(_TITLE),
        type=link_type,
        amount_type=amount_type,
        description=draw(_DESCRIPTION),
        reference=draw(_REFERENCE),
        amount=draw(amount),
        min_amount=draw(bound),
        max_amount=draw(bound),
        max_payments=draw(_MAX_PAYMENTS[link_type]),
        expires_at=draw(_EXPIRES_AT),
        after_payment=draw(_AFTER_PAYMENT),
        metadata=draw(_METADATA),
    )


def _is_control(char: str) -> bool:
    """Unicode Cc (C0, DEL, C1)."""
    return ord(char) < 0x20 or 0x7F <= ord(char) < 0xA0


def _one_line(text: str) -> bool:
    return not any(_is_control(c) or c in "\u2028\u2029" for c in text.strip())


def _rules_hold(value: LinkDraft) -> bool:
    def amount_ok(amount: int | None) -> bool:
        return amount is None or 0 < amount <= MAX_AMOUNT

    checks = [
        1 <= len(value.title.strip()) <= 120 and _one_line(value.title),
        value.description is None
        or (
            len(value.description.strip()) <= 1000
            and not any(_is_control(c) and c not in "\t\n\r" for c in value.description.strip())
        ),
        value.reference is None
        or (len(value.reference.strip()) <= 120 and _one_line(value.reference)),
        value.max_payments is None or (value.type is LinkType.REUSABLE and value.max_payments >= 1),
        value.expires_at is None
        or (value.expires_at.tzinfo is not None and value.expires_at > NOW),
        len(value.metadata) <= 20,
        all(1 <= len(k) <= 40 and len(v) <= 500 for k, v in value.metadata.items()),
    ]
    if value.amount_type is AmountType.FIXED:
        checks += [
            value.amount is not None and amount_ok(value.amount),
            value.min_amount is None and value.max_amount is None,
        ]
    else:
        checks += [
            value.amount is None,
            amount_ok(value.min_amount) and amount_ok(value.max_amount),
            value.min_amount is None
            or value.max_amount is None
            or value.min_amount <= value.max_amount,
        ]
    after = value.after_payment
    if isinstance(after, ThankYou):
        checks.append(after.message is None or len(after.message.strip()) <= 500)
    else:
        checks.append(REDIRECTS[after.url])
    return all(checks)


def outcome(candidate: LinkDraft) -> LinkDraft | ValidationFailed:
    try:
        return validate_link(candidate, NOW)
    except ValidationFailed as failed:
        return failed


class TestValidateLinkProperties:
    @settings(max_examples=300)
    @given(drafts())
    def test_accepts_exactly_the_drafts_that_keep_every_rule(self, candidate: LinkDraft) -> None:
        result = outcome(candidate)
        if isinstance(result, ValidationFailed):
            assert result.errors
            assert not _rules_hold(candidate)
            for error in result.errors:
                assert error.field in FIELDS or error.field.startswith("metadata."), error
                assert error.message
        else:
            assert _rules_hold(candidate)
            assert result.title == candidate.title.strip()
            assert result.description == ((candidate.description or "").strip() or None)
            assert result.reference == ((candidate.reference or "").strip() or None)
            assert result.amount == candidate.amount
            assert result.metadata == candidate.metadata

    @given(st.text(max_size=130))
    def test_a_stored_title_is_always_trimmed(self, title: str) -> None:
        result = outcome(draft(title=title))
        if isinstance(result, ValidationFailed):
            assert [error.field for error in result.errors] == ["title"]
            assert not 1 <= len(title.strip()) <= 120 or not _one_line(title)
        else:
            assert result.title == title.strip()
            assert 1 <= len(result.title) <= 120
