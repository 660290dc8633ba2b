"""CDC into the lake: the pipeline profiles (the metadata columns and engine each tool writes) and the rules a
table replicated from the application must follow.

A CDC pipeline turns every UPDATE and DELETE of the application database into a new row carrying a version
(and a deleted flag); `ReplacingMergeTree(version, is_deleted)` keeps the newest row of each *sorting key*
and, under `SELECT ... FINAL`, hides keys whose newest row is a delete (the two-argument form: ClickHouse 23.2+).
https://clickhouse.com/docs/en/engines/table-engines/mergetree-family/replacingmergetree

So a table fed from the application is only correct when its sorting key is the row's identity (the model's
primary key) and its engine replaces: a key column that changes (status, updated_at) keeps the old version
forever; a SummingMergeTree adds the new value to the old; a plain MergeTree keeps every version.
https://docs.peerdb.io/mirror/ordering-key-different
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import Table

from ...errors import ModelError
from ...selection import APP, Target, wanted
from ...typefacts import split_args
from .info import CDC_KEYS, IDENTIFIER, clickhouse_info

if TYPE_CHECKING:
    from .engines import Engine, TableSpec
    from .settings import ClickHouseSettings

# The engine family that replaces older versions of a key (Replicated and Shared variants included).
REPLACING = "ReplacingMergeTree"
# The application dialects: a table any of them receives is fed from the application.
APP_DIALECTS = ("postgresql", "mysql", "mariadb", "sqlite", "mssql")


@dataclass(frozen=True)
class MetaColumn:
    """A column the pipeline writes beside the model's: its role, name, ClickHouse type and DEFAULT (or None)."""

    role: str  # "version", "is_deleted" or "synced_at"
    name: str
    type: str
    default: str | None = None


@dataclass(frozen=True)
class CdcProfile:
    """What one pipeline expects of a table it writes into: its metadata columns, in the order it creates them."""

    tool: str
    columns: tuple[MetaColumn, ...]

    def column(self, role: str) -> MetaColumn | None:
        return next((c for c in self.columns if c.role == role), None)


# Each profile is the layout the tool itself creates (docs/clickhouse.md cites the source of every choice).
PROFILES: dict[str, CdcProfile] = {
    # Ours: DEFAULT 0 lets writers that do not know the columns (a backfill, a test) still insert.
    "generic": CdcProfile("generic", (
        MetaColumn("version", "_version", "UInt64", "0"),
        MetaColumn("is_deleted", "_is_deleted", "UInt8", "0"),
    )),
    # PeerDB / ClickPipes: flow/connectors/clickhouse/normalize.go (PeerDB-io/peerdb). It refuses an existing
    # table without these three columns (flow/connectors/clickhouse/validate.go).
    "peerdb": CdcProfile("peerdb", (
        MetaColumn("synced_at", "_peerdb_synced_at", "DateTime64(9)", "now64()"),
        MetaColumn("is_deleted", "_peerdb_is_deleted", "UInt8"),
        MetaColumn("version", "_peerdb_version", "UInt64"),
    )),
    # Debezium with the Altinity sink connector: ClickHouseDbConstants.java and ClickHouseAutoCreateTable.java
    # (Altinity/clickhouse-sink-connector).
    "debezium": CdcProfile("debezium", (
        MetaColumn("version", "_version", "UInt64"),
        MetaColumn("is_deleted", "is_deleted", "UInt8"),
    )),
}


@dataclass(frozen=True)
class Cdc:
    """A table's CDC layout: the tool, and the metadata columns with this table's names."""

    tool: str
    columns: tuple[MetaColumn, ...]

    def name(self, role: str) -> str | None:
        found = next((c for c in self.columns if c.role == role), None)
        return found.name if found is not None else None

    @property
    def version(self) -> str:
        return self.name("version") or ""

    @property
    def is_deleted(self) -> str | None:
        return self.name("is_deleted")


def fed_from_app(table: Table) -> bool:
    """The table reaches an application database too, so the lake receives its rows from there."""
    return any(wanted(table, Target(name, APP)) for name in APP_DIALECTS)


def append_only(table: Table) -> bool:
    return clickhouse_info(table).get("append_only") is True


