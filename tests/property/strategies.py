"""Hypothesis strategies for whole SQLAlchemy models, and their rendering as a Python package.

A model is drawn as plain data (``ModelSpec``) and written out as the source a user would write: a package
with a ``base.py`` holding the MetaData (with or without a naming convention) and one module per schema
defining Core ``Table`` objects, indexes and check constraints. The provider then imports it exactly as it
imports a real project.

What is drawn, and the limits generation keeps so that every model is valid on every backend (limits are
respected here, never by skipping an assertion):

- tables in one or two schemas; table names unique once case and accents are folded (SQLite flattens
  schemas and compares names case-insensitively; MariaDB compares column names accent-insensitively);
- identifiers: plain, reserved words (user, order, select, group...), mixed case, with spaces, non-ASCII
  (Basic Multilingual Plane only: MariaDB stores identifiers as 3-byte UTF-8), and long ones, up to
  PostgreSQL's 63 bytes, so that names built by a naming convention exceed every backend's limit;
- columns of every generic type: SmallInteger, Integer, BigInteger, String(n), Text, Boolean, Date,
  DateTime with and without time zone, Time, Numeric(p, s), Float, JSON, Uuid, LargeBinary, Enum native and
  not (and Boolean/Enum with their CHECK constraint); nullable or not; a String with another length for
  PostgreSQL (``with_variant``); native enums of one name shared by several columns (one PostgreSQL type);
- server defaults: literals (quotes, %, non-ASCII included), ``func.now()``, ``true()``/``false()``;
- primary keys: one auto-increment integer, one other key column, or two or three columns;
- unique constraints (table level and ``unique=True``), indexes: single and composite columns, unique,
  partial (``postgresql_where``/``sqlite_where``) and on an expression (``lower(col)``);
- check constraints on one or two columns;
- foreign keys to a primary key or unique set, with ON DELETE (and sometimes ON UPDATE) actions, to the
  same table (self reference), across schemas, in cycles, and association tables whose primary key is
  made of two foreign keys.

Keys (primary, unique, indexed, referenced) use only types every backend indexes: integers, String(n <= 100),
Date, Uuid, Numeric; never Text, JSON, LargeBinary (MariaDB cannot index them without a prefix length).
"""

from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import dataclass, field

from hypothesis import strategies as st

# ---- names ---------------------------------------------------------------------------------------

PLAIN = ["customer", "amount", "status", "note", "created", "price", "title", "label", "code", "ref", "total",
         "quantity", "kind", "score", "item", "account", "invoice", "region", "payload", "flag"]
RESERVED = ["user", "order", "select", "group", "table", "from", "where", "check", "index", "key", "default",
            "primary", "references", "limit", "desc", "column", "values"]
MIXED = ["CustomerOrders", "createdAt", "HTTPStatus", "Zip_Code", "lineItems", "OrderID", "isActive"]
SPACED = ["order date", "e-mail", "unit price"]
NON_ASCII = ["café", "größe", "名前", "заказ", "número", "ürün", "preço", "Straße", "çeşit", "ποσό"]
SCHEMAS = ["sales", "Reporting", "order", "ventes_été"]
LONG_WORDS = "customer_lifetime_value_adjustment_history_snapshot_record_entry_detail"
# 2-byte UTF-8 letters: 63 bytes is fewer than 63 characters, so a name built from this one by a naming
# convention can pass a limit counted in characters and still exceed PostgreSQL's, counted in bytes.
LONG_NON_ASCII = "ürün_açıklaması_güncelleme_geçmişi_kaydı_ayrıntısı_özeti_çizelgesi"

PG_MAX_BYTES = 63  # PostgreSQL's NAMEDATALEN - 1; MariaDB allows 64 characters, SQLite any length


def fold(name: str) -> str:
    """The key under which two names are the same somewhere: case and accents folded."""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@st.composite
def identifiers(draw: st.DrawFn) -> str:
    kind = draw(st.sampled_from(["plain", "plain", "reserved", "mixed", "spaced", "non_ascii", "long",
                                 "long_non_ascii"]))
    if kind in ("long", "long_non_ascii"):
        words = LONG_WORDS if kind == "long" else LONG_NON_ASCII
        size = draw(st.integers(40, PG_MAX_BYTES))
        start = draw(st.integers(0, 8))
        name = (words[start:] + "_" + words)[:size]
        while len(name.encode()) > size:
            name = name[:-1]
        return name.strip("_")
    pool = {"plain": PLAIN, "reserved": RESERVED, "mixed": MIXED, "spaced": SPACED, "non_ascii": NON_ASCII}[kind]
    return draw(st.sampled_from(pool))


