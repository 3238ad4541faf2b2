"""The jobs on a real Redis (database 9 of the local server, emptied around each test): a
broker to relay and schedule into, the messages waiting in it, and the API with its jobs
going through Redis."""

import os
import socket
from collections.abc import AsyncIterator, Iterator

import dramatiq
import msgspec
import pytest
import redis
from dramatiq.brokers.redis import RedisBroker

from paylinks.settings import Settings
from paylinks_cli.compose import create_app
from paylinks_worker.actors import QUEUE
from tests.conftest import IN_CI, FrozenClock, serving
from tests.factories import ApiClient

REDIS_URL = os.environ.get("PAYLINKS_TEST_REDIS_URL", "redis://127.0.0.1:6379/9")


@pytest.fixture
def redis_url() -> Iterator[str]:
    client = redis.Redis.from_url(REDIS_URL, socket_timeout=3)
    try:
        client.ping()
    except redis.ConnectionError:
        if IN_CI:
            pytest.fail(f"Redis is not reachable at {REDIS_URL}")
        pytest.skip("Redis is not reachable (CI runs it)")
    client.flushdb()
    try:
        yield REDIS_URL
    finally:
        client.flushdb()
        client.close()


@pytest.fixture
def frozen(clock: FrozenClock, monkeypatch: pytest.MonkeyPatch) -> FrozenClock:
    """The relay and the scheduler on the test's clock."""
    monkeypatch.setattr("paylinks_worker.relay.utc_now", clock)
    monkeypatch.setattr("paylinks_worker.scheduler.utc_now", clock)
    return clock


@pytest.fixture
def broker(redis_url: str) -> Iterator[RedisBroker]:
    """A broker on Redis that no worker consumes: what is sent stays there to be read."""
    broker = RedisBroker(url=redis_url)  # type: ignore[no-untyped-call]
    broker.declare_queue(QUEUE)
    try:
        yield broker
    finally:
        broker.close()


@pytest.fixture
def dead_broker() -> Iterator[RedisBroker]:
    """A broker whose Redis is down: nothing listens on its port."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    broker = RedisBroker(url=f"redis://127.0.0.1:{port}/9", socket_timeout=1)  # type: ignore[no-untyped-call]
    try:
        yield broker
    finally:
        broker.close()


def queued(broker: RedisBroker) -> list[tuple[str, tuple[str, ...]]]:
    """The jobs waiting in Redis, as (actor name, arguments), sorted."""
    stored = broker.client.hvals(f"{broker.namespace}:{QUEUE}.msgs")
    messages = [dramatiq.Message.decode(data) for data in stored]
    return sorted((message.actor_name, tuple(message.args)) for message in messages)


@pytest.fixture
async def redis_api(settings: Settings, redis_url: str) -> AsyncIterator[ApiClient]:
    """The API with its Dramatiq workers and scheduler running in-process on a Redis
    broker: every job goes through Redis."""
    on_redis = msgspec.structs.replace(settings, broker_url=redis_url)
    async with serving(create_app(on_redis, run_jobs=True)) as client:
        yield ApiClient(client)
