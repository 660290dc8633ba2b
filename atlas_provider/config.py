"""Target-wide settings: pyproject.toml's [tool.atlas-provider.<dialect>] under command-line --setting.

Precedence, lowest first: the adapter's built-in defaults, pyproject.toml in the working directory,
--setting KEY=VALUE on the command line, then per table or column `info` in the model itself.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .dialects import TargetOptions, canonical_name
from .errors import UsageError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

SECTION = "atlas-provider"


def pyproject_settings(dialect: str, cwd: Path | None = None) -> dict[str, Any]:
    """The [tool.atlas-provider.<dialect>] table of ./pyproject.toml, or {}."""
    file = (cwd or Path.cwd()) / "pyproject.toml"
    if not file.is_file():
        return {}
    try:
        data = tomllib.loads(file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise UsageError(f"cannot read it: {error}", where=str(file)) from None
    section = data.get("tool", {}).get(SECTION, {})
    table = section.get(canonical_name(dialect), {}) if isinstance(section, dict) else {}
    if not isinstance(table, dict):
        raise UsageError(f"[tool.{SECTION}.{canonical_name(dialect)}] must be a table", where=str(file))
    return dict(table)


def target_options(
    dialect: str,
    *,
    create_schemas: bool | None = None,
    cli_settings: Mapping[str, Any] | None = None,
    cwd: Path | None = None,
) -> TargetOptions:
    settings = pyproject_settings(dialect, cwd)
    settings.update(cli_settings or {})
    if create_schemas is None and "create-schemas" in settings:
        create_schemas = bool(settings.pop("create-schemas"))
    return TargetOptions(create_schemas=create_schemas, settings=settings)