class Names:
    """Hands out names that are unique under `fold`, suffixing a number when a drawn name is taken.

    Names stay within `max_bytes` UTF-8 bytes, PostgreSQL's 63 unless told."""

    def __init__(self, taken: set[str] | None = None, max_bytes: int = PG_MAX_BYTES) -> None:
        self.taken = set(taken or ())
        self.max_bytes = max_bytes
        self.enums: list[tuple[str, tuple[str, ...]]] = []  # native enums handed out: (name, values)

    def _fits(self, name: str) -> bool:
        return len(name.encode()) <= self.max_bytes

    def unique(self, name: str) -> str:
        while not self._fits(name):
            name = name[:-1]
        candidate, n = name, 1
        while fold(candidate) in self.taken:
            n += 1
            suffix = f"_{n}"
            base = name
            while not self._fits(base + suffix):
                base = base[:-1]
            candidate = base + suffix
        self.taken.add(fold(candidate))
        return candidate


# ---- the model as data -----------------------------------------------------------------------------

KEY_KINDS = ["smallint", "int", "bigint", "string", "uuid", "date", "numeric"]
ALL_KINDS = KEY_KINDS + ["text", "bool", "datetime", "datetimetz", "time", "float", "json", "binary",
                         "enum_native", "enum_plain"]
INTEGER_KINDS = {"smallint", "int", "bigint"}
ON_DELETE = [None, "CASCADE", "SET NULL", "RESTRICT", "NO ACTION"]


@dataclass
class ColumnSpec:
    name: str
    kind: str
    nullable: bool = True
    length: int | None = None  # string
    variant_length: int | None = None  # string: String(length).with_variant(String(variant_length), "postgresql")
    precision: int | None = None  # numeric
    scale: int | None = None
    enum_values: list[str] = field(default_factory=list)
    enum_name: str | None = None  # enums, and booleans with a CHECK constraint
    check_type: bool = False  # Enum(create_constraint=True) / Boolean(create_constraint=True)
    default: tuple[str, str] | None = None  # ("literal", text) | ("text", sql) | ("now", "") | ("true"|"false", "")
    unique: bool = False
    index: bool = False
    primary_key: bool = False

    @property
    def keyable(self) -> bool:
        """Fit for a key or index everywhere: MariaDB keys are at most 3072 bytes (utf8mb4: 4 a character)."""
        return self.kind in KEY_KINDS and (self.kind != "string" or (self.length or 0) <= 100)

    def same_type(self, name: str) -> ColumnSpec:
        """A column of this one's type (for a foreign key to it), with no default, key or index."""
        return ColumnSpec(name, self.kind, length=self.length, variant_length=self.variant_length,
                          precision=self.precision, scale=self.scale,
                          enum_values=list(self.enum_values), enum_name=self.enum_name)


@dataclass
class IndexSpec:
    name: str | None
    columns: list[str]
    unique: bool = False
    where: str | None = None  # a column for "col > 0" / "col IS NOT NULL"
    expression: str | None = None  # a String column for lower(col)


@dataclass
class CheckSpec:
    name: str
    columns: list[str]  # one column: col >= 0 / col <> ''; two: a <= b


@dataclass
class ForeignKeySpec:
    columns: list[str]
    target: TableSpec
    target_columns: list[str]
    ondelete: str | None = None
    onupdate: str | None = None


@dataclass(eq=False)
class TableSpec:
    name: str
    schema: str | None
    columns: list[ColumnSpec] = field(default_factory=list)
    primary_key: list[str] = field(default_factory=list)
    uniques: list[list[str]] = field(default_factory=list)
    indexes: list[IndexSpec] = field(default_factory=list)
    checks: list[CheckSpec] = field(default_factory=list)
    foreign_keys: list[ForeignKeySpec] = field(default_factory=list)
    names: Names = field(default_factory=Names, repr=False)

    def column(self, name: str) -> ColumnSpec:
        return next(c for c in self.columns if c.name == name)

    def key_sets(self) -> list[list[str]]:
        """Column lists a foreign key may refer to: the primary key, unique constraints, unique columns."""
        sets = [self.primary_key] + self.uniques + [[c.name] for c in self.columns if c.unique]
        return [s for s in sets if s]


