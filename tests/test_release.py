"""The DDL command lets the model's modules go once the tables are collected (loading/release.py): model code
that still runs while rendering (a TypeDecorator's methods) keeps working, and the output is what it was."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from atlas_provider.child import AGAIN_ENV
from atlas_provider.loading.release import EarlyRelease
from tests.support.provider import run_provider

TYPES = textwrap.dedent("""
    from sqlalchemy import String
    from sqlalchemy.types import TypeDecorator

    WIDTH = 42  # read while rendering, through the method's globals


    class Code(TypeDecorator):
        impl = String
        cache_ok = True

        def load_dialect_impl(self, dialect):
            from app import sizes  # imported lazily, after the model's modules were let go

            return dialect.type_descriptor(String(WIDTH + sizes.EXTRA))
""")

MODELS = textwrap.dedent("""
    from sqlalchemy import Column, Integer, MetaData, Table

    from app.types import Code

    metadata = MetaData()
    items = Table("items", metadata, Column("id", Integer, primary_key=True), Column("code", Code()))
""")


def test_model_code_run_while_rendering_still_sees_its_module(tmp_path: Path) -> None:
    app = tmp_path / "app"
    app.mkdir()
    (app / "__init__.py").write_text("", encoding="utf-8")
    (app / "types.py").write_text(TYPES, encoding="utf-8")
    (app / "models.py").write_text(MODELS, encoding="utf-8")
    (app / "sizes.py").write_text("EXTRA = 8\n", encoding="utf-8")

    result = run_provider("--path", "app", "--dialect", "postgresql", cwd=tmp_path)

    assert result.returncode == 0, result.stderr
    assert "code VARCHAR(50)" in result.stdout


# ---- early release: each module of the model goes right after its import when no other file can name it ----

BASE = "from sqlalchemy.orm import DeclarativeBase\n\n\nclass Base(DeclarativeBase):\n    pass\n"
CROSS = {
    "app/__init__.py": "",
    "app/base.py": BASE,
    "app/models/__init__.py": "",
    # named by b_orders (import and relationship string): kept until the end
    "app/models/a_users.py": textwrap.dedent("""
        from sqlalchemy import Integer, String
        from sqlalchemy.orm import Mapped, mapped_column

        from app.base import Base


        class User(Base):
            __tablename__ = "users"
            id: Mapped[int] = mapped_column(Integer, primary_key=True)
            name: Mapped[str] = mapped_column(String(40))
    """),
    # named by nobody: dropped after its import
    "app/models/b_tags.py": textwrap.dedent("""
        from sqlalchemy import Integer, String
        from sqlalchemy.orm import Mapped, mapped_column

        from app.base import Base


        class Tag(Base):
            __tablename__ = "tags"
            id: Mapped[int] = mapped_column(Integer, primary_key=True)
            label: Mapped[str] = mapped_column(String(20), index=True)
    """),
    "app/models/c_orders.py": textwrap.dedent("""
        from sqlalchemy import ForeignKey, Integer
        from sqlalchemy.orm import Mapped, mapped_column, relationship

        from app.base import Base
        from app.services import pricing  # a helper outside --path that imports a model module itself


        class Order(Base):
            __tablename__ = "orders"
            id: Mapped[int] = mapped_column(Integer, primary_key=True)
            user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
            user = relationship("User")
            cents: Mapped[int] = mapped_column(Integer, default=pricing.DEFAULT_CENTS)
    """),
    "app/services/__init__.py": "",
    "app/services/pricing.py": "from app.models.d_prices import Price\n\nDEFAULT_CENTS = 100\n",
    "app/models/d_prices.py": textwrap.dedent("""
        from sqlalchemy import Integer
        from sqlalchemy.orm import Mapped, mapped_column

        from app.base import Base


        class Price(Base):
            __tablename__ = "prices"
            id: Mapped[int] = mapped_column(Integer, primary_key=True)
    """),
}


@pytest.fixture(autouse=True)
def _forget_app() -> Iterator[None]:
    """The in-process loads here import a package named `app`, from a different folder each test."""
    yield
    for name in [n for n in sys.modules if n.split(".")[0] == "app"]:
        del sys.modules[name]


def _write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def test_early_release_prints_what_loading_everything_prints(tmp_path: Path) -> None:
    """Modules named by others (an import, a relationship string, a helper outside --path imported later) stay;
    the output is byte for byte the in-process API's, which keeps every module."""
    from atlas_provider import render_ddl

    _write(tmp_path, CROSS)
    result = run_provider("--path", "app/models", "--dialect", "postgresql", cwd=tmp_path)

    assert result.returncode == 0, result.stderr
    assert result.stdout == render_ddl(["app/models"], dialect="postgresql", cwd=tmp_path)
    for table in ("users", "tags", "orders", "prices"):
        assert f"CREATE TABLE {table} (" in result.stdout


