from sqlalchemy.orm import DeclarativeBase

print(f"loaded {__name__}")


class Base(DeclarativeBase):
    pass
