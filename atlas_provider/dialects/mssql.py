"""SQL Server: comments are extended properties, booleans are BIT, the default schema is dbo.

SQLAlchemy renders column comments with `sp_addextendedproperty`, which names the schema; without a
live connection the dialect does not know it, so it is set to SQL Server's default, `dbo`.
https://learn.microsoft.com/sql/relational-databases/system-stored-procedures/sp-addextendedproperty-transact-sql
"""

from __future__ import annotations

import re

from typing import Any

from sqlalchemy import Boolean
from sqlalchemy.dialects.mssql.base import MSDDLCompiler, MSDialect
from sqlalchemy.engine.interfaces import Dialect
from sqlalchemy.sql.elements import TextClause

from .base import TEXT_PARAMSTYLE, Adapter

# T-SQL has no TRUE/FALSE literals; a BIT default is 1 or 0.
BOOLEAN_WORDS = {"true": "1", "false": "0"}


class ProviderMSDDLCompiler(MSDDLCompiler):
    def get_column_default_string(self, column: Any) -> str | None:
        default = column.server_default
        if isinstance(column.type, Boolean) and default is not None and isinstance(default.arg, TextClause):
            word = default.arg.text.strip().lower()
            if word in BOOLEAN_WORDS:
                return BOOLEAN_WORDS[word]
        if isinstance(column.type, Boolean) and default is not None and isinstance(default.arg, str):
            word = default.arg.strip().lower()
            if word in BOOLEAN_WORDS:
                return BOOLEAN_WORDS[word]
        return super().get_column_default_string(column)


class ProviderMSDialect(MSDialect):
    ddl_compiler = ProviderMSDDLCompiler
    default_schema_name = "dbo"


class MSSQLAdapter(Adapter):
    name = "mssql"
    default_schema = "dbo"  # https://learn.microsoft.com/sql/relational-databases/security/authentication-access/ownership-and-user-schema-separation
    supports_partial_indexes = True
    # https://learn.microsoft.com/sql/relational-databases/indexes/indexes-on-computed-columns
    supports_expression_indexes = False
    expression_index_advice = "SQL Server indexes columns only; index a computed column instead"
    # https://learn.microsoft.com/sql/t-sql/statements/create-index-transact-sql: unique within the table
    index_names_per_schema = False
    # https://learn.microsoft.com/sql/relational-databases/databases/database-identifiers
    max_name_length = 128
    # pgvector's half and sparse vectors and PostGIS rasters have no SQL Server type (2025 has VECTOR only).
    # https://learn.microsoft.com/sql/t-sql/data-types/data-types-transact-sql
    rejected_type_text = re.compile(r"^(HALFVEC|SPARSEVEC)\(|^raster$")
    case_insensitive_collation = "Latin1_General_100_CI_AS_SC_UTF8"
    # "Columns per index key: 32" (SQL Server 2016+; Atlas's dev image is 2022):
    # https://learn.microsoft.com/sql/sql-server/maximum-capacity-specifications-for-sql-server
    max_key_parts = 32
    # Names compare by the database's collation, case-insensitive by default (SQL_Latin1_General_CP1_CI_AS):
    # https://learn.microsoft.com/sql/relational-databases/collations/collation-and-unicode-support
    case_insensitive_names = frozenset({"table", "column", "index"})

    def create_dialect(self) -> Dialect:
        # deprecate_large_types: VARCHAR(max)/VARBINARY(max), as on any SQL Server since 2012,
        # rather than the deprecated TEXT/IMAGE an offline dialect would assume.
        dialect = ProviderMSDialect(deprecate_large_types=True, paramstyle=TEXT_PARAMSTYLE)
        # Without a connection the dialect assumes a server too old for DATE, TIME and DATETIME2;
        # Atlas's dev image is SQL Server 2022 (version 16).
        dialect.server_version_info = (16, 0)
        return dialect
