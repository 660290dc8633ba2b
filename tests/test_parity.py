"""`atlas-provider check`: the parity report's rules one by one, the example, and models built to drift.

The drifting models live in ``tests/models/drift_*/<package>/``, each run from its own folder as a user would.
Rows are compared whole, as (table, column, target, status, type, drift, accepted) tuples taken from the JSON
report, so any change in what a target gets shows up here.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from typer.testing import CliRunner

from atlas_provider import build_schema
from atlas_provider.cli import DRIFT_EXIT, app
from atlas_provider.dialects import TargetOptions
from atlas_provider.dialects.clickhouse import ClickHouseAdapter
from atlas_provider.loading import Model
from atlas_provider.losses import LossReport
from atlas_provider.parity import ADAPTED, ADDED, DROPPED, EXCLUDED, PRESENT, build_report, compare
from atlas_provider.parity_format import render
from atlas_provider.typefacts import model_facts, read_clickhouse, read_sql
from tests.support.provider import run_provider

ROOT = Path(__file__).parent.parent
MODELS = Path(__file__).parent / "models"
TZ = "timezone: time zone aware -> naive"


def check(*args: str, cwd: Path = ROOT) -> Any:
    """`python -m atlas_provider check *args` in `cwd`, as a user runs it."""
    return run_provider("check", *args, cwd=cwd, env={"PYTHONPATH": ""})


def texts(findings: Any) -> tuple[str, ...]:
    """Findings as the "kind: detail" text the report prints."""
    return tuple(str(f) for f in findings)


def rows(stdout: str) -> list[tuple[Any, ...]]:
    """The JSON report's rows as tuples: (table, column, target, status, type, drift, accepted)."""
    def texts(findings: list[dict[str, str]]) -> tuple[str, ...]:
        return tuple(f"{f['kind']}: {f['detail']}" for f in findings)

    return [(r["table"], r["column"] or "", r["target"], r["status"], r["type"] or "", texts(r["drift"]),
             texts(r["accepted"])) for r in json.loads(stdout)["rows"]]


# ---------------------------------------------------------------------------------------------
# the rules, one at a time: a model type against the type a target's DDL names

