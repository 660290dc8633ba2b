"""One verify run: load both schemas, fill the app database, move the rows into the lake, compare.

    schemas (app, lake) -> scratch databases -> rows.plan_table -> insert -> transport.send
        -> transport.apply_cdc -> read both -> compare.compare_rows -> report.VerifyReport
"""

from __future__ import annotations

import warnings
from dataclasses import replace
from collections.abc import Callable, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Table
from sqlalchemy.engine import Connection

from ..api import Schema
from ..dialects import Adapter
from ..errors import ProviderError, UsageError
from ..typefacts import Facts, target_facts
from .appdb import AppDatabase, app_database
from .compare import ColumnDrift, TableDrift, compare_rows
from .lake import Lake, LakeError, scratch_lake
from .report import VerifyReport
from .rows import ColumnPlan, TablePlan, bound_value, column_plan, insertion_order, plan_table
from .transport import Route, apply_cdc, check_reader, read_app, read_lake, route, send_all

LAKE_DIALECT = "clickhouse"


class VerifyError(ProviderError):
    """The app database refused the generated rows, or a statement failed."""


def split_targets(dialects: Sequence[str]) -> tuple[str, str]:
    """(app dialect, lake dialect) from the --dialect values: exactly one of each."""
    lake = [d for d in dialects if d == LAKE_DIALECT]
    app = [d for d in dialects if d != LAKE_DIALECT]
    if len(lake) != 1 or len(app) != 1:
        raise UsageError("give one application dialect and clickhouse, e.g. --dialect postgresql --dialect "
                         "clickhouse", where="--dialect")
    return app[0], lake[0]


def verify(app_schema: Schema, lake_schema: Schema, *, app_url: str | None = None, seed: int = 0,
           progress: Callable[[str], None] = lambda line: None) -> VerifyReport:
    """Move edge-case rows of every table both schemas have from a scratch app database into the lake and
    report the columns whose values change. The schemas are the ones the DDL command prints (`build_schema`
    with the project's settings). Raises ProviderError subclasses; never prints."""
    app_adapter, lake_adapter = app_schema.adapter, lake_schema.adapter
    database = app_database(app_adapter.name, app_url)
    plans = _plans(app_schema, database, seed)
    shared = _shared_tables(app_schema, lake_schema)
    if not shared:
        raise UsageError(f"no table is in both {app_adapter.name} and {lake_adapter.name}: nothing to move")
    try:
        return _run(app_schema, lake_schema, database, plans, shared, progress)
    except sa.exc.DBAPIError as error:  # the scratch database went away, the server stopped, ...
        raise VerifyError(str(error.orig).strip().splitlines()[0], where=app_adapter.name) from None


def _run(app_schema: Schema, lake_schema: Schema, database: AppDatabase, plans: list[TablePlan],
         shared: dict[str, str], progress: Callable[[str], None]) -> VerifyReport:
    app_adapter = app_schema.adapter
    with scratch_lake() as lake, database.scratch() as engine:
        report = VerifyReport(app_adapter.name, f"clickhouse {lake.version()}")
        for statement in lake_schema.statements:
            lake.query(statement, where="lake DDL")
        with engine.connect() as connection:
            for statement in [*database.session_sql, *app_schema.statements]:
                try:
                    connection.exec_driver_sql(statement)
                except sa.exc.DBAPIError as error:
                    raise VerifyError(f"the app database refused the provider's DDL: "
                                      f"{str(error.orig).strip().splitlines()[0]}", where=app_adapter.name) from None
            connection.commit()
            check_reader(database, connection, lake)
            for plan in plans:
                _insert(connection, plan)
            for plan in plans:
                lake_table = shared.get(plan.table.fullname)
                if lake_table is not None:
                    _verify_table(route(plan, lake_table, lake), database, connection, lake, report, progress)
    return report


def _plans(schema: Schema, database: AppDatabase, seed: int) -> list[TablePlan]:
    adapter = schema.adapter
    plans: dict[str, TablePlan] = {}
    for table in insertion_order(schema.tables):
        columns = {c.name: column_plan(c, _app_facts(adapter, database, c), adapter.dialect) for c in table.columns}
        columns = {name: _within(database, plan) for name, plan in columns.items()}
        nullable = {c.name: bool(c.nullable) for c in table.columns}
        plans[table.fullname] = plan_table(table, columns, nullable, seed, plans)
    return list(plans.values())


def _within(database: AppDatabase, plan: ColumnPlan) -> ColumnPlan:
    """The plan cut to what the app database stores faithfully (see AppDatabase)."""
    if plan.family == "decimal" and database.decimal_digits is not None:  # kept as floats: compare so
        return replace(plan, compare_as="float")
    if plan.family == "json" and not database.json_numbers:
        return replace(plan, cases=tuple(c for c in plan.cases if not isinstance(c, (int, float))))
    return plan


