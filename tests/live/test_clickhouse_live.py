"""ClickHouse, live: run the provider as Atlas does, load its output into chDB (ClickHouse 23.10, next to Atlas's
23.11 dev image), read system.tables and system.columns back and compare with what the model asked for."""

from __future__ import annotations

import re
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from atlas_provider.api import build_schema
from atlas_provider.dialects import TargetOptions, get_adapter
from atlas_provider.loading import Model, load_model
from atlas_provider.selection import LAKE, Target, wanted
from tests.dialects.test_clickhouse import (LAKE_EXCLUDED, ODD_NAMES, TYPE_CASES, _clickhouse_sqlalchemy_fakes,
                                            nullable_type, odd_names_table)
from tests.support.chdb_backend import ChdbError, ClickHouseDev, fresh_clickhouse, load_clickhouse
from tests.support.provider import run_provider
from tests.support.sqlsplit import split_statements

pytest.importorskip("chdb", reason="chdb==1.0.2 (ClickHouse 23.10) is the ClickHouse stand-in")
pytestmark = pytest.mark.live

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def dev() -> Iterator[ClickHouseDev]:
    with fresh_clickhouse() as database:
        yield database


def provider(*args: str, cwd: Path = ROOT, env: dict[str, str] | None = None) -> str:
    """stdout of a successful `python -m atlas_provider --dialect clickhouse ...` run."""
    result = run_provider(*args, "--dialect", "clickhouse", cwd=cwd, env=env)
    assert result.returncode == 0, result.stderr
    return result.stdout


def write_model(tmp_path: Path, source: str) -> Path:
    folder = tmp_path / "lakemodel"
    folder.mkdir()
    (folder / "__init__.py").write_text("", encoding="utf-8")
    (folder / "models.py").write_text(textwrap.dedent(source), encoding="utf-8")
    return folder


def engine_of(table: dict[str, Any]) -> str:
    """The ENGINE clause as the server stores it (engine_full without the clauses that follow)."""
    return re.split(r" (?:PARTITION BY|PRIMARY KEY|ORDER BY|TTL|SETTINGS|SAMPLE BY) ", table["engine_full"])[0]


# ---- the example --------------------------------------------------------------------------------------------

# What the example's info dicts ask for (examples/README.md), as ClickHouse reports it back.
# Every table the application feeds is a CDC table keyed on its primary key; page_views (lake only) is not.
GENERIC = "ReplacingMergeTree(_version, _is_deleted)"
SHOP_TABLES = {
    "categories": (GENERIC, "id", "id", ""),
    "customers": (GENERIC, "id", "id", ""),
    "products": ("ReplacingMergeTree(_version, is_deleted)", "id", "id", ""),
    "orders": ("ReplacingMergeTree(_peerdb_version, _peerdb_is_deleted)", "id", "id", ""),
    "order_items": (GENERIC, "id", "id", ""),
    "analytics.page_views": ("MergeTree", "occurred_at, session_id", "occurred_at", "toYYYYMM(occurred_at)"),
    "analytics.daily_sales": (GENERIC, "day, product_id", "day, product_id", "toYYYYMM(day)"),
}
CDC_COLUMNS = {name: ["_version", "_is_deleted"] for name in ("categories", "customers", "order_items",
                                                               "analytics.daily_sales")}
CDC_COLUMNS["products"] = ["_version", "is_deleted"]  # Debezium's Altinity sink
CDC_COLUMNS["orders"] = ["_peerdb_synced_at", "_peerdb_is_deleted", "_peerdb_version"]  # PeerDB
NO_CDC_DEFAULTS = {"products", "orders"}  # the tools' own layouts: no DEFAULT but PeerDB's synced-at time


