"""The in-process job runtime of the embedded default.

The API does not depend on the worker's code: on the embedded default (no
``PAYLINKS_BROKER_URL``) it loads ``paylinks_worker`` by name and runs its Dramatiq workers
and scheduler in this process, as DESIGN.md's "two ways to run" describes.
"""

import importlib
from typing import Any, Protocol

from paylinks.settings import Settings


class JobRuntime(Protocol):
    def start(self) -> None: ...

    def stop(self) -> None: ...


def embedded_runtime(settings: Settings) -> JobRuntime:
    runtime: Any = importlib.import_module("paylinks_worker.runtime")
    worker: JobRuntime = runtime.WorkerRuntime(settings, own_engine=False)
    return worker


def run_worker(settings: Settings, threads: int) -> None:
    """``paylinks worker``: Dramatiq workers with their own database engine, until SIGINT
    or SIGTERM."""
    runtime_module: Any = importlib.import_module("paylinks_worker.runtime")
    runtime_module.serve(settings, threads)
