"""Real databases that stand in for Atlas's clean dev database, one registry entry per backend.

Each backend hands out a NEW EMPTY database per use (``fresh_database()``), database-scoped like Atlas's
``docker://postgres/15/dev``: the provider's output may create schemas of its own. Backends are data plus a
few hooks; adding one (ClickHouse through chDB, say) means one subclass and one entry in ``BACKENDS``.

Where a server comes from, in order: the URL in the backend's environment variable, its default URL, a
testcontainers container (only when a Docker daemon answers and no URL variable was set). When none works the
test is skipped with the reason, or fails when ``CI=true`` so a broken CI database cannot pass silently.
"""

from __future__ import annotations

import atexit
import fcntl
import gc
import os
import re
import tempfile
import uuid
import warnings
from abc import ABC, abstractmethod
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, NoReturn
from pathlib import Path
from weakref import WeakKeyDictionary

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.pool import NullPool

__all__ = ["BACKENDS", "Backend", "Traits", "backend_for", "live_backends"]

# Every database we create carries this prefix, so cleanup never mistakes another run's database for ours.
FRESH_PREFIX = "atlas_test_"
# `atlas-provider verify` makes (and drops) its own scratch databases under this prefix (verify/appdb.py).
VERIFY_PREFIX = "atlas_verify_"


@dataclass(frozen=True)
class Traits:
    """What a backend stores and reflects, so one comparison (compare.py) serves every backend."""

    #: False: the backend has one namespace and named schemas are flattened into it (SQLite).
    schemas: bool = True
    #: Table and column comments are stored and reflected.
    comments: bool = True
    #: CHECK constraints are reflected.
    check_constraints: bool = True
    #: A unique constraint is a unique index and reflects as either (MySQL, MariaDB, SQL Server).
    unique_index_is_constraint: bool = False
    #: The engine adds an index on foreign key columns no index covers (InnoDB).
    fk_creates_index: bool = False
    #: ON DELETE / ON UPDATE actions that mean "no action" on this backend; they compare equal to none.
    no_action: frozenset[str] = frozenset({"NO ACTION"})
    #: CHECK constraints the server adds by itself, matched against their SQL text.
    implicit_checks: re.Pattern[str] | None = None
    #: Type family of the model -> other families a column of that type may reflect as here.
    same_type: Mapping[str, frozenset[str]] = field(default_factory=dict)


@dataclass
class Backend(ABC):
    """One kind of dev database: how to get a fresh one and which of its schemas hold the user's tables."""

    name: str  # the pytest id
    dialect: str  # the --dialect value the provider is asked for
    traits: Traits = Traits()

    @property
    def live(self) -> bool:
        """True when the default test run should use this backend (it needs no URL, or one was given)."""
        return True

    @abstractmethod
    @contextmanager
    def fresh_database(self) -> Iterator[Engine]:
        """Yield an Engine on a new empty database, dropped afterwards with whatever the DDL created."""

    def extra_schemas(self, engine: Engine) -> list[str]:
        """Names of the non-default schemas of ``engine``'s database that may hold the user's tables."""
        return []

    def complete_reflection(self, engine: Engine, tables: list[sa.Table]) -> None:
        """Add to freshly reflected ``tables`` (all of one schema) what SQLAlchemy's reflection leaves out."""


# Which backend made each fresh engine, so reflect() can ask it for the schemas to read.
_ORIGIN: WeakKeyDictionary[Engine, Backend] = WeakKeyDictionary()


def backend_for(engine: Engine) -> Backend | None:
    """The backend whose ``fresh_database()`` created ``engine``, or None for any other engine."""
    return _ORIGIN.get(engine)


def live_backends() -> list[str]:
    """Names of the backends the default test run covers, in registry order."""
    return [name for name, backend in BACKENDS.items() if backend.live]


def _unavailable(reason: str) -> NoReturn:
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason} (CI=true, so this is an error rather than a skip)", pytrace=False)
    pytest.skip(reason)


def _docker_available() -> bool:
    try:
        import docker  # type: ignore[import-untyped]
        from docker.errors import DockerException  # type: ignore[import-untyped]
    except ImportError:
        return False
    # docker-py leaves its socket to the garbage collector when no daemon answers; under pytest's
    # filterwarnings=error that ResourceWarning would fail whichever test happens to be running.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        try:
            client = docker.from_env()
            try:
                return bool(client.ping())
            finally:
                client.close()
        except (DockerException, OSError):  # no socket, no permission, daemon not answering
            return False
        finally:
            gc.collect()


