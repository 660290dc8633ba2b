# Core only: a Table on a bare MetaData, no mapped class.
import sqlalchemy as sa

metadata = sa.MetaData()

price_history = sa.Table(
    "price_history",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("vendor_id", sa.ForeignKey("vendors.id", ondelete="CASCADE"), nullable=False),
    sa.Column("price", sa.Numeric(10, 2), nullable=False),
    sa.Index("ix_price_history_vendor", "vendor_id"),
)
