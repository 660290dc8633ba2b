"""Leaving out is a closure: what a target does not get takes out, in the same run, everything that cannot exist
without it.

Something is left out of a target by the model (info={"atlas": {"exclude": [...]}} or "targets" on a table,
column, index or constraint) or, under --skip-defects, because the target's database rejects it. Whatever depends
on it would make the output fail to load ("column qty does not exist", "there is no unique constraint matching
given keys", errno 150), so it goes too, and so does what depends on that, until nothing changes (a fixpoint over
the dependency graph, not a list of cases):

    a column left out      -> a computed column, index (also a text() one or a partial index's own <dialect>_where),
                              unique or check constraint, or foreign key over it; a foreign key that refers to it
    a table left out       -> every foreign key that refers to it
    a key left out         -> a foreign key whose referred columns this target no longer accepts without it

Each dependent becomes a loss (losses.py), named with what it depended on: on an application target a foreign
key, unique key or check left out this way fails the run unless --allow-loss, naming both objects. An object all
of whose own columns the model leaves out itself (an index on an excluded column) has nothing left to guard: it
goes without a word, as the model asks.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Iterator
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
from sqlalchemy.sql import visitors
from sqlalchemy.sql.elements import ClauseElement, TextClause
from sqlalchemy.sql.schema import SchemaItem

from .errors import ModelError
from .selection import Selection, wanted

# The column a foreign key element refers to, or None when the model lacks it (validation.py refuses that).
Resolver = Callable[[ForeignKey], "Column | None"]
# Whether this target accepts a foreign key to `referred` with what `selection` keeps of the referred table.
KeyHolds = Callable[[ForeignKeyConstraint, list[Column], Selection], bool]


@dataclass(frozen=True)
class Dependent:
    """An object left out because something it needs is left out."""

    table: Table
    item: SchemaItem  # a Column (computed), Index or constraint
    kind: str  # the loss kind: "foreign key", "unique index", "computed column" ...
    subject: str  # "orders.customer_id -> customers.id", "orders.total"
    cause: str  # "it refers to customers, which this target does not get"
    moot: bool = False  # every column it covers is left out by the model: nothing is lost


def close(selection: Selection, before: Selection, resolve: Resolver, key_holds: KeyHolds,
          *, foreign_keys: bool = True) -> tuple[Selection, list[Dependent]]:
    """`selection` without everything that depends on what it leaves out, and those dependents in the order
    found. `before` is the selection the referred keys are judged against: a foreign key whose key held there and
    no longer does depends on the key that went. `foreign_keys` False: the target has none (the lake)."""
    columns = {name: list(names) for name, names in selection.excluded_columns.items()}
    items = {name: list(gone) for name, gone in selection.excluded_items.items()}
    found: list[Dependent] = []
    while True:
        current = dataclasses.replace(selection, excluded_columns=columns, excluded_items=items)
        new = list(_one_round(current, before, resolve, key_holds, foreign_keys))
        if not new:
            return current, found
        for dependent in new:
            name = dependent.table.fullname
            if isinstance(dependent.item, Column):
                columns.setdefault(name, []).append(dependent.item.name)
            else:
                items.setdefault(name, []).append(dependent.item)
        found += new


def _one_round(current: Selection, before: Selection, resolve: Resolver, key_holds: KeyHolds,
               foreign_keys: bool) -> Iterator[Dependent]:
    left_out_tables = {t.fullname for t in current.excluded_tables}
    for table in current.tables:
        gone = set(current.excluded_columns.get(table.fullname, []))
        gone_items = current.excluded_items.get(table.fullname, [])
        by_model = {c.name for c in table.columns if not wanted(c, current.target)}  # moot only over these
        for column in table.columns:
            computed = column.computed
            if column.name in gone or computed is None:
                continue
            used = _mentioned(computed.sqltext, gone)
            if used:
                if column.primary_key:
                    raise ModelError(f"column {table.fullname}.{column.name} is part of the primary key and computed "
                                     f"from {used}, which this target does not get", table=table.fullname)
                yield Dependent(table, column, "computed column", f"{table.fullname}.{column.name}",
                                f"it is computed from {table.name}.{used}, which is left out")
                return  # one column at a time: the next round sees it gone
        # With none of the table's columns gone no index depends on one; skipping them also spares reading
        # `dialect_kwargs`, which SQLAlchemy memoizes on each index (2 MB at 2,000 tables).
        for index in sorted(table.indexes, key=lambda i: str(i.name)) if gone else ():
            if index in gone_items:
                continue
            where = index.dialect_kwargs.get(f"{current.target.dialect}_where")
            used = next(filter(None, (_mentioned(e, gone) for e in index.expressions)), None)
            in_where = _mentioned(where, gone) if used is None else None
            if used or in_where:
                how = f"it covers {table.name}.{used}" if used else f"its {current.target.dialect}_where uses " \
                    f"{table.name}.{in_where}"
                yield Dependent(table, index, "unique index" if index.unique else "index",
                                f"{table.fullname}.{index.name}", f"{how}, which is left out",
                                moot=bool(used) and _own_columns(index) <= by_model and not _opaque(index))
        for constraint in sorted(table.constraints, key=lambda c: (type(c).__name__, str(c.name or ""))):
            if constraint is table.primary_key or constraint in gone_items:
                continue
            if isinstance(constraint, ForeignKeyConstraint):
                if foreign_keys:
                    yield from _foreign_key(table, constraint, current, before, resolve, key_holds, left_out_tables,
                                            by_model)
                continue
            if isinstance(constraint, (UniqueConstraint, CheckConstraint)):
                expression = constraint.sqltext if isinstance(constraint, CheckConstraint) else None
                used = _mentioned(expression, gone) if expression is not None else \
                    next((c.name for c in constraint.columns if c.name in gone), None)
                if used:
                    kind = "unique constraint" if isinstance(constraint, UniqueConstraint) else "check constraint"
                    label = constraint.name if isinstance(constraint.name, str) else ", ".join(_own_columns(constraint))
                    covered = _own_columns(constraint) if expression is None else _named_columns(expression, table)
                    yield Dependent(table, constraint, kind, f"{table.fullname}.{label}",
                                    f"it covers {table.name}.{used}, which is left out", moot=covered <= by_model)


def _foreign_key(table: Table, fk: ForeignKeyConstraint, current: Selection, before: Selection, resolve: Resolver,
                 key_holds: KeyHolds, left_out_tables: set[str], by_model: set[str]) -> Iterator[Dependent]:
    local = [c.name for c in fk.columns]
    referred_names = ", ".join(e.target_fullname for e in fk.elements)
    subject = f"{', '.join(f'{table.name}.{n}' for n in local)} -> {referred_names}"
    gone = set(current.excluded_columns.get(table.fullname, []))
    used = next((name for name in local if name in gone), None)
    if used:
        yield Dependent(table, fk, "foreign key", subject, f"its column {table.name}.{used} is left out",
                        moot=set(local) <= by_model)
        return
    referred = [resolve(element) for element in fk.elements]
    if any(column is None for column in referred):
        return  # a reference the model cannot resolve: validation.py refuses it
    columns = [c for c in referred if c is not None]
    parent = columns[0].table
    if parent.fullname in left_out_tables:
        yield Dependent(table, fk, "foreign key", subject, f"it refers to {parent.fullname}, which this target does "
                        "not get")
        return
    parent_gone = set(current.excluded_columns.get(parent.fullname, []))
    used = next((c.name for c in columns if c.name in parent_gone), None)
    if used:
        yield Dependent(table, fk, "foreign key", subject, f"it refers to {parent.fullname}.{used}, which is left out")
        return
    if key_holds(fk, columns, before) and not key_holds(fk, columns, current):
        names = {c.name for c in columns}
        went = [item for item in current.excluded_items.get(parent.fullname, [])
                if item not in before.excluded_items.get(parent.fullname, []) and _own_columns(item) & names]
        what = _describe(went[0], parent) if went else f"the key of {parent.fullname} it refers to"
        yield Dependent(table, fk, "foreign key", subject, f"it needs {what}, which is left out")


def _describe(item: SchemaItem, table: Table) -> str:
    kind = {Index: "index", UniqueConstraint: "unique constraint"}.get(type(item), type(item).__name__)
    name = getattr(item, "name", None)
    return f"{kind} {name!r} on {table.fullname}" if isinstance(name, str) else \
        f"{kind} ({', '.join(sorted(_own_columns(item)))}) on {table.fullname}"


def _own_columns(item: SchemaItem) -> set[str]:
    columns = getattr(item, "columns", ())
    names = {c.name for c in columns}
    for expression in getattr(item, "expressions", ()):
        names.update(c.name for c in _columns_in(expression))
    return names


def _named_columns(expression: object, table: Table) -> set[str]:
    """The columns of `table` an expression uses, by Column object or, in text SQL, by name."""
    names = {c.name for c in table.columns}
    return {name for name in names if _mentioned(expression, {name})}


def _opaque(index: Index) -> bool:
    return any(isinstance(e, TextClause) for e in index.expressions)


def _columns_in(expression: object) -> list[Column]:
    if not isinstance(expression, ClauseElement):
        return []
    return [element for element in visitors.iterate(expression) if isinstance(element, Column)]


def _mentioned(expression: object, names: set[str]) -> str | None:
    """The first of `names` that `expression` uses: its Column objects, or, for text SQL (text(), a string
    check, a Computed("price * qty")), the names standing as words in it."""
    if expression is None or not names:
        return None
    if isinstance(expression, str):
        words = set(re.findall(r"[\w$]+", expression))
        return min(words & names, default=None)
    mentioned = {c.name for c in _columns_in(expression)}
    texts = [e.text for e in visitors.iterate(expression) if isinstance(e, TextClause)] \
        if isinstance(expression, ClauseElement) else []
    for text in texts:
        mentioned.update(re.findall(r"[\w$]+", text))
    if isinstance(expression, Column):
        mentioned.add(expression.name)
    return min(mentioned & names, default=None)
