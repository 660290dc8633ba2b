"""For every generated model and every backend with a real engine, the provider's output loads into a clean
database and reflects back to the model.

Each example writes the model as a Python package in a temporary folder and runs the real loader on it
(``load_model``, as the CLI does). Every fifth example, chosen by a hash of its source so that Hypothesis
replays it the same way, also runs the CLI in a subprocess as Atlas does, and checks that its statements
and warnings are the in-process ones; the DDL loaded is then the CLI's stdout.

Loading and comparing use the test harness (tests/support): ``fresh_database()``, ``load_ddl``, ``reflect``
and ``assert_schema_matches``, plus the focused checks below for what the harness compares only loosely
(string lengths, numeric precision, integer widths, time zones, enum values, literal default values).
ClickHouse (through chDB) gets its own check: every table and column exists with the type the adapter maps.

How many examples: ``ATLAS_PROPERTY_EXAMPLES`` (default 50 per backend here, the share CI runs); the long
run is ``test_roundtrip_long``, marked slow (see tests/property/README.md).
"""

from __future__ import annotations

import hashlib
import os
import re
import sys
import tempfile
import uuid
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from sqlalchemy import types
from sqlalchemy.pool import NullPool

from atlas_provider.api import build_schema, check_model
from atlas_provider.loading import Model, load_model
from atlas_provider.validation import Defect
from tests.support.backends import BACKENDS, FRESH_PREFIX, Backend, mysql_server_lock
from tests.support.compare import assert_schema_matches
from tests.support.provider import load_ddl, reflect, run_provider
from tests.support.replay import assert_replay_is_a_fixpoint
from tests.support.sqlsplit import split_statements

from .strategies import ModelSpec, models, package_name, render_package

CI_EXAMPLES = int(os.environ.get("ATLAS_PROPERTY_EXAMPLES", "50"))
LONG_EXAMPLES = int(os.environ.get("ATLAS_PROPERTY_EXAMPLES", "1000"))
CLI_SHARE = 5  # one example in this many also goes through the CLI subprocess

SQL_BACKENDS = ["postgresql", "mariadb", "sqlite"]
ALL_BACKENDS = [*SQL_BACKENDS, "clickhouse"]

# A process-wide token: on MariaDB a schema is a server-wide database, so the second schema's name must not
# collide with another test process's (see _schema_names).
TOKEN = uuid.uuid4().hex[:6]


