"""PostgreSQL's own types in the lake, per pipeline profile: the column each tool writes into.

SQLAlchemy's postgresql dialect, GeoAlchemy2 and pgvector name types ClickHouse has no counterpart for.
What the lake column must be depends on who fills it, so each type has one entry per CDC profile
(cdc.PROFILES):

- ``peerdb``: the ClickHouse type PeerDB / ClickPipes creates. It reads a column's type as a "QValue kind"
  (flow/connectors/postgres/type_conversion.go, ``PostgresOIDToQValueKind`` and ``CustomTypeToQKind``) and
  creates the kind's ClickHouse type (flow/shared/types/kind.go, ``QValueKindToClickHouseTypeMap``); a kind
  with no entry there, and any type it does not know, becomes String. https://docs.peerdb.io/datatypes/datatype-matrix
- ``debezium``: the type the Altinity sink connector creates for the Kafka Connect schema Debezium's
  PostgreSQL connector writes with its default settings (ClickHouseTableOperationsBase.java and
  ClickHouseDataTypeMapper.java in Altinity/clickhouse-sink-connector;
  https://debezium.io/documentation/reference/stable/connectors/postgresql.html#postgresql-data-types),
  or a type that holds what it writes without loss where the sink's own choice would not.
- ``generic``: batch copies through ClickHouse's ``postgresql()`` reader (what ``verify`` does). The reader
  hands every one of these types over as its PostgreSQL text in a Nullable(String), whatever the lake column
  is, and ``INSERT ... SELECT`` turns text that does not parse into a typed Nullable column into NULL without
  an error (MONEY arrives as ``-$92,233,720,368,547,758.08``, INET as ``10.1.2.3/24``): so String, except
  where a typed column parses every value PostgreSQL can hold (OID). Arrays and maps cannot be filled from the
  reader's Nullable text at all ("cannot be inside Nullable column"), so HSTORE and vectors stay text.
  Checked on ClickHouse 23.10 and 26.9 (tests/live/test_pgtypes_live.py).

``check`` and the loss report print each column's adaptation (`adaptation`); docs/clickhouse.md has the table.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import types as sqltypes
from sqlalchemy.sql.type_api import TypeEngine

PROFILE_NAMES = ("generic", "peerdb", "debezium")


@dataclass(frozen=True)
class LakeType:
    """The ClickHouse type (without Nullable) and, when values change form or meaning, how."""

    type: str
    adaptation: str = ""


def _same(type_: str, adaptation: str = "") -> dict[str, LakeType]:
    return {profile: LakeType(type_, adaptation) for profile in PROFILE_NAMES}


def _text(what: str) -> dict[str, LakeType]:
    """Every tool writes the value's text: String, with what the text holds."""
    return _same("String", what)


