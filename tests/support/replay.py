"""A stand-in for what Atlas does release after release: it writes into a migration file what it READ BACK from
the dev database, not the provider's text, and replays that file next time (/work/shared/ATLAS.md, points 5-6).

So: load the provider's output into a clean database and read the database's own text for every table, column
(type, default, generated expression), check, index, key, comment, sequence and type (`reading`); build a
second clean database from that text alone and read it again. Both readings must be equal (a fixpoint),
otherwise every `atlas migrate diff` plans the same change again. On MySQL/MariaDB the foreign-key names the
server gives (`<table>_ibfk_<n>`) must also equal those of `metadata.create_all()` on a third clean database,
or a database built that way is told to drop and re-add its keys.

One reader per backend, in READERS; a reading maps an object's name to its text, and lists the statements
that rebuild it. Functions, triggers and views are not read: open-source Atlas does not read them either.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.sql.ddl import sort_tables_and_constraints

from .backends import MYSQL_CHARSET, Backend

__all__ = ["Reading", "assert_replay_is_a_fixpoint", "diff_readings", "items", "read_back", "replay"]


@dataclass
class Reading:
    """The database's own text per object (`objects`), and the statements that build it again, in order."""

    objects: dict[str, str] = field(default_factory=dict)
    statements: list[tuple[str | None, str]] = field(default_factory=list)  # (schema to run it in, SQL)
    databases: list[str] = field(default_factory=list)  # MySQL: the databases beside the dev one it creates

    def add(self, key: str, text: str, statement: str | None = None, schema: str | None = None) -> None:
        self.objects[key] = text
        if statement is not None:
            self.statements.append((schema, statement))


def diff_readings(before: Reading, after: Reading) -> dict[str, set[str]]:
    """Object names added, removed and changed from `before` to `after`: what a migration between them touches."""
    old, new = before.objects, after.objects
    return {
        "added": set(new) - set(old),
        "removed": set(old) - set(new),
        "changed": {key for key in set(old) & set(new) if old[key] != new[key]},
    }


def items(reading: Reading) -> dict[tuple[str, str], str]:
    """The reading as (table, item) -> text, one item per column, key, index and check, whatever the backend
    keeps whole (a MySQL or SQLite CREATE TABLE is split at its top-level commas). A foreign key is keyed by
    its columns, so a name the server gave it differently (`_ibfk_2` for `_ibfk_1`) is a change of it."""
    found: dict[tuple[str, str], str] = {}
    for key, text in reading.objects.items():
        kind, _, name = key.partition(" ")
        if kind == "table":
            table = _unquote(name.rpartition(".")[2])
            for part in _body_parts(text):
                found[(table, _item_name(part))] = part
        elif kind in ("column", "constraint", "index") and name.count(".") >= 2:
            _, table, item = (_unquote(x) for x in name.split(".", 2))
            found[(table, _item_name(text) if text.startswith("FOREIGN KEY") else item)] = text
        elif kind == "index":  # SQLite: CREATE [UNIQUE] INDEX name ON table (...)
            table = _unquote(re.search(r"\bON\s+([\w\"`]+)", text).group(1))  # type: ignore[union-attr]
            found[(table, _unquote(name))] = text
        else:
            found[(kind, name)] = text
    return found


def _unquote(name: str) -> str:
    return name.strip('"`')


def _body_parts(create: str) -> list[str]:
    """The comma-separated parts of a CREATE TABLE body, plus what follows it (table options)."""
    start, depth, quote, parts, current = create.index("("), 0, "", [], []
    end = create.rindex(")")
    for char in create[start + 1:end]:
        if quote:
            quote = "" if char == quote else quote
        elif char in "'\"`":
            quote = char
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "," and depth == 0:
            parts.append("".join(current).strip())
            current = []
            continue
        current.append(char)
    parts.append("".join(current).strip())
    options = create[end + 1:].strip()
    return parts + ([f"OPTIONS {options}"] if options else [])


