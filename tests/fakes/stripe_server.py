"""A small fake of Stripe's API on 127.0.0.1, for the official SDK to talk to.

It serves what the Stripe gateway calls (PaymentIntents with manual capture, refunds),
form-encoded like Stripe, with Stripe-shaped JSON and errors, ``Idempotency-Key`` replays
and per-key accounts (an object made with one secret key is not found with another).

Test controls play the customer's browser and Stripe's back office:
``simulate_customer_confirm`` (the Payment Element confirming with a test card),
``simulate_capture_by_hand`` (the merchant in Stripe's dashboard), ``refund_status`` /
``settle_refund``, ``down``; and ``event`` / ``sign`` build webhook deliveries signed like
Stripe's. Counters (``captures``, ``cancels``, ``charges``) and ``refunds_of`` tell what
happened to each PaymentIntent.
"""

import copy
import json
import re
import secrets
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import stripe

CARD_OK = "4242424242424242"
CARD_DECLINED = "4000000000000002"
CARD_REFUND_FAILS = "4000000000005126"
API_VERSION = "2025-10-29.clover"
#: Where the customer may confirm from (again after a decline, or once the bank decided).
CONFIRMABLE = ("requires_payment_method", "requires_confirmation", "processing")

_SEGMENT = re.compile(r"([^\[\]]+)|\[([^\[\]]*)\]")


