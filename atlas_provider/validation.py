"""Model defects, judged per target: what that target's database would reject, found before anything is printed.

Real models ship mistakes: a foreign key to a table that is not in the model, or to columns that are not a
unique key, an index with no columns, one index name used twice. A defect is refused only where the target's
database rejects it; the facts live on the dialect adapters (`referred_key`, `index_names_per_schema`,
`foreign_key_refusals`). Where the database accepts it (MariaDB and SQLite take a foreign key to non-unique
columns) it is emitted with a warning. The same index declared twice, identically, is one index.

A refusal names the object, where it was defined and the way on: the concrete change for a model the user
owns, `--skip-defects` for one they cannot edit (an installed application), which leaves out exactly the
objects this target rejects, one warning each, and prints the rest.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import (
    CheckConstraint,
    Column,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Table,
    UniqueConstraint,
)
from sqlalchemy.exc import NoReferencedColumnError, NoReferencedTableError
from sqlalchemy.sql.elements import _truncated_label
from sqlalchemy.sql.schema import SchemaItem

from .closure import Dependent, close
from .defects import Defect, Verdict
from .dialects.base import Adapter, ReferredKey
from .duplicates import foreign_key_fingerprint
from .errors import ModelError
from .limits import limit_defects
from .loading import Model
from .selection import Selection, atlas_info, kept_foreign_keys

# Folders that hold installed distributions: a model defined there is not the user's to edit.
INSTALLED_DIRS = frozenset({"site-packages", "dist-packages"})
SKIP_HINT = "skip-defects = true under [tool.atlas-provider] in pyproject.toml"


@dataclass
class Review:
    """What one target makes of the model's defects: the selection without the objects left out, the
    objects left out under --skip-defects, the stderr lines (warnings and notes), and what went with what
    was left out (closure.py; the caller reports them as losses)."""

    selection: Selection
    skipped: list[Defect]
    notes: list[str]
    dependents: list[Dependent] = dataclasses.field(default_factory=list)


def review(model: Model, selection: Selection, adapter: Adapter, *, skip_defects: bool = False) -> Review:
    """Judge the defects of the tables `selection` gives `adapter`'s target.

    Raises ModelError for the first object the target rejects, unless `skip_defects`, which leaves every
    such object out instead. Identical duplicate indexes are left out but one, with a note.
    """
    resolve, holds = _closure_rules(model, adapter)
    unrestricted = dataclasses.replace(selection, excluded_columns={}, excluded_items={})
    selection, dependents = close(selection, unrestricted, resolve, holds, foreign_keys=adapter.supports_foreign_keys)
    defects = find_defects(model, selection, adapter)
    rejected = [d for d in defects if d.verdict is Verdict.REJECTED]
    stuck = [d for d in rejected if not d.can_leave_out]
    if stuck or rejected and not skip_defects:
        first = (stuck or rejected)[0]
        raise ModelError(f"{first.subject}: {first.problem}; {_way_on(model, first)}", where=_place(model, first.table))
    left_out = [d for d in defects if d.verdict is not Verdict.ACCEPTED]
    notes = [_note(model, d, adapter) for d in defects]
    judged, more = close(_without(selection, left_out), selection, resolve, holds,
                         foreign_keys=adapter.supports_foreign_keys)
    return Review(judged, rejected, notes, dependents + more)


def _closure_rules(model: Model, adapter: Adapter) -> tuple[Callable[[ForeignKey], Column | None],
                                                            Callable[[ForeignKeyConstraint, list[Column], Selection],
                                                                     bool]]:
    """How closure.py resolves a foreign key's referred column, and whether this target takes a foreign key to
    what a selection keeps of the referred table (the rules of `_referred_key_defect`)."""
    tables = {table.fullname: table for table in model.tables}

    def resolve(element: ForeignKey) -> Column | None:
        try:
            return _referred_column(element, tables)
        except (NoReferencedTableError, NoReferencedColumnError):
            return None

    def holds(fk: ForeignKeyConstraint, referred: list[Column], selection: Selection) -> bool:
        defect = _referred_key_defect(fk.table, fk, referred, selection, adapter)
        return defect is None or defect.verdict is not Verdict.REJECTED

    return resolve, holds


def find_defects(model: Model, selection: Selection, adapter: Adapter) -> list[Defect]:
    """Every defect of the selected tables for this target, in table order: foreign keys, then indexes."""
    by_name = {table.fullname: table for table in model.tables}
    defects: list[Defect] = []
    for table in selection.tables:
        defects += _foreign_key_defects(table, selection, adapter, by_name)
    defects += _index_defects(selection, adapter)
    defects += _name_length_defects(selection, adapter)
    defects += _key_size_defects(selection, adapter)
    defects += limit_defects(selection, adapter)
    first: dict[int, Defect] = {}
    for defect in defects:
        first.setdefault(id(defect.item), defect)  # one defect per object: the first found says why
    return list(first.values())


# ---- foreign keys ------------------------------------------------------------------------------------


def _foreign_key_defects(table: Table, selection: Selection, adapter: Adapter,
                         tables: dict[str, Table]) -> list[Defect]:
    found: list[Defect] = []
    resolved: list[tuple[ForeignKeyConstraint, list[Column]]] = []
    for fk in sorted(kept_foreign_keys(table, selection), key=lambda f: [c.name for c in f.columns]):
        try:
            resolved.append((fk, [_referred_column(element, tables) for element in fk.elements]))
        except (NoReferencedTableError, NoReferencedColumnError) as error:
            # Refused on every target, SQLite and the lake included: the other databases reject it, SQLite
            # fails every insert into the table once foreign keys are on ("no such table"), and a missing
            # table most often means a model module was not loaded, whose tables Atlas would then drop.
            element = next(e for e in fk.elements if not _resolves(e, tables))
            advice = ("define that table in the model or load the module that does (--path/--model)"
                      if isinstance(error, NoReferencedTableError) else "add that column or correct the reference")
            found.append(Defect(table, fk, f"foreign key {_local(fk)} -> {element.target_fullname}",
                                str(error).splitlines()[0], advice))
    if not adapter.supports_foreign_keys:
        return found  # the target leaves every foreign key out (and says so); what they refer to is moot
    found += _same_foreign_key_defects(table, resolved)
    for fk, referred in resolved:
        defect = _referred_key_defect(table, fk, referred, selection, adapter)
        if defect is not None:
            found.append(defect)
    judged = {id(d.item) for d in found}
    for fk, refusal in adapter.foreign_key_refusals(table, resolved):
        if id(fk) not in judged:
            judged.add(id(fk))
            found.append(Defect(table, fk, _fk_subject(fk, _referred_of(fk, resolved)), refusal.problem,
                                refusal.advice))
    return found


def _same_foreign_key_defects(table: Table, resolved: list[tuple[ForeignKeyConstraint, list[Column]]]) -> list[Defect]:
    """One foreign key declared more than once (a named ForeignKeyConstraint and ForeignKey on the column):
    the database would create it each time, so all but one are left out, with a note. The one kept is the
    named one, whose name the model gives; two different names are two constraints, which the model means."""
    if len(resolved) < 2:  # nothing to compare; a fingerprint memoizes `dialect_kwargs` on the key (2 MB at 2,000)
        return []
    groups: dict[str, list[ForeignKeyConstraint]] = defaultdict(list)
    for fk, _ in resolved:
        groups[foreign_key_fingerprint(fk)].append(fk)
    found: list[Defect] = []
    for same in groups.values():
        names = {str(fk.name) for fk in same if isinstance(fk.name, str)}
        if len(same) < 2 or len(names) > 1:
            continue
        same.sort(key=lambda fk: not isinstance(fk.name, str))  # the named one first, then declaration order
        times = "twice" if len(same) == 2 else f"{len(same)} times"
        unnamed = " (once unnamed)" if names and len(same) == 2 else ""
        found += [Defect(table, fk, _fk_subject(fk, _referred_of(fk, resolved)),
                         f"it is declared {times}, identically{unnamed}", "", Verdict.DUPLICATE)
                  for fk in same[1:]]
    return found


def _referred_key_defect(table: Table, fk: ForeignKeyConstraint, referred: list[Column], selection: Selection,
                         adapter: Adapter) -> Defect | None:
    """Whether the columns `fk` refers to are what this database needs (see ReferredKey)."""
    names = tuple(c.name for c in referred)
    parent = referred[0].table
    found = _unique_keys(parent, selection, adapter)
    subject = _fk_subject(fk, referred)
    unusable = [(columns, problem) for columns, item in found
                if frozenset(columns) == frozenset(names) and (problem := adapter.referred_key_problem(parent, item))]
    keys = [columns for columns, item in found if not adapter.referred_key_problem(parent, item)]
    if names in keys or (not adapter.referred_key_in_order and frozenset(names) in {frozenset(k) for k in keys}):
        return None
    if unusable and not _leads_an_index(names, parent, selection, adapter):
        return Defect(table, fk, subject, f"the referenced key is no key {adapter.name} can refer to: {unusable[0][1]}",
                      "refer to the primary key, or to a unique key of whole columns within the limit")
    advice = "mark it unique (unique=True or a UniqueConstraint) or refer to the primary key"
    reordered = [key for key in keys if frozenset(key) == frozenset(names)]
    if reordered and adapter.referred_key is not ReferredKey.ANYTHING:
        order = ", ".join(reordered[0])
        return Defect(table, fk, subject, f"the referenced columns are a unique key only in another order "
                      f"({order}), which {adapter.name} rejects", f"refer to them in the key's order ({order})")
    these = "the referenced columns are" if len(names) > 1 else "the referenced column is"
    if adapter.referred_key is ReferredKey.UNIQUE:
        return Defect(table, fk, subject, f"{these} neither the primary key nor unique, which {adapter.name} rejects"
                      + (f" ({adapter.non_unique_reference_note})" if adapter.non_unique_reference_note else ""),
                      advice)
    if adapter.referred_key is ReferredKey.INDEXED and not _leads_an_index(names, parent, selection, adapter):
        return Defect(table, fk, subject, f"{these} neither unique nor the leading columns of an index, which "
                      f"{adapter.name} rejects", advice)
    return Defect(table, fk, subject, f"{these} neither the primary key nor unique; {adapter.non_unique_reference_note}",
                  advice, Verdict.ACCEPTED)


def _unique_keys(table: Table, selection: Selection, adapter: Adapter) -> list[tuple[tuple[str, ...], SchemaItem]]:
    """The column tuples this target makes unique on `table`, each with its key: the primary key, unique
    constraints, and unique indexes on plain columns over every row (lower(email), or WHERE active, does not
    make a column unique)."""
    gone = selection.excluded_items.get(table.fullname, [])
    keys: list[tuple[tuple[str, ...], SchemaItem]] = [(tuple(c.name for c in table.primary_key.columns),
                                                       table.primary_key)]
    keys += [(tuple(c.name for c in con.columns), con) for con in table.constraints
             if isinstance(con, UniqueConstraint) and con not in gone]
    keys += [(tuple(c.name for c in ix.columns), ix) for ix in table.indexes
             if ix not in gone and _whole_columns_unique(ix, adapter)]
    return [(columns, item) for columns, item in keys if columns]


def _whole_columns_unique(index: Index, adapter: Adapter) -> bool:
    # Only this dialect's own WHERE makes the index partial here: postgresql_where means nothing to MySQL.
    # Read last: SQLAlchemy memoizes `dialect_kwargs` on every index it is read from (1 MB at 2,000 tables).
    return bool(index.unique and index.columns and _plain(index)
                and index.dialect_kwargs.get(f"{adapter.dialect.name}_where") is None)


def _plain(index: Index) -> bool:
    return all(isinstance(expression, Column) for expression in index.expressions)


def _leads_an_index(names: tuple[str, ...], table: Table, selection: Selection, adapter: Adapter) -> bool:
    """InnoDB takes a foreign key to the leading columns of any index it can use, in the index's order."""
    gone = selection.excluded_items.get(table.fullname, [])
    indexed: list[SchemaItem] = [table.primary_key]
    indexed += [con for con in table.constraints if isinstance(con, UniqueConstraint) and con not in gone]
    indexed += [ix for ix in table.indexes if ix not in gone and _plain(ix)]
    return any(tuple(c.name for c in key.columns)[: len(names)] == names  # type: ignore[attr-defined]
               and not adapter.referred_key_problem(table, key) for key in indexed)  # type: ignore[arg-type]