@pytest.mark.parametrize("importing", ["from lib.helpers import TAG_LABEL\n",
                                       "try:\n    from lib.helpers import TAG_LABEL\nexcept BaseException:\n    pass\n"],
                         ids=["imports", "swallows"])
def test_a_module_needed_after_it_went_starts_the_run_over(tmp_path: Path, importing: str) -> None:
    """A file outside the model's packages, imported late, imports a module already let go: the child starts
    over without early release (even when the model swallows the exception), and prints the same DDL."""
    from atlas_provider import render_ddl

    files = {**CROSS, "lib/__init__.py": "", "lib/helpers.py": "from app.models.b_tags import Tag\n\nTAG_LABEL = 1\n",
             "app/models/e_late.py": "print('e_late runs')\n" + importing}
    _write(tmp_path, files)
    result = run_provider("--path", "app/models", "--dialect", "postgresql", cwd=tmp_path)

    assert result.returncode == 0, result.stderr
    assert result.stderr.count("e_late runs") == 2  # the first run stopped at the import, before it ran
    assert result.stdout == render_ddl(["app/models"], dialect="postgresql", cwd=tmp_path)


def _early(tmp_path: Path, files: dict[str, str]) -> tuple[EarlyRelease, dict[str, bool]]:
    """Import the found modules in order as the DDL command does, and say which EarlyRelease lets go."""
    import importlib

    from atlas_provider.loading.finding import find_modules
    from atlas_provider.loading.importing import on_sys_path

    _write(tmp_path, files)
    found = [find_modules("app/models", cwd=tmp_path)]
    early = EarlyRelease(found)
    decided: dict[str, bool] = {}
    before = set(sys.modules)
    try:
        with on_sys_path([tmp_path]):
            for name in found[0].modules:
                module = importlib.import_module(name)
                decided[name] = early.may_drop(name, module)
    finally:
        for name in set(sys.modules) - before:
            del sys.modules[name]
    return early, decided


def test_only_a_module_no_other_file_names_goes_early(tmp_path: Path) -> None:
    early, decided = _early(tmp_path, CROSS)

    assert early.enabled
    assert decided == {"app.models": False,  # a package: its modules are imported through it
                       "app.models.a_users": False,  # "User" in c_orders
                       "app.models.b_tags": True,
                       "app.models.c_orders": True,
                       "app.models.d_prices": False}  # "d_prices" and "Price" in app/services/pricing.py


def test_a_dynamic_import_or_a_walk_over_the_classes_turns_early_release_off(tmp_path: Path) -> None:
    for number, code in enumerate(("import importlib\nimportlib.import_module('app.models.b_tags')\n",
                                   "from app.base import Base\nNAMES = [m.class_.__name__ for m in Base.registry.mappers]\n")):
        files = {**CROSS, "app/models/e_all.py": code}
        early, decided = _early(tmp_path / str(number), files)
        assert not early.enabled
        assert not any(decided.values())


def test_compacted_columns_keep_every_attribute() -> None:
    from sqlalchemy import Column, Integer, MetaData, String, Table
    from sqlalchemy.orm import registry

    table = Table("t", MetaData(), Column("id", Integer, primary_key=True), Column("name", String(5)))
    registry().map_imperatively(type("T", (), {}), table)  # mapping grows the columns' dicts
    before = {column.name: dict(vars(column)) for column in table.columns}

    EarlyRelease([]).compact([table])

    assert {column.name: dict(vars(column)) for column in table.columns} == before
    assert table.c.name.type.length == 5


