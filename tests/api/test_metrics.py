"""``GET /metrics`` (SPEC §10): Prometheus text that a scraper parses, requests counted by
route template, payments and refunds by outcome, the outbox lag and the job queue read at
scrape time; behind a bearer token when one is set; not part of the API's documentation."""

from collections.abc import AsyncIterator

import msgspec
import pytest

from paylinks.settings import Settings
from paylinks_cli.compose import create_app
from tests.conftest import FrozenClock, serving
from tests.factories import CARD_DECLINED, ApiClient, Customer, StoreClient, eventually
from tests.prometheus import Samples, has, parse, value


async def scrape(api: ApiClient, **headers: str) -> Samples:
    response = await api.client.get("/metrics", headers=headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain; version=")
    return parse(response.text)


@pytest.fixture
async def store(api: ApiClient) -> StoreClient:
    return await api.create_store()


class TestOutcomes:
    async def test_a_payment_moves_its_outcome(self, api: ApiClient, store: StoreClient) -> None:
        link = await store.create_link(title="Espresso beans", amount=1450)
        before = await scrape(api)
        await Customer(api.client).pay(link["id"])
        await Customer(api.client).pay(link["id"], card=CARD_DECLINED)
        after = await scrape(api)
        for outcome in ("succeeded", "failed"):
            moved = value(after, "paylinks_payments_total", outcome=outcome) - value(
                before, "paylinks_payments_total", outcome=outcome
            )
            assert moved == 1, outcome

    async def test_a_refund_counts_as_created(self, api: ApiClient, store: StoreClient) -> None:
        link = await store.create_link(title="Espresso beans", amount=1450)
        paid = await Customer(api.client).pay(link["id"])
        before = await scrape(api)
        refunded = await store.post(f"/v1/payments/{paid['id']}/refunds", json={"amount": 450})
        assert refunded.status_code == 201, refunded.text
        after = await scrape(api)
        moved = value(after, "paylinks_refunds_total", outcome="pending") - value(
            before, "paylinks_refunds_total", outcome="pending"
        )
        assert moved == 1


class TestRequests:
    async def test_counted_by_route_template_never_by_id(
        self, api: ApiClient, store: StoreClient
    ) -> None:
        link = await store.create_link(title="Espresso beans", amount=1450)
        template = "/v1/payment-links/{link_id}"
        before = await scrape(api)
        assert (await store.get(f"/v1/payment-links/{link['id']}")).status_code == 200
        assert (await store.get("/v1/payment-links/plink_" + "0" * 32)).status_code == 404
        response = await api.client.get("/metrics")
        after = await scrape(api)

        for status in ("200", "404"):
            moved = value(
                after, "paylinks_http_requests_total", method="GET", route=template, status=status
            ) - value(
                before, "paylinks_http_requests_total", method="GET", route=template, status=status
            )
            assert moved == 1, status
        assert (
            value(
                after, "paylinks_http_request_duration_seconds_count", method="GET", route=template
            )
            >= 2
        )
        assert (
            value(
                after,
                "paylinks_http_request_duration_seconds_bucket",
                method="GET",
                route=template,
                le="+Inf",
            )
            >= 2
        )
        assert link["id"] not in response.text

    async def test_a_path_no_route_matches_is_one_series(self, api: ApiClient) -> None:
        await api.client.get("/no/such/path/1")
        await api.client.get("/no/such/path/2")
        samples = await scrape(api)
        assert (
            value(
                samples,
                "paylinks_http_requests_total",
                method="GET",
                route="unmatched",
                status="404",
            )
            >= 2
        )
        assert not any("/no/such" in str(labels) for _, labels in samples)


class TestScrapeTime:
    async def test_the_outbox_lag_is_the_age_of_the_oldest_event_waiting(
        self, api: ApiClient, store: StoreClient, clock: FrozenClock
    ) -> None:
        # No jobs run in this API: the link's event waits in the outbox.
        assert value(await scrape(api), "paylinks_outbox_lag_seconds") == 0
        await store.create_link(title="Espresso beans", amount=1450)
        clock.advance(seconds=42)
        assert value(await scrape(api), "paylinks_outbox_lag_seconds") == 42

    async def test_the_in_process_queue_is_read_and_drains(self, settings: Settings) -> None:
        app = create_app(settings, run_jobs=True)
        async with serving(app) as client:
            api = ApiClient(client)
            store = await api.create_store()
            await store.create_link(title="Espresso beans", amount=1450)

            async def lag() -> float:
                return value(await scrape(api), "paylinks_outbox_lag_seconds")

            await eventually(lag, lambda seconds: seconds == 0)
            samples = await scrape(api)
            assert value(samples, "paylinks_job_queue_depth", queue="default", state="ready") == 0
            assert has(samples, "paylinks_job_queue_depth", queue="default", state="delayed")


class TestAccess:
    @pytest.fixture
    async def guarded(self, settings: Settings, clock: FrozenClock) -> AsyncIterator[ApiClient]:
        app = create_app(
            msgspec.structs.replace(settings, metrics_token="scrape-me"),
            clock=clock,
            auto_migrate=settings.is_sqlite,
            run_jobs=False,
        )
        async with serving(app) as client:
            yield ApiClient(client)

    async def test_a_token_is_wanted_when_set(self, guarded: ApiClient) -> None:
        for headers in ({}, {"authorization": "Bearer wrong"}):
            refused = await guarded.client.get("/metrics", headers=headers)
            assert refused.status_code == 401
            assert refused.headers["content-type"] == "application/problem+json"
            assert refused.json()["code"] == "unauthorized"
        samples = await scrape(guarded, authorization="Bearer scrape-me")
        assert has(samples, "paylinks_outbox_lag_seconds")

    async def test_not_in_the_api_documentation(self, api: ApiClient) -> None:
        document = (await api.client.get("/docs/openapi.json")).json()
        assert "/metrics" not in document["paths"]
