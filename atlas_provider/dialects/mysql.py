"""MySQL and MariaDB. MariaDB is MySQL with a few differences, so its adapter subclasses MySQL's.

Comments, enums and CHECK constraints compile inline; there is nothing to emit before the tables.
"""

from __future__ import annotations

import re

from collections.abc import Iterable
from typing import Any, ClassVar

import sqlalchemy as sa
from sqlalchemy import Column, Computed, ForeignKeyConstraint, Index, Table, UniqueConstraint
from sqlalchemy.sql.compiler import IdentifierPreparer
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
# The most bytes one character takes, per character set (SHOW CHARACTER SET, Maxlen; MySQL 8.4 and MariaDB 10.11
# agree): https://dev.mysql.com/doc/refman/8.4/en/charset-charsets.html, https://mariadb.com/kb/en/supported-character-sets-and-collations/
# A set not listed counts 4 bytes, the most any takes, so a key is refused only when it is surely too long.
CHARSET_BYTES = {
    "utf8mb4": 4, "utf8mb3": 3, "utf8": 3, "ucs2": 2, "utf16": 4, "utf16le": 4, "utf32": 4, "gb18030": 4,
    "big5": 2, "cp932": 2, "euckr": 2, "gb2312": 2, "gbk": 2, "sjis": 2, "eucjpms": 3, "ujis": 3,
    **{name: 1 for name in ("latin1", "latin2", "latin5", "latin7", "ascii", "binary", "cp850", "cp852", "cp866",
                            "cp1250", "cp1251", "cp1256", "cp1257", "dec8", "hp8", "koi8r", "koi8u", "swe7",
                            "greek", "hebrew", "tis620", "keybcs2", "macce", "macroman", "armscii8", "geostd8")},
}
# What the server assumes for a table that names no character set: utf8mb4 on MySQL 8 and on MariaDB as Atlas's dev
# images start it (character_set_server, observed utf8mb4 on MariaDB 10.11 here).
DEFAULT_CHARSET = "utf8mb4"
# InnoDB's most key parts per index: "Too many key parts specified; max 32 parts allowed" (observed on MariaDB
# 10.11). https://dev.mysql.com/doc/refman/8.4/en/innodb-limits.html
MAX_KEY_PARTS = 32
# Comment lengths in characters (observed on MariaDB 10.11: errors 1628, 1629, 1688 in strict mode):
# https://dev.mysql.com/doc/refman/8.4/en/create-table.html (COMMENT)
MAX_COMMENTS = {"table": 2048, "column": 1024, "index": 1024}
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


class AtlasReadableNames(IdentifierPreparer):
    """Mixed into the dialect's own preparer (MariaDB's has its own reserved words on SQLAlchemy 2.0): refuses a name whose backquoted form Atlas's statement scanner reads differently from the server.

    Inside backquotes MySQL and MariaDB take a backslash as itself; Atlas's scanner for these drivers takes it
    as an escape of the next character, so in `dir\\` the closing backquote is escaped, the quote stays open
    and Atlas fails ("unclosed quote") on output the server would load. No spelling reads the same to both
    (the server has no escapes in identifiers but the doubled backquote), so such a name is refused, naming it.
    https://dev.mysql.com/doc/refman/8.0/en/identifiers.html
    """

    def quote_identifier(self, value: str) -> str:
        quoted = str(super().quote_identifier(value))
        if not _scanner_reads_whole(quoted):
            raise ValueError(f"the name {value!r} cannot be written so that Atlas reads it as the server does: "
                             "Atlas takes a backslash before a backquote as an escape, the server does not; "
                             "rename it")
        return quoted


def _scanner_reads_whole(quoted: str) -> bool:
    """Whether Atlas's scanner (backslash escapes on) reads the backquoted `quoted` as one token, as the server
    does: a doubled backquote closes one quote and opens the next, so only the token's end may close it."""
    position = 0
    while position < len(quoted):
        if quoted[position] != "`":
            return False  # the scanner closed the quote before the server would
        position += 1
        while position < len(quoted) and quoted[position] != "`":
            position += 2 if quoted[position] == "\\" else 1
        if position >= len(quoted):
            return False  # still open at the end of the name
        position += 1
    return True


class ProviderMySQLIdentifierPreparer(AtlasReadableNames, CurrentMySQLDialect.preparer):  # type: ignore[misc,name-defined]
    pass


