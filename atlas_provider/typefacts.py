"""What a column type can hold, as comparable facts: the parity report's view of types.

The model side is read from the SQLAlchemy type object the user declared (the base type: a `with_variant`
or an `info` type override is the target's adaptation, not the model's claim). The target side is read
from the type the target's DDL actually names (`adapter.column_type(column)`): for SQL dialects the text
SQLAlchemy compiled, for ClickHouse the adapter's type (which may be a user's override). Only the facts are
compared, never the texts, so `TIMESTAMP WITH TIME ZONE` and `DateTime64(6, 'UTC')` agree.

Where a DDL type leaves a fact to the database, the database's documented default is used (MySQL
`DATETIME` keeps whole seconds, `DECIMAL` means `DECIMAL(10, 0)`, `FLOAT` is single precision).
SQLite is read as declared, except what its storage classes make certain: every integer is 64-bit and no
date/time type keeps a time zone (SQLAlchemy stores text without an offset). Its type affinity, which does
not enforce lengths, is not modelled.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any

import sqlalchemy as sa
from sqlalchemy.types import TypeDecorator, TypeEngine

# Families of values. Within a family the facts below are compared; across families see COMPATIBLE.
TEMPORAL = frozenset({"datetime", "time"})


@dataclass(frozen=True)
class Facts:
    """The value-relevant facts of one type. `None` means unbounded (or unknown for `precision`)."""

    family: str
    timezone: bool = False
    precision: int | None = None  # decimal digits; fractional-second digits; float mantissa bits
    scale: int | None = None  # decimal digits after the point
    width: int | None = None  # integer bits; string or binary length
    signed: bool = True
    values: tuple[str, ...] = ()  # enum labels
    wrapper: str = ""  # a representation the target adds around the type (ClickHouse LowCardinality)
    name: str = ""  # the type's own name, for families the report does not understand ("other")


@dataclass(frozen=True)
class Read:
    """A target type read from its DDL: its facts, and whether the type itself admits NULL (None: the
    column's NULL / NOT NULL decides)."""

    facts: Facts
    nullable: bool | None = None


# ---------------------------------------------------------------------------------------------
# the model: SQLAlchemy type objects

INTEGER_BITS = {"TINYINT": 8, "SMALLINT": 16, "MEDIUMINT": 24, "INTEGER": 32, "INT": 32, "BIGINT": 64}
PYTHON_FLOAT_BITS = 53  # a Python float is an IEEE double
PYTHON_TIME_DIGITS = 6  # a Python datetime has microseconds


def float_bits(precision: int | None, default: int = PYTHON_FLOAT_BITS) -> int:
    """FLOAT(p) is single precision up to p = 24 and double above (SQL standard, PostgreSQL, MySQL, T-SQL)."""
    if precision is None:
        return default
    return 24 if precision <= 24 else 53


def model_facts(type_: TypeEngine[Any]) -> Facts:
    """The facts a model's type claims, dialect-neutral. Python's own resolution is the default claim:
    a DateTime without a precision holds microseconds, a Float without one is a double."""
    if isinstance(type_, sa.Interval):
        return Facts("interval")
    while isinstance(type_, TypeDecorator):
        type_ = type_.impl_instance
    name = type(type_).__name__.upper()
    if isinstance(type_, sa.Boolean):
        return Facts("boolean")
    if isinstance(type_, sa.Enum):
        labels = tuple(type_.enums)
        if type_.native_enum:
            return Facts("enum", values=labels)
        return Facts("string", width=type_.length, values=labels)  # the model chose VARCHAR itself
    if isinstance(type_, sa.Uuid):
        return Facts("uuid")
    if isinstance(type_, sa.JSON):
        return Facts("json")
    if isinstance(type_, (sa.DateTime, sa.Time)):
        digits = getattr(type_, "precision", None)
        if digits is None:
            digits = getattr(type_, "fsp", None)
        family = "datetime" if isinstance(type_, sa.DateTime) else "time"
        return Facts(family, timezone=bool(type_.timezone), precision=PYTHON_TIME_DIGITS if digits is None else digits)
    if isinstance(type_, sa.Date):
        return Facts("date")
    if isinstance(type_, sa.Integer):
        bits = 64 if isinstance(type_, sa.BigInteger) else 16 if isinstance(type_, sa.SmallInteger) else 32
        return Facts("integer", width=INTEGER_BITS.get(name, bits), signed=not getattr(type_, "unsigned", False))
    if isinstance(type_, sa.Float):
        if isinstance(type_, sa.Double):
            return Facts("float", precision=53)
        return Facts("float", precision=24 if name == "REAL" else float_bits(type_.precision))
    if isinstance(type_, sa.Numeric):
        precision, scale = type_.precision, type_.scale
        if precision is not None and scale is None:
            scale = 0
        return Facts("decimal", precision=precision, scale=scale)
    if isinstance(type_, sa.String):
        return Facts("string", width=type_.length)
    if isinstance(type_, sa.LargeBinary):
        return Facts("binary", width=type_.length)
    return Facts("other", name=str(getattr(type_, "__visit_name__", name)).lower())


def short_name(type_: TypeEngine[Any]) -> str:
    """A compact name for the model's type in the report: `DateTime(timezone=True)`, `Numeric(12, 2)`."""
    while isinstance(type_, TypeDecorator) and not isinstance(type_, sa.Interval):
        type_ = type_.impl_instance
    kind = type(type_).__name__
    if isinstance(type_, sa.Enum):
        return f"Enum({type_.name})" if type_.native_enum and type_.name else f"Enum({len(type_.enums)} values)"
    args: list[str] = []
    if isinstance(type_, sa.Numeric) and not isinstance(type_, sa.Float) and type_.precision is not None:
        args = [str(type_.precision)] + ([str(type_.scale)] if type_.scale is not None else [])
    elif isinstance(type_, sa.Float) and type_.precision is not None:
        args = [str(type_.precision)]
    elif isinstance(type_, (sa.String, sa.LargeBinary)) and type_.length is not None:
        args = [str(type_.length)]
    elif isinstance(type_, (sa.DateTime, sa.Time)):
        digits = getattr(type_, "precision", None) or getattr(type_, "fsp", None)
        args = [f"precision={digits}"] if digits else []
        args += ["timezone=True"] if type_.timezone else []
    return f"{kind}({', '.join(args)})" if args else kind


# ---------------------------------------------------------------------------------------------
# SQL targets: the type text SQLAlchemy compiled

@dataclass(frozen=True)
class SqlName:
    """How a SQL type name reads: its family, and the facts its arguments (or their absence) give."""

    family: str
    precision: int | None = None  # default fractional digits / decimal precision / float bits
    scale: int | None = None
    width: int | None = None
    timezone: bool = False


SQL_NAMES: dict[str, SqlName] = {
    "BOOLEAN": SqlName("boolean"), "BOOL": SqlName("boolean"), "BIT": SqlName("boolean"),
    "TINYINT": SqlName("integer", width=8), "SMALLINT": SqlName("integer", width=16),
    "MEDIUMINT": SqlName("integer", width=24), "INTEGER": SqlName("integer", width=32),
    "INT": SqlName("integer", width=32), "BIGINT": SqlName("integer", width=64),
    "NUMERIC": SqlName("decimal"), "DECIMAL": SqlName("decimal"),
    "FLOAT": SqlName("float", precision=53), "REAL": SqlName("float", precision=24),
    "DOUBLE": SqlName("float", precision=53), "DOUBLE PRECISION": SqlName("float", precision=53),
    "TIMESTAMP": SqlName("datetime", precision=6), "DATETIME": SqlName("datetime", precision=6),
    "DATETIME2": SqlName("datetime", precision=7), "SMALLDATETIME": SqlName("datetime", precision=0),
    "DATETIMEOFFSET": SqlName("datetime", precision=7, timezone=True),
    "DATE": SqlName("date"), "TIME": SqlName("time", precision=6), "INTERVAL": SqlName("interval"),
    "VARCHAR": SqlName("string"), "NVARCHAR": SqlName("string"), "CHARACTER VARYING": SqlName("string"),
    "CHAR": SqlName("string", width=1), "NCHAR": SqlName("string", width=1), "CHARACTER": SqlName("string", width=1),
    "TEXT": SqlName("string"), "NTEXT": SqlName("string"), "CLOB": SqlName("string"),
    "TINYTEXT": SqlName("string"), "MEDIUMTEXT": SqlName("string"), "LONGTEXT": SqlName("string"),
    "BYTEA": SqlName("binary"), "BLOB": SqlName("binary"), "VARBINARY": SqlName("binary"),
    "BINARY": SqlName("binary", width=1), "LONGBLOB": SqlName("binary"), "MEDIUMBLOB": SqlName("binary"),
    "IMAGE": SqlName("binary"), "JSON": SqlName("json"), "JSONB": SqlName("json"),
    "UUID": SqlName("uuid"), "UNIQUEIDENTIFIER": SqlName("uuid"), "ENUM": SqlName("enum"),
}

# What each database assumes when the DDL leaves a fact out, where it differs from SQL_NAMES.
# https://dev.mysql.com/doc/refman/8.0/en/fractional-seconds.html (fsp defaults to 0)
# https://dev.mysql.com/doc/refman/8.0/en/fixed-point-types.html (DECIMAL means DECIMAL(10, 0))
# https://dev.mysql.com/doc/refman/8.0/en/floating-point-types.html (FLOAT is 4 bytes)
# https://learn.microsoft.com/sql/t-sql/data-types/datetime-transact-sql (1/300 s: 3 digits at best)
# https://learn.microsoft.com/sql/t-sql/data-types/decimal-and-numeric-transact-sql (default 18, 0)
# https://www.sqlite.org/datatype3.html (INTEGER values take up to 8 bytes)
_MYSQL = {
    "DATETIME": SqlName("datetime", precision=0), "TIMESTAMP": SqlName("datetime", precision=0),
    "TIME": SqlName("time", precision=0), "NUMERIC": SqlName("decimal", precision=10, scale=0),
    "DECIMAL": SqlName("decimal", precision=10, scale=0), "FLOAT": SqlName("float", precision=24),
}
DIALECT_NAMES: dict[str, dict[str, SqlName]] = {
    "mysql": _MYSQL,
    "mariadb": _MYSQL,
    "mssql": {
        "DATETIME": SqlName("datetime", precision=3), "TIME": SqlName("time", precision=7),
        "NUMERIC": SqlName("decimal", precision=18, scale=0), "DECIMAL": SqlName("decimal", precision=18, scale=0),
    },
    "sqlite": {name: SqlName("integer", width=64) for name, spec in SQL_NAMES.items() if spec.family == "integer"},
}
# Databases whose date/time types never keep a time zone, whatever the DDL says.
NO_TIMEZONE = frozenset({"mysql", "mariadb", "sqlite"})

_ARGS = re.compile(r"\((?P<args>(?:[^()']|'(?:[^']|'')*')*)\)")
_QUOTED = re.compile(r"'((?:[^']|'')*)'")
_TRAILING = re.compile(r"\s+(?:COLLATE|CHARACTER SET|CHARSET)\b.*$", re.IGNORECASE | re.DOTALL)


def read_sql(dialect: str, text: str) -> Read | None:
    """Read a SQL type as compiled for `dialect` (`TIMESTAMP(3) WITH TIME ZONE`, `NUMERIC(18, 4)`,
    `VARCHAR(max)`, `ENUM('a','b')`, `INTEGER UNSIGNED`); None for a name it does not know."""
    text = _TRAILING.sub("", text.strip())
    match = _ARGS.search(text)
    raw_args = match.group("args") if match else ""
    rest = text[: match.start()] + " " + text[match.end():] if match else text
    words = rest.upper().split()
    timezone = "WITH TIME ZONE" in " ".join(words)
    unsigned = "UNSIGNED" in words
    words = [w for w in words if w not in ("UNSIGNED", "ZEROFILL", "SIGNED")]
    for drop in ("WITH TIME ZONE", "WITHOUT TIME ZONE"):
        joined = " ".join(words)
        if joined.endswith(drop):
            words = joined[: -len(drop)].split()
    name = " ".join(words)
    spec = DIALECT_NAMES.get(dialect, {}).get(name) or SQL_NAMES.get(name)
    if spec is None:
        return None
    if spec.family == "enum":
        return Read(Facts("enum", values=tuple(v.replace("''", "'") for v in _QUOTED.findall(raw_args))))
    numbers = [int(a) for a in re.findall(r"\d+", raw_args)]
    unbounded = raw_args.strip().upper() == "MAX"
    facts = Facts(spec.family, timezone=spec.timezone or timezone, precision=spec.precision, scale=spec.scale,
                  width=spec.width, signed=not unsigned)
    if spec.family in TEMPORAL and numbers:
        facts = replace(facts, precision=numbers[0])
    elif spec.family == "decimal" and numbers:
        facts = replace(facts, precision=numbers[0], scale=numbers[1] if len(numbers) > 1 else 0)
    elif spec.family == "float" and numbers:
        facts = replace(facts, precision=float_bits(numbers[0]))
    elif spec.family in ("string", "binary"):
        facts = replace(facts, width=None if unbounded else numbers[0] if numbers else spec.width)
    if dialect in NO_TIMEZONE:
        facts = replace(facts, timezone=False)
    return Read(facts)


# ---------------------------------------------------------------------------------------------
# ClickHouse: the adapter's type names, including users' overrides
# https://clickhouse.com/docs/en/sql-reference/data-types

CLICKHOUSE_INTS = {f"{sign}Int{bits}": (bits, sign == "") for bits in (8, 16, 32, 64, 128, 256) for sign in ("", "U")}
CLICKHOUSE_DECIMALS = {"Decimal32": 9, "Decimal64": 18, "Decimal128": 38, "Decimal256": 76}
# Case-insensitive SQL aliases ClickHouse accepts (https://clickhouse.com/docs/en/sql-reference/data-types#data_type-aliases)
CLICKHOUSE_ALIASES = {
    "TEXT": "String", "VARCHAR": "String", "CHAR": "String", "CLOB": "String", "BLOB": "String",
    "INT": "Int32", "INTEGER": "Int32", "BIGINT": "Int64", "SMALLINT": "Int16", "TINYINT": "Int8",
    "FLOAT": "Float32", "REAL": "Float32", "DOUBLE": "Float64", "BOOLEAN": "Bool", "TIMESTAMP": "DateTime",
    "DECIMAL": "Decimal", "NUMERIC": "Decimal",
}
_CALL = re.compile(r"^\s*(?P<name>\w+)\s*(?:\((?P<args>.*)\))?\s*$", re.DOTALL)


def split_args(args: str) -> list[str]:
    """Top-level comma-separated arguments, respecting nested parentheses and quotes."""
    parts, depth, quote, current = [], 0, False, ""
    for char in args:
        if char == "'":
            quote = not quote
        elif not quote and char == "(":
            depth += 1
        elif not quote and char == ")":
            depth -= 1
        if char == "," and depth == 0 and not quote:
            parts.append(current.strip())
            current = ""
        else:
            current += char
    if current.strip():
        parts.append(current.strip())
    return parts


def read_clickhouse(text: str) -> Read:
    """Read a ClickHouse type: `Nullable(DateTime64(3, 'UTC'))`, `LowCardinality(String)`, `Decimal(10, 2)`.
    The type alone says whether NULL can be stored: only `Nullable(...)` can."""
    read = _read_clickhouse(text)
    return Read(read.facts, nullable=bool(read.nullable))


def _read_clickhouse(text: str) -> Read:
    match = _CALL.match(text)
    if not match:
        return Read(Facts("other", name=text))
    name, raw = match.group("name"), match.group("args") or ""
    name = CLICKHOUSE_ALIASES.get(name.upper(), name)
    args = split_args(raw)
    if name == "Nullable" and args:
        return Read(_read_clickhouse(args[0]).facts, nullable=True)
    if name == "LowCardinality" and args:
        inner = _read_clickhouse(args[0])
        return Read(replace(inner.facts, wrapper="LowCardinality"), inner.nullable)
    numbers = [int(a) for a in args if a.isdigit()]
    zone = any(a.startswith("'") for a in args)
    if name in CLICKHOUSE_INTS:
        bits, signed = CLICKHOUSE_INTS[name]
        return Read(Facts("integer", width=bits, signed=signed))
    facts = {
        "Float32": Facts("float", precision=24),
        "Float64": Facts("float", precision=53),
        "String": Facts("string"),
        "UUID": Facts("uuid"),
        "Date": Facts("date"),
        "Date32": Facts("date"),
        "Bool": Facts("boolean"),
        "JSON": Facts("json"),
        "Object": Facts("json"),
        "DateTime": Facts("datetime", timezone=zone, precision=0),
        "DateTime64": Facts("datetime", timezone=zone, precision=numbers[0] if numbers else 3),
        "FixedString": Facts("string", width=numbers[0] if numbers else None),
        "Decimal": Facts("decimal", precision=numbers[0] if numbers else 10,
                         scale=numbers[1] if len(numbers) > 1 else 0),
    }.get(name)
    if facts is not None:
        return Read(facts)
    if name in CLICKHOUSE_DECIMALS:
        return Read(Facts("decimal", precision=CLICKHOUSE_DECIMALS[name], scale=numbers[0] if numbers else 0))
    if name in ("Enum", "Enum8", "Enum16"):
        return Read(Facts("enum", values=tuple(v.replace("''", "'") for v in _QUOTED.findall(raw))))
    return Read(Facts("other", name=name.lower()))


# Target readers by dialect; any other dialect is read as SQL.
TEXT_READERS: Mapping[str, Callable[[str], Read]] = {"clickhouse": read_clickhouse}


def target_facts(dialect_name: str, text: str, column_type: TypeEngine[Any], dialect: Any) -> Read:
    """The facts of the type a target gives a column, read from its DDL text; a SQL name the tables do
    not know (a PostgreSQL enum or domain is compiled to its own name) falls back to the type object
    SQLAlchemy resolved for that dialect."""
    reader = TEXT_READERS.get(dialect_name)
    if reader is not None:
        return reader(text)
    found = read_sql(dialect_name, text)
    if found is not None:
        return found
    try:
        resolved = column_type.dialect_impl(dialect)
    except Exception:  # a type that cannot resolve for this dialect: read what was declared
        resolved = column_type
    return Read(model_facts(resolved))