@dataclass
class ServerBackend(Backend):
    """A database server reached by URL, where each fresh database is a CREATE DATABASE."""

    url_envs: tuple[str, ...] = ()  # looked up in order; the first one set wins
    default_url: str | None = None
    image: str | None = None  # testcontainers fallback, when Docker is there and no URL variable is set
    connect_args: Mapping[str, Any] = field(default_factory=lambda: {"connect_timeout": 5})
    _server: sa.URL | None = field(default=None, init=False, repr=False)
    _down: str | None = field(default=None, init=False, repr=False)  # why not, once a probe failed

    @property
    def live(self) -> bool:
        return self._configured_url() is not None

    def _configured_url(self) -> str | None:
        return next((os.environ[v] for v in self.url_envs if os.environ.get(v)), None) or self.default_url

    def server_url(self) -> sa.URL:
        """A URL of a reachable server, found once per process; skips or fails the test when there is none."""
        if self._server is not None:
            return self._server
        if self._down is not None:
            _unavailable(self._down)
        url = self._configured_url()
        url_given = any(os.environ.get(v) for v in self.url_envs)
        if url is None:
            # Opt-in backends: not configured is not an outage, so never a CI failure.
            pytest.skip(f"{self.name}: set {self.url_envs[0]} to test on it")
        problem = self._probe(url)
        if problem is None:
            self._server = sa.make_url(url)
        elif not url_given and self.image and _docker_available():
            self._server = self._start_container()
        else:
            try:
                shown = sa.make_url(url).render_as_string(hide_password=True)
            except sa.exc.ArgumentError:  # the probe said so already
                shown = "(unparsable URL)"
            source = "from " + " / ".join(self.url_envs) if url_given else "(default)"
            self._down = f"{self.name} server {shown} {source} is unreachable: {problem}"
            _unavailable(self._down)
        return self._server

    def _probe(self, url: str) -> str | None:
        """None when ``url`` accepts a connection, else why not."""
        try:
            engine = sa.create_engine(url, poolclass=NullPool, connect_args=dict(self.connect_args))
            try:
                with engine.connect():
                    return None
            finally:
                engine.dispose()
        except (sa.exc.SQLAlchemyError, ImportError) as exc:  # refused, bad credentials, driver missing
            return f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"

    def _start_container(self) -> sa.URL:
        container = self._container()
        container.start()
        atexit.register(container.stop)
        return sa.make_url(container.get_connection_url())

    def _container(self) -> Any:
        raise NotImplementedError(f"{self.name} has no container fallback")

    @contextmanager
    def fresh_database(self) -> Iterator[Engine]:
        server = self.server_url()
        name = f"{FRESH_PREFIX}{uuid.uuid4().hex[:12]}"
        admin = sa.create_engine(server, poolclass=NullPool, isolation_level="AUTOCOMMIT")
        try:
            with admin.connect() as conn:
                self._create(conn, name)
            # NullPool: no pooled connection outlives a test and blocks the DROP DATABASE.
            engine = sa.create_engine(server.set(database=name), poolclass=NullPool)
            _ORIGIN[engine] = self
            try:
                yield engine
            finally:
                engine.dispose()
        finally:
            with admin.connect() as conn:
                self._drop(conn, name)
            admin.dispose()

    @abstractmethod
    def _create(self, conn: Connection, name: str) -> None: ...

    @abstractmethod
    def _drop(self, conn: Connection, name: str) -> None: ...


@dataclass
class PostgresBackend(ServerBackend):
    def _container(self) -> Any:
        from testcontainers.community.postgres import PostgresContainer

        return PostgresContainer(self.image or "postgres:15", driver="psycopg")

    def _create(self, conn: Connection, name: str) -> None:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')

    def _drop(self, conn: Connection, name: str) -> None:
        # FORCE (PostgreSQL 13+) ends sessions a test left open instead of failing the drop.
        force = " WITH (FORCE)" if (conn.dialect.server_version_info or (0,)) >= (13,) else ""
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}"{force}')

    def extra_schemas(self, engine: Engine) -> list[str]:
        inspector = sa.inspect(engine)
        return [
            s
            for s in inspector.get_schema_names()
            if s != inspector.default_schema_name and not s.startswith("pg_") and s != "information_schema"
        ]


# Every database the MySQL/MariaDB tests create uses one character set and collation: a string foreign key
# between databases of different collations fails with errno 150.
MYSQL_CHARSET = "CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"

# Lock files held, and how many times, by this process: one test may hold two fresh databases of one server.
_SERVER_LOCKS: dict[Path, int] = {}


