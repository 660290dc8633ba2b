"""The limits a target's database enforces on names, labels, comments and keys, checked where the model shows them.

Each limit is a fact on the dialect adapter (dialects/base.py, "limits"), with the server's documentation or a
live check cited there; this module only applies them. A break is a defect (defects.py): refused by default; under
--skip-defects left out where something can be left out (an index, a constraint, a comment), and an error
otherwise: a table or column cannot be left out without changing every statement that uses it, nor an enum label.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from sqlalchemy import CheckConstraint, Column, Enum, ForeignKeyConstraint, Index, Table, UniqueConstraint
from sqlalchemy.sql.elements import ClauseElement, TextClause, _truncated_label
from sqlalchemy.sql.schema import SchemaItem

from .defects import Defect
from .dialects.base import Adapter
from .selection import Selection

NUL = "\x00"


def limit_defects(selection: Selection, adapter: Adapter) -> list[Defect]:
    """Every break of the target's limits in what `selection` gives it, table by table."""
    found: list[Defect] = []
    for table in selection.tables:
        gone_columns = set(selection.excluded_columns.get(table.fullname, []))
        gone = selection.excluded_items.get(table.fullname, [])
        columns = [c for c in table.columns if c.name not in gone_columns]
        keys = [*sorted((i for i in table.indexes if i not in gone), key=lambda i: str(i.name)),
                *(c for c in table.constraints if isinstance(c, UniqueConstraint) and c not in gone)]
        found += _names(table, columns, adapter)
        found += _enum_labels(table, columns, adapter)
        found += _nul_characters(table, columns, adapter)
        found += _comments(table, columns, adapter)
        found += _key_parts(table, keys, adapter)
        found += _case_clashes(table, columns, keys, adapter)
    found += _table_case_clashes(selection, adapter)
    return found


def _unit(adapter: Adapter) -> str:
    return "bytes" if adapter.name_length_in_bytes else "characters"


def _length(name: str, adapter: Adapter) -> int:
    return len(name.encode()) if adapter.name_length_in_bytes else len(name)


def _names(table: Table, columns: list[Column], adapter: Adapter) -> Iterator[Defect]:
    """Table, column and (PostgreSQL) enum type names: too long, or with characters the database cannot store.
    Index and constraint names are validation.py's (they can be left out)."""
    named: list[tuple[str, str]] = [("table", table.name)]
    named += [(f"column {table.fullname}.{c.name}", c.name) for c in columns]
    if adapter.named_enum_types:
        named += [(f"enum type of {table.fullname}.{c.name}", str(c.type.name)) for c in columns
                  if isinstance(c.type, Enum) and c.type.native_enum and c.type.name]
    limit = adapter.max_name_length
    for what, name in named:
        subject = f"table {table.fullname}" if what == "table" else what
        if limit is not None and _length(name, adapter) > limit:
            yield Defect(table, table, subject, f"its name {name!r} is {_length(name, adapter)} {_unit(adapter)} long, "
                         f"and {adapter.name} allows {limit}{adapter.name_overflow}", f"give it a name of at most "
                         f"{limit} {_unit(adapter)} (name= on the Column, __tablename__ or Table(...))",
                         kind="name", can_leave_out=False)
        elif adapter.identifier_bmp_only and any(ord(ch) > 0xFFFF for ch in name):
            yield Defect(table, table, subject, f"its name {name!r} has a character outside Unicode's Basic "
                         f"Multilingual Plane, which {adapter.name} cannot store in a name (error 1300)",
                         "rename it without such characters (emoji, for instance)", kind="name", can_leave_out=False)


def _enum_labels(table: Table, columns: list[Column], adapter: Adapter) -> Iterator[Defect]:
    limit = adapter.max_enum_label_bytes
    if limit is None:
        return
    for column in columns:
        kind = column.type
        if not (isinstance(kind, Enum) and kind.native_enum):
            continue
        for label in kind.enums:
            if len(label.encode()) > limit:
                yield Defect(table, column, f"column {table.fullname}.{column.name}",
                             f"its enum label {label!r} is {len(label.encode())} bytes long, and {adapter.name} "
                             f"allows {limit}", f"shorten the label to at most {limit} bytes, or use "
                             "Enum(..., native_enum=False)", kind="enum label", can_leave_out=False)
                break


def _nul_characters(table: Table, columns: list[Column], adapter: Adapter) -> Iterator[Defect]:
    """A NUL character in a default, a check, or a comment: the statement cannot reach the database."""
    if not adapter.rejects_nul:
        return
    for column in columns:
        default = column.server_default
        text = _text(getattr(default, "arg", None))
        if text is not None and NUL in text:
            yield Defect(table, column, f"column {table.fullname}.{column.name}",
                         f"its server default has a NUL character, which {adapter.name} cannot take in a statement",
                         "remove the NUL character", kind="default", can_leave_out=False)
    for check in table.constraints:
        text = _text(getattr(check, "sqltext", None)) if isinstance(check, CheckConstraint) else None
        if text is not None and NUL in text:
            yield Defect(table, check, f"check constraint on {table.fullname}", "it has a NUL character, which "
                         f"{adapter.name} cannot take in a statement", "remove the NUL character",
                         kind="check constraint")
    if not getattr(adapter.dialect, "supports_comments", False):
        return  # comments are left out there (SQLite), with a loss line
    for item, subject in [(table, f"comment on table {table.fullname}"),
                          *((c, f"comment on column {table.fullname}.{c.name}") for c in columns)]:
        if item.comment and NUL in item.comment:
            yield Defect(table, item, subject, f"it has a NUL character, which {adapter.name} cannot take in a "
                         "statement", "remove the NUL character", kind="comment")


