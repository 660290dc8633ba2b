"""One table name, several definitions: the same table is one object; different tables are an error.

Real models declare a table more than once: a package that keeps one MetaData per component declares a
shared table identically in each, or an installed package and the application both define it. When
every definition is the same table (columns, types, keys, constraints, indexes, options, DDL events),
emitting it once is what each definition means, so the first (by source place) is kept and one note
says so. When they differ, no choice is safe: that is an error naming both places and what differs.

The comparison is on a structural fingerprint that does not depend on the target dialect: type reprs
(which carry every argument: length, precision, enum values), and SQL expressions compiled with
SQLAlchemy's generic string dialect with literal values inlined.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from sqlalchemy import (
    CheckConstraint,
    Column,
    ForeignKeyConstraint,
    Index,
    MetaData,
    PrimaryKeyConstraint,
    Sequence,
    Table,
    UniqueConstraint,
)
from sqlalchemy.engine.default import StrCompileDialect
from sqlalchemy.sql.elements import ClauseElement

from .errors import ModelError

Fingerprint = dict[str, str]  # part of the table (a column, an index, ...) -> its description

_DIALECT = StrCompileDialect()
_INFO_KEYS = ("atlas", "clickhouse")  # the info entries the provider reads; others are the user's business


def _sql(value: object) -> str:
    """An expression as generic SQL with literals inlined (two `x > 5` checks compare equal); other
    values by repr. What cannot be compiled is described by repr, so it only ever compares unequal."""
    if isinstance(value, ClauseElement):
        try:
            return str(value.compile(dialect=_DIALECT, compile_kwargs={"literal_binds": True}))
        except Exception:  # noqa: BLE001 - e.g. a literal of a type with no literal rendering
            return repr(value)
    return repr(value)


def _options(item: Any) -> str:
    kwargs = sorted((key, _sql(value)) for key, value in item.dialect_kwargs.items())
    info = [(key, repr(item.info[key])) for key in _INFO_KEYS if key in item.info]
    return repr((kwargs, info))


def _default(default: object) -> str:
    return _sql(getattr(default, "arg", default))  # DefaultClause("now()") or text(...) or func.now()


def _column(column: Column[Any]) -> str:
    sequence = column.default if isinstance(column.default, Sequence) else None
    return repr((
        repr(column.type), column.nullable, column.primary_key, str(column.autoincrement), column.unique,
        column.index, column.comment, _default(column.server_default), _default(column.server_onupdate),
        _sql(column.computed.sqltext) if column.computed is not None else None,
        getattr(column.computed, "persisted", None),
        repr(column.identity), repr(sequence), _options(column),
    ))


def index_fingerprint(index: Index) -> str:
    """An index's name, uniqueness, expressions and options, for comparing two declarations."""
    expressions = [e.name if isinstance(e, Column) else _sql(e) for e in index.expressions]
    return repr((str(index.name), bool(index.unique), expressions, _options(index)))


def foreign_key_fingerprint(fk: ForeignKeyConstraint) -> str:
    """A foreign key's columns, referred columns, actions and options, without its name: two declarations
    with one fingerprint are one foreign key (the database would otherwise get it twice)."""
    return repr(([c.name for c in fk.columns], [e.target_fullname for e in fk.elements], fk.ondelete, fk.onupdate,
                 fk.deferrable, fk.initially, fk.match, fk.use_alter, _options(fk)))


def _constraint(constraint: Any) -> tuple[str, str]:
    columns = [c.name for c in constraint.columns]
    if isinstance(constraint, ForeignKeyConstraint):
        detail = repr(([e.target_fullname for e in constraint.elements], constraint.ondelete, constraint.onupdate,
                       constraint.deferrable, constraint.initially, constraint.match, constraint.use_alter))
    elif isinstance(constraint, CheckConstraint):
        detail = _sql(constraint.sqltext)
    else:
        detail = ""
    label = f"{type(constraint).__name__} {constraint.name or ','.join(columns) or detail}"
    return label, repr((str(constraint.name), columns, detail, _options(constraint)))


def _events(table: Table) -> str:
    """The table's before/after_create listeners: DDL statements by text, functions by name."""
    described = []
    for name in ("before_create", "after_create"):
        for listener in getattr(table.dispatch, name):
            function = getattr(listener, "func", listener)
            text = getattr(listener, "statement", None)
            described.append(f"{name}: {text}" if text is not None else
                             f"{name}: {getattr(function, '__module__', '')}.{getattr(function, '__qualname__', '')}")
    return repr(sorted(described))


def table_fingerprint(table: Table) -> Fingerprint:
    """What makes `table` the table it is, part by part, independent of the MetaData holding it."""
    convention = sorted((str(key), repr(value)) for key, value in table.metadata.naming_convention.items())
    parts: Fingerprint = {
        "table options": repr((table.comment, _options(table))),
        "naming convention": repr(convention),
        "column order": repr([c.name for c in table.columns]),
        "DDL events": _events(table),
    }
    for column in table.columns:
        parts[f"column {column.name}"] = _column(column)
    for constraint in table.constraints:
        if isinstance(constraint, (PrimaryKeyConstraint, UniqueConstraint, CheckConstraint, ForeignKeyConstraint)):
            label, described = _constraint(constraint)
            parts[label] = parts.get(label, "") + described
    for index in table.indexes:
        label = f"index {index.name or [getattr(e, 'name', '?') for e in index.expressions]}"
        parts[label] = parts.get(label, "") + index_fingerprint(index)
    return parts


def _difference(first: Fingerprint, second: Fingerprint) -> str:
    for label in sorted(first.keys() | second.keys()):
        if label not in second or label not in first:
            return f"{label} is in only one"
        if first[label] != second[label]:
            return f"{label} differs"
    return "they differ"


Place = Callable[[Table], str | None]


def merge_duplicates(metadatas: Iterable[MetaData], place: Place,
                     note: Callable[[str], None] | None = None) -> list[Table]:
    """Every table of every MetaData, one per full name.

    Identical definitions of one name are one table: the first by `place` (file:line) is kept, and
    `note` hears one line about it. Definitions that differ are a ModelError naming both places.
    """
    groups: dict[str, list[Table]] = {}
    for metadata in metadatas:
        for table in metadata.tables.values():
            group = groups.setdefault(table.fullname, [])
            if all(other is not table for other in group):
                group.append(table)
    kept: list[Table] = []
    for name, group in groups.items():
        if len(group) == 1:
            kept.append(group[0])
            continue
        group.sort(key=lambda t: (place(t) is None, place(t) or ""))
        first = table_fingerprint(group[0])
        for other in group[1:]:
            second = table_fingerprint(other)
            if second != first:
                places = [place(t) or "an unknown place" for t in (group[0], other)]
                raise ModelError(
                    f"table {name!r} is defined twice, at {places[0]} and at {places[1]}, and the two differ "
                    f"({_difference(first, second)}); keep one definition, or make them the same",
                    table=name,
                )
        if note is not None:
            places = ", ".join(place(t) or "an unknown place" for t in group)
            note(f"table {name!r} is defined {len(group)} times, identically ({places}); it is emitted once")
        kept.append(group[0])
    return kept
