"""What the provider may touch while it prints a schema: no network, no file written, no module it was not
asked for, no module run as ``__main__``.

The provider runs in a subprocess whose ``sitecustomize`` (first on PYTHONPATH) installs an audit hook
(PEP 578) before anything else is imported, in the supervising process and in the child it starts (whose
start is the one process event allowed). The hook writes every event of interest, one JSON line each,
to a log opened before the hook was installed: socket creation, connections and name lookups; opening a
file for writing (outside /dev); creating, moving, removing or changing files; starting processes.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from importlib.util import find_spec
from pathlib import Path

import pytest

from atlas_provider.dialects import REGISTRY
from atlas_provider.parent import BOOTSTRAP

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "examples" / "shop"

SITECUSTOMIZE = '''
"""Test sandbox: log network use, file writes and process starts (see tests/test_sandbox.py)."""
import json as _json
import os as _os
import sys as _sys

_LOG = _os.open(_os.environ["ATLAS_SANDBOX_LOG"], _os.O_WRONLY | _os.O_CREAT | _os.O_APPEND, 0o644)
_WRITE_FLAGS = _os.O_WRONLY | _os.O_RDWR | _os.O_CREAT | _os.O_APPEND | _os.O_TRUNC
_NETWORK = {"socket.__new__", "socket.connect", "socket.bind", "socket.sendto", "socket.sendmsg",
            "socket.getaddrinfo", "socket.gethostbyname", "socket.gethostbyname_ex", "socket.gethostbyaddr",
            "socket.getnameinfo"}
_FILES = {"os.mkdir", "os.rename", "os.remove", "os.rmdir", "os.symlink", "os.link", "os.truncate",
          "os.chmod", "os.chown", "os.utime", "os.mkfifo", "os.mknod", "shutil.copyfile", "shutil.rmtree"}
_PROCESSES = {"subprocess.Popen", "os.system", "os.exec", "os.posix_spawn", "os.spawn", "os.fork", "os.forkpty"}


def _record(event, detail):
    line = _json.dumps({"event": event, "detail": detail}, default=repr) + "\\n"
    _os.write(_LOG, line.encode())


def _writes(mode, flags):
    if mode is not None and any(c in str(mode) for c in "wax+"):
        return True
    return bool(flags and flags & _WRITE_FLAGS)


def _hook(event, args):
    if event == "open":
        path, mode, flags = args
        if isinstance(path, int):
            return  # a descriptor already open (sys.stdout and friends)
        path = _os.fsdecode(path)
        if _writes(mode, flags) and not path.startswith("/dev/"):
            _record(event, [path, mode, flags])
    elif event in _NETWORK or event in _FILES or event in _PROCESSES:
        _record(event, list(args))


_sys.addaudithook(_hook)
'''


def run_sandboxed(args: list[str], cwd: Path, tmp: Path, *, bytecode: bool = False) -> tuple[subprocess.CompletedProcess[str], list[dict]]:
    """Run the provider under the audit hook; return its result and the events it logged."""
    hook_dir = tmp / "sandbox-hook"
    hook_dir.mkdir(exist_ok=True)
    (hook_dir / "sitecustomize.py").write_text(SITECUSTOMIZE, encoding="utf-8")
    log = tmp / "sandbox-events.jsonl"
    log.unlink(missing_ok=True)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    if not bytecode:
        env["PYTHONDONTWRITEBYTECODE"] = "1"
    env["PYTHONPATH"] = os.pathsep.join([str(hook_dir), *filter(None, [os.environ.get("PYTHONPATH")])])
    env["ATLAS_SANDBOX_LOG"] = str(log)
    env["XDG_CACHE_HOME"] = str(tmp / "user-cache")  # where the provider keeps the model's compiled code
    result = subprocess.run([sys.executable, "-m", "atlas_provider", *args], cwd=cwd, env=env,
                            stdin=subprocess.DEVNULL, capture_output=True, encoding="utf-8", timeout=120,
                            check=False)
    events = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()] if log.exists() else []
    starts = [e for e in events if _is_child_start(e)]
    assert len(starts) == 1, f"expected the provider to start its child once, saw {starts}"
    return result, [e for e in events if not _is_child_start(e)]


def _is_child_start(event: dict) -> bool:
    return event["event"] == "subprocess.Popen" and BOOTSTRAP in event["detail"][1]


def _dialects() -> list[object]:
    params: list[object] = []
    for name, where in sorted(REGISTRY.items()):
        ready = find_spec(f"atlas_provider.dialects.{where.split(':')[0]}") is not None
        marks = [pytest.mark.skipif(not ready, reason=f"no {name} adapter yet")]
        if name != "postgresql":  # the same process through each other dialect: the full tier
            marks.append(pytest.mark.full)
        params.append(pytest.param(name, marks=marks))
    return params


@pytest.fixture
def shop(tmp_path: Path) -> Path:
    """A fresh copy of examples/shop (no bytecode cache), as the working directory's `shop/`."""
    shutil.copytree(EXAMPLE, tmp_path / "shop", ignore=shutil.ignore_patterns("__pycache__"))
    return tmp_path


