"""Phone numbers as people type them: parsed with ``phonenumbers`` (Google's libphonenumber
metadata, kept up to date upstream) in a default region, stored as E.164.

The one place that parses a phone number: the checkout's customer details and the SMS sends
of a link both come here, with their store's country as the default region.
"""

import phonenumbers

from paylinks.i18n import N_

#: The messages, marked for the checkout's catalogs (it shows them in its language).
UNREADABLE = N_("Enter a phone number such as {example}, or one starting with +.")
INVALID = N_(
    "This is not a valid phone number: enter one such as {example}, or one starting with +."
)


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
    try:
        number = phonenumbers.parse(value, region.upper())
    except phonenumbers.NumberParseException:
        raise ValueError(UNREADABLE.format(example=example(region))) from None
    if not phonenumbers.is_valid_number(number):
        raise ValueError(INVALID.format(example=example(region)))
    return str(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))
