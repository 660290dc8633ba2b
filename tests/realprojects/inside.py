"""Run in the projects' environment: hold a dev database that the provider's output was loaded into against
the tables the project's own MetaData objects hold.

    python -m tests.realprojects.inside PROJECT BACKEND URL [--left-out TABLE.NAME ...]

Imports the project the way its own code does, checks that the proxies it stands for are still among its
globals, reflects the database with tests/support and compares it as the other live tests do. What
--left-out names (what --skip-defects left out: a foreign key by "table.column", an index by
"table.index_name") is removed from copies of the project's tables first. Exit 0 prints a JSON summary
(table and MetaData counts) on stdout; a difference exits 1 with the comparison's message.
"""

from __future__ import annotations

import argparse
import importlib
import json
import re
import sys
from typing import Any

import sqlalchemy as sa
from sqlalchemy.pool import NullPool

from tests.realprojects.projects import PROJECTS, RealProject
from tests.support import assert_schema_matches, reflect


def resolve(spec: str) -> Any:
    """The object ``module:attr.path`` names, importing the module."""
    module, _, path = spec.partition(":")
    value: Any = importlib.import_module(module)
    for attr in path.split("."):
        value = getattr(value, attr)
    return value


def project_tables(project: RealProject) -> tuple[list[sa.Table], int]:
    """The project's tables by full name (a table declared identically in several MetaData counted once)
    and how many MetaData hold them."""
    for module in project.modules:
        importlib.import_module(module)
    metadatas = [resolve(spec) for spec in project.metadata]
    assert all(isinstance(m, sa.MetaData) for m in metadatas), project.metadata
    tables: dict[str, sa.Table] = {}
    for metadata in metadatas:
        for table in metadata.tables.values():
            tables.setdefault(table.fullname, table)
    return [tables[name] for name in sorted(tables)], len({id(m) for m in metadatas})


def check_proxies(project: RealProject) -> None:
    from werkzeug.local import LocalProxy

    for spec in project.proxies:
        module, _, name = spec.partition(":")
        value = vars(importlib.import_module(module))[name]  # not getattr: that is what must not be evaluated
        assert isinstance(value, LocalProxy), f"{spec} is no longer a context proxy: {type(value)}"


def expected_tables(tables: list[sa.Table], left_out: set[str], backend: str) -> list[sa.Table]:
    """Copies of ``tables`` as the dev database should hold them: without the objects --skip-defects left out
    ("table.column" of a foreign key, "table.index_name"), each foreign key once, and, on SQLite and MariaDB, with
    ordered key parts as their reflection reports them."""
    metadata = sa.MetaData()
    copies = [table.to_metadata(metadata) for table in tables]
    for copy in copies:
        for fk in list(copy.foreign_key_constraints):
            if f"{copy.name}.{fk.column_keys[0]}" in left_out:
                _drop_foreign_key(copy, fk)
        for index in list(copy.indexes):
            if f"{copy.name}.{index.name}" in left_out:
                copy.indexes.discard(index)
        _once(copy)
        if backend in ("sqlite", "mariadb"):
            _ordered_parts_as_columns(copy)
    return copies


_ORDERED = re.compile(r"^(\w+) (?:ASC|DESC)$", re.IGNORECASE)


def _ordered_parts_as_columns(table: sa.Table) -> None:
    # SQLite's PRAGMA index_info and MariaDB's SHOW INDEX name the column of an ordered key part (mlflow's
    # text("version_major DESC")).
    for index in list(table.indexes):
        names = [_ORDERED.match(str(e)) if isinstance(e, sa.TextClause) else None for e in index.expressions]
        if any(names) and all(m is None or m.group(1) in table.c for m in names):
            table.indexes.discard(index)
            columns = [table.c[m.group(1)] if m else e for m, e in zip(names, index.expressions)]
            sa.Index(index.name, *columns, unique=index.unique)


def _once(table: sa.Table) -> None:
    # A foreign key declared twice (mlflow: named, and again on the column) is created once, the named one.
    seen = set()
    for fk in sorted(table.foreign_key_constraints, key=lambda c: (c.name is None, c.name or "")):
        key = (tuple(fk.column_keys), tuple(e.target_fullname for e in fk.elements), fk.ondelete, fk.onupdate)
        if key in seen:
            _drop_foreign_key(table, fk)
        seen.add(key)


def _drop_foreign_key(table: sa.Table, fk: sa.ForeignKeyConstraint) -> None:
    table.constraints.discard(fk)
    for element in fk.elements:
        element.parent.foreign_keys.discard(element)
    table.foreign_keys.difference_update(fk.elements)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("project")
    parser.add_argument("backend")
    parser.add_argument("url")
    parser.add_argument("--left-out", nargs="*", default=[])
    options = parser.parse_args(argv)
    project = {p.name: p for p in PROJECTS}[options.project]

    check_proxies(project)
    tables, metadatas = project_tables(project)
    # reflect() finds other schemas only for engines its own backend made; these projects use none.
    assert all(t.schema is None for t in tables), [t.fullname for t in tables if t.schema]
    engine = sa.create_engine(options.url, poolclass=NullPool)
    try:
        expected = expected_tables(tables, set(options.left_out), options.backend)
        assert_schema_matches(expected, reflect(engine), options.backend)
    except AssertionError as exc:
        print(f"{project.name} on {options.backend}: {exc}", file=sys.stderr)
        return 1
    finally:
        engine.dispose()
    print(json.dumps({"tables": len(tables), "metadata": metadatas}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
