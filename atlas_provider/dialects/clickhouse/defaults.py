"""Server defaults in ClickHouse's words: what a column's DEFAULT, MATERIALIZED or ALIAS becomes, or None
when ClickHouse has no equivalent (the adapter reports it)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Column
from sqlalchemy import types as sqltypes
from sqlalchemy.schema import DefaultClause
from sqlalchemy.sql import elements, functions
from sqlalchemy.sql.elements import ClauseElement

from .info import clickhouse_info
from .types import ClickHouseTypeCompiler, is_native

# Server defaults ClickHouse understands, by function name (SQLAlchemy func.* or text("name()")).
NOW_FUNCTIONS = frozenset({
    "now", "current_timestamp", "localtimestamp", "transaction_timestamp", "statement_timestamp",
    "clock_timestamp", "sysdate", "getdate", "sysdatetime", "utc_timestamp", "getutcdate", "sysutcdatetime",
})
TODAY_FUNCTIONS = frozenset({"current_date", "curdate"})
UUID_FUNCTIONS = frozenset({"gen_random_uuid", "uuid_generate_v4", "newid", "uuid"})

NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
STRING = re.compile(r"'((?:[^']|'')*)'", re.S)
CALL = re.compile(r"([A-Za-z_]\w*)\s*(?:\(\s*\))?")


def as_expression(value: Any) -> ClauseElement:
    """A SQLAlchemy expression as it is; text as the user's ClickHouse SQL."""
    return value if isinstance(value, ClauseElement) else sa.literal_column(str(value))


@dataclass(frozen=True)
class ColumnDefault:
    keyword: str  # DEFAULT, MATERIALIZED or ALIAS
    expression: ClauseElement


def server_default_expression(column: Column[Any], compiler_: ClickHouseTypeCompiler) -> ClauseElement | None:
    """The ClickHouse form of a server default, or None when ClickHouse would not understand it."""
    default = column.server_default
    if not isinstance(default, DefaultClause):
        return None
    arg = default.arg
    if isinstance(arg, str):
        return sa.literal(arg, sqltypes.String())
    if isinstance(arg, (elements.True_, elements.False_, elements.Null, elements.BindParameter)):
        return arg
    if isinstance(arg, functions.FunctionElement):
        return _function_default(str(arg.name).lower(), column, compiler_) if not list(arg.clauses) else None
    if isinstance(arg, elements.TextClause):
        text = arg.text.strip()
        if NUMBER.fullmatch(text):
            return sa.literal_column(text)
        if (match := STRING.fullmatch(text)) is not None:
            return sa.literal(match.group(1).replace("''", "'"), sqltypes.String())
        if text.lower() in ("true", "false", "null"):
            return {"true": sa.true(), "false": sa.false(), "null": sa.null()}[text.lower()]
        if (match := CALL.fullmatch(text)) is not None:
            return _function_default(match.group(1).lower(), column, compiler_)
    return None


def _function_default(name: str, column: Column[Any], compiler_: ClickHouseTypeCompiler) -> ClauseElement | None:
    type_ = compiler_.resolve(column.type)
    if name in NOW_FUNCTIONS:
        if clickhouse_info(column).get("type") or is_native(type_):
            return sa.func.now()
        if isinstance(type_, sqltypes.Date) and not isinstance(type_, sqltypes.DateTime):
            return sa.func.today()
        if isinstance(type_, sqltypes.DateTime):
            precision, timezone = compiler_.datetime_parts(type_)
            return sa.func.now64(precision, timezone) if timezone else sa.func.now64(precision)
        return sa.func.now()
    if name in TODAY_FUNCTIONS:
        return sa.func.today()
    if name in UUID_FUNCTIONS:
        return sa.func.generateUUIDv4()
    return None


