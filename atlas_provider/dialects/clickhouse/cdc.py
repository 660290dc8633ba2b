"""CDC into the lake: the pipeline profiles (the metadata columns and engine each tool writes) and the rules a
table replicated from the application must follow.

A CDC pipeline turns every UPDATE and DELETE of the application database into a new row carrying a version
(and a deleted flag); `ReplacingMergeTree(version, is_deleted)` keeps the newest row of each *sorting key*
and, under `SELECT ... FINAL`, hides keys whose newest row is a delete (the two-argument form: ClickHouse 23.2+).
https://clickhouse.com/docs/en/engines/table-engines/mergetree-family/replacingmergetree

A pipeline is *declared* when the target names its tool (`cdc_tool`) or says `cdc = true`, or the table says
`"cdc": True` / a dict; it is *assumed* for a table the application also receives when nothing is said. Then:

- what certainly loses rows under a declared pipeline is refused: an engine that does not replace (a plain
  MergeTree keeps every version, a SummingMergeTree adds an update to the old value), or a sorting key that
  leaves out a primary-key column (distinct rows sharing the rest replace each other);
- everything else is the model's to say and is printed as declared, with one warning per table: the same
  layouts under an assumed pipeline, a ReplacingMergeTree without the is-deleted argument (deleted rows stay,
  flagged), and key columns besides the primary key that the model does not declare `stable`. ClickHouse's
  own guidance puts such never-changing columns before the primary key in the ordering key:
  https://clickhouse.com/docs/integrations/clickpipes/postgres/ordering-keys
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
SUMMING = "SummingMergeTree"
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


# Where each pipeline says what a delete carries from PostgreSQL (docs/clickhouse.md cites them in full).
PROFILE_DOCS: dict[str, str] = {
    "generic": "a PostgreSQL DELETE carries the replica identity only",
    "peerdb": "ClickPipes for Postgres, 'Ordering keys': set the replica identity to the ordering key",
    "debezium": "Debezium's PostgreSQL connector: REPLICA IDENTITY DEFAULT sends old values of key columns only",
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


DECLARED, ASSUMED = "declared", "assumed"


def pipeline(table: Table, settings: ClickHouseSettings) -> str | None:
    """How a CDC pipeline feeds the table: DECLARED (the table's `cdc`, or the target's `cdc = true` or
    `cdc_tool`), ASSUMED (`cdc = auto`, nothing said, and the table is fed from the application, has a primary
    key and is not append-only), or None (no CDC)."""
    value = clickhouse_info(table).get("cdc")
    if value is not None:
        return None if value is False else DECLARED
    if settings.cdc is not None:
        return DECLARED if settings.cdc else None
    if not fed_from_app(table) or append_only(table) or not table.primary_key.columns:
        return None
    return DECLARED if settings.cdc_tool is not None else ASSUMED


def resolve_cdc(table: Table, settings: ClickHouseSettings, layout_open: bool = True,
                engine: str | None = None) -> Cdc | None:
    """The table's CDC layout (profile columns) from info['clickhouse']['cdc'] (True, False or a dict of
    tool/version/is_deleted) over the target's settings. An assumed pipeline adds them only where the model
    leaves the layout open (`layout_open`: no engine declared, and a declared sorting key holds the primary
    key) or where the engine it declares (`engine`, as written) names them: a layout the model chose is
    printed as it chose it, and an engine it chose gets the columns it names."""
    where = table.fullname
    state = pipeline(table, settings)
    if state is None:
        return None
    value = clickhouse_info(table).get("cdc")
    if value is None or value is True:
        value = {}
    if not isinstance(value, dict):
        raise ModelError(f"info['clickhouse']['cdc'] must be True, False or a dict, got {value!r}", where=where)
    unknown = sorted(set(value) - CDC_KEYS)
    if unknown:
        raise ModelError(f"info['clickhouse']['cdc'] has unknown key {unknown[0]!r} (known: "
                         f"{', '.join(sorted(CDC_KEYS))})", where=where)
    tool = value.get("tool", settings.cdc_tool or "generic")
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
    named = set(IDENTIFIER.findall(engine or "")) & {column.name for column in columns}
    if state == ASSUMED and not layout_open and not named:
        return None
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


def stable_columns(table: Table) -> set[str]:
    """info['clickhouse']['stable']: the columns the model says never change once a row is written (a tenant,
    a creation time), which may therefore sit in the sorting or partition key beside the primary key."""
    value = clickhouse_info(table).get("stable", [])
    names = [value] if isinstance(value, str) else value
    if not isinstance(names, (list, tuple)) or not all(isinstance(n, str) for n in names):
        raise ModelError("info['clickhouse']['stable'] must be a column name or a list of them", where=table.fullname)
    for name in names:
        if name not in table.columns:
            raise ModelError(f"info['clickhouse']['stable'] names {name!r}, which is not a column of this table in "
                             "the lake", where=table.fullname)
    return set(names)


def judge_cdc(table: Table, spec: TableSpec) -> str | None:
    """Judge a table fed from the application by a CDC pipeline. Under a declared pipeline a certain loss is a
    ModelError naming the table; every other risk, and any risk under an assumed pipeline, is returned as
    one warning (risk and fix), or None when the layout is safe."""
    stable = stable_columns(table)
    if spec.pipeline is None or not fed_from_app(table) or append_only(table):
        return None
    declared = spec.pipeline == DECLARED
    way_out = ("say 'append_only': True if rows are never updated or deleted, or 'cdc': False if no CDC "
               "pipeline feeds it")
    risks: list[str] = []

    def loss(what: str, fix: str) -> None:
        if declared:
            raise ModelError(f"fed from the application by CDC, which the model declares, but {what}; {fix}, or "
                             f"{way_out}", where=table.fullname)
        risks.append(f"{what}; {fix}, or {way_out}")

    identity = [column.name for column in table.primary_key.columns]
    ordering = dict(spec.key_clauses).get("ORDER BY", ())
    missing = [name for name in identity if name not in ordering]
    replacing = engine_family(spec.engine) == REPLACING
    if missing and not replacing and not spec.engine_declared:  # the lake defaults chose MergeTree for that
        risks.append(f"ORDER BY leaves out the primary-key column {missing[0]!r}, so the lake keeps every version "
                     f"of a row a CDC pipeline sends (MergeTree: a ReplacingMergeTree would merge distinct rows); "
                     f"add {missing[0]!r} to 'order_by', or {way_out}")
        return "; ".join(risks)
    if not replacing:
        summing = " (SummingMergeTree adds an update to the old value)" if engine_family(spec.engine) == SUMMING else ""
        loss(f"ENGINE = {spec.engine.name} keeps every version of a row a CDC pipeline sends{summing}",
             "use ReplacingMergeTree (leave 'engine' out for the lake's)")
        return "; ".join(risks)
    if not identity:
        if not ordering:
            loss("has no primary key, so ReplacingMergeTree keeps one row for the whole table",
                 "declare the primary key")
        else:
            risks.append("has no primary key: rows with the same ORDER BY values replace each other")
    if missing:
        loss(f"ORDER BY leaves out the primary-key column {missing[0]!r}, so distinct rows with the same ORDER BY "
             "values replace each other", f"add {missing[0]!r} to 'order_by'")
    elif identity and not set(identity) <= spec.bare_order_by:
        inside = next(name for name in identity if name not in spec.bare_order_by)
        risks.append(f"ORDER BY uses the primary-key column {inside!r} only inside an expression: rows whose "
                     "expression agrees replace each other; order by the column itself")
    if len(engine_arguments(spec.engine)) < 2 and (spec.cdc is None or spec.cdc.is_deleted):
        flag = spec.cdc.is_deleted if spec.cdc is not None else "is_deleted"
        version = spec.cdc.version if spec.cdc is not None else "version"
        risks.append(f"ENGINE = {spec.engine.name} has no is-deleted argument, so deleted rows stay (at best "
                     f"flagged {flag} = 1, for every query to filter); give it ({version}, {flag}) or leave "
                     "'engine' out")
    outside = sorted({name for _, names in spec.key_clauses for name in names} - set(identity) - stable)
    if outside and identity:
        clauses = [clause for clause, names in spec.key_clauses if set(names) & set(outside)]
        listed = ", ".join(repr(n) for n in outside)
        identity_needed = replica_identity(table, spec)
        needs = f"; PostgreSQL: REPLICA IDENTITY {identity_needed}" if identity_needed else ""
        risks.append(f"{' and '.join(clauses)} use{'s' if len(clauses) == 1 else ''} {listed} beside the primary "
                     f"key: a row whose {listed} changes is not replaced (the old version stays); if "
                     f"{'it never changes' if len(outside) == 1 else 'they never change'}, say so with "
                     f"info={{'clickhouse': {{'stable': [{listed}]}}}}{needs}")
    return "; ".join(risks) or None


def replica_identity(table: Table, spec: TableSpec) -> str | None:
    """What a PostgreSQL application table must be set to for a CDC table keyed on columns beside its primary
    key: a DELETE carries only the replica identity (the primary key by default), so a tombstone without
    those columns lands on another sorting key and the row stays. None when nothing is needed."""
    identity = [column.name for column in table.primary_key.columns]
    beside = sorted(set(spec.key_columns) - set(identity))
    if spec.pipeline is None or not identity or not beside or not wanted(table, Target("postgresql", APP)):
        return None
    tool = spec.cdc.tool if spec.cdc is not None else "generic"
    return (f"FULL, or USING INDEX on a unique index of ({', '.join(identity + beside)}), so that a DELETE "
            f"carries {', '.join(beside)} ({PROFILE_DOCS[tool]})")


def engine_arguments(engine: Engine) -> list[str]:
    """The engine's own arguments as text, split at top-level commas: a Replicated engine's ZooKeeper path
    and replica name (two string literals, given together or not at all) come before them.
    https://clickhouse.com/docs/en/engines/table-engines/mergetree-family/replication"""
    parts = [part for argument in engine.args or () for part in split_args(str(argument))]
    if engine.replicated and parts[:1] and parts[0].startswith("'"):
        return parts[2:]
    return parts
