"""Moving rows from the application database into the lake, as ClickHouse itself reads them.

ClickHouse reads the app database through its table function (`postgresql(...)`, `mysql(...)`,
`sqlite(...)`) in a UTC session: `INSERT INTO lake_table (columns) SELECT ... FROM postgresql(...)`. It reads
a view verify creates over each table, which writes out as text the values the reader would otherwise narrow
(see `appdb`), so that only the lake's own types can change a value.

Every table fed from the app (unless the model says it is append-only) then gets what a CDC pipeline sends:
the initial rows (version 1 where the lake has a version column), one row updated in the app and sent again
(version 2), and the last row deleted in the app and sent as a tombstone (key, version 3, is_deleted = 1)
where the lake has an is-deleted column. Reading back (with `FINAL` where the engine merges rows) must then
give exactly the app's rows: a plain MergeTree keeps both versions, a SummingMergeTree adds them up, a table
without an is-deleted column keeps the deleted row, and the comparison shows each.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Table
from sqlalchemy.engine import Connection
from sqlalchemy.util import md5_hex

from ..errors import UsageError
from .appdb import AppDatabase
from .lake import Lake, LakeError, quote, relation
from .rows import TablePlan, bound_value

REPLACING = "ReplacingMergeTree"
INITIAL, UPDATED, DELETED = 1, 2, 3  # CDC versions of the three writes


PLAIN = re.compile(r"[^A-Za-z0-9_]")


@dataclass
class Route:
    """One table fed from the app: its app copy, its lake name, the columns both have, its CDC columns."""

    plan: TablePlan
    lake_name: str
    columns: list[str]
    engine: str
    version: str | None = None
    is_deleted: str | None = None
    views: int = 0
    key_columns: tuple[str, ...] = ()  # the lake's sorting and partition key columns, primary key first
    full_view: str | None = None  # the table function reading the view of every row, once made

    @property
    def table(self) -> Table:
        return self.plan.table

    @property
    def merging(self) -> bool:
        """The engine merges rows of the same key, so the lake's meaning is what `FINAL` reads."""
        return self.engine.endswith("MergeTree") and self.engine.removeprefix("Replicated") != "MergeTree"


def route(plan: TablePlan, lake_name: str, lake: Lake) -> Route:
    """The route of `plan`'s table into the loaded lake table `lake_name`."""
    engine, args = lake.engine(lake_name)
    lake_columns = lake.columns(lake_name)
    moved = [name for name, column in plan.columns.items() if column.cases and name in lake_columns]
    keys = [c.name for c in plan.table.primary_key.columns]
    sorting = lake.key_columns(lake_name)
    found = Route(plan, lake_name, moved, engine,
                  key_columns=tuple([*keys, *(n for n in moved if n in sorting and n not in keys)]))
    if engine.removeprefix("Replicated") == REPLACING and args:
        found.version = args[0] if args[0] in lake_columns else None
        found.is_deleted = args[1] if len(args) > 1 and args[1] in lake_columns else None
    return found


def _view(route: Route, app: AppDatabase, connection: Connection, columns: list[str],
          where: dict[str, Any] | None = None) -> str:
    """Create a view of `columns` over the table (optionally one row) that writes values as the reader
    needs them; return the table function that reads it."""
    table = route.table
    select = sa.select(*[app.text_value(route.plan.columns[n].family, table.c[n]).label(n) for n in columns])
    if where:
        select = select.where(*[table.c[k] == v for k, v in where.items()])
    route.views += 1
    # verify's own name, in plain letters: the readers pass it on to the app database in their own quoting
    name = f"atlas_verify_{route.views}_{md5_hex(table.fullname)[:8]}_{PLAIN.sub('_', table.name)}"[:60]
    preparer = connection.dialect.identifier_preparer
    qualified = preparer.quote(name) if table.schema is None else f"{preparer.quote_schema(table.schema)}.{preparer.quote(name)}"
    body = select.compile(connection, compile_kwargs={"literal_binds": True})
    # exec_driver_sql hands the DBAPI an empty parameter list, so a format-paramstyle driver (pymysql)
    # turns the compiler's doubled %% back into % (MySQL's date_format patterns)
    connection.exec_driver_sql(f"CREATE VIEW {qualified} AS {body}")
    connection.commit()
    return app.reader(name, table.schema)


READER_CHECK = "atlas_verify_reader_check"


def check_reader(app: AppDatabase, connection: Connection, lake: Lake) -> None:
    """ClickHouse can read the app database at all: a one-row view read through its table function, before any
    table is moved. Otherwise every row would look refused, which is drift (exit 3); this is a failure to run
    (a UsageError naming the server, exit 1)."""
    connection.exec_driver_sql(f"CREATE VIEW {READER_CHECK} AS SELECT 1 AS ok")
    connection.commit()
    try:
        rows = lake.query(f"SELECT ok FROM {app.reader(READER_CHECK, None)}")
    except LakeError as error:
        reason = error.message.split("...: ", 1)[-1]  # ClickHouse's own words, after the statement's start
        raise UsageError(f"ClickHouse cannot read the app database through its {app.table_function}() table "
                         f"function ({reason}); the server must accept TCP connections from this machine at the "
                         f"URL's host and port", where=app.safe_url()) from None
    if len(rows) != 1:  # the value's type is the reader's (sqlite() gives the text '1')
        raise UsageError(f"ClickHouse read {len(rows)} rows from a one-row view of the app database through "
                         f"{app.table_function}()", where=app.safe_url())