@dataclass
class ModelSpec:
    tables: list[TableSpec]
    naming_convention: bool
    second_schema: str | None

    def __repr__(self) -> str:
        """Short enough for Hypothesis to print a failing example (the source is what matters)."""
        lines = [f"ModelSpec(naming_convention={self.naming_convention}, second_schema={self.second_schema!r}):"]
        for t in self.tables:
            cols = ", ".join(f"{c.name}:{c.kind}{'' if c.nullable else '!'}" for c in t.columns)
            lines.append(f"  {t.schema + '.' if t.schema else ''}{t.name}({cols}) pk={t.primary_key} "
                         f"uq={t.uniques} ix={[(i.name, i.columns or i.expression) for i in t.indexes]} "
                         f"fk={[(f.columns, f.target.name, f.ondelete) for f in t.foreign_keys]}")
        return "\n".join(lines)

    def _repr_pretty_(self, printer: object, cycle: bool) -> None:  # Hypothesis's printer, for dataclasses
        printer.text(repr(self))  # type: ignore[attr-defined]


# ---- drawing -----------------------------------------------------------------------------------------

LITERALS = {
    "smallint": ["0", "7", "-1"], "int": ["0", "42", "-5"], "bigint": ["0", "9000000000"],
    "string": ["", "x", "it's", "100%", "café", "a;b"], "text": ["", "long text", "it's"],
    "date": ["2020-01-01"], "datetime": ["2020-01-01 00:00:00"], "datetimetz": ["2020-01-01 00:00:00"],
    "time": ["12:30:00"], "numeric": ["0", "1.5"], "float": ["0", "2.5"],
}
ENUM_VALUES = ["new", "paid", "Shipped", "cancelled", "user", "order", "it's", "café", "100%", "名前", "a b"]


@st.composite
def columns(draw: st.DrawFn, names: Names, *, key: bool = False, enum_names: Names) -> ColumnSpec:
    kind = draw(st.sampled_from(KEY_KINDS if key else ALL_KINDS))
    column = ColumnSpec(names.unique(draw(identifiers())), kind, nullable=not key and draw(st.booleans()))
    if kind == "string":
        column.length = draw(st.integers(1, 100) if key else st.one_of(st.integers(1, 100), st.integers(100, 1000)))
        if not key and draw(st.integers(0, 3)) == 0:  # a keyable length stays keyable
            column.variant_length = draw(st.integers(1, 100) if column.length <= 100 else st.integers(100, 1000))
    elif kind == "numeric":
        column.precision = draw(st.integers(1, 38))
        column.scale = draw(st.integers(0, min(column.precision, 10)))
    elif kind == "enum_native" and enum_names.enums and draw(st.booleans()):
        column.enum_name, values = draw(st.sampled_from(enum_names.enums))  # one type, used again
        column.enum_values = list(values)
    elif kind in ("enum_native", "enum_plain"):
        picked = draw(st.lists(st.sampled_from(ENUM_VALUES), min_size=1, max_size=5, unique_by=fold))
        column.enum_values = picked
        column.enum_name = enum_names.unique(f"e_{len(enum_names.taken)}")
        column.check_type = kind == "enum_plain" and draw(st.booleans())
        if kind == "enum_native":
            enum_names.enums.append((column.enum_name, tuple(picked)))
    elif kind == "bool" and draw(st.booleans()):
        column.check_type = True
        column.enum_name = enum_names.unique(f"b_{len(enum_names.taken)}")
    if not key and draw(st.integers(0, 3)) == 0:
        column.default = draw(defaults(column))
    return column


@st.composite
def defaults(draw: st.DrawFn, column: ColumnSpec) -> tuple[str, str] | None:
    kind = column.kind
    if kind == "bool":
        return (draw(st.sampled_from(["true", "false"])), "")
    if kind in ("datetime", "datetimetz") and draw(st.booleans()):
        return ("now", "")
    if kind in ("enum_native", "enum_plain"):
        return ("literal", draw(st.sampled_from(column.enum_values)))
    if kind in LITERALS:
        value = draw(st.sampled_from(LITERALS[kind]))
        if kind == "string":
            value = value[: column.length]
        if kind == "numeric":
            value = "0" if column.scale == 0 or column.precision - column.scale < 1 else value
        if kind in INTEGER_KINDS | {"numeric", "float"} and draw(st.booleans()):
            return ("text", value)  # server_default=text("42") rather than the string "42"
        return ("literal", value)
    return None


