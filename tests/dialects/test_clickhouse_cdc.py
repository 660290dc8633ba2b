"""ClickHouse, offline: the lake as a CDC pipeline receives it (issue 12, findings 1-6). Each test names the
finding it reproduces; tests/live/test_clickhouse_live.py loads the same output into chDB."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql as pg

from atlas_provider import ModelError, UnsupportedError, UsageError
from atlas_provider.api import Schema, build_schema
from atlas_provider.dialects import TargetOptions, get_adapter
from atlas_provider.loading import Model, table_key
from tests.support.provider import run_provider
from tests.support.sqlsplit import split_statements

ROOT = Path(__file__).resolve().parents[2]

LAKE_ONLY = {"atlas": {"targets": ["lake"]}}


def lake(*tables: sa.Table, strict: bool = False, **settings: Any) -> Schema:
    """The lake schema with the default settings (CDC for every table the application also gets)."""
    adapter = get_adapter("clickhouse", TargetOptions(settings=settings))
    return build_schema(Model(tables=sorted(tables, key=table_key)), adapter, strict=strict)


def create(table: sa.Table, **settings: Any) -> str:
    found = [s.rstrip(";") for s in split_statements(lake(table, **settings).text) if s.startswith("CREATE TABLE")]
    assert len(found) == 1, found
    return found[0]


def reported(*tables: sa.Table, **settings: Any) -> dict[str, list[str]]:
    result: dict[str, list[str]] = {}
    for loss in sorted(set(lake(*tables, **settings).losses.losses)):
        result.setdefault(loss.kind, []).append(loss.subject)
    return result


def table(*extra: Any, name: str = "items", info: dict[str, Any] | None = None) -> sa.Table:
    return sa.Table(name, sa.MetaData(), sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=False),
                    *extra, info=info or {})


# ---- finding 1: CHECK constraints stay in the application database ------------------------------------


def test_check_constraints_are_left_out_and_reported() -> None:
    items = table(sa.Column("qty", sa.Integer, sa.CheckConstraint("qty > 0")),
                  sa.CheckConstraint("btrim(name) <> ''", name="name_not_blank"), sa.Column("name", sa.Text))
    ddl = create(items)
    assert "CONSTRAINT" not in ddl and "CHECK" not in ddl
    assert reported(items)["check constraint"] == ["items.name_not_blank", "items.qty > 0"]


@pytest.mark.parametrize("keep", [{"keep_checks": "true"}, {"info": {"clickhouse": {"keep_checks": True}}}],
                         ids=["setting", "table-info"])
def test_a_setting_or_the_table_keeps_them(keep: dict[str, Any]) -> None:
    items = table(sa.Column("qty", sa.Integer), sa.CheckConstraint("qty > 0", name="qty_positive"),
                  info=keep.pop("info", None))
    assert "\tCONSTRAINT qty_positive CHECK (qty > 0)\n" in create(items, **keep)
    assert "check constraint" not in reported(items, **keep)


# ---- finding 2: array elements may be NULL -------------------------------------------------------------


def test_array_elements_are_nullable_unless_the_column_says_otherwise() -> None:
    items = table(sa.Column("scores", pg.ARRAY(sa.Integer), nullable=False),
                  sa.Column("tags", sa.ARRAY(sa.Text), nullable=False),
                  sa.Column("grid", pg.ARRAY(sa.Numeric(5, 2), dimensions=2), nullable=False),
                  sa.Column("dense", pg.ARRAY(sa.Integer), nullable=False,
                            info={"clickhouse": {"nullable_elements": False}}))
    ddl = create(items)
    assert "\tscores Array(Nullable(Int32)), " in ddl
    assert "\ttags Array(Nullable(String)), " in ddl
    assert "\tgrid Array(Array(Nullable(Decimal(5, 2)))), " in ddl
    assert "\tdense Array(Int32), " in ddl


# ---- finding 3: DDL that loads ---------------------------------------------------------------------------


def test_precision_above_76_is_stored_as_string_and_reported() -> None:
    items = table(sa.Column("huge", sa.Numeric(100, 10), nullable=False), sa.Column("max", sa.Numeric(76, 10)))
    ddl = create(items)
    assert "\thuge String, \n\tmax Nullable(Decimal(76, 10))" in ddl
    assert reported(items)["decimal precision"] == ["items.huge"]
    with pytest.raises(UnsupportedError, match=r"1 decimal precision left out .*items\.huge"):
        lake(items, strict=True)


DEFAULTS = [
    ("int_str", sa.Integer, "7", "Int32 DEFAULT 7"),
    ("int_text_quoted", sa.Integer, sa.text("'7'"), "Int32 DEFAULT 7"),
    ("numeric_str", sa.Numeric(10, 2), "-1.25", "Decimal(10, 2) DEFAULT -1.25"),
    ("bool_str", sa.Boolean, "1", "Bool DEFAULT true"),
    ("bool_f", sa.Boolean, sa.text("'f'"), "Bool DEFAULT false"),
    ("array_empty", pg.ARRAY(sa.Integer), sa.text("'{}'"), "Array(Nullable(Int32)) DEFAULT array()"),
    ("array_cast", pg.ARRAY(sa.Integer), sa.text("'{}'::integer[]"), "Array(Nullable(Int32)) DEFAULT array()"),
    ("array_items", pg.ARRAY(sa.Text), "{a,b}", "Array(Nullable(String)) DEFAULT array('a', 'b')"),
    ("array_numbers", pg.ARRAY(sa.Integer), "{1,2}", "Array(Nullable(Int32)) DEFAULT array(1, 2)"),
    ("jsonb_object", pg.JSONB, sa.text("'{}'::jsonb"), "String DEFAULT '{}'"),
    ("json_array", sa.JSON, "[]", "String DEFAULT '[]'"),
]


@pytest.mark.parametrize(("name", "type_", "default", "expected"), DEFAULTS, ids=[d[0] for d in DEFAULTS])
def test_server_defaults_are_read_for_the_column_type(name: str, type_: Any, default: Any, expected: str) -> None:
    items = table(sa.Column(name, type_, nullable=False, server_default=default))
    assert f"\t{name} {expected}, \n" in create(items)
    assert "server default" not in reported(items)


@pytest.mark.parametrize(("type_", "default"), [(sa.Integer, "seven"), (pg.ARRAY(sa.Integer), "{1,NULL}"),
                                                (sa.Boolean, "maybe")], ids=["word-for-int", "null-element", "bool"])
def test_defaults_the_column_type_cannot_read_are_left_out_and_reported(type_: Any, default: str) -> None:
    items = table(sa.Column("x", type_, nullable=False, server_default=default))
    line = next(line for line in create(items).splitlines() if line.startswith("\tx "))
    assert "DEFAULT" not in line
    assert reported(items)["server default"] == ["items.x"]


# ---- finding 4: CDC tables fed from the application ------------------------------------------------------


def test_every_table_the_application_feeds_is_a_cdc_table_keyed_on_its_primary_key() -> None:
    metadata = sa.MetaData()
    orders = sa.Table("orders", metadata, sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=False),
                      sa.Column("status", sa.String(20)))
    events = sa.Table("events", metadata, sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=False),
                      info=LAKE_ONLY)
    text = lake(orders, events).text
    assert "ENGINE = ReplacingMergeTree(_version, _is_deleted)\nORDER BY id" in text
    assert "ENGINE = MergeTree\nORDER BY id" in text  # the lake-only table is no CDC table


# The example's own mistakes (issue 12), then keys beside the primary key, one clause at a time. Issue 16: each
# is refused only under a pipeline the model or the settings declare, and only when the loss is certain (an
# engine that does not replace, a sorting key without a primary-key column); the rest is one warning.
CERTAIN_LOSSES = [
    ({"engine": "SummingMergeTree", "order_by": ["day", "product_id"]}, r"ENGINE = SummingMergeTree keeps every"),
    ({"engine": "MergeTree"}, r"ENGINE = MergeTree keeps every version"),
    ({"order_by": ["status", "day"]}, r"ORDER BY leaves out the primary-key column 'product_id'"),
]
RISKS = [
    ({"engine": "ReplacingMergeTree(updated_at)"}, r"no is-deleted argument, so deleted rows stay"),
    ({"order_by": ["status", "day", "product_id"]}, r"ORDER BY uses 'status' beside the primary key"),
    ({"partition_by": "toYYYYMM(updated_at)"}, r"PARTITION BY uses 'updated_at' beside the primary key"),
    ({"primary_key": ["status"], "order_by": ["status", "day", "product_id"]},
     r"ORDER BY and PRIMARY KEY use 'status'"),
]


def sales_table(info: dict[str, Any]) -> sa.Table:
    return sa.Table("daily_sales", sa.MetaData(), sa.Column("day", sa.Date, primary_key=True),
                    sa.Column("product_id", sa.BigInteger, primary_key=True, autoincrement=False),
                    sa.Column("status", sa.String(10)), sa.Column("updated_at", sa.DateTime),
                    info={"atlas": {"targets": ["postgresql", "lake"]}, "clickhouse": info})


DECLARATIONS = [({"cdc": True}, {}), ({}, {"cdc": "true"}), ({}, {"cdc_tool": "peerdb"})]


@pytest.mark.parametrize(("info", "message"), CERTAIN_LOSSES, ids=["summing", "merge-tree", "order-by-without-key"])
@pytest.mark.parametrize(("table_says", "target_says"), DECLARATIONS, ids=["table-cdc", "target-cdc", "cdc-tool"])
def test_a_certain_loss_under_a_declared_pipeline_is_an_error(info: dict[str, Any], message: str,
                                                              table_says: dict[str, Any],
                                                              target_says: dict[str, Any]) -> None:
    sales = sales_table({**info, **table_says})
    with pytest.raises(ModelError, match=message) as raised:
        lake(sales, **target_says)
    assert str(raised.value).startswith("daily_sales: fed from the application by CDC, which the model declares")
    # the model can say the table is append-only, or that it is no CDC table, or keep it out of the app
    for escape in ({"append_only": True}, {"cdc": False}):
        sales.info["clickhouse"] = {**info, **escape}
        assert lake(sales, **target_says).text
    sales.info = {"atlas": {"targets": ["lake"]}, "clickhouse": info}
    assert lake(sales).text


@pytest.mark.parametrize(("info", "message"), CERTAIN_LOSSES + RISKS,
                         ids=["summing", "merge-tree", "order-by-without-key", "no-is-deleted", "order-by",
                              "partition-by", "primary-key"])
def test_without_a_declared_pipeline_the_declared_layout_is_printed_with_one_warning(info: dict[str, Any],
                                                                                     message: str) -> None:
    schema = lake(sales_table(info))
    create_ = next(s for s in split_statements(schema.text) if s.startswith("CREATE TABLE"))
    if "engine" in info:
        assert f"ENGINE = {info['engine']}\n" in create_
    if "order_by" in info:
        assert f"ORDER BY ({', '.join(info['order_by'])})" in create_
    if "partition_by" in info:
        assert f"PARTITION BY {info['partition_by']}\n" in create_
    risks = [loss for loss in schema.losses.losses if loss.kind == "CDC risk"]
    assert [loss.subject for loss in risks] == ["daily_sales"]
    assert re.search(message, risks[0].reason)


@pytest.mark.parametrize(("info", "message"), RISKS, ids=["no-is-deleted", "order-by", "partition-by", "primary-key"])
def test_an_uncertain_risk_under_a_declared_pipeline_is_one_warning(info: dict[str, Any], message: str) -> None:
    schema = lake(sales_table({**info, "cdc": True}))
    risks = [loss for loss in schema.losses.losses if loss.kind == "CDC risk"]
    assert len(risks) == 1 and re.search(message, risks[0].reason)


def test_the_lake_defaults_never_merge_distinct_rows() -> None:
    """A sorting key without the whole primary key and no engine: the lake keeps every row (MergeTree) instead
    of replacing by a key that is not the row's identity."""
    ddl = create(sales_table({"order_by": ["status", "day"]}))
    assert "ENGINE = MergeTree\nORDER BY (status, day)" in ddl and "_version" not in ddl


