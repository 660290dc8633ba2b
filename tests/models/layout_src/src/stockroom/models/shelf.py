import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from stockroom.models import Base

print(f"loaded {__name__}")


class Shelf(Base):
    __tablename__ = "shelves"

    id: Mapped[int] = mapped_column(primary_key=True)
    label: Mapped[str] = mapped_column(sa.String(20), unique=True)
    capacity: Mapped[int] = mapped_column(server_default=sa.text("10"))