def _text(value: object) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, TextClause):
        return value.text
    if isinstance(value, ClauseElement):
        return str(value)
    return None


def _comments(table: Table, columns: list[Column], adapter: Adapter) -> Iterator[Defect]:
    limits = adapter.max_comment_length
    for kind, item, subject in [("table", table, f"comment on table {table.fullname}"),
                                *(("column", c, f"comment on column {table.fullname}.{c.name}") for c in columns)]:
        limit = limits.get(kind)
        if limit is not None and item.comment and len(item.comment) > limit:
            yield Defect(table, item, subject, f"it is {len(item.comment)} characters long, and {adapter.name} allows "
                         f"{limit} for a {kind} comment", f"shorten it to at most {limit} characters", kind="comment")


def _key_parts(table: Table, keys: list[Index | UniqueConstraint], adapter: Adapter) -> Iterator[Defect]:
    limit = adapter.max_key_parts
    if limit is None:
        return
    for key in [table.primary_key, *keys]:
        parts = len(key.expressions) if isinstance(key, Index) else len(key.columns)
        include = key.dialect_kwargs.get(f"{adapter.dialect.name}_include") if isinstance(key, Index) else None
        parts += len(include or ())  # PostgreSQL counts INCLUDE columns too (INDEX_MAX_KEYS)
        if parts <= limit:
            continue
        kind = _kind(key)
        name = f" {key.name!r}" if isinstance(key.name, str) else ""
        yield Defect(table, key, f"{kind}{name} on {table.fullname}", f"it has {parts} columns, and {adapter.name} "
                     f"allows {limit} in one key", f"use at most {limit} columns", kind=kind,
                     can_leave_out=key is not table.primary_key)


def _kind(item: SchemaItem) -> str:
    if isinstance(item, Index):
        return "index"
    if isinstance(item, UniqueConstraint):
        return "unique constraint"
    if isinstance(item, ForeignKeyConstraint):
        return "foreign key"
    if isinstance(item, CheckConstraint):
        return "check constraint"
    return "primary key"


def _case_clashes(table: Table, columns: list[Column], keys: list[Index | UniqueConstraint],
                  adapter: Adapter) -> Iterator[Defect]:
    """Two names the database compares without regard to case (MySQL column and index names, SQLite's every
    name, SQL Server's under its default collation): the second is a duplicate there."""
    folded = adapter.case_insensitive_names
    if "column" in folded:
        seen: dict[str, str] = {}
        for column in columns:
            other = seen.setdefault(column.name.casefold(), column.name)
            if other != column.name:
                yield Defect(table, column, f"column {table.fullname}.{column.name}", f"{adapter.name} compares column "
                             f"names without regard to case, so it is the same name as {other!r}",
                             "rename one", kind="name", can_leave_out=False)
    if "index" in folded and not adapter.index_names_per_schema:
        yield from _clashing_keys(table, keys, adapter)


def _clashing_keys(table: Table, keys: list[Index | UniqueConstraint], adapter: Adapter) -> Iterator[Defect]:
    by_folded: dict[str, list[Index | UniqueConstraint]] = defaultdict(list)
    for key in keys:
        if isinstance(key.name, str) and not isinstance(key.name, _truncated_label):
            by_folded[key.name.casefold()].append(key)
    for same in by_folded.values():
        spellings = sorted({str(k.name) for k in same})
        if len(spellings) < 2:
            continue  # one spelling twice is validation.py's (identical, or differing declarations)
        for key in same:
            if key.name != spellings[0]:
                yield Defect(table, key, f"{_kind(key)} {key.name!r} on {table.fullname}", f"{adapter.name} compares "
                             f"index names without regard to case, so it is the same name as {spellings[0]!r}",
                             "rename one", kind=_kind(key))


def _table_case_clashes(selection: Selection, adapter: Adapter) -> Iterator[Defect]:
    """Table names (and, on SQLite, index names across the database) that differ only in case."""
    if "table" not in adapter.case_insensitive_names:
        return
    seen: dict[tuple[str, str], Table] = {}
    for table in selection.tables:
        schema = "" if adapter.flatten_schemas else table.schema or ""
        other = seen.setdefault((schema, table.name.casefold()), table)
        if other is not table and other.name != table.name:
            yield Defect(table, table, f"table {table.fullname}", f"{adapter.name} compares table names without "
                         f"regard to case, so it is the same name as {other.fullname!r}", "rename one",
                         kind="name", can_leave_out=False)
    if adapter.index_names_per_schema and "index" in adapter.case_insensitive_names:
        spelled: dict[tuple[str, str], tuple[str, Table]] = {}
        for table in selection.tables:
            gone = selection.excluded_items.get(table.fullname, [])
            schema = "" if adapter.flatten_schemas else table.schema or ""
            for index in sorted((i for i in table.indexes if i not in gone), key=lambda i: str(i.name)):
                if not isinstance(index.name, str):
                    continue
                first, where = spelled.setdefault((schema, index.name.casefold()), (index.name, table))
                if first != index.name:
                    yield Defect(table, index, f"index {index.name!r} on {table.fullname}", f"{adapter.name} compares "
                                 f"index names without regard to case, so it is the same name as {first!r} on "
                                 f"{where.fullname}", "rename one", kind="index")
