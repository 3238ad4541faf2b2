"""Every address of the dashboard, in one place."""

HOME = "/"
LOGIN = "/login"
SIGNUP = "/signup"
LINKS = "/payment-links"
NEW_LINK = "/payment-links/new"
LINK = "/payment-links/[link_id]"
SETTINGS = "/settings/payments"
VENUES = "/venues"
DEVELOPERS = "/developers"


def link(link_id: str) -> str:
    return f"/payment-links/{link_id}"
