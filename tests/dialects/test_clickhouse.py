"""ClickHouse, offline: the exact DDL and loss report for models built here. tests/live/ loads the same kinds
of output into chDB and reads it back."""

from __future__ import annotations

import enum
import warnings
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.dialects import mssql, mysql
from sqlalchemy.dialects import postgresql as pg
from sqlalchemy.sql.base import SchemaEventTarget

from atlas_provider import ModelError, UnsupportedError, UsageError
from atlas_provider.api import Schema, build_schema
from atlas_provider.config import target_options
from atlas_provider.dialects import TargetOptions, get_adapter
from atlas_provider.dialects.clickhouse import ClickHouseAdapter
from atlas_provider.loading import Model, table_key
from tests.support.provider import run_provider
from tests.support.sqlsplit import split_statements

ROOT = Path(__file__).resolve().parents[2]


class Status(str, enum.Enum):
    NEW = "new"
    DONE = "done"


class Level(enum.IntEnum):
    LOW = 1
    HIGH = 2


# (SQLAlchemy type, ClickHouse type of a NOT NULL column). Shared with tests/live, which loads them all.
TYPE_CASES: list[tuple[str, sa.types.TypeEngine[Any], str]] = [
    ("boolean", sa.Boolean(), "Bool"),
    ("mssql_bit", mssql.BIT(), "Bool"),
    ("small_integer", sa.SmallInteger(), "Int16"),
    ("integer", sa.Integer(), "Int32"),
    ("big_integer", sa.BigInteger(), "Int64"),
    ("mysql_tinyint", mysql.TINYINT(), "Int8"),
    ("mysql_tinyint_unsigned", mysql.TINYINT(unsigned=True), "UInt8"),
    ("mssql_tinyint", mssql.TINYINT(), "UInt8"),
    ("mysql_mediumint", mysql.MEDIUMINT(), "Int32"),
    ("mysql_int_unsigned", mysql.INTEGER(unsigned=True), "UInt32"),
    ("mysql_bigint_unsigned", mysql.BIGINT(unsigned=True), "UInt64"),
    ("mysql_year", mysql.YEAR(), "UInt16"),
    ("float", sa.Float(), "Float64"),
    ("float_24", sa.Float(precision=24), "Float32"),
    ("real", sa.REAL(), "Float32"),
    ("double", sa.Double(), "Float64"),
    ("double_precision", sa.DOUBLE_PRECISION(), "Float64"),
    ("numeric", sa.Numeric(12, 2), "Decimal(12, 2)"),
    ("numeric_no_scale", sa.Numeric(10), "Decimal(10, 0)"),
    ("numeric_unconstrained", sa.Numeric(), "Decimal(76, 38)"),
    ("decimal", sa.DECIMAL(38, 10), "Decimal(38, 10)"),
    ("string", sa.String(), "String"),
    ("string_n", sa.String(20), "String"),
    ("unicode", sa.Unicode(10), "String"),
    ("text", sa.Text(), "String"),
    ("unicode_text", sa.UnicodeText(), "String"),
    ("char", sa.CHAR(3), "String"),
    ("nvarchar", sa.NVARCHAR(30), "String"),
    ("clob", sa.CLOB(), "String"),
    ("pg_citext", pg.CITEXT(), "String"),
    ("mysql_longtext", mysql.LONGTEXT(), "String"),
    ("mysql_set", mysql.SET("a", "b"), "String"),
    ("large_binary", sa.LargeBinary(), "String"),
    ("varbinary", sa.VARBINARY(16), "String"),
    ("pg_bytea", pg.BYTEA(), "String"),
    ("pickle", sa.PickleType(), "String"),
    ("date", sa.Date(), "Date32"),
    ("datetime", sa.DateTime(), "DateTime64(6, 'UTC')"),  # naive: stored as UTC
    ("datetime_tz", sa.DateTime(timezone=True), "DateTime64(6, 'UTC')"),
    ("timestamp", sa.TIMESTAMP(), "DateTime64(6, 'UTC')"),
    ("pg_timestamp_3", pg.TIMESTAMP(precision=3), "DateTime64(3, 'UTC')"),
    ("pg_timestamptz_0", pg.TIMESTAMP(timezone=True, precision=0), "DateTime64(0, 'UTC')"),
    ("mysql_datetime_fsp", mysql.DATETIME(fsp=3), "DateTime64(3, 'UTC')"),
    ("mssql_datetime2", mssql.DATETIME2(precision=7), "DateTime64(7, 'UTC')"),
    ("mssql_datetimeoffset", mssql.DATETIMEOFFSET(), "DateTime64(6, 'UTC')"),
    ("time", sa.Time(), "String"),
    ("interval", sa.Interval(), "String"),
    ("pg_interval", pg.INTERVAL(), "String"),
    ("uuid", sa.Uuid(), "UUID"),
    ("uuid_upper", sa.UUID(), "UUID"),
    ("mssql_uniqueidentifier", mssql.UNIQUEIDENTIFIER(), "UUID"),
    ("enum", sa.Enum(Status, values_callable=lambda e: [m.value for m in e]), "LowCardinality(String)"),
    ("enum_strings", sa.Enum("a", "b", native_enum=False, length=5), "LowCardinality(String)"),
    ("pg_enum", pg.ENUM("x", "y", name="xy"), "LowCardinality(String)"),
    ("json", sa.JSON(), "String"),
    ("pg_jsonb", pg.JSONB(), "String"),
    ("mysql_json", mysql.JSON(), "String"),
    ("array", sa.ARRAY(sa.Integer()), "Array(Nullable(Int32))"),  # elements may be NULL
    ("pg_array_2d", pg.ARRAY(sa.String(), dimensions=2), "Array(Array(Nullable(String)))"),
    ("pg_hstore", pg.HSTORE(), "String"),  # ClickHouse's postgresql() reader cannot fill a Map (issue 20)
    ("pg_inet", pg.INET(), "String"),
    ("pg_cidr", pg.CIDR(), "String"),
    ("pg_domain", pg.DOMAIN("positive", sa.Integer()), "Int32"),
    ("variant_for_clickhouse", sa.Integer().with_variant(sa.String(), "clickhouse"), "String"),
    ("variant_for_other", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), "Int64"),
]
# Types that can not be Nullable in ClickHouse: a nullable column of these stays as is, with a loss line.
NEVER_NULLABLE = {"array", "pg_array_2d"}
# PostgreSQL's own types have a lake type per profile (tests/dialects/test_clickhouse_pgtypes.py).
UNMAPPED = [mysql.BIT(), mssql.SQL_VARIANT()]


