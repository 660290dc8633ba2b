"""Compare what a dev database holds with the model it should hold, reporting every difference at once.

The comparison is at the level Atlas's diff cares about (columns, nullability, type family, keys, indexes,
checks, comments) and forgives what a backend cannot store or reflect, as described by its ``Traits``:
a BOOLEAN that MariaDB keeps as TINYINT(1) matches, a foreign key stored without its ON DELETE does not.
Constraint and index names are not compared; naming is the provider's business, not the loader's.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from typing import Any

import sqlalchemy as sa
from sqlalchemy import exc, types
from sqlalchemy.engine import Dialect
from sqlalchemy.sql import sqltypes
from sqlalchemy.types import TypeEngine

from .backends import BACKENDS, Traits

__all__ = ["assert_schema_matches", "type_family"]

# First match wins, so subclasses come before their bases (Enum is a String, Float a Numeric, Text a String).
_FAMILIES: list[tuple[type[TypeEngine[Any]], str]] = [
    (types.Enum, "enum"),
    (types.Boolean, "boolean"),
    (types.Integer, "integer"),
    (types.Float, "float"),
    (types.Numeric, "numeric"),
    (types.DateTime, "datetime"),
    (types.Date, "date"),
    (types.Time, "time"),
    (sqltypes._AbstractInterval, "interval"),  # PostgreSQL's INTERVAL is not an Interval subclass
    (types.JSON, "json"),
    (types.Uuid, "uuid"),
    (sqltypes._Binary, "binary"),  # the common base of LargeBinary, BINARY and VARBINARY
    (types.Text, "text"),
    (types.String, "string"),
]
# MySQL's sized TEXT types are not Text subclasses in SQLAlchemy.
_NAMED_FAMILIES = {"TINYTEXT": "text", "MEDIUMTEXT": "text", "LONGTEXT": "text"}


def type_family(type_: TypeEngine[Any], dialect: Dialect | None = None) -> str:
    """The family of a column type: integer, string, text, boolean, datetime, json, uuid, enum, ...

    With ``dialect``, variants and TypeDecorators are resolved the way that dialect would render them.
    An Enum that is not native is a string. Types outside the table are named by their SQL name (``array``).
    """
    # Not dialect_impl(): it adapts to dialect classes that lose the generic kind (PostgreSQL's Text).
    if dialect is not None:
        type_ = getattr(type_, "_variant_mapping", {}).get(dialect.name, type_)
    while isinstance(type_, types.TypeDecorator):
        type_ = type_.load_dialect_impl(dialect) if dialect is not None else type_.impl_instance
    if isinstance(type_, types.Enum) and not type_.native_enum:
        return "string"
    if type_.__visit_name__ in _NAMED_FAMILIES:
        return _NAMED_FAMILIES[type_.__visit_name__]
    for cls, family in _FAMILIES:
        if isinstance(type_, cls):
            return family
    return type_.__visit_name__.lower()


def assert_schema_matches(
    expected: sa.MetaData | Iterable[sa.Table], reflected: sa.MetaData, backend_name: str
) -> None:
    """Fail with one message listing every way ``reflected`` differs from the ``expected`` tables.

    ``reflected`` should come from ``provider.reflect()``, whose ``info`` tells the default schema (tables
    there match expected tables without a schema) and the dialect (to resolve expected types).
    """
    check = _Comparison(BACKENDS[backend_name].traits, reflected)
    tables = expected.tables.values() if isinstance(expected, sa.MetaData) else expected
    want = {check.key(t): t for t in tables}
    got = {check.key(t): t for t in reflected.tables.values()}
    problems = [f"table {_label(k)} missing" for k in want if k not in got]
    problems += [f"unexpected table {_label(k)}" for k in got if k not in want]
    for key in (k for k in want if k in got):
        problems += [f"{_label(key)}: {p}" for p in check.table(want[key], got[key])]
    if problems:
        listing = "\n".join(f"  - {p}" for p in problems)
        raise AssertionError(
            f"{backend_name} dev database differs from the model ({len(problems)} differences):\n{listing}"
        )


def _label(key: tuple[str | None, str]) -> str:
    return ".".join(part for part in key if part)


def _cols(names: Iterable[str]) -> str:
    return "(" + ", ".join(names) + ")"


def _differences(want: Counter[str], got: Counter[str]) -> Iterator[str]:
    yield from (f"{item} missing" for item in sorted((want - got).elements()))
    yield from (f"unexpected {item}" for item in sorted((got - want).elements()))


def _is_expression(index: sa.Index) -> bool:
    return any(not isinstance(e, sa.Column) for e in index.expressions)


def _type_name(type_: TypeEngine[Any]) -> str:
    try:
        return str(type_)
    except exc.CompileError:  # dialect-specific types need their dialect to print
        return type(type_).__name__


class _Comparison:
    def __init__(self, traits: Traits, reflected: sa.MetaData) -> None:
        self.traits = traits
        self.default_schema: str | None = reflected.info.get("default_schema")
        self.dialect: Dialect | None = reflected.info.get("dialect")

    def schema(self, schema: str | None) -> str | None:
        return None if not self.traits.schemas or schema == self.default_schema else schema

    def key(self, table: sa.Table) -> tuple[str | None, str]:
        return self.schema(table.schema), table.name

    def table(self, want: sa.Table, got: sa.Table) -> Iterator[str]:
        yield from self.columns(want, got)
        want_pk = [c.name for c in want.primary_key.columns]
        got_pk = [c.name for c in got.primary_key.columns]
        if want_pk != got_pk:
            yield f"primary key {_cols(want_pk)} expected, got {_cols(got_pk)}"
        yield from _differences(self.foreign_keys(want), self.foreign_keys(got))
        want_unique, want_indexes = self.uniques_and_indexes(want)
        got_unique, got_indexes = self.uniques_and_indexes(got)
        if self.traits.fk_creates_index:
            # InnoDB indexes foreign key columns no index covers yet; that index is not in the model.
            for fk in got.foreign_key_constraints:
                key = "index " + _cols(c.name for c in fk.columns)
                if got_indexes[key] > want_indexes[key]:
                    got_indexes[key] -= 1
        yield from _differences(want_unique, got_unique)
        yield from _differences(want_indexes, got_indexes)
        if self.traits.check_constraints:
            yield from self.checks(want, got)
        if self.traits.comments and (want.comment or None) != (got.comment or None):
            yield f"table comment {want.comment!r} expected, got {got.comment!r}"

    def columns(self, want: sa.Table, got: sa.Table) -> Iterator[str]:
        got_columns = {c.name: c for c in got.columns}
        want_names = [c.name for c in want.columns]
        yield from (f"column {c.name} missing" for c in want.columns if c.name not in got_columns)
        yield from (f"unexpected column {name}" for name in got_columns if name not in want_names)
        for w in want.columns:
            if (g := got_columns.get(w.name)) is not None:
                yield from (f"column {w.name}: {p}" for p in self.column(w, g))

    def column(self, want: sa.Column[object], got: sa.Column[object]) -> Iterator[str]:
        if want.nullable != got.nullable:
            null = {True: "NULL", False: "NOT NULL"}
            yield f"{null[bool(want.nullable)]} expected, got {null[bool(got.nullable)]}"
        want_family, got_family = type_family(want.type, self.dialect), type_family(got.type)
        if got_family != want_family and got_family not in self.traits.same_type.get(want_family, ()):
            yield (
                f"type {_type_name(want.type)} ({want_family}) expected, "
                f"got {_type_name(got.type)} ({got_family})"
            )
        # Generated values reflect differently everywhere (SERIAL's nextval(), AUTO_INCREMENT, IDENTITY).
        generated = (
            want is want.table.autoincrement_column
            or isinstance(want.default, sa.Sequence)
            or want.identity is not None
            or want.computed is not None
        )
        want_default = isinstance(want.server_default, sa.DefaultClause)
        got_default = isinstance(got.server_default, sa.DefaultClause)
        if not generated and want_default != got_default:
            if want_default:
                yield "server default expected, got none"
            else:
                assert isinstance(got.server_default, sa.DefaultClause)
                yield f"no server default expected, got {got.server_default.arg}"
        if self.traits.comments and (want.comment or None) != (got.comment or None):
            yield f"comment {want.comment!r} expected, got {got.comment!r}"

    def foreign_keys(self, table: sa.Table) -> Counter[str]:
        found: Counter[str] = Counter()
        for fk in table.foreign_key_constraints:
            schema, referred, columns = self.referred(fk)
            target = _label((self.schema(schema), referred)) + _cols(columns)
            actions = "".join(
                f" ON {event} {action.upper()}"
                for event, action in (("DELETE", fk.ondelete), ("UPDATE", fk.onupdate))
                if action and action.upper() not in self.traits.no_action
            )
            found[f"foreign key {_cols(c.name for c in fk.columns)} -> {target}{actions}"] += 1
        return found

    @staticmethod
    def referred(fk: sa.ForeignKeyConstraint) -> tuple[str | None, str, list[str]]:
        """(schema, table, columns) a foreign key points at, whether or not that table is in the MetaData."""
        try:
            columns = [element.column for element in fk.elements]
            return columns[0].table.schema, columns[0].table.name, [c.name for c in columns]
        except exc.NoReferenceError:
            # Not reflected alongside (another schema, or MySQL naming the default database): read the spec.
            parts = [element.target_fullname.split(".") for element in fk.elements]
            return ".".join(parts[0][:-2]) or None, parts[0][-2], [p[-1] for p in parts]

    def uniques_and_indexes(self, table: sa.Table) -> tuple[Counter[str], Counter[str]]:
        """Unique constraints as column sets, and the other indexes as "index (a, b)", "unique index (a)",
        "expression index"; where the backend has no difference, unique indexes are unique constraints."""
        uniques: Counter[str] = Counter(
            "unique constraint " + _cols(sorted(c.name for c in constraint.columns))
            for constraint in table.constraints
            if isinstance(constraint, sa.UniqueConstraint)
        )
        indexes: Counter[str] = Counter()
        for index in table.indexes:
            unique = "unique " if index.unique else ""
            if _is_expression(index):
                # Expressions print differently once stored (PostgreSQL adds casts); count them instead.
                indexes[f"{unique}expression index"] += 1
            elif index.unique and self.traits.unique_index_is_constraint:
                uniques["unique constraint " + _cols(sorted(c.name for c in index.columns))] += 1
            else:
                indexes[f"{unique}index " + _cols(c.name for c in index.columns)] += 1
        return uniques, indexes

    def checks(self, want: sa.Table, got: sa.Table) -> Iterator[str]:
        # Check texts are rewritten by the server (PostgreSQL adds casts, MariaDB backquotes): compare counts.
        own = [c for c in want.constraints if isinstance(c, sa.CheckConstraint)]
        own += [c for column in want.columns for c in column.constraints if isinstance(c, sa.CheckConstraint)]
        # Enum/Boolean(create_constraint=True) add a CHECK only where the type is not native.
        optional = sum(1 for c in own if getattr(c, "_type_bound", False))
        implicit = self.traits.implicit_checks
        found = [
            c
            for c in got.constraints
            if isinstance(c, sa.CheckConstraint) and not (implicit and implicit.search(str(c.sqltext)))
        ]
        low, high = len(own) - optional, len(own)
        if not low <= len(found) <= high:
            expected = str(low) if low == high else f"{low} to {high}"
            texts = "; ".join(str(c.sqltext) for c in found) or "none"
            yield f"{expected} check constraints expected, got {len(found)} ({texts})"
