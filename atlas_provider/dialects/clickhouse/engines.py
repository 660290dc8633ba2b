"""What a table becomes: its engine, keys, partition, TTL and settings, and the CDC profile.

`table_spec()` resolves them from the table's info and the target-wide settings; the DDL compiler writes
them after the column list and the adapter reads them to add CDC columns.
https://clickhouse.com/docs/en/engines/table-engines/mergetree-family/mergetree
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy import Table
from sqlalchemy.sql import elements, visitors
from sqlalchemy.sql.elements import ClauseElement

from ...errors import ModelError
from .cdc import Cdc, cdc_engine, pipeline, resolve_cdc
from .info import IDENTIFIER, check_setting_names, clickhouse_info

if TYPE_CHECKING:
    from .settings import ClickHouseSettings

ENGINE = re.compile(r"([A-Za-z]\w*)\s*(?:\((.*)\))?", re.S)


@dataclass(frozen=True)
class Engine:
    """`name(args)`; args None renders the bare name."""

    name: str
    args: tuple[ClauseElement, ...] | None = None

    @property
    def merge_tree(self) -> bool:
        return self.name.endswith("MergeTree")

    @property
    def replicated(self) -> bool:
        return self.name.startswith("Replicated")


@dataclass(frozen=True)
class TableSpec:
    """A table's ClickHouse clauses, resolved from its info and the target-wide settings."""

    engine: Engine
    order_by: tuple[ClauseElement, ...]  # () renders ORDER BY tuple()
    primary_key: tuple[ClauseElement, ...] | None
    partition_by: tuple[ClauseElement, ...] | None
    ttl: tuple[ClauseElement, ...]
    settings: Mapping[str, Any]
    cdc: Cdc | None
    key_columns: frozenset[str]  # columns in the sorting, primary or partition key
    key_clauses: tuple[tuple[str, tuple[str, ...]], ...] = ()  # ("ORDER BY", column names), ... for validation
    bare_order_by: frozenset[str] = frozenset()  # columns ORDER BY lists as themselves, not inside an expression
    pipeline: str | None = None  # cdc.DECLARED, cdc.ASSUMED or None
    engine_declared: bool = False  # by the table or the target, not the lake defaults


def parse_engine(text: Any, where: str, error: type[Exception] = ModelError) -> Engine:
    """'ReplacingMergeTree(updated_at)' -> Engine('ReplacingMergeTree', (updated_at,)). The arguments are the
    user's ClickHouse SQL and are kept as written."""
    match = ENGINE.fullmatch(str(text).strip()) if isinstance(text, str) else None
    if match is None:
        raise error(f"engine must look like 'MergeTree' or 'ReplacingMergeTree(version)', got {text!r}",
                    where=where)  # type: ignore[call-arg]
    name, args = match.group(1), match.group(2)
    if args is None:
        return Engine(name)
    return Engine(name, (sa.literal_column(args.strip()),) if args.strip() else ())


def _key_items(value: Any, table: Table, key: str) -> tuple[ClauseElement, ...]:
    """A key as the model gives it: a column name, an expression in ClickHouse SQL, a SQLAlchemy expression,
    or a list of those."""
    items = value if isinstance(value, (list, tuple)) else [value]
    result: list[ClauseElement] = []
    for item in items:
        if isinstance(item, ClauseElement):
            result.append(item)
        elif isinstance(item, str) and item in table.columns:
            # a column's own name, however it is spelled (`Order Date`, `tenant-id`): the quoted column, as
            # clickhouse-sqlalchemy resolves it too; bare it would be a syntax error or another expression
            result.append(table.columns[item])
        elif isinstance(item, str) and IDENTIFIER.fullmatch(item.strip()):
            name = item.strip()
            if name not in table.columns:
                raise ModelError(f"info['clickhouse'][{key!r}] names {name!r}, which is not a column of this table "
                                 "in the lake", where=table.fullname)
            result.append(table.columns[name])
        elif isinstance(item, str) and item.strip():
            result.append(sa.literal_column(item.strip()))
        else:
            raise ModelError(f"info['clickhouse'][{key!r}] must be a column name, an expression or a list of them, "
                             f"got {item!r}", where=table.fullname)
    return tuple(result)


def _ttl_items(value: Any, where: str) -> tuple[ClauseElement, ...]:
    """TTL rules as the model gives them: ClickHouse SQL text or SQLAlchemy expressions, one or a list."""
    items = value if isinstance(value, (list, tuple)) else [value]
    if not all(isinstance(i, ClauseElement) or (isinstance(i, str) and i.strip()) for i in items):
        raise ModelError(f"info['clickhouse']['ttl'] must be an expression or a list of them, got {value!r}",
                         where=where)
    return tuple(i if isinstance(i, ClauseElement) else sa.literal_column(i.strip()) for i in items)


def _mentioned_columns(items: Iterable[ClauseElement], table: Table) -> set[str]:
    """Names of the table's columns an expression uses; ClickHouse SQL given as text is read word by word,
    and a backquoted name as ClickHouse reads it."""
    names: set[str] = set()
    for item in items:
        for element in visitors.iterate(item):
            if isinstance(element, elements.ColumnClause):
                names.update(_words(element.name) if element.is_literal else [element.name])
            elif isinstance(element, elements.TextClause):
                names.update(_words(element.text))
    return names & set(table.columns.keys())


