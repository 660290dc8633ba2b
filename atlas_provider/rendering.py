"""Compile the ordered schema into the text Atlas reads.

Every statement is compiled by SQLAlchemy for the target dialect and kept exactly as compiled (only
the surrounding blank lines are trimmed). The file starts with a `-- atlas:pos` line per table; when a
statement contains `;` (a function or trigger body from a DDL event) the file switches to Atlas's
`-- atlas:delimiter` directive so that no statement is cut in two.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ForeignKeyConstraint, MetaData, Table
from sqlalchemy.engine.interfaces import Dialect
from sqlalchemy.schema import AddConstraint, CreateIndex, CreateTable, ExecutableDDLElement
from sqlalchemy.sql.elements import ClauseElement

from .dialects.base import Adapter
from .errors import RenderError
from .loading import Origin
from .losses import LossReport
from .ordering import Order

DELIMITER = "-- end"  # the first choice; a run whose text holds it takes "-- end 2", "-- end 3", ...


@dataclass(frozen=True)
class Statement:
    """One compiled statement and the table it belongs to (for error messages)."""

    sql: str
    table: str | None = None


class _RecordingConnection:
    """Stands in for a connection when a DDL event listener is a plain function: it records what the
    listener executes instead of running it, so its statements land in the output in place."""

    def __init__(self, dialect: Dialect) -> None:
        self.dialect = dialect
        self.engine = self
        self.name = dialect.name
        self.executed: list[Any] = []

    def execute(self, statement: Any, *args: Any, **kwargs: Any) -> None:
        self.executed.append(statement)

    def exec_driver_sql(self, statement: str, *args: Any, **kwargs: Any) -> None:
        from sqlalchemy import text

        self.executed.append(text(statement))


# Compiled on one shared DDL compiler per dialect: a fresh compiler per statement (what `.compile()`
# does) builds a SQL compiler each time, which doubles the cost on models with thousands of tables.
# Only these two elements, the bulk of any schema, whose compilation reads nothing but the element.
_SHARED_COMPILER_ELEMENTS = (CreateTable, CreateIndex)


# `<sqlalchemy.dialects.mysql.base.MySQLTypeCompiler object at 0x7f...>` in an error: its class name is enough.
_OBJECT_REPR = re.compile(r"<(?:[\w]+\.)*(\w+) object at 0x[0-9a-fA-F]+>")


def compile_sql(element: ClauseElement, adapter: Adapter, table: str | None = None) -> str:
    """Compile one DDL element for the adapter's dialect; failures name the table and dialect."""
    try:
        if isinstance(element, _SHARED_COMPILER_ELEMENTS):
            return adapter.ddl_compiler.process(element).strip()
        return str(element.compile(dialect=adapter.dialect)).strip()
    except Exception as error:  # SQLAlchemy raises CompileError, but dialects also raise others
        detail = str(error).splitlines()[0] if str(error) else type(error).__name__
        detail = _OBJECT_REPR.sub(lambda found: found.group(1), detail)
        raise RenderError(f"cannot compile {type(element).__name__}: {detail}", dialect=adapter.name,
                          table=table) from error


def _event_elements(target: Table | MetaData, event_name: str, adapter: Adapter) -> list[ClauseElement]:
    """The DDL that `event.listen(target, event_name, ...)` would run for this dialect, in listen order."""
    elements: list[ClauseElement] = []
    for listener in getattr(target.dispatch, event_name):
        if _is_sqlalchemy_listener(listener):
            continue  # SQLAlchemy's own (enum types, sequences): the adapter emits those itself
        connection = _RecordingConnection(adapter.dialect)
        if isinstance(listener, ExecutableDDLElement):
            if listener._should_execute(target, connection):
                elements.append(listener.against(target) if hasattr(listener, "against") else listener)
            continue
        name = getattr(target, "fullname", "metadata")
        try:
            listener(target, connection, checkfirst=False, tables=None, _ddl_runner=None,
                     _is_metadata_operation=isinstance(target, MetaData))
        except Exception as error:
            raise RenderError(f"{event_name} listener {getattr(listener, '__name__', listener)!r} failed: {error}",
                              dialect=adapter.name, table=name) from error
        elements.extend(e for e in connection.executed if isinstance(e, ClauseElement))
    return elements


