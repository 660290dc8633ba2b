"""The lake: ClickHouse in-process through chDB, in a folder of its own, in UTC.

chDB is an optional dependency (`pip install 'atlas-provider[verify]'`), imported here only. chDB 1.0.2
(ClickHouse 23.10) prints a failed query's error on file descriptor 2 instead of raising; every query runs
with descriptor 2 captured, and ClickHouse's `Code: NNN. DB::Exception` text becomes a `LakeError`.
Each chDB query runs clickhouse-local afresh over the folder, so the default database forgets its tables:
like the dev database Atlas uses, a database `dev` holds the unqualified tables.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

from ..errors import ProviderError, UsageError
from .appdb import ch_string

DEV_DATABASE = "dev"
INSTALL_HINT = "verify needs chDB: pip install 'atlas-provider[verify]'"
_ERROR = re.compile(r"Code: \d+\. DB::Exception:[^\n]*")
# Sessions in UTC: a DateTime64 without a time zone is read and written as UTC wall time.
SESSION_SETTINGS = {"session_timezone": "'UTC'", "output_format_json_quote_64bit_integers": "1",
                    "output_format_json_quote_decimals": "1", "allow_experimental_object_type": "1"}


class LakeError(ProviderError):
    """ClickHouse rejected a statement."""


def quote(name: str) -> str:
    """A ClickHouse identifier in backquotes."""
    return "`" + name.replace("\\", "\\\\").replace("`", "\\`") + "`"


def relation(fullname: str) -> str:
    """`analytics.daily_sales` -> `analytics`.`daily_sales`; an unqualified table is in `dev`."""
    schema, _, name = fullname.rpartition(".")
    return f"{quote(schema or DEV_DATABASE)}.{quote(name)}"


class Lake:
    """One chDB session over a temporary folder."""

    def __init__(self, path: str) -> None:
        try:
            import chdb
        except ImportError:
            raise UsageError(INSTALL_HINT) from None
        try:  # chDB 1.x and 2.x: a Session over the folder; later versions: a connection to it
            from chdb.session import Session
        except ImportError:
            self.session = chdb.connect(path)
        else:
            self.session = Session(path)
        self.query(f"CREATE DATABASE {DEV_DATABASE}", use_dev=False)

    def query(self, sql: str, *, use_dev: bool = True, where: str | None = None) -> list[dict[str, Any]]:
        """Run one statement; rows as dicts (decimals and 64-bit integers exact); LakeError on failure."""
        prefix = "".join(f"SET {key} = {value}; " for key, value in SESSION_SETTINGS.items())
        if use_dev:
            prefix += f"USE {DEV_DATABASE}; "
        text, errors = self._run(prefix + sql)
        found = _ERROR.search(errors)
        if found:
            raise LakeError(f"ClickHouse rejected {' '.join(sql.split(None, 2)[:2])}...: {found.group().strip()}",
                            where=where)
        # split on "\n" only: str.splitlines() also breaks at U+2028 inside string values
        return [json.loads(line, parse_float=Decimal) for line in text.split("\n") if line.strip()]

    def _run(self, sql: str) -> tuple[str, str]:
        sys.stderr.flush()
        saved = os.dup(2)
        with tempfile.TemporaryFile() as captured:
            os.dup2(captured.fileno(), 2)
            try:
                try:
                    result = self.session.query(sql, "JSONEachRow")
                except Exception as error:  # newer chDB raises instead of printing
                    return "", str(error)
            finally:
                os.dup2(saved, 2)
                os.close(saved)
            captured.seek(0)
            errors = captured.read().decode("utf-8", "replace")
        data = result.bytes() if hasattr(result, "bytes") else str(result).encode()
        return data.decode("utf-8"), errors

    def close(self) -> None:
        close = getattr(self.session, "close", None)
        if close is not None:
            close()

    def version(self) -> str:
        return str(self.query("SELECT version() AS v", use_dev=False)[0]["v"])

    def engine(self, fullname: str) -> tuple[str, list[str]]:
        """The engine of a loaded table and its arguments, as ClickHouse reports them."""
        schema, _, name = fullname.rpartition(".")
        rows = self.query("SELECT engine, engine_full FROM system.tables WHERE database = "
                          f"{ch_string(schema or DEV_DATABASE)} AND name = {ch_string(name)}", use_dev=False)
        if not rows:
            raise LakeError("the lake DDL created no such table", where=fullname)
        engine, full = rows[0]["engine"], rows[0]["engine_full"]
        found = re.match(rf"{re.escape(engine)}\(([^)]*)\)", full)
        args = [a.strip().strip("`") for a in found.group(1).split(",")] if found and found.group(1) else []
        return engine, args

    def key_columns(self, fullname: str) -> set[str]:
        """The columns in the table's sorting or partition key: a CDC row must carry them to replace a row."""
        schema, _, name = fullname.rpartition(".")
        rows = self.query("SELECT name FROM system.columns WHERE database = "
                          f"{ch_string(schema or DEV_DATABASE)} AND table = {ch_string(name)} AND "
                          "(is_in_sorting_key OR is_in_partition_key)", use_dev=False)
        return {row["name"] for row in rows}

    def columns(self, fullname: str) -> dict[str, str]:
        """Column name -> ClickHouse type, in order."""
        schema, _, name = fullname.rpartition(".")
        rows = self.query("SELECT name, type FROM system.columns WHERE database = "
                          f"{ch_string(schema or DEV_DATABASE)} AND table = {ch_string(name)} ORDER BY position",
                          use_dev=False)
        return {row["name"]: row["type"] for row in rows}


@contextmanager
def scratch_lake() -> Iterator[Lake]:
    """A new lake in a temporary folder, removed afterwards."""
    folder = tempfile.mkdtemp(prefix="atlas_verify_lake_")
    lake: Lake | None = None
    try:
        lake = Lake(folder)
        yield lake
    finally:
        if lake is not None:
            lake.close()
        shutil.rmtree(folder, ignore_errors=True)