@st.composite
def tables(draw: st.DrawFn, name: str, schema: str | None, enum_names: Names, convention: bool,
           index_names: Names) -> TableSpec:
    table = TableSpec(name, schema)
    names = table.names
    shape = draw(st.sampled_from(["auto", "auto", "single", "composite"]))
    if shape == "auto":
        kind = draw(st.sampled_from(sorted(INTEGER_KINDS)))
        pk = [ColumnSpec(names.unique(draw(st.sampled_from(["id", "ID", "user", "número", "key"]))), kind,
                         nullable=False)]
    else:
        count = 1 if shape == "single" else draw(st.integers(2, 3))
        pk = [draw(columns(names, key=True, enum_names=enum_names)) for _ in range(count)]
    for column in pk:
        column.primary_key = True
        column.nullable = False
    table.columns += pk
    table.primary_key = [c.name for c in pk]
    table.columns += draw(st.lists(columns(names, enum_names=enum_names), max_size=6))

    keyable = [c.name for c in table.columns if c.keyable]
    # Conventions name an index or unique constraint from its columns joined with "_", so two column lists
    # must not join to the same text; without a convention, indexes get explicit unique names.
    used: dict[str, set[str]] = {"uq": {fold("_".join(table.primary_key))}, "ix": set()}

    def fresh(kind: str, cols: list[str]) -> bool:
        joined = fold("_".join(cols))
        if joined in used[kind]:
            return False
        used[kind].add(joined)
        return True

    if keyable:
        for cols in draw(st.lists(st.lists(st.sampled_from(keyable), min_size=1, max_size=2, unique=True),
                                  max_size=2)):
            if fresh("uq", cols):
                table.uniques.append(cols)
        for name in draw(st.lists(st.sampled_from(keyable), max_size=2, unique=True)):
            column = table.column(name)
            if column.primary_key:
                continue
            if draw(st.booleans()):
                if fresh("uq", [name]):
                    column.unique = True
            elif fresh("ix", [name]):
                column.index = True
        for _ in range(draw(st.integers(0, 3))):
            cols = draw(st.lists(st.sampled_from(keyable), min_size=1, max_size=3, unique=True))
            if not fresh("ix", cols):
                continue
            index = IndexSpec(None if convention else index_names.unique(f"ix_{len(index_names.taken)}"), cols,
                              unique=draw(st.integers(0, 3)) == 0)
            wherecols = [c for c in table.columns if c.kind in INTEGER_KINDS | {"numeric", "string"}]
            if wherecols and draw(st.integers(0, 3)) == 0:
                index.where = draw(st.sampled_from(wherecols)).name
            table.indexes.append(index)
    strings = [c.name for c in table.columns if c.kind == "string"]
    if strings and draw(st.integers(0, 2)) == 0:
        table.indexes.append(IndexSpec(index_names.unique(f"ixe_{len(index_names.taken)}"), [],
                                       expression=draw(st.sampled_from(strings)),
                                       unique=draw(st.integers(0, 3)) == 0))
    checkable = [c.name for c in table.columns if c.kind in INTEGER_KINDS | {"numeric", "float", "string"}
                 and not c.primary_key]
    for _ in range(draw(st.integers(0, 2)) if checkable else 0):
        first = draw(st.sampled_from(checkable))
        kind = table.column(first).kind
        same = [c for c in checkable if c != first and (table.column(c).kind == "string") == (kind == "string")]
        cols = [first] + ([draw(st.sampled_from(same))] if same and draw(st.booleans()) else [])
        table.checks.append(CheckSpec(f"chk_{len(table.checks)}", cols))
    return table


@st.composite
def foreign_keys(draw: st.DrawFn, table: TableSpec, all_tables: list[TableSpec], to_default: bool,
                 cascade_null: bool) -> None:
    """Add 0-2 foreign keys from `table`, each on new columns of the referenced columns' types.

    `to_default` False: a table in a named schema refers to tables in named schemas only (MySQL and
    MariaDB look a table named without schema up in the referring table's database). `cascade_null` False:
    no ON UPDATE CASCADE from a nullable referenced column into a NOT NULL one (MariaDB refuses it)."""
    targets = [t for t in all_tables if to_default or not table.schema or t.schema]
    for _ in range(draw(st.integers(0, 2))):
        target = draw(st.sampled_from(targets))  # may be `table` itself: a self reference
        key = draw(st.sampled_from(target.key_sets()))
        ondelete = draw(st.sampled_from(ON_DELETE))
        onupdate = "CASCADE" if draw(st.integers(0, 5)) == 0 else None
        nullable = ondelete == "SET NULL" or draw(st.booleans())
        if onupdate and not cascade_null and any(target.column(k).nullable for k in key):
            nullable = True
        new = []
        for referred in key:
            column = target.column(referred).same_type(table.names.unique(draw(identifiers())))
            column.nullable = nullable
            new.append(column)
        table.columns += new
        table.foreign_keys.append(ForeignKeySpec([c.name for c in new], target, list(key), ondelete, onupdate))


