"""MySQL and MariaDB. MariaDB is MySQL with a few differences, so its adapter subclasses MySQL's.

Comments, enums and CHECK constraints compile inline; there is nothing to emit before the tables.
"""

from __future__ import annotations

from sqlalchemy.dialects.mysql.base import MySQLDialect
from sqlalchemy.dialects.mysql.mariadb import MariaDBDialect
from sqlalchemy.engine.interfaces import Dialect

from .base import TEXT_PARAMSTYLE, Adapter


class MySQLAdapter(Adapter):
    name = "mysql"

    def create_dialect(self) -> Dialect:
        return MySQLDialect(paramstyle=TEXT_PARAMSTYLE)


class MariaDBAdapter(MySQLAdapter):
    """MariaDB has no functional key parts (MySQL 8.0.13 has), so expression indexes are left out.
    https://mariadb.com/kb/en/create-index/ (an index on a virtual column is MariaDB's way)"""

    name = "mariadb"
    supports_expression_indexes = False
    expression_index_advice = "MariaDB indexes columns only; index a generated column instead"

    def create_dialect(self) -> Dialect:
        return MariaDBDialect(paramstyle=TEXT_PARAMSTYLE)