# ---- models that reach a class without naming it: the output must be what it is without early release ----

AUDITED_BASE = textwrap.dedent("""
    from sqlalchemy import Column, Integer, Table
    from sqlalchemy.orm import DeclarativeBase


    class Base(DeclarativeBase):
        pass


    class Audited:
        @classmethod
        def __declare_first__(cls):  # for each class alive when configuration starts
            Table(f"{cls.__tablename__}_audit", cls.metadata, Column("id", Integer, primary_key=True))
""")
# The audited classes also held weakly, filled as they are defined
WEAK_BASE = AUDITED_BASE.replace("from sqlalchemy import", "from weakref import WeakSet\n\nfrom sqlalchemy import").replace(
    "class Audited:\n", "AUDITED = WeakSet()\n\n\nclass Audited:\n"
    "    def __init_subclass__(cls, **kw):\n        super().__init_subclass__(**kw)\n        AUDITED.add(cls)\n\n")
FOO = textwrap.dedent("""
    from sqlalchemy import Integer
    from sqlalchemy.orm import Mapped, mapped_column

    from app.base import Audited, Base


    class Foo(Audited, Base):  # named by no other file
        __tablename__ = "foo"
        id: Mapped[int] = mapped_column(Integer, primary_key=True)
""")
UNNAMED = {
    # a later module instantiates its own class: that configures the mappers of every class alive
    "configured": ("app/z_bar.py", textwrap.dedent("""
        from sqlalchemy import Integer
        from sqlalchemy.orm import Mapped, mapped_column

        from app.base import Audited, Base


        class Bar(Audited, Base):
            __tablename__ = "bar"
            id: Mapped[int] = mapped_column(Integer, primary_key=True)


        SAMPLE = Bar(id=1)
    """), "foo_audit"),
    # the classes held weakly by a base module, walked by a later one
    "weak_registry": ("app/z_copies.py", textwrap.dedent("""
        from sqlalchemy import Column, Integer, Table

        from app.base import AUDITED, Base

        for cls in sorted(AUDITED, key=lambda c: c.__tablename__):
            Table(f"{cls.__tablename__}_copy", Base.metadata, Column("id", Integer, primary_key=True))
    """), "foo_copy"),
    # every module's globals walked
    "module_walk": ("app/z_copies.py", textwrap.dedent("""
        import sys

        from sqlalchemy import Column, Integer, Table

        from app.base import Base

        names = {value.__tablename__ for module in list(sys.modules.values()) for value in list(vars(module).values())
                 if isinstance(value, type) and issubclass(value, Base) and "__tablename__" in vars(value)}
        for name in sorted(names):
            Table(f"{name}_copy", Base.metadata, Column("id", Integer, primary_key=True))
    """), "foo_copy"),
    # the submodules of the package walked, as its attributes
    "package_walk": ("app/z_copies.py", textwrap.dedent("""
        import inspect

        from sqlalchemy import Column, Integer, Table

        import app
        from app.base import Base

        names = {value.__tablename__ for _, module in inspect.getmembers(app, inspect.ismodule)
                 for _, value in inspect.getmembers(module, inspect.isclass)
                 if issubclass(value, Base) and "__tablename__" in vars(value)}
        for name in sorted(names):
            Table(f"{name}_copy", Base.metadata, Column("id", Integer, primary_key=True))
    """), "foo_copy"),
    # an installed library walks the classes (sqlalchemy-utils' get_class_by_table, written here without the words
    # that would name the walk: a library's code is not read)
    "library_walk": ("app/z_copies.py", textwrap.dedent("""
        from sqlalchemy import Column, Integer, Table
        from sqlalchemy_utils import get_class_by_table

        from app.base import Base

        for table in sorted(Base.metadata.tables.values(), key=lambda t: t.name):
            if get_class_by_table(Base, table) is not None:
                Table(f"{table.name}_copy", Base.metadata, Column("id", Integer, primary_key=True))
    """), "foo_copy"),
    # a module needed again, whose import the model swallows and then fails for want of it
    "swallowed_then_failed": ("app/z_late.py", textwrap.dedent("""
        try:
            from lib.helpers import LABEL
        except BaseException:
            pass
        from sqlalchemy import Column, Integer, Table

        from app.base import Base

        Table(f"{LABEL}_late", Base.metadata, Column("id", Integer, primary_key=True))
    """), "foo_late"),
}