@st.composite
def association(draw: st.DrawFn, name: str, schema: str | None, left: TableSpec, right: TableSpec) -> TableSpec:
    """A many-to-many table: its primary key is two foreign keys, deleted with either side."""
    table = TableSpec(name, schema)
    for target in (left, right):
        new = [target.column(c).same_type(table.names.unique(draw(identifiers()))) for c in target.primary_key]
        for column in new:
            column.nullable = False
            column.primary_key = True
        table.columns += new
        table.primary_key += [c.name for c in new]
        table.foreign_keys.append(ForeignKeySpec([c.name for c in new], target, list(target.primary_key),
                                                 "CASCADE"))
    return table


@st.composite
def models(draw: st.DrawFn, max_tables: int = 5, *, to_default: bool = True, mysql_names: bool = False,
           cascade_null: bool = True) -> ModelSpec:
    """A whole model.

    `to_default`: whether a table in the second schema may refer to one in the default schema (not on
    MySQL/MariaDB, see `foreign_keys`), `cascade_null` likewise. `mysql_names`: without a naming convention, table names leave room
    for the name MySQL gives an unnamed foreign key, <table>_ibfk_<n>, within 63 bytes (MariaDB)."""
    convention = draw(st.booleans())
    second = draw(st.sampled_from(SCHEMAS)) if draw(st.booleans()) else None
    table_names = Names(max_bytes=63 - len("_ibfk_9") if mysql_names and not convention else PG_MAX_BYTES)
    enum_names, index_names = Names(), Names()
    count = draw(st.integers(1, max_tables))
    specs = []
    for _ in range(count):
        name = table_names.unique(draw(identifiers()))
        enum_names.taken.add(fold(name))  # PostgreSQL: a table is also a type of its own name
        schema = draw(st.sampled_from([None, second])) if second else None
        specs.append(draw(tables(name, schema, enum_names, convention, index_names)))
    for table in list(specs):
        draw(foreign_keys(table, specs, to_default, cascade_null))
    if len(specs) >= 2 and draw(st.integers(0, 3)) == 0:
        left, right = draw(st.permutations(specs))[:2]
        name = table_names.unique(draw(identifiers()))
        schema = draw(st.sampled_from([None, second])) if second else None
        if not to_default and (left.schema is None or right.schema is None):
            schema = None
        specs.append(draw(association(name, schema, left, right)))
    return ModelSpec(specs, convention, second)


# ---- rendering as Python source ---------------------------------------------------------------------

CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_N_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def _type(column: ColumnSpec) -> str:
    kind = column.kind
    simple = {"smallint": "SmallInteger()", "int": "Integer()", "bigint": "BigInteger()", "text": "Text()",
              "date": "Date()", "datetime": "DateTime()", "datetimetz": "DateTime(timezone=True)",
              "time": "Time()", "float": "Float()", "json": "JSON()", "uuid": "Uuid()", "binary": "LargeBinary()"}
    if kind in simple:
        return simple[kind]
    if kind == "string":
        if column.variant_length:
            return f'String({column.length}).with_variant(String({column.variant_length}), "postgresql")'
        return f"String({column.length})"
    if kind == "numeric":
        return f"Numeric({column.precision}, {column.scale})"
    if kind == "bool":
        return f"Boolean(create_constraint=True, name={column.enum_name!r})" if column.check_type else "Boolean()"
    native = kind == "enum_native"
    extra = "" if native else f", native_enum=False, create_constraint={column.check_type}"
    return f"Enum({', '.join(map(repr, column.enum_values))}, name={column.enum_name!r}{extra})"


def _default(column: ColumnSpec) -> str:
    if column.default is None:
        return ""
    kind, value = column.default
    code = {"literal": repr(value), "text": f"text({value!r})", "now": "func.now()", "true": "true()",
            "false": "false()"}[kind]
    return f", server_default={code}"


