"""ClickHouse: the lake. MergeTree tables from the same model the application uses.

A small SQLAlchemy dialect lives here (SQLAlchemy has none for ClickHouse): a type compiler
(``clickhouse_types.py``), a DDL compiler that writes ClickHouse's column and table clauses, and an
identifier preparer. The adapter adds the CDC columns to its private copy of each table and reports what
ClickHouse cannot express: foreign keys, uniqueness, generated keys, secondary indexes without a
data-skipping type, server defaults it does not understand.

Lake choices live in the model's ``info={"clickhouse": {...}}`` (tables, columns, indexes) and as
target-wide settings (``[tool.atlas-provider.clickhouse]`` in pyproject.toml, ``--setting KEY=VALUE``);
the model wins. docs/clickhouse.md lists every key.
https://clickhouse.com/docs/en/sql-reference/statements/create/table
https://clickhouse.com/docs/en/engines/table-engines/mergetree-family/mergetree
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy import CheckConstraint, Column, ForeignKeyConstraint, Index, Table, UniqueConstraint
from sqlalchemy import types as sqltypes
from sqlalchemy.engine.default import DefaultDialect
from sqlalchemy.engine.interfaces import Dialect
from sqlalchemy.schema import DefaultClause, ExecutableDDLElement, Sequence as SequenceDefault
from sqlalchemy.sql import compiler, elements, functions, visitors
from sqlalchemy.sql.elements import ClauseElement

from ..errors import ModelError, UsageError
from ..losses import LossReport
from ..selection import LAKE
from .base import Adapter, index_key
from .clickhouse_types import (
    ENUM_TYPES,
    JSON_TYPES,
    ClickHouseTypeCompiler,
    NativeType,
    is_native,
)

# ---- the keys a model and a target may use ---------------------------------------------------

TABLE_KEYS = frozenset({"engine", "order_by", "partition_by", "primary_key", "ttl", "settings", "cdc"})
COLUMN_KEYS = frozenset({"type", "codec", "low_cardinality", "default"})
INDEX_KEYS = frozenset({"type", "granularity"})
CDC_KEYS = frozenset({"version", "is_deleted"})

# Target-wide settings and their built-in defaults (lowest precedence).
DEFAULT_SETTINGS: Mapping[str, Any] = {
    "engine": "MergeTree",
    "cluster": None,
    # The server's default_replica_path and default_replica_name.
    # https://clickhouse.com/docs/en/engines/table-engines/mergetree-family/replication
    "replication_path": "/clickhouse/tables/{uuid}/{shard}",
    "replica_name": "{replica}",
    "json_type": "String",
    "enum_type": "LowCardinality(String)",
    "timezone": "UTC",
    "datetime_precision": 6,
    "cdc": False,
    "cdc_version_column": "_version",
    "cdc_is_deleted_column": "_is_deleted",
    "settings": {},
}

# The CDC profile: ReplacingMergeTree(version, is_deleted), which keeps the newest version of each
# sorting key and drops it once the newest says it was deleted (two-argument form: ClickHouse 23.2+).
# https://clickhouse.com/docs/en/engines/table-engines/mergetree-family/replacingmergetree
CDC_VERSION_TYPE = "UInt64"
CDC_IS_DELETED_TYPE = "UInt8"  # the engine requires UInt8

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
IDENTIFIER = re.compile(r"[A-Za-z_]\w*")
ENGINE = re.compile(r"([A-Za-z]\w*)\s*(?:\((.*)\))?", re.S)

# Keywords that must be quoted as names (ClickHouse's are not reserved, but some confuse its parser).
# https://clickhouse.com/docs/en/sql-reference/syntax#keywords
RESERVED_WORDS = compiler.RESERVED_WORDS | {
    "alias", "any", "array", "asof", "codec", "comment", "database", "engine", "final", "format", "global",
    "ilike", "index", "interval", "key", "limit", "materialized", "offset", "partition", "prewhere", "sample",
    "settings", "ttl", "inf", "nan",
}


def passed_option(item: Any, name: str) -> Any:
    """A `clickhouse_<name>=` keyword given to a Column or Table (clickhouse-sqlalchemy style), or None.

    Read without `item.dialect_kwargs`: asking that for a dialect SQLAlchemy cannot load makes it
    search the installed packages' entry points on every call, minutes on a large model.
    """
    options = vars(item).get("dialect_options")  # SQLAlchemy fills it only when keywords were given
    entry = dict.get(options, "clickhouse") if options is not None else None
    return entry.get(name) if entry is not None else None


def clickhouse_info(item: Any) -> dict[str, Any]:
    info = item.info.get("clickhouse") if item.info else None
    return info if isinstance(info, dict) else {}


# ---- target-wide settings ----------------------------------------------------------------------


def _flag(value: Any, key: str) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("1", "true", "yes", "on"):
        return True
    if text in ("0", "false", "no", "off", ""):
        return False
    raise UsageError(f"ClickHouse setting {key!r} must be true or false, got {value!r}", where="clickhouse")


def _choice(value: Any, key: str, choices: Iterable[str]) -> str:
    by_lower = {c.lower(): c for c in choices}
    found = by_lower.get(str(value).strip().lower())
    if found is None:
        raise UsageError(f"ClickHouse setting {key!r} must be one of {', '.join(sorted(by_lower.values()))}, "
                         f"got {value!r}", where="clickhouse")
    return found


@dataclass(frozen=True)
class ClickHouseSettings:
    """Target-wide choices (docs/clickhouse.md). Built from `TargetOptions.settings`: pyproject.toml's
    ``[tool.atlas-provider.clickhouse]`` under ``--setting KEY=VALUE`` (whose values are strings)."""

    engine: str = DEFAULT_SETTINGS["engine"]
    cluster: str | None = None
    replication_path: str = DEFAULT_SETTINGS["replication_path"]
    replica_name: str = DEFAULT_SETTINGS["replica_name"]
    json_type: str = DEFAULT_SETTINGS["json_type"]
    enum_type: str = DEFAULT_SETTINGS["enum_type"]
    timezone: str = DEFAULT_SETTINGS["timezone"]
    datetime_precision: int = DEFAULT_SETTINGS["datetime_precision"]
    cdc: bool = False
    cdc_version_column: str = DEFAULT_SETTINGS["cdc_version_column"]
    cdc_is_deleted_column: str = DEFAULT_SETTINGS["cdc_is_deleted_column"]
    table_settings: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def from_mapping(cls, settings: Mapping[str, Any]) -> ClickHouseSettings:
        values: dict[str, Any] = {}
        table_settings: dict[str, Any] = {}
        for raw_key, value in settings.items():
            key = str(raw_key).strip().replace("-", "_")
            if key.startswith("settings."):  # --setting settings.index_granularity=8192
                table_settings[key.split(".", 1)[1]] = value
                continue
            if key not in DEFAULT_SETTINGS:
                known = ", ".join(sorted(DEFAULT_SETTINGS))
                raise UsageError(f"unknown ClickHouse setting {raw_key!r} (known: {known})", where="clickhouse")
            values[key] = value
        if "settings" in values:
            if not isinstance(values["settings"], Mapping):
                raise UsageError("ClickHouse setting 'settings' must be a table of table settings",
                                 where="clickhouse")
            table_settings = {**values.pop("settings"), **table_settings}
        if "json_type" in values:
            values["json_type"] = _choice(values["json_type"], "json_type", JSON_TYPES)
        if "enum_type" in values:
            values["enum_type"] = _choice(values["enum_type"], "enum_type", ENUM_TYPES)
        if "cdc" in values:
            values["cdc"] = _flag(values["cdc"], "cdc")
        if "datetime_precision" in values:
            try:
                values["datetime_precision"] = int(values["datetime_precision"])
            except (TypeError, ValueError):
                values["datetime_precision"] = -1
            if not 0 <= values["datetime_precision"] <= 9:
                raise UsageError("ClickHouse setting 'datetime_precision' must be 0 to 9", where="clickhouse")
        if "cluster" in values:
            values["cluster"] = str(values["cluster"]).strip() or None
        for key in ("engine", "replication_path", "replica_name", "timezone", "cdc_version_column",
                    "cdc_is_deleted_column"):
            if key in values:
                values[key] = str(values[key]).strip()
        _check_setting_names(table_settings, "clickhouse")
        result = cls(**values, table_settings=table_settings)
        parse_engine(result.engine, "the ClickHouse setting 'engine'", UsageError)
        return result


def _check_setting_names(settings: Mapping[str, Any], where: str, error: type[Exception] = UsageError) -> None:
    for name in settings:
        if not IDENTIFIER.fullmatch(str(name)):
            raise error(f"{name!r} is not a ClickHouse table setting name", where=where)  # type: ignore[call-arg]


# ---- what a table becomes ----------------------------------------------------------------------


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
class Cdc:
    version: str
    is_deleted: str | None


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
    key_columns: frozenset[str]  # columns in the sorting, primary or partition key: never Nullable


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


def _cdc(value: Any, settings: ClickHouseSettings, where: str) -> Cdc | None:
    if value is None or value is False:
        return None
    if value is True:
        return Cdc(settings.cdc_version_column, settings.cdc_is_deleted_column or None)
    if isinstance(value, dict):
        unknown = sorted(set(value) - CDC_KEYS)
        if unknown:
            raise ModelError(f"info['clickhouse']['cdc'] has unknown key {unknown[0]!r} (known: "
                             f"{', '.join(sorted(CDC_KEYS))})", where=where)
        version = value.get("version", settings.cdc_version_column)
        is_deleted = value.get("is_deleted", settings.cdc_is_deleted_column)
        if not isinstance(version, str) or not IDENTIFIER.fullmatch(version):
            raise ModelError(f"info['clickhouse']['cdc']['version'] must be a column name, got {version!r}",
                             where=where)
        if is_deleted not in (None, False) and not (isinstance(is_deleted, str) and IDENTIFIER.fullmatch(is_deleted)):
            raise ModelError(f"info['clickhouse']['cdc']['is_deleted'] must be a column name or None, got "
                             f"{is_deleted!r}", where=where)
        return Cdc(version, is_deleted or None)
    raise ModelError(f"info['clickhouse']['cdc'] must be True, False or a dict, got {value!r}", where=where)


def _key_items(value: Any, table: Table, key: str) -> tuple[ClauseElement, ...]:
    """A key as the model gives it: a column name, an expression in ClickHouse SQL, a SQLAlchemy expression,
    or a list of those."""
    items = value if isinstance(value, (list, tuple)) else [value]
    result: list[ClauseElement] = []
    for item in items:
        if isinstance(item, ClauseElement):
            result.append(item)
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


def _mentioned_columns(items: Iterable[ClauseElement], table: Table) -> set[str]:
    """Names of the table's columns an expression uses; ClickHouse SQL given as text is read word by word."""
    names: set[str] = set()
    for item in items:
        for element in visitors.iterate(item):
            if isinstance(element, elements.ColumnClause):
                names.update(IDENTIFIER.findall(element.name) if element.is_literal else [element.name])
            elif isinstance(element, elements.TextClause):
                names.update(IDENTIFIER.findall(element.text))
    return names & set(table.columns.keys())