RULE_CASES = [
    # (model type, target dialect, target DDL type, status, findings)
    pytest.param(sa.DateTime(timezone=True), "postgresql", "TIMESTAMP WITH TIME ZONE", PRESENT, [], id="aware-pg"),
    pytest.param(sa.DateTime(timezone=True), "clickhouse", "DateTime64(6, 'UTC')", PRESENT, [], id="aware-ch"),
    pytest.param(sa.DateTime(timezone=True), "mssql", "DATETIMEOFFSET", PRESENT, [], id="aware-mssql"),
    pytest.param(sa.DateTime(timezone=True), "clickhouse", "DateTime64(6)", ADAPTED, [TZ], id="timezone-ch"),
    pytest.param(sa.DateTime(timezone=True), "sqlite", "DATETIME", ADAPTED, [TZ], id="timezone-sqlite"),
    pytest.param(sa.DateTime(timezone=True), "mysql", "DATETIME", ADAPTED,
                 [TZ, "precision: fractional seconds 6 -> 0 digits"], id="timezone-and-fraction-mysql"),
    pytest.param(sa.DateTime(), "clickhouse", "DateTime", ADAPTED, ["precision: fractional seconds 6 -> 0 digits"],
                 id="fraction-ch"),
    pytest.param(sa.DateTime(), "mysql", "DATETIME(6)", PRESENT, [], id="fraction-kept-mysql"),
    pytest.param(sa.Numeric(18, 4), "clickhouse", "Decimal(10, 2)", ADAPTED,
                 ["precision: (18, 4) -> (10, 2)", "scale: 4 -> 2 decimal places"], id="decimal-narrowed"),
    pytest.param(sa.Numeric(18, 4), "clickhouse", "Decimal(18, 6)", ADAPTED, ["precision: (18, 4) -> (18, 6)"],
                 id="decimal-fewer-integer-digits"),
    pytest.param(sa.Numeric(18, 4), "clickhouse", "Decimal(20, 4)", PRESENT, [], id="decimal-wider"),
    pytest.param(sa.Numeric(), "postgresql", "NUMERIC", PRESENT, [], id="numeric-unbounded-pg"),
    pytest.param(sa.Numeric(), "mysql", "NUMERIC", ADAPTED,
                 ["precision: unbounded -> (10, 0)", "scale: unbounded -> 0 decimal places"], id="numeric-mysql"),
    pytest.param(sa.Float(), "mysql", "FLOAT", ADAPTED, ["precision: 53 -> 24 mantissa bits"], id="float-mysql"),
    pytest.param(sa.Float(), "clickhouse", "Float64", PRESENT, [], id="float-ch"),
    pytest.param(sa.BigInteger(), "clickhouse", "Int32", ADAPTED, ["width: 64 -> 32 bits"], id="narrower-integer"),
    pytest.param(sa.Integer(), "clickhouse", "UInt32", ADAPTED, ["width: signed -> unsigned"], id="unsigned"),
    pytest.param(sa.BigInteger().with_variant(sa.Integer(), "sqlite"), "sqlite", "INTEGER", PRESENT, [],
                 id="sqlite-integers-are-64-bit"),
    pytest.param(sa.String(200), "mysql", "VARCHAR(100)", ADAPTED, ["width: 200 -> 100 characters"], id="shorter"),
    pytest.param(sa.String(200), "clickhouse", "String", PRESENT, [], id="unbounded-string"),
    pytest.param(sa.Text(), "clickhouse", "FixedString(16)", ADAPTED, ["width: unbounded -> 16 characters"],
                 id="text-to-fixed"),
    pytest.param(sa.Enum("new", "paid", "gone", name="s"), "clickhouse", "Enum8('new' = 1, 'paid' = 2)", ADAPTED,
                 ["values: enum values missing: gone"], id="enum-values-lost"),
    pytest.param(sa.Enum("new", "paid", name="s"), "clickhouse", "LowCardinality(String)", ADAPTED, [],
                 id="enum-as-low-cardinality"),
    pytest.param(sa.Enum("new", "paid", name="s"), "mysql", "ENUM('new','paid')", PRESENT, [], id="enum-native"),
    pytest.param(sa.Enum("new", "cancelled", native_enum=False), "sqlite", "VARCHAR(4)", ADAPTED,
                 ["width: 9 -> 4 characters"], id="enum-too-short"),
    pytest.param(sa.JSON(), "clickhouse", "String", ADAPTED, [], id="json-as-string"),
    pytest.param(sa.JSON(), "clickhouse", "Int64", ADAPTED, ["values: json stored as integer"], id="json-as-int"),
    pytest.param(sa.Uuid(), "mysql", "CHAR(32)", ADAPTED, [], id="uuid-as-char"),
    pytest.param(sa.Uuid(), "clickhouse", "FixedString(16)", ADAPTED, ["width: 32 -> 16 characters"],
                 id="uuid-too-short"),
    pytest.param(sa.Boolean(), "clickhouse", "UInt8", ADAPTED, [], id="boolean-as-integer"),
    pytest.param(sa.Date(), "mssql", "DATETIME", ADAPTED, [], id="date-as-datetime"),
    pytest.param(sa.DateTime(), "clickhouse", "String", ADAPTED, ["values: datetime stored as string"],
                 id="datetime-as-string"),
]


@pytest.mark.parametrize(("model_type", "dialect", "text", "status", "findings"), RULE_CASES)
def test_rule(model_type: sa.types.TypeEngine[Any], dialect: str, text: str, status: str, findings: list[str]) -> None:
    target = read_clickhouse(text) if dialect == "clickhouse" else read_sql(dialect, text)
    assert target is not None
    changed, found, note = compare(model_facts(model_type), target.facts)
    assert ([f"{kind}: {detail}" for kind, detail in found], ADAPTED if changed else PRESENT) == (findings, status)
    assert note == ""


def test_a_type_the_report_does_not_know_is_adapted_and_noted_not_judged() -> None:
    changed, found, note = compare(model_facts(postgresql.TSVECTOR()), read_clickhouse("String").facts)
    assert (changed, found, note) == (True, [], "tsvector stored as string: not compared")


@pytest.mark.parametrize(
    ("text", "nullable", "wrapper"),
    [("Nullable(Int64)", True, ""), ("LowCardinality(Nullable(String))", True, "LowCardinality"),
     ("Int64", False, ""), ("Array(Nullable(String))", False, "")],
)
def test_clickhouse_wrappers_are_read_around_the_type(text: str, nullable: bool, wrapper: str) -> None:
    read = read_clickhouse(text)
    assert (read.nullable, read.facts.wrapper) == (nullable, wrapper)