FAKE_UTILS = {"sqlalchemy_utils/__init__.py": textwrap.dedent("""
    def get_class_by_table(base, table):
        classes = getattr(base.registry, "_class_" + "registry").values()
        found = [c for c in classes if getattr(c, "__table__", None) is table]
        return found[0] if found else None
""")}


def _with_and_without(tmp_path: Path) -> tuple[subprocess.CompletedProcess[str], subprocess.CompletedProcess[str]]:
    """The DDL command's run on the model in `tmp_path`, with early release and without."""
    args = ("--path", "app", "--dialect", "postgresql")
    return run_provider(*args, cwd=tmp_path), run_provider(*args, cwd=tmp_path, env={AGAIN_ENV: "1"})


@pytest.mark.parametrize("case", sorted(UNNAMED))
def test_a_class_reached_without_its_name_is_in_the_output(tmp_path: Path, case: str) -> None:
    path, code, table = UNNAMED[case]
    base = WEAK_BASE if case == "weak_registry" else AUDITED_BASE
    _write(tmp_path, {**FAKE_UTILS, "app/__init__.py": "", "app/base.py": base, "app/a_foo.py": FOO, path: code,
                      "lib/__init__.py": "", "lib/helpers.py": "from app.a_foo import Foo\n\nLABEL = Foo.__tablename__\n"})
    result, whole = _with_and_without(tmp_path)

    assert whole.returncode == 0, whole.stderr
    assert f"CREATE TABLE {table} (" in whole.stdout
    assert (result.returncode, result.stdout) == (0, whole.stdout), result.stderr


def test_a_file_changed_while_the_model_loads_is_judged_by_what_runs(tmp_path: Path) -> None:
    """A module writes a later module of the model (code generation) after the files were read: what runs walks
    the modules, and must find the one let go before."""
    walk = UNNAMED["module_walk"][1]
    _write(tmp_path, {"app/__init__.py": "", "app/base.py": AUDITED_BASE, "app/a_foo.py": FOO,
                      "app/b_gen.py": "from pathlib import Path\n\nhere = Path(__file__)\n"
                                      "here.with_name('z_gen.py').write_text((here.parent.parent / 'z.txt').read_text())\n",
                      "app/z_gen.py": "# written by b_gen\n", "z.txt": walk})
    result = run_provider("--path", "app", "--dialect", "postgresql", cwd=tmp_path)

    assert result.returncode == 0, result.stderr
    assert "CREATE TABLE foo_copy (" in result.stdout


RESTART = {"app/__init__.py": "", "app/base.py": AUDITED_BASE, "app/a_foo.py": FOO,
           "lib/__init__.py": "", "lib/helpers.py": "from app.a_foo import Foo\n\nLABEL = Foo.__tablename__\n"}


def test_the_run_starts_over_with_the_interpreter_it_started_with(tmp_path: Path) -> None:
    """The model changes sys.executable and sys.orig_argv before a dropped module is needed again."""
    _write(tmp_path, {**RESTART, "app/z_late.py": "import sys\n\nsys.executable = '/nonexistent/python'\n"
                                                  "sys.orig_argv[:] = ['nothing']\n\nfrom lib.helpers import LABEL\n"})
    result, whole = _with_and_without(tmp_path)

    assert (result.returncode, result.stdout) == (0, whole.stdout), result.stderr
    assert "CREATE TABLE foo (" in result.stdout


def test_a_run_that_cannot_start_over_fails_in_one_line(tmp_path: Path) -> None:
    _write(tmp_path, {**RESTART, "app/z_late.py": "import errno, os\n\n\ndef refuse(*args):\n"
                                                  "    raise OSError(errno.E2BIG, os.strerror(errno.E2BIG))\n\n\n"
                                                  "os.execve = refuse\n\nfrom lib.helpers import LABEL\n"})
    result = run_provider("--path", "app", "--dialect", "postgresql", cwd=tmp_path)

    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == ("atlas-provider: error: cannot start the run over to load the model again: "
                             "Argument list too long\n")
