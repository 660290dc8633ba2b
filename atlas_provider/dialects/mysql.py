"""MySQL and MariaDB. MariaDB is MySQL with a few differences, so its adapter subclasses MySQL's.

Comments, enums and CHECK constraints compile inline; there is nothing to emit before the tables.
"""

from __future__ import annotations

import re

from collections.abc import Iterable
from typing import Any, ClassVar

import sqlalchemy as sa
from sqlalchemy import Column, ForeignKeyConstraint, Index, Table, UniqueConstraint
from sqlalchemy.dialects.mysql.base import MySQLDDLCompiler
from sqlalchemy.engine.interfaces import Dialect
from sqlalchemy.sql.base import DialectKWArgs
from sqlalchemy.sql.schema import SchemaItem

from ..compat import CurrentMariaDBDialect, CurrentMySQLDialect
from ..losses import LossReport
from ..ordering import declaration_order
from .base import TEXT_PARAMSTYLE, Adapter, ReferredKey, Refusal


# https://dev.mysql.com/doc/refman/8.0/en/identifier-length.html (MariaDB: the same)
MAX_IDENTIFIER = 64
# InnoDB's longest index key (DYNAMIC rows, the default since MySQL 5.7 and MariaDB 10.2), counted at the most
# bytes a value can take: https://dev.mysql.com/doc/refman/8.0/en/innodb-limits.html,
# https://mariadb.com/kb/en/innodb-limitations/
MAX_KEY_BYTES = 3072
# Bytes per character of the table's character set; utf8mb4 is the default (MySQL 8, MariaDB 10.6+ on most
# distributions) and the most a character takes.
CHARSET_BYTES = {"utf8mb4": 4, "utf8mb3": 3, "utf8": 3, "latin1": 1, "ascii": 1, "binary": 1}
# Storage sizes of fixed-size types: https://dev.mysql.com/doc/refman/8.0/en/storage-requirements.html
# (DATETIME and TIME without fractional seconds; a type not here is not counted, so a key is refused only
# when it is surely too long). Subclasses before their bases: the first match counts.
FIXED_BYTES: tuple[tuple[type[Any], int], ...] = (
    (sa.Enum, 2), (sa.Boolean, 1), (sa.SmallInteger, 2), (sa.BigInteger, 8), (sa.Integer, 4), (sa.Float, 8),
    (sa.Date, 3), (sa.DateTime, 5), (sa.Time, 3), (sa.Uuid, 16),
)


# MySQL and MariaDB store the 2D OpenGIS types only (GEOMETRY, POINT ... GEOMETRYCOLLECTION), not PostGIS's Z/M
# variants or curves: https://dev.mysql.com/doc/refman/8.0/en/spatial-type-overview.html; rejected by MariaDB 10.11.
POSTGIS_ONLY_GEOMETRY = (r"^(?:(?:(?:MULTI)?(?:POINT|LINESTRING|POLYGON)|GEOMETRY(?:COLLECTION)?)(?:Z|M|ZM)"
                         r"|(?:CIRCULARSTRING|COMPOUNDCURVE|CURVEPOLYGON|MULTICURVE|MULTISURFACE|POLYHEDRALSURFACE"
                         r"|TRIANGLE|TIN)(?:Z|M|ZM)?)\b")


class ProviderMySQLDDLCompiler(MySQLDDLCompiler):
    def process(self, obj: Any, **kw: Any) -> str:
        # A generated column as SQLAlchemy's MySQL compiler writes it, whatever a package registered with
        # @compiles(Computed, "mysql"): GeoAlchemy2 does on import (any PostGIS model), and drops STORED and
        # cuts every "st_" out of the expression (first_name -> firname).
        if isinstance(obj, sa.Computed):
            return self.visit_computed_column(obj, **kw)
        return str(super().process(obj, **kw))


class ProviderMySQLDialect(CurrentMySQLDialect):
    ddl_compiler = ProviderMySQLDDLCompiler


