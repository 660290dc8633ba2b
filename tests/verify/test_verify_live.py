"""`atlas-provider verify` end to end: real app databases, ClickHouse in process through chDB.

Run as a user runs it (a subprocess in the repository or the model's folder). The app servers are the test
backends' (tests/support/backends.py); verify makes and drops its own database on them. CI runs this file on
both ClickHouse versions: chdb 1.0.2 (23.10) in the test extras, and the current chDB in a second venv.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from tests.support.backends import BACKENDS
from tests.support.provider import run_provider

pytest.importorskip("chdb", reason="verify moves rows into ClickHouse through chDB (the verify extra)")
pytestmark = [pytest.mark.clickhouse, pytest.mark.live]

ROOT = Path(__file__).parent.parent.parent
MODELS = ROOT / "tests" / "models"
DRIFT_EXIT = 3
APP_DIALECTS = ["postgresql", "mariadb", "sqlite"]


def app_url(dialect: str) -> list[str]:
    """The --app-url option for `dialect` (none for SQLite: verify uses a temporary file)."""
    backend = BACKENDS.get(dialect)
    if dialect == "sqlite" or backend is None:
        return []
    return ["--app-url", backend.server_url().render_as_string(hide_password=False)]  # type: ignore[attr-defined]


def verify(dialect: str, *args: str, cwd: Path = ROOT) -> Any:
    return run_provider("verify", "--dialect", dialect, "--dialect", "clickhouse", *app_url(dialect), *args,
                        cwd=cwd, env={"PYTHONPATH": ""}, timeout=300)


def drifting(result: Any) -> set[str]:
    """table.column of every column the JSON report says changes."""
    report = json.loads(result.stdout)
    return {f"{d['table']}.{d['column']}" for d in report["drift"]}


@pytest.mark.parametrize("dialect", APP_DIALECTS)
def test_the_example_arrives_unchanged(dialect: str) -> None:
    result = verify(dialect, "--path", "examples/shop")
    assert result.returncode == 0, result.stderr
    assert "no drift: every value of" in result.stdout
    progress = [line for line in result.stderr.splitlines() if line.startswith("atlas-provider: verify: ")]
    assert len(progress) >= 5 and all(line.endswith(": ok") for line in progress), result.stderr
    assert any("CDC update + delete" in line for line in progress)  # the tombstone was applied and read back


@pytest.mark.parametrize("tool", ["generic", "peerdb", "debezium"])
def test_every_cdc_profile_replaces_updates_and_drops_deletes(tool: str) -> None:
    result = verify("postgresql", "--path", "examples/shop", "--setting", f"clickhouse:cdc_tool={tool}")
    assert result.returncode == 0, result.stderr
    assert result.stderr.count("CDC update + delete: ok") >= 5, result.stderr


def check_documents(path: Path, dialect: str) -> set[str]:
    """table.column of the lake columns `check` reports as changing values (drift or accepted)."""
    result = run_provider("check", "--path", str(path), "--dialect", dialect, "--dialect", "clickhouse",
                          "--format", "json", env={"PYTHONPATH": ""})
    rows = json.loads(result.stdout)["rows"]
    return {f"{r['table']}.{r['column']}" for r in rows
            if r["target"] == "clickhouse" and r["column"] and (r["drift"] or r["accepted"])}


@pytest.mark.parametrize("model", ["verify_types", "drift_numeric"])
def test_reports_exactly_what_check_documents(model: str) -> None:
    """Every generic type (tests/models/verify_types): the values that change in the lake are those of the
    adaptations check reports, an unbounded Numeric among them; each shown with an example."""
    path = MODELS / model
    result = verify("postgresql", "--path", str(path), "--format", "json")
    assert result.returncode == DRIFT_EXIT, result.stderr
    report = json.loads(result.stdout)
    assert report["rows"] == [], report["rows"]  # no row refused or lost
    assert drifting(result) == check_documents(path, "postgresql")
    for drift in report["drift"]:
        assert drift["app_value"] != drift["lake_value"] and drift["changed"] >= 1
    assert "atlas-provider: drift: " in result.stderr


def test_the_table_shows_each_column_with_an_example() -> None:
    result = verify("postgresql", "--path", str(MODELS / "verify_types"))
    assert result.returncode == DRIFT_EXIT, result.stderr
    [line] = [line for line in result.stdout.splitlines() if line.startswith("every_type  unbounded ")]
    assert "Decimal(76, 38)" in line and "Decimal('12345678901234567890123456789012345678901.5')" in line


def test_a_server_dialect_needs_app_url() -> None:
    result = run_provider("verify", "--path", "examples/shop", "--dialect", "postgresql", "--dialect",
                          "clickhouse", cwd=ROOT, env={"PYTHONPATH": ""})
    assert (result.returncode, result.stdout) == (1, "")
    [line] = [line for line in result.stderr.splitlines() if "error" in line]
    assert line.startswith("atlas-provider: error: --app-url: postgresql needs a server") and "--app-url" in line


def test_one_app_dialect_and_clickhouse() -> None:
    result = run_provider("verify", "--path", "examples/shop", "--dialect", "postgresql", cwd=ROOT)
    assert (result.returncode, result.stdout) == (1, "")
    assert "--dialect: give one application dialect and clickhouse" in result.stderr


def test_missing_chdb_is_one_line_naming_the_extra(tmp_path: Path) -> None:
    (tmp_path / "chdb.py").write_text("raise ImportError('chdb is not installed')\n")
    result = run_provider("verify", "--path", "examples/shop", "--dialect", "sqlite", "--dialect", "clickhouse",
                          cwd=ROOT, env={"PYTHONPATH": str(tmp_path)})
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr.strip().splitlines()[-1] == \
        "atlas-provider: error: verify needs chDB: pip install 'atlas-provider[verify]'"


@pytest.mark.parametrize("dialect", [d if d == "postgresql" else pytest.param(d, marks=pytest.mark.full)
                                     for d in APP_DIALECTS])
def test_a_declared_ordering_key_replaces_updates_and_drops_deletes(dialect: str) -> None:
    """Issue 16: the outbox `events` table ordered by (occurred_at, id), partitioned by month of occurred_at.
    The update changes a column outside the keys, the delete's tombstone carries the key columns (as a
    pipeline with REPLICA IDENTITY FULL sends them), and FINAL gives the app's rows."""
    result = verify(dialect, "--path", "tests/models/outbox")
    assert result.returncode == 0, result.stdout + result.stderr
    assert re.search(r"verify: events: \d+ rows, 5 columns, CDC update \+ delete: ok$", result.stderr, re.M)


