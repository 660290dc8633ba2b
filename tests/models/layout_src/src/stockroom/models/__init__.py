from stockroom.models.base import Base

print(f"loaded {__name__}")

__all__ = ["Base"]