def test_a_cdc_table_without_primary_key_is_an_error() -> None:
    log = sa.Table("log", sa.MetaData(), sa.Column("line", sa.Text), info={"clickhouse": {"cdc": True}})
    with pytest.raises(ModelError, match=r"^log: fed from the application by CDC, which the model declares, but "
                                         r"has no primary key"):
        lake(log)
    assert "ENGINE = MergeTree\nORDER BY tuple()" in lake(sa.Table("log2", sa.MetaData(), sa.Column("x", sa.Text))).text


def test_the_cdc_setting_turns_cdc_on_or_off_for_every_table() -> None:
    events = table(name="events", info=LAKE_ONLY)
    assert "ReplacingMergeTree(_version, _is_deleted)" in create(events, cdc="true")
    assert "ENGINE = MergeTree\n" in create(table(), cdc="false")
    assert "ReplacingMergeTree(_version, _is_deleted)" in create(table(), cdc="auto")


# ---- finding 5: each pipeline's own columns ----------------------------------------------------------------


PROFILES = [
    ("generic", "\t_version UInt64 DEFAULT 0, \n\t_is_deleted UInt8 DEFAULT 0\n",
     "ReplacingMergeTree(_version, _is_deleted)"),
    ("peerdb", "\t_peerdb_synced_at DateTime64(9) DEFAULT now64(), \n\t_peerdb_is_deleted UInt8, \n"
               "\t_peerdb_version UInt64\n", "ReplacingMergeTree(_peerdb_version, _peerdb_is_deleted)"),
    ("debezium", "\t_version UInt64, \n\tis_deleted UInt8\n", "ReplacingMergeTree(_version, is_deleted)"),
]


