"""Run a repository's own SQL text on the bound engine, without building a query object.

The checkout's hot path writes its SQL by hand with ``{}`` placeholders (Piccolo's raw
style), in text that both SQLite and PostgreSQL accept. On PostgreSQL the text becomes
asyncpg's ``$n`` form once and runs on the current transaction's connection or a pooled
one, where asyncpg prepares it once per connection; building Piccolo queries cost about
a fifth of the API's CPU there. On SQLite it goes through Piccolo's raw path, which opens
the connection and converts the column values.
"""

from collections.abc import Mapping, Sequence
from typing import Any

from piccolo.querystring import QueryString

from paylinks.db.engine import bound_engine
from paylinks.db.postgres import PoolEngine

Row = Mapping[str, Any]

_numbered: dict[str, str] = {}


def numbered(sql: str) -> str:
    """``sql`` with its ``{}`` placeholders as ``$1``, ``$2``, … (PostgreSQL's form)."""
    text = _numbered.get(sql)
    if text is None:
        head, *rest = sql.split("{}")
        text = head + "".join(f"${n}{part}" for n, part in enumerate(rest, start=1))
        _numbered[sql] = text
    return text


async def fetch(sql: str, *args: Any) -> Sequence[Row]:
    """The rows of one statement, inside the current transaction if there is one."""
    engine = bound_engine()
    if isinstance(engine, PoolEngine):
        query = numbered(sql)
        current = engine.current_transaction.get()
        if current is not None:
            rows: Sequence[Row] = await current.connection.fetch(query, *args)
            return rows
        return await engine.fetch(query, args)  # type: ignore[no-any-return]
    return await engine.run_querystring(QueryString(sql, *args))  # type: ignore[no-any-return]