def nullable_type(name: str, expected: str) -> str:
    """The ClickHouse type of the same column when nullable."""
    if name in NEVER_NULLABLE:
        return expected
    if expected.startswith("LowCardinality("):
        return f"LowCardinality(Nullable({expected[len('LowCardinality('):-1]}))"
    return f"Nullable({expected})"


def type_columns() -> list[sa.Column[Any]]:
    """A key, then every TYPE_CASES type twice: NOT NULL (`<case>_nn`) and nullable (`<case>_n`)."""
    columns: list[sa.Column[Any]] = [sa.Column("id", sa.Integer, primary_key=True, autoincrement=False)]
    for case, type_, _ in TYPE_CASES:
        columns.append(sa.Column(f"{case}_nn", type_, nullable=False))
        columns.append(sa.Column(f"{case}_n", type_, nullable=True))
    return columns


# ---- helpers -------------------------------------------------------------------------------------


def adapter(**settings: Any) -> ClickHouseAdapter:
    """The lake adapter. These tests are about table and column options, so their tables (which every target
    receives) are not made CDC tables by default; test_clickhouse_cdc.py tests the CDC defaults."""
    settings.setdefault("cdc", "false")
    result = get_adapter("clickhouse", TargetOptions(settings=settings))
    assert isinstance(result, ClickHouseAdapter)
    return result


def schema(*tables: sa.Table, strict: bool = False, **settings: Any) -> Schema:
    return build_schema(Model(tables=sorted(tables, key=table_key)), adapter(**settings), strict=strict)


def statements(*tables: sa.Table, **settings: Any) -> list[str]:
    return [s.rstrip(";") for s in split_statements(schema(*tables, **settings).text)]


def create_table(table: sa.Table, **settings: Any) -> str:
    """The CREATE TABLE statement of `table`, exactly."""
    found = [s for s in statements(table, **settings) if s.startswith("CREATE TABLE")]
    assert len(found) == 1, found
    return found[0]


def losses(*tables: sa.Table, **settings: Any) -> dict[str, list[str]]:
    """kind -> subjects of the loss report."""
    result: dict[str, list[str]] = {}
    for loss in sorted(set(schema(*tables, **settings).losses.losses)):
        result.setdefault(loss.kind, []).append(loss.subject)
    return result


def simple(metadata: sa.MetaData | None = None, *extra: Any, name: str = "events", **kw: Any) -> sa.Table:
    return sa.Table(name, metadata or sa.MetaData(), sa.Column("id", sa.BigInteger, primary_key=True,
                                                               autoincrement=False), *extra, **kw)


# ---- types ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(("case", "type_", "expected"), TYPE_CASES, ids=[c[0] for c in TYPE_CASES])
def test_type_mapping(case: str, type_: sa.types.TypeEngine[Any], expected: str) -> None:
    table = simple(None, sa.Column("nn", type_, nullable=False), sa.Column("n", type_, nullable=True))
    lake = adapter()
    assert lake.column_type(table.c.nn) == expected
    assert lake.column_type(table.c.n) == nullable_type(case, expected)


def test_every_type_compiles_in_one_table_and_only_never_nullable_ones_are_reported() -> None:
    table = sa.Table("types", sa.MetaData(), *type_columns())
    ddl = create_table(table)
    for case, _, expected in TYPE_CASES:
        assert f"\t{case}_nn {expected}" in ddl
        assert f"\t{case}_n {nullable_type(case, expected)}" in ddl
    assert losses(table)["Nullable type"] == sorted(f"types.{case}_n" for case in NEVER_NULLABLE)
    assert "column type" not in losses(table)


@pytest.mark.parametrize("type_", UNMAPPED, ids=lambda t: type(t).__name__)
def test_a_type_without_counterpart_is_stored_as_string_and_reported(type_: sa.types.TypeEngine[Any]) -> None:
    table = simple(None, sa.Column("odd", type_, nullable=False))
    assert "\todd String" in create_table(table)
    assert losses(table)["column type"] == ["events.odd"]


def test_a_type_override_is_used_as_written_and_silences_the_type_report() -> None:
    table = simple(None, sa.Column("odd", pg.TSVECTOR, info={"clickhouse": {"type": "Array(String)"}}),
                   sa.Column("ip", sa.String(45), info={"clickhouse": {"type": "IPv6"}}))
    ddl = create_table(table)
    assert "\todd Array(String)" in ddl
    assert "\tip IPv6" in ddl  # nullable in the model, but the override says exactly what the lake wants
    assert losses(table) == {}


def test_enum_type_setting() -> None:
    many = sa.Enum(*[f"v{i}" for i in range(200)], name="many")
    table = simple(None, sa.Column("status", sa.Enum(Status, values_callable=lambda e: [m.value for m in e])),
                   sa.Column("quote", sa.Enum("it's", "a\\b", name="q"), nullable=False),
                   sa.Column("many", many, nullable=False),
                   sa.Column("low", sa.Enum("a", "b", name="ab"), info={"clickhouse": {"low_cardinality": True}}))
    ddl = create_table(table, enum_type="Enum")
    assert "\tstatus Nullable(Enum8('new' = 1, 'done' = 2))" in ddl
    assert "\tquote Enum8('it''s' = 1, 'a\\\\b' = 2)" in ddl
    assert "\tmany Enum16('v0' = 1, " in ddl
    assert "\tlow Nullable(Enum8('a' = 1, 'b' = 2))" in ddl  # an Enum8 is already one byte a value
    assert "\tstatus Nullable(Enum16('new' = 1, 'done' = 2))" in create_table(table, enum_type="enum16")
    assert "\tstatus Nullable(String)" in create_table(table, enum_type="String")
    assert "\tstatus LowCardinality(Nullable(String))" in create_table(table)


