"""The worker runtime's own database engine: opened at boot, closed at shutdown."""

import asyncio

import pytest

from paylinks.settings import Settings
from paylinks_worker.runtime import Database, WorkerRuntime


@pytest.mark.parametrize("backend", ["postgres"], indirect=True)
async def test_its_pool_opens_at_boot_and_closes_at_shutdown(settings: Settings) -> None:
    runtime = WorkerRuntime(settings, own_engine=True, threads=1)
    [middleware] = [m for m in runtime.broker.middleware if isinstance(m, Database)]

    await asyncio.to_thread(runtime.start)
    try:
        assert middleware.engine is not None
        assert middleware.engine.pool is not None  # type: ignore[attr-defined]
    finally:
        await asyncio.to_thread(runtime.stop)

    assert middleware.engine.pool is None  # type: ignore[attr-defined]
