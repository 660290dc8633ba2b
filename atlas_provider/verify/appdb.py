"""The scratch application database: created for one run, loaded with the provider's DDL, dropped after.

`--app-url` names a server (PostgreSQL, MySQL, MariaDB); verify connects with it, creates a database of its
own with a unique name (`atlas_verify_<hex>`), and drops it afterwards, whatever happened. The database in the
URL is only used to connect: verify never writes into an existing database. SQLite needs no URL: a
temporary file, deleted afterwards.

Each kind of database is one `AppDatabase` in `APP_DATABASES`: how to make the scratch database, how ClickHouse
reads one of its relations (a table function), and how a value of each family is written out as text where
ClickHouse's reader would narrow it (`text_value`).
"""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import Engine
from sqlalchemy.pool import NullPool
from sqlalchemy.sql.elements import ColumnElement

from ..errors import UsageError

SCRATCH_PREFIX = "atlas_verify_"
# driver name in a URL -> the package that provides it (what a missing-driver error tells to install)
DRIVER_PACKAGES = {
    "psycopg": "'psycopg[binary]'", "psycopg2": "psycopg2-binary", "pg8000": "pg8000",
    "pymysql": "PyMySQL", "mysqldb": "mysqlclient", "mysqlconnector": "mysql-connector-python",
    "mariadbconnector": "mariadb",
}
TextValue = Callable[[ColumnElement[Any]], ColumnElement[Any]]


def ch_string(value: str) -> str:
    """A ClickHouse string literal (https://clickhouse.com/docs/en/sql-reference/syntax#string)."""
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


class AppDatabase:
    """A kind of application database verify can fill and ClickHouse can read."""

    dialect = ""
    table_function = ""
    #: significant digits a DECIMAL column really keeps (None: what its type says)
    decimal_digits: int | None = None
    #: a JSON document that is a bare number survives (SQLite's JSON columns have NUMERIC affinity and turn
    #: it into a REAL: the app changes it before the lake sees it)
    json_numbers = True
    #: run on the scratch connection before anything else
    session_sql: tuple[str, ...] = ()
    #: family -> how the relation ClickHouse reads writes the value: its text where the reader would narrow it
    text_values: dict[str, TextValue] = {}

    def __init__(self, url: str | None) -> None:
        try:
            self.url = sa.make_url(url) if url else None
        except (sa.exc.ArgumentError, ValueError):
            # Neither error's text is shown: SQLAlchemy before 2.0.41 quotes the whole URL, password and all
            # (sqlalchemy#12579), and a port that is not a number is mostly a piece of a password with `@` in it.
            raise UsageError(f"not a database URL (dialect+driver://user:password@host:port/database; percent-encode "
                             f"@ : / % in the password); e.g. {self.example_url}", where="--app-url") from None
        self.database = ""

    def text_value(self, family: str, column: ColumnElement[Any]) -> ColumnElement[Any]:
        convert = self.text_values.get(family)
        return convert(column) if convert else column

    def stored_value(self, family: str, column: ColumnElement[Any]) -> ColumnElement[Any]:
        """How verify reads the app's own value: JSON and enums as the text stored, not as SQLAlchemy
        decodes them (a JSON 2.50 is not a Python float 2.5 yet, an enum label is not a member)."""
        if family == "pgtext":  # PostgreSQL's own types, as the text it prints (pgvalues.py)
            return _text(column)
        return self.text_value("json", column) if family in ("json", "enum") else column

    @contextmanager
    def scratch(self) -> Iterator[Engine]:
        """An Engine on a new empty database, dropped afterwards."""
        if self.url is None:
            raise UsageError(f"{self.dialect} needs a server to verify against: give --app-url, e.g. "
                             f"{self.example_url}", where="--app-url")
        self.database = f"{SCRATCH_PREFIX}{uuid.uuid4().hex[:12]}"
        server = self._engine(self.url, isolation_level="AUTOCOMMIT")
        try:
            with server.connect() as connection:
                connection.exec_driver_sql(self.create_sql())
        except sa.exc.DBAPIError as error:
            raise UsageError(f"cannot create a scratch database: {str(error.orig).strip()}",
                             where=self.safe_url()) from None
        engine = self._engine(self.url.set(database=self.database))
        try:
            yield engine
        finally:
            engine.dispose()
            with server.connect() as connection:
                connection.exec_driver_sql(self.drop_sql())
            server.dispose()

    example_url = ""

    def _engine(self, url: sa.URL, **options: Any) -> Engine:
        """An Engine on `url`; a driver that is not installed, or a URL SQLAlchemy cannot use, is a UsageError
        that names the package to install."""
        try:
            return sa.create_engine(url, poolclass=NullPool, **options)
        except ImportError as error:
            driver = url.get_driver_name()
            package = DRIVER_PACKAGES.get(driver, error.name or driver)
            raise UsageError(f"the database driver {driver} is not installed ({error}): pip install {package}, or "
                             f"pip install 'atlas-provider[verify]' and name its driver in the URL, e.g. "
                             f"{self.example_url}", where=self.safe_url()) from None
        except sa.exc.ArgumentError as error:  # NoSuchModuleError: an unknown dialect or driver name
            raise UsageError(f"{error}; e.g. {self.example_url}", where=self.safe_url()) from None

    def create_sql(self) -> str:
        return f"CREATE DATABASE {self.database}"

    def drop_sql(self) -> str:
        return f"DROP DATABASE IF EXISTS {self.database}"

    def reader(self, relation: str, schema: str | None) -> str:
        """The ClickHouse table function that reads `relation` of the scratch database."""
        raise NotImplementedError

    def safe_url(self) -> str:
        """The URL with its password hidden, for messages."""
        return self.url.render_as_string(hide_password=True) if self.url else self.dialect

    def _server_args(self) -> list[str]:
        assert self.url is not None
        host = f"{self.url.host or '127.0.0.1'}:{self.url.port or self.default_port}"
        return [host, self.database]

    default_port = 0

    def _credentials(self) -> list[str]:
        assert self.url is not None
        return [self.url.username or "", self.url.password or ""]


