# A second declarative base, the pre-2.0 way.
import sqlalchemy as sa
from sqlalchemy.orm import declarative_base

LegacyBase = declarative_base()


class Region(LegacyBase):
    __tablename__ = "regions"

    id = sa.Column(sa.Integer, primary_key=True)
    code = sa.Column(sa.String(8), nullable=False, unique=True)
