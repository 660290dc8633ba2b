"""The edge cases of PostgreSQL's own types (verify/pgvalues.py), offline: what each type gets, and that the
values are written as a CAST of PostgreSQL text."""

from __future__ import annotations

import re

import sqlalchemy as sa
from geoalchemy2 import Geography, Geometry
from sqlalchemy.dialects import postgresql as pg

from atlas_provider.verify.pgvalues import postgres_cases
from atlas_provider.verify.rows import bound_value, column_plan
from atlas_provider.typefacts import Facts


def test_the_cases_cover_the_edges_the_lake_gets_wrong() -> None:
    inet = postgres_cases(pg.INET())
    assert inet is not None and {"10.1.2.3/24", "1.2.3.4/32", "::ffff:1.2.3.4", "2001:db8::1/128"} <= set(inet)
    assert "-92233720368547758.08" in (postgres_cases(pg.MONEY()) or [])
    assert any("mons" in case and ".000007" in case for case in postgres_cases(pg.INTERVAL()) or [])
    assert {"empty", "(,)"} <= set(postgres_cases(pg.INT4RANGE()) or [])
    assert "[2020-01-01,infinity)" in (postgres_cases(pg.DATERANGE()) or [])
    assert "" in (postgres_cases(pg.TSVECTOR()) or []) and any(":1,3" in c for c in postgres_cases(pg.TSVECTOR()) or [])


def test_bit_strings_fit_their_length() -> None:
    assert postgres_cases(pg.BIT(8)) == ["11111111", "00000000", "10101010"]
    assert postgres_cases(pg.BIT()) == ["1", "0", "1"]
    assert postgres_cases(pg.BIT(4, varying=True)) == ["", "1", "1010"]


def test_shapes_follow_the_column_type_srid_and_dimension() -> None:
    assert postgres_cases(Geometry("POINTZ", srid=4326)) == ["SRID=4326;POINT Z (1 2 7)",
                                                             "SRID=4326;POINT Z (-71.0603 42.3583 7)"]
    polygons = postgres_cases(Geography("POLYGON", srid=4326)) or []
    assert polygons and all(p.startswith("SRID=4326;POLYGON((") for p in polygons)
    assert postgres_cases(Geometry(srid=-1)) == ["POINT(1 2)", "POLYGON((0 0,1 0,1 1,0 0))"]


def test_portable_types_keep_their_own_families() -> None:
    assert postgres_cases(sa.Interval()) is None  # Python timedeltas (the interval family)
    assert postgres_cases(sa.String()) is None
    dialect = pg.dialect()
    assert column_plan(sa.Column("e", pg.CITEXT), Facts("string"), dialect).family == "string"
    assert column_plan(sa.Column("j", pg.JSONB), Facts("json"), dialect).family == "json"


def test_postgresql_text_is_written_as_a_cast_to_the_column_type() -> None:
    column = sa.Column("ip", pg.INET)
    plan = column_plan(column, Facts("other", name="inet"), pg.dialect())
    assert plan.family == "pgtext"
    written = bound_value(plan, column, "10.1.2.3/24")
    assert re.fullmatch(r"CAST\(%\(param_1\)s(::VARCHAR)? AS INET\)", str(written.compile(dialect=pg.dialect())))
    assert isinstance(bound_value(plan, column, None), sa.sql.elements.Null)


def test_shapes_carry_the_measure_and_the_dimensions_the_type_names() -> None:
    assert postgres_cases(Geometry("POINTM", srid=4326)) == ["SRID=4326;POINT M (1 2 7)",
                                                             "SRID=4326;POINT M (-71.0603 42.3583 7)"]
    assert (postgres_cases(Geometry("POINTZM")) or [""])[0] == "POINT ZM (1 2 7 8)"
    collection = postgres_cases(Geometry("GEOMETRYCOLLECTION", srid=3857)) or [""]
    assert all(shape.startswith("SRID=3857;GEOMETRYCOLLECTION") for shape in collection)


def test_an_array_of_an_extension_type_is_read_as_text_elements() -> None:
    """psycopg parses arrays of built-in types only: a citext[] (its OID differs per database) would arrive as
    the string '{a,b}'; verify reads it as text[] instead."""
    from atlas_provider.verify.appdb import PostgreSQLDatabase

    app = PostgreSQLDatabase("postgresql://postgres@127.0.0.1:5432/postgres")
    read = app.stored_value("array", sa.column("tags", pg.ARRAY(pg.CITEXT)))
    assert str(read.compile(dialect=pg.dialect())) == "CAST(tags AS TEXT[])"
    plain = app.stored_value("array", sa.column("ns", pg.ARRAY(sa.Integer)))
    assert str(plain.compile(dialect=pg.dialect())) == "ns"
