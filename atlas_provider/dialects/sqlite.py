"""SQLite: one database, no schemas, no comments, no ALTER TABLE ... ADD CONSTRAINT.

Schema-qualified tables are created unqualified (Atlas's SQLite dev database is one file), and
foreign keys always stay inline: SQLite accepts a reference to a table created later.
https://www.sqlite.org/foreignkeys.html
"""

from __future__ import annotations

import re

from sqlalchemy.dialects.sqlite.base import SQLiteDialect, SQLiteIdentifierPreparer
from sqlalchemy.engine.interfaces import Dialect

from .base import TEXT_PARAMSTYLE, Adapter, QuotesDollarNames, ReferredKey


class ProviderSQLiteIdentifierPreparer(QuotesDollarNames, SQLiteIdentifierPreparer):
    pass


class ProviderSQLiteDialect(SQLiteDialect):
    preparer = ProviderSQLiteIdentifierPreparer


class SQLiteAdapter(Adapter):
    name = "sqlite"
    flatten_schemas = True
    # The schema of the database a connection opens: https://www.sqlite.org/lang_attach.html
    default_schema = "main"
    # CREATE TABLE checks nothing about the columns a foreign key refers to, but once PRAGMA foreign_keys=ON every
    # insert into the referring table fails ("foreign key mismatch") unless they are the primary key or a unique
    # key, and so does Atlas's `migrate apply` on a ?_fk=1 database, which runs PRAGMA foreign_key_check:
    # accepted at CREATE is not accepted. https://www.sqlite.org/foreignkeys.html#fk_indexes
    referred_key = ReferredKey.UNIQUE
    non_unique_reference_note = ("sqlite creates it, but fails every insert with 'foreign key mismatch' once "
                                 "foreign keys are on, as Atlas's migrate apply has them")
    # The tokenizer ends a string literal at a NUL ("unrecognized token"): https://www.sqlite.org/lang_expr.html
    rejects_nul = True
    # Every name is compared without regard to ASCII case ("duplicate column name", "index ix_a already exists",
    # "table users already exists"): https://www.sqlite.org/lang_keywords.html
    case_insensitive_names = frozenset({"table", "column", "index"})
    supports_partial_indexes = True  # https://www.sqlite.org/partialindex.html
    # A type name's arguments are numbers (https://www.sqlite.org/lang_createtable.html, type-name):
    # `geometry(POINT,4326)` is a syntax error.
    rejected_type_text = re.compile(r"\([^)]*[A-Za-z]")
    case_insensitive_collation = "NOCASE"  # https://www.sqlite.org/datatype3.html#collation

    def create_dialect(self) -> Dialect:
        return ProviderSQLiteDialect(paramstyle=TEXT_PARAMSTYLE)