def _referred_column(element: ForeignKey, tables: dict[str, Table]) -> Column:
    """The column a foreign key points at. A string foreign key resolves only within its own MetaData;
    the model may spread its tables over several (two declarative bases), so look the rest up by name."""
    try:
        return element.column
    except NoReferencedTableError:
        table_name, _, column_name = element.target_fullname.rpartition(".")
        table = tables.get(table_name)
        if table is None or table.metadata is element.parent.table.metadata:
            raise
        if column_name not in table.columns:
            raise NoReferencedColumnError(
                f"table {table_name!r} has no column named {column_name!r}", table_name, column_name
            ) from None
        return table.columns[column_name]


def _resolves(element: ForeignKey, tables: dict[str, Table]) -> bool:
    try:
        _referred_column(element, tables)
    except (NoReferencedTableError, NoReferencedColumnError):
        return False
    return True


def _local(fk: ForeignKeyConstraint) -> str:
    return ", ".join(f"{fk.table.name}.{c.name}" for c in fk.columns) or fk.table.name


def _fk_subject(fk: ForeignKeyConstraint, referred: list[Column]) -> str:
    return f"foreign key {_local(fk)} -> {', '.join(f'{c.table.fullname}.{c.name}' for c in referred)}"


def _referred_of(fk: ForeignKeyConstraint, resolved: list[tuple[ForeignKeyConstraint, list[Column]]]) -> list[Column]:
    return next(referred for candidate, referred in resolved if candidate is fk)