def test_example_lake_loads_and_reads_back_as_declared(dev: ClickHouseDev) -> None:
    load_clickhouse(provider("--path", "examples/shop"), dev)
    tables = dev.tables()
    assert set(tables) == set(SHOP_TABLES)
    assert set(dev.databases()) == {"analytics", "dev"}
    for name, (engine, sorting_key, primary_key, partition_key) in SHOP_TABLES.items():
        found = tables[name]
        assert (engine_of(found), found["sorting_key"], found["primary_key"], found["partition_key"]) == (
            engine, sorting_key, primary_key, partition_key), name

    page_views = tables["analytics.page_views"]
    assert "TTL toDateTime(occurred_at) + toIntervalYear(1)" in page_views["engine_full"]
    assert "SETTINGS index_granularity = 8192" in page_views["engine_full"]
    assert page_views["comment"] == "Storefront page views, one row per view"

    # Every column the lake keeps, in model order, with the type the model's column maps to; nothing else.
    model = load_model(["examples/shop"], cwd=ROOT)
    lake = get_adapter("clickhouse")
    for table in model.tables:
        if table.fullname not in SHOP_TABLES:
            continue
        columns = dev.columns(table.fullname)
        kept = [c for c in table.columns if c.name not in LAKE_EXCLUDED.get(table.fullname, [])
                and wanted(c, Target("clickhouse", LAKE))]  # customers.email_lower is for MariaDB, SQL Server
        assert list(columns) == [c.name for c in kept] + CDC_COLUMNS.get(table.fullname, []), table.fullname
        for column in kept:
            found = columns[column.name]
            assert found["type"] == lake.column_type(column), f"{table.fullname}.{column.name}"
            assert found["comment"] == (column.comment or ""), f"{table.fullname}.{column.name}"
        for name in CDC_COLUMNS.get(table.fullname, []):
            default = "now64()" if name == "_peerdb_synced_at" else "" if table.fullname in NO_CDC_DEFAULTS else "0"
            assert (columns[name]["default_kind"], columns[name]["default_expression"]) == (
                "DEFAULT" if default else "", default), f"{table.fullname}.{name}"
        assert tables[table.fullname]["comment"] == (table.comment or "")

    customers, orders = dev.columns("customers"), dev.columns("orders")
    assert not set(LAKE_EXCLUDED["customers"]) & set(customers)
    assert not set(LAKE_EXCLUDED["orders"]) & set(orders)
    assert customers["country_code"]["type"] == "LowCardinality(String)"
    assert customers["_version"]["type"] == "UInt64" and customers["_is_deleted"]["type"] == "UInt8"
    assert orders["placed_at"]["type"] == "DateTime64(6, 'UTC')"
    assert orders["placed_at"]["default_expression"] == "now64(6, 'UTC')"
    assert orders["status"]["type"] == "LowCardinality(String)"
    assert orders["status"]["default_expression"] == "'pending'"
    assert orders["customer_id"]["type"] == "Nullable(Int64)"
    assert orders["total"]["type"] == "Decimal(12, 2)"
    assert dev.columns("products")["is_active"]["default_expression"] == "true"
    views = dev.columns("analytics.page_views")
    assert views["path"]["compression_codec"] == "CODEC(ZSTD(3))"
    assert views["occurred_at"]["type"] == "DateTime64(6, 'UTC')"  # naive in the model: UTC, not the server's zone
    assert views["duration_ms"]["type"] == "Nullable(Int32)"
    assert "CONSTRAINT" not in tables["orders"]["create_table_query"]  # CHECKs stay in the application database
    assert (orders["_peerdb_synced_at"]["type"], orders["_peerdb_version"]["type"]) == ("DateTime64(9)", "UInt64")


def test_example_report_names_everything_left_out() -> None:
    result = run_provider("--path", "examples/shop", "--dialect", "clickhouse", cwd=ROOT)
    assert result.returncode == 0
    lines = sorted(line for line in result.stderr.splitlines() if line.startswith("atlas-provider: warning: "))
    found = [re.match(r"atlas-provider: warning: clickhouse: (\d+) (.+?) left out", line) for line in lines]
    counts = {m.group(2): int(m.group(1)) for m in found if m is not None}
    assert counts == {"check constraints": 5, "foreign keys": 6, "generated keys": 5, "indexes": 4,
                      "unique constraints": 4, "unique index": 1}
    assert len(lines) == len(result.stderr.strip().splitlines())  # nothing else on stderr

    strict = run_provider("--path", "examples/shop", "--dialect", "clickhouse", "--strict", cwd=ROOT)
    assert strict.returncode == 1
    assert strict.stdout == ""
    assert strict.stderr.startswith("atlas-provider: error: clickhouse: 5 check constraints left out")


# ---- types ------------------------------------------------------------------------------------------------