def _item_name(part: str) -> str:
    foreign = re.search(r"FOREIGN KEY\s*\(([^)]*)\)", part)
    if foreign:
        return "fk(" + re.sub(r"[\s`\"]", "", foreign.group(1)) + ")"
    named = re.match(r"(?:CONSTRAINT|UNIQUE KEY|KEY|UNIQUE INDEX|INDEX)\s+([`\"]?)([^`\"\s(]+)\1", part)
    if named:
        return named.group(2)
    if part.startswith(("PRIMARY KEY", "OPTIONS", "CHECK", "UNIQUE")):
        return part if part.startswith(("CHECK", "UNIQUE")) else part.split(" ", 2)[0].lower()
    return _unquote(part.split()[0])


# ---- PostgreSQL: pg_get_constraintdef, pg_get_expr, pg_get_indexdef, format_type -------------------------

_PG_USER_SCHEMAS = "n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast') AND n.nspname NOT LIKE 'pg_temp%'"


def _query(conn: Connection, sql: str) -> list[tuple]:
    """Rows of `sql` sent as it is, without parameters: `%` reaches the server untouched."""
    cursor = conn.connection.cursor()
    try:
        cursor.execute(sql)
        return list(cursor.fetchall())
    finally:
        cursor.close()


def _pg_literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _read_postgresql(conn: Connection, schemas: list[str]) -> Reading:
    reading = Reading()
    rows = _query(
        conn,
        f"SELECT quote_ident(n.nspname) FROM pg_namespace n WHERE {_PG_USER_SCHEMAS} AND n.nspname <> 'public' "
        "ORDER BY 1")
    for (schema,) in rows:
        reading.add(f"schema {schema}", "", f"CREATE SCHEMA {schema}")
    for name, labels in _query(
        conn,
            "SELECT format('%I.%I', n.nspname, t.typname), "
            "string_agg(quote_literal(e.enumlabel), ', ' ORDER BY e.enumsortorder) "
            f"FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace JOIN pg_enum e ON e.enumtypid = t.oid "
            f"WHERE {_PG_USER_SCHEMAS} GROUP BY 1 ORDER BY 1"):
        reading.add(f"type {name}", labels, f"CREATE TYPE {name} AS ENUM ({labels})")
    for oid, name, base, not_null, default in _query(
        conn,
            "SELECT t.oid, format('%I.%I', n.nspname, t.typname), format_type(t.typbasetype, t.typtypmod), "
            f"t.typnotnull, t.typdefault FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace "
            f"WHERE t.typtype = 'd' AND {_PG_USER_SCHEMAS} ORDER BY 2"):
        text = base + (f" DEFAULT {default}" if default else "") + (" NOT NULL" if not_null else "")
        reading.add(f"domain {name}", text, f"CREATE DOMAIN {name} AS {text}")
        for check, definition in _query(
        conn,
                f"SELECT quote_ident(conname), pg_get_constraintdef(oid) FROM pg_constraint WHERE contypid = {oid} "
                "ORDER BY 1"):
            reading.add(f"domain check {name}.{check}", definition,
                        f"ALTER DOMAIN {name} ADD CONSTRAINT {check} {definition}")
    for name, start, step, low, high, cycle in _query(
        conn,
            "SELECT format('%I.%I', s.schemaname, s.sequencename), s.start_value, s.increment_by, s.min_value, "
            "s.max_value, s.cycle FROM pg_sequences s JOIN pg_class c ON c.relname = s.sequencename "
            "JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = s.schemaname "
            "WHERE NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype = 'i') ORDER BY 1"):
        text = f"START {start} INCREMENT {step} MINVALUE {low} MAXVALUE {high}{' CYCLE' if cycle else ''}"
        reading.add(f"sequence {name}", text, f"CREATE SEQUENCE {name} {text}")

    tables = _query(
        conn,
        "SELECT c.oid, format('%I.%I', n.nspname, c.relname), obj_description(c.oid, 'pg_class') "
        f"FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'p') "
        f"AND {_PG_USER_SCHEMAS} ORDER BY 2")
    constraints: list[tuple[str, str]] = []
    for oid, table, comment in tables:
        columns = []
        for column, kind, not_null, default, generated, identity, column_comment in _query(
        conn,
                "SELECT quote_ident(a.attname), format_type(a.atttypid, a.atttypmod), a.attnotnull, "
                "pg_get_expr(d.adbin, d.adrelid), a.attgenerated, a.attidentity, col_description(a.attrelid, a.attnum) "
                f"FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum "
                f"WHERE a.attrelid = {oid} AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum"):
            text = kind
            if generated == "s":
                text += f" GENERATED ALWAYS AS ({default}) STORED"
            elif identity:
                text += f" GENERATED {'ALWAYS' if identity == 'a' else 'BY DEFAULT'} AS IDENTITY"
            elif default is not None:
                text += f" DEFAULT {default}"
            text += " NOT NULL" if not_null else ""
            reading.add(f"column {table}.{column}", text)
            columns.append(f"{column} {text}")
            if column_comment is not None:
                reading.add(f"comment {table}.{column}", column_comment,
                            f"COMMENT ON COLUMN {table}.{column} IS {_pg_literal(column_comment)}")
        reading.statements.insert(_first_comment(reading), (None, f"CREATE TABLE {table} ({', '.join(columns)})"))
        if comment is not None:
            reading.add(f"comment {table}", comment, f"COMMENT ON TABLE {table} IS {_pg_literal(comment)}")
        for name, kind, definition in _query(
        conn,
                "SELECT quote_ident(conname), contype, pg_get_constraintdef(oid) FROM pg_constraint "
                f"WHERE conrelid = {oid} ORDER BY 1"):
            reading.add(f"constraint {table}.{name}", definition)
            # keys first, checks next, foreign keys last: they need the keys they refer to
            constraints.append(({"p": "0", "u": "1", "x": "1", "c": "2"}.get(kind, "3") + table + name,
                                f"ALTER TABLE {table} ADD CONSTRAINT {name} {definition}"))
        for name, definition in _query(
        conn,
                "SELECT quote_ident(c.relname), pg_get_indexdef(i.indexrelid) FROM pg_index i "
                "JOIN pg_class c ON c.oid = i.indexrelid "
                f"WHERE i.indrelid = {oid} AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid "
                "AND k.conrelid = i.indrelid) ORDER BY 1"):
            reading.add(f"index {table}.{name}", definition)
            # with the keys: a foreign key may refer to a unique index (Atlas creates indexes before foreign keys)
            constraints.append(("1" + name, definition))
    reading.statements += [(None, sql) for _, sql in sorted(constraints)]
    return reading


