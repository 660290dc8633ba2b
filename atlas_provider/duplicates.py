"""One name, several definitions: the same object is emitted once; different objects are an error.

Real models declare a table more than once: a package that keeps one MetaData per component declares a
shared table identically in each, or an installed package and the application both define it; and
`Table("users")` is the table `Table("users", schema="public")` names on PostgreSQL, whose default schema
is `public`. Loading keeps every definition (`group_definitions`); each target then judges them
(`same_definitions`) by what it receives: two definitions are the same only when they compile to the same
DDL on that target (types with their variants and decorators, defaults, options, comments, indexes and the
named types the columns use), with the same `info` choices and DDL events. Then the first by source place
is emitted and one note says so; otherwise no choice is safe, and the error names both places and the first
difference. Only names defined more than once are compiled here, so a large model pays nothing.

PostgreSQL's named types (enums, domains) are judged the same way, across tables: one name, one
definition, or an error naming both columns.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace
from difflib import SequenceMatcher
from typing import TYPE_CHECKING, Any

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
from sqlalchemy.schema import CreateIndex, CreateSequence, CreateTable
from sqlalchemy.sql.elements import ClauseElement
from sqlalchemy.types import TypeDecorator, TypeEngine

from .errors import ModelError
from .selection import LAKE, Target, accepted, info_of, wanted

if TYPE_CHECKING:
    from .dialects.base import Adapter
    from .loading.model import Model, Origin
    from .selection import Selection

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


def _type(kind: TypeEngine[Any]) -> str:
    """A type by class and arguments, with what its repr leaves out: the variants other dialects get
    (`with_variant`) and a decorator's underlying type."""
    described = f"{type(kind).__module__}.{type(kind).__qualname__}: {kind!r}"
    if isinstance(kind, TypeDecorator):
        described += f" over {_type(kind.impl_instance)}"
    variants = getattr(kind, "_variant_mapping", None) or {}
    return described + "".join(f", {name}: {_type(variants[name])}" for name in sorted(variants))


