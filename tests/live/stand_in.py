"""What Atlas does with a successful run, for a model: execute stdout on a clean dev database, inspect it, and
hold it against the tables the provider selected for that target (`build_schema(model, dialect).tables`); then
what it does the next release: replay its own reading of that database (tests/support/replay.py)."""

from __future__ import annotations

import re
import subprocess

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from atlas_provider import Model, build_schema
from atlas_provider.dialects.base import is_expression_index
from tests.support import Backend, assert_schema_matches, load_ddl, reflect, split_statements
from tests.support.replay import assert_replay_is_a_fixpoint

# MySQL 8.0.13+ indexes expressions as functional key parts, CREATE INDEX ... ((expr)); MariaDB cannot
# (https://mariadb.com/kb/en/create-index/), and the "mysql" backend here is a MariaDB server.
_FUNCTIONAL_INDEX = re.compile(r"CREATE (?:UNIQUE )?INDEX \S+ ON \S+ \(\(")


def assert_atlas_loads_the_model(result: subprocess.CompletedProcess[str], model: Model, backend: Backend,
                                 engine: Engine, *, skip_defects: bool = False, allow_loss: bool = False) -> None:
    """The run succeeded, its statements execute in order on `engine`, and the database holds the model (without
    the defects the run left out, when it ran with --skip-defects)."""
    assert result.returncode == 0, result.stderr
    schema = build_schema(model, backend.dialect, skip_defects=skip_defects, allow_loss=allow_loss)
    left_out = {loss.subject for loss in schema.losses.losses if loss.kind.endswith("expression index")}
    ddl = result.stdout
    if backend.dialect == "mysql" and _is_mariadb(engine):
        ddl = _without(ddl, _FUNCTIONAL_INDEX)
        left_out |= {f"{t.fullname}.{i.name}" for t in schema.tables for i in t.indexes if is_expression_index(i)}
    load_ddl(ddl, engine)
    tables = _without_indexes(schema.tables, left_out)
    assert_schema_matches(tables, reflect(engine), backend.name)
    assert_replay_is_a_fixpoint(engine, backend, tables, schema.adapter.created_schemas(tables))


def _is_mariadb(engine: Engine) -> bool:
    with engine.connect():
        return bool(getattr(engine.dialect, "is_mariadb", False))


def _without(ddl: str, pattern: re.Pattern[str]) -> str:
    kept = [s.removesuffix(";") for s in split_statements(ddl) if not pattern.match(s)]
    return "-- atlas:delimiter -- end\n\n" + "".join(f"{s}\n-- end\n" for s in kept)


def _without_indexes(tables: list[sa.Table], names: set[str]) -> list[sa.Table]:
    """The tables as the target has them: indexes the provider left out (and said so) removed, on copies."""
    if not names:
        return tables
    metadata = sa.MetaData()
    copies = [table.to_metadata(metadata) for table in tables]
    for copy in copies:
        for index in list(copy.indexes):
            if f"{copy.fullname}.{index.name}" in names:
                copy.indexes.discard(index)
    return copies
