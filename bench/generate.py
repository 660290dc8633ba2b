"""Generate a SQLAlchemy 2.x model package of N tables that both providers can read.

Layout, for ``generate(root, 500)``::

    root/benchmodels/__init__.py          empty
    root/benchmodels/base.py              the shared DeclarativeBase
    root/benchmodels/models/__init__.py   empty
    root/benchmodels/models/models_000.py tables 0-9, ``from benchmodels.base import Base``
    ...                                   about 10 tables a file

Both providers get ``--path root/benchmodels/models``. The shared Base sits outside that folder on
purpose: atlas-provider-sqlalchemy 0.5.2 executes every ``.py`` under ``--path`` by file location under a
made-up module name, so a ``base.py`` inside it would be executed a second time, with its own empty
MetaData, and the provider picks one MetaData out of a set at random (it then prints no table at all about
half the time, and still exits 0). Model files reference each other only through string foreign keys, so
none is imported twice.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

PACKAGE = "benchmodels"
TABLES_PER_FILE = 10

_BASE = """\
from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    pass
"""

_HEADER = """\
from datetime import datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, Index, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from benchmodels.base import Base
"""

# 8 columns, a composite unique constraint, two indexes and a foreign key to the previous table.
_TABLE = """

class {cls}(Base):
    __tablename__ = "{name}"
    __table_args__ = (
        UniqueConstraint("name", "code", name="uq_{name}_name_code"),
        Index("ix_{name}_created_at", "created_at"),
        Index("ix_{name}_active_amount", "is_active", "amount"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    prev_id: Mapped[int | None] = mapped_column({prev_fk})
    name: Mapped[str] = mapped_column(String(100))
    code: Mapped[str] = mapped_column(String(20))
    amount: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime]
    note: Mapped[str | None] = mapped_column(Text)
"""


@dataclass(frozen=True)
class ModelPackage:
    """A generated package: where it is and what a correct provider must print for it."""

    root: Path  # goes on sys.path
    models_dir: Path  # what the providers get as --path
    modules: tuple[str, ...]  # dotted names of the model modules, for the floor
    tables: int


def table_name(index: int) -> str:
    return f"t_{index:05d}"


def _table_source(index: int) -> str:
    prev_fk = f'ForeignKey("{table_name(index - 1)}.id")' if index else ""
    return _TABLE.format(cls=f"T{index:05d}", name=table_name(index), prev_fk=prev_fk)


def generate(root: Path, tables: int) -> ModelPackage:
    """Write a fresh package of ``tables`` tables under ``root`` (removed first) and describe it."""
    shutil.rmtree(root, ignore_errors=True)
    models_dir = root / PACKAGE / "models"
    models_dir.mkdir(parents=True)
    (root / PACKAGE / "__init__.py").write_text("")
    (root / PACKAGE / "base.py").write_text(_BASE)
    (models_dir / "__init__.py").write_text("")
    modules = []
    for number, start in enumerate(range(0, tables, TABLES_PER_FILE)):
        stop = min(start + TABLES_PER_FILE, tables)
        source = _HEADER + "".join(_table_source(i) for i in range(start, stop))
        (models_dir / f"models_{number:03d}.py").write_text(source)
        modules.append(f"{PACKAGE}.models.models_{number:03d}")
    return ModelPackage(root=root, models_dir=models_dir, modules=tuple(modules), tables=tables)


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("root", type=Path)
    parser.add_argument("tables", type=int)
    args = parser.parse_args()
    package = generate(args.root, args.tables)
    print(f"{package.tables} tables in {len(package.modules)} files; --path {package.models_dir}")
