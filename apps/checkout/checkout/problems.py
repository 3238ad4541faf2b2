"""What the page says about the API's problems, in its own words: the API speaks English
(``detail``, ``errors[].message``), so the page chooses a message of its catalogs from the
problem's stable ``code`` and the field at fault (``errors[].field``), and shows the API's
text only for a code or a field it does not know.

Pure rules: the messages returned are the catalogs' English msgids (``{name}`` filled in),
which the state translates into the page's language.
"""

from checkout import forms
from checkout.i18n import TEXTS
from paylinks.i18n import N_
from paylinks.locales import DEFAULT

GENERIC_FAILURE = N_("The payment did not go through. Nothing was charged: please try again.")
DECLINED = N_("Your card was declined.")
DECLINED_HINT = N_("Try another card.")
RATE_LIMITED = N_("Too many attempts. Please wait {wait} seconds and try again.")
#: Waited for when a 429 does not say how long.
RATE_LIMIT_WAIT = 30

#: The notice of each problem the form shows (the others change the screen).
BY_CODE: dict[str, str] = {
    "payment_expired": N_(
        "Your payment was not completed in time and nothing was charged. Press Pay to try again."
    ),
    "payment_not_pending": N_(
        "This payment was already completed or cancelled: reload the page to see where it stands."
    ),
    "payment_processing": N_(
        "This payment is already being confirmed. Please wait a moment, then reload the page."
    ),
    "gateway_unavailable": N_(
        "The payment service is busy. Nothing was charged: please try again in a moment."
    ),
}

#: The message of a validation error by the API's field (the amount's is the link's bounds).
BY_FIELD: dict[str, str] = {
    "amount": N_("Enter an amount."),
    "customer.email": N_("Enter an email address like name@example.com."),
    "customer.customer_name": N_("Check your name: use at most {count} characters."),
    "customer.business_name": N_("Check your business name: use at most {count} characters."),
    "customer.phone": N_("Enter your phone number."),
    "card": N_("This card number is not valid: check it and try again."),
    "card.number": N_("This card number is not valid: check it and try again."),
    "card.exp_month": N_("Enter a month from 01 to 12."),
    # The API says the card has expired or the year is too far: the page checked both.
    "card.exp_year": N_("Check the expiry date printed on the card."),
    "card.cvc": N_("Enter the 3 or 4 digits on the back of the card."),
    "client_reference_id": TEXTS["bad_link_parameter"],
}

#: Fields whose API messages are themselves catalog messages (the core's phone numbers,
#: with the region's example): kept, and translated as they are.
_SHARED_MESSAGES = frozenset({"customer.phone"})


def notice(code: str, detail: str, retry_after: int | None = None) -> str:
    """The form's notice for a problem that names no field."""
    if code == "rate_limited":
        return RATE_LIMITED.format(wait=retry_after or RATE_LIMIT_WAIT)
    return BY_CODE.get(code) or detail or GENERIC_FAILURE


def field_message(field: str, message: str) -> str:
    """The page's message for the API's validation error of ``field``."""
    if field in _SHARED_MESSAGES and message:
        return message
    found = BY_FIELD.get(field)
    if found is None:
        return message or GENERIC_FAILURE
    return found.format(count=forms.MAX_TEXT)


def form_errors(api_errors: dict[str, str]) -> dict[str, str]:
    """The API's validation errors as the page's messages, by form field."""
    return forms.form_errors(
        {field: field_message(field, message) for field, message in api_errors.items()}
    )


def decline(reason: str, lang: str) -> list[str]:
    """Why a card was refused, and what to do, in sentences: the gateway's own words
    (English) on an English page; on others, that the card was declined."""
    if lang != DEFAULT or not reason:
        return [DECLINED, DECLINED_HINT]
    return [reason, DECLINED_HINT] if "declin" in reason.lower() else [reason]
