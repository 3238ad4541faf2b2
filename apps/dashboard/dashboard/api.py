"""The merchant API over HTTP (``PAYLINKS_API_URL``), called with the user's session token
like any integrator calls it with a key: every rule lives behind the API, this module only
carries requests and answers. Failures are ``Problem`` (an RFC 9457 answer) or
``Unreachable`` (no usable answer)."""

from typing import Any

import httpx

from paylinks_client import Problem, Unreachable, api_url, open_stream, send

__all__ = ["DashboardApi", "Problem", "Unreachable", "api_url", "client"]

Json = Any
Params = dict[str, str | int | None]


class DashboardApi:
    """One method per call the dashboard makes; ``token`` is the session (``sess_…``)."""

    def __init__(
        self,
        token: str = "",
        base_url: str | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        client_ip: str | None = None,
    ) -> None:
        self.base_url = (base_url or api_url()).rstrip("/")
        self.transport = transport
        self.headers: dict[str, str] = {}
        if token:
            self.headers["Authorization"] = f"Bearer {token}"
        if client_ip:
            # The API limits sign-up and login per address: say whose request it is.
            self.headers["X-Forwarded-For"] = client_ip

    async def _send(
        self,
        method: str,
        path: str,
        *,
        body: Json = None,
        params: Params | None = None,
        files: dict[str, tuple[str, bytes, str]] | None = None,
        headers: dict[str, str] | None = None,
    ) -> httpx.Response:
        query = {k: v for k, v in (params or {}).items() if v not in (None, "")}
        return await send(
            self.base_url,
            self.transport,
            self.headers,
            method,
            path,
            json=body,
            params=query or None,
            files=files,
            headers=headers,
        )

    async def _json(self, method: str, path: str, **request: Any) -> Json:
        """``_send`` (same arguments), the answer's JSON body (None for 204)."""
        response = await self._send(method, path, **request)
        if response.status_code == 204:
            return None
        try:
            return response.json()
        except ValueError as error:
            raise Unreachable(f"{method} {path}: not JSON") from error

    # ---- session and store -------------------------------------------------------------

    async def signup(
        self, store_name: str, email: str, password: str, currency: str, country: str | None
    ) -> Json:
        body = {"store_name": store_name, "email": email, "password": password}
        body = {**body, "currency": currency, **({"country": country} if country else {})}
        return await self._json("POST", "/v1/auth/signup", body=body)

    async def confirm_signup(self, token: str) -> Json:
        """The store of an emailed sign-up link: a session, like a login."""
        return await self._json("POST", "/v1/auth/signup/confirm", body={"token": token})

    async def login(self, email: str, password: str) -> Json:
        return await self._json(
            "POST", "/v1/auth/login", body={"email": email, "password": password}
        )

    async def logout(self) -> None:
        await self._json("POST", "/v1/auth/logout")

    async def me(self) -> Json:
        return await self._json("GET", "/v1/me")

    async def get_store(self) -> Json:
        return await self._json("GET", "/v1/store")

    async def update_store(self, body: dict[str, Any]) -> Json:
        return await self._json("PATCH", "/v1/store", body=body)

    async def activate(self, body: dict[str, str]) -> Json:
        return await self._json("POST", "/v1/store/payments/activate", body=body)

    # ---- payment links -------------------------------------------------------------------

    async def list_links(self, params: Params) -> Json:
        return await self._json("GET", "/v1/payment-links", params=params)

    async def create_link(self, body: dict[str, Any], idempotency_key: str = "") -> Json:
        # The same key and body replay the first answer: a double submit makes one link.
        headers = {"Idempotency-Key": idempotency_key} if idempotency_key else None
        return await self._json("POST", "/v1/payment-links", body=body, headers=headers)

    async def get_link(self, link_id: str) -> Json:
        return await self._json("GET", f"/v1/payment-links/{link_id}")

    async def update_link(self, link_id: str, changes: dict[str, Any]) -> Json:
        """``PATCH``: the fields given change (``None`` clears one), the others stay."""
        return await self._json("PATCH", f"/v1/payment-links/{link_id}", body=changes)

    async def activate_link(self, link_id: str) -> Json:
        return await self._json("POST", f"/v1/payment-links/{link_id}/activate")

    async def deactivate_link(self, link_id: str) -> Json:
        return await self._json("POST", f"/v1/payment-links/{link_id}/deactivate")

    async def qr_png(self, link_id: str, size: int | None = None) -> bytes:
        params: Params = {"size": size}
        return (
            await self._send("GET", f"/v1/payment-links/{link_id}/qr.png", params=params)
        ).content

    async def upload_image(self, filename: str, data: bytes, content_type: str) -> Json:
        files = {"file": (filename, data, content_type)}
        return await self._json("POST", "/v1/images", files=files)

    # ---- sending -------------------------------------------------------------------------

    async def send_link(self, link_id: str, body: dict[str, str]) -> Json:
        return await self._json("POST", f"/v1/payment-links/{link_id}/send", body=body)

    async def list_messages(self, link_id: str, params: Params | None = None) -> Json:
        return await self._json("GET", f"/v1/payment-links/{link_id}/messages", params=params)

    # ---- transactions and refunds --------------------------------------------------------

    async def list_payments(self, link_id: str, params: Params) -> Json:
        return await self._json("GET", f"/v1/payment-links/{link_id}/payments", params=params)

    async def open_csv(self, path: str, params: dict[str, str]) -> httpx.Response:
        """A CSV export (``/v1/payments.csv``, or a link's) as it streams: the caller
        reads and closes it."""
        return await open_stream(self.base_url, self.transport, self.headers, path, params)

    async def get_payment(self, payment_id: str) -> Json:
        return await self._json("GET", f"/v1/payments/{payment_id}")

    async def refund(self, payment_id: str, amount: int | None, reason: str | None) -> Json:
        body: dict[str, Any] = {}
        if amount is not None:
            body["amount"] = amount
        if reason:
            body["reason"] = reason
        return await self._json("POST", f"/v1/payments/{payment_id}/refunds", body=body)

    async def list_refunds(self, payment_id: str, params: Params | None = None) -> Json:
        return await self._json("GET", f"/v1/payments/{payment_id}/refunds", params=params)

    async def list_receipts(self, payment_id: str) -> Json:
        return await self._json("GET", f"/v1/payments/{payment_id}/receipts")

    # ---- venues --------------------------------------------------------------------------

    async def list_venues(self, params: Params | None = None) -> Json:
        return await self._json("GET", "/v1/venues", params=params)

    async def create_venue(self, name: str, address: str | None) -> Json:
        return await self._json("POST", "/v1/venues", body={"name": name, "address": address})

    # ---- developers ----------------------------------------------------------------------

    async def list_api_keys(self, params: Params | None = None) -> Json:
        return await self._json("GET", "/v1/api-keys", params=params)

    async def create_api_key(self, name: str) -> Json:
        return await self._json("POST", "/v1/api-keys", body={"name": name})

    async def revoke_api_key(self, key_id: str) -> Json:
        return await self._json("DELETE", f"/v1/api-keys/{key_id}")

    async def list_endpoints(self, params: Params | None = None) -> Json:
        return await self._json("GET", "/v1/webhook-endpoints", params=params)

    async def create_endpoint(self, url: str, events: list[str] | None) -> Json:
        return await self._json(
            "POST", "/v1/webhook-endpoints", body={"url": url, "events": events}
        )

    async def delete_endpoint(self, endpoint_id: str) -> Json:
        return await self._json("DELETE", f"/v1/webhook-endpoints/{endpoint_id}")

    async def set_endpoint_enabled(self, endpoint_id: str, enabled: bool) -> Json:
        action = "enable" if enabled else "disable"
        return await self._json("POST", f"/v1/webhook-endpoints/{endpoint_id}/{action}")

    async def rotate_endpoint_secret(self, endpoint_id: str) -> Json:
        return await self._json("POST", f"/v1/webhook-endpoints/{endpoint_id}/rotate-secret")

    async def list_events(self, params: Params | None = None) -> Json:
        return await self._json("GET", "/v1/events", params=params)

    async def list_deliveries(self, event_id: str, params: Params | None = None) -> Json:
        return await self._json("GET", f"/v1/events/{event_id}/deliveries", params=params)

    async def redeliver(self, event_id: str, endpoint_id: str) -> Json:
        return await self._json(
            "POST", f"/v1/events/{event_id}/redeliver", body={"endpoint_id": endpoint_id}
        )


def client(token: str = "", client_ip: str | None = None) -> DashboardApi:
    """The API client the states use (tests replace it)."""
    return DashboardApi(token, client_ip=client_ip)
