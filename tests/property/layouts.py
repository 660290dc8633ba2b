"""Hypothesis strategies for the layouts a project's model can have on disk, drawn as the files to write.

A ``Tree`` is a few units side by side, each one of the shapes issue 9 met:

- **package**: ``u<i>/pkg<i>/__init__.py`` with a ``base.py`` and modules that import it relatively
  (``from .base import Base``, ``from ..base import Base`` in a subpackage) or absolutely
  (``from pkg<i>.base import Base``), a regular subpackage and a namespace portion (a folder without
  ``__init__.py``) inside it; ``--path u<i>/pkg<i>``. Its ``__init__.py`` may re-export a module of its own or
  the models of an installed package (``from inst<k>.models import *``).
- **portions**: ``u<i>/app<i>/__init__.py`` with ``a/models.py`` and ``b/models.py`` below it, ``a/`` and ``b/``
  without ``__init__.py``: namespace portions of ``app<i>``, passed as two ``--path``s.
- **plain**: a folder without ``__init__.py`` whose modules import each other as top-level modules;
  sometimes with the generic names ``base.py``/``models.py``, which clash with another plain unit's.
- **editable**: a project installed editable (``pip install -e``), its tables in the package's ``__init__.py``
  (a flat layout) or a ``models.py``: the project's folder on ``sys.path`` through a ``.pth`` file, or
  setuptools' ``__editable__`` finder, which maps the name to the folder; ``--model ed<i>[.models]``.
- **plugin**: a package whose ``__init__.py`` loads a plugin file by its path
  (``importlib.util.spec_from_file_location``) and re-exports the plugin's model; ``--path`` at the package.
- **installed**: a package copied into the site-packages of the environment the provider runs in,
  selected by ``--model inst<k>.models``, by a dotted ``--path inst<k>.models``, through a re-export, or not
  at all (then its tables are not the model's).

The model in each module is one of: a declarative ``Base`` (``DeclarativeBase``), a ``MetaData`` with Core
``Table``s, or a ``registry()`` with mapped classes. Table names are unique within a tree.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from hypothesis import strategies as st

STYLES = ("declarative", "metadata", "registry")


@dataclass
class Tree:
    """Files to write and what the provider and a plain import should make of them."""

    files: dict[str, str] = field(default_factory=dict)  # path below the example folder -> source
    installed: dict[str, str] = field(default_factory=dict)  # path below site-packages -> source ({example}: the folder)
    args: list[str] = field(default_factory=list)  # the provider's arguments (before --dialect)
    imports: list[str] = field(default_factory=list)  # the modules a plain import of the selection imports
    sys_path: list[str] = field(default_factory=list)  # folders (below the example) that import uses
    tables: set[str] = field(default_factory=set)  # the tables of the MetaData that import reaches
    installed_tables: dict[str, list[str]] = field(default_factory=dict)  # package -> its tables
    kinds: list[str] = field(default_factory=list)  # for Hypothesis's statistics
    #: two plain folders define the same top-level module names; refusing is then a right answer too.
    clash: bool = False
    _count: int = 0

    def table_names(self, n: int) -> list[str]:
        names = [f"t{self._count + i}" for i in range(n)]
        self._count += n
        return names

    def describe(self) -> str:
        files = {**self.files, **{f"<site-packages>/{k}": v for k, v in self.installed.items()}}
        listing = "\n".join(f"  {path}:\n" + "".join(f"    {line}\n" for line in source.splitlines())
                            for path, source in sorted(files.items()))
        return f"args: {self.args}\nexpected tables: {sorted(self.tables)}\n{listing}"


# ---- module sources ------------------------------------------------------------------------------

def base_source(style: str) -> str:
    """A module that defines the model's registry of tables and nothing else."""
    return {
        "declarative": "from sqlalchemy.orm import DeclarativeBase\n\n\nclass Base(DeclarativeBase):\n    pass\n",
        "metadata": "from sqlalchemy import MetaData\n\nmetadata = MetaData()\n",
        "registry": "from sqlalchemy.orm import registry\n\nmapper_registry = registry()\n",
    }[style]