def send(route: Route, app: AppDatabase, connection: Connection, lake: Lake, *,
         where: dict[str, Any] | None = None, version: int | None = None, key_only: bool = False) -> None:
    """INSERT INTO the lake table SELECT FROM the app's view: all rows, or the row `where` names (for a
    tombstone its key columns only: the primary key and the other sorting and partition key columns, which a
    pipeline sends for a delete when the app database's replica identity holds them)."""
    keys = [c.name for c in route.table.primary_key.columns if c.name in route.columns]
    columns = [c for c in route.key_columns if c in route.columns] if key_only else route.columns
    if where is None or not key_only:
        if route.full_view is None:
            route.full_view = _view(route, app, connection, route.columns)
        source = route.full_view
    if where is not None:
        # One row is picked on the ClickHouse side, by key: postgresql() cannot read an array column from a
        # relation whose only row holds a NULL array ("pqxx::conversion_error: Attempt to convert null").
        chosen = _view(route, app, connection, columns if key_only else keys, where)
        key_list = ", ".join(quote(k) for k in keys)
        source = chosen if key_only else f"{source} AS every_row INNER JOIN {chosen} AS chosen USING ({key_list})"
    targets = [quote(c) for c in columns]
    values = [_lake_value(route, c) for c in columns]
    if route.version is not None and version is not None and route.version not in columns:
        targets.append(quote(route.version))
        values.append(str(version))
    if key_only and route.is_deleted is not None:
        targets.append(quote(route.is_deleted))
        values.append("1")
    lake.query(f"INSERT INTO {relation(route.lake_name)} ({', '.join(targets)}) SELECT {', '.join(values)} "
               f"FROM {source}", where=route.lake_name)


def send_all(route: Route, app: AppDatabase, connection: Connection, lake: Lake) -> dict[str, str]:
    """The initial load of every row. When ClickHouse refuses the batch (one bad value fails all of it),
    each row is sent on its own; returns ClickHouse's error per refused row (by its key)."""
    try:
        send(route, app, connection, lake, version=INITIAL)
        return {}
    except LakeError:
        pass
    refused = {}
    for row in route.plan.rows:
        key = key_of(route, row)
        try:
            send(route, app, connection, lake, where=key, version=INITIAL)
        except LakeError as error:
            refused[", ".join(f"{k}={v!r}" for k, v in key.items())] = error.message.split(": ", 1)[-1]
    return refused


def _lake_value(route: Route, column: str) -> str:
    # bytes travel as hex (appdb), the lake stores them as they were
    return f"unhex({quote(column)})" if route.plan.columns[column].family == "binary" else quote(column)


def key_of(route: Route, row: dict[str, Any]) -> dict[str, Any]:
    return {c.name: row[c.name] for c in route.table.primary_key.columns}


def append_only(table: Table) -> bool:
    """The model says the table only ever gets new rows (info={"clickhouse": {"append_only": True}})."""
    return bool((table.info.get("clickhouse") or {}).get("append_only"))


def apply_cdc(route: Route, app: AppDatabase, connection: Connection, lake: Lake) -> list[str]:
    """What a CDC pipeline sends after the initial load, for every table fed from the app that the model
    does not declare append-only: one row updated (sent again, as version 2 where the engine has a version
    column), the last row deleted (sent as a tombstone where the table has an is-deleted column; without
    one the lake cannot forget it, which the comparison then shows). Returns what was done."""
    rows = route.plan.rows
    if append_only(route.table) or len(rows) < 3 or not route.table.primary_key.columns:
        return []
    done = []
    table = route.table
    keys = {c.name for c in table.primary_key.columns}
    # the lake's key columns beside the primary key are the model's claim that they never change
    fixed = keys | set(route.key_columns) | {c.name for c in table.columns if c.unique}
    fixed |= {fk.parent.name for fk in table.foreign_keys}
    changed = {n: rows[1][n] for n in route.columns if n not in fixed and n in rows[1]}
    if route.version in route.columns:  # a model column is the version: the update must raise it
        changed[route.version] = max(c for c in route.plan.columns[route.version].cases if c is not None)
    if changed:
        target = key_of(route, rows[0])
        bound = {n: bound_value(route.plan.columns[n], table.c[n], v) for n, v in changed.items()}
        connection.execute(table.update().where(*[table.c[k] == v for k, v in target.items()]).values(bound))
        send(route, app, connection, lake, where=target, version=UPDATED)
        done.append("update")
    target = key_of(route, rows[-1])
    if route.is_deleted is not None:
        send(route, app, connection, lake, where=target, version=DELETED, key_only=True)
    connection.execute(table.delete().where(*[table.c[k] == v for k, v in target.items()]))
    connection.commit()
    done.append("delete" if route.is_deleted is not None else "delete (no tombstone: no is-deleted column)")
    return done


def read_lake(route: Route, lake: Lake) -> list[dict[str, Any]]:
    """The lake's rows of the moved columns (binary as hex), with FINAL where the engine merges."""
    items = [f"hex({quote(c)}) AS {quote(c)}" if route.plan.columns[c].family == "binary" else quote(c)
             for c in route.columns]
    final = " FINAL" if route.merging else ""
    return lake.query(f"SELECT {', '.join(items)} FROM {relation(route.lake_name)}{final}", where=route.lake_name)


def read_app(route: Route, app: AppDatabase, connection: Connection) -> list[dict[str, Any]]:
    """The app's rows as SQLAlchemy reads them; JSON and enums as their stored text."""
    table = route.table
    items = [app.stored_value(route.plan.columns[n].family, table.c[n]).label(n) for n in route.columns]
    return [dict(row._mapping) for row in connection.execute(sa.select(*items))]
