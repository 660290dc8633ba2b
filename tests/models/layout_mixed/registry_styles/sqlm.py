# SQLModel: only table=True models are tables.
from typing import Optional

from sqlmodel import Field, SQLModel


class ProductBase(SQLModel):
    name: str = Field(max_length=100)


class Product(ProductBase, table=True):
    __tablename__ = "sqlm_products"

    id: Optional[int] = Field(default=None, primary_key=True)
    vendor_id: int = Field(foreign_key="vendors.id")


class ProductRead(ProductBase):
    id: int