@pytest.mark.parametrize(("tool", "columns", "engine"), PROFILES, ids=[p[0] for p in PROFILES])
def test_each_cdc_tool_gets_its_own_columns_and_engine(tool: str, columns: str, engine: str) -> None:
    by_setting = create(table(), cdc_tool=tool)
    assert by_setting == (f"CREATE TABLE items (\n\tid Int64, \n{columns})\nENGINE = {engine}\nORDER BY id")
    assert create(table(info={"clickhouse": {"cdc": {"tool": tool}}})) == by_setting


def test_names_can_still_be_chosen_and_a_bad_tool_is_an_error() -> None:
    renamed = table(info={"clickhouse": {"cdc": {"tool": "peerdb", "version": "_lsn"}}})
    assert "ENGINE = ReplacingMergeTree(_lsn, _peerdb_is_deleted)" in create(renamed)
    assert "ReplacingMergeTree(_v, _peerdb_is_deleted)" in create(table(), cdc_tool="PeerDB", cdc_version_column="_v")
    with pytest.raises(ModelError, match=r"\['tool'\] must be one of debezium, generic, peerdb"):
        lake(table(info={"clickhouse": {"cdc": {"tool": "fivetran"}}}))


# ---- finding 6: meaning that does not depend on the server ---------------------------------------------------


