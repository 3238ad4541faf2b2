"""How the web apps call the API, like any integrator: one pooled HTTP client per
process (``send``), and its answers read as ``Problem`` (an RFC 9457 answer) or
``Unreachable`` (no usable answer)."""

from paylinks_client.http import (
    DEFAULT_API_URL,
    TIMEOUT,
    api_url,
    close_pooled_clients,
    closing_pooled_clients,
    open_stream,
    pooled_client,
    send,
)
from paylinks_client.problems import Problem, Unreachable, problem_of

__all__ = [
    "DEFAULT_API_URL",
    "TIMEOUT",
    "Problem",
    "Unreachable",
    "api_url",
    "close_pooled_clients",
    "closing_pooled_clients",
    "open_stream",
    "pooled_client",
    "problem_of",
    "send",
]