# ---- indexes -----------------------------------------------------------------------------------------


def _index_defects(selection: Selection, adapter: Adapter) -> list[Defect]:
    found: list[Defect] = []
    first_by_name: dict[tuple[str, str], Table] = {}  # (schema, index name) -> the first table using it
    for table in selection.tables:
        gone = selection.excluded_items.get(table.fullname, [])
        by_name: dict[str, list[Index]] = defaultdict(list)
        for index in sorted((i for i in table.indexes if i not in gone), key=_definition):
            if not index.expressions:
                found.append(Defect(table, index, f"index {index.name!r} on {table.fullname}", "it has no columns",
                                    "give it columns or remove it", kind="index"))
            elif index.name:
                by_name[str(index.name)].append(index)
        for name, same in sorted(by_name.items()):
            found += _same_name_defects(table, name, same)
            if not adapter.index_names_per_schema:
                continue
            # PostgreSQL and SQLite index names are unique per schema (SQLite: per database), not per table
            namespace = ("" if adapter.flatten_schemas else adapter.schema_key(table.schema) or "", name)
            other = first_by_name.setdefault(namespace, table)
            if other is not table:
                found += [Defect(table, index, f"index {name!r} on {table.fullname}",
                                 f"the name is used on {other.fullname} too, and {adapter.name} index names are "
                                 "unique within a schema",
                                 "rename one (Index(name=...), or a naming convention with %(table_name)s)",
                                 kind="index") for index in same]
    return found


