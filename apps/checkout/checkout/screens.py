"""The screens of the pay page."""


class Screen:
    """Every state a customer can meet on the pay page has a screen of its own."""

    LOADING = "loading"
    NOT_FOUND = "not_found"
    INACTIVE = "inactive"
    EXPIRED = "expired"
    UNAVAILABLE = "unavailable"  # another customer holds the last slot
    ERROR = "error"  # the API cannot be reached
    PAY = "pay"  # the form, with inline errors, processing and a declined card
    SUCCESS = "success"
    REDIRECTING = "redirecting"
