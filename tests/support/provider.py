"""Do what Atlas does with the provider: run it, load its stdout into a dev database, inspect the result."""

from __future__ import annotations

import os
import subprocess
import sys
import warnings
from collections.abc import Mapping
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy import MetaData
from sqlalchemy.engine import Engine

from .backends import backend_for
from .sqlsplit import split_statements

__all__ = ["load_ddl", "reflect", "run_provider"]


def run_provider(
    *args: str,
    cwd: str | Path | None = None,
    env: Mapping[str, str] | None = None,
    timeout: float = 120,
) -> subprocess.CompletedProcess[str]:
    """Run ``python -m atlas_provider *args`` as Atlas runs its external_schema program.

    A separate process with no stdin, stdout and stderr captured apart and decoded as UTF-8 (strictly: output
    that is not UTF-8 raises). ``env`` is added to this process's environment, as the program inherits
    Atlas's. The caller checks ``returncode``; Atlas takes stdout as the schema only when it is 0.
    """
    return subprocess.run(
        [sys.executable, "-m", "atlas_provider", *args],
        cwd=cwd,
        env={**os.environ, **env} if env is not None else None,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        encoding="utf-8",
        timeout=timeout,
        check=False,
    )


def load_ddl(ddl: str, engine: Engine, *, require_clean: bool = True) -> list[str]:
    """Execute the statements of ``ddl`` one by one, in order, in autocommit mode; return them.

    Each statement goes to the driver as raw text without parameters, so ``%`` and ``$1`` reach the server
    untouched, as they do from Atlas. A failure raises AssertionError naming the statement and the error.
    Like Atlas, refuse a dev database that already holds tables unless ``require_clean`` is false.
    """
    if require_clean and (found := sorted(reflect(engine).tables)):
        raise AssertionError(f"dev database is not clean, it already has tables: {', '.join(found)}")
    statements = split_statements(ddl, engine.dialect.name)  # as Atlas's driver for this database scans it
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        cursor = conn.connection.cursor()
        try:
            for number, statement in enumerate(statements, 1):
                try:
                    cursor.execute(statement)
                except engine.dialect.loaded_dbapi.Error as exc:
                    raise AssertionError(
                        f"statement {number} of {len(statements)} failed on {engine.dialect.name}: "
                        f"{type(exc).__name__}: {exc}\n{statement}"
                    ) from exc
        finally:
            cursor.close()
    return statements


def reflect(engine: Engine) -> MetaData:
    """Reflect every schema that may hold the user's tables: the default one, keyed without a schema name,
    and those the backend reports (other PostgreSQL schemas, databases the DDL created on MySQL/MariaDB).

    ``info["default_schema"]`` and ``info["dialect"]`` record what compare.py needs to match tables up.
    """
    inspector = sa.inspect(engine)
    metadata = MetaData(info={"default_schema": inspector.default_schema_name, "dialect": engine.dialect})
    backend = backend_for(engine)
    schemas: list[str | None] = [None, *(backend.extra_schemas(engine) if backend else [])]
    # Reflection warns about what it cannot represent (expression indexes on some backends); the comparison
    # reports what matters, and pytest's filterwarnings=error would otherwise turn a note into a crash.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", sa.exc.SAWarning)
        for schema in schemas:
            # resolve_fks=False: a foreign key into another schema must not pull that table in under a second
            # name (MySQL reports the default database by name there).
            metadata.reflect(engine, schema=schema, resolve_fks=False)
            if backend is not None:
                backend.complete_reflection(
                    engine, [t for t in metadata.tables.values() if t.schema == schema]
                )
    return metadata
