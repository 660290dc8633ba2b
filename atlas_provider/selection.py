"""Choose what each target gets, from the model's own `info` dicts.

One model feeds several databases: the application's (PostgreSQL, MySQL, ...) and a ClickHouse lake.
A table, column, index or constraint says where it goes with ``info={"atlas": {...}}``:

    "targets": ["app"]      only these targets get it
    "exclude": ["lake"]     these targets do not get it (personal data that must stay out of the lake)
    "accept":  ["timezone"] the parity report accepts this lossy adaptation here

A target name is ``app`` (every application dialect), ``lake`` (ClickHouse) or a dialect name.
Names are checked: a typo must not silently send personal data to the lake.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field

from sqlalchemy import ForeignKeyConstraint, Table
from sqlalchemy.sql.schema import SchemaItem

from .errors import ModelError

APP = "app"
LAKE = "lake"
ATLAS_KEYS = frozenset({"targets", "exclude", "accept", "reason"})
ACCEPT_KINDS = frozenset({"timezone", "precision", "scale", "width", "values"})


@dataclass(frozen=True)
class Target:
    """One database that receives the model: a dialect and its role (app or lake)."""

    dialect: str
    role: str = APP

    @property
    def names(self) -> frozenset[str]:
        return frozenset({self.dialect, self.role})


@dataclass
class Selection:
    """What one target receives. Tables keep model order; the rest is keyed by table full name."""

    target: Target
    tables: list[Table]
    excluded_tables: list[Table] = field(default_factory=list)
    excluded_columns: dict[str, list[str]] = field(default_factory=dict)
    excluded_items: dict[str, list[SchemaItem]] = field(default_factory=dict)  # indexes, constraints
    # comments left out (--skip-defects): "" for the table's, else the column's name
    dropped_comments: dict[str, list[str]] = field(default_factory=dict)

    def includes(self, table: Table) -> bool:
        return table.fullname in self._names

    def __post_init__(self) -> None:
        self._names = {t.fullname for t in self.tables}

    @property
    def changes_tables(self) -> bool:
        """True when some kept table loses a column, index or constraint, so it must be copied."""
        return bool(self.excluded_columns or self.excluded_items or self.dropped_comments)


def info_of(item: SchemaItem) -> dict:
    """`item.info` without creating it: SQLAlchemy makes the dict on first access, and reading it on
    every column of a large model would create thousands of empty dicts for nothing."""
    info = vars(item).get("info")
    return info if isinstance(info, dict) else {}


def atlas_info(item: SchemaItem) -> dict:
    info = info_of(item).get("atlas")
    return info if isinstance(info, dict) else {}


def _names(value: object) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, (list, tuple, set, frozenset)) and all(isinstance(v, str) for v in value):
        return sorted(value)
    raise TypeError


def check_info(item: SchemaItem, where: str, known_targets: Collection[str]) -> None:
    """Reject unknown keys, unknown target names and unknown accept kinds in info['atlas']."""
    info = atlas_info(item)
    if not info:
        return
    unknown_keys = sorted(set(info) - ATLAS_KEYS)
    if unknown_keys:
        raise ModelError(f"info['atlas'] has unknown key {unknown_keys[0]!r} (known: {', '.join(sorted(ATLAS_KEYS))})",
                         where=where)
    for key in ("targets", "exclude"):
        try:
            names = _names(info.get(key))
        except TypeError:
            raise ModelError(f"info['atlas'][{key!r}] must be a target name or a list of them", where=where) from None
        for name in names:
            if name not in known_targets:
                raise ModelError(
                    f"info['atlas'][{key!r}] names unknown target {name!r} (known: {', '.join(sorted(known_targets))})",
                    where=where,
                )
    try:
        kinds = _names(info.get("accept"))
    except TypeError:
        raise ModelError("info['atlas']['accept'] must be a list of kinds", where=where) from None
    for kind in kinds:
        if kind not in ACCEPT_KINDS:
            raise ModelError(f"info['atlas']['accept'] has unknown kind {kind!r} (known: {', '.join(sorted(ACCEPT_KINDS))})",
                             where=where)


def wanted(item: SchemaItem, target: Target) -> bool:
    """Whether `item` goes to `target` according to its info['atlas']."""
    info = atlas_info(item)
    if not info:
        return True
    only = _names(info.get("targets"))
    if only and target.names.isdisjoint(only):
        return False
    return target.names.isdisjoint(_names(info.get("exclude")))


def accepted(item: SchemaItem) -> frozenset[str]:
    """The lossy adaptations the model accepts for this item (info['atlas']['accept'])."""
    return frozenset(_names(atlas_info(item).get("accept")))


def select(tables: Sequence[Table], target: Target, where: dict[str, str]) -> Selection:
    """Split the model's tables into what `target` gets and what it leaves out on purpose.

    `where` maps a table's full name to the place it was defined, for error messages.
    """
    kept: list[Table] = []
    excluded_tables: list[Table] = []
    excluded_columns: dict[str, list[str]] = {}
    excluded_items: dict[str, list[SchemaItem]] = {}
    for table in tables:
        if not wanted(table, target):
            excluded_tables.append(table)
            continue
        kept.append(table)
        dropped = [c.name for c in table.columns if not wanted(c, target)]
        for name in dropped:
            if table.columns[name].primary_key:
                raise ModelError(
                    f"column {name!r} is part of the primary key and cannot be left out of target {target.dialect!r}",
                    where=where.get(table.fullname, table.fullname),
                )
        if dropped:
            excluded_columns[table.fullname] = dropped
        # what depends on a left-out table or column is closure.py's: it names what goes with them
        items = [item for item in [*sorted(table.indexes, key=lambda i: str(i.name)), *table.constraints]
                 if item is not table.primary_key and not wanted(item, target)]
        if items:
            excluded_items[table.fullname] = items
    return Selection(target, kept, excluded_tables, excluded_columns, excluded_items)


def kept_foreign_keys(table: Table, selection: Selection) -> list[ForeignKeyConstraint]:
    """Foreign keys of `table` that the target keeps: not left out (closure.py leaves out those to a table the
    target does not get)."""
    gone = selection.excluded_items.get(table.fullname, ())
    return [fk for fk in table.foreign_key_constraints if fk not in gone]