def _is_sqlalchemy_listener(listener: Any) -> bool:
    if isinstance(listener, ExecutableDDLElement):  # the user's DDL("..."), though its class is SQLAlchemy's
        return False
    function = getattr(listener, "func", listener)  # functools.partial
    module = getattr(function, "__module__", "") or ""
    return module == "sqlalchemy" or module.startswith("sqlalchemy.")


def build_statements(order: Order, adapter: Adapter, report: LossReport, *, create_schemas: bool | None) -> list[Statement]:
    """Every statement of the schema, in execution order."""
    tables = [table for table, _ in order.tables]
    for table in tables:
        _refuse_control_characters(table, adapter)
    out: list[Statement] = []

    def emit(elements: Iterable[ClauseElement], table: Table | None = None) -> None:
        name = table.fullname if table is not None else None
        out.extend(Statement(compile_sql(e, adapter, name), name) for e in elements)

    def emit_events(target: Table | MetaData, event_name: str) -> None:
        start = len(out)
        emit(_event_elements(target, event_name, adapter), target if isinstance(target, Table) else None)
        _note_objects_atlas_does_not_read(out[start:], report)

    extensions = adapter.extension_elements(tables)
    emit(extensions)
    schemas = adapter.created_schemas(tables)
    if schemas and create_schemas is not False:
        emit(adapter.schema_elements(schemas))
    emit(adapter.type_elements(tables))
    emit(adapter.sequence_elements(tables))
    metadatas = list({id(t.metadata): t.metadata for t in tables}.values())
    for metadata in metadatas:
        emit_events(metadata, "before_create")
    for table, inline_fks in order.tables:
        emit_events(table, "before_create")
        fks = inline_fks if adapter.supports_foreign_keys else []
        emit([CreateTable(table, include_foreign_key_constraints=fks)], table)
        emit(adapter.comment_elements(table), table)
        emit(adapter.index_elements(table, report), table)
        emit_events(table, "after_create")
    if adapter.supports_foreign_keys:
        for fk in order.deferred:
            emit([_add_constraint(fk)], fk.table)
    for metadata in metadatas:
        emit_events(metadata, "after_create")
    # An extension the model creates itself (a DDL event) stays where the model put it, and only there: a second
    # plain CREATE EXTENSION fails ("extension ... already exists").
    declared = _created_extensions(out[len(extensions):])
    return [statement for i, statement in enumerate(out)
            if i >= len(extensions) or getattr(extensions[i], "name", None) not in declared]


# Open-source Atlas inspects tables, views (on some drivers), indexes and constraints, not functions,
# procedures or triggers: created on the dev database, they never reach a migration
# (https://atlasgo.io/atlas-schema/sql#function is a Pro feature). Read from the compiled text, never changed.
_UNREAD_OBJECT = re.compile(r"^\s*CREATE\s+(?:OR\s+REPLACE\s+|OR\s+ALTER\s+|DEFINER\s*=\s*\S+\s+)?"
                            r"(?:CONSTRAINT\s+)?(FUNCTION|PROCEDURE|TRIGGER)\b", re.IGNORECASE)


_CREATE_EXTENSION = re.compile(r'^\s*CREATE\s+EXTENSION\s+(?:IF\s+NOT\s+EXISTS\s+)?("?)([^"\s;]+)\1', re.IGNORECASE)


def _created_extensions(statements: list[Statement]) -> set[str]:
    """The extensions the model's own statements create (read from the compiled text, never changed)."""
    found = (_CREATE_EXTENSION.match(statement.sql) for statement in statements)
    return {match.group(2) if match.group(1) else match.group(2).lower() for match in found if match}


def _note_objects_atlas_does_not_read(statements: list[Statement], report: LossReport) -> None:
    for statement in statements:
        found = _UNREAD_OBJECT.match(statement.sql)
        if found:
            kind = found.group(1).lower()
            report.note(f"a DDL event creates a {kind}; open-source Atlas does not read {kind}s from the dev "
                        f"database, so no migration will create it: add it to a migration by hand")


def _add_constraint(fk: ForeignKeyConstraint) -> AddConstraint:
    """ALTER TABLE ... ADD CONSTRAINT that leaves the model's constraint as it was. AddConstraint marks its
    constraint "never inline" by default, and the model's tables serve every target of a run (`check` and
    `schema --out-dir` build several): SQLite, which creates every foreign key inline, would lose it."""
    try:
        return AddConstraint(fk, isolate_from_table=False)
    except TypeError:  # SQLAlchemy < 2.0.39 always isolates: undo it
        rule = fk._create_rule
        element = AddConstraint(fk)
        fk._create_rule = rule
        return element