def test_a_sql_type_name_the_tables_do_not_know_falls_back_to_the_type_object() -> None:
    """A PostgreSQL enum compiles to its own name; the type object says what it is."""
    assert read_sql("postgresql", "order_status") is None


# ---------------------------------------------------------------------------------------------
# rules that need the column or the table: nullability, acceptance, system columns, dropped tables

def _model(*columns: sa.Column[Any], info: dict[str, Any] | None = None) -> Model:
    table = sa.Table("things", sa.MetaData(), sa.Column("id", sa.BigInteger, primary_key=True), *columns,
                     info=info or {})
    return Model(tables=[table])


def _report(model: Model, *dialects: str) -> Any:
    return build_report(model, [build_schema(model, d, allow_empty=True) for d in dialects])


def test_a_nullable_column_the_target_makes_not_null_drifts() -> None:
    model = _model(sa.Column("size", sa.Integer, nullable=True, info={"clickhouse": {"type": "Int32"}}))
    row = _report(model, "clickhouse").row("things", "size", "clickhouse")
    assert (row.status, row.type, texts(row.drift)) == (ADAPTED, "Int32", ("values: NULL -> not nullable",))


def test_accept_on_the_table_covers_its_columns() -> None:
    model = _model(sa.Column("at", sa.DateTime(timezone=True), nullable=False),
                   info={"atlas": {"accept": ["timezone", "precision"]}})
    row = _report(model, "mysql").row("things", "at", "mysql")
    assert (texts(row.drift), texts(row.accepted)) == ((), (TZ, "precision: fractional seconds 6 -> 0 digits"))


def test_accepting_one_kind_leaves_the_others_drifting() -> None:
    model = _model(sa.Column("at", sa.DateTime(timezone=True), nullable=False, info={"atlas": {"accept": ["timezone"]}}))
    row = _report(model, "mysql").row("things", "at", "mysql")
    assert (texts(row.drift), texts(row.accepted)) == (("precision: fractional seconds 6 -> 0 digits",), (TZ,))


def test_a_system_column_is_excluded_not_dropped() -> None:
    model = _model(sa.Column("xmin", sa.Integer, system=True))
    row = _report(model, "postgresql").row("things", "xmin", "postgresql")
    assert (row.status, row.drift, row.note) == (EXCLUDED, (), "system column: not created by DDL")


def test_a_table_the_target_leaves_out_without_an_exclusion_drifts() -> None:
    model = _model(sa.Column("name", sa.String(20)))
    schema = build_schema(model, "postgresql")
    report = build_report(model, [replace(schema, tables=[])])
    assert [(r.column, r.status, texts(r.drift)) for r in report.rows] == [
        ("", DROPPED, ("missing: left out without an exclusion",)),
        ("id", DROPPED, ("missing: the table is left out",)),
        ("name", DROPPED, ("missing: the table is left out",)),
    ]
    assert report.summary() == "3 drifts: things on postgresql (missing), things.id on postgresql (missing), " \
                               "things.name on postgresql (missing)"


# ---------------------------------------------------------------------------------------------
# the example

@pytest.fixture(scope="module")
def example() -> Any:
    return check("--path", "examples/shop", "-d", "postgresql", "-d", "clickhouse", "-f", "json")


def test_the_example_has_no_drift(example: Any) -> None:
    assert (example.returncode, example.stderr) == (0, "")
    document = json.loads(example.stdout)
    assert (document["ok"], document["drift"], document["summary"]) == (
        True, [], "no drift across postgresql, clickhouse")


def test_the_example_matrix_names_every_table_and_column_on_each_target(example: Any) -> None:
    from tests.models import load_example

    found = {(r[0], r[1], r[2]) for r in rows(example.stdout)}
    for table in load_example().tables:
        for column in ["", *(c.name for c in table.columns)]:
            assert {(table.fullname, column, "postgresql"), (table.fullname, column, "clickhouse")} <= found


