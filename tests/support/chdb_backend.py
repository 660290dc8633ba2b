"""ClickHouse in-process through chDB, standing in for Atlas's clean dev database ``docker://clickhouse/23.11/dev``.

Two chDB lines are supported, and differ where it matters here:

- chDB 1.0.2 (ClickHouse 23.10, the main test venv): a failed query does not raise, the error is printed on
  file descriptor 2 and the result is empty; each query runs clickhouse-local afresh over the session's folder, so
  the default database ``_local`` (an in-memory overlay) forgets its tables after the query;
- chDB 4.x (ClickHouse 26.x, the CI leg ``.venv-chdb``): a failed query raises; a session keeps one embedded
  server open, and a process may hold only one folder at a time, so a session is closed before the next opens.

So each query captures descriptor 2 and catches chDB's exception, and raises ``ChdbError`` on ClickHouse's
``Code: NNN. DB::Exception`` text from either; ``load_clickhouse`` also checks in ``system.tables`` that every
database and table the DDL creates exists. Like Atlas's dev URL, a database ``dev`` is created, and each
statement runs after ``USE dev``: unqualified tables land there, schema-qualified ones in their database.

``load_clickhouse(ddl)`` is the one entry point: a fresh database, the statements run one by one in order, the
created objects verified. ``tables()`` and ``columns()`` read ``system.tables``/``system.columns`` back, keyed
like SQLAlchemy's ``Table.fullname`` (``orders``, ``analytics.page_views``); ``version()`` says which
ClickHouse answered.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from .sqlsplit import split_statements

__all__ = ["ChdbError", "ClickHouseDev", "fresh_clickhouse", "load_clickhouse"]

DEV_DATABASE = "dev"
_ERROR = re.compile(r"Code: \d+\. DB::Exception:.*", re.S)
_NAME = r"(?:`(?:[^`]|``)+`|\"(?:[^\"]|\"\")+\"|[A-Za-z_]\w*)"
_CREATED = re.compile(rf"^\s*CREATE\s+(TABLE|DATABASE)\s+(?:IF\s+NOT\s+EXISTS\s+)?({_NAME}(?:\.{_NAME})?)", re.I)


class ChdbError(AssertionError):
    """ClickHouse rejected a query (chDB only printed it)."""


def _unquote(name: str) -> str:
    """A quoted name as ClickHouse reads it: a doubled quote is one, a backslash escapes the next character."""
    if name[:1] in "`\"" and name[-1:] == name[:1]:
        return re.sub(r"\\(.)", r"\1", name[1:-1].replace(name[0] * 2, name[0]))
    return name


def _split_name(qualified: str) -> list[str]:
    return [_unquote(part) for part in re.findall(_NAME, qualified)]


@dataclass
class ClickHouseDev:
    """One dev database: a chDB session over its own folder."""

    path: str
    settings: Mapping[str, Any] = field(default_factory=dict)
    statements: list[str] = field(default_factory=list)
    # The databases a new session already has (system ones; the default is _local in 23.10, default in 26.x),
    # none of them the DDL's.
    builtin: tuple[str, ...] = field(default=(), init=False)

    def __post_init__(self) -> None:
        from chdb import session  # imported late: only the ClickHouse tests need chDB

        self.session = session.Session(self.path)
        rows = self.query("SELECT name FROM system.databases", use_dev=False)
        self.builtin = tuple(sorted(r["name"] for r in rows))

    def close(self) -> None:
        """End the session: chDB 4.x serves one folder per process, and the next test needs another."""
        close = getattr(self.session, "close", None)  # chDB 1.0.2 has nothing open between queries
        if close is not None:
            close()

    def version(self) -> str:
        """The ClickHouse version that answers, e.g. ``23.10.1.1`` or ``26.9.2.1``."""
        return str(self.query("SELECT version() AS v", use_dev=False)[0]["v"])

    def query(self, sql: str, *, use_dev: bool = True) -> list[dict[str, Any]]:
        """Run one statement (after ``USE dev`` and the session settings); rows as dicts; ChdbError on failure."""
        # 64-bit integers as JSON strings, as 23.10 does by default (26.x writes numbers), so rows read alike
        settings = {"output_format_json_quote_64bit_integers": 1, **self.settings}
        prefix = "".join(f"SET {key} = {value}; " for key, value in settings.items())
        if use_dev:
            prefix += f"USE {DEV_DATABASE}; "
        text, errors = self._run(prefix + sql, "JSONEachRow")
        found = _ERROR.search(errors)
        if found:
            raise ChdbError(f"ClickHouse rejected:\n{sql}\n{found.group().strip()}")
        # split on "\n" only: str.splitlines() also breaks at U+0085 and U+2028 inside string values
        return [json.loads(line) for line in text.split("\n") if line.strip()]

    def _run(self, sql: str, fmt: str) -> tuple[str, str]:
        """Execute with descriptor 2 pointed at a temporary file; return (output, what was printed on fd 2)."""
        sys.stderr.flush()
        saved = os.dup(2)
        with tempfile.TemporaryFile() as captured:
            os.dup2(captured.fileno(), 2)
            try:
                result = self.session.query(sql, fmt)
            except RuntimeError as error:  # chDB 4.x raises (its ChdbError) what 1.0.2 printed
                result, raised = None, str(error)
            else:
                raised = ""
            finally:
                os.dup2(saved, 2)
                os.close(saved)
            captured.seek(0)
            errors = captured.read().decode("utf-8", "replace") + raised
        if result is None:
            return "", errors
        data = result.bytes() if hasattr(result, "bytes") else str(result).encode()
        return data.decode("utf-8"), errors

    # ---- reading back -----------------------------------------------------------------------

    def databases(self) -> list[str]:
        rows = self.query("SELECT name FROM system.databases ORDER BY name", use_dev=False)
        return [r["name"] for r in rows if r["name"] not in self.builtin]

    def tables(self) -> dict[str, dict[str, Any]]:
        """Every user table: engine, engine_full, sorting_key, primary_key, partition_key, comment, ..."""
        rows = self.query(
            "SELECT database, name, engine, engine_full, sorting_key, primary_key, partition_key, sampling_key, "
            "comment, create_table_query FROM system.tables "
            f"WHERE database NOT IN ({', '.join(repr(d) for d in self.builtin)}) ORDER BY database, name",
            use_dev=False,
        )
        return {self._fullname(r["database"], r["name"]): r for r in rows}

    def columns(self, fullname: str) -> dict[str, dict[str, Any]]:
        """The table's columns in order: type, default_kind, default_expression, comment, compression_codec,
        is_in_sorting_key, is_in_primary_key, is_in_partition_key."""
        database, _, name = fullname.rpartition(".")
        rows = self.query(
            "SELECT name, type, default_kind, default_expression, comment, compression_codec, is_in_sorting_key, "
            "is_in_primary_key, is_in_partition_key FROM system.columns "
            f"WHERE database = '{database or DEV_DATABASE}' AND table = '{name}' ORDER BY position",
            use_dev=False,
        )
        return {r["name"]: r for r in rows}

    def data_skipping_indices(self, fullname: str) -> dict[str, dict[str, Any]]:
        database, _, name = fullname.rpartition(".")
        rows = self.query(
            "SELECT name, type, type_full, expr, granularity FROM system.data_skipping_indices "
            f"WHERE database = '{database or DEV_DATABASE}' AND table = '{name}' ORDER BY name",
            use_dev=False,
        )
        return {r["name"]: r for r in rows}

    @staticmethod
    def _fullname(database: str, name: str) -> str:
        return name if database == DEV_DATABASE else f"{database}.{name}"


@contextmanager
def fresh_clickhouse(settings: Mapping[str, Any] | None = None) -> Iterator[ClickHouseDev]:
    """A new empty dev database in its own folder, removed afterwards."""
    path = tempfile.mkdtemp(prefix="atlas_test_chdb_")
    try:
        dev = ClickHouseDev(path, dict(settings or {}))
        try:
            dev.query(f"CREATE DATABASE {DEV_DATABASE}", use_dev=False)
            yield dev
        finally:
            dev.close()
    finally:
        shutil.rmtree(path, ignore_errors=True)


def load_clickhouse(ddl: str, dev: ClickHouseDev) -> ClickHouseDev:
    """Execute the statements of ``ddl`` one by one on ``dev``, as Atlas does; verify what they created.

    Refuses a dev database that already holds tables (Atlas's "connected database is not clean"). A statement
    ClickHouse rejects raises ChdbError naming it; a CREATE whose object is then missing raises too.
    """
    if dev.tables():
        raise AssertionError(f"dev database is not clean: {', '.join(dev.tables())}")
    statements = split_statements(ddl)
    for number, statement in enumerate(statements, 1):
        try:
            dev.query(statement.rstrip().rstrip(";"))
        except ChdbError as error:
            raise ChdbError(f"statement {number} of {len(statements)}: {error}") from None
        dev.statements.append(statement)
    tables, databases = dev.tables(), set(dev.databases())
    for statement in statements:
        match = _CREATED.match(statement)
        if match is None:
            continue
        parts = _split_name(match.group(2))
        if match.group(1).upper() == "DATABASE":
            missing = parts[0] not in databases
        else:
            fullname = parts[-1] if len(parts) == 1 or parts[0] == DEV_DATABASE else ".".join(parts)
            missing = fullname not in tables
        if missing:
            raise AssertionError(f"ClickHouse reported no error, but this created nothing:\n{statement}")
    return dev
