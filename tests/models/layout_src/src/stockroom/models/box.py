import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from stockroom.models.base import Base

print(f"loaded {__name__}")


class Box(Base):
    __tablename__ = "boxes"

    id: Mapped[int] = mapped_column(primary_key=True)
    shelf_id: Mapped[int | None] = mapped_column(sa.ForeignKey("shelves.id", ondelete="SET NULL"))
