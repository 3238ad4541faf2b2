"""Use cases of stores: sign-up (confirmed by email), login, API keys, venues and payments
activation."""

from datetime import datetime, timedelta

import msgspec

from paylinks import secrets
from paylinks.countries import country_for_currency
from paylinks.db.engine import transaction
from paylinks.db.errors import is_unique_violation
from paylinks.errors import Conflict, FieldError, NotFound, Unauthorized, ValidationFailed
from paylinks.ids import Prefix, new_id
from paylinks.images import repository as images
from paylinks.pagination import Page, Window, page_of
from paylinks.stores import repository
from paylinks.stores.model import (
    ADDRESS_MAX,
    ApiKey,
    Gateway,
    Principal,
    Store,
    StoreChanges,
    User,
    Venue,
    account_email,
    validate_changes,
    validate_name,
    validate_new_store,
    validate_stripe_credentials,
)
from paylinks.stores.principals import principals
from paylinks.stores.signup import SIGNUP_LIFETIME, PendingSignUp

SESSION_LIFETIME = timedelta(days=14)
API_KEY_PREFIX = "sk"
SESSION_PREFIX = "sess"


class NewStore(msgspec.Struct, frozen=True):
    store: Store
    user: User
    api_key: ApiKey
    api_key_secret: str


class NewApiKey(msgspec.Struct, frozen=True):
    key: ApiKey
    secret: str


async def create_store(
    name: str,
    currency: str,
    email: str,
    password: str,
    now: datetime,
    country: str | None = None,
) -> NewStore:
    """A store with its first user and a first API key (whose secret is returned once).
    Without a country, the one its currency most likely belongs to. For the operator's
    ``paylinks admin create-store`` and the demo: the public sign-up confirms the email
    first (``request_sign_up``, ``confirm_sign_up``)."""
    pending = await _pending(name, currency, email, password, now, country)
    taken = ValidationFailed([FieldError("email", "An account with this email exists.")])
    return await _insert_new_store(pending, now, taken)


class SignUpRequest(msgspec.Struct, frozen=True):
    pending: PendingSignUp
    #: The email has an account already: it is told so, and nothing is created.
    taken: bool


async def request_sign_up(
    name: str,
    currency: str,
    email: str,
    password: str,
    now: datetime,
    country: str | None = None,
) -> SignUpRequest:
    """A sign-up checked and waiting for its email's confirmation. The same work whether
    or not the email has an account (the password is hashed either way), so that neither
    the answer nor its time tells them apart."""
    pending = await _pending(name, currency, email, password, now, country)
    return SignUpRequest(pending=pending, taken=await repository.email_taken(pending.email))


async def confirm_sign_up(pending: PendingSignUp, now: datetime) -> NewStore:
    """The store of a confirmed sign-up; 409 ``already_confirmed`` when its email has an
    account by now (the link was followed before, or the address signed up twice)."""
    taken = Conflict("This email has an account already: log in.", code="already_confirmed")
    return await _insert_new_store(pending, now, taken)


async def _pending(
    name: str, currency: str, email: str, password: str, now: datetime, country: str | None
) -> PendingSignUp:
    """A sign-up's fields normalised (or ValidationFailed), its password hashed."""
    clean = validate_new_store(
        name,
        currency,
        email,
        password,
        country_for_currency(currency) if country is None else country,
    )
    return PendingSignUp(
        store_name=clean.name,
        email=clean.email,
        password_hash=await secrets.passwords.hash(password),
        currency=clean.currency,
        country=clean.country,
        expires_at=now + SIGNUP_LIFETIME,
    )


async def _insert_new_store(pending: PendingSignUp, now: datetime, taken: Exception) -> NewStore:
    """The store, its first user and first API key in one transaction; ``taken`` is raised
    when the email has an account (checked, and the unique index for a race)."""
    store = Store(
        id=new_id(Prefix.STORE),
        name=pending.store_name,
        currency=pending.currency,
        country=pending.country,
        gateway=None,
        payments_activated_at=None,
        created_at=now,
    )
    user = User(id=new_id(Prefix.USER), store_id=store.id, email=pending.email, created_at=now)
    try:
        async with transaction():
            if await repository.email_taken(pending.email):
                raise taken
            await repository.insert_store(store)
            await repository.insert_user(user, pending.password_hash)
            new_key = await _insert_api_key(store.id, "Default key", now)
    except Exception as error:
        if is_unique_violation(error):
            raise taken from None
        raise
    return NewStore(store=store, user=user, api_key=new_key.key, api_key_secret=new_key.secret)


async def get_store(store_id: str) -> Store:
    store = await repository.get_store(store_id)
    if store is None:
        raise NotFound("No such store.")
    return store


async def update_store(store_id: str, changes: StoreChanges) -> Store:
    """Apply ``PATCH /v1/store``: the fields given, validated; the logo must be an image of
    this store."""
    clean = validate_changes(changes)
    if (
        isinstance(clean.logo_image_id, str)
        and await images.get(store_id, clean.logo_image_id) is None
    ):
        raise ValidationFailed([FieldError("logo_image_id", "No such image in this store.")])
    async with transaction():
        await get_store(store_id)
        await repository.update_store(store_id, clean)
    return await get_store(store_id)


