"""`verify` with PostgreSQL's own types (issue 20): edge-case rows of INET, CIDR, MACADDR, TSVECTOR, HSTORE,
ranges, MONEY, bit strings, OID, intervals with months, JSONB and PostGIS shapes go through ClickHouse's
postgresql() reader (23.10 here, the current chDB in CI's chdb leg) and are compared value by value."""

from __future__ import annotations

import json

import pytest

from tests.support.backends import BACKENDS
from tests.support.provider import run_provider
from tests.verify.test_verify_live import MODELS, drifting

pytest.importorskip("chdb", reason="verify moves rows into ClickHouse through chDB (the verify extra)")
pytestmark = [pytest.mark.clickhouse, pytest.mark.live]

DRIFT_EXIT = 3


def verify(*args: str) -> object:
    url = BACKENDS["postgresql"].server_url().render_as_string(hide_password=False)  # type: ignore[attr-defined]
    return run_provider("verify", "--dialect", "postgresql", "--dialect", "clickhouse", "--app-url", url,
                        "--path", "every_type.py", *args, cwd=MODELS / "pgtypes", env={"PYTHONPATH": ""}, timeout=300)


def test_the_generic_profile_moves_every_value_unchanged() -> None:
    result = verify("--format", "json")
    assert result.returncode == 0, result.stderr  # type: ignore[attr-defined]
    report = json.loads(result.stdout)  # type: ignore[attr-defined]
    assert report["drift"] == []
    notes = " ".join(report["notes"])
    # every type with edge cases was generated: only the raster and the array of addresses are not
    assert "not generated: tile (no edge cases for user_defined), addresses (array of other)" in notes


@pytest.mark.full
def test_a_batch_copy_into_the_debezium_lake_changes_exactly_its_typed_columns() -> None:
    """The sink's typed columns (Decimal, Bool, Int64) cannot parse what the reader hands over: a batch copy
    is not that pipeline, and verify says which columns it would change."""
    result = verify("--format", "json", "--setting", "clickhouse:cdc_tool=debezium")
    assert result.returncode == DRIFT_EXIT, result.stderr  # type: ignore[attr-defined]
    assert drifting(result) == {"portable.amount", "things.amount", "things.flag", "things.span", "things.pg_span"}


# GeoAlchemy2 takes any PostGIS geometry type, with a Z, M or ZM suffix
GEOMETRY_KINDS = ["GEOMETRY", "POINT", "LINESTRING", "POLYGON", "MULTIPOINT", "MULTILINESTRING", "MULTIPOLYGON",
                  "GEOMETRYCOLLECTION", "CIRCULARSTRING", "COMPOUNDCURVE", "CURVEPOLYGON", "MULTICURVE",
                  "MULTISURFACE", "POLYHEDRALSURFACE", "TRIANGLE", "TIN"]


def test_postgis_takes_every_shape_verify_writes_into_its_column_type() -> None:
    import sqlalchemy as sa
    from geoalchemy2 import Geometry

    from atlas_provider.verify.pgvalues import postgres_cases

    with BACKENDS["postgresql"].fresh_database() as engine, engine.connect() as conn:
        conn.exec_driver_sql("CREATE EXTENSION postgis")
        for kind in GEOMETRY_KINDS:
            for suffix in ("", "Z", "M", "ZM"):
                type_ = Geometry(f"{kind}{suffix}", srid=4326, spatial_index=False)
                spelled = type_.compile(dialect=engine.dialect)
                for shape in postgres_cases(type_) or []:
                    conn.execute(sa.text(f"SELECT CAST(:shape AS {spelled})"), {"shape": shape})


@pytest.mark.full
def test_an_array_of_citext_moves_as_an_array_of_text_does(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Not as the string '{a,b}' split into characters: the same report as text[] (whose NULL arrives as [])."""
    url = BACKENDS["postgresql"].server_url().render_as_string(hide_password=False)  # type: ignore[attr-defined]
    reports = []
    for type_ in ("pg.ARRAY(pg.CITEXT)", "pg.ARRAY(sa.Text)"):
        (tmp_path / "m.py").write_text(
            "import sqlalchemy as sa\nfrom sqlalchemy.dialects import postgresql as pg\nmd = sa.MetaData()\n"
            "sa.Table('v', md, sa.Column('id', sa.BigInteger, primary_key=True, autoincrement=False),\n"
            f"         sa.Column('tags', {type_}))\n")
        result = run_provider("verify", "--dialect", "postgresql", "--dialect", "clickhouse", "--app-url", url,
                              "--path", "m.py", "--format", "json", cwd=tmp_path, env={"PYTHONPATH": ""}, timeout=300)
        reports.append(json.loads(result.stdout)["tables"])  # type: ignore[attr-defined]
    assert reports[0] == reports[1]
