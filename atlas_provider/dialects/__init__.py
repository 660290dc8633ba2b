"""The dialect registry: a target name maps to the adapter that knows that database.

Adapters are imported on first use, so printing PostgreSQL DDL never imports the ClickHouse code.
Names SQLAlchemy knows but we have no adapter for (third-party dialects) get the generic adapter.
"""

from __future__ import annotations

import importlib

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


def canonical_name(name: str) -> str:
    """`postgresql+psycopg` -> `postgresql`; aliases resolved; lower case."""
    base = name.strip().lower().split("+", 1)[0]
    return ALIASES.get(base, base)


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
