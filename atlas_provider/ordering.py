"""Put the tables in an order Atlas can execute on an empty database.

Tables come in dependency order (a table after the tables its foreign keys refer to), ties broken by
(schema, name). Where foreign keys form a cycle, the cycle is broken at the first table by name that
is still waiting: its foreign keys to tables not yet created are set aside and added with ALTER TABLE
after every table exists. All tie-breaking lives in this one module.

This is Kahn's algorithm with a heap rather than SQLAlchemy's `sort_tables_and_constraints`: that
one sorts in layers, which is quadratic on a chain of foreign keys (5,000 tables, each referring to
the previous one, is a real shape), and it sets aside every foreign key of every table in a cycle
where one per cycle is enough.
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import ForeignKeyConstraint, Table

from .loading import table_key


@dataclass
class Order:
    """Tables with the foreign keys created inline, then the foreign keys added afterwards."""

    tables: list[tuple[Table, list[ForeignKeyConstraint]]]
    deferred: list[ForeignKeyConstraint]


def foreign_key_key(fk: ForeignKeyConstraint) -> tuple[str, str, str, str]:
    return (fk.table.schema or "", fk.table.name, str(fk.name or ""), ",".join(c.name for c in fk.columns))


def _referred(fk: ForeignKeyConstraint) -> str:
    return fk.elements[0].target_fullname.rsplit(".", 1)[0]


def order_tables(tables: list[Table], *, can_alter: bool) -> Order:
    """Dependency order, ties by name. With `can_alter` False (SQLite) every foreign key stays inline:
    such databases accept a reference to a table that does not exist yet."""
    by_name = {t.fullname: t for t in tables}
    keys = {t.fullname: table_key(t) for t in tables}
    waiting_on: dict[str, set[str]] = {name: set() for name in by_name}  # table -> tables it needs first
    needed_by: dict[str, set[str]] = defaultdict(set)
    for table in tables:
        for fk in table.foreign_key_constraints:
            parent = _referred(fk)
            if parent in by_name and parent != table.fullname and not fk.use_alter:
                waiting_on[table.fullname].add(parent)
                needed_by[parent].add(table.fullname)

    ready = [(keys[name], name) for name, parents in waiting_on.items() if not parents]
    heapq.heapify(ready)
    done: set[str] = set()
    order: list[str] = []
    while len(order) < len(by_name):
        if not ready:  # a cycle: release the first waiting table by name
            name = min((n for n in by_name if n not in done), key=keys.__getitem__)
            waiting_on[name].clear()
            heapq.heappush(ready, (keys[name], name))
        _, name = heapq.heappop(ready)
        if name in done:
            continue
        done.add(name)
        order.append(name)
        for child in needed_by[name]:
            waiting = waiting_on[child]
            waiting.discard(name)
            if not waiting and child not in done:
                heapq.heappush(ready, (keys[child], child))

    created: set[str] = set()
    result: list[tuple[Table, list[ForeignKeyConstraint]]] = []
    deferred: list[ForeignKeyConstraint] = []
    for name in order:
        table = by_name[name]
        inline: list[ForeignKeyConstraint] = []
        for fk in table.foreign_key_constraints:
            parent = _referred(fk)
            later = parent != name and parent not in created
            if can_alter and (fk.use_alter or later):
                deferred.append(fk)
            else:
                inline.append(fk)
        created.add(name)
        result.append((table, sorted(inline, key=foreign_key_key)))
    return Order(result, sorted(deferred, key=foreign_key_key))
