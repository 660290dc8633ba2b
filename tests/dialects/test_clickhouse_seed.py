"""The seed request's own setup (issue 16): a model shaped like the example it points to (two declarative tables
with clickhouse-sqlalchemy's `engines.MergeTree(order_by="id")`, a relationship, nothing else) run with the
request's atlas.hcl `program` line (`atlas-provider-sqlalchemy --path app --dialect <each>`) and no flag.

The model is tests/models/seed_shape/app. clickhouse-sqlalchemy 0.3.2 requires SQLAlchemy < 2.1, so on 2.1 the
tests put the stand-in tests/models/seed_shape/standin on PYTHONPATH; `test_with_the_real_package` (full
tier) installs the real package beside SQLAlchemy 2.0 in a venv and requires the same bytes."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import venv
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from atlas_provider import Model, build_schema, load_model
from tests.live.stand_in import assert_atlas_loads_the_model
from tests.models import created_tables
from tests.support import Backend
from tests.support.chdb_backend import ClickHouseDev, load_clickhouse

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "tests" / "models" / "seed_shape"
STANDIN = SEED / "standin"
DIALECTS = ("postgresql", "mysql", "mariadb", "sqlite", "mssql", "clickhouse")
REAL_PACKAGE = importlib.util.find_spec("clickhouse_sqlalchemy") is not None
PROGRAM = Path(sys.executable).with_name("atlas-provider-sqlalchemy")


def program(dialect: str, python_path: str | None = None, executable: Path = PROGRAM) -> subprocess.CompletedProcess[str]:
    """The request's atlas.hcl program line, run in the model's folder as Atlas runs it."""
    path = python_path if python_path is not None else ("" if REAL_PACKAGE else str(STANDIN))
    return subprocess.run([str(executable), "--path", "app", "--dialect", dialect], cwd=SEED, capture_output=True,
                          encoding="utf-8", stdin=subprocess.DEVNULL, timeout=120, check=False,
                          env={**os.environ, "PYTHONPATH": path})


@pytest.fixture(scope="module")
def seed_model() -> Iterator[Model]:
    added = not REAL_PACKAGE
    if added:
        sys.path.insert(0, str(STANDIN))
    try:
        yield load_model(["app"], cwd=SEED)
    finally:
        for name in [n for n in sys.modules if n.split(".")[0] in ("app", "clickhouse_sqlalchemy")]:
            del sys.modules[name]
        if added:
            sys.path.remove(str(STANDIN))


@pytest.mark.parametrize("dialect", DIALECTS)
def test_the_seed_example_prints_on_every_dialect_without_a_flag(dialect: str) -> None:
    result = program(dialect)
    assert result.returncode == 0, result.stderr
    assert [name.strip('`"[]') for name in created_tables(result.stdout)] == ["member", "note"]


def test_the_lake_gets_the_engine_the_model_declares_and_one_warning() -> None:
    result = program("clickhouse")
    assert result.returncode == 0, result.stderr
    assert "CREATE TABLE member (\n\tid Int32, \n\thandle String, \n\tdisplay_name Nullable(String)\n)\n" \
           "ENGINE = MergeTree\nORDER BY id;" in result.stdout
    assert "\tmember_id Int32\n)\nENGINE = MergeTree\nORDER BY id;" in result.stdout
    assert "_version" not in result.stdout
    risk = [line for line in result.stderr.splitlines() if "CDC risk" in line]
    assert len(risk) == 1 and risk[0].endswith("): member, note") and "'cdc': False" in risk[0]


def test_a_declared_pipeline_refuses_it_in_one_line() -> None:
    result = subprocess.run([str(PROGRAM), "--path", "app", "--dialect", "clickhouse", "--setting", "cdc_tool=peerdb"],
                            cwd=SEED, capture_output=True, encoding="utf-8", stdin=subprocess.DEVNULL, timeout=120,
                            env={**os.environ, "PYTHONPATH": "" if REAL_PACKAGE else str(STANDIN)})
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr.count("\n") == 1
    assert "member: fed from the application by CDC, which the model declares, but ENGINE = MergeTree" in result.stderr


def test_the_lake_ddl_creates_the_declared_merge_trees(clickhouse_dev: ClickHouseDev) -> None:
    result = program("clickhouse")
    load_clickhouse(result.stdout, clickhouse_dev)
    tables = clickhouse_dev.tables()
    assert {name: (t["engine"], t["sorting_key"]) for name, t in tables.items()} == {
        "member": ("MergeTree", "id"), "note": ("MergeTree", "id")}


def test_the_app_ddl_loads_and_replays(backend: Backend, fresh_db: Engine, seed_model: Model) -> None:
    result = program(backend.dialect)
    assert_atlas_loads_the_model(result, seed_model, backend, fresh_db)
    assert [t.name for t in build_schema(seed_model, backend.dialect).tables] == ["member", "note"]


@pytest.mark.full
def test_with_the_real_package(tmp_path: Path) -> None:
    """clickhouse-sqlalchemy 0.3.2 itself (SQLAlchemy 2.0, the only line it installs beside), in a venv: the
    same bytes on every dialect as with the stand-in."""
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    pip = [str(env_dir / "bin" / "python"), "-m", "pip", "install", "-q", "--disable-pip-version-check"]
    subprocess.run([*pip, "sqlalchemy>=2.0,<2.1", "clickhouse-sqlalchemy==0.3.2", str(ROOT)], check=True,
                   capture_output=True, timeout=900)
    for dialect in DIALECTS:
        real = program(dialect, python_path="", executable=env_dir / "bin" / "atlas-provider-sqlalchemy")
        assert real.returncode == 0, real.stderr
        assert real.stdout == program(dialect, python_path=str(STANDIN)).stdout, dialect
