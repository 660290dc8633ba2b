# A plain folder of modules, no __init__.py: the modules import each other as top-level modules.
from sqlalchemy.orm import DeclarativeBase

print(f"loaded {__name__}")


class Base(DeclarativeBase):
    pass
