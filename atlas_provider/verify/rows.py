"""Edge-case rows for every column, from its type: the values a lake type is most likely to change.

Each column gets the cases of its family (`CASES`), cut to what the application database's column can hold
(its length, precision and scale as the app's DDL says, read by `typefacts`), plus NULL when it is nullable.
A table gets as many rows as its longest list needs, so every case of every column is inserted once at
least; the assignment of cases to rows is rotated per column by a seeded generator, so that NULLs and
extremes do not all land in the same row. The model's constraints are kept: primary-key and unique columns
get distinct values, and a foreign key copies the referred columns of a parent row, which is inserted first.

Nothing here touches a database: `plan_rows` returns plain Python values that SQLAlchemy binds.
"""

from __future__ import annotations

import datetime as dt
import random
import re
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Column, Table
from sqlalchemy.sql import visitors
from sqlalchemy.types import TypeDecorator, TypeEngine

from ..errors import ModelError
from ..typefacts import Facts, model_facts
from . import pgvalues

UTC = dt.timezone.utc

# Unicode that lake types have mangled before: accents, CJK, an emoji outside the BMP, quotes, backslashes,
# control characters and surrounding spaces.
STRINGS = ["", "plain", "Grüße, 世界 🎉", "O'Reilly \"quoted\" back\\slash", "line\nbreak\ttab", " padded  "]
BYTES = [b"", b"\x00\xff\x00", bytes(range(256)), b"plain"]
UUIDS = [uuid.UUID(int=0), uuid.UUID(int=2**128 - 1), uuid.UUID("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11")]
JSONS: list[Any] = [
    # 2**63 and -2**63 - 1 sit just outside a 64-bit integer, where JSON readers switch to doubles
    {"nested": {"list": [1, 2.5, {"deep": None}], "flag": True}, "big": 12345678901234567890123,
     "u64": 2**63},
    [],
    {},
    "text é 🎉",
    -9223372036854775809,
    0.1,
]
DATES = [dt.date(1970, 1, 1), dt.date(1969, 12, 31), dt.date(2000, 2, 29), dt.date(1900, 1, 1),
         dt.date(2299, 12, 31)]
NAIVE_DATETIMES = [
    dt.datetime(1970, 1, 1), dt.datetime(1969, 12, 31, 23, 59, 59, 500000),
    dt.datetime(2024, 2, 29, 23, 59, 59, 999999), dt.datetime(1900, 1, 1, 0, 0, 0, 1),
    dt.datetime(2038, 1, 19, 3, 14, 8), dt.datetime(2299, 12, 31, 23, 59, 59, 999999),
]
AWARE_DATETIMES = [
    dt.datetime(2024, 2, 29, 23, 59, 59, 999999, tzinfo=dt.timezone(dt.timedelta(hours=5, minutes=30))),
    dt.datetime(1970, 1, 1, tzinfo=UTC),
    dt.datetime(2000, 1, 1, 0, 0, 0, 1, tzinfo=dt.timezone(dt.timedelta(hours=-8))),
    dt.datetime(1969, 12, 31, 23, 59, 59, 500000, tzinfo=UTC),
    dt.datetime(2299, 12, 30, 12, 0, tzinfo=dt.timezone(dt.timedelta(hours=14))),
]
TIMES = [dt.time(0, 0), dt.time(23, 59, 59, 999999), dt.time(12, 34, 56, 500000), dt.time(13, 45, 30)]
INTERVALS = [dt.timedelta(0), dt.timedelta(days=1, hours=2, minutes=3, seconds=4, microseconds=500000),
             dt.timedelta(days=400), dt.timedelta(microseconds=1)]
DOUBLES = [0.0, 1.5, -2.25, 1.7976931348623157e308, 2.2250738585072014e-308, 3.141592653589793, 0.1]
SINGLES = [0.0, 1.5, -2.25, 3.4028234663852886e38, 1.1754943508222875e-38, 0.1]


def _integers(facts: Facts) -> list[int]:
    bits = facts.width or 64
    if not facts.signed:
        return [0, 1, 42, 2**bits - 1]
    return [0, 1, -1, 42, 2 ** (bits - 1) - 1, -(2 ** (bits - 1))]


