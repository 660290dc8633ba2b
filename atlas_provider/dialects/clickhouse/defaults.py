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
CAST = re.compile(r"(?:::\s*[A-Za-z_][\w ]*(?:\[\])*)+$")  # PostgreSQL's '{}'::jsonb, '{}'::integer[]
# PostgreSQL's boolean input forms. https://www.postgresql.org/docs/current/datatype-boolean.html
BOOLEAN_TEXT = {"true": True, "t": True, "yes": True, "y": True, "on": True, "1": True,
                "false": False, "f": False, "no": False, "n": False, "off": False, "0": False}


def as_expression(value: Any) -> ClauseElement:
    """A SQLAlchemy expression as it is; text as the user's ClickHouse SQL."""
    return value if isinstance(value, ClauseElement) else sa.literal_column(str(value))


@dataclass(frozen=True)
class ColumnDefault:
    keyword: str  # DEFAULT, MATERIALIZED or ALIAS
    expression: ClauseElement


def server_default_expression(column: Column[Any], compiler_: ClickHouseTypeCompiler) -> ClauseElement | None:
    """The ClickHouse form of a server default, or None when ClickHouse would not understand it.

    A string is read as the application database reads it for the column's type: a number for a numeric
    column (`server_default="7"` is `DEFAULT 7`), a truth value for a boolean, an array literal (`'{}'`,
    `'{1,2}'`) for an array; a cast (`'{}'::jsonb`) is read as its string.
    """
    default = column.server_default
    if not isinstance(default, DefaultClause):
        return None
    arg = default.arg
    if isinstance(arg, str):
        return _typed_literal(arg, column, compiler_)
    if isinstance(arg, (elements.True_, elements.False_, elements.Null, elements.BindParameter)):
        return arg
    if isinstance(arg, functions.FunctionElement):
        return _function_default(str(arg.name).lower(), column, compiler_) if not list(arg.clauses) else None
    if isinstance(arg, elements.TextClause) and is_native(compiler_.resolve(column.type)):
        return arg  # a ClickHouse type's default is ClickHouse SQL (the CDC columns' now64())
    if isinstance(arg, elements.TextClause):
        text = CAST.sub("", arg.text.strip())
        if NUMBER.fullmatch(text):
            return _typed_literal(text, column, compiler_)
        if (match := STRING.fullmatch(text)) is not None:
            return _typed_literal(match.group(1).replace("''", "'"), column, compiler_)
        if text.lower() in ("true", "false", "null"):
            return {"true": sa.true(), "false": sa.false(), "null": sa.null()}[text.lower()]
        if (match := CALL.fullmatch(text)) is not None:
            return _function_default(match.group(1).lower(), column, compiler_)
    return None


def _typed_literal(value: str, column: Column[Any], compiler_: ClickHouseTypeCompiler) -> ClauseElement | None:
    """A default given as text, for the column's type; None when that type cannot read it."""
    type_ = compiler_.resolve(column.type)
    text = value.strip()
    if clickhouse_info(column).get("type") or is_native(type_):  # a type we do not know: a number stays one
        return sa.literal_column(text) if NUMBER.fullmatch(text) else sa.literal(value, sqltypes.String())
    if isinstance(type_, sqltypes.ARRAY):
        return _array_literal(text)
    if isinstance(type_, sqltypes.Boolean):
        truth = BOOLEAN_TEXT.get(text.lower())
        return None if truth is None else (sa.true() if truth else sa.false())
    if isinstance(type_, (sqltypes.Integer, sqltypes.Numeric)):
        return sa.literal_column(text) if NUMBER.fullmatch(text) else None
    return sa.literal(value, sqltypes.String())


def _array_literal(text: str) -> ClauseElement | None:
    """PostgreSQL's array literal `{}` / `{1,2}` / `{a,b}` as ClickHouse's `array(...)`; None for nested arrays,
    NULL elements or quoting we do not read. https://www.postgresql.org/docs/current/arrays.html#ARRAYS-INPUT"""
    if not (text.startswith("{") and text.endswith("}")):
        return None
    body = text[1:-1].strip()
    items = [item.strip() for item in body.split(",")] if body else []
    if any(not item or item.upper() == "NULL" or item[0] in "{\"'" for item in items):
        return None
    return sa.func.array(*(sa.literal_column(i) if NUMBER.fullmatch(i) else sa.literal(i, sqltypes.String())
                           for i in items))


def _function_default(name: str, column: Column[Any], compiler_: ClickHouseTypeCompiler) -> ClauseElement | None:
    type_ = compiler_.resolve(column.type)
    if name in NOW_FUNCTIONS:
        if clickhouse_info(column).get("type") or is_native(type_):
            return sa.func.now()
        if isinstance(type_, sqltypes.Date) and not isinstance(type_, sqltypes.DateTime):
            return sa.func.today()
        if isinstance(type_, sqltypes.DateTime):
            precision, timezone = compiler_.datetime_parts(type_, clickhouse_info(column).get("timezone"))
            return sa.func.now64(precision, timezone) if timezone else sa.func.now64(precision)
        return sa.func.now()
    if name in TODAY_FUNCTIONS:
        return sa.func.today()
    if name in UUID_FUNCTIONS:
        return sa.func.generateUUIDv4()
    return None