BASE_NAME = {"declarative": "Base", "metadata": "metadata", "registry": "mapper_registry"}


def tables_source(style: str, names: list[str], base_import: str | None) -> str:
    """Tables ``names`` on the base ``base_import`` brings in (or on one defined here when it is None)."""
    header = ["from sqlalchemy import Column, Integer, String, Table"]
    header.append(base_import if base_import else base_source(style).split("\n\n", 1)[0])
    body = [] if base_import else [base_source(style).split("\n\n", 1)[1]]
    for name in names:
        if style == "declarative":
            body.append(f"class {name.upper()}(Base):\n    __tablename__ = {name!r}\n"
                        f"    id = Column(Integer, primary_key=True)\n    label = Column(String(20))\n")
        elif style == "metadata":
            body.append(f"{name} = Table({name!r}, metadata, Column('id', Integer, primary_key=True),"
                        f" Column('label', String(20)))\n")
        else:
            body.append(f"@mapper_registry.mapped\nclass {name.upper()}:\n    __tablename__ = {name!r}\n"
                        f"    id = Column(Integer, primary_key=True)\n")
    return "\n".join(header) + "\n\n" + "\n\n".join(body)


# What setuptools' editable_wheel writes for a package it does not expose by its folder (its `_finder_template`,
# reduced to regular packages): a meta path finder that maps the name to the project's folder and makes the
# spec with spec_from_file_location, so CPython's SourceFileLoader loads it. `{mapping!r}`: name -> folder.
EDITABLE_FINDER = """\
import sys
from importlib.machinery import all_suffixes as module_suffixes
from importlib.util import spec_from_file_location
from itertools import chain
from pathlib import Path

MAPPING = {mapping!r}


class _EditableFinder:
    @classmethod
    def find_spec(cls, fullname, path=None, target=None):
        for pkg, pkg_path in reversed(list(MAPPING.items())):
            if fullname == pkg or fullname.startswith(f"{{pkg}}."):
                rest = fullname.replace(pkg, "", 1).strip(".").split(".")
                candidate_path = Path(pkg_path, *rest)
                init = candidate_path / "__init__.py"
                candidates = (candidate_path.with_suffix(x) for x in module_suffixes())
                for candidate in chain([init], candidates):
                    if candidate.exists():
                        return spec_from_file_location(fullname, candidate)
        return None


def install():
    if not any(finder == _EditableFinder for finder in sys.meta_path):
        sys.meta_path.append(_EditableFinder)
"""

# A package that loads a plugin file by its path and re-exports the plugin's model.
PLUGIN_HOST = """\
import importlib.util
from pathlib import Path

_spec = importlib.util.spec_from_file_location("{module}", Path(__file__).parent.parent / "{plugin}")
plugin = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(plugin)
{name} = plugin.{name}
"""


# ---- units ---------------------------------------------------------------------------------------

@st.composite
def installed_unit(draw: st.DrawFn, tree: Tree, k: int) -> tuple[str, str]:
    """An installed package ``inst<k>``; returns its name and how it is selected."""
    package = f"inst{k}"
    style = draw(st.sampled_from(STYLES))
    names = tree.table_names(draw(st.integers(1, 2)))
    tree.installed[f"{package}/__init__.py"] = ""
    tree.installed[f"{package}/base.py"] = base_source(style)
    base_import = draw(st.sampled_from([f"from .base import {BASE_NAME[style]}",
                                        f"from {package}.base import {BASE_NAME[style]}"]))
    tree.installed[f"{package}/models.py"] = tables_source(style, names, base_import)
    tree.installed_tables[package] = names
    how = draw(st.sampled_from(["model", "dotted-path", "re-export", "unselected"]))
    if how == "model":
        tree.args += ["--model", f"{package}.models"]
    elif how == "dotted-path":
        tree.args += ["--path", f"{package}.models"]
    if how in ("model", "dotted-path"):
        tree.imports.append(f"{package}.models")
        tree.tables.update(names)
    tree.kinds.append(f"installed/{how}")
    return package, how


