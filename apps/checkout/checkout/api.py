"""The public checkout API over HTTP (``PAYLINKS_API_URL``), called like any integrator
calls it: every rule lives behind the API, this module only carries requests and answers.
"""

from typing import Any

import httpx

from paylinks_client import Problem, Unreachable, api_url, problem_of, send

__all__ = ["CheckoutApi", "Problem", "Unreachable", "api_url", "client", "problem_of"]


class CheckoutApi:
    """``GET/POST /v1/checkout/…``: answers as dicts, failures as Problem or Unreachable."""

    def __init__(
        self,
        base_url: str | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        customer_ip: str | None = None,
    ) -> None:
        self.base_url = (base_url or api_url()).rstrip("/")
        self.transport = transport
        # The API limits checkout requests per customer address: say whose request it is.
        self.headers = {"X-Forwarded-For": customer_ip} if customer_ip else {}

    async def _call(self, method: str, path: str, body: Any = None) -> dict[str, Any]:
        response = await send(self.base_url, self.transport, self.headers, method, path, json=body)
        try:
            answer = response.json()
        except ValueError as error:
            raise Unreachable(f"{method} {path}: not JSON") from error
        if not isinstance(answer, dict):
            raise Unreachable(f"{method} {path}: not a JSON object")
        return answer

    async def get_link(self, link_id: str) -> dict[str, Any]:
        return await self._call("GET", f"/v1/checkout/links/{link_id}")

    async def start_payment(
        self,
        link_id: str,
        amount: int | None,
        customer: dict[str, str | None],
        client_reference_id: str = "",
        locale: str = "",
    ) -> dict[str, Any]:
        body: dict[str, Any] = {"customer": customer}
        if amount is not None:
            body["amount"] = amount
        if client_reference_id:
            body["client_reference_id"] = client_reference_id
        if locale:
            body["locale"] = locale
        return await self._call("POST", f"/v1/checkout/links/{link_id}/payments", body)

    async def confirm(self, payment_id: str, card: dict[str, Any] | None) -> dict[str, Any]:
        body = {"card": card} if card is not None else {}
        return await self._call("POST", f"/v1/checkout/payments/{payment_id}/confirm", body)

    async def get_payment(self, payment_id: str) -> dict[str, Any]:
        return await self._call("GET", f"/v1/checkout/payments/{payment_id}")


def client(customer_ip: str | None = None) -> CheckoutApi:
    """The API client the pages use (tests replace it)."""
    return CheckoutApi(customer_ip=customer_ip)