def table_spec(table: Table, settings: ClickHouseSettings) -> TableSpec:
    """Resolve a table's clauses. Precedence, lowest first: built-in defaults, the target-wide settings,
    then the table's own info['clickhouse']."""
    info = clickhouse_info(table)
    where = table.fullname
    cdc = _cdc(info.get("cdc", settings.cdc), settings, where)
    if "engine" in info:
        engine = parse_engine(info["engine"], where)
    elif cdc is not None:
        args = [sa.column(cdc.version)] + ([sa.column(cdc.is_deleted)] if cdc.is_deleted else [])
        engine = Engine("ReplacingMergeTree", tuple(args))
    else:
        engine = parse_engine(settings.engine, where)
    keys = [k for k in ("order_by", "primary_key", "partition_by", "ttl") if k in info]
    if keys and not engine.merge_tree:
        raise ModelError(f"info['clickhouse'][{keys[0]!r}] needs a MergeTree-family engine, not {engine.name}",
                         where=where)
    primary_key = _key_items(info["primary_key"], table, "primary_key") if "primary_key" in info else None
    if "order_by" in info:
        order_by = _key_items(info["order_by"], table, "order_by")
    elif primary_key is not None:
        order_by = primary_key
    else:
        order_by = tuple(table.primary_key.columns)
    partition_by = _key_items(info["partition_by"], table, "partition_by") if "partition_by" in info else None
    ttl_value = info.get("ttl") or ()
    ttl = tuple(sa.literal_column(t) for t in ([ttl_value] if isinstance(ttl_value, str) else ttl_value))
    table_settings = info.get("settings") or {}
    if not isinstance(table_settings, Mapping):
        raise ModelError("info['clickhouse']['settings'] must be a dict", where=where)
    _check_setting_names(table_settings, where, ModelError)
    key_columns = _mentioned_columns([*order_by, *(primary_key or ()), *(partition_by or ())], table)
    defaults = settings.table_settings  # MergeTree settings: other engines take only their own
    if not engine.merge_tree:
        order_by, key_columns, defaults = (), set(), {}
    return TableSpec(engine, order_by, primary_key, partition_by, ttl, {**defaults, **table_settings}, cdc,
                     frozenset(key_columns))


