"""Metrics of the production shape, for real (SPEC §10): ``paylinks api --workers 2`` (two
processes on one port: whichever a scrape reaches answers for both) and ``paylinks worker
--metrics-port`` (its jobs, the webhook attempts and refunds they make, the outbox lag
and the Redis queue), on PostgreSQL and Redis."""

import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from tests.e2e.conftest import FAILED, PROCESS_OUTPUT
from tests.e2e.processes import (
    POSTGRES_ADMIN_URL,
    REDIS_DB,
    REDIS_SERVER_URL,
    Cluster,
    Process,
    create_database,
    drop_database,
    free_port,
    require_servers,
    stop_all,
)
from tests.factories import ApiClient, Customer, LogMailbox
from tests.fakes.receiver import Receiver
from tests.prometheus import Samples, has, parse, value

WITHIN = 30.0


class Served(Process):
    """A ``paylinks`` command serving HTTP on a port of its own."""

    def __init__(self, name: str, args: list[str], env: dict[str, str], logs: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        port_flag = "--metrics-port" if args[0] == "worker" else "--port"
        super().__init__(name, [*args, port_flag, str(self.port)], env, logs)

    def wait_answering(self, path: str) -> None:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            assert self.alive, self.output()[-5000:]
            try:
                if httpx.get(self.url + path, timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise AssertionError(f"{self.name} did not answer {path}:\n{self.output()[-5000:]}")


class Shape:
    def __init__(self, cluster: Cluster, api: Served, worker: Served) -> None:
        self.cluster, self.api, self.worker = cluster, api, worker


@pytest.fixture(scope="module")
def shape(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Shape]:
    require_servers()
    name = create_database()
    logs: Path = tmp_path_factory.mktemp("metrics")
    database_url = f"{POSTGRES_ADMIN_URL.rsplit('/', 1)[0]}/{name}"
    cluster = Cluster(database_url, f"{REDIS_SERVER_URL}/{REDIS_DB}", logs)
    cluster.redis.flushdb()
    processes: list[Process] = []
    try:
        cluster.migrate()
        api = Served("api", ["api", "--host", "127.0.0.1", "--workers", "2"], cluster.env, logs)
        worker = Served("worker", ["worker", "--threads", "2"], cluster.env, logs)
        processes += [api, worker]
        api.wait_answering("/health/ready")
        worker.wait_answering("/metrics")
        yield Shape(cluster, api, worker)
    finally:
        stop_all(processes)
        drop_database(name)
        cluster.redis.flushdb()
        cluster.redis.close()


@pytest.fixture(autouse=True)
def watch(shape: Shape, request: pytest.FixtureRequest) -> Iterator[None]:
    request.node.stash[PROCESS_OUTPUT] = lambda: "\n".join(
        f"----- {p.name} -----\n{p.output()[-5000:]}" for p in (shape.api, shape.worker)
    )
    yield
    if not request.node.stash.get(FAILED, False):
        for process in (shape.api, shape.worker):
            assert "Traceback" not in process.output(), process.output()[-5000:]


def scrape(url: str) -> Samples:
    response = httpx.get(f"{url}/metrics", timeout=10)
    assert response.status_code == 200, response.text
    return parse(response.text)


def eventually(url: str, done: Callable[[Samples], bool]) -> Samples:
    """Scrape until ``done`` (a job's counters move once it has finished)."""
    deadline = time.monotonic() + WITHIN
    while True:
        samples = scrape(url)
        if done(samples) or time.monotonic() > deadline:
            return samples
        time.sleep(0.2)


async def test_the_api_processes_answer_for_each_other(shape: Shape) -> None:
    async with httpx.AsyncClient(base_url=shape.api.url, timeout=60) as client:
        store = await ApiClient(client, LogMailbox(shape.api.log_path)).create_store()
        link = await store.create_link(title="Espresso beans", amount=1450)
        # Several connections, so both processes take some of the payments.
        for _ in range(6):
            async with httpx.AsyncClient(base_url=shape.api.url, timeout=60) as fresh:
                await Customer(fresh).pay(link["id"])
    # Whichever process a scrape reaches, it counts the payments of both.
    for _ in range(8):
        samples = scrape(shape.api.url)
        assert value(samples, "paylinks_payments_total", outcome="succeeded") == 6
        requests = value(
            samples,
            "paylinks_http_requests_total",
            method="POST",
            route="/v1/checkout/payments/{payment_id}/confirm",
            status="200",
        )
        assert requests == 6
    # The API reads the Redis queue and the outbox at scrape time.
    assert has(samples, "paylinks_job_queue_depth", queue="default", state="ready")
    assert has(samples, "paylinks_outbox_lag_seconds")


async def test_the_worker_serves_its_own(shape: Shape) -> None:
    with Receiver().running() as receiver:
        receiver.statuses = [500]
        async with httpx.AsyncClient(base_url=shape.api.url, timeout=60) as client:
            store = await ApiClient(client, LogMailbox(shape.api.log_path)).create_store()
            await store.create_endpoint(receiver.url)
            link = await store.create_link(title="Espresso beans", amount=1450)
            paid = await Customer(client).pay(link["id"])
            refunded = await store.post(f"/v1/payments/{paid['id']}/refunds", json={"amount": 450})
            assert refunded.status_code == 201, refunded.text

        def refunded_and_hooked(samples: Samples) -> bool:
            return (
                value(samples, "paylinks_jobs_total", actor="process_refund", result="done") >= 1
                and value(samples, "paylinks_webhook_attempts_total", result="succeeded") >= 1
            )

        samples = eventually(shape.worker.url, refunded_and_hooked)
        assert value(samples, "paylinks_refunds_total", outcome="succeeded") == 1
        assert value(samples, "paylinks_jobs_total", actor="process_refund", result="done") >= 1
        # The first webhook the receiver got was answered 500, the next ones 200.
        assert value(samples, "paylinks_webhook_attempts_total", result="rejected") == 1
        assert value(samples, "paylinks_webhook_attempts_total", result="succeeded") >= 1
        assert value(samples, "paylinks_jobs_total", actor="deliver_webhook", result="done") >= 2
        assert has(samples, "paylinks_job_queue_depth", queue="default", state="delayed")
        samples = eventually(
            shape.worker.url, lambda now: value(now, "paylinks_outbox_lag_seconds") == 0
        )
        assert value(samples, "paylinks_outbox_lag_seconds") == 0