TYPES_MODEL = """\
import sqlalchemy as sa
from tests.dialects.test_clickhouse import type_columns

metadata = sa.MetaData()
types = sa.Table("types", metadata, *type_columns())
"""


def test_every_mapped_type_loads_as_mapped(tmp_path: Path, dev: ClickHouseDev) -> None:
    folder = write_model(tmp_path, TYPES_MODEL)
    load_clickhouse(provider("--path", str(folder), "--setting", "cdc=false", env={"PYTHONPATH": str(ROOT)}), dev)
    columns = dev.columns("types")
    expected = {"id": "Int32"}
    for case, _, clickhouse in TYPE_CASES:
        expected[f"{case}_nn"] = clickhouse
        expected[f"{case}_n"] = nullable_type(case, clickhouse)
    assert {name: c["type"] for name, c in columns.items()} == expected


def test_enum_and_json_type_settings_load(tmp_path: Path) -> None:
    folder = write_model(tmp_path, """\
        import enum
        import sqlalchemy as sa

        class Status(enum.Enum):
            NEW = "new"
            IT_S = "it's"

        metadata = sa.MetaData()
        docs = sa.Table(
            "docs", metadata,
            sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
            sa.Column("status", sa.Enum(Status, values_callable=lambda e: [m.value for m in e])),
            sa.Column("many", sa.Enum(*[f"v{i}" for i in range(130)], name="many"), nullable=False),
            sa.Column("body", sa.JSON, nullable=False),
        )
    """)
    ddl = provider("--path", str(folder), "--setting", "enum_type=Enum", "--setting", "json_type=JSON")
    # JSON is Object('json') in 23.x: experimental, so the dev database must allow it.
    with fresh_clickhouse({"allow_experimental_object_type": 1}) as dev:
        load_clickhouse(ddl, dev)
        columns = dev.columns("docs")
        version = tuple(int(part) for part in dev.version().split(".")[:2])
    assert columns["status"]["type"] == "Nullable(Enum8('new' = 1, 'it\\'s' = 2))"
    assert columns["many"]["type"].startswith("Enum16('v0' = 1, 'v1' = 2,")
    # 24.8 made JSON a type of its own, no longer Object('json'):
    # https://clickhouse.com/docs/sql-reference/data-types/newjson
    assert columns["body"]["type"] == ("Object('json')" if version < (24, 8) else "JSON")


# ---- table and column options --------------------------------------------------------------------------------

OPTIONS_MODEL = """\
import sqlalchemy as sa

metadata = sa.MetaData()


def events(name, *extra, **info):
    return sa.Table(
        name, metadata,
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("at", sa.DateTime, nullable=False),
        # CollapsingMergeTree's sign column must be Int8, which no SQLAlchemy type maps to.
        sa.Column("sign", sa.SmallInteger, nullable=False, server_default=sa.text("1"),
                  info={"clickhouse": {"type": "Int8"}}),
        sa.Column("amount", sa.Numeric(12, 2), nullable=False, server_default=sa.text("0")),
        *extra,
        schema="lake",
        info={"clickhouse": info},
    )


events("plain")
events("replacing", engine="ReplacingMergeTree(at)", order_by=["id"])
events("summing", engine="SummingMergeTree(amount)", order_by=["at", "id"])
events("collapsing", engine="CollapsingMergeTree(sign)")
events("versioned", engine="VersionedCollapsingMergeTree(sign, at)")
events("aggregating", engine="AggregatingMergeTree")
events("log", engine="Log")
events(
    "partitioned",
    sa.Column("tag", sa.String(20), info={"clickhouse": {"low_cardinality": True}}),
    sa.Column("note", sa.Text, comment="free text", info={"clickhouse": {"codec": ["ZSTD(3)"]}}),
    sa.Column("ip", sa.String(45), info={"clickhouse": {"type": "IPv6", "default": "toIPv6('::1')"}}),
    sa.Column("doubled", sa.Numeric(12, 2), sa.Computed("amount * 2")),
    sa.Column("day", sa.Date, sa.Computed("toDate(at)", persisted=False)),
    sa.CheckConstraint("amount >= 0", name="amount_non_negative"),
    sa.Index("ix_partitioned_tag", "tag", info={"clickhouse": {"type": "set(100)", "granularity": 2}}),
    partition_by="toYYYYMM(at)",
    primary_key=["at"],
    order_by=["at", "id"],
    ttl="toDateTime(at) + INTERVAL 30 DAY",
    settings={"index_granularity": 1024, "min_bytes_for_wide_part": 0},
)
"""
OPTIONS_EXPECTED = {
    "lake.plain": ("ReplacingMergeTree", "id", "id", ""),
    "lake.replacing": ("ReplacingMergeTree(at)", "id", "id", ""),
    "lake.summing": ("SummingMergeTree(amount)", "at, id", "at, id", ""),
    "lake.collapsing": ("CollapsingMergeTree(sign)", "id", "id", ""),
    # the engine appends its version column to the sorting key itself
    "lake.versioned": ("VersionedCollapsingMergeTree(sign, at)", "id, at", "id", ""),
    "lake.aggregating": ("AggregatingMergeTree", "id", "id", ""),
    "lake.log": ("Log", "", "", ""),
    "lake.partitioned": ("ReplacingMergeTree", "at, id", "at", "toYYYYMM(at)"),
}