# ---- what a column becomes ---------------------------------------------------------------------


def _expression(value: Any) -> ClauseElement:
    """A SQLAlchemy expression as it is; text as the user's ClickHouse SQL."""
    return value if isinstance(value, ClauseElement) else sa.literal_column(str(value))


@dataclass(frozen=True)
class ColumnDefault:
    keyword: str  # DEFAULT, MATERIALIZED or ALIAS
    expression: ClauseElement


def _server_default_expression(column: Column[Any], compiler_: ClickHouseTypeCompiler) -> ClauseElement | None:
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


# ---- the SQLAlchemy dialect ----------------------------------------------------------------------


class ClickHouseIdentifierPreparer(compiler.IdentifierPreparer):
    reserved_words = RESERVED_WORDS
    legal_characters = re.compile(r"^[A-Z0-9_]+$", re.I)

    def __init__(self, dialect: Dialect) -> None:
        # Backticks are ClickHouse's own quotes (double quotes work too).
        super().__init__(dialect, initial_quote="`", escape_quote="`")


class ClickHouseCompiler(compiler.SQLCompiler):
    def render_literal_value(self, value: Any, type_: sqltypes.TypeEngine[Any]) -> str:
        # A backslash starts an escape in ClickHouse strings ('a\b' is not three characters).
        # https://clickhouse.com/docs/en/sql-reference/syntax#string
        return super().render_literal_value(value, type_).replace("\\", "\\\\")

    def visit_now_func(self, fn: Any, **kw: Any) -> str:
        return "now()"