@contextmanager
def mysql_server_lock(server: sa.URL) -> Iterator[None]:
    """Hold the MySQL/MariaDB server at ``server`` for this process alone while a test uses it.

    A schema there is a server-wide database and the models name theirs (``inventory``, ``analytics``): two
    test processes at once (pytest-xdist's workers, two runs on one machine) would create, reflect and drop
    each other's. pytest-xdist's ``loadgroup`` already sends the tests marked ``mysql_server`` to one worker
    (tests/conftest.py); this lock covers what reaches the server another way. Re-entrant within a process."""
    path = Path(tempfile.gettempdir()) / f"atlas_test_mysql_{server.host}_{server.port or 3306}.lock"
    if _SERVER_LOCKS.get(path):
        _SERVER_LOCKS[path] += 1
        try:
            yield
        finally:
            _SERVER_LOCKS[path] -= 1
        return
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        _SERVER_LOCKS[path] = 1
        try:
            yield
        finally:
            _SERVER_LOCKS.pop(path, None)
            fcntl.flock(handle, fcntl.LOCK_UN)


_MYSQL_SYSTEM = frozenset({"information_schema", "mysql", "performance_schema", "sys"})


@dataclass
class MySQLBackend(ServerBackend):
    """MySQL and MariaDB, where a schema IS a database: CREATE SCHEMA makes a server-wide database.

    So the databases on the server are listed before each fresh database is made; afterwards the new ones are
    the DDL's, reflected by ``extra_schemas`` and dropped with the fresh database.
    """

    _existing: dict[str, frozenset[str]] = field(default_factory=dict, init=False, repr=False)

    def _container(self) -> Any:
        from testcontainers.community.mysql import MySqlContainer

        return MySqlContainer(self.image or "mysql:8", dialect="pymysql", username="root", password="test")

    @contextmanager
    def fresh_database(self) -> Iterator[Engine]:
        with mysql_server_lock(self.server_url()), super().fresh_database() as engine:
            yield engine

    def _databases(self, conn: Connection) -> frozenset[str]:
        return frozenset(row[0] for row in conn.exec_driver_sql("SHOW DATABASES"))

    def _created_since(self, conn: Connection, name: str) -> list[str]:
        # Skip other runs' fresh databases and `verify` scratch databases: they are theirs to drop.
        new = self._databases(conn) - self._existing.get(name, frozenset()) - _MYSQL_SYSTEM
        return sorted(d for d in new if d == name or not d.startswith((FRESH_PREFIX, VERIFY_PREFIX)))

    def _create(self, conn: Connection, name: str) -> None:
        self._existing[name] = self._databases(conn)
        # utf8mb4 explicitly: MySQL 8's default, while MariaDB 10.x servers often still default to latin1.
        conn.exec_driver_sql(f"CREATE DATABASE `{name}` {MYSQL_CHARSET}")

    def _drop(self, conn: Connection, name: str) -> None:
        # A transaction a test left open holds metadata locks; fail after 10 s instead of waiting a year.
        conn.exec_driver_sql("SET SESSION lock_wait_timeout = 10")
        for database in self._created_since(conn, name):
            conn.exec_driver_sql(f"DROP DATABASE IF EXISTS `{database}`")
        self._existing.pop(name, None)

    def extra_schemas(self, engine: Engine) -> list[str]:
        with engine.connect() as conn:
            return [
                d for d in self._created_since(conn, engine.url.database or "") if d != engine.url.database
            ]

    def complete_reflection(self, engine: Engine, tables: list[sa.Table]) -> None:
        # MariaDB keeps a column-level CHECK inline in SHOW CREATE TABLE, where SQLAlchemy does not look;
        # information_schema has them all:
        # https://mariadb.com/kb/en/information-schema-check_constraints-table/
        # MySQL 8 shows every CHECK at table level, so SQLAlchemy already has them there.
        if not tables or not getattr(engine.dialect, "is_mariadb", False):
            return
        by_name = {t.name: t for t in tables}
        query = sa.text(
            "SELECT TABLE_NAME, CONSTRAINT_NAME, CHECK_CLAUSE FROM information_schema.CHECK_CONSTRAINTS"
            " WHERE CONSTRAINT_SCHEMA = :schema AND LEVEL = 'Column'"
        )
        with engine.connect() as conn:
            rows = conn.execute(query, {"schema": tables[0].schema or engine.url.database}).all()
        for table_name, name, clause in rows:
            if table_name in by_name:
                by_name[table_name].append_constraint(sa.CheckConstraint(sa.text(clause), name=name))


_MSSQL_SYSTEM = frozenset({"dbo", "guest", "INFORMATION_SCHEMA", "sys"})


