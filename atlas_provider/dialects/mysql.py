"""MySQL and MariaDB. MariaDB is MySQL with a few differences, so its adapter subclasses MySQL's.

Comments, enums and CHECK constraints compile inline; there is nothing to emit before the tables.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar, NoReturn

from sqlalchemy import Column, ForeignKeyConstraint, Table
from sqlalchemy.dialects.mysql.base import MySQLDialect
from sqlalchemy.dialects.mysql.mariadb import MariaDBDialect
from sqlalchemy.engine.interfaces import Dialect

from ..errors import ModelError
from ..losses import LossReport
from ..ordering import declaration_order
from .base import TEXT_PARAMSTYLE, Adapter


# https://dev.mysql.com/doc/refman/8.0/en/identifier-length.html (MariaDB: the same)
MAX_IDENTIFIER = 64


class MySQLAdapter(Adapter):
    name = "mysql"
    # The longest name MySQL gives a foreign key itself.
    max_generated_name: ClassVar[int] = MAX_IDENTIFIER
    generated_name_in_bytes: ClassVar[bool] = False
    # ON UPDATE CASCADE from a nullable referenced column into a NOT NULL one is refused (MariaDB).
    rejects_cascading_null: ClassVar[bool] = False

    def create_dialect(self) -> Dialect:
        return MySQLDialect(paramstyle=TEXT_PARAMSTYLE)

    def audit(self, tables: list[Table], report: LossReport) -> None:
        """Foreign keys MySQL rejects with no more than errno 150 ("incorrectly formed") or a name that is
        too long are model errors here, each saying what to change."""
        super().audit(tables, report)
        for table in tables:
            fks = declaration_order(table.foreign_key_constraints)  # the order the server numbers them in
            self._check_generated_names(table, [fk for fk in fks if fk.name is None])
            for fk in fks:
                self._check_foreign_key(table, fk)

    def _check_generated_names(self, table: Table, unnamed: list[ForeignKeyConstraint]) -> None:
        # MySQL names an unnamed foreign key <table>_ibfk_<n>, and fails when that is too long.
        # https://dev.mysql.com/doc/refman/8.0/en/create-table-foreign-keys.html#foreign-key-naming
        if not unnamed:
            return
        auto = f"{table.name}_ibfk_{len(unnamed)}"
        size = len(auto.encode()) if self.generated_name_in_bytes else len(auto)
        if size > self.max_generated_name:
            unit = "bytes" if self.generated_name_in_bytes else "characters"
            raise ModelError(
                f"foreign key ({_names(unnamed[-1].columns)}) has no name, and {self.name} would call it {auto!r}, "
                f"longer than the {self.max_generated_name} {unit} it allows; name it "
                "(ForeignKey(..., name=...)) or give the MetaData a naming convention",
                table=table.fullname,
            )

    def _check_foreign_key(self, table: Table, fk: ForeignKeyConstraint) -> None:
        def fail(problem: str) -> NoReturn:
            raise ModelError(f"foreign key ({_names(fk.columns)}) -> {referred.name}: {problem}", table=table.fullname)

        referred = fk.elements[0].column.table
        # A table named without its database is looked up in the referring table's database, not the default
        # one, whose name the provider does not know.
        # https://dev.mysql.com/doc/refman/8.0/en/create-table-foreign-keys.html
        if table.schema and referred.schema is None:
            fail(f"{self.name} looks {referred.name!r} up in database {table.schema!r}, the referring table's, "
                 f"not in the default one; give {referred.name!r} an explicit schema")
        not_null = [c for c in fk.columns if not c.nullable]
        for event, action in (("DELETE", fk.ondelete), ("UPDATE", fk.onupdate)):
            if (action or "").upper() == "SET NULL" and not_null:
                fail(f"ON {event} SET NULL on NOT NULL column(s) {_names(not_null)}, which {self.name} rejects; "
                     "make them nullable or choose another action")
        if (fk.onupdate or "").upper() == "CASCADE" and self.rejects_cascading_null:
            pairs = [(c, e.column) for c, e in zip(fk.columns, fk.elements)]
            if any(not local.nullable and remote.nullable for local, remote in pairs):
                fail(f"ON UPDATE CASCADE from nullable referenced column(s) into NOT NULL ones, which {self.name} "
                     "rejects; make both sides NOT NULL, or both nullable, or choose another action")


def _names(columns: Iterable[Column]) -> str:
    return ", ".join(c.name for c in columns)


class MariaDBAdapter(MySQLAdapter):
    """MariaDB has no functional key parts (MySQL 8.0.13 has), so expression indexes are left out.
    https://mariadb.com/kb/en/create-index/ (an index on a virtual column is MariaDB's way)"""

    name = "mariadb"
    # MariaDB 10.11 rejects a generated name of 64 bytes ("Identifier name ... is too long"; InnoDB's
    # innobase_check_identifier_length): 63 ASCII characters, fewer when they are not ASCII.
    max_generated_name = MAX_IDENTIFIER - 1
    generated_name_in_bytes = True
    # Observed on 10.11: errno 150 "Foreign key constraint is incorrectly formed"; MySQL 8 accepts it.
    rejects_cascading_null = True
    supports_expression_indexes = False
    expression_index_advice = "MariaDB indexes columns only; index a generated column instead"

    def create_dialect(self) -> Dialect:
        return MariaDBDialect(paramstyle=TEXT_PARAMSTYLE)