def _first_comment(reading: Reading) -> int:
    """Where the next CREATE TABLE goes: before the comments, which come after every table."""
    for position, (_, sql) in enumerate(reading.statements):
        if sql.startswith("COMMENT ON"):
            return position
    return len(reading.statements)


# ---- MySQL / MariaDB: SHOW CREATE TABLE ------------------------------------------------------------------

_DATABASE_PLACEHOLDER = "`<dev>`"


def _read_mysql(conn: Connection, extra_schemas: list[str]) -> Reading:
    reading = Reading()
    current = conn.exec_driver_sql("SELECT DATABASE()").scalar()
    for schema in [None, *extra_schemas]:
        database = schema or current
        if schema is not None:
            charset, collation = conn.exec_driver_sql(
                "SELECT DEFAULT_CHARACTER_SET_NAME, DEFAULT_COLLATION_NAME FROM information_schema.SCHEMATA "
                "WHERE SCHEMA_NAME = %s", (schema,)).one()
            reading.add(f"schema {schema}", f"{charset} {collation}",
                        f"CREATE DATABASE `{schema}` CHARACTER SET {charset} COLLATE {collation}")
            reading.databases.append(schema)
        names = [row[0] for row in conn.exec_driver_sql(
            f"SHOW FULL TABLES FROM `{database}` WHERE Table_type = 'BASE TABLE'")]
        for name in sorted(names):
            text = conn.exec_driver_sql(f"SHOW CREATE TABLE `{database}`.`{name}`").one()[1]
            # A key to a table of the default database names it; that name is this dev database's own.
            text = text.replace(f"`{current}`", _DATABASE_PLACEHOLDER)
            reading.add(f"table {schema or ''}.{name}", text, text, schema)
    return reading