def _settings(examples: int) -> settings:
    # ATLAS_PROPERTY_SHRINK=0 reports a failure as found, without minimizing it (each try loads a database).
    phases = [p for p in Phase if p is not Phase.shrink or os.environ.get("ATLAS_PROPERTY_SHRINK", "1") != "0"]
    return settings(max_examples=examples, deadline=None, derandomize=True, database=None, print_blob=True,
                    phases=phases, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


# ---- one example ---------------------------------------------------------------------------------

def _schema_names(spec: ModelSpec, backend: str) -> dict[str | None, str | None]:
    """The second schema's name in the source. On MariaDB a schema is a database of the whole server: it gets
    this run's prefix and token, so that no concurrent run (which drops the databases it sees appear while it
    works, unless they carry the prefix) can drop it, and this test drops it itself."""
    names: dict[str | None, str | None] = {None: None}
    if spec.second_schema:
        names[spec.second_schema] = (
            f"{FRESH_PREFIX}{TOKEN}_{spec.second_schema}" if backend == "mariadb" else spec.second_schema
        )
    return names


@contextmanager
def written_model(spec: ModelSpec, backend: str) -> Iterator[tuple[Path, str, Model, dict[str | None, str | None]]]:
    """Write the model's package to a temporary folder and load it in-process; yield (folder, package, model)."""
    schemas = _schema_names(spec, backend)
    probe = render_package(spec, "p", schemas)
    package = package_name(repr(sorted(probe.items())))
    files = render_package(spec, package, schemas)
    with tempfile.TemporaryDirectory(prefix="atlas_property_") as directory:
        root = Path(directory)
        for name, text in files.items():
            (root / name).parent.mkdir(parents=True, exist_ok=True)
            (root / name).write_text(text, encoding="utf-8")
        try:
            model = load_model([root / package], cwd=root)
            yield root, package, model, schemas
        finally:
            for name in [m for m in sys.modules if m == package or m.startswith(package + ".")]:
                del sys.modules[name]


def _via_cli(root: Path, package: str) -> bool:
    source = "".join(p.read_text(encoding="utf-8") for p in sorted((root / package).glob("*.py")))
    return int(hashlib.sha1(source.encode()).hexdigest(), 16) % CLI_SHARE == 0


def render(spec: ModelSpec, root: Path, package: str, model: Model, dialect: str) -> tuple[str, list[str], list[Defect]]:
    """The DDL, the loss lines and the defects left out for `dialect`: in-process, and for a share of
    examples also by the CLI, which must agree; the CLI's stdout is what is then loaded."""
    check_model(model)
    # Generated models put unique expression and partial indexes everywhere: what MariaDB cannot keep is
    # allowed out for the run (tests/test_losses.py covers the refusal without --allow-loss). Long string
    # columns in one index can exceed InnoDB's key size, which MariaDB rejects: such an index is left out
    # (tests/test_validation.py covers the refusal without --skip-defects).
    schema = build_schema(model, dialect, allow_loss=True, skip_defects=True)
    text, losses = schema.text, schema.losses.lines()
    if _via_cli(root, package):
        result = run_provider("--path", package, "--dialect", dialect, "--allow-loss", "--skip-defects", cwd=root)
        assert result.returncode == 0, result.stderr
        assert split_statements(result.stdout) == split_statements(text)
        assert result.stderr.splitlines() == [f"atlas-provider: warning: {line}" for line in [*schema.notes, *losses]]
        text = result.stdout
    return text, losses, schema.skipped


def _without_skipped(skipped: list[Defect]) -> None:
    """Take the indexes and unique keys the run left out off the model, as the database never got them."""
    for defect in skipped:
        if isinstance(defect.item, sa.Index):
            defect.table.indexes.discard(defect.item)
        elif isinstance(defect.item, sa.UniqueConstraint):
            defect.table.constraints.discard(defect.item)
        else:
            pytest.fail(f"a generated model has an unexpected defect: {defect.subject}: {defect.problem}")


def check_sql_backend(spec: ModelSpec, backend_name: str) -> None:
    backend = BACKENDS[backend_name]
    with written_model(spec, backend_name) as (root, package, model, schemas):
        text, losses, skipped = render(spec, root, package, model, backend.dialect)
        _without_skipped(skipped)
        expected = [t for t in model.tables]
        dropped = 0
        if backend_name == "mariadb":
            # MariaDB has no expression indexes: the provider leaves them out and says so.
            for table in expected:
                for index in [i for i in table.indexes if _is_expression(i)]:
                    table.indexes.discard(index)
                    dropped += 1
        _assert_expression_index_warning(losses, backend_name, dropped)
        second = schemas.get(spec.second_schema) if spec.second_schema else None
        fresh = _mysql_database(backend, second) if backend_name == "mariadb" else backend.fresh_database()
        with fresh as engine:
            load_ddl(text, engine)
            reflected = reflect(engine)
            if backend_name == "mariadb" and second and _database_exists(engine, second):
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", sa.exc.SAWarning)
                    reflected.reflect(engine, schema=second, resolve_fks=False)
            if backend_name == "mariadb":
                _fill_mariadb_defaults(engine, reflected)
            assert_schema_matches(expected, reflected, backend_name)
            check_details(expected, reflected, backend_name)
            # What Atlas writes next release: the database's own reading, replayed, reads back the same; on
            # MariaDB the foreign keys are numbered as create_all() numbers them. (Databases here are the
            # test's own, so the second schema is named rather than discovered.)
            extra = None
            if backend_name == "mariadb":
                extra = [second] if second and _database_exists(engine, second) else []
            assert_replay_is_a_fixpoint(engine, backend, expected, sorted({t.schema for t in expected if t.schema}),
                                        extra_schemas=extra)


def _fill_mariadb_defaults(engine: sa.Engine, reflected: sa.MetaData) -> None:
    """SQLAlchemy's MySQL reflection reads no default where SHOW CREATE TABLE escapes a quote with a
    backslash (TEXT DEFAULT 'it\\'s' on MariaDB); take those from information_schema instead."""
    default_schema = reflected.info["default_schema"]
    with engine.connect() as conn:
        for table in reflected.tables.values():
            for column in table.columns:
                if column.server_default is not None:
                    continue
                value = conn.exec_driver_sql(
                    "SELECT COLUMN_DEFAULT FROM information_schema.COLUMNS "
                    "WHERE TABLE_SCHEMA = %s AND TABLE_NAME = %s AND COLUMN_NAME = %s",
                    (table.schema or default_schema, table.name, column.name),
                ).scalar()
                if isinstance(value, str) and value.startswith("'"):
                    column.server_default = sa.DefaultClause(sa.text(value))


@contextmanager
def _mysql_database(backend: Backend, second: str | None) -> Iterator[sa.Engine]:
    """A fresh MariaDB database, dropped afterwards with the second schema, and nothing else.

    Not the harness's fresh_database(): on a server shared with other test processes, it drops (and
    reflects) every database that appeared while it was in use, other processes' included. Here the only
    databases the DDL can create are known: the second schema, whose name carries this run's token."""
    server = backend.server_url()  # type: ignore[attr-defined]
    name = f"{FRESH_PREFIX}{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(server, poolclass=NullPool, isolation_level="AUTOCOMMIT")
    with mysql_server_lock(server):
        try:
            with admin.connect() as conn:
                conn.exec_driver_sql(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci")
            # CREATE SCHEMA takes the server's default character set, latin1 on this MariaDB 10.11 where Atlas's
            # dev image has utf8mb4: like the database itself, the DDL's schemas get utf8mb4 (a string foreign key
            # across schemas needs one character set on both sides).
            utf8 = "SET SESSION character_set_server = 'utf8mb4', SESSION collation_server = 'utf8mb4_unicode_ci'"
            engine = sa.create_engine(server.set(database=name), poolclass=NullPool,
                                      connect_args={"init_command": utf8})
            try:
                yield engine
            finally:
                engine.dispose()
        finally:
            with admin.connect() as conn:
                conn.exec_driver_sql("SET SESSION foreign_key_checks = 0")
                for database in filter(None, [second, name]):
                    conn.exec_driver_sql(f"DROP DATABASE IF EXISTS `{database}`")
            admin.dispose()


def _assert_expression_index_warning(losses: list[str], backend_name: str, dropped: int) -> None:
    found = re.findall(r": (\d+) (?:unique )?expression ind\w+ left out", "\n".join(losses))
    if dropped:
        assert sum(int(n) for n in found) == dropped, losses
    else:
        assert not found, losses


def _database_exists(engine: sa.Engine, name: str) -> bool:
    with engine.connect() as conn:
        return bool(conn.exec_driver_sql("SHOW DATABASES LIKE %s", (name,)).first())


def _is_expression(index: sa.Index) -> bool:
    return any(not isinstance(e, sa.Column) for e in index.expressions)


# ---- focused comparison ------------------------------------------------------------------------------

def _reflected_table(reflected: sa.MetaData, table: sa.Table, backend_name: str) -> sa.Table:
    default = reflected.info.get("default_schema")
    candidates = [table.name] if backend_name == "sqlite" or table.schema in (None, default) else []
    if table.schema and backend_name != "sqlite":
        candidates = [f"{table.schema}.{table.name}"]
    for key in candidates:
        if key in reflected.tables:
            return reflected.tables[key]
    raise AssertionError(f"{table.fullname} not reflected")


def _width(type_: types.TypeEngine) -> str | None:
    for cls, name in ((types.BigInteger, "bigint"), (types.SmallInteger, "smallint"), (types.Integer, "int")):
        if isinstance(type_, cls):
            return name
    return None


_QUOTED = re.compile(r"^'(.*)'(?:::[\w\s]+)?$", re.S)  # PostgreSQL adds a cast: 'x'::character varying
_ESCAPE = re.compile(r"''|\\(.)", re.S)  # '' everywhere; MariaDB also writes \' and \\


def _literal(default: object) -> str | None:
    """The string a reflected server default holds, or None when it is not a plain quoted literal."""
    text = str(getattr(default, "arg", default))
    match = _QUOTED.match(text.strip())
    return _ESCAPE.sub(lambda m: m.group(1) or "'", match.group(1)) if match else None


def check_details(expected: list[sa.Table], reflected: sa.MetaData, backend_name: str) -> None:
    problems: list[str] = []
    for table in expected:
        got = _reflected_table(reflected, table, backend_name)
        for column in table.columns:
            other = got.columns.get(column.name)
            if other is None:
                continue  # assert_schema_matches reports it
            where = f"{table.fullname}.{column.name}"
            want, have = column.type, other.type
            want = getattr(want, "_variant_mapping", {}).get(backend_name, want)  # String(n).with_variant(...)
            if isinstance(want, types.String) and not isinstance(want, (types.Enum, types.Text)) and want.length:
                if getattr(have, "length", None) != want.length:
                    problems.append(f"{where}: length {want.length} expected, got {have!r}")
            if isinstance(want, types.Numeric) and not isinstance(want, types.Float) and want.precision:
                if (getattr(have, "precision", None), getattr(have, "scale", None)) != (want.precision, want.scale):
                    problems.append(f"{where}: NUMERIC({want.precision}, {want.scale}) expected, got {have!r}")
            if _width(want) and _width(have) != _width(want):
                problems.append(f"{where}: {_width(want)} expected, got {have!r}")
            if isinstance(want, types.DateTime) and backend_name == "postgresql":
                if bool(want.timezone) != bool(getattr(have, "timezone", False)):
                    problems.append(f"{where}: timezone={want.timezone} expected, got {have!r}")
            if isinstance(want, types.Enum) and want.native_enum and backend_name in ("postgresql", "mariadb"):
                if list(getattr(have, "enums", [])) != list(want.enums):
                    problems.append(f"{where}: enum values {want.enums} expected, got {have!r}")
            default = column.server_default
            if (isinstance(default, sa.DefaultClause) and isinstance(default.arg, str)
                    and isinstance(want, types.String) and other.server_default is not None):
                value = _literal(other.server_default)
                if value != default.arg:
                    problems.append(f"{where}: default {default.arg!r} expected, got {other.server_default.arg!r}")
    assert not problems, f"{backend_name}:\n  " + "\n  ".join(problems)


# ---- ClickHouse --------------------------------------------------------------------------------------

def check_clickhouse(spec: ModelSpec) -> None:
    """Every table of the model exists in ClickHouse with every column, in order, typed as the adapter
    says it maps them, and of the family the model's type calls for (Nullable exactly where the model's
    column is nullable)."""
    from tests.support.chdb_backend import fresh_clickhouse, load_clickhouse

    with written_model(spec, "clickhouse") as (root, package, model, _):
        text, _losses, _skipped = render(spec, root, package, model, "clickhouse")
        schema = build_schema(model, "clickhouse")
        with fresh_clickhouse() as dev:
            load_clickhouse(text, dev)
            found = dev.tables()
            want = {t.fullname: t for t in model.tables}
            assert sorted(found) == sorted(want), f"tables {sorted(want)} expected, got {sorted(found)}"
            adapted = {t.fullname: t for t in schema.tables}
            problems: list[str] = []
            for fullname, table in want.items():
                got = {name: row["type"] for name, row in dev.columns(fullname).items()}
                expected = [c.name for c in adapted[fullname].columns]  # the model's, then the CDC columns
                if list(got) != expected:
                    problems.append(f"{fullname}: columns {expected} expected, got {list(got)}")
                    continue
                for column in table.columns:
                    mapped = schema.adapter.column_type(adapted[fullname].columns[column.name])
                    stored = got[column.name]
                    where = f"{fullname}.{column.name}"
                    if not _same_ch_type(mapped, stored):
                        problems.append(f"{where}: the adapter maps it to {mapped}, ClickHouse has {stored}")
                    problems += [f"{where}: {p}" for p in _ch_family_problems(column, stored)]
            assert not problems, "clickhouse:\n  " + "\n  ".join(problems)


_WRAPPER = re.compile(r"^(LowCardinality|Nullable)\((.*)\)$")


def _ch_family_problems(column: sa.Column, stored: str) -> list[str]:
    base, nullable = stored, False
    while match := _WRAPPER.match(base):
        nullable = nullable or match.group(1) == "Nullable"
        base = match.group(2)
    problems = []
    if nullable != bool(column.nullable):
        problems.append(f"nullable={column.nullable} in the model, ClickHouse type {stored}")
    type_ = column.type
    if isinstance(type_, types.Enum):
        pattern = r"String|Enum(8|16)\(.*\)"
    elif isinstance(type_, types.Boolean):
        pattern = r"Bool|UInt8"
    elif _width(type_):
        pattern = {"smallint": "Int16", "int": "Int32", "bigint": "Int64"}[_width(type_)]  # type: ignore[index]
    elif isinstance(type_, types.Float):
        pattern = r"Float(32|64)"
    elif isinstance(type_, types.Numeric):
        pattern = rf"Decimal\({type_.precision}, {type_.scale}\)"
    elif isinstance(type_, types.DateTime):
        pattern = r"DateTime64\(\d+, '[^']+'\)" if type_.timezone else r"DateTime64\(\d+(, '[^']+')?\)"
    elif isinstance(type_, types.Date):
        pattern = r"Date(32)?"
    elif isinstance(type_, types.Uuid):
        pattern = r"UUID"
    elif isinstance(type_, (types.JSON, types.LargeBinary, types.String)):
        pattern = r"String|FixedString\(\d+\)|JSON|Object\('json'\)"
    else:
        pattern = r".+"  # Time: ClickHouse 23 has no time of day; the adapter's choice
    if not re.fullmatch(pattern, base):
        problems.append(f"{type_!r} in the model, ClickHouse type {stored}")
    return problems


def _same_ch_type(rendered: str, stored: str) -> bool:
    """ClickHouse stores types normalized: quotes in Enum and DateTime64 arguments, spacing."""
    def norm(text: str) -> str:
        return re.sub(r"\s+", "", text).replace('"', "'")
    return norm(rendered) == norm(stored)


# ---- the tests ---------------------------------------------------------------------------------------

def _run(backend_name: str, spec: ModelSpec) -> None:
    if backend_name == "clickhouse":
        check_clickhouse(spec)
    else:
        check_sql_backend(spec, backend_name)


# What generation keeps away from, per backend (limits of the database, not of the provider).
LIMITS: dict[str, dict[str, bool]] = {
    # A table in a named schema cannot refer to one in the default schema (the provider says so: exit 1).
    # An unnamed foreign key gets the name <table>_ibfk_<n>, which must fit in 64 characters (idem).
    # ON UPDATE CASCADE from a nullable referenced column into a NOT NULL one is refused (idem).
    "mariadb": {"to_default": False, "mysql_names": True, "cascade_null": False},
}


@pytest.mark.live
@pytest.mark.parametrize("backend_name", ALL_BACKENDS)
@given(data=st.data())
@_settings(CI_EXAMPLES)
def test_roundtrip(backend_name: str, data: st.DataObject) -> None:
    _run(backend_name, data.draw(models(**LIMITS.get(backend_name, {})), label="model"))


@pytest.mark.live
@pytest.mark.slow
@pytest.mark.parametrize("backend_name", ALL_BACKENDS)
@given(data=st.data())
@_settings(LONG_EXAMPLES)
def test_roundtrip_long(backend_name: str, data: st.DataObject) -> None:
    _run(backend_name, data.draw(models(**LIMITS.get(backend_name, {})), label="model"))