def test_naive_timestamps_are_utc_unless_the_model_or_a_setting_says_otherwise() -> None:
    items = table(sa.Column("at", sa.DateTime, nullable=False, server_default=sa.func.now()),
                  sa.Column("local", sa.DateTime, nullable=False, info={"clickhouse": {"timezone": ""}}),
                  sa.Column("tokyo", sa.DateTime, nullable=False, info={"clickhouse": {"timezone": "Asia/Tokyo"}}))
    ddl = create(items)
    assert "\tat DateTime64(6, 'UTC') DEFAULT now64(6, 'UTC'), " in ddl
    assert "\tlocal DateTime64(6), " in ddl
    assert "\ttokyo DateTime64(6, 'Asia/Tokyo'), " in ddl
    assert "\tat DateTime64(6) DEFAULT now64(6), " in create(items, naive_timezone="")


def test_nullable_key_columns_stay_nullable_with_allow_nullable_key() -> None:
    events = table(sa.Column("day", sa.Date), info={**LAKE_ONLY, "clickhouse": {"order_by": ["day", "id"]}})
    ddl = create(events)
    assert "\tday Nullable(Date32)\n" in ddl
    assert ddl.endswith("ORDER BY (day, id)\nSETTINGS allow_nullable_key = 1")
    assert reported(events) == {}


# ---- issue 16: ClickHouse's own guidance for ordering keys ---------------------------------------------------


def outbox(**clickhouse: Any) -> sa.Table:
    """The issue's outbox: primary key id, ordered by (occurred_at, id), partitioned by month of occurred_at."""
    return sa.Table("events", sa.MetaData(), sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=False),
                    sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
                    sa.Column("topic", sa.String(60), nullable=False),
                    info={"clickhouse": {"order_by": ["occurred_at", "id"], "partition_by": "toYYYYMM(occurred_at)",
                                         **clickhouse}})