class ClickHouseDDLCompiler(compiler.DDLCompiler):
    dialect: ClickHouseDialect

    # ---- statements ----

    def visit_create_schema(self, create: Any, **kw: Any) -> str:
        """A ClickHouse schema is a database."""
        text = "CREATE DATABASE "
        if create.if_not_exists:
            text += "IF NOT EXISTS "
        return text + self.preparer.format_schema(create.element) + self._on_cluster()

    def create_table_suffix(self, table: Table) -> str:
        return self._on_cluster().strip()

    def _on_cluster(self) -> str:
        cluster = self.dialect.settings.cluster
        if not cluster:
            return ""
        # '{cluster}' is a macro the server expands; it must be a string literal.
        name = self.preparer.quote(cluster) if IDENTIFIER.fullmatch(cluster) else self._string(cluster)
        return f" ON CLUSTER {name}"

    # ---- columns ----

    def visit_create_column(self, create: Any, first_pk: bool = False, **kw: Any) -> str | None:
        column = create.element
        if column.system:
            return None
        # Column-level CHECK constraints are written at table level: ClickHouse has no inline form.
        return self.get_column_specification(column)

    def get_column_specification(self, column: Column[Any], **kw: Any) -> str:
        """`name Type [DEFAULT|MATERIALIZED|ALIAS expr] [COMMENT '...'] [CODEC(...)]`, in ClickHouse's order."""
        parts = [self.preparer.format_column(column), self.column_type(column)]
        default = self.column_default(column)
        if default is not None:
            parts += [default.keyword, self._sql(default.expression)]
        if column.comment:
            parts += ["COMMENT", self._string(column.comment)]
        codec = clickhouse_info(column).get("codec") or passed_option(column, "codec")
        if codec:
            parts.append(f"CODEC({', '.join(codec) if isinstance(codec, (list, tuple)) else codec})")
        return " ".join(parts)

    def column_type(self, column: Column[Any]) -> str:
        """The column's ClickHouse type: Nullable(T) when nullable and outside the keys; LowCardinality
        around it when asked (or for enums); exactly `info['clickhouse']['type']` when given."""
        override = clickhouse_info(column).get("type")
        if override:
            return str(override)
        types = self.dialect.type_compiler_instance
        inner = types.process(column.type)
        if is_native(types.resolve(column.type)):
            return inner
        if column.nullable and self.lost_nullability(column) is None:
            inner = f"Nullable({inner})"
        low = clickhouse_info(column).get("low_cardinality")
        if low is None:
            low = types.is_low_cardinality(column.type)
        if low and not types.is_native_enum(column.type):  # an Enum8 is already one byte per value
            inner = f"LowCardinality({inner})"
        return inner

    def lost_nullability(self, column: Column[Any]) -> str | None:
        """Why a nullable column cannot be Nullable here, or None when it can (or is not nullable)."""
        if not column.nullable or clickhouse_info(column).get("type"):
            return None
        types = self.dialect.type_compiler_instance
        if is_native(types.resolve(column.type)):
            return None
        if column.table is not None and column.name in self.table_spec(column.table).key_columns:
            return "ClickHouse sorting, primary and partition keys cannot be Nullable"
        if not types.can_be_nullable(column.type):
            return "ClickHouse cannot make arrays, maps or JSON objects Nullable"
        return None

    def column_default(self, column: Column[Any]) -> ColumnDefault | None:
        info_default = clickhouse_info(column).get("default")
        if info_default is not None:
            return ColumnDefault("DEFAULT", _expression(info_default))
        if column.computed is not None:
            # STORED -> MATERIALIZED (computed on insert), VIRTUAL -> ALIAS (computed on read).
            keyword = "ALIAS" if column.computed.persisted is False else "MATERIALIZED"
            return ColumnDefault(keyword, column.computed.sqltext)
        for keyword in ("materialized", "alias"):  # clickhouse-sqlalchemy's column options
            value = passed_option(column, keyword)
            if value is not None:
                return ColumnDefault(keyword.upper(), _expression(value))
        expression = _server_default_expression(column, self.dialect.type_compiler_instance)
        return ColumnDefault("DEFAULT", expression) if expression is not None else None

    def lost_default(self, column: Column[Any]) -> bool:
        return isinstance(column.server_default, DefaultClause) and self.column_default(column) is None

    # ---- table clauses ----

    def table_spec(self, table: Table) -> TableSpec:
        """`table_spec()` once per table and compiler (a column asks for its table's keys)."""
        specs: dict[Table, TableSpec] | None = getattr(self, "_specs", None)
        if specs is None:
            specs = self._specs = {}
        if table not in specs:
            specs[table] = table_spec(table, self.dialect.settings)
        return specs[table]

    def create_table_constraints(self, table: Table, _include_foreign_key_constraints: Any = None,
                                 **kw: Any) -> str:
        """CHECK constraints (named: ClickHouse requires it) and data-skipping indexes. Primary, unique and
        foreign keys are not written: the sorting key replaces the first, the adapter reports the others."""
        clauses: list[str] = []
        checks = [c for c in table._sorted_constraints if isinstance(c, CheckConstraint)]
        checks += [c for column in table.columns for c in sorted(column.constraints, key=lambda c: str(c.sqltext))
                   if isinstance(c, CheckConstraint)]
        for number, check in enumerate(checks, 1):
            if not check._should_create_for_compiler(self):
                continue
            name = self.preparer.format_constraint(check) if check.name is not None else None
            name = name or self.preparer.quote(f"ck_{table.name}_{number}")
            clauses.append(f"CONSTRAINT {name} {self.define_check_body(check)}")
        for index in sorted(skipping_indexes(table), key=index_key):
            info = clickhouse_info(index)
            expressions = [self._sql(e) for e in index.expressions]
            expression = expressions[0] if len(expressions) == 1 else f"({', '.join(expressions)})"
            clauses.append(f"INDEX {self._prepared_index_name(index)} {expression} TYPE {info['type']} "
                           f"GRANULARITY {int(info.get('granularity', 1))}")
        return ", \n\t".join(clauses)

    def post_create_table(self, table: Table) -> str:
        spec = self.table_spec(table)
        lines = [f"ENGINE = {self._engine(spec.engine)}"]
        if spec.partition_by is not None:
            lines.append(f"PARTITION BY {self._key(spec.partition_by)}")
        if spec.primary_key is not None:
            lines.append(f"PRIMARY KEY {self._key(spec.primary_key)}")
        if spec.engine.merge_tree:
            lines.append(f"ORDER BY {self._key(spec.order_by)}")
        if spec.ttl:
            lines.append(f"TTL {', '.join(self._sql(t) for t in spec.ttl)}")
        if spec.settings:
            lines.append("SETTINGS " + ", ".join(f"{k} = {self._setting(v)}" for k, v in spec.settings.items()))
        if table.comment:
            lines.append(f"COMMENT {self._string(table.comment)}")
        return "\n" + "\n".join(lines)

    def _engine(self, engine: Engine) -> str:
        settings = self.dialect.settings
        args = list(engine.args) if engine.args is not None else None
        name = engine.name
        if settings.cluster and engine.merge_tree and not engine.replicated:
            # https://clickhouse.com/docs/en/engines/table-engines/mergetree-family/replication
            name = f"Replicated{name}"
            args = [sa.literal(settings.replication_path), sa.literal(settings.replica_name), *(args or [])]
        if args is None:
            return name
        return f"{name}({', '.join(self._sql(a) for a in args)})"

    def _key(self, items: Sequence[ClauseElement]) -> str:
        if not items:
            return "tuple()"
        if len(items) == 1:
            return self._sql(items[0])
        return f"({', '.join(self._sql(i) for i in items)})"

    def _setting(self, value: Any) -> str:
        if isinstance(value, bool):
            return "1" if value else "0"
        if isinstance(value, (int, float)) or (isinstance(value, str) and NUMBER.fullmatch(value.strip())):
            return str(value).strip()
        return self._string(str(value))

    def _sql(self, expression: ClauseElement) -> str:
        return str(self.sql_compiler.process(expression, include_table=False, literal_binds=True))

    def _string(self, value: str) -> str:
        return self.sql_compiler.render_literal_value(value, sqltypes.String())


