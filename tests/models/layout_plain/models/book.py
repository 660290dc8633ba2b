import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

import author
from base import Base

print(f"loaded {__name__}")


class Book(Base):
    __tablename__ = "books"

    id: Mapped[int] = mapped_column(primary_key=True)
    author_id: Mapped[int] = mapped_column(sa.ForeignKey(author.Author.id))
    title: Mapped[str] = mapped_column(sa.String(200), index=True)
