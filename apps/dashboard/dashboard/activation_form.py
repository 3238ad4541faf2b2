"""Store Settings > Payments: what the merchant entered to activate payments, as the body
of ``POST /v1/store/payments/activate`` (pure). The API checks the key formats; here we
only catch what is missing, so the merchant hears it before a round trip."""

from typing import Any

SANDBOX = "sandbox"
STRIPE = "stripe"

GATEWAY_LABELS = {SANDBOX: "Sandbox (test mode)", STRIPE: "Stripe"}

SECRET_KEY = "stripe_secret_key"
PUBLISHABLE_KEY = "stripe_publishable_key"
WEBHOOK_SECRET = "stripe_webhook_secret"
STRIPE_FIELDS = (SECRET_KEY, PUBLISHABLE_KEY, WEBHOOK_SECRET)
#: Every field of the form an API error may name.
FIELDS = {"gateway", *STRIPE_FIELDS}

MISSING = {
    SECRET_KEY: "Enter your Stripe secret key (it starts with sk_live_ or sk_test_).",
    # The checkout's card form (Stripe's Payment Element) cannot load without it.
    PUBLISHABLE_KEY: "Enter your Stripe publishable key (it starts with pk_live_ or pk_test_).",
    WEBHOOK_SECRET: "Enter the signing secret of your Stripe webhook (it starts with whsec_).",
}


def gateway_label(gateway: str) -> str:
    return GATEWAY_LABELS.get(gateway, gateway.capitalize() if gateway else "None")


def activation_request(gateway: str, form: dict[str, Any]) -> tuple[dict[str, str], dict[str, str]]:
    """The request body for the chosen gateway, and a message per missing field (the body
    is only to be sent when there are none)."""
    if gateway == SANDBOX:
        return {"gateway": SANDBOX}, {}
    if gateway != STRIPE:
        return {}, {"gateway": "Choose Sandbox or Stripe."}
    values = {name: str(form.get(name) or "").strip() for name in STRIPE_FIELDS}
    errors = {name: MISSING[name] for name, value in values.items() if not value}
    return {"gateway": STRIPE, **values}, errors