QUOTED = re.compile(r"`((?:[^`\\]|\\.|``)*)`", re.S)


def _words(text: str) -> list[str]:
    """The plain words of ClickHouse SQL text and its backquoted names (`` `a``b` ``, `` `a\\b` ``) unescaped."""
    quoted = [re.sub(r"\\(.)", r"\1", name.replace("``", "`")) for name in QUOTED.findall(text)]
    return IDENTIFIER.findall(text) + quoted


def table_spec(table: Table, settings: ClickHouseSettings) -> TableSpec:
    """Resolve a table's clauses. What the model declares (its info['clickhouse'], then the target-wide
    settings) wins; the lake defaults fill only what it leaves open: the engine (ReplacingMergeTree with the
    CDC profile's columns for a table a CDC pipeline feeds, else MergeTree) and the sorting key (the primary
    key)."""
    info = clickhouse_info(table)
    where = table.fullname
    primary_key = _key_items(info["primary_key"], table, "primary_key") if "primary_key" in info else None
    if "order_by" in info:
        order_by = _key_items(info["order_by"], table, "order_by")
    elif primary_key is not None:
        order_by = primary_key
    else:
        order_by = tuple(table.primary_key.columns)
    declared_engine = info["engine"] if "engine" in info else settings.engine
    # An ordering key without the whole primary key would make the lake's ReplacingMergeTree merge distinct
    # rows: the lake defaults then keep every row (MergeTree) and the CDC judgement says why.
    holds_identity = {c.name for c in table.primary_key.columns} <= _mentioned_columns(order_by, table)
    cdc = resolve_cdc(table, settings, layout_open=declared_engine is None and holds_identity,
                      engine=None if declared_engine is None else str(declared_engine))
    if declared_engine is not None:
        engine = parse_engine(declared_engine, where)
    elif cdc is not None:
        name, args = cdc_engine(cdc)
        engine = Engine(name, tuple(sa.column(a) for a in args))
    else:
        engine = Engine("MergeTree")
    keys = [k for k in ("order_by", "primary_key", "partition_by", "ttl") if k in info]
    if keys and not engine.merge_tree:
        raise ModelError(f"info['clickhouse'][{keys[0]!r}] needs a MergeTree-family engine, not {engine.name}",
                         where=where)
    partition_by = _key_items(info["partition_by"], table, "partition_by") if "partition_by" in info else None
    ttl = _ttl_items(info["ttl"], where) if info.get("ttl") else ()
    table_settings = info.get("settings") or {}
    if not isinstance(table_settings, Mapping):
        raise ModelError("info['clickhouse']['settings'] must be a dict", where=where)
    check_setting_names(table_settings, where, ModelError)
    clauses = [("ORDER BY", order_by), ("PARTITION BY", partition_by or ()), ("PRIMARY KEY", primary_key or ())]
    key_clauses = tuple((name, tuple(sorted(_mentioned_columns(items, table)))) for name, items in clauses)
    key_columns = {column for _, names in key_clauses for column in names}
    bare = frozenset(item.name for item in order_by
                     if isinstance(item, elements.ColumnClause) and not item.is_literal and item.name in table.columns)
    defaults = settings.table_settings  # MergeTree settings: other engines take only their own
    if not engine.merge_tree:
        order_by, key_columns, key_clauses, defaults = (), set(), (), {}
    return TableSpec(engine, order_by, primary_key, partition_by, ttl, {**defaults, **table_settings}, cdc,
                     frozenset(key_columns), key_clauses, bare, pipeline(table, settings),
                     declared_engine is not None)


def engine_info(engine: Any, sql: Callable[[ClauseElement], str]) -> dict[str, Any]:
    """A clickhouse-sqlalchemy engine object as info['clickhouse'] keys (duck-typed on its attributes);
    `sql` compiles an expression. https://github.com/xzkostyan/clickhouse-sqlalchemy/blob/master/clickhouse_sqlalchemy/engines/mergetree.py"""

    def text(item: Any) -> str:
        if isinstance(item, (list, tuple)):  # SummingMergeTree(columns=(x, y)): one tuple argument
            return f"({', '.join(text(i) for i in item)})"
        return sql(item) if isinstance(item, ClauseElement) else str(item)

    def keys(clause: Any) -> list[Any] | None:
        return list(clause.get_expressions_or_columns()) if clause is not None else None

    params = engine.get_parameters() if hasattr(engine, "get_parameters") else None
    params = [] if params is None else (list(params) if isinstance(params, (list, tuple)) else [params])
    name = str(engine.name)
    info: dict[str, Any] = {"engine": f"{name}({', '.join(text(p) for p in params)})" if params else name}
    for key in ("order_by", "primary_key", "partition_by"):
        value = keys(getattr(engine, key, None))
        if value is not None:
            info[key] = value
    ttl = keys(getattr(engine, "ttl", None))
    if ttl:
        info["ttl"] = [text(t) for t in ttl]
    if getattr(engine, "settings", None):
        info["settings"] = dict(engine.settings)
    return info

