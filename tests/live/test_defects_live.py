"""Model defects on the real databases: what each server does with a defect (the facts the verdicts in
tests/defect_models.py rest on), and that what the provider prints for it (accepted with a warning, or the rest
under --skip-defects) loads on the clean dev database and reflects back to the model.

PostgreSQL, MariaDB and SQLite run here. The "mysql" backend is a MariaDB server, not MySQL 8.4, whose
stricter rule (a foreign key needs a unique key) the mysql verdicts follow, so it is not used for these facts.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from atlas_provider import Model
from atlas_provider.loading import table_key
from tests.defect_models import CLOSURE_CASES, DEFECT_CASES, ERROR, REJECTED
from tests.live.stand_in import assert_atlas_loads_the_model
from tests.support import BACKENDS, run_provider

ROOT = Path(__file__).parent.parent.parent
REAL = ("postgresql", "mariadb", "sqlite")


def _params(pairs: list[tuple[str, str]]) -> list[object]:
    return [pytest.param(name, backend, marks=pytest.mark.live, id=f"{name}-{backend}") for name, backend in pairs]


FACTS = [(name, backend) for name, case in DEFECT_CASES.items() for backend in case.database_rejects]
RUNS = [(name, backend) for name, case in DEFECT_CASES.items() for backend in REAL
        if BACKENDS[backend].dialect in case.dialects]


@pytest.mark.parametrize(("name", "backend"), _params(FACTS))
def test_the_database_rejects_the_defect_or_not(name: str, backend: str) -> None:
    """The model's plain DDL, as SQLAlchemy compiles it without the provider, on the real server."""
    case = DEFECT_CASES[name]
    with BACKENDS[backend].fresh_database() as engine:
        statements = list(case.plain_sql) or _plain_ddl(case.build(True), engine)
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            try:
                for statement in statements:
                    conn.exec_driver_sql(statement)
            except sa.exc.DBAPIError:
                rejected = True
            else:
                rejected = False
    assert rejected == case.database_rejects[backend], statements


def _plain_ddl(metadata: sa.MetaData, engine: sa.Engine) -> list[str]:
    schemas = sorted({t.schema for t in metadata.tables.values() if t.schema})
    elements: list[sa.schema.ExecutableDDLElement] = [sa.schema.CreateSchema(s) for s in schemas]
    for table in metadata.sorted_tables:
        elements += [sa.schema.CreateTable(table), *map(sa.schema.CreateIndex, sorted(table.indexes, key=str))]
    return [str(element.compile(dialect=engine.dialect)) for element in elements]


@pytest.mark.parametrize(("name", "backend"), _params(RUNS))
def test_what_the_provider_prints_loads_on_the_database(name: str, backend: str, tmp_path: Path) -> None:
    """Accepted defects are emitted and load; where the target rejects one, --skip-defects prints the rest,
    which loads and holds every table of the model."""
    case = DEFECT_CASES[name]
    dialect = BACKENDS[backend].dialect
    skip = case.verdict(dialect) in (REJECTED, ERROR)
    (tmp_path / "defect_model.py").write_text(
        f"from tests.defect_models import DEFECT_CASES\nmetadata = DEFECT_CASES[{name!r}].build(True)\n",
        encoding="utf-8")
    args = ["--model", "defect_model:metadata", "--dialect", dialect, *(["--skip-defects"] if skip else [])]
    result = run_provider(*args, cwd=tmp_path, env={"PYTHONPATH": f"{ROOT}:{tmp_path}"})
    if case.verdict(dialect) == ERROR:  # nothing can be left out: one line, nothing printed
        assert (result.returncode, result.stdout, result.stderr.count("\n")) == (1, "", 1), result.stderr
        assert case.subject in result.stderr
        return
    metadata = case.build(True)
    model = Model(tables=sorted(metadata.tables.values(), key=table_key))
    with BACKENDS[backend].fresh_database() as engine:
        assert_atlas_loads_the_model(result, model, BACKENDS[backend], engine, skip_defects=skip)


@pytest.mark.live
def test_sqlite_fails_every_insert_under_a_foreign_key_to_non_unique_columns() -> None:
    """Why a foreign key to non-unique columns is refused on SQLite although CREATE TABLE takes it: with foreign
    keys on (as Atlas's migrate apply has them) every insert into the referring table fails."""
    case = DEFECT_CASES["foreign key to a column that is neither primary nor unique"]
    with BACKENDS["sqlite"].fresh_database() as engine, engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA foreign_keys=ON")
        for statement in _plain_ddl(case.build(True), engine):
            conn.exec_driver_sql(statement)
        conn.exec_driver_sql("INSERT INTO customers (id, email) VALUES (1, 'a@example.com')")
        with pytest.raises(sa.exc.DBAPIError, match="foreign key mismatch"):
            conn.exec_driver_sql("INSERT INTO orders (id, email) VALUES (1, 'a@example.com')")


CLOSURES = [(name, backend) for name, case in CLOSURE_CASES.items() for backend in REAL
            if BACKENDS[backend].dialect in case.dialects]


@pytest.mark.parametrize(("name", "backend"), _params(CLOSURES))
def test_what_goes_with_a_left_out_object_leaves_output_that_loads(name: str, backend: str, tmp_path: Path) -> None:
    """Left out with everything that depends on it (--allow-loss where a foreign key goes), the output loads and
    holds the rest of the model."""
    case = CLOSURE_CASES[name]
    dialect = BACKENDS[backend].dialect
    (tmp_path / "closure_model.py").write_text(
        f"from tests.defect_models import CLOSURE_CASES\nmetadata = CLOSURE_CASES[{name!r}].build()\n", encoding="utf-8")
    args = ["--model", "closure_model:metadata", "--dialect", dialect, "--allow-loss",
            *(["--skip-defects"] if case.skip_defects else [])]
    result = run_provider(*args, cwd=tmp_path, env={"PYTHONPATH": f"{ROOT}:{tmp_path}"})
    metadata = case.build()
    model = Model(tables=sorted(metadata.tables.values(), key=table_key))
    with BACKENDS[backend].fresh_database() as engine:
        assert_atlas_loads_the_model(result, model, BACKENDS[backend], engine, skip_defects=case.skip_defects,
                                     allow_loss=True)