@pytest.mark.parametrize(
    "row",
    [
        ("customers", "", "clickhouse", PRESENT, "", (), ()),
        ("customers", "email", "postgresql", PRESENT, "VARCHAR(320)", (), ()),
        ("customers", "email", "clickhouse", EXCLUDED, "", (), ()),
        ("customers", "country_code", "clickhouse", ADAPTED, "LowCardinality(String)", (), ()),
        ("customers", "created_at", "clickhouse", PRESENT, "DateTime64(6, 'UTC')", (), ()),
        ("customers", "_version", "clickhouse", "added", "UInt64", (), ()),
        ("addresses", "", "clickhouse", EXCLUDED, "", (), ()),
        ("addresses", "city", "clickhouse", EXCLUDED, "", (), ()),
        ("orders", "status", "postgresql", PRESENT, "order_status", (), ()),
        ("orders", "status", "clickhouse", ADAPTED, "LowCardinality(String)", (), ()),
        ("orders", "channel", "postgresql", PRESENT, "VARCHAR(20)", (), ()),
        ("orders", "placed_at", "clickhouse", PRESENT, "DateTime64(6, 'UTC')", (), ()),
        ("orders", "shipping_address", "clickhouse", EXCLUDED, "", (), ()),
        ("orders", "_peerdb_version", "clickhouse", "added", "UInt64", (), ()),
        ("products", "attributes", "clickhouse", ADAPTED, "Nullable(String)", (), ()),
        ("products", "category_id", "clickhouse", PRESENT, "Nullable(Int64)", (), ()),
        ("analytics.page_views", "", "postgresql", EXCLUDED, "", (), ()),
        ("analytics.page_views", "country_code", "clickhouse", ADAPTED, "LowCardinality(String)", (), ()),
        ("analytics.daily_sales", "revenue", "clickhouse", PRESENT, "Decimal(14, 2)", (), ()),
    ],
    ids=lambda row: f"{row[0]}.{row[1]}@{row[2]}",
)
def test_example_rows(example: Any, row: tuple[Any, ...]) -> None:
    assert row in rows(example.stdout)


def test_the_example_lists_what_the_lake_cannot_express(example: Any) -> None:
    losses = json.loads(example.stdout)["losses"]
    assert losses["postgresql"] == []
    assert {"kind": "foreign key", "subject": "orders.customer_id -> customers.id",
            "reason": "ClickHouse has no foreign keys"} in losses["clickhouse"]


def test_the_example_on_mysql_drifts_where_datetime_drops_the_zone_and_the_fraction() -> None:
    result = check("--path", "examples/shop", "-d", "postgresql", "-d", "mysql", "-f", "json")
    assert result.returncode == DRIFT_EXIT
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith("atlas-provider: drift: 10 drifts: addresses.created_at on mysql (timezone, "
                                    "precision), ")
    report = rows(result.stdout)
    # placed_at accepts the time zone, not the lost microseconds
    assert ("orders", "placed_at", "mysql", ADAPTED, "DATETIME", ("precision: fractional seconds 6 -> 0 digits",),
            (TZ,)) in report
    assert ("orders", "public_id", "mysql", ADAPTED, "CHAR(32)", (), ()) in report


# ---------------------------------------------------------------------------------------------
# models built to drift

def cdc_rows(table: str) -> list[tuple[Any, ...]]:
    """The generic CDC columns the lake adds to a table the application feeds."""
    return [(table, "_version", "clickhouse", ADDED, "UInt64", (), ()),
            (table, "_is_deleted", "clickhouse", ADDED, "UInt8", (), ())]


