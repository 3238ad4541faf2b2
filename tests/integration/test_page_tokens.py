"""A page of a web app moves to another process with its token (so its state in Redis)
when the process holding its websocket died, and only then; on a real Redis."""

import time
import uuid
from collections.abc import AsyncIterator

import pytest
import redis
import redis.asyncio as aioredis

from paylinks_cli import page_tokens
from paylinks_cli.page_tokens import FailoverTokenManager, lease_key
from tests.e2e.processes import IN_CI, REDIS_DB, REDIS_SERVER_URL

REDIS_URL = f"{REDIS_SERVER_URL}/{REDIS_DB}"


@pytest.fixture
async def client(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[aioredis.Redis]:
    try:
        redis.Redis.from_url(REDIS_URL, socket_timeout=3).ping()
    except redis.RedisError:
        if IN_CI:
            pytest.fail(f"Redis is not reachable at {REDIS_URL}")
        pytest.skip("Redis is not reachable (CI runs it)")
    # Leases of a second, renewed five times a second: the waits below stay short.
    monkeypatch.setattr(page_tokens, "LEASE_SECONDS", 1)
    monkeypatch.setattr(page_tokens, "RENEW_SECONDS", 0.2)
    connection = aioredis.from_url(REDIS_URL)
    yield connection
    await connection.aclose()


@pytest.fixture
async def processes(client: aioredis.Redis) -> AsyncIterator[list[FailoverTokenManager]]:
    """The token managers of two processes of one app."""
    managers = [FailoverTokenManager(client), FailoverTokenManager(client)]
    yield managers
    for manager in managers:
        await manager.close()


def new_token() -> str:
    return str(uuid.uuid4())


async def linked(processes: list[FailoverTokenManager]) -> tuple[FailoverTokenManager, str]:
    """A page's token, its websocket on the first process; the second process."""
    token = new_token()
    assert await processes[0].link_token_to_sid(token, "sid-1") is None
    return processes[1], token


async def die(manager: FailoverTokenManager, client: aioredis.Redis) -> None:
    """As SIGKILL leaves it: the socket records stay, the lease is no longer renewed."""
    assert manager._lease_task is not None
    manager._lease_task.cancel()
    await client.delete(lease_key(manager.instance_id))


async def test_a_page_whose_process_died_keeps_its_token_on_another(
    client: aioredis.Redis, processes: list[FailoverTokenManager]
) -> None:
    second, token = await linked(processes)
    await die(processes[0], client)
    started = time.monotonic()
    assert await second.link_token_to_sid(token, "sid-2") is None
    assert time.monotonic() - started < 1
    assert second.token_to_socket[token].sid == "sid-2"


async def test_a_second_tab_while_the_first_process_lives_gets_a_new_token(
    processes: list[FailoverTokenManager],
) -> None:
    second, token = await linked(processes)
    other = await second.link_token_to_sid(token, "sid-2")
    assert other is not None
    assert other != token


async def test_a_page_whose_live_process_let_it_go_moves_at_once(
    processes: list[FailoverTokenManager],
) -> None:
    second, token = await linked(processes)
    await processes[0].disconnect_token(token, "sid-1")
    started = time.monotonic()
    assert await second.link_token_to_sid(token, "sid-2") is None
    assert time.monotonic() - started < 1