def test_each_table_and_column_option_loads(tmp_path: Path, dev: ClickHouseDev) -> None:
    folder = write_model(tmp_path, OPTIONS_MODEL)
    # target-wide: the engine of tables that name none, and a table setting for all
    (tmp_path / "pyproject.toml").write_text(
        '[tool.atlas-provider.clickhouse]\nengine = "ReplacingMergeTree"\n', encoding="utf-8")
    ddl = provider("--path", str(folder), "--setting", "settings.merge_with_ttl_timeout=3600", "--setting", "cdc=false",
                   "--setting", "keep_checks=true", cwd=tmp_path)
    load_clickhouse(ddl, dev)
    tables = dev.tables()
    assert {name: (engine_of(t), t["sorting_key"], t["primary_key"], t["partition_key"])
            for name, t in tables.items()} == OPTIONS_EXPECTED
    for name, table in tables.items():
        if name != "lake.log":
            assert "merge_with_ttl_timeout = 3600" in table["engine_full"], name

    partitioned = tables["lake.partitioned"]
    assert "TTL toDateTime(at) + toIntervalDay(30)" in partitioned["engine_full"]
    # target-wide table settings first, then the table's own
    assert "SETTINGS merge_with_ttl_timeout = 3600, index_granularity = 1024, min_bytes_for_wide_part = 0" \
        in partitioned["engine_full"]
    assert re.search(r"CONSTRAINT amount_non_negative CHECK \(?amount >= 0\)?", partitioned["create_table_query"])
    columns = dev.columns("lake.partitioned")
    summary = {name: (c["type"], c["default_kind"], c["default_expression"], c["comment"], c["compression_codec"])
               for name, c in columns.items()}
    assert summary == {
        "id": ("Int64", "", "", "", ""),
        "at": ("DateTime64(6, 'UTC')", "", "", "", ""),
        "sign": ("Int8", "DEFAULT", "1", "", ""),
        "amount": ("Decimal(12, 2)", "DEFAULT", "0", "", ""),
        "tag": ("LowCardinality(Nullable(String))", "", "", "", ""),
        "note": ("Nullable(String)", "", "", "free text", "CODEC(ZSTD(3))"),
        "ip": ("IPv6", "DEFAULT", "toIPv6('::1')", "", ""),
        "doubled": ("Nullable(Decimal(12, 2))", "MATERIALIZED", "amount * 2", "", ""),
        "day": ("Nullable(Date32)", "ALIAS", "toDate(at)", "", ""),
    }
    indexes = dev.data_skipping_indices("lake.partitioned")
    assert {n: (i["type_full"], i["expr"], int(i["granularity"])) for n, i in indexes.items()} == {
        "ix_partitioned_tag": ("set(100)", "tag", 2)}
    # defaults work: an insert that names only the key (a date the 30-day TTL keeps: a background TTL merge
    # may drop an expired row at any moment)
    dev.query("INSERT INTO lake.partitioned (id, at) VALUES (1, '2100-01-02 03:04:05')")
    assert dev.query("SELECT sign, amount, ip, doubled, day FROM lake.partitioned") == [
        {"sign": 1, "amount": 0, "ip": "::1", "doubled": 0, "day": "2100-01-02"}]


