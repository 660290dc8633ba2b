"""Let the model's modules go once their tables are collected, in a process that only prints DDL.

After loading, printing the schema needs the `Table` objects alone (the MetaData holds them). The mapped
classes, their mappers, instrumented attributes and event dispatchers stay alive only because the user's
modules in `sys.modules` hold the classes: at 2,000 tables that is a third of the heap, and rendering then
grows the peak on top of it. Dropping those modules and collecting the cycles once lets rendering reuse
that memory. atlas-provider-sqlalchemy gets the same effect by executing files without keeping them.

Only modules loaded from outside the interpreter's library folders (`freshsource.library_folders`) and
imported during the load are dropped: installed libraries (SQLAlchemy, SQLModel, pydantic) are never
imported twice. Model code that still runs later (a TypeDecorator's methods) keeps its module's globals
through its functions. Used by the DDL command only: `verify` builds rows from the mapped classes, and
in-process loads (tests, the API) keep their modules for the next load.
"""

from __future__ import annotations

import gc
import os
import sys
from collections.abc import Collection

from ..freshsource import library_folders


def release_model_modules(before: Collection[str]) -> None:
    """Drop from `sys.modules` the user's modules imported since `before` (names), then collect cycles."""
    libraries = tuple(os.path.join(str(folder), "") for folder in library_folders())
    for name in [name for name in sys.modules if name not in before]:
        file = getattr(sys.modules[name], "__file__", None)
        if isinstance(file, str) and not os.path.abspath(file).startswith(libraries):
            del sys.modules[name]
    gc.collect()
