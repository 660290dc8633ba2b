import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base

print(f"loaded {__name__}")


class Customer(Base):
    __tablename__ = "customers"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(100), comment="Full name")