class ProviderMySQLDDLCompiler(CurrentMySQLDialect.ddl_compiler):  # type: ignore[misc,name-defined]
    def process(self, obj: Any, **kw: Any) -> str:
        # A generated column as the model declares it, whatever a library registered with
        # @compiles(Computed, "mysql"): GeoAlchemy2 (imported by any model with a spatial column) prints
        # `AS (...)` without STORED and deletes every "st_" from the expression (`first_name` -> `firname`).
        if isinstance(obj, Computed):
            return str(self.visit_computed_column(obj, **kw))
        return str(super().process(obj, **kw))


class ProviderMySQLDialect(CurrentMySQLDialect):
    preparer = ProviderMySQLIdentifierPreparer
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
    # A longer table or column name is error 1059/1103 (observed on MariaDB 10.11); names are stored in utf8mb3,
    # so a character outside the BMP is error 1300 "Invalid utf8mb4 character string" (observed on MariaDB 10.11).
    # https://dev.mysql.com/doc/refman/8.4/en/identifiers.html
    identifier_bmp_only = True
    max_comment_length = MAX_COMMENTS
    max_key_parts = MAX_KEY_PARTS
    # Column and index names are case-insensitive on every platform ("Duplicate column name", "Duplicate key
    # name", observed on MariaDB 10.11); table names follow the file system, case-sensitive on Linux, which Atlas's
    # dev containers run. https://dev.mysql.com/doc/refman/8.4/en/identifier-case-sensitivity.html
    case_insensitive_names = frozenset({"column", "index"})
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
        """Keys longer than InnoDB's 3072 bytes ("Specified key was too long"), each
        with its size counted from the columns' own character sets."""
        refusals: list[tuple[SchemaItem, Refusal]] = []
        for key in keys:
            size, detail = self.key_size(table, key)
            if size <= MAX_KEY_BYTES:
                continue
            refusal = self._long_key(key, size, detail)
            if refusal is not None:
                refusals.append((key, refusal))
        return refusals

    def _long_key(self, key: Index | UniqueConstraint, size: int, detail: str) -> Refusal | None:
        """MySQL refuses every key over the limit in strict mode (a non-unique one is shortened only outside it).
        https://dev.mysql.com/doc/refman/8.4/en/create-index.html#create-index-column-prefixes"""
        return Refusal(f"its key takes up to {size} bytes ({detail}), and InnoDB allows {MAX_KEY_BYTES}",
                       "index a prefix of the long columns (mysql_length={'column': n}), give them a smaller "
                       "character set (collation=...) or shorten them")

    def referred_key_problem(self, table: Table, key: Index | UniqueConstraint) -> str | None:
        """InnoDB serves a foreign key only from an index over whole columns within its key limit: a prefix
        (mysql_length) or MariaDB's hash for a long UNIQUE is errno 150 (observed on MariaDB 10.11).
        https://dev.mysql.com/doc/refman/8.4/en/create-table-foreign-keys.html ("Index prefixes on foreign key
        columns are not supported")"""
        if isinstance(key, Index) and any(self._prefix(key, column) is not None for column in key.columns):
            return f"its index {key.name!r} indexes a prefix (mysql_length), which {self.name} cannot use for a " \
                   "foreign key (errno 150)"
        size, _ = self.key_size(table, key)
        if size > MAX_KEY_BYTES:
            return f"its key takes up to {size} bytes, more than InnoDB's {MAX_KEY_BYTES}, which {self.name} cannot " \
                   "use for a foreign key"
        return None

    def option(self, item: DialectKWArgs, name: str) -> object:
        """A MySQL option as this target reads it (MariaDB: a mariadb_ option first)."""
        for prefix in self.option_prefixes:
            value = item.dialect_kwargs.get(f"{prefix}_{name}")
            if value is not None:
                return value
        return None

    def key_size(self, table: Table, key: Index | UniqueConstraint | ForeignKeyConstraint) -> tuple[int, str]:
        """The most bytes `key` takes, and which character sets its string columns were counted in."""
        size, described = 0, []
        for column in key.columns:
            part, charset = self._part_bytes(table, key, column)
            size += part
            if charset:
                described.append(f"{column.name} in {charset}")
        return size, ", ".join(described) or "fixed-size columns"

    def _prefix(self, key: object, column: Column) -> int | None:
        length = self.option(key, "length") if isinstance(key, Index) else None  # type: ignore[arg-type]
        prefix = length.get(column.name) if isinstance(length, dict) else length
        return prefix if isinstance(prefix, int) else None

    def _part_bytes(self, table: Table, key: object, column: Column) -> tuple[int, str]:
        """A key part's most bytes: strings by the character set they are stored in, binary strings by their
        length, a mysql_length prefix instead of the whole column; fixed-size types their storage size."""
        type_ = column.type.dialect_impl(self.dialect)
        while isinstance(type_, sa.TypeDecorator):
            type_ = type_.impl_instance.dialect_impl(self.dialect)
        prefix = self._prefix(key, column)
        length = getattr(type_, "length", None)
        if isinstance(type_, sa.types._Binary) and isinstance(length, int):
            return (min(length, prefix) if prefix is not None else length), ""
        if isinstance(type_, sa.String) and not isinstance(type_, sa.Enum) and isinstance(length, int):
            charset, assumed = self._charset(table, type_)
            characters = min(length, prefix) if prefix is not None else length
            named = f"{charset}, the database's default, as neither the column nor the table names one" \
                if assumed else charset
            return CHARSET_BYTES.get(charset, 4) * characters, named
        return next((size for kind, size in FIXED_BYTES if isinstance(type_, kind)), 0), ""

    def _charset(self, table: Table, type_: sa.String) -> tuple[str, bool]:
        """The character set a string column is stored in: its own (charset, collation, NATIONAL, ASCII,
        UNICODE), else the table's, else the database default; and whether that default was assumed.
        A collation names its character set before the first underscore (latin1_general_cs)."""
        own = getattr(type_, "charset", None) or _collation_charset(type_.collation)
        if own is None and getattr(type_, "national", False):
            own = "utf8mb3"  # https://dev.mysql.com/doc/refman/8.4/en/charset-national.html
        elif own is None and getattr(type_, "ascii", False):
            own = "latin1"  # ASCII is shorthand for CHARACTER SET latin1
        elif own is None and getattr(type_, "unicode", False):
            own = "ucs2"  # UNICODE is shorthand for CHARACTER SET ucs2
        if own is None:
            own = self.option(table, "charset") or self.option(table, "default_charset") \
                or self.option(table, "character_set") or _collation_charset(self.option(table, "collate"))
        if own is None:
            return DEFAULT_CHARSET, True
        charset = str(own).lower()
        return ("utf8mb3" if charset == "utf8" else charset), False

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
        size, detail = self.key_size(table, fk)
        if size > MAX_KEY_BYTES:
            # InnoDB indexes the referring columns itself when no index starts with them ("Specified key was too
            # long", observed on MariaDB 10.11), and the referred key is as long.
            return Refusal(f"InnoDB would index its columns in a key of up to {size} bytes ({detail}), more than "
                           f"{MAX_KEY_BYTES}", "give the columns a smaller character set or shorten them")
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


