"""Target-wide settings: pyproject.toml's [tool.atlas-provider.<dialect>] under command-line --setting, and
the run-wide `skip-defects` key of [tool.atlas-provider] under --skip-defects / --no-skip-defects.

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
SKIP_DEFECTS = "skip-defects"


def _section(cwd: Path | None) -> tuple[dict[str, Any], Path]:
    """The [tool.atlas-provider] table of ./pyproject.toml ({} when there is none), and the file's path."""
    file = (cwd or Path.cwd()) / "pyproject.toml"
    if not file.is_file():
        return {}, file
    try:
        data = tomllib.loads(file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise UsageError(f"cannot read it: {error}", where=str(file)) from None
    section = data.get("tool", {}).get(SECTION, {})
    return (section if isinstance(section, dict) else {}), file


def pyproject_settings(dialect: str, cwd: Path | None = None) -> dict[str, Any]:
    """The [tool.atlas-provider.<dialect>] table of ./pyproject.toml, or {}."""
    section, file = _section(cwd)
    table = section.get(canonical_name(dialect), {})
    if not isinstance(table, dict):
        raise UsageError(f"[tool.{SECTION}.{canonical_name(dialect)}] must be a table", where=str(file))
    return dict(table)


def skip_defects(cli_value: bool | None = None, cwd: Path | None = None) -> bool:
    """--skip-defects / --no-skip-defects when given, else `skip-defects` under [tool.atlas-provider] in
    ./pyproject.toml (for a model the team cannot edit, set once for every run), else False."""
    if cli_value is not None:
        return cli_value
    section, file = _section(cwd)
    value = section.get(SKIP_DEFECTS, False)
    if not isinstance(value, bool):
        raise UsageError(f"[tool.{SECTION}] {SKIP_DEFECTS} must be true or false, not {value!r}", where=str(file))
    return value


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