def test_json_type_setting() -> None:
    table = simple(None, sa.Column("doc", sa.JSON, nullable=False), sa.Column("maybe", pg.JSONB))
    assert "\tdoc String" in create_table(table)
    assert "\tmaybe Nullable(String)" in create_table(table)
    ddl = create_table(table, json_type="JSON")
    assert "\tdoc JSON" in ddl
    assert "\tmaybe JSON" in ddl
    assert losses(table, json_type="JSON")["Nullable type"] == ["events.maybe"]


def test_timezone_and_precision_settings() -> None:
    table = simple(None, sa.Column("at", sa.DateTime(timezone=True), nullable=False),
                   sa.Column("local", sa.DateTime, nullable=False),
                   sa.Column("precise", pg.TIMESTAMP(precision=3), nullable=False))
    ddl = create_table(table, timezone="Europe/Berlin", datetime_precision="3")
    assert "\tat DateTime64(3, 'Europe/Berlin')" in ddl
    assert "\tlocal DateTime64(3, 'UTC')" in ddl  # naive: naive_timezone, not the aware setting
    assert "\tprecise DateTime64(3, 'UTC')" in create_table(table, datetime_precision=9)
    assert "\tlocal DateTime64(6, 'Asia/Tokyo')" in create_table(table, naive_timezone="Asia/Tokyo")
    assert "\tlocal DateTime64(6), " in create_table(table, naive_timezone="")  # the server's time zone


# ---- nullable, keys, low cardinality ---------------------------------------------------------------


def test_nullable_key_columns_keep_nullable_with_allow_nullable_key() -> None:
    table = simple(None, sa.Column("day", sa.Date), sa.Column("name", sa.String(30)),
                   sa.Column("country", sa.String(2), info={"clickhouse": {"low_cardinality": True}}),
                   sa.Column("code", sa.String(2), nullable=False, info={"clickhouse": {"low_cardinality": True}}),
                   info={"clickhouse": {"order_by": ["day", "id"], "partition_by": "toYYYYMM(day)"}})
    ddl = create_table(table)
    assert "\tid Int64, \n\tday Nullable(Date32), \n\tname Nullable(String), " in ddl
    assert "\tcountry LowCardinality(Nullable(String)), \n\tcode LowCardinality(String)\n" in ddl
    assert ddl.endswith("ORDER BY (day, id)\nSETTINGS allow_nullable_key = 1")
    assert losses(table) == {}
    own = simple(None, sa.Column("day", sa.Date),
                 info={"clickhouse": {"order_by": ["day", "id"], "settings": {"allow_nullable_key": 0}}})
    assert create_table(own).endswith("SETTINGS allow_nullable_key = 0")  # the model's own setting wins


def test_a_column_in_an_order_by_expression_is_a_key_column() -> None:
    table = simple(None, sa.Column("at", sa.DateTime),
                   info={"clickhouse": {"order_by": "(toStartOfHour(at), id)"}})
    ddl = create_table(table)
    assert "\tat Nullable(DateTime64(6, 'UTC'))" in ddl
    assert ddl.endswith("ORDER BY (toStartOfHour(at), id)\nSETTINGS allow_nullable_key = 1")
    assert losses(table) == {}


# ---- the table clauses -------------------------------------------------------------------------------


def test_default_table_exactly() -> None:
    metadata = sa.MetaData()
    table = sa.Table(
        "orders", metadata,
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=False, comment="Order number"),
        sa.Column("total", sa.Numeric(12, 2), sa.CheckConstraint("total >= 0"), nullable=False),
        sa.Column("note", sa.Text, comment="it's a \\ note"),
        sa.CheckConstraint("id > 0", name="id_positive"),
        comment="Customer orders",
    )
    assert create_table(table) == (
        "CREATE TABLE orders (\n"
        "\tid Int64 COMMENT 'Order number', \n"
        "\ttotal Decimal(12, 2), \n"
        "\tnote Nullable(String) COMMENT 'it''s a \\\\ note'\n"
        ")\n"
        "ENGINE = MergeTree\n"
        "ORDER BY id\n"
        "COMMENT 'Customer orders'"
    )


def test_no_primary_key_orders_by_tuple() -> None:
    table = sa.Table("log", sa.MetaData(), sa.Column("line", sa.Text, nullable=False))
    assert create_table(table).endswith("ENGINE = MergeTree\nORDER BY tuple()")


def test_composite_primary_key_is_the_sorting_key() -> None:
    table = sa.Table("pairs", sa.MetaData(), sa.Column("a", sa.Integer, primary_key=True),
                     sa.Column("b", sa.String(3), primary_key=True))
    assert create_table(table).endswith("ENGINE = MergeTree\nORDER BY (a, b)")


def test_every_table_option_exactly() -> None:
    table = simple(
        None,
        sa.Column("at", sa.DateTime, nullable=False),
        sa.Column("session", sa.Uuid, nullable=False),
        info={"clickhouse": {
            "engine": "ReplacingMergeTree(at)",
            "partition_by": "toYYYYMM(at)",
            "primary_key": ["at"],
            "order_by": ["at", "session", "cityHash64(session)"],
            "ttl": "toDateTime(at) + INTERVAL 1 YEAR",
            "settings": {"index_granularity": 4096, "allow_nullable_key": True, "storage_policy": "default"},
        }},
    )
    assert create_table(table).split(")\n", 1)[1] == (
        "ENGINE = ReplacingMergeTree(at)\n"
        "PARTITION BY toYYYYMM(at)\n"
        "PRIMARY KEY at\n"
        "ORDER BY (at, session, cityHash64(session))\n"
        "TTL toDateTime(at) + INTERVAL 1 YEAR\n"
        "SETTINGS index_granularity = 4096, allow_nullable_key = 1, storage_policy = 'default'"
    )


