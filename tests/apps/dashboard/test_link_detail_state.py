"""The link detail page's states through the real API: the link, its QR code, deactivating
it, sending it, its transactions, refunds (settled as the worker settles them) and the CSV
export; and what the page says when things go wrong."""

import base64
from typing import Any

import httpx
import pytest
from dashboard import routes
from dashboard.state import transactions as transactions_state
from dashboard.state.link_detail import REACTIVATION_REFUSALS, LinkDetailState
from dashboard.state.transactions import TransactionsState
from dashboard.transactions import CHART_MIN_DAYS
from reflex.istate.data import RouterData

from paylinks.refunds.service import process_refund
from paylinks.settings import Settings
from paylinks_api.context import ApiContext
from tests.apps.dashboard.conftest import api_answering, refused, run
from tests.conftest import FrozenClock
from tests.factories import CARD_DECLINED, CARD_REFUND_FAILS, ApiClient, Customer, StoreClient

CUSTOMER_FIELDS = {"customer_name": "required", "email": "optional", "phone": "optional"}
ADA = {"customer_name": "Ada Lovelace", "email": "ada@example.com", "phone": "+447911123456"}


def download_of(event: Any) -> tuple[str, str]:
    """The file name and the data: URL of an ``rx.download(...)`` event."""
    args = {str(name): value._var_value for name, value in event.args}
    return str(args["filename"]), str(args["url"])


def visit(state: LinkDetailState, link_id: str) -> None:
    """The browser is on the link's page."""
    state.router = RouterData.from_router_data(
        {"asPath": f"/payment-links/{link_id}", "headers": {"origin": "http://dash.test"}}
    )


async def opened(signed_in: Any, link_id: str) -> TransactionsState:
    """The page's state after its ``on_load``: the link, then its transactions."""
    state: TransactionsState = await signed_in(TransactionsState)
    visit(state, link_id)
    await state.load()
    await state.load_transactions()
    return state


@pytest.fixture
def customer(api: ApiClient) -> Customer:
    return Customer(api.client)


@pytest.fixture
def settle(clock: FrozenClock, app_settings: Settings) -> Any:
    """Settle a refund as the worker's job does (jobs do not run in the ``api`` fixture)."""
    ctx = ApiContext.from_settings(app_settings, clock)

    async def settle_all(store: StoreClient, payment_id: str) -> None:
        refunds = (await store.get(f"/v1/payments/{payment_id}/refunds")).json()["data"]
        for refund in refunds:
            if refund["status"] == "pending":
                await process_refund(refund["id"], ctx.gateways, ctx.urls, clock())

    return settle_all


# ---- the link --------------------------------------------------------------------------


