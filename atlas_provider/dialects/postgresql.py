"""PostgreSQL: named types (enums, domains) are created before the tables that use them.

SQLAlchemy creates them from `metadata.create_all` events, which a provider that only compiles
statements never fires; so they are collected here and emitted as their own statements.
https://www.postgresql.org/docs/current/sql-createtype.html
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Computed, Enum, Table
from sqlalchemy.dialects.postgresql import DOMAIN, ENUM
from sqlalchemy.dialects.postgresql.base import PGDDLCompiler, PGDialect, PGIdentifierPreparer
from sqlalchemy.dialects.postgresql.named_types import CreateDomainType, CreateEnumType
from sqlalchemy.engine.interfaces import Dialect
from sqlalchemy.schema import ExecutableDDLElement
from sqlalchemy.sql.elements import conv
from sqlalchemy.util import md5_hex

from .base import TEXT_PARAMSTYLE, Adapter


class ProviderPGDDLCompiler(PGDDLCompiler):
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

    def create_dialect(self) -> Dialect:
        return ProviderPGDialect(paramstyle=TEXT_PARAMSTYLE)

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
