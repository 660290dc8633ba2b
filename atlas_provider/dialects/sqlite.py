"""SQLite: one database, no schemas, no comments, no ALTER TABLE ... ADD CONSTRAINT.

Schema-qualified tables are created unqualified (Atlas's SQLite dev database is one file), and
foreign keys always stay inline: SQLite accepts a reference to a table created later.
https://www.sqlite.org/foreignkeys.html
"""

from __future__ import annotations

from sqlalchemy.dialects.sqlite.base import SQLiteDialect
from sqlalchemy.engine.interfaces import Dialect

from .base import TEXT_PARAMSTYLE, Adapter


class SQLiteAdapter(Adapter):
    name = "sqlite"
    flatten_schemas = True
    supports_partial_indexes = True  # https://www.sqlite.org/partialindex.html

    def create_dialect(self) -> Dialect:
        return SQLiteDialect(paramstyle=TEXT_PARAMSTYLE)
