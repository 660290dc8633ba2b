"""Atlas external-schema provider for SQLAlchemy models.

Script mode::

    from atlas_provider import render_ddl
    print(render_ddl(["app"], dialect="postgresql"))

The public names are imported on first use, so the `atlas-provider` process, which only supervises the
child that runs the command (parent.py), never imports SQLAlchemy.
"""

from __future__ import annotations

import importlib

TYPE_CHECKING = False  # typing is not imported: the supervising process starts without it (parent.py)

__version__ = "0.1.0"

_EXPORTS = {
    "render_ddl": "api", "build_schema": "api", "check_model": "api", "Schema": "api",
    "Adapter": "dialects", "TargetOptions": "dialects", "get_adapter": "dialects", "known_dialects": "dialects",
    "ProviderError": "errors", "UsageError": "errors", "ModelImportError": "errors", "ModelError": "errors",
    "EmptySchemaError": "errors", "RenderError": "errors", "UnsupportedError": "errors",
    "Model": "loading", "load_model": "loading",
}

if TYPE_CHECKING:
    from typing import Any

    from .api import Schema, build_schema, check_model, render_ddl
    from .dialects import Adapter, TargetOptions, get_adapter, known_dialects
    from .errors import (
        EmptySchemaError,
        ModelError,
        ModelImportError,
        ProviderError,
        RenderError,
        UnsupportedError,
        UsageError,
    )
    from .loading import Model, load_model


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'atlas_provider' has no attribute {name!r}")
    return getattr(importlib.import_module(f".{module}", __name__), name)


__all__ = sorted(_EXPORTS)