def _same_name_defects(table: Table, name: str, indexes: list[Index]) -> list[Defect]:
    """One name declared more than once on a table: identical declarations are one index (the others are
    left out, with a note); differing ones are rejected, all of them, as nothing says which is meant."""
    if len(indexes) < 2:
        return []
    subject = f"index {name!r} on {table.fullname}"
    times = "twice" if len(indexes) == 2 else f"{len(indexes)} times"
    definitions = sorted({_describe(index) for index in indexes})
    if len({_definition(index) for index in indexes}) == 1:
        return [Defect(table, index, subject, f"it is declared {times}, identically", "", Verdict.DUPLICATE, "index")
                for index in indexes[1:]]
    return [Defect(table, index, subject, f"it is declared {times}, differently: {' and '.join(definitions)}",
                   "remove one or give them different names", kind="index")
            for index in indexes]


def _definition(index: Index) -> tuple[object, ...]:
    """What makes two declarations of an index the same index: columns, options, targets."""
    options = sorted((key, str(value)) for key, value in index.dialect_kwargs.items() if value is not None)
    return (str(index.name or ""), _describe(index), tuple(options), repr(sorted(atlas_info(index).items())))


def _describe(index: Index) -> str:
    """`UNIQUE (email, lower(name))` plus the dialect options, for messages."""
    parts = [e.name if isinstance(e, Column) else str(e) for e in index.expressions]
    options = sorted(f"{key}={value}" for key, value in index.dialect_kwargs.items() if value is not None)
    return f"{'UNIQUE ' if index.unique else ''}({', '.join(parts)})" + (f" {', '.join(options)}" if options else "")


def _key_size_defects(selection: Selection, adapter: Adapter) -> list[Defect]:
    """Indexes and unique constraints whose key the target finds too long (adapter.key_refusals)."""
    found: list[Defect] = []
    for table in selection.tables:
        gone = selection.excluded_items.get(table.fullname, [])
        keys: list[Index | UniqueConstraint] = [
            *sorted((i for i in table.indexes if i not in gone and i.expressions), key=_definition),
            *(c for c in table.constraints if isinstance(c, UniqueConstraint) and c not in gone),
        ]
        for key, refusal in adapter.key_refusals(table, keys):
            kind = "index" if isinstance(key, Index) else "unique constraint"
            subject = f"{kind} {key.name!r} on {table.fullname}" if isinstance(key.name, str) else \
                f"{kind} on {table.fullname} ({_names(key)})"
            verdict = Verdict.ACCEPTED if refusal.accepted else Verdict.REJECTED
            found.append(Defect(table, key, subject, refusal.problem, refusal.advice, verdict, kind=kind))
    return found


