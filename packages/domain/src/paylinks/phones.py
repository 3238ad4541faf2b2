"""Phone numbers as people type them: parsed with ``phonenumbers`` (Google's libphonenumber
metadata, kept up to date upstream) in a default region, stored as E.164.

The one place that parses a phone number: the checkout's customer details and the SMS sends
of a link both come here, with their store's country as the default region.
"""

import phonenumbers


def example(region: str) -> str:
    """A mobile number of ``region`` as its people write it (national format), for error
    messages; the international form when the region has no national example."""
    number = phonenumbers.example_number_for_type(
        region, phonenumbers.PhoneNumberType.MOBILE
    ) or phonenumbers.example_number(region)
    if number is None:
        return "+44 7400 123456"
    return str(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL))


def to_e164(value: str, region: str) -> str:
    """``value`` in E.164, read in ``region`` unless it starts with ``+`` (or the region's
    international prefix, e.g. 00); ValueError with what to fix otherwise."""
    hint = f"Enter a phone number such as {example(region)}, or one starting with +."
    try:
        number = phonenumbers.parse(value, region.upper())
    except phonenumbers.NumberParseException:
        raise ValueError(hint) from None
    if not phonenumbers.is_valid_number(number):
        raise ValueError(f"This is not a valid phone number. {hint}")
    return str(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))
