"""Outcomes the core reports as they happen — a payment or a refund decided, a webhook
attempt made — to whoever listens (the API's and the worker's metrics), without knowing
who does: the core stays free of any metrics library.

An outcome is reported when its conditional update has been written, so once however
many processes race for it. A listener that fails is logged and never fails the use case.
"""

import logging
from collections.abc import Callable
from enum import StrEnum

log = logging.getLogger(__name__)


class Subject(StrEnum):
    PAYMENT = "payment"
    REFUND = "refund"
    WEBHOOK_ATTEMPT = "webhook_attempt"


#: Called with the subject and its outcome (a status value: ``succeeded``, ``failed``, …).
Listener = Callable[[Subject, str], None]

_listeners: list[Listener] = []


def listen(listener: Listener) -> None:
    """Add a listener (once: adding the same one again changes nothing)."""
    if listener not in _listeners:
        _listeners.append(listener)


def report(subject: Subject, outcome: str, count: int = 1) -> None:
    for listener in _listeners:
        for _ in range(count):
            try:
                listener(subject, outcome)
            except Exception:
                log.exception("An outcome listener failed on %s %s", subject, outcome)