def _replay_mysql(reading: Reading, engine: Engine) -> None:
    current = engine.url.database
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        cursor = conn.connection.cursor()
        cursor.execute("SET SESSION foreign_key_checks = 0")  # tables refer to each other in any order
        for schema, sql in reading.statements:
            if not sql.startswith("CREATE DATABASE"):
                cursor.execute(f"USE `{schema or current}`")  # SHOW CREATE TABLE names the table alone
            cursor.execute(sql.replace(_DATABASE_PLACEHOLDER, f"`{current}`"))
        cursor.close()


# ---- SQLite: sqlite_master holds the statements as the database keeps them --------------------------------

def _read_sqlite(conn: Connection, schemas: list[str]) -> Reading:
    reading = Reading()
    for kind, name, sql in _query(
        conn,
            "SELECT type, name, sql FROM sqlite_master WHERE type IN ('table', 'index') AND sql IS NOT NULL "
            "AND name NOT LIKE 'sqlite_%' ORDER BY rowid"):
        reading.add(f"{kind} {name}", sql, sql)
    return reading


def _replay_raw(reading: Reading, engine: Engine) -> None:
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        cursor = conn.connection.cursor()
        for _, sql in reading.statements:
            cursor.execute(sql)
        cursor.close()


@dataclass(frozen=True)
class Reader:
    read: Callable[[Connection, list[str]], Reading]  # the databases beside the connection's own (MySQL)
    replay: Callable[[Reading, Engine], None]
    names_foreign_keys_by_order: bool = False  # the server numbers unnamed foreign keys as it creates them


READERS: dict[str, Reader] = {
    "postgresql": Reader(_read_postgresql, _replay_raw),
    "mysql": Reader(_read_mysql, _replay_mysql, names_foreign_keys_by_order=True),
    "mariadb": Reader(_read_mysql, _replay_mysql, names_foreign_keys_by_order=True),
    "sqlite": Reader(_read_sqlite, _replay_raw),
}


def read_back(engine: Engine, backend: Backend, extra_schemas: list[str] | None = None) -> Reading:
    """What Atlas would write into a migration for the database behind `engine` (and, on MySQL, the databases
    its DDL created: `extra_schemas`, by default what the backend saw appear)."""
    extra = backend.extra_schemas(engine) if extra_schemas is None else extra_schemas
    with engine.connect() as conn:
        return READERS[backend.name].read(conn, extra)


def replay(reading: Reading, backend: Backend) -> Reading:
    """Build a clean database from `reading` alone and read it back."""
    reader = READERS[backend.name]
    with backend.fresh_database() as engine:
        reader.replay(reading, engine)
        extra = list(reading.databases)  # what it created: named, as the backend skips names like its own
        again = read_back(engine, backend, extra)
        if reader.names_foreign_keys_by_order:
            _drop_schemas(engine, [*extra, engine.url.database or ""])
        return again


# ---- foreign-key names against metadata.create_all() -------------------------------------------------------

def foreign_key_names(engine: Engine, extra_schemas: list[str]) -> dict[str, dict[str, tuple[str, ...]]]:
    """Table -> foreign-key name -> (columns..., '->', referred table, referred columns...)."""
    inspector = sa.inspect(engine)
    found: dict[str, dict[str, tuple[str, ...]]] = {}
    for schema in [None, *extra_schemas]:
        for table in inspector.get_table_names(schema=schema):
            keys = {}
            for fk in inspector.get_foreign_keys(table, schema=schema):
                keys[fk["name"]] = (*fk["constrained_columns"], "->", fk["referred_table"], *fk["referred_columns"])
            found[f"{schema or ''}.{table}"] = keys
    return found