ODD_TABLE = '''
from sqlalchemy import BigInteger, Column, DateTime, Integer, MetaData, String, Table

metadata = MetaData()
Table("ev'ents\\\\", metadata, Column("id", BigInteger, primary_key=True, autoincrement=False),
      Column("tenant", Integer, nullable=False), Column("at", DateTime, nullable=False), Column("note", String(40)),
      info={"clickhouse": {"order_by": ["tenant", "id"], "partition_by": "toYYYYMM(at)", "stable": ["tenant", "at"]}})
'''


def test_a_table_name_with_a_quote_and_a_backslash_is_verified(tmp_path: Path) -> None:
    """The lake's system tables are asked with the name as a ClickHouse string, and verify's views in the app
    database get plain names of their own (the readers hand them on in their own quoting)."""
    (tmp_path / "odd_names.py").write_text(ODD_TABLE)
    result = verify("sqlite", "--path", "odd_names.py", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert re.search(r"verify: ev'ents\\: \d+ rows, 4 columns, CDC update \+ delete: ok$", result.stderr, re.M)


def test_a_statement_the_lake_refuses_is_named_in_words_not_as_a_list() -> None:
    from atlas_provider.verify.lake import LakeError, scratch_lake

    with scratch_lake() as lake, pytest.raises(LakeError) as raised:
        lake.query("SELECT nosuchfunction(1)")
    assert str(raised.value).startswith("ClickHouse rejected SELECT nosuchfunction(1)...: Code: ")