# PostgreSQL type name -> profile -> lake type. The names are PostgreSQL's own (`bit(1)` is BIT of length 1).
LAKE_TYPES: dict[str, dict[str, LakeType]] = {
    "inet": _text("its text, netmask included (10.1.2.3/24)"),
    "cidr": _text("its text (10.0.0.0/8)"),
    "macaddr": _text("its text"),
    "macaddr8": _text("its text"),
    "tsvector": _text("its text, positions and weights included"),
    "tsquery": _text("its text"),
    "range": _text("its text: bounds, 'empty', infinity"),
    "multirange": _text("its text"),
    "citext": _text("its text; ClickHouse compares it case-sensitively"),
    "xml": _text("its text"),
    "regclass": _text("the name PostgreSQL prints"),
    "regconfig": _text("the name PostgreSQL prints"),
    "jsonpath": _text("its text"),
    "raster": _text("its text (hex WKB)"),
    "hstore": {
        "generic": LakeType("String", "hstore text (\"a\"=>\"1\"); the reader cannot fill a Map"),
        "peerdb": LakeType("String", "a JSON object"),
        "debezium": LakeType("String", "a JSON object (hstore.handling.mode=json)"),
    },
    "money": {
        "generic": LakeType("String", "its text as lc_monetary prints it (-$1,234.56)"),
        "peerdb": LakeType("String", "its text as lc_monetary prints it"),
        # Debezium writes a Decimal of scale 2 (money.fraction.digits); the sink's Decimal(10, 2) for a decimal
        # without precision would overflow above 99,999,999.99, and MONEY reaches 92,233,720,368,547,758.07.
        "debezium": LakeType("Decimal(19, 2)", "the amount as a number, without lc_monetary's formatting"),
    },
    "bit": {
        "generic": LakeType("String", "its 0/1 text"),
        "peerdb": LakeType("String", "its 0/1 text"),
        "debezium": LakeType("String", "Debezium's bytes of the bit string (io.debezium.data.Bits)"),
    },
    "bit(1)": {
        "generic": LakeType("String", "its 0/1 text"),
        "peerdb": LakeType("String", "its 0/1 text"),
        "debezium": LakeType("Bool", "true/false for 1/0"),  # Debezium writes BIT(1) as a BOOLEAN
    },
    "oid": {
        "generic": LakeType("UInt32"),  # an OID is an unsigned 32-bit integer; the reader's text parses
        "peerdb": LakeType("String", "its decimal text"),
        "debezium": LakeType("Int64"),  # Debezium writes OID as INT64
    },
    "interval": {
        "generic": LakeType("String", "PostgreSQL's interval text (1 year 2 mons 3 days 04:05:06)"),
        "peerdb": LakeType("String", "its text"),
        # io.debezium.time.MicroDuration (interval.handling.mode=numeric): a month counts 30.4375 days.
        "debezium": LakeType("Int64", "microseconds; a month becomes 30.4375 days"),
    },
    "geometry": {
        "generic": LakeType("String", "hex EWKB, SRID and Z included"),
        "peerdb": LakeType("String", "WKT"),
        "debezium": LakeType("String", "hex WKB (io.debezium.data.geometry.Geometry)"),
    },
    "geography": {
        "generic": LakeType("String", "hex EWKB, SRID and Z included"),
        "peerdb": LakeType("String", "WKT"),
        "debezium": LakeType("String", "hex WKB (io.debezium.data.geometry.Geography)"),
    },
    "vector": {
        "generic": LakeType("String", "its text ([1,2.5,3]); the reader cannot fill an Array"),
        "peerdb": LakeType("Array(Float32)", "NULL arrives as []"),
        "debezium": LakeType("Array(Float32)", "NULL arrives as []"),
    },
    "halfvec": {
        "generic": LakeType("String", "its text ([1,2.5,3]); the reader cannot fill an Array"),
        "peerdb": LakeType("Array(Float32)", "NULL arrives as []"),
        "debezium": LakeType("Array(Float32)", "NULL arrives as []"),
    },
    "sparsevec": {
        "generic": LakeType("String", "its text ({1:1,3:2}/5)"),
        "peerdb": LakeType("Array(Float32)", "NULL arrives as []"),
        "debezium": LakeType("String", "its text; the sink maps no sparse-vector struct"),
    },
}

_RANGES = frozenset({"INT4RANGE", "INT8RANGE", "NUMRANGE", "DATERANGE", "TSRANGE", "TSTZRANGE"})
_SAME_NAME = frozenset({"INET", "CIDR", "MACADDR", "MACADDR8", "TSVECTOR", "TSQUERY", "HSTORE", "MONEY", "OID",
                        "REGCLASS", "REGCONFIG", "CITEXT", "JSONPATH"})
# Third-party type packages, recognised by module and class name (never imported here).
_PACKAGE_TYPES = {
    ("geoalchemy2", "Geometry"): "geometry", ("geoalchemy2", "Geography"): "geography",
    ("geoalchemy2", "Raster"): "raster",
    ("pgvector", "VECTOR"): "vector", ("pgvector", "HALFVEC"): "halfvec", ("pgvector", "SPARSEVEC"): "sparsevec",
}


def postgres_type(type_: TypeEngine[Any]) -> str | None:
    """The PostgreSQL type name a (resolved) type stands for, when it has an entry in LAKE_TYPES."""
    if isinstance(type_, sqltypes.Interval) or type(type_).__name__ == "INTERVAL":
        return "interval"
    cls = type(type_)
    package = cls.__module__.partition(".")[0]
    found = _PACKAGE_TYPES.get((package, cls.__name__))
    if found is not None or not cls.__module__.startswith("sqlalchemy.dialects.postgresql"):
        return found
    name = str(getattr(type_, "__visit_name__", "")).upper()
    if name == "BIT":
        if getattr(type_, "varying", False):
            return "bit"
        return "bit(1)" if (getattr(type_, "length", None) or 1) == 1 else "bit"
    if name in _RANGES:
        return "range"
    if name.endswith("MULTIRANGE"):
        return "multirange"
    return name.lower() if name in _SAME_NAME else None


def lake_type(type_: TypeEngine[Any], profile: str) -> LakeType | None:
    """The lake column for a PostgreSQL-only type under a profile; None for every other type."""
    name = postgres_type(type_)
    if name is None:
        return None
    return LAKE_TYPES[name].get(profile, LAKE_TYPES[name]["generic"])
