"""What a checkout URL may carry, as Stripe Payment Links: ``prefilled_email``,
``prefilled_name``, ``prefilled_business_name``, ``prefilled_phone`` (the customer can
change them), ``locale`` and ``client_reference_id``. Pure: bounded and checked here, and
checked again by the API."""

from collections.abc import Mapping

from paylinks.errors import ValidationFailed
from paylinks.payments.model import NAME_MAX, validate_client_reference

#: URL parameter → form field, and the longest value taken (longer ones are ignored).
PREFILL: dict[str, tuple[str, int]] = {
    "prefilled_email": ("email", 320),
    "prefilled_name": ("customer_name", NAME_MAX),
    "prefilled_business_name": ("business_name", NAME_MAX),
    "prefilled_phone": ("phone", 40),
}


def prefill(query: Mapping[str, str]) -> dict[str, str]:
    """The form fields to fill in, by field name: one line of text within its bound."""
    values: dict[str, str] = {}
    for parameter, (field, longest) in PREFILL.items():
        value = " ".join(str(query.get(parameter) or "").split())
        if value and len(value) <= longest and value.isprintable():
            values[field] = value
    return values


def client_reference(query: Mapping[str, str]) -> tuple[str, bool]:
    """The URL's ``client_reference_id`` and whether it may be used (up to 200 of
    ``A-Za-z0-9_-``); ("", True) without one."""
    value = str(query.get("client_reference_id") or "")
    try:
        return validate_client_reference(value) or "", True
    except ValidationFailed:
        return "", False