def _has_control_character(text: str) -> bool:
    # Cc: C0 and C1 controls (newline, carriage return, NEL...); Zl, Zp: the Unicode line and paragraph separators
    return any(unicodedata.category(char) in ("Cc", "Zl", "Zp") for char in text)


def _refuse_control_characters(table: Table, adapter: Adapter) -> None:
    """A name with a newline would end a `-- atlas:pos` comment early and put the rest outside it, where Atlas
    reads SQL; no database needs such a name, so it is refused (on every target, whatever the quoting)."""
    names = [("table", table.fullname), *(("column", f"{table.fullname}.{c.name}") for c in table.columns),
             *(("index", str(i.name)) for i in table.indexes if i.name),
             *(("constraint", str(c.name)) for c in table.constraints if isinstance(c.name, str))]
    for kind, name in names:
        if _has_control_character(name):
            raise RenderError(f"the {kind} name {name!r} contains a control character (a newline?); rename it",
                              dialect=adapter.name, table=repr(table.fullname))


def position_lines(tables: Iterable[Table], origins: dict[str, Origin]) -> list[str]:
    """`-- atlas:pos <table>[type=table] <file>:<line>` for every table whose origin is known. Table names
    with control characters were refused before; a file path with one gets no position line (it would
    not stay inside the comment)."""
    lines = []
    for table in tables:
        origin = origins.get(table.fullname)
        if origin is not None and not _has_control_character(origin.path):
            lines.append(f"-- atlas:pos {table.fullname}[type=table] {origin.path}:{origin.line}")
    return lines


_DOLLAR_TAG = re.compile(r"\$[A-Za-z_]*\$")


def has_bare_semicolon(sql: str) -> bool:
    """Whether `sql` holds a `;` outside quotes, comments and dollar-quoted bodies: where Atlas's
    splitter would cut the statement (a `;` inside a comment string is harmless)."""
    if ";" not in sql:
        return False
    i, n = 0, len(sql)
    while i < n:
        char = sql[i]
        if char == ";":
            return True
        if char in "'\"`":
            end = sql.find(char, i + 1)
            while end != -1 and end + 1 < n and sql[end + 1] == char:  # doubled quote escapes itself
                end = sql.find(char, end + 2)
            if end == -1:
                return False
            i = end + 1
        elif sql.startswith("--", i):
            end = sql.find("\n", i)
            i = n if end == -1 else end + 1
        elif sql.startswith("/*", i):
            end = sql.find("*/", i + 2)
            i = n if end == -1 else end + 2
        elif char == "$" and (tag := _DOLLAR_TAG.match(sql, i)):
            end = sql.find(tag.group(), tag.end())
            if end == -1:
                return False
            if ";" in sql[tag.end():end]:
                return True  # a function body: Atlas copes, but the delimiter makes it certain
            i = end + len(tag.group())
        else:
            i += 1
    return False


def choose_delimiter(texts: Iterable[str]) -> str:
    """A delimiter that occurs nowhere in `texts`. Atlas ends a statement wherever the delimiter starts
    outside quotes, comments and parentheses, before it looks for a comment there: `-- end` would cut a
    body at its comment `-- endless loop guard`. Not occurring at all is the one test that needs no
    second scanner; the choice depends only on the text, so the same model gives the same bytes."""
    texts = list(texts)
    candidate, number = DELIMITER, 1
    while any(candidate in text for text in texts):
        number += 1
        candidate = f"{DELIMITER} {number}"
    return candidate


def to_text(statements: list[Statement], positions: list[str]) -> str:
    """The whole file. Statements end with `;`, or with a delimiter line when any contains `;`."""
    if not statements:
        return ""
    use_delimiter = any(has_bare_semicolon(s.sql) for s in statements)
    delimiter = choose_delimiter([*(s.sql for s in statements), *positions]) if use_delimiter else ""
    head = [f"-- atlas:delimiter {delimiter}", ""] if use_delimiter else []
    if positions:
        head += [*positions, ""]
    if use_delimiter:
        body = [f"{s.sql}\n{delimiter}\n" for s in statements]
    else:
        body = [f"{s.sql};\n" for s in statements]
    return "\n".join(head) + ("\n" if head else "") + "\n".join(body)
