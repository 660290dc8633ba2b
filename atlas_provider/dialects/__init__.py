"""The dialect registry: a target name maps to the adapter that knows that database.

Adapters are imported on first use, so printing PostgreSQL DDL never imports the ClickHouse code.
Names SQLAlchemy knows but we have no adapter for (third-party dialects) get the generic adapter. A
name is `dialect` or `dialect+driver`, as in a SQLAlchemy URL; anything else is refused rather than
guessed at (SQLAlchemy's registry would read `postgresql.psycopg2` as a driver module of its own, and
the generic adapter would then lose what the PostgreSQL adapter emits).
"""

from __future__ import annotations

import importlib
import re

from ..errors import UsageError
from .base import Adapter, GenericAdapter, TargetOptions

# name -> "module:class", relative to this package
REGISTRY: dict[str, str] = {
    "postgresql": "postgresql:PostgreSQLAdapter",
    "mysql": "mysql:MySQLAdapter",
    "mariadb": "mysql:MariaDBAdapter",
    "sqlite": "sqlite:SQLiteAdapter",
    "mssql": "mssql:MSSQLAdapter",
    "clickhouse": "clickhouse:ClickHouseAdapter",
}
ALIASES = {"postgres": "postgresql", "pg": "postgresql", "sqlserver": "mssql", "ch": "clickhouse"}


# The name part of a SQLAlchemy URL: "dialect" or "dialect+driver", identifiers only.
_NAME = re.compile(r"([a-z][a-z0-9_]*)(?:\+[a-z][a-z0-9_]*)?")


def canonical_name(name: str) -> str:
    """`postgresql+psycopg` -> `postgresql`; aliases resolved; case and surrounding spaces ignored.

    Raises UsageError for anything that is not `dialect[+driver]`, naming the spelling meant when it can.
    """
    spelled = name.strip().lower()
    match = _NAME.fullmatch(spelled)
    if match is None:
        raise UsageError(f"{name!r} is not a dialect name{_suggestion(spelled)}; write a dialect, optionally with "
                         f"a driver as in a SQLAlchemy URL (known: {', '.join(known_dialects())})",
                         where="--dialect")
    base = match.group(1)
    return ALIASES.get(base, base)


def _suggestion(spelled: str) -> str:
    dialect, dot, driver = spelled.partition(".")
    if dot and _NAME.fullmatch(f"{dialect}+{driver}"):
        return f" (did you mean '{dialect}+{driver}'?)"
    return ""


def known_dialects() -> list[str]:
    return sorted(REGISTRY)


def get_adapter(name: str, options: TargetOptions | None = None) -> Adapter:
    """The adapter for dialect `name`, or a UsageError that lists the known names."""
    key = canonical_name(name)
    options = options or TargetOptions()
    if key in REGISTRY:
        module_name, class_name = REGISTRY[key].split(":")
        module = importlib.import_module(f"{__name__}.{module_name}")
        return getattr(module, class_name)(options)
    return GenericAdapter.for_sqlalchemy_dialect(key, options, known=known_dialects())


__all__ = ["Adapter", "TargetOptions", "canonical_name", "get_adapter", "known_dialects"]
