"""What every dialect adapter offers, with the defaults that suit SQLAlchemy's built-in dialects.

An adapter holds the facts about one database (capabilities first) and a few hooks the pipeline
calls in order: adapt a copied table, audit what the target cannot express, then produce the DDL
elements for schemas, types, sequences, comments and indexes. It never edits SQL text: it picks
SQLAlchemy constructs, or compiler hooks in its own dialect subclass.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import Enum
import re
from functools import cached_property
from typing import Any, ClassVar

from sqlalchemy import Column, ForeignKeyConstraint, Index, Table, UniqueConstraint
from sqlalchemy.engine.interfaces import Dialect
from sqlalchemy.schema import (
    CreateIndex,
    CreateSchema,
    CreateSequence,
    ExecutableDDLElement,
    Sequence,
    SetColumnComment,
    SetTableComment,
)
from sqlalchemy.sql import operators
from sqlalchemy.sql.compiler import IdentifierPreparer
from sqlalchemy.sql.elements import TextClause, UnaryExpression
from sqlalchemy.sql.schema import SchemaItem

from ..errors import UsageError
from ..losses import LossReport
from ..selection import APP, Target
from .foreign_types import refuse_foreign_types


@dataclass(frozen=True)
class TargetOptions:
    """Target-wide choices from the command line or pyproject.toml.

    `create_schemas`: emit CREATE SCHEMA for every schema the tables use (None: when there are any).
    `settings`: dialect-specific defaults (for ClickHouse: engine, cluster, ...), read by that adapter.
    """

    create_schemas: bool | None = None
    settings: Mapping[str, Any] = field(default_factory=dict)


# Dialects are created with a paramstyle that does not use "%": with the drivers' "format" and
# "pyformat" styles SQLAlchemy doubles every % in compiled DDL (for the driver to undo), and text
# meant for Atlas would say LIKE 'a%%'.
TEXT_PARAMSTYLE = "named"


class QuotesDollarNames(IdentifierPreparer):
    """Quotes every name with `$`. PostgreSQL and SQLite allow `$` in an unquoted name (`price$$history`), and
    SQLAlchemy leaves it unquoted; Atlas's statement scanner for these drivers reads `$$` or `$tag$` anywhere
    outside quotes as the start of a dollar-quoted body ("unexpected ')'"). Quoted, it is the same name."""

    def _requires_quotes(self, value: str) -> bool:
        return "$" in value or bool(super()._requires_quotes(value))


class ReferredKey(Enum):
    """What the columns a foreign key refers to must be for the database to create it."""

    UNIQUE = "the primary key or a unique constraint or index on exactly these columns"
    INDEXED = "the leading columns of an index"
    ANYTHING = "anything: nothing is checked until rows are written"


@dataclass(frozen=True)
class Refusal:
    """Why this target's database rejects a model object, and what the model's owner can change."""

    problem: str
    advice: str
    accepted: bool = False  # the database takes it nevertheless (and changes it): emitted, with a warning


def index_key(index: Index) -> tuple[str, str]:
    """Indexes are emitted by name; unnamed ones (rare) by their expressions."""
    return (str(index.name or ""), ",".join(str(e) for e in index.expressions))


def is_expression_index(index: Index) -> bool:
    """Whether a key part is more than a column in ascending or descending order (a functional key part)."""
    return not all(_is_ordered_column(expression, index.table) for expression in index.expressions)


# text("version_major DESC"): a column and an order, as a model writes it where SQLAlchemy's .desc() would do
_ORDERED_COLUMN = re.compile(r"^\s*(\w+)(?:\s+(?:ASC|DESC))?\s*$", re.IGNORECASE)


def _is_ordered_column(expression: Any, table: Table | None) -> bool:
    if isinstance(expression, UnaryExpression) and expression.modifier in (operators.asc_op, operators.desc_op):
        expression = expression.element
    if isinstance(expression, TextClause):
        match = _ORDERED_COLUMN.match(expression.text)
        return bool(match and table is not None and match.group(1) in table.c)
    return isinstance(expression, Column)


class Adapter:
    """Base adapter: SQLAlchemy compiles everything, the adapter chooses what to emit."""

    name: ClassVar[str] = ""
    role: ClassVar[str] = APP
    # The database has no schemas (SQLite): tables are created unqualified.
    flatten_schemas: ClassVar[bool] = False
    # Foreign keys can be created; False drops them with a loss line (ClickHouse).
    supports_foreign_keys: ClassVar[bool] = True
    # Every table is adapted on a private copy (the adapter changes columns or options).
    always_copy: ClassVar[bool] = False
    # Indexes on expressions (lower(email)); where False they are left out with a loss line.
    supports_expression_indexes: ClassVar[bool] = True
    expression_index_advice: ClassVar[str] = ""

    # ---- how Atlas replays the output (issue 10) ----
    # The schema a connection starts in, which always exists: tables the model puts there explicitly
    # (schema="public") are created qualified but the schema is not created (PostgreSQL would refuse
    # "CREATE SCHEMA public": it exists). None: the default has no fixed name (MySQL's current database).
    default_schema: ClassVar[str | None] = None
    # ---- model defects: what this database rejects (validation.py reads these) ----
    # What the referred columns of a foreign key must be (a non-unique reference is a defect elsewhere).
    referred_key: ClassVar[ReferredKey] = ReferredKey.UNIQUE
    # The referred columns must come in the order of the key or index (InnoDB), not merely be its columns.
    referred_key_in_order: ClassVar[bool] = False
    # What happens to a foreign key this database accepts although its referred columns are not unique.
    non_unique_reference_note: ClassVar[str] = ""
    # Index names are unique per schema (PostgreSQL, SQLite), not per table (MySQL, SQL Server).
    index_names_per_schema: ClassVar[bool] = True
    # The longest index or constraint name the database keeps as written, and whether it counts bytes
    # (None: no limit that a model meets). A name SQLAlchemy derives from a naming convention is cut to fit by
    # SQLAlchemy itself; one the model spells out is a defect when longer.
    max_name_length: ClassVar[int | None] = None
    name_length_in_bytes: ClassVar[bool] = False
    # A table is also a type of its name, so a named type may not share it (PostgreSQL).
    tables_are_types: ClassVar[bool] = False
    # ---- limits the database enforces (limits.py reads these; each adapter cites its source) ----
    # What the database does with a longer table, column or index name, said after "allows N".
    name_overflow: ClassVar[str] = ""
    # Enum types are named objects of their own, whose names obey max_name_length (PostgreSQL).
    named_enum_types: ClassVar[bool] = False
    # Names may hold only characters of Unicode's Basic Multilingual Plane (MySQL stores names in utf8mb3).
    identifier_bmp_only: ClassVar[bool] = False
    # The longest label of a native enum, in bytes (None: no limit a model meets).
    max_enum_label_bytes: ClassVar[int | None] = None
    # A NUL character cannot travel in a statement (a default, a check, a comment).
    rejects_nul: ClassVar[bool] = False
    # The longest comment, in characters, per "table" and "column".
    max_comment_length: ClassVar[Mapping[str, int]] = {}
    # The most columns in one key: a primary key, a unique constraint, an index (None: no limit a model meets).
    max_key_parts: ClassVar[int | None] = None
    # Which names the database compares without regard to case: "table", "column", "index".
    case_insensitive_names: ClassVar[frozenset[str]] = frozenset()
    # Partial indexes (`<dialect>_where=`). Where True, an index whose condition is given only for other
    # dialects is made full here and reported; where False every partial index is made full.
    supports_partial_indexes: ClassVar[bool] = False

    def __init__(self, options: TargetOptions | None = None) -> None:
        self.options = options or TargetOptions()

    @property
    def target(self) -> Target:
        return Target(self.name, self.role)

    @cached_property
    def dialect(self) -> Dialect:
        return self.create_dialect()

    def create_dialect(self) -> Dialect:
        raise NotImplementedError

    @cached_property
    def ddl_compiler(self) -> Any:
        """One DDL compiler for the whole run (see rendering.compile_sql)."""
        return self.dialect.ddl_compiler(self.dialect, None)

    # ---- hooks, in pipeline order ----------------------------------------------------------

    def carry_over(self, original: Table, copy: Table) -> None:
        """Copy onto `copy` what `Table.to_metadata` leaves behind and this target reads (third-party table
        options such as clickhouse-sqlalchemy's engine). Called on copies only, before `adapt_table`."""

    def needs_copies(self, tables: list[Table]) -> bool:
        """Whether `adapt_table` has anything to change on these tables (default: `always_copy`)."""
        return self.always_copy

    def adapt_table(self, table: Table, report: LossReport) -> None:
        """Change a private copy of `table` for this target (only called on copies)."""

    def foreign_key_refusals(
        self, table: Table, foreign_keys: list[tuple[ForeignKeyConstraint, list[Column]]]
    ) -> list[tuple[ForeignKeyConstraint, Refusal]]:
        """Foreign keys of `table` (each with the columns it refers to) that this database rejects for a
        reason of its own; the rules every database shares are validation.py's. Default: none."""
        return []

    def key_refusals(
        self, table: Table, keys: list[Index | UniqueConstraint]
    ) -> list[tuple[SchemaItem, Refusal]]:
        """Indexes and unique constraints of `table` this database rejects for a reason of its own (the size
        of the key). Default: none."""
        return []

    # ---- column types the database cannot create (foreign_types.py) ----
    # Type text SQLAlchemy writes for another database's UserDefinedType that this one rejects (checked live).
    rejected_type_text: ClassVar[re.Pattern[str] | None] = None
    # The collation a case-insensitive text column (PostgreSQL's CITEXT) would get here.
    case_insensitive_collation: ClassVar[str] = ""

    def rejects_type_text(self, text: str) -> bool:
        return self.rejected_type_text is not None and self.rejected_type_text.search(text) is not None

    def referred_key_problem(self, table: Table, key: Index | UniqueConstraint) -> str | None:
        """Why this database cannot use a unique key or index of `table` as a foreign key's referred key
        although it covers the columns (MySQL: a prefix index). Default: it can."""
        return None

    def audit(self, tables: list[Table], report: LossReport) -> None:
        """Refuse a column type the database cannot create; record what this target cannot express (default:
        comments where the dialect has none)."""
        for table in tables:
            refuse_foreign_types(self, table)
        if getattr(self.dialect, "supports_comments", False):
            return
        for table in tables:
            if table.comment:
                report.add("comment", table.fullname, f"{self.name} has no comments")
            for column in table.columns:
                if column.comment:
                    report.add("comment", f"{table.fullname}.{column.name}", f"{self.name} has no comments")

    def schema_key(self, schema: str | None) -> str | None:
        """The schema an object lives in on this target, as one key: the default schema is None whether the
        model names it or not (`Table("users")` and `Table("users", schema="public")` are one table on
        PostgreSQL). Other schemas keep their names, also where they are flattened (SQLite): two schemas'
        tables of one name are two tables of the model, which such a target refuses (adapting.py)."""
        return None if schema == self.default_schema else schema

    def created_schemas(self, tables: Iterable[Table]) -> list[str]:
        """The schemas the output creates for `tables`, sorted: every one they name but the default."""
        if self.flatten_schemas:
            return []
        return sorted({t.schema for t in tables if t.schema and t.schema != self.default_schema})

    def schema_elements(self, schemas: Iterable[str]) -> list[ExecutableDDLElement]:
        return [CreateSchema(name) for name in schemas]

    def extension_elements(self, tables: list[Table]) -> list[ExecutableDDLElement]:
        """Extensions to create before anything uses them (PostgreSQL's CREATE EXTENSION), each with its `name`."""
        return []

    def named_types(self, table: Table) -> list[tuple[Column[Any], ExecutableDDLElement]]:
        """The named types `table`'s columns use, each with the statement that creates it (PostgreSQL enums
        and domains), column by column. Default: none."""
        return []

    def type_elements(self, tables: list[Table]) -> list[ExecutableDDLElement]:
        """Named types to create before the tables, each once, by (schema, name)."""
        found: dict[tuple[str, str], ExecutableDDLElement] = {}
        for table in tables:
            for _, element in self.named_types(table):
                kind = element.element  # type: ignore[attr-defined]
                found.setdefault((self.schema_key(kind.schema) or "", kind.name), element)
        return [found[key] for key in sorted(found)]

    def sequence_elements(self, tables: list[Table]) -> list[ExecutableDDLElement]:
        if not getattr(self.dialect, "supports_sequences", False):
            return []
        found: dict[str, Sequence] = {}
        for table in tables:
            for column in table.columns:
                default = column.default
                if isinstance(default, Sequence) and not default.optional:
                    found.setdefault(f"{self.schema_key(default.schema) or ''}.{default.name}", default)
            for seq in table.metadata._sequences.values():
                found.setdefault(f"{self.schema_key(seq.schema) or ''}.{seq.name}", seq)
        return [CreateSequence(found[key]) for key in sorted(found)]

    def comment_elements(self, table: Table) -> list[ExecutableDDLElement]:
        """Comments as separate statements where the dialect does not inline them."""
        dialect = self.dialect
        if not getattr(dialect, "supports_comments", False) or getattr(dialect, "inline_comments", False):
            return []
        elements: list[ExecutableDDLElement] = []
        if table.comment:
            elements.append(SetTableComment(table))
        elements.extend(SetColumnComment(column) for column in table.columns if column.comment)
        return elements

    def index_elements(self, table: Table, report: LossReport) -> list[ExecutableDDLElement]:
        elements: list[ExecutableDDLElement] = []
        for index in sorted(table.indexes, key=index_key):
            subject = f"{table.fullname}.{index.name}"
            if not self.supports_expression_indexes and is_expression_index(index):
                kind = "unique expression index" if index.unique else "expression index"
                report.add(kind, subject, self.expression_index_advice)
                continue
            if self._made_full(index):
                # A full unique index refuses rows the partial one allowed: production data may violate it.
                kind = "partial unique index" if index.unique else "partial index"
                how = (f"give it {self.dialect.name}_where= too" if self.supports_partial_indexes
                       else f"{self.name} has no partial indexes")
                report.add(kind, subject, f"the condition is dropped; {how}")
            elements.append(CreateIndex(index))
        return elements

    def _made_full(self, index: Index) -> bool:
        """The index has a WHERE condition for other dialects but none this dialect compiles."""
        own = f"{self.dialect.name}_where"
        conditions = [key for key, value in index.dialect_kwargs.items() if key.endswith("_where") and value is not None]
        return bool(conditions) and not (self.supports_partial_indexes and own in conditions)

    def column_type(self, column: Any) -> str:
        """The type this target gives a column, as DDL text (for the parity report)."""
        return str(column.type.compile(dialect=self.dialect))


class GenericAdapter(Adapter):
    """Any other dialect SQLAlchemy can load (third-party packages), with the base behaviour."""

    def __init__(self, options: TargetOptions | None, dialect: Dialect, name: str) -> None:
        super().__init__(options)
        self._dialect = dialect
        self.name = name  # type: ignore[misc]  # an instance name: the class serves every such dialect

    def create_dialect(self) -> Dialect:
        return self._dialect

    @classmethod
    def for_sqlalchemy_dialect(cls, name: str, options: TargetOptions, known: list[str]) -> GenericAdapter:
        from sqlalchemy.dialects import registry
        from sqlalchemy.exc import NoSuchModuleError

        try:
            dialect_class = registry.load(name)
        except NoSuchModuleError:
            raise UsageError(f"unknown dialect {name!r}: not built in, and no installed package provides it "
                             f"(known: {', '.join(known)})", where="--dialect") from None
        except ImportError as error:
            raise UsageError(f"dialect {name!r} needs a package that is not installed ({error})",
                             where="--dialect") from None
        return cls(options, dialect_class(paramstyle=TEXT_PARAMSTYLE), name)
