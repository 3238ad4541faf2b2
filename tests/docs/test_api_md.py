"""docs/api.md lists every path of the served OpenAPI document, and only those."""

import re

from tests.docs.markdown import read, section
from tests.factories import ApiClient

DOC = read("docs/api.md")
#: How a path of the OpenAPI document is written on the page: ``{link_id}`` is ``{id}``.
PARAMETER = re.compile(r"\{[a-z_]+\}")


def documented_paths() -> set[str]:
    """Every path the Endpoints section names, ``…/x`` read against the path before it."""
    paths: set[str] = set()
    last = ""
    for cell in re.findall(r"`([^`]*/[^`]*)`", section(DOC, "## Endpoints")):
        for found in re.findall(r"(/v1/\S+|/health/\S+|…/\S+)", cell):
            if found.startswith("…"):
                found = re.sub(r"/[^/]+$", "", last) + found.removeprefix("…")
            last = found.rstrip(",")
            paths.add(PARAMETER.sub("{id}", last))
    return paths


async def test_the_endpoints_are_those_served(api: ApiClient) -> None:
    schema = (await api.client.get("/docs/openapi.json")).json()
    served = {PARAMETER.sub("{id}", path) for path in schema["paths"]} - {"/health"}
    assert documented_paths() == served