def _decimals(facts: Facts) -> list[Decimal]:
    if facts.precision is None:  # unbounded (PostgreSQL NUMERIC): beyond what any fixed Decimal holds
        big = Decimal("1" + "2345678901" * 4 + ".5")
        tiny = Decimal("0." + "0" * 39 + "1")
        return [Decimal(0), Decimal("1.50"), big, -big, tiny, Decimal("12345.6789")]
    scale = facts.scale or 0
    # written out, not computed: Decimal arithmetic rounds to 28 digits
    largest = Decimal("9" * (facts.precision - scale) + ("." + "9" * scale if scale else "") or "0")
    cases = [Decimal(0), largest, -largest, Decimal(f"1E-{scale}")]
    if scale:
        cases.append(Decimal("1.50").quantize(Decimal(10) ** -scale) if scale >= 2 else Decimal("1.5"))
    return cases


def _strings(facts: Facts) -> list[str]:
    cases = list(STRINGS)
    if facts.width:
        cases.append(("é世" * facts.width)[: facts.width])  # as long as the column allows, multi-byte
        cases = [case[: facts.width] for case in cases]
    return cases


def _binaries(facts: Facts) -> list[bytes]:
    return [case[: facts.width] if facts.width else case for case in BYTES]


def _datetimes(facts: Facts) -> list[dt.datetime]:
    return list(AWARE_DATETIMES if facts.timezone else NAIVE_DATETIMES)


# family -> the edge cases of a column with these facts (the app column's capacity)
CASES: dict[str, Callable[[Facts], list[Any]]] = {
    "boolean": lambda facts: [True, False],
    "integer": _integers,
    "float": lambda facts: list(SINGLES if (facts.precision or 53) <= 24 else DOUBLES),
    "decimal": _decimals,
    "string": _strings,
    "binary": _binaries,
    "uuid": lambda facts: list(UUIDS),
    "json": lambda facts: list(JSONS),
    "date": lambda facts: list(DATES),
    "datetime": _datetimes,
    "time": lambda facts: list(TIMES),
    "interval": lambda facts: list(INTERVALS),
    "enum": lambda facts: list(facts.values),
}