DRIFT_TIMEZONE = [
    ("events", "", "postgresql", PRESENT, "", (), ()),
    ("events", "", "clickhouse", PRESENT, "", (), ()),
    ("events", "", "mysql", PRESENT, "", (), ()),
    ("events", "id", "postgresql", PRESENT, "BIGINT", (), ()),
    ("events", "id", "clickhouse", PRESENT, "Int64", (), ()),
    ("events", "id", "mysql", PRESENT, "BIGINT", (), ()),
    ("events", "happened_at", "postgresql", PRESENT, "TIMESTAMP WITH TIME ZONE", (), ()),
    ("events", "happened_at", "clickhouse", ADAPTED, "DateTime64(3)",
     (TZ, "precision: fractional seconds 6 -> 3 digits"), ()),
    ("events", "happened_at", "mysql", ADAPTED, "DATETIME", (TZ, "precision: fractional seconds 6 -> 0 digits"), ()),
    ("events", "logged_at", "postgresql", PRESENT, "TIMESTAMP WITH TIME ZONE", (), ()),
    ("events", "logged_at", "clickhouse", ADAPTED, "DateTime64(3)", (),
     (TZ, "precision: fractional seconds 6 -> 3 digits")),
    ("events", "logged_at", "mysql", ADAPTED, "DATETIME", (), (TZ, "precision: fractional seconds 6 -> 0 digits")),
    *cdc_rows("events"),
]
NARROWED = ("precision: (18, 4) -> (10, 2)", "scale: 4 -> 2 decimal places")
DRIFT_NUMERIC = [
    ("payments", "", "postgresql", PRESENT, "", (), ()),
    ("payments", "", "clickhouse", PRESENT, "", (), ()),
    ("payments", "", "mysql", PRESENT, "", (), ()),
    ("payments", "id", "postgresql", PRESENT, "BIGINT", (), ()),
    ("payments", "id", "clickhouse", PRESENT, "Int64", (), ()),
    ("payments", "id", "mysql", PRESENT, "BIGINT", (), ()),
    ("payments", "amount", "postgresql", PRESENT, "NUMERIC(18, 4)", (), ()),
    ("payments", "amount", "clickhouse", ADAPTED, "Decimal(10, 2)", NARROWED, ()),
    ("payments", "amount", "mysql", PRESENT, "NUMERIC(18, 4)", (), ()),
    ("payments", "fee", "postgresql", PRESENT, "NUMERIC(18, 4)", (), ()),
    ("payments", "fee", "clickhouse", PRESENT, "Decimal(18, 4)", (), ()),
    ("payments", "fee", "mysql", ADAPTED, "NUMERIC(10, 2)", NARROWED, ()),
    *cdc_rows("payments"),
    ("rounded_totals", "", "postgresql", PRESENT, "", (), ()),
    ("rounded_totals", "", "clickhouse", PRESENT, "", (), ()),
    ("rounded_totals", "", "mysql", PRESENT, "", (), ()),
    ("rounded_totals", "id", "postgresql", PRESENT, "BIGINT", (), ()),
    ("rounded_totals", "id", "clickhouse", PRESENT, "Int64", (), ()),
    ("rounded_totals", "id", "mysql", PRESENT, "BIGINT", (), ()),
    ("rounded_totals", "total", "postgresql", PRESENT, "NUMERIC(18, 4)", (), ()),
    ("rounded_totals", "total", "clickhouse", ADAPTED, "Decimal(10, 2)", (), NARROWED),
    ("rounded_totals", "total", "mysql", PRESENT, "NUMERIC(18, 4)", (), ()),
    *cdc_rows("rounded_totals"),
]


@pytest.mark.parametrize(
    ("folder", "package", "expected", "summary"),
    [
        ("drift_timezone", "drift_events", DRIFT_TIMEZONE,
         "2 drifts: events.happened_at on clickhouse (timezone, precision), "
         "events.happened_at on mysql (timezone, precision)"),
        ("drift_numeric", "drift_payments", DRIFT_NUMERIC,
         "2 drifts: payments.amount on clickhouse (precision, scale), payments.fee on mysql (precision, scale)"),
    ],
)
def test_a_drifting_model_fails_naming_table_column_and_target(
    folder: str, package: str, expected: list[tuple[Any, ...]], summary: str
) -> None:
    result = check("--path", package, "-d", "postgresql", "-d", "clickhouse", "-d", "mysql", "-f", "json",
                   cwd=MODELS / folder)
    assert (result.returncode, result.stderr) == (DRIFT_EXIT, f"atlas-provider: drift: {summary}\n")
    assert rows(result.stdout) == expected


def test_the_terminal_table_marks_drift_and_acceptance() -> None:
    result = check("--path", "drift_events", "-d", "clickhouse", cwd=MODELS / "drift_timezone")
    assert result.returncode == DRIFT_EXIT
    lines = result.stdout.splitlines()
    assert lines[2].split() == ["TABLE", "/", "COLUMN", "MODEL", "CLICKHOUSE"]
    assert lines[5].split() == ["happened_at", "DateTime(timezone=True)", "DateTime64(3)", "[adapted]", "!"]
    assert lines[6].split() == ["logged_at", "DateTime(timezone=True)", "DateTime64(3)", "[adapted]", "[accepted]"]
    assert ("  events.happened_at on clickhouse: " + TZ + "; precision: fractional seconds 6 -> 3 digits") in lines
    assert lines[-1] == "DRIFT: 1 drift: events.happened_at on clickhouse (timezone, precision)"


