# registry(): a decorated class and an imperatively mapped Core table on the registry's MetaData.
import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, registry

reg = registry()


@reg.mapped
class Warehouse:
    __tablename__ = "warehouses"

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(sa.ForeignKey("regions.id"))  # into LegacyBase's MetaData


class Dock:
    pass


docks = sa.Table(
    "docks",
    reg.metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("warehouse_id", sa.ForeignKey("warehouses.id"), nullable=False),
)
reg.map_imperatively(Dock, docks)
