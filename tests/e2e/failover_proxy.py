"""A load balancer in miniature: one local port in front of several servers, each new
connection forwarded to the first of them that accepts it (a dead server refuses, so its
clients land on the next one when they reconnect)."""

import asyncio
import threading
from collections import Counter
from collections.abc import Coroutine
from types import TracebackType
from typing import Any

from tests.e2e.processes import free_port, pipe


class FailoverProxy:
    """Runs on an event loop of its own thread, beside sync test code (Playwright's)."""

    def __init__(self, targets: list[int], port: int | None = None) -> None:
        self.targets = targets
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        #: Connections forwarded, by the port of the server that took them.
        self.connections: Counter[int] = Counter()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._server: asyncio.Server | None = None
        self._pipes: set[asyncio.Task[None]] = set()

    def __enter__(self) -> "FailoverProxy":
        self._thread.start()
        self._call(self._start())
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self._call(self._stop())
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)
        self._loop.close()

    def _call(self, coroutine: Coroutine[Any, Any, None]) -> None:
        asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(10)

    async def _start(self) -> None:
        self._server = await asyncio.start_server(self._connect, "127.0.0.1", self.port)

    async def _stop(self) -> None:
        if self._server is not None:
            self._server.close()
        for task in self._pipes:
            task.cancel()
        await asyncio.gather(*self._pipes, return_exceptions=True)

    async def _connect(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        for target in self.targets:
            try:
                upstream_reader, upstream_writer = await asyncio.open_connection(
                    "127.0.0.1", target
                )
            except OSError:
                continue
            self.connections[target] += 1
            for source, sink in ((reader, upstream_writer), (upstream_reader, writer)):
                task = asyncio.create_task(pipe(source, sink))
                self._pipes.add(task)
                task.add_done_callback(self._pipes.discard)
            return
        writer.close()