@pytest.mark.parametrize("settings", [{}, {"cdc_tool": "peerdb"}, {"cdc": "true"}], ids=["assumed", "tool", "cdc"])
def test_an_ordering_key_holding_the_primary_key_prints_as_declared_with_one_warning(settings: dict[str, Any]) -> None:
    schema = lake(outbox(), **settings)
    ddl = create(outbox(), **settings)
    assert "\nPARTITION BY toYYYYMM(occurred_at)\nORDER BY (occurred_at, id)" in ddl
    assert "ENGINE = ReplacingMergeTree(" in ddl
    risks = [loss for loss in schema.losses.losses if loss.kind == "CDC risk"]
    assert len(risks) == 1 and risks[0].subject == "events"
    reason = risks[0].reason
    assert "ORDER BY and PARTITION BY use 'occurred_at' beside the primary key" in reason
    assert "info={'clickhouse': {'stable': ['occurred_at']}}" in reason
    assert "REPLICA IDENTITY FULL, or USING INDEX on a unique index of (id, occurred_at)" in reason


def test_columns_the_model_declares_stable_need_no_warning_but_the_source_still_does() -> None:
    table = outbox(stable=["occurred_at"])
    assert "CDC risk" not in reported(table)
    adapter = get_adapter("clickhouse", TargetOptions(settings={"cdc_tool": "peerdb"}))
    layout = adapter.table_layout(lake(table, cdc_tool="peerdb").tables[0])
    assert layout["replica_identity"].startswith("FULL, or USING INDEX on a unique index of (id, occurred_at)")
    assert "ClickPipes for Postgres" in layout["replica_identity"]
    lake_only = outbox(stable=["occurred_at"])
    lake_only.info["atlas"] = {"targets": ["mysql", "lake"]}
    assert "replica_identity" not in adapter.table_layout(lake(lake_only, cdc_tool="peerdb").tables[0])


def test_stable_must_name_columns_of_the_table() -> None:
    with pytest.raises(ModelError, match=r"^events: info\['clickhouse'\]\['stable'\] names 'occured_at', which is "
                                         r"not a column"):
        lake(outbox(stable=["occured_at"]))


def test_check_lists_the_risk_and_what_postgresql_needs() -> None:
    result = run_provider("check", "--path", "tests/models/outbox", "-d", "postgresql", "-d", "clickhouse",
                          "--format", "json", cwd=ROOT)
    assert result.returncode == 0, result.stderr
    rows = [r for r in json.loads(result.stdout)["rows"]
            if r["table"] == "events" and not r["column"] and r["target"] == "clickhouse"]
    assert [loss["kind"] for loss in rows[0]["losses"]] == ["CDC risk"]
    assert rows[0]["layout"]["replica_identity"].startswith("FULL, or USING INDEX on a unique index of (id, ")


def test_the_targets_engine_setting_is_a_declaration_too() -> None:
    """`engine` in the target's settings wins over the lake defaults for every table; under a declared pipeline
    a non-replacing one is still refused."""
    assert "ENGINE = ReplacingMergeTree\nORDER BY id" in create(table(), engine="ReplacingMergeTree")
    assert [loss.reason for loss in lake(table(), engine="ReplacingMergeTree").losses.losses
            if loss.kind == "CDC risk"][0].startswith("ENGINE = ReplacingMergeTree has no is-deleted argument")
    ddl = create(table(), engine="MergeTree")
    assert "ENGINE = MergeTree\n" in ddl and "_version" not in ddl
    with pytest.raises(ModelError, match=r"^items: fed from the application by CDC, which the model declares, but "
                                         r"ENGINE = MergeTree"):
        lake(table(), engine="MergeTree", cdc_tool="debezium")


# ---- hostile review of issue 16 ----------------------------------------------------------------------------