class StripeApiError(Exception):
    def __init__(self, status: int, kind: str, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.status = status
        self.body = {"error": {"type": kind, "message": message, **extra}}


def _new_id(prefix: str) -> str:
    return f"{prefix}_{secrets.token_hex(12)}"


def decode_form(pairs: list[tuple[str, str]]) -> dict[str, Any]:
    """Stripe's form encoding (``metadata[k]=v``, ``expand[0]=x``) back to nested values."""
    root: dict[str, Any] = {}
    for key, value in pairs:
        parts = [
            m.group(1) if m.group(1) is not None else m.group(2) for m in _SEGMENT.finditer(key)
        ]
        node = root
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = value

    def lists(value: Any) -> Any:
        if not isinstance(value, dict):
            return value
        if value and all(k.isdigit() for k in value):
            return [lists(value[k]) for k in sorted(value, key=int)]
        return {k: lists(v) for k, v in value.items()}

    return dict(lists(root))


class FakeStripe:
    """The fake's state and controls; ``with FakeStripe() as fake:`` serves it."""

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self.objects: dict[str, dict[str, Any]] = {}
        self._owner: dict[str, str] = {}
        self._idempotent: dict[tuple[str, str], tuple[str, int, dict[str, Any]]] = {}
        self.captures: Counter[str] = Counter()
        self.cancels: Counter[str] = Counter()
        self.charges: Counter[str] = Counter()
        #: Every API call: method, path, params (decoded), idempotency_key, and key_last4.
        self.requests: list[dict[str, Any]] = []
        #: The status a new refund gets (``succeeded``, ``pending`` or ``failed``).
        self.refund_status = "succeeded"
        #: While true, every API call fails with a 500 that tells the SDK not to retry.
        self.down = False
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> "FakeStripe":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=10)

    # -- test controls ------------------------------------------------------------------

    def intent(self, intent_id: str) -> dict[str, Any]:
        with self._lock:
            return copy.deepcopy(self.objects[intent_id])

    def refund(self, refund_id: str) -> dict[str, Any]:
        with self._lock:
            return copy.deepcopy(self.objects[refund_id])

    def intents(self) -> list[dict[str, Any]]:
        with self._lock:
            return [
                copy.deepcopy(o) for o in self.objects.values() if o["object"] == "payment_intent"
            ]

    def simulate_customer_confirm(self, intent_id: str, card: str = CARD_OK) -> dict[str, Any]:
        """The Payment Element confirming with ``card``: a good card leaves the intent
        authorised (``requires_capture``); the declined card leaves it
        ``requires_payment_method`` with a ``last_payment_error``."""
        with self._lock:
            intent = self.objects[intent_id]
            assert intent["status"] in CONFIRMABLE, intent["status"]
            owner = self._owner[intent_id]
            method = self._store(
                owner,
                {
                    "id": _new_id("pm"),
                    "object": "payment_method",
                    "type": "card",
                    "card": {
                        "brand": "visa",
                        "last4": card[-4:],
                        "exp_month": 12,
                        "exp_year": 2030,
                        "fingerprint": card,
                    },
                },
            )
            declined = card == CARD_DECLINED
            charge = self._store(
                owner,
                {
                    "id": _new_id("ch"),
                    "object": "charge",
                    "amount": intent["amount"],
                    "amount_captured": 0,
                    "amount_refunded": 0,
                    "captured": False,
                    "currency": intent["currency"],
                    "paid": not declined,
                    "payment_intent": intent_id,
                    "payment_method": method["id"],
                    "payment_method_details": {
                        "type": "card",
                        "card": {"brand": "visa", "last4": card[-4:]},
                    },
                    "status": "failed" if declined else "succeeded",
                    "failure_code": "card_declined" if declined else None,
                    "metadata": dict(intent["metadata"]),
                    "created": int(time.time()),
                },
            )
            self.charges[intent_id] += 1
            intent["latest_charge"] = charge["id"]
            if declined:
                intent["status"] = "requires_payment_method"
                intent["payment_method"] = None
                intent["last_payment_error"] = {
                    "type": "card_error",
                    "code": "card_declined",
                    "decline_code": "generic_decline",
                    "charge": charge["id"],
                    "message": "Your card was declined.",
                    "payment_method": copy.deepcopy(method),
                }
            else:
                intent["status"] = "requires_capture"
                intent["payment_method"] = method["id"]
                intent["amount_capturable"] = intent["amount"]
                intent["last_payment_error"] = None
            return copy.deepcopy(intent)

    def simulate_capture_by_hand(self, intent_id: str) -> dict[str, Any]:
        """The merchant capturing an authorised PaymentIntent in Stripe's dashboard."""
        with self._lock:
            return self._capture(self.objects[intent_id])

    def refunds_of(self, intent_id: str) -> list[dict[str, Any]]:
        with self._lock:
            return [
                copy.deepcopy(o)
                for o in self.objects.values()
                if o["object"] == "refund" and o["payment_intent"] == intent_id
            ]

    def simulate_processing(self, intent_id: str) -> None:
        """The customer's bank has not decided yet."""
        with self._lock:
            self.objects[intent_id]["status"] = "processing"

    def settle_refund(
        self, refund_id: str, status: str, failure_reason: str | None = None
    ) -> dict[str, Any]:
        """Stripe finishing a pending refund."""
        with self._lock:
            refund = self.objects[refund_id]
            refund["status"] = status
            refund["failure_reason"] = failure_reason
            return copy.deepcopy(refund)

    def event(
        self, event_type: str, obj: dict[str, Any], event_id: str | None = None
    ) -> dict[str, Any]:
        """A webhook event about ``obj`` (a snapshot of it, as Stripe sends)."""
        return {
            "id": event_id or _new_id("evt"),
            "object": "event",
            "api_version": API_VERSION,
            "created": int(time.time()),
            "livemode": False,
            "pending_webhooks": 1,
            "request": {"id": None, "idempotency_key": None},
            "type": event_type,
            "data": {"object": copy.deepcopy(obj)},
        }

    @staticmethod
    def sign(
        event: dict[str, Any] | bytes, secret: str, timestamp: int | None = None
    ) -> tuple[bytes, dict[str, str]]:
        """The body and headers of a delivery, signed with the endpoint's ``whsec_`` secret
        the way Stripe does (``t=…,v1=HMAC-SHA256(secret, "t.body")``)."""
        body = event if isinstance(event, bytes) else json.dumps(event, indent=2).encode()
        header = stripe.WebhookSignature.generate_signature_header(
            body.decode(), secret, timestamp if timestamp is not None else int(time.time())
        )
        return body, {"Stripe-Signature": header, "Content-Type": "application/json"}

    # -- the API ------------------------------------------------------------------------

    def _store(self, owner: str, obj: dict[str, Any]) -> dict[str, Any]:
        obj.setdefault("livemode", False)
        self.objects[obj["id"]] = obj
        self._owner[obj["id"]] = owner
        return obj

    def _get(self, owner: str, kind: str, object_id: str, param: str) -> dict[str, Any]:
        obj = self.objects.get(object_id)
        if obj is None or self._owner[object_id] != owner or obj["object"] != kind:
            raise StripeApiError(
                404,
                "invalid_request_error",
                f"No such {kind}: '{object_id}'",
                code="resource_missing",
                param=param,
            )
        return obj

    def _expanded(self, obj: dict[str, Any], expand: list[str]) -> dict[str, Any]:
        out = copy.deepcopy(obj)
        for field in expand:
            if isinstance(out.get(field), str):
                out[field] = copy.deepcopy(self.objects[out[field]])
        return out

    def handle(
        self, method: str, path: str, key: str, params: dict[str, Any], idempotency_key: str | None
    ) -> tuple[int, dict[str, Any], bool]:
        """One API call: (status, JSON body, replayed)."""
        with self._lock:
            self.requests.append(
                {
                    "method": method,
                    "path": path,
                    "params": copy.deepcopy(params),
                    "idempotency_key": idempotency_key,
                    "key_last4": key[-4:],
                }
            )
            if self.down:
                raise StripeApiError(500, "api_error", "An unknown error occurred.")
            if not key.startswith(("sk_test_", "rk_test_")):
                hint = f"{key[:8]}****{key[-4:]}" if len(key) > 12 else "****"
                raise StripeApiError(
                    401, "invalid_request_error", f"Invalid API Key provided: {hint}"
                )
            if method == "POST" and idempotency_key:
                fingerprint = json.dumps([path, params], sort_keys=True)
                seen = self._idempotent.get((key, idempotency_key))
                if seen is not None:
                    if seen[0] != fingerprint:
                        raise StripeApiError(
                            400,
                            "idempotency_error",
                            "Keys for idempotent requests can only be used with the same "
                            "parameters they were first used with.",
                        )
                    return seen[1], copy.deepcopy(seen[2]), True
                status, body = self._route(method, path, key, params)
                self._idempotent[(key, idempotency_key)] = (
                    fingerprint,
                    status,
                    copy.deepcopy(body),
                )
                return status, body, False
            status, body = self._route(method, path, key, params)
            return status, body, False

    def _route(
        self, method: str, path: str, key: str, params: dict[str, Any]
    ) -> tuple[int, dict[str, Any]]:
        parts = path.strip("/").split("/")
        expand = list(params.get("expand", []))
        match method, parts:
            case "POST", ["v1", "payment_intents"]:
                return 200, self._create_intent(key, params)
            case "GET", ["v1", "payment_intents", intent_id]:
                intent = self._get(key, "payment_intent", intent_id, "intent")
                return 200, self._expanded(intent, expand)
            case "POST", ["v1", "payment_intents", intent_id, "capture"]:
                return 200, self._capture(self._get(key, "payment_intent", intent_id, "intent"))
            case "POST", ["v1", "payment_intents", intent_id, "cancel"]:
                return 200, self._cancel(self._get(key, "payment_intent", intent_id, "intent"))
            case "POST", ["v1", "refunds"]:
                return 200, self._create_refund(key, params)
            case "GET", ["v1", "refunds", refund_id]:
                return 200, copy.deepcopy(self._get(key, "refund", refund_id, "refund"))
        raise StripeApiError(
            404, "invalid_request_error", f"Unrecognized request URL ({method}: {path})."
        )

    def _create_intent(self, key: str, params: dict[str, Any]) -> dict[str, Any]:
        try:
            amount = int(params["amount"])
            currency = str(params["currency"])
        except (KeyError, ValueError):
            raise StripeApiError(
                400,
                "invalid_request_error",
                "Missing required param: amount.",
                code="parameter_missing",
                param="amount",
            ) from None
        if amount < 1 or currency != currency.lower() or len(currency) != 3:
            raise StripeApiError(
                400,
                "invalid_request_error",
                "Invalid amount or currency.",
                code="parameter_invalid_integer",
                param="amount",
            )
        intent_id = _new_id("pi")
        automatic = params.get("automatic_payment_methods", {})
        intent = self._store(
            key,
            {
                "id": intent_id,
                "object": "payment_intent",
                "amount": amount,
                "amount_capturable": 0,
                "amount_received": 0,
                "currency": currency,
                "capture_method": params.get("capture_method", "automatic_async"),
                "client_secret": f"{intent_id}_secret_{secrets.token_hex(12)}",
                "automatic_payment_methods": {"enabled": automatic.get("enabled") == "true"}
                if automatic
                else None,
                "metadata": dict(params.get("metadata", {})),
                "status": "requires_payment_method",
                "latest_charge": None,
                "payment_method": None,
                "last_payment_error": None,
                "canceled_at": None,
                "cancellation_reason": None,
                "created": int(time.time()),
            },
        )
        return copy.deepcopy(intent)

    def _capture(self, intent: dict[str, Any]) -> dict[str, Any]:
        if intent["status"] != "requires_capture":
            raise StripeApiError(
                400,
                "invalid_request_error",
                "This PaymentIntent could not be captured because it has a status of "
                f"{intent['status']}.",
                code="payment_intent_unexpected_state",
            )
        intent.update(status="succeeded", amount_received=intent["amount"], amount_capturable=0)
        charge = self.objects[intent["latest_charge"]]
        charge.update(captured=True, amount_captured=intent["amount"])
        self.captures[intent["id"]] += 1
        return copy.deepcopy(intent)

    def _cancel(self, intent: dict[str, Any]) -> dict[str, Any]:
        if intent["status"] in ("succeeded", "canceled"):
            raise StripeApiError(
                400,
                "invalid_request_error",
                "You cannot cancel this PaymentIntent because it has a status of "
                f"{intent['status']}.",
                code="payment_intent_unexpected_state",
            )
        intent.update(
            status="canceled",
            amount_capturable=0,
            canceled_at=int(time.time()),
            cancellation_reason="requested_by_customer",
        )
        self.cancels[intent["id"]] += 1
        return copy.deepcopy(intent)

    def _create_refund(self, key: str, params: dict[str, Any]) -> dict[str, Any]:
        intent = self._get(
            key, "payment_intent", str(params.get("payment_intent")), "payment_intent"
        )
        if intent["status"] != "succeeded":
            raise StripeApiError(
                400,
                "invalid_request_error",
                "This PaymentIntent has no captured charge to refund.",
                code="charge_not_refundable",
            )
        charge = self.objects[intent["latest_charge"]]
        left = charge["amount_captured"] - charge["amount_refunded"]
        if left == 0:
            raise StripeApiError(
                400,
                "invalid_request_error",
                f"Charge {charge['id']} has already been refunded.",
                code="charge_already_refunded",
            )
        amount = int(params.get("amount", left))
        if not 0 < amount <= left:
            raise StripeApiError(
                400,
                "invalid_request_error",
                f"Refund amount ({amount}) is greater than unrefunded amount.",
                code="amount_too_large",
                param="amount",
            )
        fails = charge["payment_method_details"]["card"]["last4"] == CARD_REFUND_FAILS[-4:]
        status = "failed" if fails else self.refund_status
        if status != "failed":
            charge["amount_refunded"] += amount
        refund = self._store(
            key,
            {
                "id": _new_id("re"),
                "object": "refund",
                "amount": amount,
                "currency": intent["currency"],
                "payment_intent": intent["id"],
                "charge": charge["id"],
                "status": status,
                "failure_reason": "expired_or_canceled_card" if status == "failed" else None,
                "metadata": dict(params.get("metadata", {})),
                "reason": None,
                "created": int(time.time()),
            },
        )
        return copy.deepcopy(refund)

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                return None

            def _serve(self) -> None:
                url = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length).decode() if length else ""
                params = decode_form(parse_qsl(url.query) + parse_qsl(raw))
                auth = self.headers.get("Authorization", "")
                key = auth.removeprefix("Bearer ").strip()
                headers = {"Request-Id": _new_id("req")}
                try:
                    status, body, replayed = fake.handle(
                        self.command, url.path, key, params, self.headers.get("Idempotency-Key")
                    )
                    if replayed:
                        headers["Idempotent-Replayed"] = "true"
                except StripeApiError as error:
                    status, body = error.status, error.body
                    headers["Stripe-Should-Retry"] = "false"
                payload = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                for name, value in headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(payload)

            do_GET = _serve
            do_POST = _serve

        return Handler