def require_payments(principal: Principal) -> None:
    """409 ``payments_not_activated`` until the caller's store has activated payments."""
    if not principal.payments_active:
        raise Conflict(
            "Activate payments for this store first (Store Settings > Payments).",
            code="payments_not_activated",
        )


async def activate_payments(
    store_id: str,
    gateway: Gateway,
    cipher: secrets.Cipher,
    now: datetime,
    stripe_secret_key: str | None = None,
    stripe_webhook_secret: str | None = None,
    stripe_publishable_key: str | None = None,
) -> Store:
    key_enc = hook_enc = public_key = None
    if gateway is Gateway.STRIPE:
        credentials = validate_stripe_credentials(
            stripe_secret_key, stripe_webhook_secret, stripe_publishable_key
        )
        key_enc = cipher.encrypt(credentials.secret_key)
        hook_enc = cipher.encrypt(credentials.webhook_secret)
        public_key = credentials.publishable_key
    elif stripe_secret_key or stripe_webhook_secret or stripe_publishable_key:
        raise ValidationFailed([FieldError("gateway", "Stripe keys go with the stripe gateway.")])
    async with transaction():
        await get_store(store_id)
        await repository.set_gateway(store_id, gateway, now, key_enc, hook_enc, public_key)
    principals.forget_all()  # callers now see payments as active
    return await get_store(store_id)


async def login(email: str, password: str, now: datetime) -> tuple[User, str]:
    """A new session token for the user; the same error for an unknown email or a bad
    password, so that nobody learns which addresses have accounts."""
    try:
        clean_email = account_email("email", email)
    except ValidationFailed:
        clean_email = ""
    found = await repository.find_user_by_email(clean_email) if clean_email else None
    right = await secrets.passwords.verify(found[1] if found else None, password)
    if not right or found is None:
        raise Unauthorized("The email or password is wrong.", code="invalid_credentials")
    return found[0], await open_session(found[0], now)


async def open_session(user: User, now: datetime) -> str:
    """A new session token for a user whose password was just checked (or just set)."""
    token = secrets.new_token(SESSION_PREFIX)
    await repository.insert_session(
        new_id(Prefix.SESSION), user, secrets.token_hash(token), now, now + SESSION_LIFETIME
    )
    return token


async def logout(principal: Principal) -> None:
    if principal.session_id is not None:
        await repository.revoke_session(principal.session_id)
        principals.forget_all()


async def authenticate(token: str, now: datetime) -> Principal:
    """The caller behind a bearer token: an API key ``sk_…`` or a session ``sess_…``."""
    digest = secrets.token_hash(token)
    principal = None
    if token.startswith(f"{API_KEY_PREFIX}_"):
        # API keys are the integrators' hot path: remembered for a moment (sessions, which
        # expire, are always looked up).
        principal = principals.get(digest)
        if principal is None:
            principal = await repository.principal_for_api_key(digest)
            if principal is not None:
                principals.put(digest, principal)
    elif token.startswith(f"{SESSION_PREFIX}_"):
        principal = await repository.principal_for_session(digest, now)
    if principal is None:
        raise Unauthorized("The API key or session is missing, wrong or revoked.")
    return principal


async def get_user(user_id: str) -> User:
    user = await repository.get_user(user_id)
    if user is None:
        raise NotFound("No such user.")
    return user


async def _insert_api_key(store_id: str, name: str, now: datetime) -> NewApiKey:
    secret = secrets.new_token(API_KEY_PREFIX)
    key = ApiKey(
        id=new_id(Prefix.API_KEY),
        store_id=store_id,
        name=name,
        last4=secret[-4:],
        created_at=now,
        revoked_at=None,
    )
    await repository.insert_api_key(key, secrets.token_hash(secret))
    return NewApiKey(key=key, secret=secret)


async def create_api_key(principal: Principal, name: str, now: datetime) -> NewApiKey:
    return await _insert_api_key(principal.store_id, validate_name("name", name), now)


async def list_api_keys(principal: Principal, window: Window) -> Page[ApiKey]:
    return page_of(await repository.list_api_keys(principal.store_id, window), window)


async def revoke_api_key(principal: Principal, key_id: str, now: datetime) -> ApiKey:
    await get_api_key(principal, key_id)
    await repository.revoke_api_key(principal.store_id, key_id, now)
    principals.forget_all()
    return await get_api_key(principal, key_id)


async def get_api_key(principal: Principal, key_id: str) -> ApiKey:
    key = await repository.get_api_key(principal.store_id, key_id)
    if key is None:
        raise NotFound("No such API key.")
    return key


async def create_venue(
    principal: Principal, name: str, address: str | None, now: datetime
) -> Venue:
    clean_address = (address or "").strip() or None
    if clean_address is not None and len(clean_address) > ADDRESS_MAX:
        raise ValidationFailed([FieldError("address", f"At most {ADDRESS_MAX} characters.")])
    venue = Venue(
        id=new_id(Prefix.VENUE),
        store_id=principal.store_id,
        name=validate_name("name", name),
        address=clean_address,
        created_at=now,
    )
    await repository.insert_venue(venue)
    return venue


async def get_venue(principal: Principal, venue_id: str) -> Venue:
    venue = await repository.get_venue(principal.store_id, venue_id)
    if venue is None:
        raise NotFound("No such venue.")
    return venue


async def list_venues(principal: Principal, window: Window) -> Page[Venue]:
    return page_of(await repository.list_venues(principal.store_id, window), window)
