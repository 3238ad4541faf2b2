"""Rate limits counted across processes: two ``paylinks api`` processes on one PostgreSQL
database and one Redis database share each client's budget (SPEC §7). The test calls from
127.0.0.1, a trusted proxy, so ``X-Forwarded-For`` names the client."""

import re
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest

from paylinks_api.ratelimit import LOGIN_FAILURES_PER_PAIR
from tests.e2e.conftest import PROCESS_OUTPUT
from tests.e2e.processes import (
    POSTGRES_ADMIN_URL,
    REDIS_DB,
    REDIS_SERVER_URL,
    Cluster,
    create_database,
    drop_database,
    require_servers,
    stop_all,
)
from tests.factories import PASSWORD, ApiClient

LIMIT = 20
MISSING_LINK = "/v1/checkout/links/plink_" + "0" * 32


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    """Two API processes limited to 20 requests a minute per client, on a fresh database
    and a flushed Redis DB."""
    require_servers()
    name = create_database()
    logs: Path = tmp_path_factory.mktemp("shared-limits")
    database_url = f"{POSTGRES_ADMIN_URL.rsplit('/', 1)[0]}/{name}"
    cluster = Cluster(database_url, f"{REDIS_SERVER_URL}/{REDIS_DB}", logs)
    cluster.env["PAYLINKS_RATE_LIMIT_PER_MINUTE"] = str(LIMIT)
    cluster.redis.flushdb()
    try:
        cluster.migrate()
        cluster.wait_ready(cluster.start_apis(2))
        yield cluster
    finally:
        stop_all(cluster.every)
        drop_database(name)
        cluster.redis.flushdb()
        cluster.redis.close()


@pytest.fixture(autouse=True)
def watch(cluster: Cluster, request: pytest.FixtureRequest) -> None:
    since = cluster.offsets()
    request.node.stash[PROCESS_OUTPUT] = lambda: cluster.report(since)


@pytest.fixture
async def clients(cluster: Cluster) -> AsyncIterator[list[httpx.AsyncClient]]:
    async with (
        httpx.AsyncClient(base_url=cluster.apis[0].url, timeout=30) as first,
        httpx.AsyncClient(base_url=cluster.apis[1].url, timeout=30) as second,
    ):
        yield [first, second]


def from_address(address: str) -> dict[str, str]:
    return {"X-Forwarded-For": address}


async def test_one_budget_across_two_processes(clients: list[httpx.AsyncClient]) -> None:
    answers = [
        await clients[n % 2].get(MISSING_LINK, headers=from_address("203.0.113.9"))
        for n in range(30)
    ]
    statuses = [answer.status_code for answer in answers]
    assert statuses == [404] * LIMIT + [429] * (30 - LIMIT), statuses
    first, last_allowed, limited = answers[0], answers[LIMIT - 1], answers[LIMIT]
    for answer in (first, last_allowed, limited):
        assert answer.headers["ratelimit-policy"] == f'"checkout";q={LIMIT};w=60'
    assert re.fullmatch(rf'"checkout";r={LIMIT - 1};t=\d+', first.headers["ratelimit"])
    assert re.fullmatch(r'"checkout";r=0;t=\d+', last_allowed.headers["ratelimit"])
    assert limited.json()["code"] == "rate_limited"
    assert 1 <= int(limited.headers["retry-after"]) <= 60
    assert limited.headers["ratelimit"] == f'"checkout";r=0;t={limited.headers["retry-after"]}'
    # Both processes refuse the client now; another client is served by either.
    for client in clients:
        again = await client.get(MISSING_LINK, headers=from_address("203.0.113.9"))
        assert again.status_code == 429
        other = await client.get(MISSING_LINK, headers=from_address("203.0.113.10"))
        assert other.status_code == 404


async def test_a_pairs_failures_count_across_processes_and_strangers_lock_nobody(
    cluster: Cluster, clients: list[httpx.AsyncClient]
) -> None:
    store = await ApiClient(clients[0], cluster.mailbox()).create_store(activate=False)

    async def login(client: httpx.AsyncClient, password: str, address: str) -> httpx.Response:
        body = {"email": store.email, "password": password}
        return await client.post("/v1/auth/login", json=body, headers=from_address(address))

    for attempt in range(LOGIN_FAILURES_PER_PAIR):
        guess = await login(clients[attempt % 2], "a guess", "198.51.100.1")
        assert guess.status_code == 401, guess.text
    for client in clients:
        assert (await login(client, PASSWORD, "198.51.100.1")).status_code == 429
    for stranger in range(10):
        guess = await login(clients[stranger % 2], "a guess", f"198.51.100.{stranger + 2}")
        assert guess.status_code == 401, guess.text
    for client in clients:
        owner = await login(client, PASSWORD, "192.0.2.7")
        assert owner.status_code == 200, owner.text
