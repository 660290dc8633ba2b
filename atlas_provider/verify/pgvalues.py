"""Edge cases of PostgreSQL's own types (INET, HSTORE, ranges, MONEY, bit strings, PostGIS ...), as PostgreSQL
text (issue 20).

These values have no Python type SQLAlchemy binds the same way on every driver, so they are written as the text
PostgreSQL reads (`CAST('10.1.2.3/24' AS INET)`), read back as the text it prints, and compared as that text:
the family `pgtext`. ClickHouse's postgresql() reader hands them over as the same text, so a String lake column
must hold exactly it, and a typed one (OID as UInt32) the value it spells.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy.sql.type_api import TypeEngine

from ..dialects.clickhouse.pgtypes import postgres_type

FAMILY = "pgtext"

# PostgreSQL type name (pgtypes.postgres_type) -> its edge cases, as PostgreSQL reads them.
CASES: dict[str, list[str]] = {
    # a netmask, /32 and /128 (printed without them), IPv4-mapped IPv6, the whole space
    "inet": ["10.1.2.3/24", "1.2.3.4/32", "::ffff:1.2.3.4", "2001:db8::1/128", "2001:db8::1/64", "0.0.0.0/0"],
    "cidr": ["10.0.0.0/8", "192.168.1.1/32", "2001:db8::/32", "::ffff:1.2.3.0/120"],
    "macaddr": ["08:00:2b:01:02:03", "ff:ff:ff:ff:ff:ff", "00:00:00:00:00:00"],
    "macaddr8": ["08:00:2b:01:02:03:04:05", "08:00:2b:ff:fe:01:02:03"],
    # positions and weights, a quote, the empty vector
    "tsvector": ["'a':1,3 'b':2A 'it''s':5C", "", "'fat' 'rat'"],
    "tsquery": ["'a' & !'b' | 'c':*", "'fat' <-> 'rat'"],
    "hstore": ['"a"=>"1", "b"=>NULL', "", '"k\\"q"=>"v,=>x"'],
    "multirange": ["{}"],
    # the extremes (lc_monetary prints them with a currency symbol and grouping)
    "money": ["-92233720368547758.08", "92233720368547758.07", "0", "1234.56"],
    "oid": ["0", "4294967295", "42"],
    "regclass": ["pg_class", "pg_type"],
    "regconfig": ["english", "simple"],
    # months, microseconds, a negative part, the largest span
    "interval": ["1 year 2 mons 3 days 04:05:06.000007", "-1 mons +00:00:00.000001", "00:00:00",
                 "-178000000 years"],
    "jsonpath": ["$.a[*] ? (@ > 1)", "$"],
}
# Per range type: empty, unbounded and infinite bounds, the subtype's extremes.
RANGES: dict[str, list[str]] = {
    "INT4RANGE": ["[1,5)", "empty", "(,)", "[-2147483648,2147483647)"],
    "INT8RANGE": ["[-9223372036854775808,9223372036854775807)", "empty", "(,10]"],
    "NUMRANGE": ["[1.5,2.25]", "empty", "(,)"],
    "DATERANGE": ["[2020-01-01,infinity)", "empty", "[-infinity,2000-01-01)"],
    "TSRANGE": ['["2020-01-01 00:00:00.000001",)', "empty"],
    "TSTZRANGE": ["[2020-01-01 00:00+00,infinity)", "empty", "(,)"],
}
# Geometries by PostGIS type; a Z type gets a third coordinate on every point.
SHAPES: dict[str, list[str]] = {
    "GEOMETRY": ["POINT(1 2)", "POLYGON((0 0,1 0,1 1,0 0))"],
    "POINT": ["POINT(1 2)", "POINT(-71.0603 42.3583)"],
    "LINESTRING": ["LINESTRING(0 0,1 1,2 0)"],
    "POLYGON": ["POLYGON((0 0,1 0,1 1,0 0))", "POLYGON((0 0,4 0,4 4,0 4,0 0),(1 1,2 1,2 2,1 1))"],
    "MULTIPOINT": ["MULTIPOINT((0 0),(1 2))"],
    "MULTILINESTRING": ["MULTILINESTRING((0 0,1 1),(2 2,3 3))"],
    "MULTIPOLYGON": ["MULTIPOLYGON(((0 0,1 0,1 1,0 0)),((2 2,3 2,3 3,2 2)))"],
    "GEOMETRYCOLLECTION": ["GEOMETRYCOLLECTION(POINT(1 2),LINESTRING(0 0,1 1))", "GEOMETRYCOLLECTION EMPTY"],
    "CIRCULARSTRING": ["CIRCULARSTRING(0 0,1 1,2 0)"],
    "COMPOUNDCURVE": ["COMPOUNDCURVE(CIRCULARSTRING(0 0,1 1,2 0),(2 0,3 0))"],
    "CURVEPOLYGON": ["CURVEPOLYGON(CIRCULARSTRING(0 0,4 0,4 4,0 4,0 0))"],
    "MULTICURVE": ["MULTICURVE((0 0,1 1),CIRCULARSTRING(2 0,3 1,4 0))"],
    "MULTISURFACE": ["MULTISURFACE(((0 0,1 0,1 1,0 0)),CURVEPOLYGON(CIRCULARSTRING(2 2,4 2,4 4,2 4,2 2)))"],
    "POLYHEDRALSURFACE": ["POLYHEDRALSURFACE(((0 0,0 1,1 1,0 0)),((0 0,1 1,1 0,0 0)))"],
    "TRIANGLE": ["TRIANGLE((0 0,1 0,0 1,0 0))"],
    "TIN": ["TIN(((0 0,1 0,0 1,0 0)),((1 0,1 1,0 1,1 0)))"],
}
_PAIR = re.compile(r"(-?[\d.]+) (-?[\d.]+)")
# Coordinates a Z, M or ZM type wants after x and y (PostGIS rejects a shape with more or fewer).
# Every type word of a shape (a collection's members too) says its ordinates: `GEOMETRYCOLLECTION M (POINT M (...`
_TYPE_WORD = re.compile(r"\b([A-Z]{3,})(?=\(| EMPTY)")
_EXTRA_ORDINATES = {"Z": " 7", "M": " 7", "ZM": " 7 8"}


def postgres_cases(type_: TypeEngine[Any]) -> list[str] | None:
    """The edge cases of a PostgreSQL-only type, as PostgreSQL text; None for any other type (or one without
    cases here: a raster, a pgvector type, which the test server lacks)."""
    name = postgres_type(type_)
    visit = str(getattr(type_, "__visit_name__", "")).upper()
    if name == "range":
        return list(RANGES.get(visit, ["empty"]))
    if name in ("bit", "bit(1)"):
        return _bits(type_)
    if name in ("geometry", "geography"):
        return _shapes(type_)
    if name == "interval" and type(type_).__name__ != "INTERVAL":
        return None  # sa.Interval: Python timedeltas, the "interval" family
    return list(CASES[name]) if name in CASES else None


def _bits(type_: Any) -> list[str]:
    length = getattr(type_, "length", None)
    if getattr(type_, "varying", False):
        longest = length or 16
        return ["", "1", ("10" * longest)[:longest]]
    length = length or 1
    return ["1" * length, "0" * length, ("10" * length)[:length]]


def _shapes(type_: Any) -> list[str]:
    kind = str(getattr(type_, "geometry_type", None) or "GEOMETRY").upper()
    suffix = next((s for s in ("ZM", "Z", "M") if kind.endswith(s) and kind.removesuffix(s) in SHAPES), "")
    if not suffix:  # a dimension without a suffix: GeoAlchemy2's Geometry(dimension=3|4)
        suffix = {3: "Z", 4: "ZM"}.get(getattr(type_, "dimension", 2), "")
    kind = kind.removesuffix(suffix)
    shapes = SHAPES.get(kind) or SHAPES["GEOMETRY"]
    if suffix:
        extra = _EXTRA_ORDINATES[suffix]
        shapes = [_PAIR.sub(rf"\1 \2{extra}", _TYPE_WORD.sub(rf"\1 {suffix} ", shape)) for shape in shapes]
    srid = getattr(type_, "srid", -1)
    return [f"SRID={srid};{shape}" if srid and srid > 0 else shape for shape in shapes]
