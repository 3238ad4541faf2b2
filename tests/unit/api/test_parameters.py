"""The query parameters an operation reads, known per handler, by their wire names."""

from typing import Annotated

from litestar import get
from litestar.params import QueryParameter

from paylinks_api import parameters


@get("/a", sync_to_thread=False)
def reads_size(
    size: Annotated[int, QueryParameter(ge=1)] = 1,
    kind: Annotated[str | None, QueryParameter(name="type")] = None,
) -> int:
    return size


@get("/b", sync_to_thread=False)
def reads_nothing() -> int:
    return 0


class TestQueryAliases:
    def test_a_handler_reads_its_own_parameters_by_their_wire_names(self) -> None:
        assert parameters.query_aliases(reads_size, {}) == {"size": "size", "kind": "type"}
        assert parameters.query_aliases(reads_nothing, {}) == {}

    def test_a_handler_that_takes_a_freed_handlers_id_is_not_given_its_names(self) -> None:
        # Test apps come and go: a new handler may get the id of one garbage-collected.
        parameters._aliases[id(reads_nothing)] = (reads_size, {"size": "size"})
        assert parameters.query_aliases(reads_nothing, {}) == {}