@dataclass
class MSSQLBackend(ServerBackend):
    connect_args: Mapping[str, Any] = field(default_factory=dict)

    def _create(self, conn: Connection, name: str) -> None:
        conn.exec_driver_sql(f"CREATE DATABASE [{name}]")

    def _drop(self, conn: Connection, name: str) -> None:
        conn.exec_driver_sql(f"ALTER DATABASE [{name}] SET SINGLE_USER WITH ROLLBACK IMMEDIATE")
        conn.exec_driver_sql(f"DROP DATABASE [{name}]")

    def extra_schemas(self, engine: Engine) -> list[str]:
        # Fixed database roles (db_owner, ...) own schemas of their own name.
        return [
            s
            for s in sa.inspect(engine).get_schema_names()
            if s not in _MSSQL_SYSTEM and not s.startswith("db_")
        ]


@dataclass
class SQLiteBackend(Backend):
    """A temporary database file; SQLite has a single schema, so there is nothing else to reflect."""

    @contextmanager
    def fresh_database(self) -> Iterator[Engine]:
        with tempfile.TemporaryDirectory(prefix=FRESH_PREFIX) as directory:
            engine = sa.create_engine(f"sqlite:///{directory}/dev.db", poolclass=NullPool)
            _ORIGIN[engine] = self
            try:
                yield engine
            finally:
                engine.dispose()

    def complete_reflection(self, engine: Engine, tables: list[sa.Table]) -> None:
        # SQLAlchemy skips expression-based indexes here; keep them as opaque entries so they can be counted.
        by_name = {t.name: t for t in tables}
        query = "SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
        with engine.connect() as conn:
            rows = conn.exec_driver_sql(query).all()
        for name, table_name, sql in rows:
            table = by_name.get(table_name)
            if table is not None and name not in {index.name for index in table.indexes}:
                unique = sql.lstrip().upper().startswith("CREATE UNIQUE")
                table.append_constraint(sa.Index(name, sa.text(sql), unique=unique))


_MYSQL_URL = "mysql+pymysql://root@127.0.0.1:3306/"
# Shared by the mysql and mariadb entries: either may run on either server (ATLAS_TEST_MARIADB_URL defaults to
# the MySQL one, and the default MySQL URL is the local MariaDB), so both forgive what both servers do.
_INNODB = Traits(
    unique_index_is_constraint=True,
    fk_creates_index=True,
    # InnoDB treats RESTRICT and NO ACTION alike, and SHOW CREATE TABLE omits both.
    no_action=frozenset({"NO ACTION", "RESTRICT"}),
    # MariaDB's JSON is LONGTEXT plus CHECK (json_valid(col)): https://mariadb.com/kb/en/json-data-type/
    implicit_checks=re.compile(r"json_valid\s*\(", re.IGNORECASE),
    same_type={
        "boolean": frozenset({"integer"}),  # BOOLEAN is TINYINT(1)
        "json": frozenset({"text"}),  # MariaDB
        "uuid": frozenset({"string"}),  # CHAR(32) from SQLAlchemy; MariaDB 10.7+ also has a native UUID
    },
)

BACKENDS: dict[str, Backend] = {
    backend.name: backend
    for backend in (
        PostgresBackend(
            "postgresql",
            dialect="postgresql",
            url_envs=("ATLAS_TEST_POSTGRESQL_URL",),
            default_url="postgresql+psycopg://postgres@127.0.0.1:5432/postgres",
            image="postgres:15",
        ),
        MySQLBackend(
            "mysql",
            dialect="mysql",
            url_envs=("ATLAS_TEST_MYSQL_URL",),
            default_url=_MYSQL_URL,
            image="mysql:8",
            traits=_INNODB,
        ),
        MySQLBackend(
            "mariadb",
            dialect="mariadb",
            url_envs=("ATLAS_TEST_MARIADB_URL", "ATLAS_TEST_MYSQL_URL"),
            default_url=_MYSQL_URL,
            image="mariadb:10.11",
            traits=_INNODB,
        ),
        SQLiteBackend(
            "sqlite",
            dialect="sqlite",
            traits=Traits(
                schemas=False,
                comments=False,
                # Types are whatever name was declared; names SQLAlchemy does not know reflect by affinity,
                # e.g. UUID -> NUMERIC: https://www.sqlite.org/datatype3.html#determination_of_column_affinity
                same_type={
                    "boolean": frozenset({"integer", "numeric"}),
                    "enum": frozenset({"string"}),
                    "uuid": frozenset({"string", "numeric"}),
                    "json": frozenset({"text", "numeric"}),
                    "numeric": frozenset({"float"}),
                    "float": frozenset({"numeric"}),
                },
            ),
        ),
        MSSQLBackend(
            "mssql",
            dialect="mssql",
            url_envs=("ATLAS_TEST_MSSQL_URL",),
            traits=Traits(
                unique_index_is_constraint=True,
                same_type={
                    "enum": frozenset({"string"}),
                    "json": frozenset({"string", "text"}),  # NVARCHAR(max)
                    "text": frozenset({"string"}),  # VARCHAR(max)
                },
            ),
        ),
    )
}
