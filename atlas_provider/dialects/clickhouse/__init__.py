"""ClickHouse: the lake. MergeTree tables from the same model the application uses.

The package follows the pipeline: `info` (what the model says), `settings` (what the target says), `engines`
(what a table becomes, the CDC profiles), `types` and `defaults` (what a column becomes), `compiler` (the
SQLAlchemy dialect that writes it), `adapter` (the registry's entry: copies, CDC columns, the loss report).
docs/clickhouse.md lists every key and setting.
"""

from __future__ import annotations

from .adapter import ClickHouseAdapter
from .compiler import ClickHouseDialect
from .engines import TableSpec, table_spec
from .settings import ClickHouseSettings

__all__ = ["ClickHouseAdapter", "ClickHouseDialect", "ClickHouseSettings", "TableSpec", "table_spec"]
