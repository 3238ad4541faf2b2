"""Which gateway settles a payment: the sandbox needs no lookup, and a payment whose
gateway's keys the store removed fails for good rather than settling elsewhere."""

import pytest

from paylinks.gateways.model import GatewayError, GatewayName
from paylinks.gateways.registry import Gateways, KeysRemoved
from paylinks.gateways.sandbox import SandboxGateway
from paylinks.payments.model import Card
from paylinks.secrets import Cipher
from tests.factories import payment

CARD = Card(number="4242424242424242", exp_month=12, exp_year=2030, cvc="123")


class TestNamed:
    @pytest.mark.parametrize("name", [None, "sandbox"])
    async def test_the_sandbox_is_answered_without_asking_the_database(
        self, name: str | None
    ) -> None:
        gateways = Gateways(Cipher("test-secret-key-" + "x" * 32))
        assert isinstance(await gateways.named(name, "store_never_looked_up"), SandboxGateway)


class TestKeysRemoved:
    async def test_every_call_fails_for_good_and_says_where_to_look(self) -> None:
        gateway = KeysRemoved(GatewayName.STRIPE)
        paid = payment(gateway="stripe", reference="pi_1")
        calls = [
            gateway.start(paid),
            gateway.authorize(paid, CARD),
            gateway.capture(paid),
            gateway.cancel(paid),
            gateway.refund(paid, "re_1", 100),
            gateway.refund_state(paid, "re_ref"),
        ]
        for call in calls:
            with pytest.raises(GatewayError, match="no longer has stripe keys") as raised:
                await call
            assert not raised.value.transient
            assert "gateway's own dashboard" in str(raised.value)
        assert (gateway.name, gateway.offline) == (GatewayName.STRIPE, False)