def test_a_ttl_is_text_or_a_sqlalchemy_expression_and_anything_else_one_line() -> None:
    table = simple(None, sa.Column("at", sa.DateTime, nullable=False))
    table.info["clickhouse"] = {"ttl": [sa.func.toDateTime(table.c.at) + sa.text("INTERVAL 1 DAY"),
                                        "toDateTime(at) + INTERVAL 2 DAY DELETE"]}
    assert create_table(table).endswith("\nTTL toDateTime(at) + INTERVAL 1 DAY, toDateTime(at) + INTERVAL 2 DAY DELETE")
    for bad in (5, ["toDateTime(at) + INTERVAL 1 DAY", 5], [""], [None]):
        table.info["clickhouse"] = {"ttl": bad}
        with pytest.raises(ModelError, match=r"^events: info\['clickhouse'\]\['ttl'\] must be an expression or a "
                                             r"list of them, got "):
            schema(table)


def test_primary_key_without_order_by_sorts_by_it() -> None:
    table = simple(None, sa.Column("at", sa.Date, nullable=False), info={"clickhouse": {"primary_key": ["at", "id"]}})
    assert create_table(table).endswith("PRIMARY KEY (at, id)\nORDER BY (at, id)")


def test_sqlalchemy_expressions_as_keys() -> None:
    table = simple(None, sa.Column("at", sa.DateTime, nullable=False))
    table.info["clickhouse"] = {"order_by": [sa.func.toDate(table.c.at), table.c.id],
                                "partition_by": sa.func.toYYYYMM(table.c.at)}
    ddl = create_table(table)
    assert "PARTITION BY toYYYYMM(at)\nORDER BY (toDate(at), id)" in ddl


def test_engine_and_table_settings_from_target_settings_lose_to_the_model() -> None:
    plain = simple(sa.MetaData())
    own = simple(plain.metadata, name="own", info={"clickhouse": {"engine": "MergeTree",
                                                                  "settings": {"index_granularity": 1024}}})
    out = statements(plain, own, engine="ReplacingMergeTree", settings={"index_granularity": 256},
                     **{"settings.min_bytes_for_wide_part": "0"})
    assert out[0].endswith("ENGINE = ReplacingMergeTree\nORDER BY id\n"
                           "SETTINGS index_granularity = 256, min_bytes_for_wide_part = 0")
    assert out[1].endswith("ENGINE = MergeTree\nORDER BY id\n"
                           "SETTINGS index_granularity = 1024, min_bytes_for_wide_part = 0")


def test_non_merge_tree_engines_get_no_keys() -> None:
    table = simple(None, info={"clickhouse": {"engine": "Log"}})
    assert create_table(table).endswith(")\nENGINE = Log")
    with pytest.raises(ModelError, match=r"'order_by'\] needs a MergeTree-family engine, not Memory"):
        schema(simple(None, info={"clickhouse": {"engine": "Memory", "order_by": ["id"]}}))


def test_schemas_are_databases() -> None:
    metadata = sa.MetaData()
    out = statements(simple(metadata, schema="analytics"), simple(metadata, name="t2", schema="raw"))
    assert out[:2] == ["CREATE DATABASE analytics", "CREATE DATABASE raw"]
    assert out[2].startswith("CREATE TABLE analytics.events (")


def test_names_are_quoted_with_backticks_where_needed() -> None:
    table = sa.Table("Order", sa.MetaData(), sa.Column("order", sa.Integer, primary_key=True),
                     sa.Column("select", sa.String(3)), sa.Column("Mixed Case", sa.Integer),
                     sa.Column("ttl", sa.Integer), info={"clickhouse": {"order_by": ["order"]}})
    ddl = create_table(table)
    assert ddl.startswith("CREATE TABLE `Order` (\n\t`order` Int32, \n\t`select` Nullable(String), \n"
                          "\t`Mixed Case` Nullable(Int32), \n\t`ttl` Nullable(Int32)\n)")
    assert ddl.endswith("ORDER BY `order`")


ODD_NAMES = ("raw\\table", "path\\name", "ends\\", "back`tick", "dq\"sq'", "\\t")


def odd_names_table() -> sa.Table:
    """Names ClickHouse would read differently unescaped (issue 16): inside backticks a backslash starts an
    escape (`raw\\table` is `raw<TAB>able`, a trailing one leaves the name open)."""
    return sa.Table(ODD_NAMES[0], sa.MetaData(), *(sa.Column(n, sa.Integer, primary_key=n == ODD_NAMES[1])
                                                   for n in ODD_NAMES[1:]),
                    schema="we\\ird", info={"atlas": {"targets": ["lake"]}})


def test_every_identifier_is_escaped_as_clickhouse_reads_it() -> None:
    out = statements(odd_names_table())
    assert out[0] == "CREATE DATABASE `we\\\\ird`"
    assert out[1].startswith("CREATE TABLE `we\\\\ird`.`raw\\\\table` (\n\t`path\\\\name` Int32, \n"
                             "\t`ends\\\\` Nullable(Int32), \n\t`back``tick` Nullable(Int32), \n"
                             "\t`dq\"sq'` Nullable(Int32), \n\t`\\\\t` Nullable(Int32)\n)")
    assert out[1].endswith("ORDER BY `path\\\\name`")


# ---- column clauses -------------------------------------------------------------------------------


def test_codec_low_cardinality_and_default_from_column_info() -> None:
    table = simple(None,
                   sa.Column("path", sa.String(2048), nullable=False, info={"clickhouse": {"codec": "ZSTD(3)"}}),
                   sa.Column("n", sa.BigInteger, info={"clickhouse": {"codec": ["Delta", "ZSTD(1)"]}}),
                   sa.Column("at", sa.DateTime, server_default=sa.text("now()"),
                             info={"clickhouse": {"default": "now64(3)", "codec": "DoubleDelta"}}, comment="When"))
    ddl = create_table(table)
    assert "\tpath String CODEC(ZSTD(3)), " in ddl
    assert "\tn Nullable(Int64) CODEC(Delta, ZSTD(1)), " in ddl
    assert "\tat Nullable(DateTime64(6, 'UTC')) DEFAULT now64(3) COMMENT 'When' CODEC(DoubleDelta)\n" in ddl