def test_nullable_key_columns_keep_null(tmp_path: Path, dev: ClickHouseDev) -> None:
    folder = write_model(tmp_path, """\
        import sqlalchemy as sa

        metadata = sa.MetaData()
        sa.Table(
            "visits", metadata,
            sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=False),
            sa.Column("day", sa.Date),  # nullable in the model, but in the sorting key
            sa.Column("who", sa.String(20)),
            sa.Column("tags", sa.ARRAY(sa.String)),
            info={"atlas": {"targets": ["lake"]}, "clickhouse": {"order_by": ["day", "id"]}},
        )
    """)
    result = run_provider("--path", str(folder), "--dialect", "clickhouse", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "visits.day" not in result.stderr  # a nullable key column stays Nullable
    assert "Nullable type left out (ClickHouse cannot make arrays, maps or JSON objects Nullable): visits.tags" \
        in result.stderr  # a NULL array is [], its elements are Nullable
    load_clickhouse(result.stdout, dev)
    columns = dev.columns("visits")
    assert {n: (c["type"], c["is_in_sorting_key"]) for n, c in columns.items()} == {
        "id": ("Int64", 1), "day": ("Nullable(Date32)", 1), "who": ("Nullable(String)", 0),
        "tags": ("Array(Nullable(String))", 0)}
    assert "allow_nullable_key = 1" in dev.tables()["visits"]["engine_full"]
    dev.query("INSERT INTO visits (id, day, who, tags) VALUES (1, NULL, NULL, ['a', NULL])")
    assert dev.query("SELECT day, who, tags FROM visits") == [{"day": None, "who": None, "tags": ["a", None]}]


# ---- the CDC profile -----------------------------------------------------------------------------------------

CDC_MODEL = """\
import sqlalchemy as sa

metadata = sa.MetaData()
sa.Table(
    "accounts", metadata,
    sa.Column("id", sa.BigInteger, primary_key=True),
    sa.Column("name", sa.String(50), nullable=False),
    info={"clickhouse": {"cdc": True}},
)
sa.Table(
    "payments", metadata,
    sa.Column("id", sa.BigInteger, primary_key=True),
    sa.Column("amount", sa.Numeric(10, 2), nullable=False),
    info={"clickhouse": {"cdc": {"version": "_peerdb_version", "is_deleted": "_peerdb_is_deleted"}}},
)
sa.Table("events", metadata, sa.Column("id", sa.BigInteger, primary_key=True),
         info={"clickhouse": {"append_only": True}})
"""


def test_cdc_profile_keeps_the_newest_version_and_drops_deleted_rows(tmp_path: Path, dev: ClickHouseDev) -> None:
    folder = write_model(tmp_path, CDC_MODEL)
    load_clickhouse(provider("--path", str(folder), cwd=tmp_path), dev)
    tables = dev.tables()
    assert engine_of(tables["accounts"]) == "ReplacingMergeTree(_version, _is_deleted)"
    assert engine_of(tables["payments"]) == "ReplacingMergeTree(_peerdb_version, _peerdb_is_deleted)"
    assert engine_of(tables["events"]) == "MergeTree"
    assert {n: c["type"] for n, c in dev.columns("payments").items()} == {
        "id": "Int64", "amount": "Decimal(10, 2)", "_peerdb_version": "UInt64", "_peerdb_is_deleted": "UInt8"}

    dev.query("INSERT INTO accounts (id, name) VALUES (9, 'no CDC columns given')")  # DEFAULT 0 for both
    dev.query("INSERT INTO accounts VALUES (1, 'first', 1, 0), (2, 'other', 1, 0)")
    dev.query("INSERT INTO accounts VALUES (1, 'second', 2, 0)")
    dev.query("INSERT INTO accounts VALUES (2, 'other', 3, 1)")
    assert dev.query("SELECT id, name FROM accounts FINAL ORDER BY id") == [
        {"id": "1", "name": "second"}, {"id": "9", "name": "no CDC columns given"}]


def test_cdc_as_a_target_wide_setting(tmp_path: Path, dev: ClickHouseDev) -> None:
    folder = write_model(tmp_path, CDC_MODEL)
    load_clickhouse(provider("--path", str(folder), "--setting", "cdc=true", "--setting", "cdc_version_column=_lsn",
                             cwd=tmp_path), dev)
    engines = {name: engine_of(t) for name, t in dev.tables().items()}
    # cdc=True means "the target's CDC column names", which --setting changed for every table but payments
    assert engines == {"accounts": "ReplacingMergeTree(_lsn, _is_deleted)",
                       "payments": "ReplacingMergeTree(_peerdb_version, _peerdb_is_deleted)",
                       "events": "ReplacingMergeTree(_lsn, _is_deleted)"}


# ---- cluster -------------------------------------------------------------------------------------------------


def test_cluster_output_parses(dev: ClickHouseDev) -> None:
    """chDB has no cluster: every statement must get as far as "cluster not found" (so it parsed)."""
    ddl = provider("--path", "examples/shop", "--setting", "cluster=lake")
    statements = split_statements(ddl)
    assert statements and all(" ON CLUSTER lake" in s for s in statements)
    for statement in statements:
        with pytest.raises(ChdbError, match=r"Code: 701\. .*Requested cluster 'lake' not found"):
            dev.query(statement.rstrip(";"))
        if statement.startswith("CREATE DATABASE "):  # the tables' turn: their database must exist locally
            dev.query(statement.split(" ON CLUSTER ")[0])


# ---- quoting round trip ----------------------------------------------------------------------------------------

TEXT = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=40)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(table_comment=TEXT, column_comment=TEXT, default=TEXT)
def test_comments_and_string_defaults_round_trip(table_comment: str, column_comment: str, default: str) -> None:
    metadata = sa.MetaData()
    table = sa.Table("notes", metadata, sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
                     sa.Column("body", sa.String(100), nullable=False, server_default=default,
                               comment=column_comment or None),
                     comment=table_comment or None)
    ddl = build_schema(Model(tables=[table]), get_adapter("clickhouse", TargetOptions())).text
    with fresh_clickhouse() as dev:
        load_clickhouse(ddl, dev)
        assert dev.tables()["notes"]["comment"] == table_comment
        assert dev.columns("notes")["body"]["comment"] == column_comment
        dev.query("INSERT INTO notes (id) VALUES (1)")
        assert dev.query("SELECT body FROM notes") == [{"body": default}]


