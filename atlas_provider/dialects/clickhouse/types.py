"""ClickHouse column types for SQLAlchemy types: what a ClickHouse user would choose by hand.

The type compiler renders the *inner* type of a column. Whether it becomes ``Nullable(T)`` or
``LowCardinality(T)`` depends on the column (its nullability, whether it is in the sorting key, its
``info``), so the DDL compiler in ``compiler.py`` decides that. Nothing here is newer than
ClickHouse 23.11 unless a setting asks for it (``json_type = "JSON"``).
https://clickhouse.com/docs/en/sql-reference/data-types

Dialect-specific types (PostgreSQL ``JSONB``, MySQL ``LONGTEXT``, SQL Server ``DATETIME2`` ...) are
rendered through the nearest generic SQLAlchemy type in their class hierarchy. PostgreSQL's own types
(INET, HSTORE, MONEY, PostGIS, pgvector ...) get the column the table's pipeline profile writes into
(``pgtypes.py``; the ``profile`` keyword, given by the DDL compiler per table). A type with no generic
ancestor we know is stored as ``String``, and ``unmapped()`` says so, for the loss report.

Models written for `clickhouse-sqlalchemy` keep their types: its classes already name ClickHouse types,
so they are recognised by module and class name (the package is never imported; it pins older
SQLAlchemy releases).
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from typing import Any

from sqlalchemy import types as sqltypes
from sqlalchemy.sql.compiler import GenericTypeCompiler
from sqlalchemy.sql.type_api import TypeEngine, to_instance

from .pgtypes import lake_type, postgres_type

# Float(precision) counts binary digits; up to 24 fit a 32-bit float (as in PostgreSQL).
FLOAT32_MAX_PRECISION = 24
# NUMERIC without precision stores any value in PostgreSQL; CDC pipelines choose the widest Decimal.
# https://clickhouse.com/docs/en/integrations/clickpipes/postgres/source/datatypes
UNCONSTRAINED_DECIMAL = (76, 38)
# Decimal holds at most 76 digits (Decimal256); a wider NUMERIC is kept exactly as its text.
# https://clickhouse.com/docs/en/sql-reference/data-types/decimal
MAX_DECIMAL_PRECISION = 76
ENUM8_MAX = 127  # Enum8 values are Int8; more members need Enum16
ENUM_TYPES = frozenset({"LowCardinality(String)", "String", "Enum", "Enum8", "Enum16"})
JSON_TYPES = frozenset({"String", "JSON"})
CLICKHOUSE_SQLALCHEMY = "clickhouse_sqlalchemy"


class NativeType(TypeEngine[Any]):
    """A ClickHouse type written out, used as it is (the CDC columns' ``UInt64``, say)."""

    __visit_name__ = "clickhouse_native"

    def __init__(self, spec: str) -> None:
        self.spec = spec


def is_clickhouse_sqlalchemy(type_: TypeEngine[Any]) -> bool:
    """A type class of the `clickhouse-sqlalchemy` package, recognised without importing it."""
    return type(type_).__module__.partition(".")[0] == CLICKHOUSE_SQLALCHEMY


def is_native(type_: TypeEngine[Any]) -> bool:
    """The type already names a ClickHouse type, nullability included: it is rendered as it is."""
    return isinstance(type_, NativeType) or is_clickhouse_sqlalchemy(type_)


class ClickHouseTypeCompiler(GenericTypeCompiler):
    """Generic and dialect-specific SQLAlchemy types -> ClickHouse types (docs/clickhouse.md has the table)."""

    # ---- dispatch ------------------------------------------------------------------------

    def resolve(self, type_: TypeEngine[Any]) -> TypeEngine[Any]:
        """The type this dialect renders: `with_variant(..., "clickhouse")` applied, decorators unwrapped
        (Interval, a decorator over DateTime elsewhere, is a type of its own here), a PostgreSQL DOMAIN as its
        base type (the lake has no domains; a domain over a vector is an Array, never Nullable)."""
        while True:
            mapping = type_._variant_mapping
            if mapping and self.dialect.name in mapping:
                type_ = mapping[self.dialect.name]
            if type(type_).__visit_name__ == "DOMAIN":
                type_ = to_instance(type_.data_type)  # type: ignore[attr-defined]
                continue
            if not isinstance(type_, sqltypes.TypeDecorator) or isinstance(type_, sqltypes.Interval):
                return type_
            type_ = type_.type_engine(self.dialect)

    def _visitor(self, type_: TypeEngine[Any]) -> Callable[..., str] | None:
        """The visit method of the most specific class in the type's hierarchy that we know. Not SQLAlchemy's
        visit_user_defined: a UserDefinedType's get_col_spec() is its own database's text (`LTREE`,
        `geometry(POINT,4326)`), which ClickHouse cannot load; such a type is unmapped, stored as String."""
        for cls in type(type_).__mro__:
            name = cls.__dict__.get("__visit_name__")
            if name == "user_defined":
                return None
            if isinstance(name, str):
                visit = getattr(self, f"visit_{name}", None)
                if visit is not None:
                    return visit  # type: ignore[no-any-return]
        return None

    def unmapped(self, type_: TypeEngine[Any]) -> bool:
        """True when the type has no ClickHouse counterpart and is stored as String."""
        type_ = self.resolve(type_)
        if is_native(type_) or lake_type(type_, "generic") is not None:
            return False
        if isinstance(type_, sqltypes.ARRAY):
            return self.unmapped(to_instance(type_.item_type))
        return self._visitor(type_) is None

    def process(self, type_: TypeEngine[Any], **kw: Any) -> str:
        type_ = self.resolve(type_)
        if is_clickhouse_sqlalchemy(type_):
            return self._clickhouse_sqlalchemy(type_)
        lake = lake_type(type_, kw.get("profile", self._settings.cdc_tool))
        if lake is not None:
            return lake.type
        visit = self._visitor(type_)
        return visit(type_, **kw) if visit is not None else "String"

    # ---- what the column layer needs to know -----------------------------------------------

    def can_be_nullable(self, type_: TypeEngine[Any], profile: str | None = None) -> bool:
        """Whether ClickHouse can wrap the type in Nullable: not arrays, maps or JSON objects.
        https://clickhouse.com/docs/en/sql-reference/data-types/nullable"""
        type_ = self.resolve(type_)
        lake = lake_type(type_, profile or self._settings.cdc_tool)
        if lake is not None:
            return not lake.type.startswith(("Array(", "Map("))
        if isinstance(type_, sqltypes.ARRAY):
            return False
        return not (isinstance(type_, sqltypes.JSON) and self._settings.json_type == "JSON")

    def adaptation(self, type_: TypeEngine[Any], profile: str | None = None) -> str | None:
        """How a PostgreSQL-only type's values reach the lake under `profile`, when they change form
        (`INET -> String: its text, netmask included`), an array's elements included; None otherwise."""
        type_ = self.resolve(type_)
        while isinstance(type_, sqltypes.ARRAY):
            type_ = self.resolve(to_instance(type_.item_type))
        lake = lake_type(type_, profile or self._settings.cdc_tool)
        if lake is None or not lake.adaptation:
            return None
        return f"{str(postgres_type(type_)).upper()} -> {lake.type}: {lake.adaptation}"

    def is_native_enum(self, type_: TypeEngine[Any]) -> bool:
        """An enum rendered as Enum8/Enum16 (the enum_type setting)."""
        return isinstance(self.resolve(type_), sqltypes.Enum) and self._settings.enum_type.startswith("Enum")

    def is_low_cardinality(self, type_: TypeEngine[Any]) -> bool:
        """Enums become LowCardinality(String) unless the enum_type setting says otherwise."""
        type_ = self.resolve(type_)
        return isinstance(type_, sqltypes.Enum) and self._settings.enum_type == "LowCardinality(String)"

    def datetime_parts(self, type_: TypeEngine[Any], timezone: str | None = None) -> tuple[int, str | None]:
        """Precision and time zone of the DateTime64 a timestamp type becomes. An aware type gets the
        `timezone` setting; a naive one `naive_timezone` (UTC unless set to ""), so that its instant does not
        depend on the server's time zone. `timezone` (a column's info) overrides both; "" means the server's."""
        type_ = self.resolve(type_)
        precision = getattr(type_, "precision", None)
        if precision is None:
            precision = getattr(type_, "fsp", None)  # MySQL's fractional seconds precision
        precision = min(precision, 9) if isinstance(precision, int) else self._settings.datetime_precision
        if timezone is None:
            aware = bool(getattr(type_, "timezone", False)) or type(type_).__name__ == "DATETIMEOFFSET"
            timezone = self._settings.timezone if aware else self._settings.naive_timezone
        return precision, (timezone or None)

    def too_precise(self, type_: TypeEngine[Any]) -> bool:
        """A NUMERIC wider than ClickHouse's Decimal, stored as String (reported)."""
        type_ = self.resolve(type_)
        if isinstance(type_, sqltypes.ARRAY):
            return self.too_precise(to_instance(type_.item_type))
        precision = getattr(type_, "precision", None)
        return (isinstance(type_, sqltypes.Numeric) and not isinstance(type_, sqltypes.Float)
                and not is_native(type_) and isinstance(precision, int) and precision > MAX_DECIMAL_PRECISION)

    @property
    def _settings(self) -> Any:
        return self.dialect.settings  # type: ignore[attr-defined]

    # ---- integers, booleans, floats, decimals ------------------------------------------------

    def _integer(self, type_: TypeEngine[Any], bits: int) -> str:
        return f"{'UInt' if getattr(type_, 'unsigned', False) else 'Int'}{bits}"

    def visit_TINYINT(self, type_: Any, **kw: Any) -> str:
        # SQL Server's TINYINT is 0..255; MySQL's is signed unless UNSIGNED.
        if type(type_).__module__.startswith("sqlalchemy.dialects.mssql"):
            return "UInt8"
        return self._integer(type_, 8)

    def visit_small_integer(self, type_: Any, **kw: Any) -> str:
        return self._integer(type_, 16)

    visit_SMALLINT = visit_small_integer

    def visit_integer(self, type_: Any, **kw: Any) -> str:
        return self._integer(type_, 32)

    visit_INTEGER = visit_MEDIUMINT = visit_integer

    def visit_big_integer(self, type_: Any, **kw: Any) -> str:
        return self._integer(type_, 64)

    visit_BIGINT = visit_big_integer

    def visit_YEAR(self, type_: Any, **kw: Any) -> str:
        return "UInt16"

    def visit_boolean(self, type_: Any, **kw: Any) -> str:
        return "Bool"

    visit_BOOLEAN = visit_boolean

    def visit_float(self, type_: Any, **kw: Any) -> str:
        precision = getattr(type_, "precision", None)
        return "Float32" if precision is not None and precision <= FLOAT32_MAX_PRECISION else "Float64"

    visit_FLOAT = visit_float

    def visit_real(self, type_: Any, **kw: Any) -> str:
        return "Float32"

    visit_REAL = visit_real

    def visit_double(self, type_: Any, **kw: Any) -> str:
        return "Float64"

    visit_DOUBLE = visit_DOUBLE_PRECISION = visit_double

    def visit_numeric(self, type_: Any, **kw: Any) -> str:
        if self.too_precise(type_):
            return "String"
        if type_.precision is None:
            precision, scale = UNCONSTRAINED_DECIMAL
        else:
            precision, scale = type_.precision, type_.scale or 0
        return f"Decimal({precision}, {scale})"

    visit_NUMERIC = visit_DECIMAL = visit_numeric

    # ---- strings and bytes -----------------------------------------------------------------

    def visit_string(self, type_: Any, **kw: Any) -> str:
        # A length is a check the application makes; ClickHouse's FixedString pads with NUL bytes.
        return "String"

    visit_unicode = visit_text = visit_unicode_text = visit_string
    visit_VARCHAR = visit_NVARCHAR = visit_CHAR = visit_NCHAR = visit_TEXT = visit_CLOB = visit_NCLOB = visit_string
    visit_large_binary = visit_BLOB = visit_BINARY = visit_VARBINARY = visit_XML = visit_string

    # ---- dates and times -------------------------------------------------------------------

    def visit_date(self, type_: Any, **kw: Any) -> str:
        # Date32 covers 1900..2299; Date stops at 2149 and starts at 1970, before many birth dates.
        return "Date32"

    visit_DATE = visit_date

    def visit_datetime(self, type_: Any, **kw: Any) -> str:
        precision, timezone = self.datetime_parts(type_, kw.get("timezone"))
        if timezone is None:
            return f"DateTime64({precision})"
        return f"DateTime64({precision}, {self._quote(timezone)})"

    visit_DATETIME = visit_TIMESTAMP = visit_DATETIME2 = visit_SMALLDATETIME = visit_DATETIMEOFFSET = visit_datetime

    def visit_time(self, type_: Any, **kw: Any) -> str:
        # Time64 arrived after 23.11; a time of day is kept as its ISO text.
        return "String"

    visit_TIME = visit_time

    # ---- identifiers, enums, documents, arrays -----------------------------------------------

    def visit_uuid(self, type_: Any, **kw: Any) -> str:
        return "UUID"

    visit_UUID = visit_uuid

    def visit_enum(self, type_: Any, **kw: Any) -> str:
        choice = self._settings.enum_type
        if choice in ("LowCardinality(String)", "String"):
            return "String"  # LowCardinality is added by the column layer, around Nullable
        values = list(type_.enums)
        width = choice[4:] or ("8" if len(values) <= ENUM8_MAX else "16")
        members = ", ".join(f"{self._quote(value)} = {number}" for number, value in enumerate(values, 1))
        return f"Enum{width}({members})"

    visit_ENUM = visit_enum

    def visit_JSON(self, type_: Any, **kw: Any) -> str:
        # JSON (Object('json')) is experimental in 23.x and needs allow_experimental_object_type = 1.
        return "JSON" if self._settings.json_type == "JSON" else "String"

    visit_JSONB = visit_JSON

    def visit_ARRAY(self, type_: Any, **kw: Any) -> str:
        """Array(Nullable(T)): SQLAlchemy's ARRAY says nothing about its elements, and a PostgreSQL array
        admits NULL elements whatever the column's NOT NULL says, so elements are Nullable wherever ClickHouse
        allows it; `nullable_elements=False` (a column's info) keeps them plain."""
        item = to_instance(type_.item_type)
        text = self.process(item, **kw)
        if kw.get("nullable_elements", True) and self.can_be_nullable(item) and not is_native(self.resolve(item)):
            text = f"Nullable({text})"
        for _ in range(max(getattr(type_, "dimensions", None) or 1, 1)):
            text = f"Array({text})"
        return text

    def visit_clickhouse_native(self, type_: NativeType, **kw: Any) -> str:
        return type_.spec

    # ---- clickhouse-sqlalchemy ---------------------------------------------------------------

    def _clickhouse_sqlalchemy(self, type_: Any) -> str:
        """Its class names are ClickHouse's type names; a few carry parameters.
        https://github.com/xzkostyan/clickhouse-sqlalchemy/blob/master/clickhouse_sqlalchemy/types/common.py"""
        name = type(type_).__name__
        visit_name = str(getattr(type_, "__visit_name__", "")).lower()
        inner = getattr(type_, "nested_type", None) or getattr(type_, "item_type", None)
        if inner is not None and visit_name in ("nullable", "lowcardinality", "array"):
            wrapper = {"nullable": "Nullable", "lowcardinality": "LowCardinality", "array": "Array"}[visit_name]
            return f"{wrapper}({self.process(to_instance(inner))})"
        if visit_name == "string":
            return f"FixedString({type_.length})" if getattr(type_, "length", None) else "String"
        if visit_name in ("datetime", "datetime64"):
            timezone = getattr(type_, "timezone", None)
            args = [str(type_.precision)] if visit_name == "datetime64" else []
            if isinstance(timezone, str) and timezone:
                args.append(self._quote(timezone))
            base = "DateTime64" if visit_name == "datetime64" else "DateTime"
            return f"{base}({', '.join(args)})" if args else base
        if visit_name == "numeric":
            return f"Decimal({type_.precision}, {type_.scale or 0})"
        if visit_name == "boolean":
            return "Bool"
        if visit_name in ("enum", "enum8", "enum16") and getattr(type_, "enum_class", None) is not None:
            members = ", ".join(
                f"{self._quote(member.name)} = {int(member.value)}"
                for member in type_.enum_class
                if isinstance(member, enum.Enum)
            )
            return f"{'Enum' if visit_name == 'enum' else name}({members})"
        if visit_name == "tuple":
            return f"Tuple({', '.join(self.process(to_instance(t)) for t in type_.nested_types)})"
        if visit_name == "map":
            key, value = to_instance(type_.key_type), to_instance(type_.value_type)
            return f"Map({self.process(key)}, {self.process(value)})"
        return name  # Int8 ... UInt256, Float32, Float64, Date, Date32, UUID, IPv4, IPv6, Point, ...

    def _quote(self, value: str) -> str:
        return self.dialect.statement_compiler(self.dialect, None).render_literal_value(value, sqltypes.String())