@st.composite
def package_unit(draw: st.DrawFn, tree: Tree, i: int, reexport: str | None) -> None:
    """A regular package with a subpackage and a namespace portion, ``--path`` at the package."""
    package, root = f"pkg{i}", f"u{i}"
    style = draw(st.sampled_from(STYLES))
    relative = draw(st.booleans())
    base = BASE_NAME[style]
    files = {f"{package}/base.py": base_source(style)}
    modules = [f"{package}", f"{package}.base"]
    for module, level in ((f"m{i}", 1), (f"sub.n{i}", 2), (f"ns.p{i}", 2)):
        if level == 2 and not draw(st.booleans()):
            continue
        if module.startswith("sub.") and f"{package}/sub/__init__.py" not in files:
            files[f"{package}/sub/__init__.py"] = ""
            modules.append(f"{package}.sub")
        names = tree.table_names(draw(st.integers(1, 2)))
        tree.tables.update(names)
        source = f"from {'.' * level}base import {base}" if relative else f"from {package}.base import {base}"
        files[f"{package}/{module.replace('.', '/')}.py"] = tables_source(style, names, source)
        modules.append(f"{package}.{module}")
    init = draw(st.sampled_from(["empty", "own"] + (["installed"] if reexport else [])))
    files[f"{package}/__init__.py"] = {"empty": "", "own": f"from .m{i} import *\n",
                                       "installed": f"from {reexport}.models import *\n"}[init]
    if init == "installed" and reexport:
        tree.imports.append(f"{reexport}.models")
        tree.tables.update(tree.installed_tables[reexport])
    tree.files.update({f"{root}/{path}": source for path, source in files.items()})
    tree.args += ["--path", f"{root}/{package}"]
    tree.imports += modules
    tree.sys_path.append(root)
    tree.kinds.append(f"package/{'relative' if relative else 'absolute'}/init-{init}")


@st.composite
def portions_unit(draw: st.DrawFn, tree: Tree, i: int) -> None:
    """``app<i>/__init__.py`` with namespace portions ``a/`` and ``b/``, each with a models.py."""
    app, root = f"app{i}", f"u{i}"
    style = draw(st.sampled_from(STYLES))
    shared = draw(st.booleans())  # one base in app<i>/base.py, or one per portion
    base = BASE_NAME[style]
    tree.files[f"{root}/{app}/__init__.py"] = ""
    if shared:
        tree.files[f"{root}/{app}/base.py"] = base_source(style)
    for portion in ("a", "b"):
        names = tree.table_names(draw(st.integers(1, 2)))
        tree.tables.update(names)
        source = draw(st.sampled_from([f"from ..base import {base}", f"from {app}.base import {base}"])) \
            if shared else None
        tree.files[f"{root}/{app}/{portion}/models.py"] = tables_source(style, names, source)
        tree.args += ["--path", f"{root}/{app}/{portion}"]
        tree.imports.append(f"{app}.{portion}.models")
    tree.sys_path.append(root)
    tree.kinds.append(f"portions/{'shared' if shared else 'own'}-base")


@st.composite
def plain_unit(draw: st.DrawFn, tree: Tree, i: int, generic: bool) -> None:
    """A folder without ``__init__.py``: top-level modules importing each other absolutely."""
    folder = f"u{i}/models{i}"
    style = draw(st.sampled_from(STYLES))
    base_module, table_module = ("base", "models") if generic else (f"base{i}", f"models{i}")
    names = tree.table_names(draw(st.integers(1, 2)))
    tree.tables.update(names)
    tree.files[f"{folder}/{base_module}.py"] = base_source(style)
    tree.files[f"{folder}/{table_module}.py"] = tables_source(
        style, names, f"from {base_module} import {BASE_NAME[style]}")
    tree.args += ["--path", folder]
    tree.imports += [base_module, table_module]
    tree.sys_path.append(folder)
    tree.kinds.append(f"plain/{'generic' if generic else 'unique'}-names")


