"""Adapt the selected tables to one target.

The user's tables are rendered as they are whenever possible: copying thousands of tables costs time
on every Atlas run. A private copy (one MetaData for the target) is made only when the target changes
a table: a column, index or constraint is left out, schemas are flattened (SQLite), the tables come
from several MetaData and refer to each other by name, or the adapter always adapts (ClickHouse).
"""

from __future__ import annotations

from collections import Counter

from sqlalchemy import BLANK_SCHEMA, ForeignKeyConstraint, Index, MetaData, Table, event
from sqlalchemy.schema import ExecutableDDLElement

from .compat import keep_numeric_keys_unnumbered
from .dialects.base import Adapter, index_key
from .errors import ModelError
from .losses import LossReport
from .selection import Selection, kept_foreign_keys

_DDL_EVENTS = ("before_create", "after_create")


def _crosses_metadata(tables: list[Table]) -> bool:
    """True when a string foreign key names a table that lives in another MetaData."""
    if len({id(t.metadata) for t in tables}) < 2:
        return False
    for table in tables:
        for fk in table.foreign_key_constraints:
            for element in fk.elements:
                if element.target_fullname.rsplit(".", 1)[0] not in table.metadata.tables:
                    return True
    return False


def adapt(selection: Selection, adapter: Adapter, report: LossReport) -> list[Table]:
    """The tables as `adapter`'s target receives them, in model order."""
    tables = selection.tables
    keep_numeric_keys_unnumbered(tables)
    has_schemas = any(t.schema for t in tables)
    if not (
        selection.changes_tables
        or adapter.needs_copies(tables)
        or (adapter.flatten_schemas and has_schemas)
        or _crosses_metadata(tables)
    ):
        return tables
    if adapter.flatten_schemas:
        _refuse_flattened_collisions(tables, adapter)
    first = tables[0].metadata if tables else MetaData()
    target_metadata = MetaData(naming_convention=dict(first.naming_convention))
    for source in {id(t.metadata): t.metadata for t in tables}.values():
        _copy_ddl_listeners(source, target_metadata)
    copies: list[Table] = []
    for table in tables:
        # Names derived while copying (index=True, unique=True, type-bound CHECKs) follow the convention
        # of the table's own MetaData: the tables may come from several, with different conventions.
        target_metadata.naming_convention = table.metadata.naming_convention
        if adapter.flatten_schemas:
            copy = table.to_metadata(target_metadata, schema=None, referred_schema_fn=_no_schema)
        else:
            copy = table.to_metadata(target_metadata)
        _keep_constraint_order(table, copy)
        _copy_ddl_listeners(table, copy)
        _copy_index_info(table, copy)
        adapter.carry_over(table, copy)
        _drop_excluded(copy, table, selection)
        _drop_dangling_foreign_keys(copy, table, selection)
        adapter.adapt_table(copy, report)
        copies.append(copy)
    return copies


def _refuse_flattened_collisions(tables: list[Table], adapter: Adapter) -> None:
    """A target without schemas creates `a.users` and `b.users` both as `users`: one would be lost
    (`to_metadata` only warns and keeps the first), so it is an error naming both."""
    seen: dict[str, Table] = {}
    for table in tables:
        other = seen.setdefault(table.name, table)
        if other is not table:
            raise ModelError(f"{other.fullname} and {table.fullname} would both be created as {table.name!r}: "
                             f"{adapter.name} has no schemas; rename one, or leave one out of this target "
                             f"(info={{'atlas': {{'exclude': [{adapter.name!r}]}}}})", where=adapter.name)


def _keep_constraint_order(original: Table, copy: Table) -> None:
    """to_metadata() copies constraints in the order of a set, which changes from run to run; CREATE TABLE
    lists them by creation order, so each copy takes its original's, and the DDL stays byte-stable."""
    order = {_order_key(c): c._creation_order for c in original.constraints}
    for constraint in copy.constraints:
        key = _order_key(constraint)
        if key in order:
            constraint._creation_order = order[key]


def _order_key(item: object) -> tuple[tuple[str, str, str], tuple[str, ...]]:
    # _item_key with the columns in their order: UNIQUE (a, b) and UNIQUE (b, a) are two constraints
    return _item_key(item), tuple(c.name for c in getattr(item, "columns", ()))


def _copy_ddl_listeners(source: Table | MetaData, copy: Table | MetaData) -> None:
    """Carry the model's own before/after_create listeners (DDL("CREATE VIEW ..."), functions) over to
    the copy: to_metadata() only carries those listened with propagate=True. SQLAlchemy's own (enum
    types of the columns) are left, as the copy's columns registered theirs."""
    for name in _DDL_EVENTS:
        present = list(getattr(copy.dispatch, name))
        for listener in getattr(source.dispatch, name):
            if listener in present:
                continue
            function = getattr(listener, "func", listener)  # functools.partial
            module = (getattr(function, "__module__", "") or "").split(".")[0]
            if isinstance(listener, ExecutableDDLElement) or module != "sqlalchemy":
                event.listen(copy, name, listener)


def _copy_index_info(source: Table, copy: Table) -> None:
    """to_metadata() does not copy `Index.info` (SQLAlchemy 2.0 and 2.1); carry it over by index identity."""
    infos = {_item_key(index): index.info for index in source.indexes if index.info}
    for index in copy.indexes:
        info = infos.get(_item_key(index))
        if info:
            index.info.update(info)


def _no_schema(*_: object) -> object:
    return BLANK_SCHEMA  # None would mean "keep the referred table's schema"


def _drop_excluded(copy: Table, original: Table, selection: Selection) -> None:
    """Remove the columns, indexes and constraints the selection left out of this target."""
    gone_items = selection.excluded_items.get(original.fullname, [])
    gone_names = {_item_key(item) for item in gone_items}
    # Counted: of an index declared twice identically, one copy is left out and the other stays.
    gone_indexes = Counter(_item_key(item) for item in gone_items if isinstance(item, Index))
    for index in sorted(copy.indexes, key=index_key):
        if gone_indexes[_item_key(index)] > 0:
            gone_indexes[_item_key(index)] -= 1
            copy.indexes.discard(index)
    for constraint in list(copy.constraints):
        if constraint is not copy.primary_key and _item_key(constraint) in gone_names:
            copy.constraints.discard(constraint)
    for name in selection.dropped_comments.get(original.fullname, []):
        (copy.columns[name] if name else copy).comment = None
    for name in selection.excluded_columns.get(original.fullname, []):
        # SQLAlchemy has no public way to drop a column from a Table; the copy is ours alone.
        copy._columns.remove(copy.columns[name])


def _drop_dangling_foreign_keys(copy: Table, original: Table, selection: Selection) -> None:
    kept = {_item_key(fk) for fk in kept_foreign_keys(original, selection)}
    for fk in list(copy.foreign_key_constraints):
        if _item_key(fk) not in kept:
            copy.constraints.discard(fk)
            for column in fk.columns:
                column.foreign_keys.difference_update(fk.elements)
            copy.foreign_keys.difference_update(fk.elements)


def _item_key(item: object) -> tuple[str, str, str]:
    """Identify an index or constraint across a copy: kind, name, and the columns it covers."""
    columns = ",".join(sorted(c.name for c in getattr(item, "columns", ())))
    if isinstance(item, ForeignKeyConstraint):
        # by table and column only: a flattened copy (SQLite) has lost the schema
        columns += "->" + ",".join(sorted(".".join(e.target_fullname.split(".")[-2:]) for e in item.elements))
    text = str(getattr(item, "sqltext", "")) if not columns else ""
    return (type(item).__name__, str(getattr(item, "name", None) or ""), columns or text)
