"""Every PostgreSQL type SQLAlchemy's postgresql dialect and GeoAlchemy2 know, one column each (issue 20);
pgvector's are in vectors.py (its server extension is not packaged on the test machine). `Portable` declares
variants for the other databases; `Thing` is left out of them."""

from __future__ import annotations

import sqlalchemy as sa
from geoalchemy2 import Geography, Geometry, Raster
from sqlalchemy.dialects import postgresql as pg
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

OTHERS = ("mysql", "mariadb", "sqlite", "mssql")


class Base(DeclarativeBase):
    pass


class Thing(Base):
    """Everything, for PostgreSQL and the lake only."""

    __tablename__ = "things"
    __table_args__ = {"info": {"atlas": {"exclude": list(OTHERS)}}}

    id: Mapped[int] = mapped_column(sa.BigInteger, primary_key=True, autoincrement=False)
    ip = sa.Column(pg.INET)
    net = sa.Column(pg.CIDR)
    mac = sa.Column(pg.MACADDR)
    mac8 = sa.Column(pg.MACADDR8)
    doc = sa.Column(pg.TSVECTOR)
    query = sa.Column(pg.TSQUERY)
    attrs = sa.Column(pg.HSTORE)
    r4 = sa.Column(pg.INT4RANGE)
    r8 = sa.Column(pg.INT8RANGE)
    rn = sa.Column(pg.NUMRANGE)
    rd = sa.Column(pg.DATERANGE)
    rts = sa.Column(pg.TSRANGE)
    rtz = sa.Column(pg.TSTZRANGE)
    mr = sa.Column(pg.INT4MULTIRANGE)
    amount = sa.Column(pg.MONEY)
    flag = sa.Column(pg.BIT(1))
    bits = sa.Column(pg.BIT(8))
    varbits = sa.Column(pg.BIT(16, varying=True))
    object_id = sa.Column(pg.OID)
    regclass = sa.Column(pg.REGCLASS)
    regconfig = sa.Column(pg.REGCONFIG)
    span = sa.Column(sa.Interval)
    pg_span = sa.Column(pg.INTERVAL(precision=6))
    doc_json = sa.Column(pg.JSONB)
    path = sa.Column(pg.JSONPATH)
    email = sa.Column(pg.CITEXT)
    place = sa.Column(Geometry("POINTZ", srid=4326, spatial_index=False))
    area = sa.Column(Geometry("POLYGON", srid=4326, spatial_index=False))
    region = sa.Column(Geography("MULTIPOLYGON", srid=4326, spatial_index=False))
    tile = sa.Column(Raster(spatial_index=False))
    addresses = sa.Column(pg.ARRAY(pg.INET))


def portable(type_: sa.types.TypeEngine, other: sa.types.TypeEngine) -> sa.types.TypeEngine:
    for dialect in OTHERS:
        type_ = type_.with_variant(other, dialect)
    return type_


class Portable(Base):
    """The same kinds of values with variants the message suggests, so every database gets a column."""

    __tablename__ = "portable"

    id: Mapped[int] = mapped_column(sa.BigInteger, primary_key=True, autoincrement=False)
    ip = sa.Column(portable(pg.INET(), sa.String(45)))
    email = sa.Column(pg.CITEXT()
                      .with_variant(sa.String(255, collation="utf8mb4_unicode_ci"), "mysql", "mariadb")
                      .with_variant(sa.String(255, collation="NOCASE"), "sqlite")
                      .with_variant(sa.String(255, collation="Latin1_General_100_CI_AS_SC_UTF8"), "mssql"))
    attrs = sa.Column(portable(pg.HSTORE(), sa.JSON()))
    amount = sa.Column(portable(pg.MONEY(), sa.Numeric(19, 2)))
