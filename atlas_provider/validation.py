"""Model defects that every database would reject, caught before anything is printed.

Each is a mistake real projects ship: a foreign key to a table that is not in the model, or to a
column that is neither the primary key nor unique, an index with no columns, two indexes with one
name. The message says which model, where it was defined, and what the user can do.
"""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import Column, ForeignKey, ForeignKeyConstraint, Index, Table, UniqueConstraint
from sqlalchemy.exc import NoReferencedColumnError, NoReferencedTableError

from .errors import ModelError
from .loading import Model


def _unique_column_sets(table: Table) -> list[frozenset[str]]:
    sets = [frozenset(c.name for c in table.primary_key.columns)]
    sets += [frozenset(c.name for c in con.columns) for con in table.constraints if isinstance(con, UniqueConstraint)]
    sets += [frozenset(c.name for c in ix.columns) for ix in table.indexes if _whole_columns_unique(ix)]
    sets += [frozenset({c.name}) for c in table.columns if c.unique]
    return [s for s in sets if s]


def _whole_columns_unique(index: Index) -> bool:
    """A unique index a foreign key can refer to: on plain columns, over every row. Unique on an
    expression (lower(email)) or on some rows (postgresql_where=...) does not make the columns unique."""
    partial = any(key.endswith("_where") and value is not None for key, value in index.dialect_kwargs.items())
    plain = all(isinstance(expression, Column) for expression in index.expressions)
    return bool(index.unique and index.columns and plain and not partial)


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


def _check_foreign_key(fk: ForeignKeyConstraint, where: str, tables: dict[str, Table]) -> None:
    local = ", ".join(f"{fk.table.name}.{c.name}" for c in fk.columns) or fk.table.name
    referred: list[str] = []
    target: Table | None = None
    for element in fk.elements:
        try:
            column = _referred_column(element, tables)
        except (NoReferencedTableError, NoReferencedColumnError) as error:
            advice = ("define that table in the model or load the module that does (--path/--model)"
                      if isinstance(error, NoReferencedTableError) else "add that column or correct the reference")
            raise ModelError(
                f"foreign key {local} -> {element.target_fullname}: {str(error).splitlines()[0]}; {advice}",
                where=where,
            ) from None
        referred.append(column.name)
        target = column.table
    assert target is not None
    if frozenset(referred) not in _unique_column_sets(target):
        names = ", ".join(f"{target.fullname}.{name}" for name in referred)
        raise ModelError(
            f"foreign key {local} -> {names}: the referenced column is neither the primary key nor unique, "
            f"which databases reject; mark it unique (unique=True or a UniqueConstraint) or refer to the primary key",
            where=where,
        )


def validate(model: Model) -> None:
    """Raise ModelError for the first defect found, in table order."""
    index_names: dict[tuple[str, str], str] = {}
    by_name = {table.fullname: table for table in model.tables}
    for table in model.tables:
        where = model.where(table)
        for fk in sorted(table.foreign_key_constraints, key=lambda f: [c.name for c in f.columns]):
            _check_foreign_key(fk, where, by_name)
        seen_in_table: dict[str, Index] = defaultdict()
        for index in sorted(table.indexes, key=lambda i: str(i.name)):
            if not index.expressions:
                raise ModelError(
                    f"index {index.name!r} on {table.fullname} has no columns; give it columns or remove it",
                    where=where,
                )
            name = str(index.name or "")
            if not name:
                continue
            if name in seen_in_table:
                raise ModelError(f"index {name!r} is declared twice on {table.fullname}; remove one", where=where)
            seen_in_table[name] = index
            # PostgreSQL and SQLite index names are unique per schema, not per table
            other = index_names.setdefault((table.schema or "", name), table.fullname)
            if other != table.fullname:
                raise ModelError(
                    f"index name {name!r} is used on both {other} and {table.fullname}; index names must be unique "
                    "within a schema",
                    where=where,
                )
