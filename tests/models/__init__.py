"""Model layouts a user's project can have, each a folder ``layout_<name>/`` beside this file.

A `Layout` says how the provider is pointed at it (the --path arguments, run from the layout's folder) and
what a correct load must find. The modules of most layouts print ``loaded <module name>`` to stdout while
importing, so a test can see each module imported once under its dotted name, and that none of those words
reach the DDL. Layouts that need files git would not keep (``__pycache__``) are made in tmp_path instead.
"""

from __future__ import annotations

import functools
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from atlas_provider import Model, load_model
from tests.support import run_provider, split_statements

HERE = Path(__file__).parent
ROOT = HERE.parent.parent  # the repository
EXAMPLE = ROOT / "examples" / "shop"


@dataclass(frozen=True)
class Layout:
    name: str
    paths: tuple[str, ...]  # --path values, relative to `folder`
    tables: frozenset[str]  # every table of the model, by full name
    modules: tuple[str, ...] = ()  # modules that print "loaded <name>" while importing
    packages: tuple[str, ...] = ()  # top-level module names the layout creates

    @property
    def folder(self) -> Path:
        return HERE / f"layout_{self.name}"

    def args(self) -> list[str]:
        return [arg for path in self.paths for arg in ("--path", path)]


LAYOUTS = {
    layout.name: layout
    for layout in (
        # app/models/{base,user,post}.py with absolute imports, pointed at the subfolder app/models.
        Layout(
            "absolute",
            ("app/models",),
            frozenset({"users", "posts"}),
            ("app", "app.models", "app.models.base", "app.models.user", "app.models.post"),
            ("app",),
        ),
        # Relative imports one and two levels up (from ..base import Base).
        Layout(
            "relative",
            ("store",),
            frozenset({"customers", "invoices"}),
            ("store.models.base", "store.models.customer", "store.models.billing.invoice"),
            ("store",),
        ),
        # A plain folder without __init__.py: its modules import each other as top-level modules.
        Layout("plain", ("models",), frozenset({"authors", "books"}), ("base", "author", "book"),
               ("base", "author", "book")),
        # src layout: --path src, the package below it.
        Layout(
            "src",
            ("src",),
            frozenset({"shelves", "boxes"}),
            ("stockroom.models", "stockroom.models.base", "stockroom.models.shelf", "stockroom.models.box"),
            ("stockroom",),
        ),
        # Several --path, one declarative base each, a foreign key from one MetaData into the other.
        Layout("multi", ("crm", "billing"), frozenset({"contacts", "accounts"}), ("crm.models", "billing.models"),
               ("crm", "billing")),
        # Two declarative bases, registry() (mapped and imperative), a Core table, SQLModel.
        Layout(
            "mixed",
            ("registry_styles",),
            frozenset({"vendors", "regions", "warehouses", "docks", "price_history", "sqlm_products"}),
            packages=("registry_styles",),
        ),
        # One of everything the DDL must carry: defaults, comments, identity, computed, checks, enums,
        # partial and expression indexes, a schema, a foreign-key cycle, after_create DDL events.
        Layout("features", ("features",), frozenset({"items", "bins", "inventory.warehouses"}),
               packages=("features",)),
    )
}


def _evict(packages: tuple[str, ...]) -> None:
    for name in list(sys.modules):
        if name.split(".")[0] in packages:
            del sys.modules[name]


@functools.cache
def load_layout(name: str) -> Model:
    """The layout's model, loaded in this process once per session (SQLModel's MetaData is global).

    Modules of the same name another layout or test left in sys.modules are evicted first, and the layout's
    own afterwards, so that `app` of one layout never stands in for `app` of another.
    """
    layout = LAYOUTS[name]
    _evict(layout.packages)
    try:
        return load_model(layout.paths, cwd=layout.folder)
    finally:
        _evict(layout.packages)


@functools.cache
def load_example() -> Model:
    """examples/shop, loaded in this process once per session, as the CLI loads it from the repository root."""
    return load_model([EXAMPLE.relative_to(ROOT)], cwd=ROOT)


# --- running the provider on them ------------------------------------------------------------------------------

_CREATE_TABLE = re.compile(r"^CREATE TABLE (\S+) \(", re.MULTILINE)
_POSITION = re.compile(r"^-- atlas:pos (\S+)\[type=table\] (.+):(\d+)$", re.MULTILINE)


def provider(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """`python -m atlas_provider *args` in `cwd`, as Atlas runs it: no PYTHONPATH to help it find the model."""
    return run_provider(*args, cwd=cwd, env={"PYTHONPATH": "", **(env or {})})


def created_tables(ddl: str) -> list[str]:
    """Names of the tables `ddl` creates, in order."""
    return _CREATE_TABLE.findall(ddl)


def positions(ddl: str) -> dict[str, tuple[str, int]]:
    """Table -> (file, line) from the `-- atlas:pos` lines."""
    return {table: (path, int(line)) for table, path, line in _POSITION.findall(ddl)}


def statements(ddl: str) -> list[str]:
    """The statements Atlas would execute, without the position comments."""
    return split_statements(ddl)
