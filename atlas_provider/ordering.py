"""Put the tables in an order Atlas can execute on an empty database.

Tables come in dependency order (a table after the tables its foreign keys refer to), ties broken by
(schema, name). Where foreign keys form a cycle, the cycle is broken at a table that is in it: the first
by name among the tables of a cycle that waits on nothing outside it. Only its foreign keys to tables of
that cycle not yet created are set aside and added with ALTER TABLE after every table exists. All
tie-breaking lives in this one module.

Foreign keys keep the order the model declares them in (SQLAlchemy's creation order), inline and deferred
alike. MySQL and MariaDB name an unnamed foreign key `<table>_ibfk_<n>` in the order they create them
(https://dev.mysql.com/doc/refman/8.0/en/create-table-foreign-keys.html#foreign-key-naming); Atlas matches
objects by name, so the same order as `metadata.create_all()` and across releases means no foreign key is
dropped and added again. A new foreign key declared last takes the next number.

This is Kahn's algorithm with a heap rather than SQLAlchemy's `sort_tables_and_constraints`: that
one sorts in layers, which is quadratic on a chain of foreign keys (5,000 tables, each referring to
the previous one, is a real shape), and it sets aside every foreign key of every table in a cycle
where one per cycle is enough.
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import ForeignKeyConstraint, Table

from .loading import table_key


@dataclass
class Order:
    """Tables with the foreign keys created inline, then the foreign keys added afterwards."""

    tables: list[tuple[Table, list[ForeignKeyConstraint]]]
    deferred: list[ForeignKeyConstraint]


def declaration_order(fks: object) -> list[ForeignKeyConstraint]:
    """Foreign keys in the order the model declared them (what CREATE TABLE lists them in)."""
    return sorted(fks, key=lambda fk: fk._creation_order)  # type: ignore[arg-type, attr-defined]


SchemaKey = Callable[[str | None], str | None]


def _same(schema: str | None) -> str | None:
    return schema


def _name(schema: str | None, name: str) -> str:
    return f"{schema}.{name}" if schema else name


def _referred(fk: ForeignKeyConstraint, schema_key: SchemaKey) -> str:
    """The table a foreign key refers to, named as `order_tables` names tables."""
    element = fk.elements[0]
    tokens = getattr(element, "_column_tokens", None)  # (schema, table, column) as the key names them
    if not tokens or tokens[1] is None:
        return element.target_fullname.rsplit(".", 1)[0]
    return _name(schema_key(tokens[0]), tokens[1])


def _cycles(waiting_on: dict[str, set[str]]) -> dict[str, int]:
    """Table -> id of its strongly connected component, for tables in a cycle of two or more tables
    (Tarjan's algorithm, iterative: a chain of thousands of tables must not exhaust the stack)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    component: dict[str, int] = {}
    counter = 0
    for root in sorted(waiting_on):
        if root in index:
            continue
        work = [(root, iter(sorted(waiting_on[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, parents = work[-1]
            advanced = False
            for parent in parents:
                if parent not in index:
                    index[parent] = low[parent] = counter
                    counter += 1
                    stack.append(parent)
                    on_stack.add(parent)
                    work.append((parent, iter(sorted(waiting_on[parent]))))
                    advanced = True
                    break
                if parent in on_stack:
                    low[node] = min(low[node], index[parent])
            if advanced:
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                members = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    members.append(member)
                    if member == node:
                        break
                if len(members) > 1:
                    for member in members:
                        component[member] = index[node]
    return component


def order_tables(tables: list[Table], *, can_alter: bool, schema_key: SchemaKey = _same) -> Order:
    """Dependency order, ties by name. With `can_alter` False (SQLite) every foreign key stays inline:
    such databases accept a reference to a table that does not exist yet. `schema_key` names the target's
    schemas (its default schema as None), so a key to `public.users` waits for `users` on PostgreSQL."""
    names = {id(t): _name(schema_key(t.schema), t.name) for t in tables}
    by_name = {names[id(t)]: t for t in tables}
    keys = {names[id(t)]: table_key(t) for t in tables}
    waiting_on: dict[str, set[str]] = {name: set() for name in by_name}  # table -> tables it needs first
    needed_by: dict[str, set[str]] = defaultdict(set)
    for table in tables:
        for fk in table.foreign_key_constraints:
            parent = _referred(fk, schema_key)
            if parent in by_name and parent != names[id(table)] and not fk.use_alter:
                waiting_on[names[id(table)]].add(parent)
                needed_by[parent].add(names[id(table)])

    component = _cycles(waiting_on)
    in_cycles = sorted(component, key=keys.__getitem__)
    ready = [(keys[name], name) for name, parents in waiting_on.items() if not parents]
    heapq.heapify(ready)
    done: set[str] = set()
    order: list[str] = []
    while len(order) < len(by_name):
        if not ready:
            name = _cycle_breaker(in_cycles, done, waiting_on, component)
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
        for fk in declaration_order(table.foreign_key_constraints):
            parent = _referred(fk, schema_key)
            later = parent != name and parent not in created
            if can_alter and (fk.use_alter or later):
                deferred.append(fk)
            else:
                inline.append(fk)
        created.add(name)
        result.append((table, inline))
    return Order(result, deferred)


def _cycle_breaker(in_cycles: list[str], done: set[str], waiting_on: dict[str, set[str]],
                   component: dict[str, int]) -> str:
    """The first table by name that is in a cycle and waits only on tables of that cycle. One exists
    whenever nothing is ready: the cycles nothing else holds up qualify, every table in them."""
    for name in in_cycles:
        if name not in done and all(component.get(parent) == component[name] for parent in waiting_on[name]):
            return name
    raise AssertionError("no table is ready and none breaks a cycle")  # cannot happen: see the docstring