def create_all_foreign_key_names(tables: list[sa.Table], schemas: Iterable[str],
                                 backend: Backend) -> dict[str, dict[str, tuple[str, ...]]]:
    """The foreign-key names a database built by `metadata.create_all()` from these tables has."""
    with backend.fresh_database() as engine:
        with engine.begin() as conn:
            conn.exec_driver_sql("SET SESSION foreign_key_checks = 0")
            for schema in schemas:
                conn.exec_driver_sql(f"CREATE DATABASE `{schema}` {MYSQL_CHARSET}")
            for metadata in {id(t.metadata): t.metadata for t in tables}.values():
                metadata.create_all(conn, tables=[t for t in tables if t.metadata is metadata], checkfirst=False)
        names = foreign_key_names(engine, list(schemas))
        _drop_schemas(engine, [*schemas, engine.url.database or ""])
        return names


def _tables_create_all_orders_at_random(tables: list[sa.Table]) -> set[str]:
    """Tables in a cycle with more than one foreign key: create_all() adds all of them with ALTER TABLE, in the
    order of a set, so the server's numbers for them differ from run to run; nothing can match those."""
    remaining = [fks for table, fks in sort_tables_and_constraints(tables) if table is None]
    counts: dict[str, int] = {}
    for fk in (fk for group in remaining for fk in group):
        counts[fk.table.fullname] = counts.get(fk.table.fullname, 0) + 1
    return {name for name, count in counts.items() if count > 1}


# ---- the assertion ------------------------------------------------------------------------------------------

def assert_replay_is_a_fixpoint(engine: Engine, backend: Backend, tables: list[sa.Table] | None = None,
                                schemas: Iterable[str] = (), extra_schemas: list[str] | None = None) -> Reading:
    """`engine` holds the provider's output. Its reading, replayed on a clean database, reads back the same; on
    MySQL/MariaDB its foreign-key names are create_all()'s for `tables` (the target's, as built, whose
    `schemas` are created first). Returns the reading. On MySQL the output's database and its other
    databases (`extra_schemas`, by default those the backend saw appear) are dropped on the way: databases
    are server-wide, and the replay creates them again."""
    reader = READERS[backend.name]
    extra = backend.extra_schemas(engine) if extra_schemas is None else extra_schemas
    first = read_back(engine, backend, extra)
    ours = foreign_key_names(engine, extra) if reader.names_foreign_keys_by_order else {}
    if reader.names_foreign_keys_by_order:
        _drop_schemas(engine, [*extra, engine.url.database or ""])
    second = replay(first, backend)
    unstable = {key: (first.objects.get(key), second.objects.get(key))
                for key in set(first.objects) | set(second.objects)
                if first.objects.get(key) != second.objects.get(key)}
    assert not unstable, f"{backend.name}: the database's reading of its own reading differs: {unstable}"
    if tables is not None and reader.names_foreign_keys_by_order:
        theirs = create_all_foreign_key_names(tables, schemas, backend)
        random = {_short(name) for name in _tables_create_all_orders_at_random(tables)}
        mismatched = {table: (keys, theirs.get(table)) for table, keys in ours.items()
                      if table not in random and keys != theirs.get(table)}
        assert not mismatched, f"{backend.name}: foreign-key names differ from create_all()'s: {mismatched}"
    return first


def _drop_schemas(engine: Engine, schemas: list[str]) -> None:
    """Drop databases of a MySQL server whatever keys run between them; the fixture that made one drops it
    again if it exists."""
    with engine.connect() as conn:
        conn.exec_driver_sql("SET SESSION foreign_key_checks = 0")
        for schema in schemas:
            conn.exec_driver_sql(f"DROP DATABASE `{schema}`")


def _short(fullname: str) -> str:
    """`schema.table` or `.table`, as foreign_key_names() keys tables."""
    schema, _, name = fullname.rpartition(".")
    return f"{schema}.{name}"
