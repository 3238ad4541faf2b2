"""Tables of the tenant: stores, their users, sessions, API keys and venues."""

from piccolo.columns import Boolean, Text, Timestamptz, Varchar
from piccolo.table import Table


class StoreTable(Table, tablename="store"):
    id = Varchar(length=40, primary_key=True)
    name = Varchar(length=120)
    currency = Varchar(length=3)
    # ISO 3166-1 alpha-2: the default region of phone numbers and locale of the checkout.
    country = Varchar(length=2, default="GB")
    gateway = Varchar(length=20, null=True, default=None)
    # Stripe credentials, encrypted at rest with the deployment's secret key.
    stripe_secret_key_enc = Text(null=True, default=None)
    stripe_webhook_secret_enc = Text(null=True, default=None)
    # Public by design: Stripe.js needs it in the customer's browser.
    stripe_publishable_key = Varchar(length=255, null=True, default=None)
    payments_activated_at = Timestamptz(null=True, default=None)
    created_at = Timestamptz()
    # Branding of the checkout and receipts: "#rrggbb" and an image of the store.
    brand_color = Varchar(length=7, null=True, default=None)
    logo_image_id = Varchar(length=40, null=True, default=None)
    receipts_enabled = Boolean(default=True)


class UserTable(Table, tablename="store_user"):
    id = Varchar(length=40, primary_key=True)
    store_id = Varchar(length=40, index=True)
    email = Varchar(length=320, unique=True)
    password_hash = Text()
    created_at = Timestamptz()


class SessionTable(Table, tablename="user_session"):
    id = Varchar(length=40, primary_key=True)
    user_id = Varchar(length=40, index=True)
    store_id = Varchar(length=40)
    token_hash = Varchar(length=64, unique=True)
    created_at = Timestamptz()
    expires_at = Timestamptz()
    revoked = Boolean(default=False)


class ApiKeyTable(Table, tablename="api_key"):
    id = Varchar(length=40, primary_key=True)
    store_id = Varchar(length=40, index=True)
    name = Varchar(length=120)
    token_hash = Varchar(length=64, unique=True)
    last4 = Varchar(length=4)
    created_at = Timestamptz()
    revoked_at = Timestamptz(null=True, default=None)


class VenueTable(Table, tablename="venue"):
    id = Varchar(length=40, primary_key=True)
    store_id = Varchar(length=40, index=True)
    name = Varchar(length=120)
    address = Varchar(length=300, null=True, default=None)
    created_at = Timestamptz()
