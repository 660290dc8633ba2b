"""Put the tables in an order Atlas can execute on an empty database.

SQLAlchemy sorts tables by foreign-key dependency and, where foreign keys form a cycle, sets those
constraints aside to be added with ALTER TABLE after every table exists. Its order is deterministic
for a given input order, so the input is sorted by (schema, name); the set-aside constraints come
back as a set and are sorted here. That is all the tie-breaking there is, kept in this one module.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ForeignKeyConstraint, Table
from sqlalchemy.schema import sort_tables_and_constraints

from .loading import table_key


@dataclass
class Order:
    """Tables with the foreign keys created inline, then the foreign keys added afterwards."""

    tables: list[tuple[Table, list[ForeignKeyConstraint]]]
    deferred: list[ForeignKeyConstraint]


def foreign_key_key(fk: ForeignKeyConstraint) -> tuple[str, str, str, str]:
    return (fk.table.schema or "", fk.table.name, str(fk.name or ""), ",".join(c.name for c in fk.columns))


def order_tables(tables: list[Table], *, can_alter: bool) -> Order:
    """Dependency order, ties by name. With `can_alter` False (SQLite) every foreign key stays inline:
    such databases accept a reference to a table that does not exist yet."""
    ordered = sort_tables_and_constraints(sorted(tables, key=table_key))
    result: list[tuple[Table, list[ForeignKeyConstraint]]] = []
    deferred: list[ForeignKeyConstraint] = []
    for table, inline in ordered:
        if table is None:
            deferred = sorted(inline, key=foreign_key_key)
        else:
            result.append((table, sorted(inline, key=foreign_key_key)))
    if not can_alter:
        result = [(table, sorted(table.foreign_key_constraints, key=foreign_key_key)) for table, _ in result]
        deferred = []
    return Order(result, deferred)
