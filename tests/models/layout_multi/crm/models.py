import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

print(f"loaded {__name__}")


class CrmBase(DeclarativeBase):
    metadata = sa.MetaData(naming_convention={"uq": "crm_uq_%(table_name)s_%(column_0_name)s"})


class Contact(CrmBase):
    __tablename__ = "contacts"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(200), unique=True)