@st.composite
def editable_unit(draw: st.DrawFn, tree: Tree, i: int) -> None:
    """A project installed editable, by a ``.pth`` path or by setuptools' finder; ``--model`` its module."""
    package, project = f"ed{i}", f"u{i}/project{i}"
    style = draw(st.sampled_from(STYLES))
    kind = draw(st.sampled_from(["pth", "finder"]))
    flat = draw(st.booleans())  # the tables in the package's __init__.py
    names = tree.table_names(draw(st.integers(1, 2)))
    tree.tables.update(names)
    if flat:
        tree.files[f"{project}/{package}/__init__.py"] = tables_source(style, names, None)
        module = package
    else:
        tree.files[f"{project}/{package}/__init__.py"] = ""
        tree.files[f"{project}/{package}/base.py"] = base_source(style)
        tree.files[f"{project}/{package}/models.py"] = tables_source(style, names, f"from .base import {BASE_NAME[style]}")
        module = f"{package}.models"
    if kind == "pth":
        tree.installed[f"__editable__.{package}-0.1.pth"] = f"{{example}}/{project}\n"
    else:
        finder = f"__editable___{package}_0_1_finder"
        tree.installed[f"{finder}.py"] = EDITABLE_FINDER.format(mapping={package: f"{{example}}/{project}/{package}"})
        tree.installed[f"__editable__.{package}-0.1.pth"] = f"import {finder}; {finder}.install()\n"
    tree.args += ["--model", module]
    tree.imports.append(module)
    tree.kinds.append(f"editable/{kind}/{'flat' if flat else 'models'}")


@st.composite
def plugin_unit(draw: st.DrawFn, tree: Tree, i: int) -> None:
    """``host<i>/__init__.py`` loading ``plugins<i>/p<i>.py`` by path; ``--path`` at ``host<i>``."""
    host, root = f"host{i}", f"u{i}"
    style = draw(st.sampled_from(STYLES))
    names = tree.table_names(draw(st.integers(1, 2)))
    tree.tables.update(names)
    tree.files[f"{root}/plugins{i}/p{i}.py"] = tables_source(style, names, None)
    tree.files[f"{root}/{host}/__init__.py"] = PLUGIN_HOST.format(module=f"plugin{i}", plugin=f"plugins{i}/p{i}.py",
                                                                  name=BASE_NAME[style])
    tree.args += ["--path", f"{root}/{host}"]
    tree.imports.append(host)
    tree.sys_path.append(root)
    tree.kinds.append("plugin/spec_from_file_location")


@st.composite
def trees(draw: st.DrawFn) -> Tree:
    """One to three local units (editable installs among them), and up to one installed package."""
    tree = Tree()
    reexport = None
    if draw(st.booleans()):
        package, how = draw(installed_unit(tree, 0))
        reexport = package if how == "re-export" else None
    kinds = draw(st.lists(st.sampled_from(["package", "portions", "plain", "editable", "plugin"]), min_size=1,
                          max_size=3))
    generic_plain = 0
    for i, kind in enumerate(kinds):
        if kind == "package":
            draw(package_unit(tree, i, reexport))
        elif kind == "portions":
            draw(portions_unit(tree, i))
        elif kind == "editable":
            draw(editable_unit(tree, i))
        elif kind == "plugin":
            draw(plugin_unit(tree, i))
        else:
            generic = draw(st.booleans())
            generic_plain += generic
            draw(plain_unit(tree, i, generic))
    tree.clash = generic_plain > 1
    return tree