def _names(key: Index | UniqueConstraint) -> str:
    return ", ".join(c.name for c in key.columns)


# ---- names ---------------------------------------------------------------------------------------------


def _name_length_defects(selection: Selection, adapter: Adapter) -> list[Defect]:
    """Index and constraint names the model spells out that are longer than the target keeps (see
    Adapter.max_name_length). A primary key is left alone: leaving it out is no way past."""
    limit = adapter.max_name_length
    if limit is None:
        return []
    unit = "bytes" if adapter.name_length_in_bytes else "characters"
    found: list[Defect] = []
    for table in selection.tables:
        gone = selection.excluded_items.get(table.fullname, [])
        named: list[Index | ForeignKeyConstraint | UniqueConstraint | CheckConstraint] = [
            *sorted(table.indexes, key=_definition),
            *kept_foreign_keys(table, selection),
            *(c for c in table.constraints if isinstance(c, (UniqueConstraint, CheckConstraint))),
        ]
        for item in named:
            name = item.name
            # a name from a naming convention is a _truncated_label, which SQLAlchemy shortens to fit itself
            if item in gone or not isinstance(name, str) or isinstance(name, _truncated_label):
                continue
            length = len(name.encode()) if adapter.name_length_in_bytes else len(name)
            if length <= limit:
                continue
            problem = f"its name {name!r} is {length} {unit} long, and {adapter.name} allows {limit}"
            advice = f"give it a name of at most {limit} {unit}"
            if isinstance(item, ForeignKeyConstraint):
                referred = ", ".join(e.target_fullname for e in item.elements)  # which need not resolve
                found.append(Defect(table, item, f"foreign key {_local(item)} -> {referred}", problem, advice))
                continue
            kind = {Index: "index", UniqueConstraint: "unique constraint"}.get(type(item), "check constraint")
            found.append(Defect(table, item, f"{kind} {name!r} on {table.fullname}", problem, advice, kind=kind))
    return found


# ---- what the user reads -----------------------------------------------------------------------------


def _without(selection: Selection, defects: list[Defect]) -> Selection:
    """The selection with the defects' objects left out (adapting.py then drops them from its copies); a comment
    left out is the table's or column's comment, not the table or column."""
    if not defects:
        return selection
    excluded = {name: list(items) for name, items in selection.excluded_items.items()}
    comments = {name: list(names) for name, names in selection.dropped_comments.items()}
    for defect in defects:
        if defect.kind == "comment":
            comments.setdefault(defect.table.fullname, []).append(getattr(defect.item, "key", "") if
                                                                  isinstance(defect.item, Column) else "")
        else:
            excluded.setdefault(defect.table.fullname, []).append(defect.item)
    return dataclasses.replace(selection, excluded_items=excluded, dropped_comments=comments)


def _note(model: Model, defect: Defect, adapter: Adapter) -> str:
    place = _place(model, defect.table)
    if defect.verdict is Verdict.DUPLICATE:
        return f"{place}: {defect.subject}: {defect.problem}; it is created once"
    if defect.verdict is Verdict.ACCEPTED:
        return f"{adapter.name}: {place}: {defect.subject}: {defect.problem}"
    return f"{adapter.name}: {place}: left out {defect.subject} (--skip-defects): {defect.problem}"


def _way_on(model: Model, defect: Defect) -> str:
    """The concrete change for a model the user owns; --skip-defects for an installed one."""
    if not defect.can_leave_out:
        return defect.advice  # --skip-defects cannot help
    skip = f"--skip-defects leaves this {defect.kind} out (or {SKIP_HINT})"
    origin = model.origin(defect.table)
    if origin is None:
        return f"{defect.advice}; if the model is not yours to change, {skip}"
    if INSTALLED_DIRS.intersection(origin.path.split("/")):
        return f"it comes from an installed package, not yours to edit: {skip}"
    return defect.advice


def _place(model: Model, table: Table) -> str:
    """file:line (table); for a table whose origin is unknown, the table and where its MetaData was filled."""
    if model.origin(table) is not None:
        return model.where(table)
    siblings = sorted(str(origin.path) for other in model.tables
                      if other.metadata is table.metadata and (origin := model.origin(other)) is not None)
    return f"{table.fullname} (in the MetaData of {siblings[0]})" if siblings else table.fullname
