"""PostgreSQL: named types (enums, domains) are created before the tables that use them.

SQLAlchemy creates them from `metadata.create_all` events, which a provider that only compiles
statements never fires; so they are collected here and emitted as their own statements.
https://www.postgresql.org/docs/current/sql-createtype.html
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Computed, Enum, Table
from sqlalchemy.dialects.postgresql import DOMAIN, ENUM
from sqlalchemy.dialects.postgresql.base import PGDDLCompiler, PGDialect
from sqlalchemy.dialects.postgresql.named_types import CreateDomainType, CreateEnumType
from sqlalchemy.engine.interfaces import Dialect
from sqlalchemy.schema import ExecutableDDLElement

from .base import TEXT_PARAMSTYLE, Adapter


class ProviderPGDDLCompiler(PGDDLCompiler):
    def visit_computed_column(self, generated: Computed, **kw: Any) -> str:
        # PostgreSQL 12-17 (Atlas's dev image is 15) only have STORED generated columns, and
        # SQLAlchemy 2.1 leaves the keyword out when the model does not say; say it.
        if generated.persisted is None:
            generated = Computed(generated.sqltext, persisted=True)
        return str(super().visit_computed_column(generated, **kw))


class ProviderPGDialect(PGDialect):
    ddl_compiler = ProviderPGDDLCompiler


class PostgreSQLAdapter(Adapter):
    name = "postgresql"

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
