"""Atlas external-schema provider for SQLAlchemy models.

Script mode::

    from atlas_provider import render_ddl
    print(render_ddl(["app"], dialect="postgresql"))
"""

from __future__ import annotations

__version__ = "0.1.0"

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

__all__ = [
    "Adapter",
    "EmptySchemaError",
    "Model",
    "ModelError",
    "ModelImportError",
    "ProviderError",
    "RenderError",
    "Schema",
    "TargetOptions",
    "UnsupportedError",
    "UsageError",
    "build_schema",
    "check_model",
    "get_adapter",
    "known_dialects",
    "load_model",
    "render_ddl",
]