class ClickHouseDialect(DefaultDialect):
    """Compiles DDL for ClickHouse; never connects."""

    name = "clickhouse"
    statement_compiler = ClickHouseCompiler
    ddl_compiler = ClickHouseDDLCompiler
    type_compiler_cls = ClickHouseTypeCompiler
    preparer = ClickHouseIdentifierPreparer
    supports_alter = True
    supports_comments = True
    inline_comments = True
    supports_native_boolean = True
    supports_native_enum = False
    supports_sequences = False
    supports_identity_columns = False
    supports_statement_cache = False
    max_identifier_length = 255

    def __init__(self, settings: ClickHouseSettings | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.settings = settings or ClickHouseSettings()


def skipping_indexes(table: Table) -> list[Index]:
    """Indexes declared as ClickHouse data-skipping indexes: info={"clickhouse": {"type": "minmax", ...}}."""
    return [index for index in table.indexes if clickhouse_info(index).get("type")]


# ---- the adapter -------------------------------------------------------------------------------


class ClickHouseAdapter(Adapter):
    name = "clickhouse"
    role = LAKE
    supports_foreign_keys = False
    always_copy = True
    # Data-skipping indexes live inside their table's definition.
    index_names_per_schema = False

    def __init__(self, options: Any = None) -> None:
        super().__init__(options)
        self.settings = ClickHouseSettings.from_mapping(self.options.settings)

    def create_dialect(self) -> Dialect:
        return ClickHouseDialect(self.settings)

    def carry_over(self, original: Table, copy: Table) -> None:
        """A clickhouse-sqlalchemy engine (`table.engine`) is not copied by `Table.to_metadata`; its clauses
        become the copy's info['clickhouse'] (the model's explicit info keys win)."""
        engine = getattr(original, "engine", None)
        if engine is None or type(engine).__module__.partition(".")[0] != "clickhouse_sqlalchemy":
            return
        translated = engine_info(engine, self.ddl_compiler)
        copy.info = {**copy.info, "clickhouse": {**translated, **clickhouse_info(original)}}

    def adapt_table(self, table: Table, report: LossReport) -> None:
        """Check the info keys, then add the CDC columns, which only the lake has."""
        check_info(table)
        spec = table_spec(table, self.settings)
        if spec.cdc is None:
            return
        # DEFAULT 0: writers that do not know the columns (a backfill, a test) can still insert.
        for name, type_ in ((spec.cdc.version, CDC_VERSION_TYPE), (spec.cdc.is_deleted, CDC_IS_DELETED_TYPE)):
            if name and name not in table.columns:
                table.append_column(Column(name, NativeType(type_), nullable=False, server_default=sa.text("0")))

    def audit(self, tables: list[Table], report: LossReport) -> None:
        compiler_: ClickHouseDDLCompiler = self.ddl_compiler
        types = compiler_.dialect.type_compiler_instance
        for table in tables:
            for fk in sorted(table.foreign_key_constraints, key=lambda f: [c.name for c in f.columns]):
                report.add("foreign key", _foreign_key_subject(fk), "ClickHouse has no foreign keys")
            for unique in sorted((c for c in table.constraints if isinstance(c, UniqueConstraint)),
                                 key=lambda c: [col.name for col in c.columns]):
                report.add("unique constraint", _columns_subject(table, unique.columns),
                           "ClickHouse enforces no uniqueness")
            generated = table.autoincrement_column
            for column in table.columns:
                subject = f"{table.fullname}.{column.name}"
                if column.identity is not None or column is generated or isinstance(column.default, SequenceDefault):
                    report.add("generated key", subject,
                               "ClickHouse generates no key values; the writer supplies them")
                if compiler_.lost_default(column):
                    report.add("server default", subject, "not a ClickHouse expression; give one with "
                               "info={'clickhouse': {'default': ...}}")
                reason = compiler_.lost_nullability(column)
                if reason:
                    report.add("Nullable type", subject, reason)
                if not clickhouse_info(column).get("type") and types.unmapped(column.type):
                    report.add("column type", subject, "no ClickHouse equivalent, stored as String; choose one with "
                               "info={'clickhouse': {'type': ...}}")
                if getattr(types.resolve(column.type), "collation", None):
                    report.add("collation", subject, "ClickHouse columns have no collation")

    def comment_elements(self, table: Table) -> list[ExecutableDDLElement]:
        return []  # inline: COMMENT '...' on columns and tables

    def index_elements(self, table: Table, report: LossReport) -> list[ExecutableDDLElement]:
        """ClickHouse has no CREATE INDEX for secondary indexes; data-skipping indexes are written inside
        CREATE TABLE, every other index is reported."""
        skipping = set(skipping_indexes(table))
        for index in sorted(table.indexes, key=index_key):
            subject = f"{table.fullname}.{index.name}"
            if index.unique:
                report.add("unique index", subject, "ClickHouse enforces no uniqueness")
            elif index not in skipping:
                report.add("index", subject, "ClickHouse has no secondary indexes; declare a data-skipping index "
                           "with info={'clickhouse': {'type': ...}}")
        return []

    def column_type(self, column: Any) -> str:
        return self.ddl_compiler.column_type(column)


def check_info(table: Table) -> None:
    """Reject unknown keys in info['clickhouse'] of the table, its columns and indexes: a typo must not
    silently give the lake another layout."""
    items = [(table, TABLE_KEYS, "table")]
    items += [(column, COLUMN_KEYS, f"column {column.name!r}") for column in table.columns]
    items += [(index, INDEX_KEYS, f"index {index.name!r}") for index in table.indexes]
    for item, known, what in items:
        unknown = sorted(set(clickhouse_info(item)) - known)
        if unknown:
            raise ModelError(f"info['clickhouse'] of {what} has unknown key {unknown[0]!r} "
                             f"(known: {', '.join(sorted(known))})", where=table.fullname)


def engine_info(engine: Any, ddl: ClickHouseDDLCompiler) -> dict[str, Any]:
    """A clickhouse-sqlalchemy engine object as info['clickhouse'] keys (duck-typed on its attributes).
    https://github.com/xzkostyan/clickhouse-sqlalchemy/blob/master/clickhouse_sqlalchemy/engines/mergetree.py"""

    def text(item: Any) -> str:
        return ddl._sql(item) if isinstance(item, ClauseElement) else str(item)

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


def _foreign_key_subject(fk: ForeignKeyConstraint) -> str:
    local = ", ".join(c.name for c in fk.columns)
    remote = ", ".join(e.target_fullname.rsplit(".", 1)[1] for e in fk.elements)
    referred = fk.elements[0].target_fullname.rsplit(".", 1)[0]
    return f"{fk.table.fullname}.{local} -> {referred}.{remote}"


def _columns_subject(table: Table, columns: Iterable[Column[Any]]) -> str:
    names = [c.name for c in columns]
    return f"{table.fullname}.{names[0]}" if len(names) == 1 else f"{table.fullname}({', '.join(names)})"


__all__ = ["ClickHouseAdapter", "ClickHouseDialect", "ClickHouseSettings", "TableSpec", "table_spec"]