def _collation_charset(collation: object) -> str | None:
    return str(collation).split("_", 1)[0].lower() if collation else None


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

    def _long_key(self, key: Index | UniqueConstraint, size: int, detail: str) -> Refusal | None:
        """Observed on MariaDB 10.11 in its default strict mode: a UNIQUE key over the limit is built as a hash
        (10.4+, https://mariadb.com/kb/en/innodb-limitations/), a non-unique index of one column is shortened to a
        prefix (note 1071), a non-unique index of several columns is error 1071."""
        if isinstance(key, UniqueConstraint) or key.unique:
            return None
        if len(key.expressions) == 1:
            return Refusal(f"its key takes up to {size} bytes ({detail}), more than InnoDB's {MAX_KEY_BYTES}, so "
                           f"{self.name} indexes only a prefix of it", "", accepted=True)
        return super()._long_key(key, size, detail)

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


class ProviderMariaDBIdentifierPreparer(AtlasReadableNames, CurrentMariaDBDialect.preparer):  # type: ignore[misc,name-defined]
    pass


class MariaDBThroughMySQLDialect(CurrentMariaDBDialect):
    """MariaDB as an application reaches it with a ``mysql+pymysql://`` URL, the usual way: a dialect named
    "mysql" with ``is_mariadb`` set. SQLAlchemy's MariaDB-only mode (``mariadb://``, name "mariadb") reads
    ``mariadb_*`` options instead of the ``mysql_*`` ones models write (``mysql_length``, ``mysql_engine``), and
    third-party types that test ``dialect.name == "mysql"`` (SQLModel's AutoString gives VARCHAR(255) there)
    take the wrong branch. MariaDB's own compilation (reserved words, native UUID) follows ``is_mariadb``.
    https://docs.sqlalchemy.org/en/20/dialects/mysql.html#mariadb-only-mode"""

    name = "mysql"
    preparer = ProviderMariaDBIdentifierPreparer
    ddl_compiler = ProviderMySQLDDLCompiler
