"""pgvector's types (issue 20): for the lake and offline tests; its server extension is not packaged here."""

from __future__ import annotations

import sqlalchemy as sa
from pgvector.sqlalchemy import BIT, HALFVEC, SPARSEVEC, Vector
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

OTHERS = ("mysql", "mariadb", "sqlite", "mssql")


class Base(DeclarativeBase):
    pass


class Embedding(Base):
    __tablename__ = "embeddings"

    id: Mapped[int] = mapped_column(sa.BigInteger, primary_key=True, autoincrement=False)
    embedding = sa.Column(Vector(3), info={"atlas": {"exclude": list(OTHERS)}})
    half = sa.Column(HALFVEC(3), info={"atlas": {"exclude": list(OTHERS)}})
    sparse = sa.Column(SPARSEVEC(5), info={"atlas": {"exclude": list(OTHERS)}})
    fingerprint = sa.Column(BIT(4), info={"atlas": {"exclude": ["sqlite", "mssql"]}})
    # JSON elsewhere: the variant a user declares for a vector on databases without one
    portable = sa.Column(Vector(3).with_variant(sa.JSON(), *OTHERS))
