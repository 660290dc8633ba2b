"""What a model says to the lake: the keys of ``info={"clickhouse": {...}}`` and how they are read.

Tables, columns and indexes carry lake choices in their ``info`` dicts (docs/clickhouse.md lists every key);
clickhouse-sqlalchemy models pass ``clickhouse_<name>=`` keywords instead. Unknown keys are errors: a typo
must not silently give the lake another layout.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from sqlalchemy import Table

from ...errors import ModelError, UsageError

TABLE_KEYS = frozenset({"engine", "order_by", "partition_by", "primary_key", "ttl", "settings", "cdc", "append_only",
                        "keep_checks", "stable"})
COLUMN_KEYS = frozenset({"type", "codec", "low_cardinality", "default", "timezone", "nullable_elements"})
INDEX_KEYS = frozenset({"type", "granularity"})
CDC_KEYS = frozenset({"tool", "version", "is_deleted"})


IDENTIFIER = re.compile(r"[A-Za-z_]\w*")


def passed_option(item: Any, name: str) -> Any:
    """A `clickhouse_<name>=` keyword given to a Column or Table (clickhouse-sqlalchemy style), or None.

    Read without `item.dialect_kwargs`: asking that for a dialect SQLAlchemy cannot load makes it
    search the installed packages' entry points on every call, minutes on a large model.
    """
    options = vars(item).get("dialect_options")  # SQLAlchemy fills it only when keywords were given
    entry = dict.get(options, "clickhouse") if options is not None else None
    return entry.get(name) if entry is not None else None


def clickhouse_info(item: Any) -> dict[str, Any]:
    info = item.info.get("clickhouse") if item.info else None
    return info if isinstance(info, dict) else {}


def check_setting_names(settings: Mapping[str, Any], where: str, error: type[Exception] = UsageError) -> None:
    for name in settings:
        if not IDENTIFIER.fullmatch(str(name)):
            raise error(f"{name!r} is not a ClickHouse table setting name", where=where)  # type: ignore[call-arg]


def check_info(table: Table) -> None:
    """Reject unknown keys in info['clickhouse'] of the table, its columns and indexes: a typo must not
    silently give the lake another layout."""
    items = [(table, TABLE_KEYS, "table")]
    items += [(column, COLUMN_KEYS, f"column {column.name!r}") for column in table.columns]
    items += [(index, INDEX_KEYS, f"index {index.name!r}") for index in table.indexes]
    for item, known, what in items:
        unknown = sorted(set(clickhouse_info(item)) - known)
        if unknown:
            raise ModelError(f"info['clickhouse'] of {what} has unknown key {unknown[0]!r} "
                             f"(known: {', '.join(sorted(known))})", where=table.fullname)

