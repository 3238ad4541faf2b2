"""The gateway of a store: the sandbox, or Stripe with the store's decrypted keys."""

from paylinks.gateways.model import GatewayName, PaymentGateway
from paylinks.gateways.sandbox import SandboxGateway
from paylinks.secrets import Cipher
from paylinks.stores import repository as stores


class Gateways:
    def __init__(self, cipher: Cipher, stripe_api_base: str = "") -> None:
        self._cipher = cipher
        self._stripe_api_base = stripe_api_base
        self._sandbox = SandboxGateway()

    async def for_store(self, store_id: str) -> PaymentGateway:
        gateway = await stores.get_gateway(store_id)
        if gateway is None or gateway.name == GatewayName.SANDBOX:
            return self._sandbox
        from paylinks.gateways.stripe import StripeGateway

        return StripeGateway(
            self._cipher.decrypt(gateway.secret_key_enc or ""), self._stripe_api_base
        )

    async def named(self, name: str | None, store_id: str) -> PaymentGateway:
        """The gateway ``name`` (a payment's own, or the store's as read with its link) of
        the store: the sandbox without a query, Stripe with the store's keys."""
        if name is None or name == GatewayName.SANDBOX:
            return self._sandbox
        return await self.for_store(store_id)

    async def webhook_secret(self, store_id: str) -> str | None:
        gateway = await stores.get_gateway(store_id)
        if gateway is None or not gateway.webhook_secret_enc:
            return None
        return self._cipher.decrypt(gateway.webhook_secret_enc)