# ---- issue 12: what a CDC pipeline writes must load -----------------------------------------------------------

CDC_SAFE_MODEL = """\
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql as pg

metadata = sa.MetaData()
sa.Table(
    "accounts", metadata,
    sa.Column("id", sa.BigInteger, primary_key=True),
    sa.Column("qty", sa.Integer, sa.CheckConstraint("qty > 0")),                       # finding 1
    sa.Column("name", sa.Text, sa.CheckConstraint("btrim(name) <> ''")),               # a PostgreSQL function
    sa.Column("scores", pg.ARRAY(sa.Integer), nullable=False, server_default="{}"),   # findings 2, 3
    sa.Column("tags", pg.ARRAY(sa.Text), server_default=sa.text("'{a,b}'::text[]")),
    sa.Column("doc", pg.JSONB, nullable=False, server_default=sa.text("'{}'::jsonb")),
    sa.Column("huge", sa.Numeric(100, 10)),
    sa.Column("seven", sa.Integer, nullable=False, server_default="7"),
    sa.Column("seen_at", sa.DateTime, nullable=False, server_default=sa.func.now()),  # finding 6
)
sa.Table(
    "visits", metadata,
    sa.Column("id", sa.BigInteger, primary_key=True),
    sa.Column("day", sa.Date),
    info={"atlas": {"targets": ["lake"]}, "clickhouse": {"order_by": ["day", "id"]}},
)
"""