def _column(column: Column[Any]) -> str:
    sequence = column.default if isinstance(column.default, Sequence) else None
    return repr((
        _type(column.type), column.nullable, column.primary_key, str(column.autoincrement), column.unique,
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


Place = Callable[[Table], str | None]


def group_definitions(metadatas: Iterable[MetaData], place: Place) -> tuple[list[Table], dict[str, list[Table]]]:
    """Every table of every MetaData, one per full name (the first by `place`, file:line), and the other
    definitions of each name defined more than once, for each target to judge (`same_definitions`)."""
    groups: dict[str, list[Table]] = {}
    for metadata in metadatas:
        for table in metadata.tables.values():
            group = groups.setdefault(table.fullname, [])
            if all(other is not table for other in group):
                group.append(table)
    kept: list[Table] = []
    others: dict[str, list[Table]] = {}
    for name, group in groups.items():
        if len(group) > 1:
            group.sort(key=lambda t: (place(t) is None, place(t) or ""))
            others[name] = group[1:]
        kept.append(group[0])
    return kept, others


# ---- what one target receives ------------------------------------------------------------------------


def _compile(element: Any, adapter: Adapter) -> str:
    """`element` as `adapter`'s target gets it, with the default schema written out, so that an object the
    model puts there by name and one it leaves without a schema compile alike."""
    translate = {"schema_translate_map": {None: adapter.default_schema}, "render_schema_translate": True} \
        if adapter.default_schema else {}
    return str(element.compile(dialect=adapter.dialect, **translate)).strip()


def _info(table: Table, target: Target) -> str:
    """What the `info` choices of the table and each of its parts mean for `target`: whether it gets the part,
    the losses it accepts, and the lake options where it is the lake. A choice about another target is not
    seen here, so it does not make two definitions differ for this one."""
    parts = [table, *table.columns, *table.constraints, *sorted(table.indexes, key=lambda i: str(i.name))]
    lake = target.role == LAKE
    found = [(type(item).__name__, getattr(item, "name", None), wanted(item, target), sorted(accepted(item)),
              info_of(item).get("clickhouse") if lake else None) for item in parts if info_of(item)]
    return repr([choice for choice in found if choice[2:] != (True, [], None)])


def target_fingerprint(table: Table, adapter: Adapter, target: Target) -> Fingerprint:
    """What `adapter`'s target receives of `table`, part by part: CREATE TABLE line by line, each index, the
    comments, the named types and sequences of its columns, the info choices and DDL events. A table this
    target cannot compile on its own is described structurally (see `table_fingerprint`), which is stricter."""
    try:
        lines = [line.strip().rstrip(",").strip() for line in _compile(CreateTable(table), adapter).splitlines()]
        # "CREATE TABLE (", a line per column in order, the constraints, ")" with the options: a table's
        # constraints are a set, so the order they were declared in is no difference.
        body = 1 + len(table.columns)
        lines[body:-1] = sorted(lines[body:-1])
        parts: Fingerprint = {"CREATE TABLE": "\n".join(lines)}
        for index in table.indexes:
            label = f"index {index.name or [getattr(e, 'name', '?') for e in index.expressions]}"
            parts[label] = parts.get(label, "") + _compile(CreateIndex(index), adapter)
        parts["comments"] = repr([_compile(e, adapter) for e in adapter.comment_elements(table)])
        for column, element in adapter.named_types(table):
            parts[f"type of column {column.name}"] = _compile(element, adapter)
        for column in table.columns:
            if isinstance(column.default, Sequence):
                parts[f"sequence of column {column.name}"] = _compile(CreateSequence(column.default), adapter)
    except Exception:  # noqa: BLE001 - e.g. a foreign key to a table the model lacks: judged structurally
        parts = table_fingerprint(table)
    parts["info"] = _info(table, target)
    parts["DDL events"] = _events(table)
    return parts


def _first_difference(first: Fingerprint, second: Fingerprint, places: list[str]) -> str:
    for label in [*first, *(key for key in second if key not in first)]:
        one, two = first.get(label), second.get(label)
        if one == two:
            continue
        if label == "CREATE TABLE" and one is not None and two is not None:
            a, b = one.splitlines(), two.splitlines()
            _, i1, i2, j1, j2 = next(op for op in SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes()
                                       if op[0] != "equal")
            return f"{'; '.join(a[i1:i2]) or 'nothing'!r} at {places[0]}, {'; '.join(b[j1:j2]) or 'nothing'!r} " \
                   f"at {places[1]}"
        if one is None or two is None:
            return f"{label} is in only one"
        return f"{label}: {one!r} at {places[0]}, {two!r} at {places[1]}"
    return "they differ"


def same_definitions(model: Model, selection: Selection, adapter: Adapter) -> tuple[Selection, list[str]]:
    """Judge the tables of one name on this target (see the module docstring): the selection keeps one of
    each, and a note names the places of the identical ones; different ones are a ModelError."""
    groups: dict[tuple[str | None, str], list[tuple[Table, Origin | None]]] = {}
    # A table this target leaves out still meets its other definitions: one that says otherwise differs.
    left_out = [t for t in selection.excluded_tables if t.fullname in model.others]
    for table in [*selection.tables, *left_out]:
        group = groups.setdefault((adapter.schema_key(table.schema), table.name), [])
        group.append((table, model.origin(table)))
        group += model.others.get(table.fullname, [])
    notes: list[str] = []
    dropped: set[int] = set()
    for group in groups.values():
        if len(group) == 1:
            continue
        group.sort(key=lambda pair: (pair[1] is None, str(pair[1] or "")))
        places = [str(origin) if origin else "an unknown place" for _, origin in group]
        kept = group[0][0]
        first = target_fingerprint(kept, adapter, selection.target)
        for (other, _), where in zip(group[1:], places[1:]):
            second = target_fingerprint(other, adapter, selection.target)
            if second != first:
                raise ModelError(
                    f"table {kept.fullname!r} is defined twice, {_at(kept, other, places[0], where)}, and the two "
                    f"differ on "
                    f"{adapter.name} ({_first_difference(first, second, [places[0], where])}); keep one "
                    "definition, or make them the same", table=kept.fullname)
            dropped.add(id(other))
        if any(kept is t for t in left_out):
            continue
        spelled = sorted({t.fullname for t, _ in group} - {kept.fullname})
        also = f" (also as {', '.join(map(repr, spelled))}, the same table on {adapter.name})" if spelled else ""
        notes.append(f"table {kept.fullname!r}{also} is defined {len(group)} times, identically for {adapter.name} "
                     f"({', '.join(places)}); it is emitted once")
    if not dropped:
        return selection, notes
    return replace(selection, tables=[t for t in selection.tables if id(t) not in dropped]), notes


def _at(first: Table, second: Table, one: str, two: str) -> str:
    if first.fullname == second.fullname:
        return f"at {one} and at {two}"
    return f"as {first.fullname!r} at {one} and as {second.fullname!r} at {two}"


def same_named_types(model: Model, tables: list[Table], adapter: Adapter) -> None:
    """One named type (a PostgreSQL enum or domain) per name on this target: columns that use one name
    must mean one definition (an enum's values in their order), and no table may have that name where
    tables are types too; else a ModelError naming both. Compiled only when a name comes again."""
    tables_by_key = {(adapter.schema_key(t.schema), t.name): t for t in tables} if adapter.tables_are_types else {}
    seen: dict[tuple[str | None, str], tuple[Any, str]] = {}
    for table in tables:
        for column, element in adapter.named_types(table):
            kind = element.element  # type: ignore[attr-defined]
            key = (adapter.schema_key(kind.schema), str(kind.name))
            origin = model.origin(table)
            where = f"{table.fullname}.{column.name}" + (f" at {origin}" if origin else "")
            clash = tables_by_key.get(key)
            if clash is not None:
                raise ModelError(
                    f"type {kind.name!r} of {where} has the name of table {clash.fullname!r}, and a {adapter.name} "
                    "table is also a type of its name, so CREATE TABLE would fail; rename the type "
                    "(Enum(..., name=...))", table=table.fullname)
            first = seen.setdefault(key, (element, where))
            if first[0] is element or first[0].element is kind:
                continue
            if _compile(first[0], adapter) != _compile(element, adapter):
                raise ModelError(
                    f"type {kind.name!r} is defined twice, differently: {_values(first[0].element)} for {first[1]}, "
                    f"{_values(kind)} for {where}; {adapter.name} has one type of that name, so give one a "
                    "different name (Enum(..., name=...)) or the same definition", table=table.fullname)


def _values(kind: Any) -> str:
    enums = getattr(kind, "enums", None)
    return f"({', '.join(repr(v) for v in enums)})" if enums is not None else repr(kind)