def test_computed_columns_are_materialized_or_alias() -> None:
    table = simple(None, sa.Column("a", sa.Integer, nullable=False),
                   sa.Column("stored", sa.Integer, sa.Computed("a * 2"), nullable=False),
                   sa.Column("virtual", sa.Integer, sa.Computed("a * 3", persisted=False), nullable=False))
    ddl = create_table(table)
    assert "\tstored Int32 MATERIALIZED a * 2, " in ddl
    assert "\tvirtual Int32 ALIAS a * 3\n" in ddl


DEFAULT_CASES = [
    ("now_naive", sa.DateTime, sa.func.now(), "DateTime64(6, 'UTC') DEFAULT now64(6, 'UTC')"),
    ("now_aware", sa.DateTime(timezone=True), sa.func.now(), "DateTime64(6, 'UTC') DEFAULT now64(6, 'UTC')"),
    ("now_date", sa.Date, sa.func.now(), "Date32 DEFAULT today()"),
    ("now_text", sa.DateTime, sa.text("now()"), "DateTime64(6, 'UTC') DEFAULT now64(6, 'UTC')"),
    ("current_timestamp", pg.TIMESTAMP(precision=3), sa.text("CURRENT_TIMESTAMP"),
     "DateTime64(3, 'UTC') DEFAULT now64(3, 'UTC')"),
    ("func_current_timestamp", sa.DateTime, sa.func.current_timestamp(),
     "DateTime64(6, 'UTC') DEFAULT now64(6, 'UTC')"),
    ("current_date", sa.Date, sa.text("CURRENT_DATE"), "Date32 DEFAULT today()"),
    ("uuid", sa.Uuid, sa.text("gen_random_uuid()"), "UUID DEFAULT generateUUIDv4()"),
    ("true", sa.Boolean, sa.true(), "Bool DEFAULT true"),
    ("false_text", sa.Boolean, sa.text("FALSE"), "Bool DEFAULT false"),
    ("integer", sa.Integer, sa.text("0"), "Int32 DEFAULT 0"),
    ("negative", sa.Numeric(5, 2), sa.text("-1.5"), "Decimal(5, 2) DEFAULT -1.5"),
    ("string", sa.String(3), "EUR", "String DEFAULT 'EUR'"),
    ("quoted_string", sa.String(10), sa.text("'it''s'"), "String DEFAULT 'it''s'"),
    ("backslash", sa.String(10), "a\\b", "String DEFAULT 'a\\\\b'"),
    ("literal", sa.Integer, sa.literal(7), "Int32 DEFAULT 7"),
]


@pytest.mark.parametrize(("name", "type_", "default", "expected"), DEFAULT_CASES, ids=[c[0] for c in DEFAULT_CASES])
def test_server_defaults_clickhouse_understands(name: str, type_: Any, default: Any, expected: str) -> None:
    table = simple(None, sa.Column(f"d_{name}", type_, nullable=False, server_default=default))
    assert f"\td_{name} {expected}\n" in create_table(table)
    assert losses(table) == {}


@pytest.mark.parametrize("default", [sa.text("now() - interval '1 day'"), sa.func.lower("X"), sa.text("nextval('s')"),
                                     sa.cast(sa.literal("1"), sa.Integer)],
                         ids=["expression", "function", "nextval", "CAST"])
def test_other_server_defaults_are_left_out_and_reported(default: Any) -> None:
    table = simple(None, sa.Column("x", sa.String(10), nullable=False, server_default=default))
    assert "\tx String\n" in create_table(table)
    assert losses(table) == {"server default": ["events.x"]}


def test_unnamed_and_column_level_checks_are_named_and_hoisted() -> None:
    table = simple(None, sa.Column("qty", sa.Integer, sa.CheckConstraint("qty > 0"), nullable=False),
                   sa.CheckConstraint("id > 0"), sa.CheckConstraint("qty < 100", name="qty_small"))
    ddl = create_table(table, keep_checks="true")
    assert ("\tCONSTRAINT ck_events_1 CHECK (id > 0), \n\tCONSTRAINT qty_small CHECK (qty < 100), \n"
            "\tCONSTRAINT ck_events_3 CHECK (qty > 0)\n)") in ddl


def test_data_skipping_indexes_are_written_inside_create_table() -> None:
    table = simple(None, sa.Column("at", sa.DateTime, nullable=False), sa.Column("tag", sa.String(20)),
                   sa.Index("ix_at", "at", info={"clickhouse": {"type": "minmax", "granularity": 4}}),
                   sa.Index("ix_tag_at", "tag", "at", info={"clickhouse": {"type": "bloom_filter(0.01)"}}),
                   sa.Index("ix_plain", "tag"))
    ddl = create_table(table)
    assert ("\tINDEX ix_at at TYPE minmax GRANULARITY 4, \n"
            "\tINDEX ix_tag_at (tag, at) TYPE bloom_filter(0.01) GRANULARITY 1\n)") in ddl
    assert not [s for s in statements(table) if "CREATE INDEX" in s]
    assert losses(table) == {"index": ["events.ix_plain"]}


# ---- CDC ------------------------------------------------------------------------------------------


def test_cdc_profile_default_names() -> None:
    table = simple(None, sa.Column("name", sa.String(20)), info={"clickhouse": {"cdc": True}})
    assert create_table(table) == (
        "CREATE TABLE events (\n"
        "\tid Int64, \n"
        "\tname Nullable(String), \n"
        "\t_version UInt64 DEFAULT 0, \n"
        "\t_is_deleted UInt8 DEFAULT 0\n"
        ")\n"
        "ENGINE = ReplacingMergeTree(_version, _is_deleted)\n"
        "ORDER BY id"
    )
    assert "_version" not in table.c  # only the lake's private copy has the CDC columns


def test_cdc_profile_named_columns_and_target_defaults() -> None:
    peerdb = simple(None, info={"clickhouse": {"cdc": {"version": "_peerdb_version",
                                                        "is_deleted": "_peerdb_is_deleted"}}})
    ddl = create_table(peerdb)
    assert "\t_peerdb_version UInt64 DEFAULT 0, \n\t_peerdb_is_deleted UInt8 DEFAULT 0\n" in ddl
    assert "ENGINE = ReplacingMergeTree(_peerdb_version, _peerdb_is_deleted)" in ddl
    no_delete = simple(None, info={"clickhouse": {"cdc": {"is_deleted": None}}})
    assert "ENGINE = ReplacingMergeTree(_version)\n" in create_table(no_delete)
    everywhere = simple(None)
    ddl = create_table(everywhere, cdc="true", cdc_version_column="_v", cdc_is_deleted_column="_d")
    assert "\t_v UInt64 DEFAULT 0, \n\t_d UInt8 DEFAULT 0\n" in ddl
    assert "ENGINE = ReplacingMergeTree(_v, _d)" in ddl
    opted_out = simple(None, info={"clickhouse": {"cdc": False}})
    assert "ENGINE = MergeTree\n" in create_table(opted_out, cdc="true")


