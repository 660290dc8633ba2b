"""PostgreSQL: named types (enums, domains) are created before the tables that use them.

SQLAlchemy creates them from `metadata.create_all` events, which a provider that only compiles
statements never fires; so they are collected here and emitted as their own statements.
https://www.postgresql.org/docs/current/sql-createtype.html

Atlas writes into a migration what `pg_get_constraintdef` / `pg_get_indexdef` print, and replays it.
PostgreSQL prints `kind IN ('a', 'b')` on a VARCHAR as `((kind)::text = ANY ((ARRAY['a'::character varying,
...])::text[]))` and that, replayed, as yet another text: every `atlas migrate diff` would rewrite the
condition. The check SQLAlchemy makes for a non-native Enum is compiled as `CAST(kind AS TEXT) IN (...)`,
which PostgreSQL prints the same way every time; a check or partial-index condition the model writes in
the unstable shape is printed in that form too, with the same meaning (pg_conditions.py), and the rewrite
is listed on stderr and by `check`. tests/support/replay.py shows both on a real server.

Names with `$` are quoted: PostgreSQL allows `$` inside an unquoted name, but Atlas's statement scanner
reads `$$` or `$tag$` anywhere outside quotes as the start of a dollar-quoted body.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import CheckConstraint, Column, Computed, Enum, Index, String, Table, Text, cast, literal_column
from sqlalchemy.dialects.postgresql import DOMAIN, ENUM, ExcludeConstraint
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
from .base import TEXT_PARAMSTYLE, Adapter, QuotesDollarNames, TargetOptions
from .pg_conditions import UnreadableCondition, may_be_unstable, stable_condition

# A type PostgreSQL stores as VARCHAR, as the dialect compiles it (a domain is judged by its base type; a
# collation, `VARCHAR(10) COLLATE "C"`, keeps it a VARCHAR).
_VARCHAR = re.compile(r"(VARCHAR|CHARACTER VARYING)(\(\d+\))?( COLLATE .+)?", re.IGNORECASE)


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


class ProviderPGIdentifierPreparer(QuotesDollarNames, PGIdentifierPreparer):
    """Names with `$` are quoted (see the module's docstring), and names a naming convention builds fit
    PostgreSQL's limit in bytes, not only in characters.

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
    # CREATE TABLE also creates a composite type of the table's name, so no other type may have it:
    # https://www.postgresql.org/docs/15/sql-createtable.html (Description)
    tables_are_types = True
    # Tables, columns and enum types too: PostgreSQL creates them with the name cut to 63 bytes (a NOTICE only;
    # two columns equal in their first 63 bytes are then "specified more than once", observed on 15).
    name_overflow = ", and it would cut the name silently"
    named_enum_types = True
    # NAMEDATALEN - 1 again: "invalid enum label ... Labels must be 63 bytes or less" (observed on 15).
    # https://www.postgresql.org/docs/15/datatype-enum.html#id-1.5.7.15.8
    max_enum_label_bytes = 63
    # The wire protocol's Query message is a NUL-terminated string, and text values cannot hold NUL either:
    # https://www.postgresql.org/docs/15/protocol-message-formats.html, https://www.postgresql.org/docs/15/datatype-character.html
    rejects_nul = True
    # INDEX_MAX_KEYS, INCLUDE columns counted: "cannot use more than 32 columns in an index" (observed on 15).
    # https://www.postgresql.org/docs/15/limits.html
    max_key_parts = 32

    # The longest VARCHAR(n)/CHAR(n): a longer one makes CREATE TABLE fail ("length for type varchar cannot
    # exceed 10485760"). https://www.postgresql.org/docs/15/datatype-character.html
    max_string_length = 10485760

    def __init__(self, options: TargetOptions | None = None) -> None:
        super().__init__(options)
        self._stable_forms: dict[tuple[str, tuple[str, ...]], str | None | UnreadableCondition] = {}

    def create_dialect(self) -> Dialect:
        return ProviderPGDialect(paramstyle=TEXT_PARAMSTYLE)

    def needs_copies(self, tables: list[Table]) -> bool:
        """Only a model with a condition to print in the stable form is copied (see adapt_table)."""
        return any(isinstance(self._stable(table, text), str) for table in tables
                   for _, _, text in self._conditions(table))

    def adapt_table(self, table: Table, report: LossReport) -> None:
        """Checks and partial-index conditions in the shape PostgreSQL reads back differently on every replay
        are printed in the stable form of the same meaning (pg_conditions.py), each listed in the report."""
        for item, label, text in self._conditions(table):
            stable = self._stable(table, text)
            if not isinstance(stable, str):
                continue
            if isinstance(item, Index):
                item.dialect_options["postgresql"]["where"] = literal_column(stable)
            elif isinstance(item, ExcludeConstraint):
                item.where = literal_column(stable)
            else:
                item.sqltext = literal_column(stable)
            report.rewrite(label, text, stable, "PostgreSQL reads an IN list on a VARCHAR back differently on "
                                                "every replay, so each atlas migrate diff would rewrite it")

    def audit(self, tables: list[Table], report: LossReport) -> None:
        """Strings longer than PostgreSQL stores are refused (a column cannot be left out); a condition the
        provider cannot parse is printed as written, with a note."""
        super().audit(tables, report)
        for table in tables:
            self._refuse_overlong_strings(table)
            for _, label, text in self._conditions(table):
                error = self._stable(table, text)
                if isinstance(error, UnreadableCondition):
                    report.note(f"{label}: printed as written; the provider cannot parse it to make sure "
                                "PostgreSQL reads it back unchanged, so atlas migrate diff may rewrite it every time")

    def _conditions(self, table: Table) -> list[tuple[CheckConstraint | Index | ExcludeConstraint, str, str]]:
        """(item, label, text) of every condition PostgreSQL stores: the checks the model writes (on the table
        or on a column), partial-index conditions and exclusion constraints' WHERE, compiled as CREATE TABLE /
        CREATE INDEX print them."""
        found: list[tuple[CheckConstraint | Index | ExcludeConstraint, str, str]] = []
        on_columns = [c for column in table.columns for c in column.constraints]
        checks = [c for c in [*table.constraints, *on_columns] if isinstance(c, CheckConstraint) and not c._type_bound]
        for check in sorted(checks, key=lambda c: str(c.name or "")):
            name = f"{table.fullname}.{check.name}" if isinstance(check.name, str) else table.fullname
            found.append((check, f"check {name}", self._condition_text(check.sqltext)))
        excludes = [c for c in table.constraints if isinstance(c, ExcludeConstraint) and c.where is not None]
        for exclude in sorted(excludes, key=lambda c: str(c.name or "")):
            name = f"{table.fullname}.{exclude.name}" if isinstance(exclude.name, str) else table.fullname
            found.append((exclude, f"exclusion constraint {name}", self._condition_text(exclude.where)))
        for index in sorted(table.indexes, key=lambda i: str(i.name or "")):
            where = index.dialect_options["postgresql"].get("where")
            if where is not None:
                found.append((index, f"partial index {table.fullname}.{index.name}", self._condition_text(where)))
        return found

    def _condition_text(self, expression: Any) -> str:
        compiler = self.ddl_compiler.sql_compiler
        return str(compiler.process(expression, include_table=False, literal_binds=True))

    def _stable(self, table: Table, text: str) -> str | UnreadableCondition | None:
        """The stable form of `text` on `table`: None when it is stable already, the error when it cannot be
        parsed. Each text is parsed once per run (needs_copies, adapt_table and audit all ask)."""
        if not may_be_unstable(text):
            return None
        varchar = self._varchar_columns(table)
        key = (text, tuple(sorted(name for name, is_varchar in varchar.items() if is_varchar)))
        if key not in self._stable_forms:
            try:
                self._stable_forms[key] = stable_condition(text, varchar.get)
            except UnreadableCondition as error:
                self._stable_forms[key] = error
        return self._stable_forms[key]

    def _varchar_columns(self, table: Table) -> dict[str, bool]:
        return {column.name: self._stored_as_varchar(column.type) for column in table.columns}

    def _stored_as_varchar(self, kind: Any) -> bool:
        while isinstance(kind, DOMAIN):
            kind = kind.data_type
        try:
            return bool(_VARCHAR.fullmatch(str(kind.compile(dialect=self.dialect)).strip()))
        except Exception:  # a type this dialect cannot compile fails later, naming its column
            return False

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

    def named_types(self, table: Table) -> list[tuple[Column[Any], ExecutableDDLElement]]:
        """Enums (a native Enum, as this dialect makes it) and domains; `type_elements` creates each once."""
        found: list[tuple[Column[Any], ExecutableDDLElement]] = []
        for column in table.columns:
            kind = column.type
            if isinstance(kind, DOMAIN):
                found.append((column, CreateDomainType(kind)))
            elif isinstance(kind, Enum) and kind.native_enum:
                impl = kind.dialect_impl(self.dialect)
                if isinstance(impl, ENUM) and impl.name:
                    found.append((column, CreateEnumType(impl)))
        return found

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
        # Enums first: a domain may be based on one.
        elements = super().type_elements(tables)
        return [e for e in elements if isinstance(e, CreateEnumType)] + [
            e for e in elements if not isinstance(e, CreateEnumType)]