class MySQLAdapter(Adapter):
    name = "mysql"
    # MySQL 8.4 refuses a foreign key to columns that are not exactly a unique key (error 6125, the server
    # variable restrict_fk_on_non_standard_key is on by default; 8.0 only warned), and InnoDB wants the
    # referred columns in the key's order. Atlas's docker://mysql/8 dev database is MySQL 8.4.
    # https://dev.mysql.com/doc/refman/8.4/en/create-table-foreign-keys.html
    referred_key = ReferredKey.UNIQUE
    referred_key_in_order = True
    # https://dev.mysql.com/doc/refman/8.4/en/create-index.html: an index name is unique within its table
    index_names_per_schema = False
    # An index or constraint the model names (MariaDB: the same 64 characters).
    max_name_length = MAX_IDENTIFIER
    # The longest name MySQL gives a foreign key itself.
    max_generated_name: ClassVar[int] = MAX_IDENTIFIER
    generated_name_in_bytes: ClassVar[bool] = False
    # ON UPDATE CASCADE from a nullable referenced column into a NOT NULL one is refused (MariaDB).
    rejects_cascading_null: ClassVar[bool] = False
    # Whose options the model's objects are read with, first first.
    option_prefixes: ClassVar[tuple[str, ...]] = ("mysql",)
    # pgvector's half and sparse vectors exist only in PostgreSQL (MySQL 9 and MariaDB 11.7 have VECTOR only), and
    # so do PostGIS's Z/M and curved geometry types (GeoAlchemy2 writes `POINTZ`, `CIRCULARSTRING`).
    rejected_type_text = re.compile(rf"^(HALFVEC|SPARSEVEC)\(|{POSTGIS_ONLY_GEOMETRY}")
    case_insensitive_collation = "utf8mb4_unicode_ci"  # on MySQL 8 and MariaDB alike

    def create_dialect(self) -> Dialect:
        return ProviderMySQLDialect(paramstyle=TEXT_PARAMSTYLE)

    def foreign_key_refusals(
        self, table: Table, foreign_keys: list[tuple[ForeignKeyConstraint, list[Column]]]
    ) -> list[tuple[ForeignKeyConstraint, Refusal]]:
        """Foreign keys MySQL rejects with no more than errno 150 ("incorrectly formed") or a name that is
        too long, each with what to change."""
        # the order the server numbers them in
        position = {id(fk): n for n, fk in enumerate(declaration_order([fk for fk, _ in foreign_keys]))}
        ordered = sorted(foreign_keys, key=lambda pair: position[id(pair[0])])
        refusals = self._generated_name_refusals(table, [fk for fk, _ in ordered if fk.name is None])
        for fk, referred in ordered:
            refusal = self._refusal(table, fk, referred)
            if refusal is not None:
                refusals.append((fk, refusal))
        return refusals

    def key_refusals(
        self, table: Table, keys: list[Index | UniqueConstraint]
    ) -> list[tuple[SchemaItem, Refusal]]:
        """Keys longer than InnoDB's 3072 bytes ("Specified key was too long"), each with its size."""
        per_char = self._charset_bytes(table)
        refusals: list[tuple[SchemaItem, Refusal]] = []
        for key in keys:
            size = sum(self._part_bytes(key, column, per_char) for column in key.columns)
            if size > MAX_KEY_BYTES:
                refusals.append((key, Refusal(
                    f"its key takes up to {size} bytes, and InnoDB allows {MAX_KEY_BYTES} (a character takes "
                    f"{per_char} bytes)",
                    "index a prefix of the long columns (mysql_length={'column': n}) or shorten them")))
        return refusals

    def option(self, item: DialectKWArgs, name: str) -> object:
        """A MySQL option as this target reads it (MariaDB: a mariadb_ option first)."""
        for prefix in self.option_prefixes:
            value = item.dialect_kwargs.get(f"{prefix}_{name}")
            if value is not None:
                return value
        return None

    def _charset_bytes(self, table: Table) -> int:
        charset = self.option(table, "charset") or self.option(table, "default_charset") or "utf8mb4"
        return CHARSET_BYTES.get(str(charset).lower(), 4)

    def _part_bytes(self, key: Index | UniqueConstraint, column: Column, per_char: int) -> int:
        length = self.option(key, "length") if isinstance(key, Index) else None
        prefix = length.get(column.name) if isinstance(length, dict) else length
        type_ = column.type
        while isinstance(type_, sa.TypeDecorator):
            type_ = type_.impl_instance
        if isinstance(type_, sa.String) and type_.length is not None and not isinstance(type_, sa.Enum):
            characters = min(type_.length, prefix) if isinstance(prefix, int) else type_.length
            return per_char * characters
        return next((size for kind, size in FIXED_BYTES if isinstance(type_, kind)), 0)

    def _generated_name_refusals(
        self, table: Table, unnamed: list[ForeignKeyConstraint]
    ) -> list[tuple[ForeignKeyConstraint, Refusal]]:
        # MySQL names an unnamed foreign key <table>_ibfk_<n>, and fails when that is too long.
        # https://dev.mysql.com/doc/refman/8.0/en/create-table-foreign-keys.html#foreign-key-naming
        unit = "bytes" if self.generated_name_in_bytes else "characters"
        refusals = []
        for number, fk in enumerate(unnamed, 1):
            auto = f"{table.name}_ibfk_{number}"
            if (len(auto.encode()) if self.generated_name_in_bytes else len(auto)) > self.max_generated_name:
                refusals.append((fk, Refusal(
                    f"it has no name, and {self.name} would call it {auto!r}, longer than the "
                    f"{self.max_generated_name} {unit} it allows",
                    "name it (ForeignKey(..., name=...)) or give the MetaData a naming convention",
                )))
        return refusals

    def _refusal(self, table: Table, fk: ForeignKeyConstraint, referred: list[Column]) -> Refusal | None:
        parent = referred[0].table
        # A table named without its database is looked up in the referring table's database, not the default
        # one, whose name the provider does not know.
        # https://dev.mysql.com/doc/refman/8.0/en/create-table-foreign-keys.html
        if table.schema and parent.schema is None:
            return Refusal(f"{self.name} looks {parent.name!r} up in database {table.schema!r}, the referring "
                           "table's, not in the default one", f"give {parent.name!r} an explicit schema")
        not_null = [c for c in fk.columns if not c.nullable]
        for event, action in (("DELETE", fk.ondelete), ("UPDATE", fk.onupdate)):
            if (action or "").upper() == "SET NULL" and not_null:
                return Refusal(f"ON {event} SET NULL on NOT NULL column(s) {_names(not_null)}, which {self.name} "
                               "rejects", "make them nullable or choose another action")
        if (fk.onupdate or "").upper() == "CASCADE" and self.rejects_cascading_null:
            if any(not local.nullable and remote.nullable for local, remote in zip(fk.columns, referred)):
                return Refusal(f"ON UPDATE CASCADE from nullable referenced column(s) into NOT NULL ones, which "
                               f"{self.name} rejects", "make both sides NOT NULL, or both nullable, or choose "
                               "another action")
        return None


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
    # Observed on 10.11: VECTOR(n) is syntax (MariaDB 11.7 added it), and so is GeoAlchemy2's MySQL spelling of an
    # SRID (`POINT NOT NULL SRID 4326`; MariaDB writes REF_SYSTEM_ID).
    rejected_type_text = re.compile(rf"^(HALFVEC|SPARSEVEC|VECTOR)\(|\bSRID \d|{POSTGIS_ONLY_GEOMETRY}")
    # Observed on 10.11: a foreign key may refer to the leading columns of any index, unique or not, in the
    # index's order; other columns are errno 150. https://mariadb.com/kb/en/foreign-keys/
    referred_key = ReferredKey.INDEXED
    non_unique_reference_note = ("mariadb accepts it because an index starts with these columns; PostgreSQL, "
                                 "SQL Server and MySQL 8.4 reject it")
    supports_expression_indexes = False
    expression_index_advice = "MariaDB indexes columns only; index a generated column instead"

    option_prefixes = ("mariadb", "mysql")
    def create_dialect(self) -> Dialect:
        return MariaDBThroughMySQLDialect(paramstyle=TEXT_PARAMSTYLE)

    def needs_copies(self, tables: list[Table]) -> bool:
        """Only a model with mariadb_* options is copied (see adapt_table): copying every table of the
        2,000-table bench model took about 40% longer."""
        return any(_mariadb_options(item) for table in tables for item in _option_holders(table))

    def adapt_table(self, table: Table, report: LossReport) -> None:
        """A `mariadb_<option>` wins over `mysql_<option>`: SQLAlchemy reads it for mariadb:// URLs, where
        the model's author wrote it for MariaDB alone."""
        for item in _option_holders(table):
            for key, value in _mariadb_options(item):
                item.dialect_kwargs["mysql_" + key[len(_MARIADB_PREFIX):]] = value


_MARIADB_PREFIX = "mariadb_"


def _option_holders(table: Table) -> list[DialectKWArgs]:
    return [table, *table.columns, *table.indexes, *table.constraints]


def _mariadb_options(item: DialectKWArgs) -> list[tuple[str, object]]:
    return [(key, value) for key, value in item.dialect_kwargs.items() if key.startswith(_MARIADB_PREFIX)]


class MariaDBThroughMySQLDialect(CurrentMariaDBDialect):
    """MariaDB as an application reaches it with a ``mysql+pymysql://`` URL, the usual way: a dialect named
    "mysql" with ``is_mariadb`` set. SQLAlchemy's MariaDB-only mode (``mariadb://``, name "mariadb") reads
    ``mariadb_*`` options instead of the ``mysql_*`` ones models write (``mysql_length``, ``mysql_engine``), and
    third-party types that test ``dialect.name == "mysql"`` (SQLModel's AutoString gives VARCHAR(255) there)
    take the wrong branch. MariaDB's own compilation (reserved words, native UUID) follows ``is_mariadb``.
    https://docs.sqlalchemy.org/en/20/dialects/mysql.html#mariadb-only-mode"""

    name = "mysql"
    ddl_compiler = ProviderMySQLDDLCompiler
