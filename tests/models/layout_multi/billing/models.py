import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

print(f"loaded {__name__}")


class BillingBase(DeclarativeBase):
    metadata = sa.MetaData(naming_convention={"uq": "billing_uq_%(table_name)s_%(column_0_name)s"})


class Account(BillingBase):
    __tablename__ = "accounts"

    id: Mapped[int] = mapped_column(primary_key=True)
    # A foreign key into another MetaData (crm's): it resolves because both are in the model.
    contact_id: Mapped[int] = mapped_column(sa.ForeignKey("contacts.id"))
    number: Mapped[str] = mapped_column(sa.String(20), unique=True)
