"""What jobs need besides the database: settings, URLs and the gateways."""

from dataclasses import dataclass

from paylinks.gateways.registry import Gateways
from paylinks.links.model import PublicUrls
from paylinks.secrets import Cipher
from paylinks.settings import Settings


@dataclass(frozen=True)
class WorkerContext:
    settings: Settings
    urls: PublicUrls
    gateways: Gateways
    cipher: Cipher

    @classmethod
    def from_settings(cls, settings: Settings) -> "WorkerContext":
        cipher = Cipher(settings.secret_key)
        return cls(
            settings=settings,
            urls=PublicUrls(settings.checkout_url, settings.api_url),
            gateways=Gateways(cipher, settings.stripe_api_base),
            cipher=cipher,
        )
