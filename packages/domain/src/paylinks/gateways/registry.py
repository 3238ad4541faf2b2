"""The gateway of a store: the sandbox, or Stripe with the store's decrypted keys."""

from typing import NoReturn

from paylinks.gateways.model import (
    Authorization,
    GatewayError,
    GatewayName,
    PaymentGateway,
    RefundState,
    Started,
)
from paylinks.gateways.sandbox import SandboxGateway
from paylinks.payments.model import Card, Payment
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
        the store: the sandbox without a query, Stripe with the store's keys. A Stripe
        payment of a store that has since switched to the sandbox is never settled by the
        sandbox: every call to its gateway fails for good."""
        if name is None or name == GatewayName.SANDBOX:
            return self._sandbox
        gateway = await self.for_store(store_id)
        if gateway.name != name:
            return KeysRemoved(GatewayName(name))
        return gateway

    async def webhook_secret(self, store_id: str) -> str | None:
        gateway = await stores.get_gateway(store_id)
        if gateway is None or not gateway.webhook_secret_enc:
            return None
        return self._cipher.decrypt(gateway.webhook_secret_enc)


class KeysRemoved:
    """The gateway a payment was made with, after the store removed its keys."""

    offline = False

    def __init__(self, name: GatewayName) -> None:
        self.name = name

    def _refuse(self) -> NoReturn:
        raise GatewayError(
            f"The store no longer has {self.name.value} keys: this payment cannot be "
            "settled here; see it in the gateway's own dashboard.",
            transient=False,
        )

    async def start(self, payment: Payment) -> Started:
        self._refuse()

    async def authorize(self, payment: Payment, card: Card | None) -> Authorization:
        self._refuse()

    async def capture(self, payment: Payment) -> None:
        self._refuse()

    async def cancel(self, payment: Payment) -> None:
        self._refuse()

    async def refund(self, payment: Payment, refund_id: str, amount: int) -> RefundState:
        self._refuse()

    async def refund_state(self, payment: Payment, reference: str) -> RefundState:
        self._refuse()