def _text(column: ColumnElement[Any]) -> ColumnElement[Any]:
    return sa.cast(column, sa.Text())


class PostgreSQLDatabase(AppDatabase):
    """ClickHouse's postgresql() reader maps an unbounded NUMERIC to Decimal(38, 19) and DATE to Date
    (1970-2149), and reads bytea as its hex text: those families are moved as text (bytea as hex, unhexed
    on the lake side). It also takes an array's element nullability from the column's NOT NULL flag (NULL
    elements of a NOT NULL array arrive as 0 or ''); verify reads views, whose columns are all nullable.
    https://clickhouse.com/docs/en/sql-reference/table-functions/postgresql"""

    dialect = "postgresql"
    table_function = "postgresql"
    default_port = 5432
    example_url = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
    text_values = {
        "decimal": _text, "date": _text, "time": _text, "interval": _text, "uuid": _text, "json": _text,
        "enum": _text, "pgtext": _text,
        "datetime": lambda c: sa.func.to_char(sa.func.timezone("UTC", c) if getattr(c.type, "timezone", False)
                                              else c, "YYYY-MM-DD HH24:MI:SS.US"),
        "binary": lambda c: sa.func.encode(c, "hex"),
    }

    def stored_value(self, family: str, column: ColumnElement[Any]) -> ColumnElement[Any]:
        """An array of an extension's type (citext[]) as text[]: psycopg parses arrays of built-in types only,
        and returns any other (its OID differs per database) as the string '{a,b}'."""
        from ..dialects.postgresql import extension_of

        item = getattr(column.type, "item_type", None)
        if family == "array" and item is not None and extension_of(item, postgresql.dialect()) is not None:
            return sa.cast(column, postgresql.ARRAY(sa.Text()))
        return super().stored_value(family, column)

    def drop_sql(self) -> str:
        return f"DROP DATABASE IF EXISTS {self.database} WITH (FORCE)"

    def reader(self, relation: str, schema: str | None) -> str:
        args = [*self._server_args(), relation, *self._credentials(), *([schema] if schema else [])]
        return f"postgresql({', '.join(ch_string(a) for a in args)})"


def _char(column: ColumnElement[Any]) -> ColumnElement[Any]:
    return sa.cast(column, sa.CHAR())