class TestOpening:
    async def test_the_link_of_the_address_is_shown(
        self, store: StoreClient, signed_in: Any
    ) -> None:
        venue = await store.create_venue("Market Street")
        link = await store.create_link(
            type="reusable", max_payments=3, reference="INV-7", venue_id=venue["id"]
        )
        state = await opened(signed_in, link["id"])
        assert state.found
        assert not state.not_found
        assert not state.load_error
        assert state.link.title == "Espresso beans"
        assert state.link.amount == "£14.50"
        assert state.link.type == "Reusable, up to 3 payments"
        assert state.link.status_label == "Active"
        assert state.link.reference == "INV-7"
        assert state.link.venue == "Market Street"
        assert state.link.url == f"http://checkout.test/pay/{link['id']}"
        assert state.deactivatable
        assert state.sendable
        assert state.messages == []
        assert state.payments == []
        assert state.chart == []

    async def test_the_qr_code_is_inline_and_downloads_as_a_png_named_after_the_link(
        self, store: StoreClient, signed_in: Any
    ) -> None:
        link = await store.create_link()
        state = await opened(signed_in, link["id"])
        # A data: URL: the session token never appears in an address.
        assert state.qr_src.startswith("data:image/png;base64,")
        png = base64.b64decode(state.qr_src.partition(",")[2])
        assert png.startswith(b"\x89PNG")
        (download,) = await run(state.download_qr())
        assert download_of(download) == (f"{link['id']}.png", state.qr_src)

    async def test_another_stores_link_is_not_found(self, api: ApiClient, signed_in: Any) -> None:
        other = await api.create_store(name="Mallory")
        theirs = await other.create_link()
        state = await opened(signed_in, theirs["id"])
        assert state.not_found
        assert not state.found
        assert state.link.id == ""
        assert state.qr_src == ""

    @pytest.mark.parametrize(
        "link_id", ["plink_0000000000000000000000000000000", "plink_" + "x" * 70, "new"]
    )
    async def test_unknown_or_malformed_ids_are_not_found(
        self, store: StoreClient, signed_in: Any, link_id: str
    ) -> None:
        state = await opened(signed_in, link_id)
        assert state.not_found
        assert not state.found
        assert not state.load_error

    async def test_the_api_down_is_said_not_crashed(
        self, store: StoreClient, signed_in: Any, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        link = await store.create_link()
        state: TransactionsState = await signed_in(TransactionsState)
        api_answering(monkeypatch, refused)
        visit(state, link["id"])
        await state.load()
        await state.load_transactions()
        assert "cannot be reached" in state.load_error
        assert not state.found
        assert not state.not_found

    async def test_nothing_is_asked_before_the_session_is_known(self, api: ApiClient) -> None:
        from tests.apps.dashboard.conftest import state_of

        state = state_of(LinkDetailState)
        visit(state, "plink_whatever")
        assert await state.load() is None
        assert not state.found
        assert not state.not_found


# ---- deactivating ----------------------------------------------------------------------


class TestDeactivate:
    async def test_deactivating_shows_the_new_status_and_removes_the_action(
        self, store: StoreClient, signed_in: Any
    ) -> None:
        link = await store.create_link()
        state = await opened(signed_in, link["id"])
        await run(state.deactivate())
        assert state.link.status == "deactivated"
        assert state.link.status_label == "Deactivated"
        assert state.link.deactivated
        assert not state.deactivatable
        assert not state.sendable
        assert not state.deactivating
        assert state.status_notice == ""
        at_api = (await store.get(f"/v1/payment-links/{link['id']}")).json()
        assert (at_api["status"], at_api["inactive_reason"]) == ("inactive", "deactivated")

    async def test_a_link_that_became_inactive_meanwhile_is_said_so(
        self, store: StoreClient, signed_in: Any, customer: Customer
    ) -> None:
        link = await store.create_link(type="one_off")
        state = await opened(signed_in, link["id"])
        await customer.pay(link["id"])  # completes the one-off link behind the page's back
        await run(state.deactivate())
        assert state.link.status == "completed"
        assert "already inactive (completed)" in state.status_notice
        assert not state.deactivatable

    async def test_a_conflict_is_shown_and_the_link_kept(
        self, store: StoreClient, signed_in: Any, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        link = await store.create_link()
        state = await opened(signed_in, link["id"])

        def conflict(request: httpx.Request) -> httpx.Response:
            return httpx.Response(
                409,
                json={"status": 409, "code": "conflict", "detail": "Try again in a moment."},
                headers={"content-type": "application/problem+json"},
            )

        api_answering(monkeypatch, conflict)
        events = await run(state.deactivate())
        assert state.status_notice == "Try again in a moment."
        assert state.deactivatable
        assert state.link.status == "active"
        assert events  # a toast too
        api_answering(monkeypatch, refused)
        await run(state.deactivate())
        assert "cannot be reached" in state.status_notice
        assert not state.deactivating


class TestReactivate:
    async def test_a_deactivated_link_takes_payments_again(
        self, store: StoreClient, signed_in: Any
    ) -> None:
        link = await store.create_link()
        state = await opened(signed_in, link["id"])
        assert not state.reactivatable
        await run(state.deactivate())
        assert state.reactivatable
        events = await run(state.reactivate())
        assert state.link.status == "active"
        assert (state.deactivatable, state.reactivatable, state.sendable) == (True, False, True)
        assert state.status_notice == ""
        assert events  # a toast
        at_api = (await store.get(f"/v1/payment-links/{link['id']}")).json()
        assert at_api["status"] == "active"

    async def test_a_paid_one_off_link_stays_inactive_and_says_why(
        self, store: StoreClient, signed_in: Any, customer: Customer
    ) -> None:
        link = await store.create_link(type="one_off")
        await customer.pay(link["id"])
        state = await opened(signed_in, link["id"])
        assert state.reactivatable  # offered: the API says why not
        await run(state.reactivate())
        assert state.status_notice == REACTIVATION_REFUSALS["link_completed"]
        assert state.link.status == "completed"

    async def test_a_link_at_its_cap_says_to_raise_the_limit(
        self, store: StoreClient, signed_in: Any, customer: Customer
    ) -> None:
        link = await store.create_link(max_payments=1)
        await customer.pay(link["id"])
        state = await opened(signed_in, link["id"])
        await run(state.reactivate())
        assert "raise the limit" in state.status_notice
        assert state.link.status_label == "Limit reached"


class TestSetup:
    async def test_the_setup_panel_lists_what_the_link_was_made_with(
        self, store: StoreClient, signed_in: Any
    ) -> None:
        venue = await store.create_venue("Market Street")
        link = await store.create_link(
            venue_id=venue["id"],
            customer_fields={"email": "required"},
            after_payment={"type": "thank_you", "message": "Enjoy!"},
            metadata={"order": "A-17"},
        )
        state = await opened(signed_in, link["id"])
        rows = {row.label: row.value for row in state.setup}
        assert rows["Venue"] == "Market Street"
        assert rows["Email"] == "Required"
        assert rows["Thank-you message"] == "Enjoy!"
        assert rows["Metadata"] == "order = A-17"
        await run(state.deactivate())  # a reload of the link keeps the venue's name
        assert {row.label: row.value for row in state.setup}["Venue"] == "Market Street"


# ---- sending ---------------------------------------------------------------------------


class TestSend:
    async def test_an_email_is_queued_and_listed(self, store: StoreClient, signed_in: Any) -> None:
        link = await store.create_link()
        state = await opened(signed_in, link["id"])
        key = state.send_form_key
        await run(state.send({"recipient": " ada@example.com "}))
        assert state.send_errors == {}
        assert state.send_notice == ""
        assert state.send_form_key == key + 1  # the form comes back empty
        (sent,) = state.messages
        assert (sent.channel, sent.recipient, sent.status) == (
            "Email",
            "ada@example.com",
            "queued",
        )
        assert not state.sending

    async def test_an_sms_goes_to_the_number_in_international_form(
        self, store: StoreClient, signed_in: Any
    ) -> None:
        link = await store.create_link()
        state = await opened(signed_in, link["id"])
        state.choose_channel("sms")
        await run(state.send({"recipient": "+44 7911 123456"}))
        assert state.send_errors == {}
        (sent,) = state.messages
        assert (sent.channel, sent.recipient) == ("SMS", "+447911123456")

    async def test_bad_recipients_are_said_next_to_the_field(
        self, store: StoreClient, signed_in: Any
    ) -> None:
        link = await store.create_link()
        state = await opened(signed_in, link["id"])
        await run(state.send({"recipient": "   "}))
        assert state.send_errors == {"recipient": "Enter an email address."}
        await run(state.send({"recipient": "not an email"}))
        assert state.send_errors.get("recipient")
        state.choose_channel("sms")
        assert state.send_errors == {}
        await run(state.send({"recipient": "12"}))
        assert state.send_errors.get("recipient")
        state.choose_channel("carrier pigeon")
        assert state.send_channel == "sms"
        assert state.messages == []
        assert (await store.get(f"/v1/payment-links/{link['id']}/messages")).json()["data"] == []

    async def test_an_inactive_link_cannot_be_sent(
        self, store: StoreClient, signed_in: Any
    ) -> None:
        link = await store.create_link()
        state = await opened(signed_in, link["id"])
        await store.post(f"/v1/payment-links/{link['id']}/deactivate")
        await run(state.send({"recipient": "ada@example.com"}))
        assert "active" in state.send_notice
        assert not state.sendable

    async def test_the_history_refreshes(self, store: StoreClient, signed_in: Any) -> None:
        link = await store.create_link()
        state = await opened(signed_in, link["id"])
        await store.post(f"/v1/payment-links/{link['id']}/send", json={"email": "b@example.com"})
        await state.refresh_messages()
        assert [m.recipient for m in state.messages] == ["b@example.com"]
        assert not state.messages_loading


# ---- transactions ------------------------------------------------------------------------


class TestTransactions:
    async def test_payments_are_listed_with_their_customers_and_charted(
        self, store: StoreClient, signed_in: Any, customer: Customer
    ) -> None:
        link = await store.create_link(customer_fields=CUSTOMER_FIELDS)
        paid = await customer.pay(link["id"], customer=ADA)
        await customer.pay(link["id"], CARD_DECLINED, customer={"customer_name": "Bob"})
        state = await opened(signed_in, link["id"])
        declined, succeeded = state.payments  # newest first
        assert (succeeded.id, succeeded.amount, succeeded.status) == (
            paid["id"],
            "£14.50",
            "succeeded",
        )
        assert (succeeded.customer_name, succeeded.email, succeeded.phone) == (
            "Ada Lovelace",
            "ada@example.com",
            "+447911123456",
        )
        assert succeeded.reference
        assert succeeded.refundable_label == "£14.50"
        assert declined.status == "failed"
        assert declined.failure_reason
        assert declined.refundable_label == ""
        # Two weeks up to today, the earlier days at zero: the payment is today's.
        assert len(state.chart) == CHART_MIN_DAYS
        *before, today = state.chart
        assert (today["payments"], today["total"]) == (1, "£14.50")
        assert {(day["payments"], day["total"]) for day in before} == {(0, "£0.00")}
        assert state.link.payments == "1"

    async def test_pages_load_by_cursor_without_repeats(
        self,
        store: StoreClient,
        signed_in: Any,
        customer: Customer,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        monkeypatch.setattr(transactions_state, "PAGE_SIZE", 2)
        link = await store.create_link()
        ids = [(await customer.pay(link["id"]))["id"] for _ in range(3)]
        state = await opened(signed_in, link["id"])
        assert len(state.payments) == 2
        assert state.has_more
        await run(state.load_more())
        assert [p.id for p in state.payments] == ids[::-1]
        assert not state.has_more
        await run(state.load_more())  # nothing more: nothing changes
        assert len(state.payments) == 3
        assert state.chart[-1]["payments"] == 3

    async def test_the_csv_downloads_under_the_links_name(
        self, store: StoreClient, signed_in: Any
    ) -> None:
        link = await store.create_link()
        state = await opened(signed_in, link["id"])
        [download] = await run(state.export_csv())
        filename, url = download_of(download)
        assert filename == f"{link['id']}-payments.csv"
        # Streamed by the dashboard's download route, not carried in the page's state.
        assert url == routes.link_payments_csv(link["id"])

    async def test_the_list_failing_is_said(
        self, store: StoreClient, signed_in: Any, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        link = await store.create_link()
        state = await opened(signed_in, link["id"])
        api_answering(monkeypatch, refused)
        await run(state.refresh())
        assert "cannot be reached" in state.payments_error
        assert state.chart_note == "The chart could not be loaded."


# ---- refunds -----------------------------------------------------------------------------


async def refund_dialog_for(
    signed_in: Any, store: StoreClient, customer: Customer, card: Any = None
) -> tuple[TransactionsState, dict[str, Any]]:
    link = await store.create_link()
    paid = await customer.pay(link["id"], card)
    state = await opened(signed_in, link["id"])
    await run(state.open_refund(paid["id"]))
    return state, paid


class TestRefunds:
    async def test_the_dialog_offers_all_that_is_left(
        self, store: StoreClient, signed_in: Any, customer: Customer
    ) -> None:
        state, paid = await refund_dialog_for(signed_in, store, customer)
        assert state.refund_open
        assert state.refund_payment.id == paid["id"]
        assert state.refund_prefill == "14.50"
        assert state.refunds == []

    async def test_the_customers_receipt_is_listed(
        self, store: StoreClient, signed_in: Any, customer: Customer
    ) -> None:
        link = await store.create_link(customer_fields={"email": "optional"})
        started = await customer.start(link["id"], customer={"email": "ann@example.com"})
        await customer.confirm(started.json()["id"])
        state = await opened(signed_in, link["id"])
        await run(state.open_refund(started.json()["id"]))
        assert [(r.kind, r.recipient) for r in state.receipts] == [("Receipt", "ann@example.com")]

    @pytest.mark.parametrize(
        ("typed", "said"),
        [("", "Enter"), ("0", "above zero"), ("14.51", "At most £14.50"), ("1.234", "decimal")],
    )
    async def test_bad_amounts_are_said_and_nothing_is_refunded(
        self, store: StoreClient, signed_in: Any, customer: Customer, typed: str, said: str
    ) -> None:
        state, paid = await refund_dialog_for(signed_in, store, customer)
        await run(state.refund({"amount": typed}))
        assert said in state.refund_errors["amount"]
        assert (await store.get(f"/v1/payments/{paid['id']}/refunds")).json()["data"] == []

    async def test_a_partial_refund_settles_and_updates_the_payment_and_the_link(
        self, store: StoreClient, signed_in: Any, customer: Customer, settle: Any
    ) -> None:
        state, paid = await refund_dialog_for(signed_in, store, customer)
        events = await run(state.refund({"amount": "4.50", "reason": "Broken bag"}))
        assert state.refund_errors == {}
        assert state.refund_notice == ""
        (pending,) = state.refunds
        assert (pending.amount, pending.status, pending.reason) == (
            "£4.50",
            "pending",
            "Broken bag",
        )
        assert state.refund_prefill == "10.00"
        assert any("poll_refunds" in repr(event) for event in events)  # it asks again shortly

        await settle(store, paid["id"])
        await run(state.refresh_refunds())
        (settled,) = state.refunds
        assert settled.status == "succeeded"
        assert state.refund_payment.status == "partially_refunded"
        (row,) = state.payments
        assert (row.status, row.refunded, row.refundable, row.refundable_label) == (
            "partially_refunded",
            "£4.50",
            1000,
            "£10.00",
        )
        assert state.link.refunded == "£4.50"

        await run(state.refund({"amount": "10.00"}))
        await settle(store, paid["id"])
        await run(state.refresh_refunds())
        assert state.refund_payment.status == "fully_refunded"
        assert state.refund_payment.refundable_label == ""
        assert [r.status for r in state.refunds] == ["succeeded", "succeeded"]
        assert state.link.refunded == "£14.50"

    async def test_a_failed_refund_says_why_and_frees_the_amount(
        self, store: StoreClient, signed_in: Any, customer: Customer, settle: Any
    ) -> None:
        state, paid = await refund_dialog_for(signed_in, store, customer, CARD_REFUND_FAILS)
        await run(state.refund({"amount": "14.50"}))
        assert state.refund_payment.refundable_label == ""  # held while pending
        await settle(store, paid["id"])
        await run(state.refresh_refunds())
        (failed,) = state.refunds
        assert failed.status == "failed"
        assert failed.failure_reason
        assert state.refund_payment.status == "succeeded"
        assert state.refund_prefill == "14.50"

    async def test_the_apis_refusal_is_shown_in_the_dialog(
        self, store: StoreClient, signed_in: Any, customer: Customer
    ) -> None:
        state, paid = await refund_dialog_for(signed_in, store, customer)
        # Someone else refunds 10.00 meanwhile: the dialog still offers 14.50.
        other = await store.post(f"/v1/payments/{paid['id']}/refunds", json={"amount": 1000})
        assert other.status_code == 201, other.text
        await run(state.refund({"amount": "14.50"}))
        assert state.refund_errors.get("amount") or state.refund_notice
        assert state.refund_prefill == "4.50"  # now what is left
        assert not state.refunding
        assert state.refund_open

    async def test_the_api_down_is_said_in_the_dialog(
        self,
        store: StoreClient,
        signed_in: Any,
        customer: Customer,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        state, _ = await refund_dialog_for(signed_in, store, customer)
        api_answering(monkeypatch, refused)
        await run(state.refund({"amount": "1.00"}))
        assert "cannot be reached" in state.refund_notice
        assert not state.refunding

    async def test_the_dialog_stays_open_while_a_refund_is_asked_for(
        self, store: StoreClient, signed_in: Any, customer: Customer
    ) -> None:
        state, _ = await refund_dialog_for(signed_in, store, customer)
        state.refunding = True
        state.set_refund_open(False)
        assert state.refund_open
        state.refunding = False
        state.set_refund_open(False)
        assert not state.refund_open