def resolve_cdc(table: Table, settings: ClickHouseSettings) -> Cdc | None:
    """The table's CDC layout from info['clickhouse']['cdc'] (True, False or a dict of tool/version/is_deleted)
    over the target's `cdc` setting: `auto` (the default) makes every table fed from the application a CDC
    table, unless the model says it is append-only or it has no primary key."""
    where = table.fullname
    value = clickhouse_info(table).get("cdc")
    if value is None:
        # auto leaves out a table without a primary key: there is no row identity to replace by
        auto = fed_from_app(table) and not append_only(table) and bool(table.primary_key.columns)
        on = settings.cdc if settings.cdc is not None else auto
        value = bool(on)
    if value is False:
        return None
    if value is True:
        value = {}
    if not isinstance(value, dict):
        raise ModelError(f"info['clickhouse']['cdc'] must be True, False or a dict, got {value!r}", where=where)
    unknown = sorted(set(value) - CDC_KEYS)
    if unknown:
        raise ModelError(f"info['clickhouse']['cdc'] has unknown key {unknown[0]!r} (known: "
                         f"{', '.join(sorted(CDC_KEYS))})", where=where)
    tool = value.get("tool", settings.cdc_tool)
    if tool not in PROFILES:
        raise ModelError(f"info['clickhouse']['cdc']['tool'] must be one of {', '.join(sorted(PROFILES))}, "
                         f"got {tool!r}", where=where)
    profile = PROFILES[tool]
    # Names, lowest precedence first: the profile's, the target's cdc_*_column settings, the table's dict.
    names = {"version": settings.cdc_version_column, "is_deleted": settings.cdc_is_deleted_column}
    names = {role: name for role, name in names.items() if name}
    names.update({role: value[role] for role in ("version", "is_deleted") if role in value})
    columns: list[MetaColumn] = []
    for column in profile.columns:
        name = names.get(column.role, column.name)
        if column.role == "is_deleted" and name in (None, False):
            continue  # "is_deleted": None leaves the deleted flag and its engine argument out
        if not isinstance(name, str) or not IDENTIFIER.fullmatch(name):
            raise ModelError(f"info['clickhouse']['cdc'][{column.role!r}] must be a column name, got {name!r}",
                             where=where)
        columns.append(MetaColumn(column.role, name, column.type, column.default))
    return Cdc(tool, tuple(columns))


def cdc_engine(cdc: Cdc) -> tuple[str, tuple[str, ...]]:
    """ReplacingMergeTree(version[, is_deleted]): name and argument column names."""
    return REPLACING, tuple(name for name in (cdc.version, cdc.is_deleted) if name)


def engine_family(engine: Engine) -> str:
    """`ReplicatedReplacingMergeTree` and `SharedReplacingMergeTree` are ReplacingMergeTree."""
    name = engine.name
    for prefix in ("Replicated", "Shared"):
        name = name.removeprefix(prefix)
    return name


def validate_cdc(table: Table, spec: TableSpec) -> None:
    """A CDC table fed from the application must replace rows by its primary key; otherwise the lake keeps
    versions the application no longer has. A ModelError names the table and the column or engine."""
    if spec.cdc is None or not fed_from_app(table) or append_only(table):
        return
    advice = "or mark the table info={'clickhouse': {'append_only': True}} if its rows are never updated or deleted"
    family = engine_family(spec.engine)
    if family != REPLACING:
        raise ModelError(f"fed from the application by CDC, but ENGINE = {spec.engine.name} keeps every version "
                         "of a row (SummingMergeTree adds an update to the old value); leave 'engine' out for "
                         f"ReplacingMergeTree, {advice}", where=table.fullname)
    if len(engine_arguments(spec.engine)) < 2 and spec.cdc.is_deleted:
        raise ModelError(f"fed from the application by CDC, but ENGINE = {spec.engine.name} has no is-deleted "
                         f"argument, so deleted rows never disappear; leave 'engine' out for ReplacingMergeTree("
                         f"{spec.cdc.version}, {spec.cdc.is_deleted}), {advice}", where=table.fullname)
    identity = {column.name for column in table.primary_key.columns}
    if not identity:
        raise ModelError("fed from the application by CDC, but has no primary key: ReplacingMergeTree would "
                         f"keep one row for the whole table; declare the primary key, {advice}",
                         where=table.fullname)
    for clause, names in spec.key_clauses:
        outside = [name for name in names if name not in identity]
        if outside:
            raise ModelError(f"fed from the application by CDC, but {clause} uses {outside[0]!r}, which is not in "
                             f"the primary key ({', '.join(sorted(identity))}): an update of {outside[0]!r} keeps "
                             f"the old version forever (SELECT ... FINAL returns both); key the table on its "
                             f"primary key, {advice}", where=table.fullname)


def engine_arguments(engine: Engine) -> list[str]:
    """The engine's arguments as text, split at top-level commas."""
    return [part for argument in engine.args or () for part in split_args(str(argument))]