def test_cdc_keeps_a_version_column_the_model_already_has() -> None:
    table = simple(None, sa.Column("_version", sa.BigInteger, nullable=False), info={"clickhouse": {"cdc": True}})
    ddl = create_table(table)
    assert ddl.count("_version ") == 1
    assert "\t_version Int64, " in ddl


def test_an_explicit_engine_wins_over_the_cdc_profile() -> None:
    # lake-only: a table fed from the application must keep the is-deleted argument (test_clickhouse_cdc.py)
    table = simple(None, info={"atlas": {"targets": ["lake"]},
                               "clickhouse": {"cdc": True, "engine": "ReplacingMergeTree(_version)"}})
    ddl = create_table(table)
    assert "ENGINE = ReplacingMergeTree(_version)\n" in ddl
    assert "_is_deleted UInt8 DEFAULT 0" in ddl


# ---- cluster -------------------------------------------------------------------------------------------


def test_cluster_adds_on_cluster_and_replicated_engines() -> None:
    metadata = sa.MetaData()
    plain = simple(metadata, schema="lake")
    cdc = simple(metadata, name="cdc", schema="lake", info={"clickhouse": {"cdc": True}})
    summing = simple(metadata, name="sums", schema="lake", info={"clickhouse": {"engine": "SummingMergeTree"}})
    log = simple(metadata, name="log", schema="lake", info={"clickhouse": {"engine": "Log"}})
    mine = simple(metadata, name="mine", schema="lake",
                  info={"clickhouse": {"engine": "ReplicatedMergeTree('/my/{shard}', '{replica}')"}})
    out = statements(plain, cdc, summing, log, mine, cluster="analytics")
    assert out[0] == "CREATE DATABASE lake ON CLUSTER analytics"
    engines = {s.split(" ", 3)[2]: s.split("ENGINE = ", 1)[1].split("\n", 1)[0] for s in out[1:]}
    assert engines == {
        "lake.cdc": "ReplicatedReplacingMergeTree('/clickhouse/tables/{uuid}/{shard}', '{replica}', _version, "
                    "_is_deleted)",
        "lake.events": "ReplicatedMergeTree('/clickhouse/tables/{uuid}/{shard}', '{replica}')",
        "lake.log": "Log",
        "lake.mine": "ReplicatedMergeTree('/my/{shard}', '{replica}')",
        "lake.sums": "ReplicatedSummingMergeTree('/clickhouse/tables/{uuid}/{shard}', '{replica}')",
    }
    assert all(" ON CLUSTER analytics (\n" in s for s in out[1:])


def test_cluster_macro_and_replication_path_settings() -> None:
    table = simple(None, info={"clickhouse": {"engine": "ReplacingMergeTree(id)"}})
    ddl = create_table(table, cluster="{cluster}", replication_path="/ch/{database}/{table}",
                       replica_name="r-{replica}")
    assert ddl.startswith("CREATE TABLE events ON CLUSTER '{cluster}' (\n")
    assert "ENGINE = ReplicatedReplacingMergeTree('/ch/{database}/{table}', 'r-{replica}', id)\n" in ddl


# ---- what is reported ----------------------------------------------------------------------------------


def reported_model() -> list[sa.Table]:
    metadata = sa.MetaData()
    parent = sa.Table("parent", metadata, sa.Column("id", sa.Integer, primary_key=True),
                      sa.Column("code", sa.String(5, collation="C"), unique=True),
                      sa.Column("seq", sa.Integer, sa.Identity()),
                      sa.Column("num", sa.Integer, sa.Sequence("num_seq")))
    child = sa.Table("child", metadata, sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
                     sa.Column("parent_id", sa.ForeignKey("parent.id"), nullable=False),
                     sa.Column("a", sa.Integer), sa.Column("b", sa.Integer),
                     sa.Column("doc", pg.JSONB, server_default=sa.text("'{}'::jsonb")),
                     sa.UniqueConstraint("a", "b"), sa.Index("ix_child_a", "a"),
                     sa.Index("ix_child_b", "b", unique=True))
    return [parent, child]


def test_what_clickhouse_cannot_express_is_reported_by_kind() -> None:
    assert losses(*reported_model()) == {
        "collation": ["parent.code"],
        "foreign key": ["child.parent_id -> parent.id"],
        "generated key": ["parent.id", "parent.num", "parent.seq"],
        "index": ["child.ix_child_a"],
        "unique constraint": ["child(a, b)", "parent.code"],
        "unique index": ["child.ix_child_b"],
    }
    lines = schema(*reported_model()).losses.lines()
    assert ("clickhouse: 1 foreign key left out (ClickHouse has no foreign keys): child.parent_id -> parent.id"
            in lines)
    assert ("clickhouse: 2 unique constraints left out (ClickHouse enforces no uniqueness): child(a, b), parent.code"
            in lines)
    assert len(lines) == 6
    ddl = schema(*reported_model()).text
    for gone in ("FOREIGN KEY", "REFERENCES", "UNIQUE", "PRIMARY KEY", "IDENTITY", "CREATE INDEX", "jsonb",
                 "COLLATE", "SEQUENCE", "nextval"):
        assert gone not in ddl


def test_strict_makes_the_report_an_error() -> None:
    with pytest.raises(UnsupportedError, match=r"^clickhouse: 1 collation left out .*; 1 foreign key left out"):
        schema(*reported_model(), strict=True)
    clean = simple(None, sa.Column("x", sa.String(3), nullable=False))
    assert schema(clean, strict=True).text


# ---- settings and info validation ---------------------------------------------------------------------------


