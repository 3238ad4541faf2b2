"""A client generated from the served OpenAPI document by a tool nobody here wrote
(openapi-python-client) runs the whole flow untouched: create links with idempotency keys,
list them with filters and pages, download a QR code, pay at the public checkout, refund,
and read the link's transactions."""

import importlib
import io
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import zxingcpp
from PIL import Image

from tests.e2e.conftest import PROCESS_OUTPUT
from tests.e2e.lone_api import LoneApi, start_lone_api

GENERATOR = "openapi-python-client==0.29.1"
CONFIG = Path(__file__).with_name("openapi-python-client.yaml")
PACKAGE = "paylinks_api_client"
PNG = b"\x89PNG\r\n\x1a\n"

pytestmark = pytest.mark.skipif(shutil.which("uv") is None, reason="needs uv to run the generator")


@pytest.fixture(scope="module")
def lone_api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LoneApi]:
    api = start_lone_api(tmp_path_factory.mktemp("generated-client"))
    try:
        yield api
    finally:
        api.stop()


@pytest.fixture(scope="module")
def client_package(lone_api: LoneApi, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """The package the generator writes from the document the API serves."""
    root = tmp_path_factory.mktemp("client")
    document = root / "openapi.json"
    document.write_bytes(httpx.get(f"{lone_api.url}/docs/openapi.json").content)
    done = subprocess.run(
        [
            *("uv", "tool", "run", "--from", GENERATOR, "openapi-python-client", "generate"),
            *("--path", str(document), "--meta", "none", "--config", str(CONFIG)),
            *("--output-path", str(root / PACKAGE)),
        ],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Warning" not in done.stdout + done.stderr, done.stdout + done.stderr
    sys.path.insert(0, str(root))
    try:
        yield importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(root))
        for name in [m for m in sys.modules if m.split(".")[0] == PACKAGE]:
            del sys.modules[name]


def test_the_whole_flow_with_the_generated_client_alone(
    lone_api: LoneApi, client_package: Any, request: pytest.FixtureRequest
) -> None:
    request.node.stash[PROCESS_OUTPUT] = lone_api.report
    api = _modules(client_package)
    models = api["models"]
    key = lone_api.create_store()
    merchant = client_package.AuthenticatedClient(base_url=lone_api.url, token=key)
    customer = client_package.Client(base_url=lone_api.url)

    activated = api["activate_payments"].sync_detailed(
        client=merchant, body=models.Activate(gateway=models.Gateway.SANDBOX)
    )
    assert activated.status_code == 200, activated.content

    # Create, with a key: the retry is the same link; a later call without a key is new.
    body = models.LinkCreate(title="Espresso beans", amount=1450)
    first = api["create_payment_link"].sync_detailed(
        client=merchant, body=body, idempotency_key="order-1001"
    )
    again = api["create_payment_link"].sync_detailed(
        client=merchant, body=body, idempotency_key="order-1001"
    )
    assert first.status_code == again.status_code == 201, first.content
    assert again.parsed.id == first.parsed.id
    assert again.headers["idempotent-replayed"] == "true"
    assert first.headers["location"] == f"/v1/payment-links/{first.parsed.id}"
    one_off = api["create_payment_link"].sync(
        client=merchant,
        body=models.LinkCreate(title="Gift card", amount=2000, type_=models.LinkType.ONE_OFF),
    )
    other = api["create_payment_link"].sync(
        client=merchant, body=models.LinkCreate(title="Flat white", amount=350)
    )
    assert len({first.parsed.id, one_off.id, other.id}) == 3

    # List: filters, pages both ways, a created range.
    listing = api["list_payment_links"]
    reusable = listing.sync(client=merchant, type_=models.LinkType.REUSABLE, limit=1)
    assert [link.id for link in reusable.data] == [other.id]
    assert reusable.has_more is True
    older = listing.sync(
        client=merchant, type_=models.LinkType.REUSABLE, limit=1, starting_after=other.id
    )
    assert [link.id for link in older.data] == [first.parsed.id]
    newer = listing.sync(client=merchant, limit=5, ending_before=first.parsed.id)
    assert [link.id for link in newer.data] == [other.id, one_off.id]
    since = listing.sync(client=merchant, createdgte=one_off.created_at)
    assert {link.id for link in since.data} == {one_off.id, other.id}
    refused = listing.sync_detailed(client=merchant, starting_after="plink_" + "0" * 32)
    assert refused.status_code == 400
    assert refused.parsed.code == "invalid_cursor"

    # The QR code, as bytes, of exactly the link's URL.
    qr = api["get_payment_link_qr_png"].sync(first.parsed.id, client=merchant, size=256)
    png = qr.payload.read()
    assert png.startswith(PNG)
    [decoded] = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
    assert decoded.text == first.parsed.url

    # A customer pays at the public checkout, with no key.
    started = api["start_checkout_payment"].sync_detailed(
        first.parsed.id, client=customer, body=models.PaymentStart(), idempotency_key="cart-7"
    )
    assert started.status_code == 201, started.content
    card = models.Card(number="4242424242424242", exp_month=12, exp_year=2030, cvc="123")
    paid = api["confirm_checkout_payment"].sync(
        started.parsed.id, client=customer, body=models.PaymentConfirm(card=card)
    )
    assert paid.status == models.PaymentStatus.SUCCEEDED

    # The merchant refunds part of it; the refund settles.
    refund = api["create_refund"].sync(
        paid.id, client=merchant, body=models.RefundCreate(amount=500), idempotency_key="r-1"
    )
    assert refund.amount == 500
    deadline = time.monotonic() + 30
    while (settled := api["get_refund"].sync(refund.id, client=merchant)).status.value == "pending":
        assert time.monotonic() < deadline, "the refund did not settle"
        time.sleep(0.2)
    assert settled.status == models.RefundStatus.SUCCEEDED

    # The link's transactions show it.
    transactions = api["list_payment_link_payments"].sync(first.parsed.id, client=merchant)
    [payment] = transactions.data
    assert (payment.id, payment.amount, payment.amount_refunded) == (paid.id, 1450, 500)
    assert transactions.has_more is False
    assert timedelta(0) <= payment.created_at - first.parsed.created_at


def _modules(package: Any) -> dict[str, Any]:
    """The generated operations this test uses, by name, and the models."""
    modules: dict[str, Any] = {"models": importlib.import_module(f"{PACKAGE}.models")}
    for tag, operations in {
        "store": ["activate_payments"],
        "payment_links": ["create_payment_link", "list_payment_links", "get_payment_link_qr_png"],
        "checkout_public": ["start_checkout_payment", "confirm_checkout_payment"],
        "payments": ["create_refund", "get_refund", "list_payment_link_payments"],
    }.items():
        for name in operations:
            modules[name] = importlib.import_module(f"{PACKAGE}.api.{tag}.{name}")
    return modules
