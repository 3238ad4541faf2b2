"""What the API needs of a job runtime that runs in its own process.

The API does not depend on the worker's code: on the embedded default (no
``PAYLINKS_BROKER_URL``) the ``paylinks`` command, which depends on both, hands the app
the worker's runtime to start and stop with it, as DESIGN.md's "two ways to run" describes.
"""

from collections.abc import Callable
from typing import Protocol

from paylinks.settings import Settings


class JobRuntime(Protocol):
    def start(self) -> None: ...

    def stop(self) -> None: ...

    def queue_depth(self) -> dict[str, int]:
        """Jobs waiting, by state (``ready``, ``delayed``)."""
        ...


#: Makes the runtime from the app's settings, when the app starts.
JobRuntimeFactory = Callable[[Settings], JobRuntime]