class DroppingLake(ClickHouseAdapter):
    """A lake that leaves out the columns it has no type for (as some targets do) instead of storing them as
    String: a column then goes missing without the model ever excluding it."""

    def adapt_table(self, table: sa.Table, report: LossReport) -> None:
        super().adapt_table(table, report)
        types = self.dialect.type_compiler_instance
        for column in list(table.columns):
            if types.unmapped(column.type):
                table._columns.remove(column)
                report.add("column", f"{table.fullname}.{column.name}", "no ClickHouse type")


@pytest.fixture
def in_drift_articles(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Run in tests/models/drift_lake_column with `clickhouse` served by DroppingLake."""
    import atlas_provider.dialects as dialects

    real = dialects.get_adapter

    def get_adapter(name: str, options: TargetOptions | None = None) -> Any:
        return DroppingLake(options) if name == "clickhouse" else real(name, options)

    monkeypatch.setattr(dialects, "get_adapter", get_adapter)
    monkeypatch.chdir(MODELS / "drift_lake_column")
    yield
    for name in [m for m in sys.modules if m.split(".")[0] == "drift_articles"]:
        del sys.modules[name]


def test_a_column_the_lake_drops_without_an_exclusion_is_drift(in_drift_articles: None) -> None:
    result = CliRunner().invoke(app, ["check", "--path", "drift_articles", "-d", "postgresql", "-d", "clickhouse",
                                      "-f", "json"])
    assert result.exit_code == DRIFT_EXIT
    assert result.stderr == "atlas-provider: drift: 1 drift: articles.search_vector on clickhouse (missing)\n"
    assert rows(result.stdout) == [
        ("articles", "", "postgresql", PRESENT, "", (), ()),
        ("articles", "", "clickhouse", PRESENT, "", (), ()),
        ("articles", "id", "postgresql", PRESENT, "BIGINT", (), ()),
        ("articles", "id", "clickhouse", PRESENT, "Int64", (), ()),
        ("articles", "title", "postgresql", PRESENT, "VARCHAR(200)", (), ()),
        ("articles", "title", "clickhouse", PRESENT, "String", (), ()),
        ("articles", "search_vector", "postgresql", PRESENT, "LTREE", (), ()),
        ("articles", "search_vector", "clickhouse", DROPPED, "", ("missing: no ClickHouse type",), ()),
        ("articles", "notes", "postgresql", PRESENT, "TEXT", (), ()),
        ("articles", "notes", "clickhouse", EXCLUDED, "", (), ()),
        *cdc_rows("articles"),
        ("raw_events", "", "postgresql", EXCLUDED, "", (), ()),
        ("raw_events", "", "clickhouse", PRESENT, "", (), ()),
        ("raw_events", "id", "postgresql", EXCLUDED, "", (), ()),
        ("raw_events", "id", "clickhouse", PRESENT, "Int64", (), ()),
        ("raw_events", "payload", "postgresql", EXCLUDED, "", (), ()),
        ("raw_events", "payload", "clickhouse", PRESENT, "String", (), ()),
    ]


def test_the_real_lake_stores_that_column_as_string_and_says_so() -> None:
    result = check("--path", "drift_articles", "-d", "clickhouse", "-f", "json", cwd=MODELS / "drift_lake_column")
    assert result.returncode == 0
    document = json.loads(result.stdout)
    row = next(r for r in document["rows"] if r["column"] == "search_vector")
    assert (row["status"], row["type"], row["note"]) == (ADAPTED, "String", "user_defined stored as string: not compared")
    assert {"kind": "column type", "subject": "articles.search_vector", "reason": "no ClickHouse equivalent, stored "
            "as String; choose one with info={'clickhouse': {'type': ...}}"} in document["losses"]["clickhouse"]


# ---------------------------------------------------------------------------------------------
# formats and failures

def test_json_is_deterministic_and_sorted(example: Any) -> None:
    again = check("--path", "examples/shop", "-d", "postgresql", "-d", "clickhouse", "-f", "json")
    assert again.stdout == example.stdout
    assert json.dumps(json.loads(example.stdout), indent=2, sort_keys=True, ensure_ascii=False) + "\n" == example.stdout


def test_markdown_is_a_github_table() -> None:
    result = check("--path", "drift_payments", "-d", "postgresql", "-d", "clickhouse", "-f", "markdown",
                   cwd=MODELS / "drift_numeric")
    assert result.returncode == DRIFT_EXIT
    lines = result.stdout.splitlines()
    assert lines[:4] == ["### Schema parity: postgresql, clickhouse", "",
                         "| Table | Column | Model | postgresql | clickhouse |", "|---|---|---|---|---|"]
    table = lines[4:lines.index("", 4)]
    assert all(line.startswith("| ") and line.endswith(" |") and line.count(" | ") == 4 for line in table)
    assert "|  | `amount` | `Numeric(18, 4)` | `NUMERIC(18, 4)` | `Decimal(10, 2)` *adapted* **drift** |" in table
    assert "- `payments.amount` on **clickhouse**: precision: (18, 4) -> (10, 2); scale: 4 -> 2 decimal places" in lines
    assert lines[-1] == "**DRIFT: 1 drift: payments.amount on clickhouse (precision, scale)**"


def test_every_format_renders_the_same_report() -> None:
    model = _model(sa.Column("at", sa.DateTime(timezone=True), nullable=False))
    report = _report(model, "postgresql", "sqlite")
    for fmt in ("table", "json", "markdown"):
        assert "things" in render(report, fmt)


@pytest.mark.parametrize(
    ("args", "code", "stderr"),
    [
        (["--path", "examples/shop"], 2, "Invalid value for --dialect"),
        (["--path", "examples/shop", "-d", "oracle9000"], 1, "atlas-provider: error: --dialect: unknown dialect"),
        (["--path", "examples/nowhere", "-d", "postgresql"], 1, "atlas-provider: error: --path"),
        (["--path", "examples/shop", "-d", "postgresql", "-f", "yaml"], 2, "--format"),
    ],
)
def test_failures_print_nothing_on_stdout(args: list[str], code: int, stderr: str) -> None:
    result = check(*args)
    assert (result.returncode, result.stdout) == (code, "")
    assert stderr in result.stderr


def test_a_model_without_tables_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "empty.py").write_text("import sqlalchemy\n", encoding="utf-8")
    result = check("--path", "empty.py", "-d", "postgresql", cwd=tmp_path)
    assert (result.returncode, result.stdout, result.stderr) == (
        1, "", "atlas-provider: error: no tables found; nothing to compare\n")


def test_the_readme_walk_through_quotes_real_output() -> None:
    """The excerpts in examples/README.md are lines `check` really prints, run where the README runs it."""
    readme = (ROOT / "examples" / "README.md").read_text(encoding="utf-8").split("## Walk-through", 1)[1]
    blocks = readme.split("```")
    excerpt = blocks[blocks.index("sh\natlas-provider check --path shop --dialect postgresql --dialect clickhouse\n") + 2]
    output = check("--path", "shop", "-d", "postgresql", "-d", "clickhouse", cwd=ROOT / "examples")
    assert output.returncode == 0
    printed = [line.rstrip() for line in output.stdout.splitlines()]
    quoted = [line for line in excerpt.strip("\n").splitlines() if line and "..." not in line]
    assert len(quoted) > 10
    assert [line for line in quoted if line not in printed] == []

    mysql = next(b for b in blocks if b.startswith("sh\natlas-provider check --path shop --dialect postgresql "
                                                    "--dialect mysql"))
    output = check("--path", "shop", "-d", "postgresql", "-d", "mysql", cwd=ROOT / "examples")
    assert output.returncode == DRIFT_EXIT
    printed = [line.rstrip() for line in output.stdout.splitlines()]
    quoted = [line.removeprefix("#   ") for line in mysql.splitlines() if line.startswith("#   ") and "..." not in line]
    assert len(quoted) == 4
    assert [line for line in quoted if line not in printed] == []


# ---------------------------------------------------------------------------------------------
# issue 12, finding 7: the table level, --setting, structured JSON; and the lake adaptations reported truthfully

def test_the_lake_adaptations_of_issue_12_are_reported_truthfully() -> None:
    model = _model(sa.Column("huge", sa.Numeric(100, 10), nullable=False),
                   sa.Column("tags", postgresql.ARRAY(sa.Text), nullable=False, server_default="{}"),
                   sa.Column("seven", sa.Integer, nullable=False, server_default="7"),
                   sa.Column("odd", sa.Integer, nullable=False, server_default="seven"),
                   sa.Column("qty", sa.Integer, sa.CheckConstraint("qty > 0", name="qty_positive")))
    report = _report(model, "postgresql", "clickhouse")
    huge = report.row("things", "huge", "clickhouse")
    assert (huge.status, huge.type, texts(huge.drift)) == (ADAPTED, "String", ())  # its exact text
    assert [(loss.kind, loss.subject) for loss in huge.losses] == [("decimal precision", "things.huge")]
    assert report.row("things", "tags", "clickhouse").type == "Array(Nullable(String))"
    assert report.row("things", "seven", "clickhouse").losses == ()  # DEFAULT 7 is kept
    assert [loss.kind for loss in report.row("things", "odd", "clickhouse").losses] == ["server default"]
    assert [loss.subject for loss in report.row("things", "", "clickhouse").losses] == ["things.qty_positive"]


def test_check_reports_each_targets_table_layout() -> None:
    result = check("--path", "examples/shop", "-d", "postgresql", "-d", "clickhouse", "-f", "json")
    assert result.returncode == 0, result.stderr
    layouts = {(r["table"], r["target"]): r["layout"] for r in json.loads(result.stdout)["rows"] if not r["column"]}
    assert layouts[("orders", "clickhouse")] == {
        "engine": "ReplacingMergeTree(_peerdb_version, _peerdb_is_deleted)", "order_by": "id", "primary_key": "id",
        "cdc": "peerdb: _peerdb_synced_at, _peerdb_is_deleted, _peerdb_version"}
    assert layouts[("analytics.page_views", "clickhouse")] == {
        "engine": "MergeTree", "order_by": "(occurred_at, session_id)", "primary_key": "occurred_at",
        "partition_by": "toYYYYMM(occurred_at)", "settings": "index_granularity = 8192"}
    assert layouts[("orders", "postgresql")] == {"primary_key": "id"}
    table = check("--path", "examples/shop", "-d", "clickhouse").stdout
    assert ("  products on clickhouse: ENGINE = ReplacingMergeTree(_version, is_deleted), ORDER BY id, "
            "PRIMARY KEY id, CDC debezium: _version, is_deleted") in table.splitlines()


def test_check_takes_settings_like_the_ddl_command() -> None:
    result = check("--path", "examples/shop", "-d", "postgresql", "-d", "clickhouse", "-f", "json",
                   "-s", "clickhouse:cdc_tool=peerdb", "--setting", "naive_timezone=")
    assert result.returncode == 0, result.stderr
    rows_ = {(r["table"], r["column"] or "", r["target"]): r for r in json.loads(result.stdout)["rows"]}
    assert rows_[("categories", "", "clickhouse")]["layout"]["cdc"].startswith("peerdb: ")
    assert rows_[("analytics.page_views", "occurred_at", "clickhouse")]["type"] == "DateTime64(6)"
    bad = check("--path", "examples/shop", "-d", "clickhouse", "-s", "clickhouse:cdc_tool=fivetran")
    assert (bad.returncode, bad.stdout) == (1, "")
    assert "'cdc_tool' must be one of debezium, generic, peerdb" in bad.stderr


def test_json_rows_are_structured() -> None:
    result = check("--path", "drift_payments", "-d", "clickhouse", "-f", "json", cwd=MODELS / "drift_numeric")
    document = json.loads(result.stdout)
    row = next(r for r in document["rows"] if (r["table"], r["column"]) == ("payments", "amount"))
    assert row["drift"] == [{"kind": "precision", "detail": "(18, 4) -> (10, 2)"},
                            {"kind": "scale", "detail": "4 -> 2 decimal places"}]
    assert row["nullable"] == {"model": False, "target": False}
    assert row["facts"] == {"model": {"family": "decimal", "precision": 18, "scale": 4},
                            "target": {"family": "decimal", "precision": 10, "scale": 2}}
    assert row["losses"] == []
    added = next(r for r in document["rows"] if r["column"] == "_version")
    assert (added["status"], added["nullable"], added["facts"]["target"]) == (
        ADDED, {"model": None, "target": False}, {"family": "integer", "width": 64, "signed": False})
