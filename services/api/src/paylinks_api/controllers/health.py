"""Health for load balancers and orchestrators: ``/health/live`` says the process answers,
``/health/ready`` that it can serve (the database answers a query and, when a broker is
configured, Redis a ping); ``/health`` is ready's alias."""

import asyncio
import logging
from typing import Annotated, Any

import msgspec
from litestar import Controller, Response, get
from litestar.datastructures import State
from litestar.openapi.datastructures import ResponseSpec
from redis.asyncio import Redis

from paylinks.db import engine as db

log = logging.getLogger(__name__)

#: Seconds each dependency has to answer before it counts as down.
CHECK_TIMEOUT = 2.0


class Health(msgspec.Struct):
    status: Annotated[str, msgspec.Meta(description="`ok`, or `unavailable` (a 503)")]
    #: Each dependency checked: "ok", or what failed.
    checks: dict[str, str]


NOT_READY = ResponseSpec(Health, description="A dependency failed: `checks` says which")


async def _check(name: str, probe: Any) -> tuple[str, str]:
    try:
        async with asyncio.timeout(CHECK_TIMEOUT):
            await probe()
    except TimeoutError:
        return name, f"no answer within {CHECK_TIMEOUT:g} s"
    except Exception as error:
        # The kind of failure only: a message may carry an address or a user name.
        log.warning("Readiness: %s failed: %s", name, type(error).__name__)
        return name, f"failed ({type(error).__name__})"
    return name, "ok"


async def readiness(redis: Redis | None) -> Response[Health]:
    probes: list[tuple[str, Any]] = [("database", db.ping)]
    if redis is not None:
        probes.append(("redis", redis.ping))
    checks = dict(await asyncio.gather(*(_check(name, probe) for name, probe in probes)))
    ready = all(result == "ok" for result in checks.values())
    return Response(
        Health("ok" if ready else "unavailable", checks),
        status_code=200 if ready else 503,
        headers={"Cache-Control": "no-store"},
    )


class HealthController(Controller):
    path = "/health"
    tags = ["Health"]

    @get("/live", sync_to_thread=False)
    def get_liveness(self) -> Health:
        """The process answers (no dependency is asked)."""
        return Health("ok", {})

    @get("/ready", responses={503: NOT_READY})
    async def get_readiness(self, state: State) -> Response[Health]:
        """Ready to serve: the database answers a query and, when a broker is configured,
        Redis a ping; a 503 names what failed."""
        return await readiness(state.get("redis"))

    @get("/", responses={503: NOT_READY})
    async def get_health(self, state: State) -> Response[Health]:
        """Alias of ``/health/ready``."""
        return await readiness(state.get("redis"))
