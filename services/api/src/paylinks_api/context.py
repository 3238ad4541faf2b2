"""What every request handler needs besides the database: settings, clock, URLs, cipher."""

from dataclasses import dataclass
from datetime import timedelta

from paylinks.clock import Clock, utc_now
from paylinks.gateways.registry import Gateways
from paylinks.links.model import PublicUrls
from paylinks.secrets import Cipher, passwords
from paylinks.settings import Settings


@dataclass(frozen=True)
class ApiContext:
    settings: Settings
    clock: Clock
    urls: PublicUrls
    cipher: Cipher
    gateways: Gateways
    #: How long a confirmed payment holds its place (the full reservation).
    hold: timedelta
    #: How long a started payment holds its place until the customer confirms.
    start_hold: timedelta

    @classmethod
    def from_settings(cls, settings: Settings, clock: Clock = utc_now) -> "ApiContext":
        cipher = Cipher(settings.secret_key)
        passwords.bound(settings.password_hash_workers)
        return cls(
            settings=settings,
            clock=clock,
            urls=PublicUrls(settings.checkout_url, settings.api_url),
            cipher=cipher,
            gateways=Gateways(cipher, settings.stripe_api_base),
            hold=timedelta(seconds=settings.reservation_seconds),
            start_hold=timedelta(
                seconds=min(settings.start_hold_seconds, settings.reservation_seconds)
            ),
        )
