"""When a web app's build can be reused, and what it is built for: pure rules, no I/O.

A build is the app's compiled frontend (``reflex export``). It depends on the app's own
files (its Python package, ``rxconfig.py``, ``assets/``, ``reflex.lock/``), on the versions
of Reflex and bun, and on the address the browser reaches the app's event websocket at
(Reflex writes it into the bundle). A fingerprint of all of them is recorded beside the
build; a start whose fingerprint matches reuses the build instead of making it again.
"""

import hashlib
from collections.abc import Iterable, Mapping
from urllib.parse import urlsplit, urlunsplit

import msgspec

#: Host names the browser replaces with the page's own (Reflex's frontend does so for
#: these), so that a build for this machine also works when opened by another name.
_LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "0.0.0.0", "::1", "::"})  # noqa: S104


class BuildRecord(msgspec.Struct, frozen=True):
    """What is written beside a finished build."""

    fingerprint: str
    #: How long the build took, for the log of a later start.
    seconds: float


def fingerprint(sources: Iterable[tuple[str, bytes]], inputs: Mapping[str, str]) -> str:
    """One hash of the app's files (relative path and content) and the other inputs of
    its build (versions, addresses); the order they are given in does not matter."""
    digest = hashlib.sha256()
    for name, value in sorted(inputs.items()):
        digest.update(f"{name}={value}\0".encode())
    for path, content in sorted(sources):
        digest.update(path.encode() + b"\0" + hashlib.sha256(content).digest())
    return digest.hexdigest()


def reusable(record: BuildRecord | None, current: str, *, output_present: bool) -> bool:
    """Whether the build on disk is the one these sources and inputs would make."""
    return output_present and record is not None and record.fingerprint == current


def event_base_url(public_url: str) -> str:
    """The base URL baked into the build for the app's backend (``/_event``, ``/ping``):
    its public address, with a local host name written as ``localhost`` so that the
    browser uses the host name the page was opened with."""
    parts = urlsplit(public_url.rstrip("/"))
    host = parts.hostname or ""
    if host not in _LOCAL_HOSTS:
        return urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))
    netloc = f"localhost:{parts.port}" if parts.port else "localhost"
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))
