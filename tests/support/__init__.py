"""Test support that stands in for Atlas: split the provider's output, load it into a clean dev database,
reflect what was created and compare it with the model."""

from .backends import BACKENDS, Backend, Traits, backend_for, live_backends
from .compare import assert_schema_matches, type_family
from .provider import load_ddl, reflect, run_provider
from .sqlsplit import split_statements

__all__ = [
    "BACKENDS",
    "Backend",
    "Traits",
    "assert_schema_matches",
    "backend_for",
    "live_backends",
    "load_ddl",
    "reflect",
    "run_provider",
    "split_statements",
    "type_family",
]