def _filler(family: str, facts: Facts, index: int) -> Any:
    """A plain value distinct for each `index`, for key and unique columns that need more values."""
    if family in ("integer", "decimal"):
        return 1000 + index
    if family == "float":
        return 1000.0 + index
    if family == "string":
        text = f"u{index}"
        return text[-facts.width:] if facts.width and len(text) > facts.width else text
    if family == "binary":
        return f"u{index}".encode()
    if family == "uuid":
        return uuid.uuid5(uuid.NAMESPACE_OID, str(index))
    if family == "date":
        return dt.date(2001, 1, 1) + dt.timedelta(days=index)
    if family == "datetime":
        base = dt.datetime(2001, 1, 1, tzinfo=UTC if facts.timezone else None)
        return base + dt.timedelta(seconds=index)
    if family == "time":
        return dt.time(index // 3600 % 24, index // 60 % 60, index % 60)
    if family == "interval":
        return dt.timedelta(seconds=index)
    raise ModelError(f"cannot make {index + 1} distinct values of a {family} column")


@dataclass(frozen=True)
class ColumnPlan:
    """What one column gets: its family, the facts of the app's type, its cases (None: NULL)."""

    name: str
    family: str
    facts: Facts
    element: Facts | None = None  # the element type of an array
    cases: tuple[Any, ...] = ()
    note: str = ""  # why the column is not generated (a type without cases, a computed column)
    compare_as: str = ""  # the family the app really stores (SQLite keeps a DECIMAL as a REAL: "float")


@dataclass
class TablePlan:
    """The rows of one table, as {column name: value} in insertion order, and its columns' plans."""

    table: Table
    columns: dict[str, ColumnPlan]
    rows: list[dict[str, Any]] = field(default_factory=list)


def resolved_type(column: Column[Any], dialect: sa.engine.Dialect) -> TypeEngine[Any]:
    """The column's type as `dialect` gets it: `with_variant` resolved, TypeDecorators unwrapped."""
    type_ = column.type
    variants = getattr(type_, "_variant_mapping", {})
    type_ = variants.get(dialect.name, type_)
    while isinstance(type_, TypeDecorator) and not isinstance(type_, sa.Interval):
        type_ = type_.impl_instance
    return type_


def column_plan(column: Column[Any], app_facts: Facts, dialect: sa.engine.Dialect) -> ColumnPlan:
    """The family and edge cases of `column`, whose app type has `app_facts` (its capacity there)."""
    type_ = resolved_type(column, dialect)
    if column.computed is not None:
        return ColumnPlan(column.name, "other", app_facts, note="computed by the database")
    element: Facts | None = None
    if isinstance(type_, sa.ARRAY):
        element = model_facts(type_.item_type)
        family = "array"
        cases = CASES.get(element.family, lambda facts: [])(element)
        if not cases:
            return ColumnPlan(column.name, family, app_facts, element, note=f"array of {element.family}")
        # NULL elements, an empty array, every element case
        values: list[Any] = [[cases[0], None, cases[-1]], [], cases, [None]]
        return ColumnPlan(column.name, family, app_facts, element, tuple(values))
    model = model_facts(type_)
    family = "enum" if model.values else model.family  # a non-native Enum is a string of known labels
    facts = _capacity(model, app_facts)
    postgres = pgvalues.postgres_cases(type_) if family == "other" else None
    if postgres is not None:
        return ColumnPlan(column.name, pgvalues.FAMILY, facts, None, tuple(postgres))
    if family not in CASES:
        return ColumnPlan(column.name, family, facts, note=f"no edge cases for {model.name or family}")
    return ColumnPlan(column.name, family, facts, None, tuple(CASES[family](facts)))


def bound_value(plan: ColumnPlan, column: Column[Any], value: Any) -> Any:
    """How a planned value is written: a JSON column's None as SQL NULL (not the document null), PostgreSQL
    text as a CAST to the column's type (and its None as SQL NULL: JSONPATH's bind processor writes '{}')."""
    if value is None:
        return sa.null() if plan.family in ("json", pgvalues.FAMILY) else None
    if plan.family == pgvalues.FAMILY:
        return sa.cast(sa.literal(value, sa.Text()), column.type)
    return value


def _narrower(model: int | None, app: int | None) -> int | None:
    return app if model is None else model if app is None else min(model, app)


def _capacity(model: Facts, app: Facts) -> Facts:
    """What the application puts in a column: the model's type, cut to what the app's column holds where
    that is less (SQLite keeps 64 bits in a SMALLINT; MySQL stores an aware DateTime naive). Another family
    in the app (a Uuid as CHAR(32)) changes nothing: the values are still the model's."""
    if app.family != model.family:
        return replace(model, timezone=False) if model.family == "datetime" else model
    precision = _narrower(model.precision, app.precision)
    if model.family == "decimal" and model.precision is not None and app.precision is None:
        precision = model.precision
    return replace(model, timezone=model.timezone and app.timezone, precision=precision,
                   scale=_narrower(model.scale, app.scale) if model.family == "decimal" else model.scale,
                   width=_narrower(model.width, app.width))


def _distinct(plan: ColumnPlan, count: int) -> list[Any]:
    """`count` distinct non-NULL values: the cases first, then fillers."""
    values: list[Any] = []
    for case in plan.cases:
        if case is not None and case not in values:
            values.append(case)
    index = 0
    while len(values) < count:
        filler = _filler(plan.family, plan.facts, index)
        index += 1
        if filler not in values:
            values.append(filler)
    return values[:count]


def unique_columns(table: Table) -> set[str]:
    """Columns whose values must differ between rows: the first column of the primary key and of each
    unique constraint or index (an expression's columns too) that is not a foreign key (a foreign key copies
    a distinct parent row)."""
    groups: list[Sequence[Column[Any]]] = [list(table.primary_key.columns)]
    groups += [list(c.columns) for c in table.constraints if isinstance(c, sa.UniqueConstraint)]
    for index in table.indexes:  # an expression index (lower(email)) makes its columns unique too
        if index.unique:
            groups.append([c for expression in index.expressions for c in visitors.iterate(expression)
                           if isinstance(c, Column) and c.table is table])
    found: set[str] = set()
    for group in groups:
        group = [source for c in group for source in _sources(table, c)]
        own = [c for c in group if not c.foreign_keys]
        if own:
            found.add(own[0].name)
    return found


def _sources(table: Table, column: Column[Any]) -> list[Column[Any]]:
    """The columns whose values make `column`'s: itself, or for a computed column (MariaDB's stand-in for
    a unique expression index, `email_lower`) the columns its expression names."""
    if column.computed is None:
        return [column]
    expression = column.computed.sqltext
    named = [c for c in visitors.iterate(expression) if isinstance(c, Column) and c.table is table]
    if not named:  # a text() expression: the columns whose names it mentions
        text = str(expression)
        named = [c for c in table.columns if c is not column and re.search(rf"\b{re.escape(c.name)}\b", text)]
    return named


def row_count(plans: Sequence[ColumnPlan], minimum: int = 3) -> int:
    """Rows a table needs so that each column's cases (and NULL) appear at least once."""
    return max([minimum, *(len(p.cases) + 1 for p in plans if p.cases)])


def plan_table(table: Table, plans: dict[str, ColumnPlan], nullable: dict[str, bool], seed: int,
               parents: dict[str, TablePlan]) -> TablePlan:
    """The rows of `table`. `parents` holds the plans of the tables its foreign keys refer to that were
    planned before it (a self-reference points at the previous row; a later table's key stays NULL)."""
    count = row_count(list(plans.values()))
    unique = unique_columns(table)
    result = TablePlan(table, plans)
    columns: dict[str, list[Any]] = {}
    for name, plan in plans.items():
        if not plan.cases:
            continue
        if name in unique or name in table.primary_key.columns:
            columns[name] = _distinct(plan, count)
            continue
        cases = list(plan.cases) + ([None] if nullable[name] else [])
        offset = random.Random(f"{seed}:{table.fullname}:{name}").randrange(len(cases))
        columns[name] = [cases[(offset + i) % len(cases)] for i in range(count)]
    result.rows = [{name: values[i] for name, values in columns.items()} for i in range(count)]
    for fk in sorted(table.foreign_key_constraints, key=lambda c: [col.name for col in c.columns]):
        _fill_reference(result, fk, parents, nullable)
    return result


def _fill_reference(plan: TablePlan, fk: sa.ForeignKeyConstraint, parents: dict[str, TablePlan],
                    nullable: dict[str, bool]) -> None:
    """Copy the referred columns of a parent row into each row. The parent's last row is never referred
    to, so that a CDC delete can remove it without breaking a foreign key."""
    pairs = [(element.parent.name, element.column.name) for element in fk.elements]
    parent = plan if fk.referred_table is plan.table else parents.get(fk.referred_table.fullname)
    may_be_null = all(nullable[child] for child, _ in pairs)
    for index, row in enumerate(plan.rows):
        if parent is plan:  # a self-reference: the previous row, the first row has none
            source = plan.rows[index - 1] if index else None
        elif parent is None or len(parent.rows) < 2:
            source = None
        else:
            source = parent.rows[index % (len(parent.rows) - 1)]
        if source is None and not may_be_null:
            raise ModelError(f"cannot generate rows: foreign key {fk.table.fullname}({', '.join(c for c, _ in pairs)})"
                             f" -> {fk.referred_table.fullname} is NOT NULL in a cycle", where=plan.table.fullname)
        for child, referred in pairs:
            row[child] = None if source is None else source[referred]


def insertion_order(tables: Sequence[Table]) -> list[Table]:
    """`tables` (in the provider's execution order) with each table after the parents its NOT NULL
    foreign keys need; a nullable foreign key to a table not inserted yet stays NULL (see `_fill_reference`)."""
    names = {t.fullname for t in tables}
    pending, done, order = list(tables), set(), []
    while pending:
        for table in pending:
            needs = {fk.referred_table.fullname for fk in table.foreign_key_constraints
                     if fk.referred_table is not table and fk.referred_table.fullname in names
                     and not all(c.nullable for c in fk.columns)}
            if needs <= done:
                break
        else:
            raise ModelError("cannot generate rows: the NOT NULL foreign keys of these tables form a cycle: "
                             + ", ".join(t.fullname for t in pending))
        pending.remove(table)
        done.add(table.fullname)
        order.append(table)
    return order
