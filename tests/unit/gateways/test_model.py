"""The gateway interface's errors: worth retrying unless the gateway said no for good."""

from paylinks.gateways.model import GatewayError


class TestGatewayError:
    def test_is_transient_unless_the_gateway_said_no_for_good(self) -> None:
        assert GatewayError("The gateway is down.").transient
        refused = GatewayError("Refused.", transient=False)
        assert not refused.transient
        assert str(refused) == "Refused."
