"""The query parameters an operation reads, known per handler."""

from typing import Annotated

from litestar import get
from litestar.params import QueryParameter

from paylinks_api import strict_input


@get("/a", sync_to_thread=False)
def reads_size(size: Annotated[int, QueryParameter(ge=1)] = 1) -> int:
    return size


@get("/b", sync_to_thread=False)
def reads_nothing() -> int:
    return 0


class TestDeclaredQuery:
    def test_a_handler_reads_its_own_parameters(self) -> None:
        assert strict_input._declared_query(reads_size, {}) == {"size"}
        assert strict_input._declared_query(reads_nothing, {}) == frozenset()

    def test_a_handler_that_takes_a_freed_handlers_id_is_not_given_its_names(self) -> None:
        # Test apps come and go: a new handler may get the id of one garbage-collected.
        strict_input._query_names[id(reads_nothing)] = (reads_size, frozenset({"size"}))
        assert strict_input._declared_query(reads_nothing, {}) == frozenset()