def test_unknown_or_bad_settings_are_usage_errors() -> None:
    with pytest.raises(UsageError, match=r"unknown ClickHouse setting 'enigne'"):
        adapter(enigne="MergeTree")
    with pytest.raises(UsageError, match=r"'json_type' must be one of JSON, String"):
        adapter(json_type="Object")
    with pytest.raises(UsageError, match=r"'enum_type' must be one of"):
        adapter(enum_type="Int8")
    with pytest.raises(UsageError, match=r"'cdc' must be true or false"):
        adapter(cdc="maybe")
    with pytest.raises(UsageError, match=r"'datetime_precision' must be 0 to 9"):
        adapter(datetime_precision="12")
    with pytest.raises(UsageError, match=r"engine must look like"):
        adapter(engine="Merge Tree!")
    assert adapter(**{"json-type": "json", "enum_type": "enum"}).settings.json_type == "JSON"


@pytest.mark.parametrize(("info", "message"), [
    ({"clickhouse": {"order": ["id"]}}, r"info\['clickhouse'\] of table has unknown key 'order'"),
    ({"clickhouse": {"order_by": ["missing"]}}, r"names 'missing', which is not a column"),
    ({"clickhouse": {"engine": "Replacing MergeTree"}}, r"engine must look like"),
    ({"clickhouse": {"cdc": {"versoin": "v"}}}, r"\['cdc'\] has unknown key 'versoin'"),
    ({"clickhouse": {"cdc": "yes"}}, r"\['cdc'\] must be True, False or a dict"),
    ({"clickhouse": {"settings": {"bad name": 1}}}, r"'bad name' is not a ClickHouse table setting name"),
])
def test_bad_table_info_is_a_model_error(info: dict[str, Any], message: str) -> None:
    with pytest.raises(ModelError, match=message):
        schema(simple(None, info=info))


def test_bad_column_and_index_info_is_a_model_error() -> None:
    with pytest.raises(ModelError, match=r"of column 'x' has unknown key 'codc'"):
        schema(simple(None, sa.Column("x", sa.Integer, info={"clickhouse": {"codc": "ZSTD"}})))
    with pytest.raises(ModelError, match=r"of index 'ix' has unknown key 'granularty'"):
        schema(simple(None, sa.Column("x", sa.Integer), sa.Index("ix", "x", info={"clickhouse": {"granularty": 1}})))


def test_precedence_builtin_pyproject_command_line_model(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.atlas-provider.clickhouse]\nengine = "ReplacingMergeTree"\njson_type = "JSON"\ncdc = "false"\n'
        'cluster = "from_pyproject"\n[tool.atlas-provider.clickhouse.settings]\nindex_granularity = 2048\n',
        encoding="utf-8",
    )
    options = target_options("clickhouse", cli_settings={"cluster": "from_cli"}, cwd=tmp_path)
    lake = get_adapter("clickhouse", options)
    assert isinstance(lake, ClickHouseAdapter)
    assert (lake.settings.engine, lake.settings.json_type, lake.settings.cluster) == (
        "ReplacingMergeTree", "JSON", "from_cli")
    assert lake.settings.enum_type == "LowCardinality(String)"  # built-in default
    plain = simple(sa.MetaData(), sa.Column("doc", sa.JSON, nullable=False))
    own = simple(plain.metadata, name="own",
                 info={"clickhouse": {"engine": "MergeTree", "settings": {"index_granularity": 64}}})
    text = build_schema(Model(tables=[plain, own]), lake).text
    assert "ENGINE = ReplicatedReplacingMergeTree(" in text and "index_granularity = 2048" in text
    assert "ENGINE = ReplicatedMergeTree(" in text and "index_granularity = 64" in text
    assert "\tdoc JSON\n" in text


# ---- clickhouse-sqlalchemy models ---------------------------------------------------------------------


