"""The checkout's words in the customer's language: gettext catalogs (Babel's PO files
under ``checkout/locales/<lang>/LC_MESSAGES/checkout.po``), one per locale of
``paylinks.locales.SUPPORTED``, compiled to MO files by the app's build.

The page's fixed text is compiled into the frontend once, so it reads its words from the
state (``PayState.t``): ``TEXTS`` names each of them, in English, which is also its msgid.
"""

import re
from functools import cache
from pathlib import Path

from paylinks import phones
from paylinks.i18n import N_, Catalogs

#: The folder of the catalogs compiled by the app's build (``paylinks build``), set for
#: the app's server; without it (tests, ``reflex run``) the PO files are read.
COMPILED_ENV = "PAYLINKS_CHECKOUT_CATALOGS"
CATALOGS = Catalogs(Path(__file__).with_name("locales"), "checkout", COMPILED_ENV)


#: Every fixed text of the page, by key; placeholders are ``{name}`` (str.format).
TEXTS: dict[str, str] = {
    "loading": N_("Loading the payment page…"),
    "test_mode": N_("Test mode"),
    "test_mode_title": N_("Sandbox: no real money"),
    "show_more": N_("Show more"),
    "show_less": N_("Show less"),
    "amount": N_("Amount"),
    "optional": N_("(optional)"),
    "your_details": N_("Your details"),
    "full_name": N_("Full name"),
    "business_name": N_("Business name"),
    "email": N_("Email"),
    "phone": N_("Phone"),
    "payment": N_("Payment"),
    "card_details": N_("Card details"),
    "card_number": N_("Card number"),
    "expiry": N_("Expiry date"),
    "security_code": N_("Security code"),
    "expiry_placeholder": N_("MM / YY"),
    "cvc_placeholder": N_("CVC"),
    "card_form_loading": N_("The card form has not loaded yet."),
    "test_cards_before": N_("Test mode: pay with"),
    "test_cards_middle": N_(", any future expiry date and any 3 digits."),
    "test_cards_after": N_("is declined."),
    "pay": N_("Pay"),
    "pay_amount": N_("Pay {amount}"),
    "processing": N_("Processing…"),
    "between": N_("Between {low} and {high}"),
    "at_least": N_("At least {low}"),
    "up_to": N_("Up to {high}"),
    "any_amount": N_("Enter the amount you want to pay"),
    "paid_heading": N_("Payment successful"),
    "thank_you": N_("Thank you! Your payment was received."),
    "amount_paid": N_("Amount paid"),
    "paid_to": N_("Paid to"),
    "paid_for": N_("For"),
    "payment_reference": N_("Payment reference"),
    "receipt_sent": N_("A receipt is on its way to {email}."),
    "taking_you_back": N_("Taking you back to {merchant}…"),
    "continue": N_("Continue"),
    "not_found": N_("We couldn't find this payment link"),
    "not_found_hint": N_("Check the address, or ask the business that sent it for a new link."),
    "inactive": N_("This payment link is no longer active."),
    "expired": N_("This payment link has expired."),
    "closed_hint": N_("If you still need to pay, ask the business for a new payment link."),
    "unavailable": N_("Someone else is paying right now"),
    "unavailable_hint": N_(
        "The last place on this payment link is held by another customer who is paying at "
        "this moment. If they don't finish, it opens up again shortly. Nothing was charged."
    ),
    "try_again": N_("Try again"),
    "retry_now": N_("You can try again now."),
    "retry_in_a_second": N_("You can try again in 1 second."),
    "retry_in_seconds": N_("You can try again in {seconds} seconds."),
    "retry_in_minutes": N_("You can try again in about {minutes} minutes."),
    "error": N_("This page can't load right now"),
    "error_hint": N_(
        "We couldn't reach the payment service. Nothing was charged: please try again in a moment."
    ),
    "page_title": N_("Secure checkout"),
    "footer": N_("Secure payment · Powered by Paylinks"),
    "bad_link_parameter": N_(
        "This payment link's address has a reference that is not valid: ask the business "
        "for a new link."
    ),
}


_HERE = Path(__file__).parent
#: The modules whose ``N_`` messages are in the catalogs: the page's, and the core's
#: phone numbers (the API's message about one is shown in the page's language).
SOURCES = (
    _HERE / "i18n.py",
    _HERE / "forms.py",
    _HERE / "state" / "pay.py",
    _HERE / "problems.py",
    Path(phones.__file__),
)
_PLACEHOLDER = re.compile(r"\\\{([a-z_]+)\\\}")


@cache
def _templates(locale: str) -> list[tuple[re.Pattern[str], str]]:
    """The catalog's messages with placeholders, each as a pattern matching its English
    text once formatted, and its translation."""
    found = CATALOGS.catalog(locale)
    templates = []
    for message in found or ():
        if isinstance(message.id, str) and "{" in message.id and message.string:
            pattern = _PLACEHOLDER.sub(r"(?P<\1>.+?)", re.escape(message.id))
            templates.append((re.compile(pattern), str(message.string)))
    return templates


def translate(locale: str, message: str) -> str:
    """A message of the checkout, formatted in English (``Enter at least £5.00.``), in
    ``locale``: its own entry, or the entry of the template it was formatted from, with
    the same values. Unknown messages stay as they are."""
    exact = CATALOGS.gettext(locale, message)
    if exact != message:
        return exact
    for pattern, translation in _templates(locale):
        if (match := pattern.fullmatch(message)) is not None:
            return translation.format(**match.groupdict())
    return message


@cache
def texts(locale: str) -> dict[str, str]:
    """Every text of the page in ``locale``."""
    return CATALOGS.texts(locale, TEXTS)