def test_a_key_naming_a_column_that_needs_quotes_prints_the_quoted_column() -> None:
    """A key given by a column's name is that column, however the name is spelled: `Order Date`, `tenant-id` and
    `path\\name` printed bare would be a syntax error, or worse an expression (`tenant - id`)."""
    events = sa.Table("events", sa.MetaData(), sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=False),
                      sa.Column("Order Date", sa.Date, nullable=False),
                      sa.Column("tenant-id", sa.Integer, nullable=False),
                      sa.Column("path\\name", sa.Text, nullable=False),
                      info={"clickhouse": {"order_by": ["tenant-id", "path\\name", "id"], "partition_by": "Order Date",
                                           "stable": ["tenant-id", "path\\name"]}})
    schema = lake(events)
    assert "\nPARTITION BY `Order Date`\nORDER BY (`tenant-id`, `path\\\\name`, id)" in schema.text
    risks = [loss.reason for loss in schema.losses.losses if loss.kind == "CDC risk"]
    assert len(risks) == 1 and "PARTITION BY uses 'Order Date' beside the primary key" in risks[0]


def test_a_replicated_replacing_engine_without_is_deleted_warns_like_the_plain_one() -> None:
    """The replication path and replica name are not the version and is-deleted arguments."""
    engine = "ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/items', '{replica}', version)"
    items = table(sa.Column("version", sa.BigInteger, nullable=False), info={"clickhouse": {"engine": engine}})
    risks = [loss.reason for loss in lake(items).losses.losses if loss.kind == "CDC risk"]
    assert len(risks) == 1 and risks[0].startswith("ENGINE = ReplicatedReplacingMergeTree has no is-deleted argument")
    items.info["clickhouse"]["engine"] = engine.replace("version)", "version, is_deleted)")
    items.append_column(sa.Column("is_deleted", sa.SmallInteger, nullable=False))
    assert not [loss for loss in lake(items).losses.losses if loss.kind == "CDC risk"]


@pytest.mark.parametrize("engine", ["CollapsingMergeTree(sign)", "VersionedCollapsingMergeTree(sign, version)",
                                    "AggregatingMergeTree", "SummingMergeTree"])
def test_a_non_replacing_engine_is_named_for_what_it_does(engine: str) -> None:
    items = table(sa.Column("sign", sa.SmallInteger, nullable=False), sa.Column("version", sa.Integer, nullable=False),
                  info={"clickhouse": {"engine": engine}})
    family = engine.partition("(")[0]
    with pytest.raises(ModelError, match=rf"but ENGINE = {family} keeps every version of a row") as raised:
        lake(items, cdc_tool="peerdb")
    assert ("SummingMergeTree adds an update to the old value" in str(raised.value)) == (family == "SummingMergeTree")


@pytest.mark.parametrize("key", ["cdc_version_column", "cdc_is_deleted_column"])
def test_a_bad_cdc_column_setting_names_the_setting_not_a_table(key: str) -> None:
    with pytest.raises(UsageError, match=rf"^clickhouse: ClickHouse setting '{key}' must be a column name, got "
                                         r"'ver sion'$"):
        lake(table(), **{key: "ver sion"})


@pytest.mark.parametrize(("settings", "engine"), [({}, "ReplacingMergeTree(_version, _is_deleted)"),
                                                  ({"cdc_tool": "peerdb"}, "ReplacingMergeTree(_peerdb_version)")],
                         ids=["assumed", "declared"])
def test_an_engine_naming_the_profiles_columns_gets_them(settings: dict[str, Any], engine: str) -> None:
    """The model declares the engine with the CDC columns' names (as the lake would print it): the pipeline's
    columns are still added, or ClickHouse refuses the engine's unknown columns."""
    ddl = create(table(info={"clickhouse": {"engine": engine}}), **settings)
    assert f"ENGINE = {engine}\n" in ddl
    version = "_peerdb_version" if settings else "_version"
    assert f"\t{version} UInt64" in ddl


def test_a_quoted_name_inside_a_key_expression_is_a_key_column() -> None:
    """`toYYYYMM(\\`Order Date\\`)` keys on the column `Order Date`: the CDC rules and allow_nullable_key see it."""
    events = sa.Table("events", sa.MetaData(), sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=False),
                      sa.Column("Order Date", sa.DateTime), sa.Column("path\\at", sa.DateTime),
                      info={"clickhouse": {"partition_by": "(toYYYYMM(`Order Date`), toYear(`path\\\\at`))"}})
    schema = lake(events)
    assert schema.text.rstrip().endswith("ORDER BY id\nSETTINGS allow_nullable_key = 1;")
    risks = [loss.reason for loss in schema.losses.losses if loss.kind == "CDC risk"]
    assert len(risks) == 1 and "PARTITION BY uses 'Order Date', 'path\\\\at' beside the primary key" in risks[0]
