"""The store-wide export: the date range read into the API's query (whole days in the
merchant's time zone), and the download streamed through the dashboard's route with the
session cookie, from the real API."""

import csv
import io
from datetime import UTC
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from dashboard import routes
from dashboard.downloads import download_routes
from dashboard.export_range import download_name, download_url, export_query
from dashboard.state.exports import ExportsState
from dashboard.state.session import SESSION_COOKIE

from tests.apps.dashboard.conftest import api_down, run, session_token
from tests.factories import ApiClient, Customer, StoreClient


class TestRange:
    def test_whole_days_in_the_merchants_zone_the_last_included(self) -> None:
        query, errors = export_query(
            {"from": "2026-07-01", "to": "2026-07-31"}, ZoneInfo("Europe/London")
        )
        assert errors == {}
        assert query == {
            "created[gte]": "2026-06-30T23:00:00Z",
            "created[lt]": "2026-07-31T23:00:00Z",
        }

    def test_a_blank_end_is_open(self) -> None:
        assert export_query({"from": "", "to": "2026-01-31"}, UTC) == (
            {"created[lt]": "2026-02-01T00:00:00Z"},
            {},
        )
        assert export_query({}, UTC) == ({}, {})

    def test_bad_days_are_said_per_field(self) -> None:
        assert export_query({"from": "31/01/2026"}, UTC)[1] == {
            "from": "Enter a date as YYYY-MM-DD."
        }
        _, errors = export_query({"from": "2026-02-01", "to": "2026-01-31"}, UTC)
        assert set(errors) == {"to"}

    def test_the_address_and_the_file_name(self) -> None:
        url = download_url({"created[gte]": "2026-01-01T00:00:00Z"})
        assert url == routes.PAYMENTS_CSV + "?created%5Bgte%5D=2026-01-01T00%3A00%3A00Z"
        assert download_name({"from": "2026-01-01", "to": ""}) == "payments-2026-01-01.csv"


class TestState:
    async def test_a_good_range_downloads_from_the_streaming_route(self, signed_in: Any) -> None:
        state: ExportsState = await signed_in(ExportsState)
        [event] = await run(state.download({"from": "2026-01-01", "to": "2026-01-31"}))
        assert routes.PAYMENTS_CSV in repr(event)
        assert state.form_errors == {}

    async def test_a_bad_range_downloads_nothing(self, signed_in: Any) -> None:
        state: ExportsState = await signed_in(ExportsState)
        assert await run(state.download({"from": "2026-02-01", "to": "2026-01-01"})) == []
        assert set(state.form_errors) == {"to"}


@pytest.fixture
def dashboard() -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=download_routes(), client=("127.0.0.1", 50001))
    return httpx.AsyncClient(transport=transport, base_url="http://dashboard.test")


class TestDownloadRoute:
    async def test_streams_the_stores_csv_with_the_session(
        self, api: ApiClient, store: StoreClient, dashboard: httpx.AsyncClient
    ) -> None:
        paid = await Customer(api.client).pay((await store.create_link())["id"])
        token = await session_token(api, store)
        answer = await dashboard.get(
            routes.PAYMENTS_CSV,
            params={"created[gte]": "2000-01-01T00:00:00Z", "ignored": "x"},
            headers={"Cookie": f"{SESSION_COOKIE}={token}"},
        )
        assert answer.status_code == 200
        assert answer.headers["content-type"].startswith("text/csv")
        assert "attachment" in answer.headers["content-disposition"]
        rows = list(csv.DictReader(io.StringIO(answer.text)))
        assert [row["id"] for row in rows] == [paid["id"]]

    async def test_streams_a_links_csv(
        self, api: ApiClient, store: StoreClient, dashboard: httpx.AsyncClient
    ) -> None:
        link = await store.create_link()
        paid = await Customer(api.client).pay(link["id"])
        token = await session_token(api, store)
        answer = await dashboard.get(
            routes.link_payments_csv(link["id"]),
            headers={"Cookie": f"{SESSION_COOKIE}={token}"},
        )
        assert answer.status_code == 200
        assert f"{link['id']}-payments.csv" in answer.headers["content-disposition"]
        assert [row["id"] for row in csv.DictReader(io.StringIO(answer.text))] == [paid["id"]]

    async def test_a_links_qr_code_for_the_list_to_show_and_download(
        self, api: ApiClient, store: StoreClient, dashboard: httpx.AsyncClient
    ) -> None:
        link = await store.create_link()
        token = await session_token(api, store)
        answer = await dashboard.get(
            routes.link_qr_png(link["id"]), headers={"Cookie": f"{SESSION_COOKIE}={token}"}
        )
        assert answer.status_code == 200
        assert answer.headers["content-type"] == "image/png"
        assert answer.content.startswith(b"\x89PNG")
        assert f"{link['id']}-qr.png" in answer.headers["content-disposition"]
        missing = await dashboard.get(
            routes.link_qr_png("plink_" + "0" * 32),
            headers={"Cookie": f"{SESSION_COOKIE}={token}"},
        )
        assert missing.status_code == 404
        assert (await dashboard.get(routes.link_qr_png(link["id"]))).status_code == 401

    async def test_without_a_session_nothing_is_asked(self, dashboard: httpx.AsyncClient) -> None:
        answer = await dashboard.get(routes.PAYMENTS_CSV)
        assert answer.status_code == 401

    async def test_the_apis_refusal_is_said(
        self, api: ApiClient, store: StoreClient, dashboard: httpx.AsyncClient
    ) -> None:
        token = await session_token(api, store)
        answer = await dashboard.get(
            routes.PAYMENTS_CSV,
            params={"created[gte]": "2026-01-01T00:00:00"},  # no offset
            headers={"Cookie": f"{SESSION_COOKIE}={token}"},
        )
        assert answer.status_code == 422
        assert "offset" in answer.text

    async def test_the_api_down_is_a_502(
        self, dashboard: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        api_down(monkeypatch)
        answer = await dashboard.get(
            routes.PAYMENTS_CSV, headers={"Cookie": f"{SESSION_COOKIE}=sess_x"}
        )
        assert answer.status_code == 502
