import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase

print(f"loaded {__name__}")


class Base(DeclarativeBase):
    metadata = sa.MetaData(naming_convention={"ix": "ix_%(table_name)s_%(column_0_name)s"})