@pytest.mark.parametrize("dialect", _dialects())
def test_printing_a_schema_uses_no_network_and_writes_no_file(dialect: str, shop: Path, tmp_path: Path) -> None:
    result, events = run_sandboxed(["--path", "shop", "--dialect", dialect], cwd=shop, tmp=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "CREATE TABLE" in result.stdout
    assert events == []


def test_only_bytecode_is_written_and_none_into_the_users_tree(shop: Path, tmp_path: Path) -> None:
    """With Python's bytecode cache on (PYTHONDONTWRITEBYTECODE unset), the interpreter may write
    __pycache__/*.pyc for library modules, and the provider keeps the model's compiled code in its private
    store; that is all that is written, and nothing lands in the model's folder."""
    result, events = run_sandboxed(["--path", "shop", "--dialect", "postgresql"], cwd=shop, tmp=tmp_path,
                                   bytecode=True)
    assert result.returncode == 0, result.stderr
    store = tmp_path / "user-cache"
    others = [e for e in events if not _is_bytecode_cache(e, store)]
    assert others == []
    assert any(_is_bytecode_cache(e, store) for e in events), "the sandbox saw no bytecode write: is it working?"
    assert not [e for e in events if str(shop / "shop") in str(e["detail"][0])]


def _is_bytecode_cache(event: dict, store: Path) -> bool:
    path = Path(str(event["detail"][0]))
    if path == store or store in path.parents:  # the provider's store: folders, a temporary file renamed into place
        return event["event"] in ("os.mkdir", "open", "os.rename")
    if event["event"] == "os.mkdir":
        return path.name == "__pycache__"
    # importlib writes "<name>.pyc.<id>" then renames it into place
    return path.parent.name == "__pycache__" and ".pyc" in path.name and event["event"] in ("open", "os.rename")


def test_the_sandbox_sees_network_and_writes(tmp_path: Path) -> None:
    """The hook is not blind: a model that resolves a host name and writes a file is caught."""
    app = tmp_path / "app"
    app.mkdir()
    (app / "models.py").write_text(textwrap.dedent(f"""
        import socket
        from sqlalchemy import Column, Integer, MetaData, Table
        try:
            socket.getaddrinfo("localhost", 5432)
        except OSError:
            pass
        with open({str(tmp_path / "written.txt")!r}, "w") as f:
            f.write("x")
        metadata = MetaData()
        t = Table("t", metadata, Column("id", Integer, primary_key=True))
    """), encoding="utf-8")
    result, events = run_sandboxed(["--path", "app", "--dialect", "sqlite"], cwd=tmp_path, tmp=tmp_path)
    assert result.returncode == 0, result.stderr
    kinds = {e["event"] for e in events}
    assert "socket.getaddrinfo" in kinds
    assert ["open", str(tmp_path / "written.txt")] in [[e["event"], e["detail"][0]] for e in events]


# ---- what gets imported ----------------------------------------------------------------------------

MARK = "import sys; sys.stderr.write('EXECUTED {}\\n')\n"
TABLE = "from sqlalchemy import Column, Integer, MetaData, Table\nmetadata = MetaData()\nt = Table({!r}, metadata, Column('id', Integer, primary_key=True))\n"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A project where only app/models holds the model; every other module announces itself on stderr."""
    files = {
        "app/__init__.py": "",  # a parent package is imported: Python must, to import app.models
        "app/cli.py": MARK.format("app/cli.py"),
        "app/models/__init__.py": "",
        "app/models/customers.py": TABLE.format("customers") + "if __name__ == '__main__':\n    " + MARK.format("customers as __main__"),
        "app/models/orders.py": TABLE.format("orders"),
        "app/models/__main__.py": MARK.format("app/models/__main__.py"),
        "app/models/tests/__init__.py": MARK.format("app/models/tests/__init__.py"),
        "app/models/tests/test_customers.py": MARK.format("app/models/tests/test_customers.py"),
        "app/models/test_orders.py": MARK.format("app/models/test_orders.py"),
        "app/models/conftest.py": MARK.format("app/models/conftest.py"),
        # alembic's env.py and versions/, inside the package or not
        "app/models/migrations/env.py": MARK.format("app/models/migrations/env.py"),
        "app/models/migrations/versions/a1_initial.py": MARK.format("app/models/migrations/versions"),
        "app/models/.hidden/x.py": MARK.format("app/models/.hidden/x.py"),
        "scripts/seed.py": MARK.format("scripts/seed.py"),
        "setup.py": MARK.format("setup.py"),
        "__main__.py": MARK.format("__main__.py"),
    }
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return tmp_path


def test_path_imports_the_model_folder_only(project: Path, tmp_path: Path) -> None:
    result, events = run_sandboxed(["--path", "app/models", "--dialect", "postgresql"], cwd=project, tmp=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "EXECUTED" not in result.stderr, result.stderr
    assert "CREATE TABLE customers" in result.stdout and "CREATE TABLE orders" in result.stdout
    assert events == []


def test_model_imports_that_module_only(project: Path, tmp_path: Path) -> None:
    result, _ = run_sandboxed(["--model", "app.models.orders:metadata", "--dialect", "postgresql"], cwd=project,
                              tmp=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "EXECUTED" not in result.stderr, result.stderr
    assert "CREATE TABLE orders" in result.stdout
    assert "customers" not in result.stdout


def test_tests_and_migrations_are_imported_only_when_included(project: Path, tmp_path: Path) -> None:
    """The markers do fire when those folders are asked for: the test above is not passing by accident."""
    result, _ = run_sandboxed(["--path", "app/models", "--include", "app/models/migrations", "--dialect",
                               "postgresql"], cwd=project, tmp=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "EXECUTED app/models/migrations/env.py" in result.stderr
    assert "EXECUTED app/models/tests" not in result.stderr
