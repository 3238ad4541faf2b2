"""Every list takes the same window (SPEC §7): ``limit``, a cursor that must be an id of
that list (``starting_after`` towards older objects, ``ending_before`` towards newer) and
``created[gt|gte|lt|lte]`` bounds."""

from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from litestar import Litestar

from paylinks.settings import Settings
from paylinks_cli.compose import create_app
from tests.conftest import FrozenClock
from tests.factories import ApiClient, Customer, StoreClient

WINDOW_PARAMETERS = {
    "limit",
    "starting_after",
    "ending_before",
    "created[gt]",
    "created[gte]",
    "created[lt]",
    "created[lte]",
}


def ids(response: Any) -> list[str]:
    assert response.status_code == 200, response.text
    return [item["id"] for item in response.json()["data"]]


def field_of(response: Any) -> str:
    assert response.status_code == 400, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    [error] = response.json()["errors"]
    return str(error["field"])


@pytest.fixture
async def store(api: ApiClient) -> StoreClient:
    return await api.create_store()


async def five_links(store: StoreClient, clock: FrozenClock) -> list[str]:
    """Five links a minute apart, newest first."""
    made = []
    for number in range(5):
        made.append((await store.create_link(title=f"Link {number}"))["id"])
        clock.advance(minutes=1)
    return made[::-1]


def _returned(operation: dict[str, Any]) -> str | None:
    """The name of the schema an operation answers with, if JSON."""
    content = operation["responses"].get("200", {}).get("content", {})
    ref = content.get("application/json", {}).get("schema", {}).get("$ref", "")
    return str(ref).rsplit("/", 1)[-1] or None


class TestEveryList:
    def test_every_list_operation_documents_the_window(self, settings: Settings) -> None:
        app: Litestar = create_app(settings, run_jobs=False)
        schema = app.openapi_schema.to_schema()
        pages = {
            name
            for name, component in schema["components"]["schemas"].items()
            if "has_more" in component.get("properties", {})
        }
        lists = {
            path: operation
            for path, item in schema["paths"].items()
            for method, operation in item.items()
            if method == "get" and _returned(operation) in pages
        }
        assert len(lists) >= 9, sorted(lists)
        for path, operation in lists.items():
            names = {p["name"] for p in operation.get("parameters", []) if p["in"] == "query"}
            assert names >= WINDOW_PARAMETERS, path


class TestCursors:
    async def test_pages_forth_and_back(self, store: StoreClient, clock: FrozenClock) -> None:
        made = await five_links(store, clock)

        first = await store.get("/v1/payment-links", params={"limit": 2})
        second = await store.get(
            "/v1/payment-links", params={"limit": 2, "starting_after": made[1]}
        )
        back = await store.get("/v1/payment-links", params={"limit": 2, "ending_before": made[2]})
        back_one = await store.get(
            "/v1/payment-links", params={"limit": 1, "ending_before": made[2]}
        )
        newest = await store.get("/v1/payment-links", params={"ending_before": made[0]})

        assert ids(first) == made[:2]
        assert ids(second) == made[2:4]
        assert second.json()["has_more"] is True
        assert ids(back) == made[:2]
        assert back.json()["has_more"] is False
        assert ids(back_one) == made[1:2]
        assert back_one.json()["has_more"] is True  # made[0] is newer still
        assert ids(newest) == []

    @pytest.mark.parametrize("cursor", ["starting_after", "ending_before"])
    async def test_a_cursor_must_be_an_id_of_the_list(
        self, api: ApiClient, store: StoreClient, cursor: str
    ) -> None:
        link = await store.create_link()
        payment = await Customer(api.client).pay(link["id"])
        theirs = await (await api.create_store(name="Other")).create_link()

        for bad in ("plink_" + "0" * 32, theirs["id"], payment["id"], "nonsense"):
            response = await store.get("/v1/payment-links", params={cursor: bad})
            assert field_of(response) == cursor, bad
            assert response.json()["code"] == "invalid_cursor"

    async def test_a_cursor_of_another_link_is_not_one_of_its_payments(
        self, api: ApiClient, store: StoreClient
    ) -> None:
        one, two = await store.create_link(), await store.create_link()
        paid = await Customer(api.client).pay(one["id"])

        response = await store.get(
            f"/v1/payment-links/{two['id']}/payments", params={"starting_after": paid["id"]}
        )

        assert field_of(response) == "starting_after"

    async def test_both_cursors_at_once_is_a_400(self, store: StoreClient) -> None:
        link = await store.create_link()

        response = await store.get(
            "/v1/payment-links", params={"starting_after": link["id"], "ending_before": link["id"]}
        )

        assert field_of(response) == "ending_before"

    async def test_a_cursor_stays_good_when_its_row_leaves_the_filter(
        self, store: StoreClient, clock: FrozenClock
    ) -> None:
        expiring = await store.create_link(expires_at=(clock() + timedelta(minutes=5)).isoformat())
        clock.advance(minutes=10)  # now expired, no longer in the active list

        response = await store.get(
            "/v1/payment-links", params={"status": "active", "starting_after": expiring["id"]}
        )

        assert ids(response) == []


class TestCreated:
    async def test_bounds_are_exact(self, store: StoreClient, clock: FrozenClock) -> None:
        made = await five_links(store, clock)
        links = (await store.get("/v1/payment-links")).json()["data"]
        at = {link["id"]: link["created_at"] for link in links}

        assert await listed(store, gte=at[made[2]]) == made[:3]
        assert await listed(store, gt=at[made[2]]) == made[:2]
        assert await listed(store, lt=at[made[2]]) == made[3:]
        assert await listed(store, lte=at[made[2]], gt=at[made[4]]) == made[2:4]

    async def test_offsets_are_understood(self, store: StoreClient, clock: FrozenClock) -> None:
        made = await five_links(store, clock)
        created = (await store.get("/v1/payment-links")).json()["data"][0]["created_at"]
        paris = timezone(timedelta(hours=1))
        in_paris = datetime.fromisoformat(created.replace("Z", "+00:00")).astimezone(paris)

        response = await store.get(
            "/v1/payment-links", params={"created[gte]": in_paris.isoformat()}
        )

        assert ids(response) == made[:1]

    @pytest.mark.parametrize("value", ["yesterday", "2026-13-01T00:00:00Z", ""])
    async def test_a_bad_time_is_named(self, store: StoreClient, value: str) -> None:
        response = await store.get("/v1/payment-links", params={"created[gte]": value})

        assert response.status_code in (400, 422)
        assert {e["field"] for e in response.json()["errors"]} == {"created[gte]"}

    async def test_a_time_without_offset_is_refused(self, store: StoreClient) -> None:
        response = await store.get(
            "/v1/payment-links", params={"created[lt]": "2026-12-06T10:00:00"}
        )

        assert response.status_code == 422
        assert {e["field"] for e in response.json()["errors"]} == {"created[lt]"}

    async def test_the_events_list_takes_bounds_too(
        self, store: StoreClient, clock: FrozenClock
    ) -> None:
        await store.create_link()
        clock.advance(minutes=1)
        later = clock().isoformat()
        await store.create_link()

        response = await store.get("/v1/events", params={"created[gte]": later})

        assert len(ids(response)) == 1


async def listed(store: StoreClient, **bounds: str) -> list[str]:
    params = {f"created[{bound}]": time for bound, time in bounds.items()}
    return ids(await store.get("/v1/payment-links", params=params))
