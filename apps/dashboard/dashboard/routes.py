"""Every address of the dashboard, in one place."""

from paylinks.stores import signup

HOME = "/"
LOGIN = signup.LOGIN_PATH
SIGNUP = "/signup"
#: The page of the link a sign-up emails (the API writes the same path into it).
SIGNUP_CONFIRM = signup.CONFIRM_PATH
LINKS = "/payment-links"
NEW_LINK = "/payment-links/new"
LINK = "/payment-links/[link_id]"
EDIT_LINK = "/payment-links/[link_id]/edit"
#: The create form filled from this link (Duplicate).
DUPLICATE_FROM = "from"
SETTINGS = "/settings/payments"
VENUES = "/venues"
EXPORTS = "/exports"
#: Downloads served by the dashboard's backend (``downloads.py``), not pages.
PAYMENTS_CSV = "/exports/payments.csv"
LINK_PAYMENTS_CSV = "/exports/payment-links/{link_id}/payments.csv"
LINK_QR_PNG = "/exports/payment-links/{link_id}/qr.png"
DEVELOPERS = "/developers"


def link(link_id: str) -> str:
    return f"/payment-links/{link_id}"


def edit_link(link_id: str) -> str:
    return f"/payment-links/{link_id}/edit"


def duplicate_link(link_id: str) -> str:
    return f"{NEW_LINK}?{DUPLICATE_FROM}={link_id}"


def link_payments_csv(link_id: str) -> str:
    return LINK_PAYMENTS_CSV.format(link_id=link_id)


def link_qr_png(link_id: str) -> str:
    return LINK_QR_PNG.format(link_id=link_id)