def _column(column: ColumnSpec) -> str:
    flags = ""
    if column.primary_key:
        flags += ", primary_key=True"
    flags += f", nullable={column.nullable}" if not column.primary_key else ""
    flags += ", unique=True" if column.unique else ""
    flags += ", index=True" if column.index else ""
    return f"Column({column.name!r}, {_type(column)}{flags}{_default(column)})"


def _fullname(table: TableSpec, schemas: dict[str | None, str | None]) -> str:
    schema = schemas[table.schema]
    return f"{schema}.{table.name}" if schema else table.name


def render_package(spec: ModelSpec, package: str, schemas: dict[str | None, str | None]) -> dict[str, str]:
    """The model as the files of package `package`: {relative path: source}.

    `schemas` maps the spec's schema names to those used in the source (a backend may need them unique).
    """
    imports = ("from sqlalchemy import BigInteger, Boolean, CheckConstraint, Column, Date, DateTime, Enum, Float, "
               "ForeignKeyConstraint, Index, Integer, JSON, LargeBinary, MetaData, Numeric, PrimaryKeyConstraint, "
               "SmallInteger, String, Table, Text, Time, UniqueConstraint, Uuid, false, func, text, true\n")
    convention = f"naming_convention={CONVENTION!r}" if spec.naming_convention else ""
    files = {
        f"{package}/__init__.py": "",
        f"{package}/base.py": f"from sqlalchemy import MetaData\n\nmetadata = MetaData({convention})\n",
    }
    modules: dict[str | None, list[str]] = {}
    for number, table in enumerate(spec.tables):
        var = f"t{number}"
        lines = modules.setdefault(table.schema, [])
        args = [repr(table.name), "metadata"]
        args += [_column(c) for c in table.columns if not (c.primary_key and len(table.primary_key) > 1)]
        # a composite key is declared as a constraint, its columns in key order first
        if len(table.primary_key) > 1:
            key_columns = [table.column(n) for n in table.primary_key]
            args[2:2] = [_column(ColumnSpec(**{**c.__dict__, "primary_key": False, "nullable": False}))
                         for c in key_columns]
            args.append(f"PrimaryKeyConstraint({', '.join(map(repr, table.primary_key))})")
        for cols in table.uniques:
            args.append(f"UniqueConstraint({', '.join(map(repr, cols))})")
        for fk in table.foreign_keys:
            referred = [f"{_fullname(fk.target, schemas)}.{c}" for c in fk.target_columns]
            actions = "".join(f", {k}={v!r}" for k, v in (("ondelete", fk.ondelete), ("onupdate", fk.onupdate)) if v)
            args.append(f"ForeignKeyConstraint({fk.columns!r}, {referred!r}{actions})")
        schema = schemas[table.schema]
        if schema:
            args.append(f"schema={schema!r}")
        lines.append(f"{var} = Table(\n    " + ",\n    ".join(args) + ",\n)")
        for check in table.checks:
            first = f"{var}.c[{check.columns[0]!r}]"
            if len(check.columns) == 2:
                condition = f"{first} <= {var}.c[{check.columns[1]!r}]"
            elif table.column(check.columns[0]).kind == "string":
                condition = f"{first} != ''"
            else:
                condition = f"{first} >= 0"
            lines.append(f"{var}.append_constraint(CheckConstraint({condition}, name={check.name!r}))")
        for index in table.indexes:
            if index.expression:
                parts = [f"func.lower({var}.c[{index.expression!r}])"]
            else:
                parts = [f"{var}.c[{c!r}]" for c in index.columns]
            options = ", unique=True" if index.unique else ""
            if index.where:
                where = table.column(index.where)
                condition = (f"{var}.c[{where.name!r}].is_not(None)" if where.kind == "string"
                             else f"{var}.c[{where.name!r}] > 0")
                options += f", postgresql_where={condition}, sqlite_where={condition}"
            lines.append(f"Index({index.name!r}, {', '.join(parts)}{options})")
    for number, (schema, lines) in enumerate(sorted(modules.items(), key=lambda kv: kv[0] or "")):
        body = imports + "\nfrom .base import metadata\n\n" + "\n\n".join(lines) + "\n"
        files[f"{package}/tables_{number}.py"] = body
    return files


def package_name(files_key: str) -> str:
    """A package name that is the same for the same model (Hypothesis replays examples) and new otherwise."""
    return "genmodel_" + hashlib.sha1(files_key.encode()).hexdigest()[:12]
