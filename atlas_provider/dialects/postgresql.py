"""PostgreSQL: named types (enums, domains) are created before the tables that use them.

SQLAlchemy creates them from `metadata.create_all` events, which a provider that only compiles
statements never fires; so they are collected here and emitted as their own statements.
https://www.postgresql.org/docs/current/sql-createtype.html

Atlas writes into a migration what `pg_get_constraintdef` prints, and replays it. PostgreSQL prints
`kind IN ('a', 'b')` on a VARCHAR as `((kind)::text = ANY ((ARRAY['a'::character varying, ...])::text[]))`
and that, replayed, as yet another text: every `atlas migrate diff` would rewrite the check. The check
SQLAlchemy makes for a non-native Enum is compiled as `CAST(kind AS TEXT) IN (...)`, which PostgreSQL
prints the same way every time; a check the model writes in the unstable shape is reported with that
form (UNSTABLE_IN_LIST), never rewritten. tests/support/replay.py shows both on a real server.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import CheckConstraint, Computed, Enum, String, Table, Text, cast
from sqlalchemy.dialects.postgresql import DOMAIN, ENUM
from sqlalchemy.dialects.postgresql.base import PGDDLCompiler, PGDialect, PGIdentifierPreparer
from sqlalchemy.dialects.postgresql.named_types import CreateDomainType, CreateEnumType
from sqlalchemy.engine.interfaces import Dialect
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.schema import ExecutableDDLElement
from sqlalchemy.sql.type_api import TypeEngine
from sqlalchemy.types import TypeDecorator
from sqlalchemy.sql.base import _NONE_NAME
from sqlalchemy.sql.elements import conv
from sqlalchemy.util import md5_hex

from ..errors import ModelError
from ..losses import LossReport
from .base import TEXT_PARAMSTYLE, Adapter

# `col IN ('a', 'b', ...)` / `col NOT IN (...)` with two or more string literals: on a VARCHAR or CHAR column
# PostgreSQL reads it back in a form that reads back differently again (one literal, TEXT columns, numbers,
# CAST(col AS TEXT) and col::text are stable: verified by tests/test_replay_live.py).
UNSTABLE_IN_LIST = re.compile(r"(?<![\w.\"])(\"?)(\w+)\1\s+(NOT\s+)?IN\s*\(\s*'(?:[^']|'')*'\s*,", re.IGNORECASE)


def _stable_enum_check(constraint: CheckConstraint) -> CheckConstraint | None:
    """The CHECK of a non-native Enum as CAST(col AS TEXT) IN (...), or None for any other check."""
    if not constraint._type_bound:
        return None
    column = next(iter(constraint.columns), None)
    kind = getattr(column, "type", None)
    if not isinstance(kind, Enum) or kind.native_enum:
        return None
    name = None if constraint.name is _NONE_NAME else constraint.name
    # Not attached to the table: the model's own constraint stays its only check.
    return CheckConstraint(cast(column, Text()).in_(kind.enums), name=name, deferrable=constraint.deferrable,
                           initially=constraint.initially, _autoattach=False)


# Types an extension provides -> the extension. Atlas loads our text into a clean dev database, which has none
# of them installed: the output creates each one the model uses before its first use (the dev database must
# offer it: docker://postgis/... for PostGIS, docker://pgvector/... for vector).
# https://www.postgresql.org/docs/15/sql-createextension.html
EXTENSION_TYPES: dict[tuple[str, str], str] = {
    ("sqlalchemy", "CITEXT"): "citext",
    ("sqlalchemy", "HSTORE"): "hstore",
    ("geoalchemy2", "Geometry"): "postgis",
    ("geoalchemy2", "Geography"): "postgis",
    ("geoalchemy2", "Raster"): "postgis_raster",  # PostGIS 3 keeps raster apart; it requires postgis
    ("pgvector", "VECTOR"): "vector",
    ("pgvector", "HALFVEC"): "vector",
    ("pgvector", "SPARSEVEC"): "vector",
}
# An extension that needs another, created first.
EXTENSION_REQUIRES = {"postgis_raster": "postgis"}


class CreateExtension(ExecutableDDLElement):
    """CREATE EXTENSION IF NOT EXISTS name: a database where it exists already keeps it."""

    def __init__(self, name: str) -> None:
        self.name = name


@compiles(CreateExtension)
def _create_extension(element: CreateExtension, compiler: Any, **kw: Any) -> str:
    return f"CREATE EXTENSION IF NOT EXISTS {compiler.preparer.quote(element.name)}"


def extension_of(type_: TypeEngine[Any], dialect: Dialect) -> str | None:
    """The extension that provides the type PostgreSQL gets (its variant for the dialect, a decorator's
    implementation, an array's elements, a domain's base), if any."""
    while True:
        type_ = type_._variant_mapping.get(dialect.name, type_)
        if isinstance(type_, TypeDecorator):
            type_ = type_.load_dialect_impl(dialect)
            continue
        item = getattr(type_, "item_type", None) or getattr(type_, "data_type", None)
        if item is None:
            break
        type_ = item() if isinstance(item, type) else item
    cls = type(type_)
    return EXTENSION_TYPES.get((cls.__module__.partition(".")[0], cls.__name__))


class ProviderPGDDLCompiler(PGDDLCompiler):
    def visit_check_constraint(self, constraint: CheckConstraint, **kw: Any) -> str:
        stable = _stable_enum_check(constraint)
        return str(super().visit_check_constraint(constraint if stable is None else stable, **kw))

    def visit_computed_column(self, generated: Computed, **kw: Any) -> str:
        # PostgreSQL 12-17 (Atlas's dev image is 15) only have STORED generated columns, and
        # SQLAlchemy 2.1 leaves the keyword out when the model does not say; say it.
        if generated.persisted is None:
            generated = Computed(generated.sqltext, persisted=True)
        return str(super().visit_computed_column(generated, **kw))


class ProviderPGIdentifierPreparer(PGIdentifierPreparer):
    """Names a naming convention builds fit PostgreSQL's limit in bytes, not only in characters.

    SQLAlchemy shortens a convention name longer than 63 characters to 55 of them plus a hash. PostgreSQL
    counts 63 bytes (NAMEDATALEN - 1) and silently cuts the rest, so a name with non-ASCII letters can
    lose its hash, and two indexes of one table then collide ("relation ... already exists"). Names
    that fit in bytes are left exactly as SQLAlchemy (and Alembic) make them.
    https://www.postgresql.org/docs/current/sql-syntax-lexical.html#SQL-SYNTAX-IDENTIFIERS
    """

    def truncate_and_render_index_name(self, name: str, _alembic_quote: bool = True) -> str:
        return super().truncate_and_render_index_name(self._fit(name), _alembic_quote)

    def truncate_and_render_constraint_name(self, name: str, _alembic_quote: bool = True) -> str:
        return super().truncate_and_render_constraint_name(self._fit(name), _alembic_quote)

    def _fit(self, name: str) -> str:
        limit = self.dialect.max_identifier_length
        if not isinstance(name, conv):
            return name  # a name the model spelled out is used as it is
        tail = "_" + md5_hex(name)[-4:]
        shortened = name if len(name) <= limit else name[: limit - 8] + tail  # what SQLAlchemy would make
        if len(shortened.encode()) <= limit:
            return name
        head = name
        while len((head + tail).encode()) > limit:
            head = head[:-1]
        return conv(head + tail)


class ProviderPGDialect(PGDialect):
    ddl_compiler = ProviderPGDDLCompiler
    preparer = ProviderPGIdentifierPreparer


class PostgreSQLAdapter(Adapter):
    name = "postgresql"
    default_schema = "public"  # https://www.postgresql.org/docs/current/ddl-schemas.html#DDL-SCHEMAS-PUBLIC
    supports_partial_indexes = True
    # NAMEDATALEN - 1: a longer name is cut to 63 bytes, so the database would hold a name the model lacks
    # https://www.postgresql.org/docs/15/sql-syntax-lexical.html#SQL-SYNTAX-IDENTIFIERS
    max_name_length = 63
    name_length_in_bytes = True

    # The longest VARCHAR(n)/CHAR(n): a longer one makes CREATE TABLE fail ("length for type varchar cannot
    # exceed 10485760"). https://www.postgresql.org/docs/15/datatype-character.html
    max_string_length = 10485760

    def create_dialect(self) -> Dialect:
        return ProviderPGDialect(paramstyle=TEXT_PARAMSTYLE)

    def audit(self, tables: list[Table], report: LossReport) -> None:
        """Strings longer than PostgreSQL stores are refused (a column cannot be left out); checks the model
        writes in a shape PostgreSQL does not read back stably get the form to write instead (a note: the
        output keeps the model's text)."""
        super().audit(tables, report)
        for table in tables:
            self._refuse_overlong_strings(table)
            for check in sorted((c for c in table.constraints if isinstance(c, CheckConstraint)
                                 and not c._type_bound), key=lambda c: str(c.name or "")):
                self._note_unstable_in_list(table, check, report)

    def _refuse_overlong_strings(self, table: Table) -> None:
        for column in table.columns:
            length = getattr(column.type, "length", None)
            if isinstance(column.type, String) and not isinstance(column.type, Text) and length \
                    and length > self.max_string_length:
                raise ModelError(
                    f"column {table.fullname}.{column.name} is {column.type.compile(dialect=self.dialect)}, longer "
                    f"than the {self.max_string_length} characters postgresql allows, so CREATE TABLE would fail; "
                    "make it Text (or String() without a length), or leave the table out of this target "
                    "(info={'atlas': {'exclude': ['postgresql']}})",
                    table=table.fullname,
                )

    def _note_unstable_in_list(self, table: Table, check: CheckConstraint, report: LossReport) -> None:
        text = str(check.sqltext.compile(dialect=self.dialect, compile_kwargs={"literal_binds": True}))
        for found in UNSTABLE_IN_LIST.finditer(text):
            column = table.columns.get(found.group(2))
            kind = getattr(column, "type", None)
            if not isinstance(kind, String) or isinstance(kind, Text) or (isinstance(kind, Enum) and kind.native_enum):
                continue
            label = f"{table.fullname}.{check.name}" if check.name else table.fullname
            report.note(f"check {label}: PostgreSQL reads {found.group(2)} {(found.group(3) or '').upper()}IN (...) "
                        f"on a {kind.compile(dialect=self.dialect)} back in a form that differs on every replay, so "
                        f"each atlas migrate diff rewrites it; write CAST({found.group(2)} AS TEXT) "
                        f"{(found.group(3) or '').upper()}IN (...) instead")

    def extension_elements(self, tables: list[Table]) -> list[ExecutableDDLElement]:
        """CREATE EXTENSION for every extension the tables' column types come from, in name order (an
        extension another needs first)."""
        found: set[str] = set()
        for table in tables:
            for column in table.columns:
                name = extension_of(column.type, self.dialect)
                while name is not None:
                    found.add(name)
                    name = EXTENSION_REQUIRES.get(name)
        ordered = sorted(found, key=lambda name: (name in EXTENSION_REQUIRES, name))
        return [CreateExtension(name) for name in ordered]

    def type_elements(self, tables: list[Table]) -> list[ExecutableDDLElement]:
        enums: dict[tuple[str, str], ENUM] = {}
        domains: dict[tuple[str, str], DOMAIN] = {}
        for table in tables:
            for column in table.columns:
                kind = column.type
                if isinstance(kind, DOMAIN):
                    domains.setdefault((kind.schema or "", kind.name), kind)
                elif isinstance(kind, Enum) and kind.native_enum:
                    impl = kind.dialect_impl(self.dialect)
                    if isinstance(impl, ENUM) and impl.name:
                        enums.setdefault((impl.schema or "", impl.name), impl)
        # Enums first: a domain may be based on one.
        return [CreateEnumType(enums[key]) for key in sorted(enums)] + [
            CreateDomainType(domains[key]) for key in sorted(domains)
        ]