def test_cdc_safe_defaults_load_and_take_what_a_pipeline_sends(tmp_path: Path, dev: ClickHouseDev) -> None:
    folder = write_model(tmp_path, CDC_SAFE_MODEL)
    result = run_provider("--path", str(folder), "--dialect", "clickhouse", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "2 check constraints left out" in result.stderr
    assert "1 decimal precision left out" in result.stderr and "accounts.huge" in result.stderr
    assert "server default" not in result.stderr
    load_clickhouse(result.stdout, dev)
    # 23.10 reads array() back as [], 26.x as written
    columns = {n: (c["type"], c["default_expression"].replace("array()", "[]").replace("array('a', 'b')", "['a', 'b']"))
               for n, c in dev.columns("accounts").items()}
    assert columns == {
        "id": ("Int64", ""), "qty": ("Nullable(Int32)", ""), "name": ("Nullable(String)", ""),
        "scores": ("Array(Nullable(Int32))", "[]"), "tags": ("Array(Nullable(String))", "['a', 'b']"),
        "doc": ("String", "'{}'"), "huge": ("Nullable(String)", ""), "seven": ("Int32", "7"),
        "seen_at": ("DateTime64(6, 'UTC')", "now64(6, 'UTC')"),
        "_version": ("UInt64", "0"), "_is_deleted": ("UInt8", "0"),
    }
    # a NULL in a (formerly) checked column, NULL array elements, a delete tombstone with only key and flags
    dev.query("INSERT INTO accounts (id, qty, name, scores, huge, _version) "
              "VALUES (1, NULL, NULL, [1, NULL], '1234567890123456789012345678901234567890.0123456789', 1)")
    dev.query("INSERT INTO accounts (id, _version, _is_deleted) VALUES (2, 1, 0), (2, 2, 1)")
    assert dev.query("SELECT id, qty, scores, tags, doc, seven, huge FROM accounts FINAL ORDER BY id") == [
        {"id": "1", "qty": None, "scores": [1, None], "tags": ["a", "b"], "doc": "{}", "seven": 7,
         "huge": "1234567890123456789012345678901234567890.0123456789"}]
    visits = dev.tables()["visits"]
    assert "allow_nullable_key = 1" in visits["engine_full"]
    dev.query("INSERT INTO visits VALUES (1, NULL)")
    assert dev.query("SELECT day FROM visits") == [{"day": None}]


@pytest.mark.parametrize(("tool", "version", "is_deleted"), [("generic", "_version", "_is_deleted"),
                                                              ("peerdb", "_peerdb_version", "_peerdb_is_deleted"),
                                                              ("debezium", "_version", "is_deleted")])
def test_each_cdc_profile_replaces_updates_and_drops_deletes(tmp_path: Path, dev: ClickHouseDev, tool: str,
                                                             version: str, is_deleted: str) -> None:
    folder = write_model(tmp_path, """\
        import sqlalchemy as sa

        metadata = sa.MetaData()
        sa.Table("orders", metadata, sa.Column("id", sa.BigInteger, primary_key=True),
                 sa.Column("status", sa.String(20), nullable=False))
    """)
    load_clickhouse(provider("--path", str(folder), "--setting", f"cdc_tool={tool}", cwd=tmp_path), dev)
    dev.query(f"INSERT INTO orders (id, status, {version}, {is_deleted}) "
              "VALUES (1, 'new', 1, 0), (2, 'new', 1, 0)")
    dev.query(f"INSERT INTO orders (id, status, {version}, {is_deleted}) VALUES (1, 'paid', 2, 0), (2, '', 2, 1)")
    assert dev.query("SELECT id, status FROM orders FINAL ORDER BY id") == [{"id": "1", "status": "paid"}]
    if tool == "peerdb":  # PeerDB refuses an existing table without its synced-at column
        assert dev.columns("orders")["_peerdb_synced_at"]["type"] == "DateTime64(9)"


# ---- names exactly as written (issue 16) --------------------------------------------------------------------


def test_names_reach_clickhouse_byte_for_byte(tmp_path: Path, dev: ClickHouseDev) -> None:
    """Backslashes, backticks and quotes in database, table and column names: split as Atlas splits the text,
    loaded, and read back from system.tables and system.columns (as hex, so no escaping hides a change)."""
    adapter = get_adapter("clickhouse", TargetOptions(settings={}))
    table = odd_names_table()
    load_clickhouse(build_schema(Model(tables=[table]), adapter).text, dev)
    found = dev.query("SELECT hex(database) AS d, hex(name) AS n FROM system.tables WHERE database LIKE 'we%'",
                      use_dev=False)
    assert found == [{"d": "we\\ird".encode().hex().upper(), "n": "raw\\table".encode().hex().upper()}]
    columns = dev.query("SELECT hex(name) AS n FROM system.columns WHERE database LIKE 'we%' ORDER BY position",
                        use_dev=False)
    assert [bytes.fromhex(c["n"]).decode() for c in columns] == list(ODD_NAMES[1:])


def test_keys_naming_odd_columns_key_those_columns(dev: ClickHouseDev) -> None:
    """A sorting or partition key given by a column's name (`Order Date`, `tenant-id`, one ending in a
    backslash) keys exactly that column on ClickHouse."""
    names = ("tenant-id", "path\\name", "ends\\", "Order Date")
    table = sa.Table("keyed", sa.MetaData(), sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=False),
                     *(sa.Column(n, sa.Integer, nullable=False) for n in names),
                     info={"clickhouse": {"order_by": [*names[:3], "id"], "partition_by": names[3],
                                          "stable": list(names)}})
    adapter = get_adapter("clickhouse", TargetOptions(settings={}))
    load_clickhouse(build_schema(Model(tables=[table]), adapter).text, dev)
    columns = dev.query("SELECT hex(name) AS n, is_in_sorting_key AS s, is_in_partition_key AS p FROM system.columns "
                        "WHERE database = 'dev' AND table = 'keyed' AND (s OR p) ORDER BY position", use_dev=False)
    assert [(bytes.fromhex(c["n"]).decode(), c["s"], c["p"]) for c in columns] == [
        ("id", 1, 0), ("tenant-id", 1, 0), ("path\\name", 1, 0), ("ends\\", 1, 0), ("Order Date", 0, 1)]