def _app_facts(adapter: Adapter, database: AppDatabase, column: Any) -> Facts:
    """What the app's column holds: its DDL type's facts, and the database's own limits."""
    facts = target_facts(adapter.name, adapter.column_type(column), column.type, adapter.dialect).facts
    digits = database.decimal_digits
    if facts.family == "decimal" and digits is not None:
        precision = min(facts.precision or digits, digits)
        facts = replace(facts, precision=precision, scale=min(facts.scale or 0, precision // 2))
    return facts


def _shared_tables(app: Schema, lake: Schema) -> dict[str, str]:
    """App table fullname -> lake table fullname, for the tables both targets have (SQLite has no schemas:
    a unique bare name matches)."""
    by_fullname = {t.fullname for t in lake.tables}
    by_name: dict[str, list[str]] = {}
    for table in lake.tables:
        by_name.setdefault(table.name, []).append(table.fullname)
    found = {}
    for table in app.tables:
        if table.fullname in by_fullname:
            found[table.fullname] = table.fullname
        elif len(by_name.get(table.name, [])) == 1:
            found[table.fullname] = by_name[table.name][0]
    return found


def _bindable(plan: TablePlan, row: dict[str, Any]) -> dict[str, Any]:
    """A row SQLAlchemy binds as meant (rows.bound_value)."""
    return {name: bound_value(plan.columns[name], plan.table.c[name], value) for name, value in row.items()}


def _tame(plan: TablePlan, row: dict[str, Any]) -> dict[str, Any]:
    """The row with positive numbers outside keys (a negative one becomes the column's largest case, zero
    becomes 1): what CHECK constraints usually ask."""
    fixed = set(plan.table.primary_key.columns.keys()) | {fk.parent.name for fk in plan.table.foreign_keys}
    tamed = dict(row)
    for name, value in row.items():
        if name not in fixed and plan.columns[name].family in ("integer", "decimal", "float") and value is not None:
            tamed[name] = max(plan.columns[name].cases) if value < 0 else value or type(value)(1)
    return tamed


def _insert(connection: Connection, plan: TablePlan) -> None:
    """Insert the planned rows; a row a CHECK constraint refuses is retried tamed (see `_tame`)."""
    for index, row in enumerate(plan.rows):
        for attempt in (row, _tame(plan, row)):
            savepoint = connection.begin_nested()
            try:
                with warnings.catch_warnings():  # SQLite stores Decimals as floats, and says so
                    warnings.simplefilter("ignore", sa.exc.SAWarning)
                    connection.execute(plan.table.insert().values(_bindable(plan, attempt)))
            except sa.exc.DBAPIError as error:
                savepoint.rollback()
                if attempt is not row:
                    raise VerifyError(f"the app database refused generated row {index + 1}: "
                                      f"{str(error.orig).strip().splitlines()[0]}", where=plan.table.fullname) from None
                continue
            savepoint.commit()
            plan.rows[index] = attempt
            break
    connection.commit()


def _verify_table(found: Route, database: AppDatabase, connection: Connection, lake: Lake,
                  report: VerifyReport, progress: Callable[[str], None]) -> None:
    table = found.table
    try:
        refused = send_all(found, database, connection, lake)
        cdc = apply_cdc(found, database, connection, lake) if not refused else []
        app_rows, lake_rows = read_app(found, database, connection), read_lake(found, lake)
    except sa.exc.DBAPIError as error:
        raise VerifyError(str(error.orig).strip().splitlines()[0], where=table.fullname) from None
    except LakeError as error:
        raise VerifyError(error.message, where=table.fullname) from None
    keys = [c.name for c in table.primary_key.columns if c.name in found.columns]
    columns = {name: found.plan.columns[name] for name in found.columns}
    if not keys:
        report.notes.append(f"{table.fullname}: not compared (no primary key column in the lake)")
        return
    rows, drift = compare_rows(found.lake_name, columns, keys, app_rows, lake_rows, lake.columns(found.lake_name))
    report.tables[found.lake_name] = len(app_rows)
    report.columns += len(columns)
    report.drift += drift
    rows.refused = refused
    if rows.missing or rows.extra or rows.duplicated:
        report.rows.append(rows)
    skipped = [f"{p.name} ({p.note})" for p in found.plan.columns.values() if p.note]
    if skipped:
        report.notes.append(f"{table.fullname}: not generated: {', '.join(skipped)}")
    state = _state(drift, rows)
    progress(f"{found.lake_name}: {len(app_rows)} rows, {len(columns)} columns"
             f"{', CDC ' + ' + '.join(cdc) if cdc else ''}: {state}")


def _state(drift: list[ColumnDrift], rows: TableDrift) -> str:
    """The end of a table's progress line: `ok`, or what changed."""
    parts = [f"{len(drift)} column{'s' if len(drift) != 1 else ''} changing"] if drift else []
    if rows.refused:
        parts.append(f"{len(rows.refused)} rows refused")
    if len(rows.missing) > len(rows.refused) or rows.extra or rows.duplicated:
        parts.append("rows differ")
    return ", ".join(parts) or "ok"