class MySQLDatabase(AppDatabase):
    """ClickHouse's mysql() reader; dates, decimals, floats and times are moved as text, binary strings as hex.
    https://clickhouse.com/docs/en/sql-reference/table-functions/mysql"""

    dialect = "mysql"
    table_function = "mysql"
    # an explicit 0 in an AUTO_INCREMENT key is a value, not "the next one"
    # (https://dev.mysql.com/doc/refman/8.0/en/sql-mode.html#sqlmode_no_auto_value_on_zero)
    session_sql = ("SET SESSION sql_mode = CONCAT(@@sql_mode, ',NO_AUTO_VALUE_ON_ZERO')",)
    default_port = 3306
    example_url = "mysql+pymysql://root@127.0.0.1:3306/"
    text_values = {
        "decimal": _char, "date": _char, "time": _char, "enum": _char, "json": _char, "interval": _char,
        "float": _char,  # mysql() reads a DOUBLE with 16 significant digits; CAST AS CHAR keeps 17
        "datetime": lambda c: sa.func.date_format(c, "%Y-%m-%d %H:%i:%s.%f"),
        "binary": lambda c: sa.func.hex(c),
    }

    def create_sql(self) -> str:
        return f"CREATE DATABASE {self.database} CHARACTER SET utf8mb4 COLLATE utf8mb4_bin"

    def _server_args(self) -> list[str]:
        """ClickHouse's mysql() reader takes the host `localhost` as "the Unix socket", at a path of its own
        (/tmp/mysql.sock, checked with chDB 1.0.2: ALL_CONNECTION_TRIES_FAILED), never the app's socket; the
        app's connection reached a server on that port (PyMySQL always connects over TCP), so the reader is
        given the same server by address. A socket-only server cannot be read by ClickHouse at all."""
        host, database = super()._server_args()
        name, _, port = host.rpartition(":")
        return [f"127.0.0.1:{port}" if name == "localhost" else host, database]

    def reader(self, relation: str, schema: str | None) -> str:
        args = [*self._server_args(), relation, *self._credentials()]
        return f"mysql({', '.join(ch_string(a) for a in args)})"


class SQLiteDatabase(AppDatabase):
    """A temporary file; ClickHouse's sqlite() reader. SQLAlchemy stores dates, times and decimals as text
    or REAL (so decimals are generated with 15 digits, and no JSON document is a bare number); text
    affinities are moved as text, blobs as hex.
    https://clickhouse.com/docs/en/sql-reference/table-functions/sqlite"""

    dialect = "sqlite"
    table_function = "sqlite"
    decimal_digits = 15  # NUMERIC affinity stores a REAL (https://www.sqlite.org/datatype3.html)
    json_numbers = False
    text_values = {
        family: _text for family in ("date", "time", "datetime", "interval", "uuid", "json", "enum", "string")
    } | {"binary": lambda c: sa.case((c.is_(None), None), else_=sa.func.hex(c))}  # hex(NULL) is ''


    @contextmanager
    def scratch(self) -> Iterator[Engine]:
        folder = tempfile.mkdtemp(prefix=SCRATCH_PREFIX)
        self.database = os.path.join(folder, "app.sqlite")
        engine = sa.create_engine(f"sqlite:///{self.database}", poolclass=NullPool)
        try:
            yield engine
        finally:
            engine.dispose()
            shutil.rmtree(folder, ignore_errors=True)

    def reader(self, relation: str, schema: str | None) -> str:
        return f"sqlite({ch_string(self.database)}, {ch_string(relation)})"


APP_DATABASES: dict[str, type[AppDatabase]] = {
    "postgresql": PostgreSQLDatabase,
    "mysql": MySQLDatabase,
    "mariadb": MySQLDatabase,
    "sqlite": SQLiteDatabase,
}


def app_database(dialect: str, url: str | None) -> AppDatabase:
    """The scratch database for `dialect`; a UsageError names the dialects verify can fill."""
    kind = APP_DATABASES.get(dialect)
    if kind is None:
        raise UsageError(f"verify cannot fill a {dialect} database (ClickHouse reads "
                         f"{', '.join(sorted(APP_DATABASES))})", where="--dialect")
    return kind(url)