def test_a_clickhouse_sqlalchemy_summing_engine_over_two_columns_loads(dev: ClickHouseDev) -> None:
    table = sa.Table("sums", sa.MetaData(), sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=False),
                     sa.Column("x", sa.Integer, nullable=False), sa.Column("odd y", sa.Integer, nullable=False),
                     info={"clickhouse": {"cdc": False}})
    _clickhouse_sqlalchemy_fakes()["SummingMergeTree"](order_by=[table.c.id],
                                                       columns=[table.c.x, table.c["odd y"]])._set_parent(table)
    adapter = get_adapter("clickhouse", TargetOptions(settings={}))
    load_clickhouse(build_schema(Model(tables=[table]), adapter).text, dev)
    assert dev.tables()["sums"]["engine_full"].startswith("SummingMergeTree((x, `odd y`)) ORDER BY id")


def test_a_column_named_like_a_clause_of_the_column_list_loads(dev: ClickHouseDev) -> None:
    """Inside CREATE TABLE's parentheses `projection` (like `index` and `constraint`) starts a definition of its
    own unless quoted: ClickHouse 23.10 and 26.9 both answer a syntax error."""
    table = sa.Table("clauses", sa.MetaData(), sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=False),
                     *(sa.Column(n, sa.Integer, nullable=False) for n in ("projection", "index", "constraint")),
                     info={"clickhouse": {"order_by": ["projection", "id"], "stable": ["projection"]}})
    adapter = get_adapter("clickhouse", TargetOptions(settings={}))
    load_clickhouse(build_schema(Model(tables=[table]), adapter).text, dev)
    assert list(dev.columns("clauses"))[:4] == ["id", "projection", "index", "constraint"]


def test_text_with_a_nul_byte_reaches_clickhouse_byte_for_byte(dev: ClickHouseDev) -> None:
    """ClickHouse 23.10 stops reading a query at a raw NUL byte (26.9 does not): strings write it as `\\0`."""
    texts = ["a\x00b", "end\\", "q'uote\n"]
    table = sa.Table("notes", sa.MetaData(), sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=False),
                     *(sa.Column(f"c{i}", sa.String, nullable=False, comment=text, server_default=text)
                       for i, text in enumerate(texts)),
                     comment="\x00", info={"clickhouse": {"cdc": False}})
    ddl = build_schema(Model(tables=[table]), get_adapter("clickhouse", TargetOptions(settings={}))).text
    assert "\x00" not in ddl
    load_clickhouse(ddl, dev)
    dev.query("INSERT INTO notes (id) VALUES (1)")
    row = dev.query("SELECT " + ", ".join(f"hex(c{i}) AS c{i}" for i in range(len(texts))) + " FROM notes")[0]
    assert [bytes.fromhex(row[f"c{i}"]).decode() for i in range(len(texts))] == texts
    comments = dev.query("SELECT hex(comment) AS c FROM system.columns WHERE database = 'dev' AND table = 'notes' "
                         "ORDER BY position", use_dev=False)
    assert [bytes.fromhex(c["c"]).decode() for c in comments] == ["", *texts]