def _clickhouse_sqlalchemy_fakes() -> dict[str, Any]:
    """Stand-ins with the class names, visit names and attributes of clickhouse-sqlalchemy 0.3's types and
    engines (the package pins SQLAlchemy < 2.1, so it cannot be installed next to this one)."""

    def tag(cls: type, module: str) -> type:
        cls.__module__ = f"clickhouse_sqlalchemy.{module}"
        return cls

    class Int8(sa.types.Integer):
        __visit_name__ = "int8"

    class UInt64(sa.types.Integer):
        __visit_name__ = "uint64"

    class String(sa.types.String):
        pass

    class Nullable(sa.types.TypeEngine):  # type: ignore[type-arg]
        __visit_name__ = "nullable"

        def __init__(self, nested_type: Any) -> None:
            self.nested_type = nested_type

    class LowCardinality(Nullable):
        __visit_name__ = "lowcardinality"

    class Array(sa.types.TypeEngine):  # type: ignore[type-arg]
        __visit_name__ = "array"

        def __init__(self, item_type: Any) -> None:
            self.item_type = item_type

    class DateTime64(sa.types.DateTime):
        __visit_name__ = "datetime64"

        def __init__(self, precision: int = 3, timezone: str | None = None) -> None:
            super().__init__()
            self.precision, self.timezone = precision, timezone

    class Date(sa.types.Date):
        pass

    class Decimal(sa.types.Numeric):  # type: ignore[type-arg]
        __visit_name__ = "numeric"

    class Enum8(sa.types.Enum):
        __visit_name__ = "enum8"

    class IPv4(sa.types.TypeEngine):  # type: ignore[type-arg]
        __visit_name__ = "ipv4"

    class Keys:
        def __init__(self, *items: Any) -> None:
            self.items = items

        def get_expressions_or_columns(self) -> list[Any]:
            return list(self.items)

    class MergeTree(SchemaEventTarget):
        def __init__(self, order_by: Any = None, partition_by: Any = None, primary_key: Any = None,
                     **settings: Any) -> None:
            self.order_by = Keys(*order_by) if order_by else None
            self.partition_by = Keys(partition_by) if partition_by is not None else None
            self.primary_key = Keys(*primary_key) if primary_key else None
            self.settings = settings
            self.version: Any = None

        @property
        def name(self) -> str:
            return type(self).__name__

        def get_parameters(self) -> Any:
            return self.version

        def _set_parent(self, parent: Any, **kw: Any) -> None:
            parent.engine = self

    class ReplacingMergeTree(MergeTree):
        def __init__(self, *args: Any, version: Any = None, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.version = version

    class SummingMergeTree(MergeTree):
        def __init__(self, *args: Any, columns: Any = None, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.columns = list(columns or ())

        def get_parameters(self) -> Any:  # as clickhouse-sqlalchemy 0.3.2: several columns come as one list
            return [self.columns] if len(self.columns) > 1 else self.columns

    types_ = {c.__name__: tag(c, "types.common") for c in
              (Int8, UInt64, String, Nullable, LowCardinality, Array, DateTime64, Date, Decimal, Enum8, IPv4)}
    engines = {c.__name__: tag(c, "engines.mergetree") for c in (MergeTree, ReplacingMergeTree, SummingMergeTree)}
    return {**types_, **engines}


def test_clickhouse_sqlalchemy_types_and_engines_keep_working() -> None:
    ch = _clickhouse_sqlalchemy_fakes()
    metadata = sa.MetaData()
    table = sa.Table(
        "hits", metadata,
        sa.Column("id", ch["UInt64"](), primary_key=True),
        sa.Column("small", ch["Int8"]()),  # nullable in SQLAlchemy, but its type says NOT NULL
        sa.Column("code", ch["String"](2)),
        sa.Column("name", ch["Nullable"](ch["String"])),
        sa.Column("tag", ch["LowCardinality"](ch["Nullable"](ch["String"]()))),
        sa.Column("tags", ch["Array"](ch["String"]())),
        sa.Column("at", ch["DateTime64"](3, "UTC"), nullable=False),
        sa.Column("day", ch["Date"](), nullable=False),
        sa.Column("price", ch["Decimal"](10, 2)),
        sa.Column("level", ch["Enum8"](Level)),
        sa.Column("ip", ch["IPv4"]()),
    )
    engine = ch["ReplacingMergeTree"](order_by=[table.c.day, table.c.id], partition_by=sa.func.toYYYYMM(table.c.day),
                                     version=table.c.at, index_granularity=1024)
    engine._set_parent(table)
    assert create_table(table) == (
        "CREATE TABLE hits (\n"
        "\tid UInt64, \n"
        "\tsmall Int8, \n"
        "\tcode FixedString(2), \n"
        "\tname Nullable(String), \n"
        "\ttag LowCardinality(Nullable(String)), \n"
        "\ttags Array(String), \n"
        "\tat DateTime64(3, 'UTC'), \n"
        "\tday Date, \n"
        "\tprice Decimal(10, 2), \n"
        "\tlevel Enum8('LOW' = 1, 'HIGH' = 2), \n"
        "\tip IPv4\n"
        ")\n"
        "ENGINE = ReplacingMergeTree(at)\n"
        "PARTITION BY toYYYYMM(day)\n"
        "ORDER BY (day, id)\n"
        "SETTINGS index_granularity = 1024"
    )
    assert "column type" not in losses(table) and "Nullable type" not in losses(table)


def test_a_clickhouse_sqlalchemy_summing_engine_sums_the_columns_it_names() -> None:
    """SummingMergeTree(columns=(x, y)) is one tuple argument, as ClickHouse writes it, never a Python list."""
    ch = _clickhouse_sqlalchemy_fakes()
    metadata = sa.MetaData()
    table = simple(metadata, sa.Column("x", sa.Integer, nullable=False), sa.Column("odd y", sa.Integer, nullable=False),
                   name="sums")
    ch["SummingMergeTree"](order_by=[table.c.id], columns=[table.c.x, table.c["odd y"]])._set_parent(table)
    one = simple(metadata, sa.Column("x", sa.Integer, nullable=False), name="one")
    ch["SummingMergeTree"](order_by=[one.c.id], columns=[one.c.x])._set_parent(one)
    assert create_table(table).endswith(")\nENGINE = SummingMergeTree((x, `odd y`))\nORDER BY id")
    assert create_table(one).endswith(")\nENGINE = SummingMergeTree(x)\nORDER BY id")


def test_clickhouse_sqlalchemy_column_options() -> None:
    # Without that package SQLAlchemy knows no "clickhouse" dialect to validate clickhouse_* keywords against.
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "Can't validate argument 'clickhouse_", sa.exc.SAWarning)
        table = simple(None, sa.Column("raw", sa.String, nullable=False, clickhouse_codec=["ZSTD(5)"]),
                       sa.Column("len", sa.Integer, nullable=False, clickhouse_materialized=sa.text("length(raw)")))
        ddl = create_table(table)
    assert "\traw String CODEC(ZSTD(5)), \n\tlen Int32 MATERIALIZED length(raw)\n" in ddl


# ---- the example: which target gets what ------------------------------------------------------------------

LAKE_EXCLUDED = {"customers": ["email", "full_name", "phone", "birth_date", "password_hash"],
                 "orders": ["shipping_address", "customer_note"]}


def _create_statements(ddl: str) -> dict[str, str]:
    found = {}
    for statement in split_statements(ddl):
        if statement.startswith("CREATE TABLE "):
            found[statement.split()[2].strip('"`')] = statement
    return found


def test_example_targets_text() -> None:
    """The lake gets no personal data and the lake-only table; PostgreSQL gets the reverse."""
    lake = run_provider("--path", "examples/shop", "--dialect", "clickhouse", cwd=ROOT)
    app = run_provider("--path", "examples/shop", "--dialect", "postgresql", cwd=ROOT)
    assert lake.returncode == 0, lake.stderr
    assert app.returncode == 0, app.stderr
    lake_tables, app_tables = _create_statements(lake.stdout), _create_statements(app.stdout)
    assert "analytics.page_views" in lake_tables and "analytics.page_views" not in app_tables
    assert {"addresses", "password_reset_tokens", "tags", "product_tags"} <= set(app_tables) - set(lake_tables)
    for table, columns in LAKE_EXCLUDED.items():
        for column in columns:
            assert f"\t{column} " in app_tables[table]
            assert f"\t{column} " not in lake_tables[table]
