"""Target-wide ClickHouse choices: ``[tool.atlas-provider.clickhouse]`` in pyproject.toml under
``--setting KEY=VALUE``. The model's info dicts win over them (docs/clickhouse.md, "Precedence")."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ...errors import UsageError
from .cdc import PROFILES
from .engines import parse_engine
from .info import IDENTIFIER, check_setting_names
from .types import ENUM_TYPES, JSON_TYPES

# Target-wide settings and their built-in defaults (lowest precedence). None means "not declared": an engine
# or CDC tool only the lake defaults choose (docs/clickhouse.md, "What a table becomes").
DEFAULT_SETTINGS: Mapping[str, Any] = {
    "engine": None,
    "cluster": None,
    # The server's default_replica_path and default_replica_name.
    # https://clickhouse.com/docs/en/engines/table-engines/mergetree-family/replication
    "replication_path": "/clickhouse/tables/{uuid}/{shard}",
    "replica_name": "{replica}",
    "json_type": "String",
    "enum_type": "LowCardinality(String)",
    "timezone": "UTC",
    # A naive timestamp is stored in this zone; "" leaves it to the server's time zone, so that the same
    # value means another instant on another server.
    "naive_timezone": "UTC",
    "datetime_precision": 6,
    "cdc": "auto",  # auto: tables fed from the application; true: every table; false: none
    "cdc_tool": None,  # a tool named here declares the pipeline; undeclared, the generic profile's columns
    "cdc_version_column": None,  # None: the tool's own names
    "cdc_is_deleted_column": None,
    # CHECK constraints are evaluated on every insert; the application database has enforced them already.
    "keep_checks": False,
    "settings": {},
}



def _flag(value: Any, key: str) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("1", "true", "yes", "on"):
        return True
    if text in ("0", "false", "no", "off", ""):
        return False
    raise UsageError(f"ClickHouse setting {key!r} must be true or false, got {value!r}", where="clickhouse")


def _choice(value: Any, key: str, choices: Iterable[str]) -> str:
    by_lower = {c.lower(): c for c in choices}
    found = by_lower.get(str(value).strip().lower())
    if found is None:
        raise UsageError(f"ClickHouse setting {key!r} must be one of {', '.join(sorted(by_lower.values()))}, "
                         f"got {value!r}", where="clickhouse")
    return found


@dataclass(frozen=True)
class ClickHouseSettings:
    """Target-wide choices (docs/clickhouse.md). Built from `TargetOptions.settings`: pyproject.toml's
    ``[tool.atlas-provider.clickhouse]`` under ``--setting KEY=VALUE`` (whose values are strings)."""

    engine: str | None = None  # None: not declared
    cluster: str | None = None
    replication_path: str = DEFAULT_SETTINGS["replication_path"]
    replica_name: str = DEFAULT_SETTINGS["replica_name"]
    json_type: str = DEFAULT_SETTINGS["json_type"]
    enum_type: str = DEFAULT_SETTINGS["enum_type"]
    timezone: str = DEFAULT_SETTINGS["timezone"]
    naive_timezone: str = DEFAULT_SETTINGS["naive_timezone"]
    datetime_precision: int = DEFAULT_SETTINGS["datetime_precision"]
    cdc: bool | None = None  # None: auto
    cdc_tool: str | None = None  # None: not declared (the generic profile)
    cdc_version_column: str | None = None
    cdc_is_deleted_column: str | None = None
    keep_checks: bool = False
    table_settings: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def from_mapping(cls, settings: Mapping[str, Any]) -> ClickHouseSettings:
        values: dict[str, Any] = {}
        table_settings: dict[str, Any] = {}
        for raw_key, value in settings.items():
            key = str(raw_key).strip().replace("-", "_")
            if key.startswith("settings."):  # --setting settings.index_granularity=8192
                table_settings[key.split(".", 1)[1]] = value
                continue
            if key not in DEFAULT_SETTINGS:
                known = ", ".join(sorted(DEFAULT_SETTINGS))
                raise UsageError(f"unknown ClickHouse setting {raw_key!r} (known: {known})", where="clickhouse")
            values[key] = value
        if "settings" in values:
            if not isinstance(values["settings"], Mapping):
                raise UsageError("ClickHouse setting 'settings' must be a table of table settings",
                                 where="clickhouse")
            table_settings = {**values.pop("settings"), **table_settings}
        if "json_type" in values:
            values["json_type"] = _choice(values["json_type"], "json_type", JSON_TYPES)
        if "enum_type" in values:
            values["enum_type"] = _choice(values["enum_type"], "enum_type", ENUM_TYPES)
        if "cdc" in values:
            auto = str(values["cdc"]).strip().lower() == "auto"
            values["cdc"] = None if auto else _flag(values["cdc"], "cdc")
        if "cdc_tool" in values:
            values["cdc_tool"] = _choice(values["cdc_tool"], "cdc_tool", PROFILES)
        if "keep_checks" in values:
            values["keep_checks"] = _flag(values["keep_checks"], "keep_checks")
        if "datetime_precision" in values:
            try:
                values["datetime_precision"] = int(values["datetime_precision"])
            except (TypeError, ValueError):
                values["datetime_precision"] = -1
            if not 0 <= values["datetime_precision"] <= 9:
                raise UsageError("ClickHouse setting 'datetime_precision' must be 0 to 9", where="clickhouse")
        if "cluster" in values:
            values["cluster"] = str(values["cluster"]).strip() or None
        for key in ("replication_path", "replica_name", "timezone", "naive_timezone"):
            if key in values:
                values[key] = str(values[key]).strip()
        for key in ("engine", "cdc_version_column", "cdc_is_deleted_column"):
            if key in values:
                values[key] = str(values[key]).strip() or None
        for key in ("cdc_version_column", "cdc_is_deleted_column"):
            if values.get(key) is not None and not IDENTIFIER.fullmatch(values[key]):
                raise UsageError(f"ClickHouse setting {key!r} must be a column name, got {values[key]!r}",
                                 where="clickhouse")
        check_setting_names(table_settings, "clickhouse")
        result = cls(**values, table_settings=table_settings)
        if result.engine is not None:
            parse_engine(result.engine, "the ClickHouse setting 'engine'", UsageError)
        return result


