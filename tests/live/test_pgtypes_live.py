"""PostgreSQL's own types on the real servers (issue 20): the PostgreSQL output loads into a clean database with
its extensions (citext, hstore, PostGIS: .ci/run installs postgresql-15-postgis-3), the variants load on the other
databases, the lake output of every profile loads into ClickHouse (both chDB lines in CI), and the postgresql()
reader's facts the generic profile rests on hold: it hands these types over as their text, a typed column
turns text it cannot parse into NULL, and it cannot fill an Array or a Map."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from atlas_provider.dialects.clickhouse.pgtypes import PROFILE_NAMES
from atlas_provider.verify.appdb import PostgreSQLDatabase
from tests.support import BACKENDS, run_provider
from tests.support.chdb_backend import ClickHouseDev, load_clickhouse
from tests.support.provider import load_ddl

pytestmark = pytest.mark.live

MODELS = Path(__file__).resolve().parents[1] / "models" / "pgtypes"


def provider(*args: str) -> str:
    result = run_provider(*args, cwd=MODELS)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_the_postgresql_output_loads_with_its_extensions() -> None:
    ddl = provider("-p", "every_type.py", "--dialect", "postgresql")
    with BACKENDS["postgresql"].fresh_database() as engine:
        load_ddl(ddl, engine)
        with engine.connect() as conn:
            extensions = set(conn.exec_driver_sql("SELECT extname FROM pg_extension").scalars())
            types = dict(conn.exec_driver_sql(
                "SELECT column_name, udt_name FROM information_schema.columns WHERE table_name = 'things'").all())
    assert {"citext", "hstore", "postgis", "postgis_raster"} <= extensions
    assert (types["email"], types["attrs"], types["place"], types["tile"]) == ("citext", "hstore", "geometry",
                                                                               "raster")


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("mariadb", marks=pytest.mark.full)])
def test_the_declared_variants_load_on_the_other_databases(backend: str) -> None:
    ddl = provider("-p", "every_type.py", "-p", "vectors.py", "--dialect", backend)
    with BACKENDS[backend].fresh_database() as engine:
        load_ddl(ddl, engine)
        assert set(sa.inspect(engine).get_table_names()) == {"portable", "embeddings"}


# PostGIS's geometry types as GeoAlchemy2 writes them for MariaDB: refused exactly where the server rejects them
GEOMETRY_TYPES = ["GEOMETRY", "POINT", "MULTIPOLYGON", "GEOMETRYCOLLECTION", "POINTZ", "POINTM", "LINESTRINGZM",
                  "GEOMETRYCOLLECTIONZ", "CIRCULARSTRING", "CURVEPOLYGON", "TIN", "TRIANGLE"]


def test_mariadb_refuses_the_geometry_types_it_rejects_and_only_those() -> None:
    from geoalchemy2 import Geometry

    from atlas_provider.dialects import get_adapter
    from atlas_provider.errors import ModelError
    from atlas_provider.losses import LossReport

    adapter = get_adapter("mariadb")
    with BACKENDS["mariadb"].fresh_database() as engine, engine.connect() as conn:
        for kind in GEOMETRY_TYPES:
            table = sa.Table(f"g_{kind}", sa.MetaData(), sa.Column("g", Geometry(kind, spatial_index=False)))
            try:
                adapter.audit([table], LossReport("mariadb"))
                refused = False
            except ModelError:
                refused = True
            text = str(table.c.g.type.compile(dialect=adapter.dialect))
            try:
                conn.exec_driver_sql(f"CREATE TABLE g (g {text})")
                conn.exec_driver_sql("DROP TABLE g")
                rejected = False
            except sa.exc.DBAPIError:
                rejected = True
            assert refused == rejected, kind


# debezium has the most typed columns (Decimal, Int64, Bool, Array); the others are the full tier's
@pytest.mark.parametrize("profile", [p if p == "debezium" else pytest.param(p, marks=pytest.mark.full)
                                     for p in PROFILE_NAMES])
def test_the_lake_output_of_every_profile_loads(profile: str, clickhouse_dev: ClickHouseDev) -> None:
    ddl = provider("-p", "every_type.py", "-p", "vectors.py", "--dialect", "clickhouse",
                   "--setting", f"cdc_tool={profile}")
    load_clickhouse(ddl, clickhouse_dev)
    columns = clickhouse_dev.columns("things")
    assert columns["ip"]["type"] == "Nullable(String)"


# Edge values as PostgreSQL prints them, and what a typed lake column makes of the reader's text.
READER_CASES = [
    ("inet", "'10.1.2.3/24'", "Nullable(IPv6)", None),  # the netmask: not an address, so NULL
    ("money", "'-92233720368547758.08'::text::money", "Nullable(Decimal(19, 2))", None),  # '-$92,233,...'
    ("interval", "'1 year 2 mons 3 days 00:00:00.000007'", "Nullable(Int64)", None),
    ("oid", "4294967295", "Nullable(UInt32)", 4294967295),  # the generic profile's one typed column
]


def test_the_reader_hands_text_and_typed_columns_lose_what_does_not_parse(clickhouse_dev: ClickHouseDev) -> None:
    database = PostgreSQLDatabase(BACKENDS["postgresql"].server_url().render_as_string(hide_password=False))
    with database.scratch() as engine:
        with engine.begin() as conn:
            columns = ", ".join(f"c{n} {kind}" for n, (kind, _, _, _) in enumerate(READER_CASES))
            conn.exec_driver_sql(f"CREATE EXTENSION hstore; CREATE TABLE t (id int, {columns}, h hstore)")
            values = ", ".join(value for _, value, _, _ in READER_CASES)
            conn.exec_driver_sql(f"INSERT INTO t VALUES (1, {values}, 'a=>1')")
        reader = database.reader("t", None)
        row = clickhouse_dev.query(f"SELECT * FROM {reader}")[0]
        assert (row["c0"], row["c1"]) == ("10.1.2.3/24", "-$92,233,720,368,547,758.08")
        for n, (_, _, lake_type, expected) in enumerate(READER_CASES):
            clickhouse_dev.query(f"CREATE TABLE p{n} (id Int32, v {lake_type}) ENGINE = MergeTree ORDER BY id")
            clickhouse_dev.query(f"INSERT INTO p{n} SELECT id, c{n} FROM {reader}")
            assert clickhouse_dev.query(f"SELECT v FROM p{n}") == [{"v": expected}], lake_type
        clickhouse_dev.query("CREATE TABLE m (id Int32, v Map(String, Nullable(String))) ENGINE = MergeTree "
                             "ORDER BY id")
        with pytest.raises(AssertionError, match="cannot be inside Nullable"):
            clickhouse_dev.query(f"INSERT INTO m SELECT id, h FROM {reader}")
