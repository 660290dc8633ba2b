"""The process model: the model runs in a child, the `atlas-provider` process alone writes stdout.

Each test runs the provider as Atlas does, with the interpreter's defaults (bytecode writing on, buffered
stdout: this machine's PYTHONDONTWRITEBYTECODE and PYTHONUNBUFFERED would hide some of these failures),
and a model that misbehaves in one way. Whatever it does, stdout is either the whole schema with exit
0, or empty with exit 1 and one line on stderr.
"""

from __future__ import annotations

import fcntl
import os
import signal
import subprocess
import sys
import termios
import textwrap
import time
from pathlib import Path

import pytest

from atlas_provider import channel
from tests.support.sqlsplit import split_statements

ERROR = "atlas-provider: error: "
TABLE = """\
import sqlalchemy as sa

metadata = sa.MetaData()
customers = sa.Table("customers", metadata, sa.Column("id", sa.Integer, primary_key=True))
"""
DDL = "CREATE TABLE customers (\n\tid SERIAL NOT NULL, \n\tPRIMARY KEY (id)\n);"
ARGS = ("--path", "app", "--dialect", "postgresql")


def defaults_env(tmp_path: Path) -> dict[str, str]:
    """This environment without the two variables that hide bytecode and buffering effects."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE", "PYTHONUNBUFFERED")}
    env["XDG_CACHE_HOME"] = str(tmp_path / "cache")  # the provider's private bytecode store
    return env


def model(tmp_path: Path, prelude: str, table: str = TABLE) -> None:
    app = tmp_path / "app"
    app.mkdir(exist_ok=True)
    (app / "models.py").write_text(textwrap.dedent(prelude) + table, encoding="utf-8")


def provider(tmp_path: Path, *args: str, **kwargs: object) -> subprocess.CompletedProcess[str]:
    """Run the provider in `tmp_path`; stdout and stderr captured unless `kwargs` say otherwise."""
    streams = {"capture_output": True} if not kwargs else {}
    return subprocess.run([sys.executable, "-m", "atlas_provider", *(args or ARGS)], cwd=tmp_path,
                          env=defaults_env(tmp_path), stdin=subprocess.DEVNULL, encoding="utf-8", timeout=120,
                          check=False, **streams, **kwargs)  # type: ignore[call-overload]


def assert_one_error(result: subprocess.CompletedProcess[str], message: str) -> None:
    assert result.returncode == 1, result.stderr
    assert result.stdout == ""
    assert result.stderr.splitlines()[-1].startswith(ERROR + message), result.stderr


# --- what a model does in the child ----------------------------------------------------------------------------

PRINTING_THREAD = """\
import sys, threading

def chatter():
    while True:
        print("thread says hello")
        sys.stdout.flush()

threading.Thread(target=chatter, daemon=True).start()
"""


def test_a_thread_printing_all_along_never_reaches_stdout(tmp_path: Path) -> None:
    """It printed after the DDL a few runs in a hundred (bench/stdout_race.py runs it 200 times)."""
    model(tmp_path, PRINTING_THREAD)
    for _ in range(5):
        result = provider(tmp_path)
        assert result.returncode == 0, result.stderr[-500:]
        assert split_statements(result.stdout) == [DDL]
        assert "thread says hello" in result.stderr


@pytest.mark.parametrize(
    ("prelude", "why"),
    [
        ("import os\nos._exit(0)\n", "os._exit(0)"),
        ("import os\nos.execvp('true', ['true'])\n", "exec of a program that exits 0"),
        ("import atexit, os\natexit.register(os._exit, 0)\nraise ValueError('broken model')\n", "atexit os._exit(0)"),
    ],
    ids=["os._exit", "os.execvp", "atexit _exit after a failure"],
)
def test_ending_the_process_is_no_success(prelude: str, why: str, tmp_path: Path) -> None:
    model(tmp_path, prelude)
    result = provider(tmp_path)
    assert result.returncode == 1, why
    assert result.stdout == ""
    assert result.stderr.splitlines()[-1].startswith(ERROR), result.stderr


def test_a_fork_prints_the_schema_once(tmp_path: Path) -> None:
    """Both processes go on after os.fork(); only the child the provider started sends a result."""
    model(tmp_path, "import os\nos.fork()\n")
    result = provider(tmp_path)
    assert result.returncode == 0, result.stderr
    assert split_statements(result.stdout) == [DDL]


def test_closing_descriptors_and_opening_a_log_keeps_the_schema_out_of_the_log(tmp_path: Path) -> None:
    """The log file gets the private descriptor's number; the provider must not write its result into it."""
    model(tmp_path, f"""\
        import os
        os.closerange(3, 4096)
        log = open({str(tmp_path / "model.log")!r}, "w")
        """)
    result = provider(tmp_path)
    assert_one_error(result, "the child process exited with status 0 without sending its result")
    assert "CREATE TABLE" not in (tmp_path / "model.log").read_text()


def test_a_model_that_prints_to_every_stream_still_gives_clean_ddl(tmp_path: Path) -> None:
    model(tmp_path, """\
        import atexit, os, sys
        print("print"); sys.stdout.write("sys.stdout\\n"); sys.__stdout__.write("sys.__stdout__\\n")
        os.write(1, b"descriptor 1\\n")
        atexit.register(os.write, 1, b"atexit descriptor 1\\n")
        """)
    result = provider(tmp_path)
    assert result.returncode == 0, result.stderr
    assert split_statements(result.stdout) == [DDL]
    for words in ("print", "sys.stdout", "sys.__stdout__", "descriptor 1", "atexit descriptor 1"):
        assert words in result.stderr.splitlines()


# --- fresh source ---------------------------------------------------------------------------------------------


def test_an_edit_within_the_same_second_to_the_same_size_gives_the_new_schema(tmp_path: Path) -> None:
    """CPython trusts a .pyc whose recorded mtime (whole seconds) and size match; the provider reads the source."""
    model(tmp_path, "", TABLE)
    source = tmp_path / "app" / "models.py"
    stamp = source.stat().st_mtime_ns
    first = provider(tmp_path)
    assert first.returncode == 0, first.stderr
    source.write_text(TABLE.replace('"customers"', '"suppliers"'), encoding="utf-8")  # same size
    os.utime(source, ns=(stamp, stamp))
    second = provider(tmp_path)
    assert second.returncode == 0, second.stderr
    assert "CREATE TABLE suppliers" in second.stdout and "customers" not in second.stdout


def test_no_bytecode_is_written_into_the_users_tree(tmp_path: Path) -> None:
    model(tmp_path, "import app.helpers\n")
    (tmp_path / "app" / "__init__.py").write_text("", encoding="utf-8")
    (tmp_path / "app" / "helpers.py").write_text("VALUE = 1\n", encoding="utf-8")
    for _ in range(2):  # the second run reads the private store
        result = provider(tmp_path)
        assert result.returncode == 0, result.stderr
    assert not list((tmp_path / "app").rglob("__pycache__"))
    assert list((tmp_path / "cache" / "atlas-provider" / "bytecode").iterdir())


def test_a_store_others_can_write_to_is_not_used(tmp_path: Path) -> None:
    """Planted bytecode is code execution: a store that is not ours alone is ignored (the files are compiled)."""
    model(tmp_path, "", TABLE)
    store = tmp_path / "cache" / "atlas-provider" / "bytecode"
    store.mkdir(parents=True)
    store.chmod(0o777)
    result = provider(tmp_path)
    assert result.returncode == 0, result.stderr
    assert list(store.iterdir()) == []


# --- writing stdout -------------------------------------------------------------------------------------------

# Big enough to fill a pipe buffer several times over.
WIDE = """\
import sqlalchemy as sa

metadata = sa.MetaData()
for number in range(400):
    sa.Table(f"table_{number:04d}", metadata, sa.Column("id", sa.Integer, primary_key=True),
             *(sa.Column(f"column_{c:02d}", sa.String(40), comment="x" * 40) for c in range(8)))
"""


def test_stdout_closed(tmp_path: Path) -> None:
    model(tmp_path, "", TABLE)
    result = provider(tmp_path, *ARGS, stderr=subprocess.PIPE, preexec_fn=lambda: os.close(1))
    assert result.returncode == 1
    assert result.stderr == ERROR + "stdout is closed, so the schema cannot be written\n"


def test_stdout_on_a_full_disk(tmp_path: Path) -> None:
    model(tmp_path, "", TABLE)
    with open("/dev/full", "w") as full:
        result = provider(tmp_path, *ARGS, stdout=full, stderr=subprocess.PIPE)
    assert result.returncode == 1
    assert result.stderr == ERROR + "cannot write the output to stdout: No space left on device\n"


def test_stdout_a_broken_pipe(tmp_path: Path) -> None:
    model(tmp_path, "", TABLE)
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        result = provider(tmp_path, *ARGS, stdout=write_end, stderr=subprocess.PIPE)
    finally:
        os.close(write_end)
    assert result.returncode == 1
    assert result.stderr == ERROR + "stdout was closed by the reader before the output was written (broken pipe)\n"


def _start_wide(tmp_path: Path, stdout: int) -> subprocess.Popen[bytes]:
    model(tmp_path, "", WIDE)
    return subprocess.Popen([sys.executable, "-m", "atlas_provider", *ARGS], cwd=tmp_path, env=defaults_env(tmp_path),
                            stdin=subprocess.DEVNULL, stdout=stdout, stderr=subprocess.PIPE)


def _read_all(fd: int) -> bytes:
    chunks = []
    while chunk := os.read(fd, 1 << 16):
        chunks.append(chunk)
    return b"".join(chunks)


def _wait_until_full(fd: int, proc: subprocess.Popen[bytes], timeout: float = 60) -> None:
    """Until the pipe holds a full buffer: the provider is then blocked in its write."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and proc.poll() is None:
        pending = fcntl.ioctl(fd, termios.FIONREAD, b"\0\0\0\0")
        if int.from_bytes(pending, sys.byteorder) >= 65536:
            time.sleep(0.2)
            return
        time.sleep(0.05)
    raise AssertionError("the provider never filled its stdout pipe")


def test_a_non_blocking_stdout_pipe_still_gets_everything(tmp_path: Path) -> None:
    read_end, write_end = os.pipe()
    os.set_blocking(write_end, False)  # as a parent process (Node, some CI runners) may leave it
    proc = _start_wide(tmp_path, write_end)
    os.close(write_end)
    _wait_until_full(read_end, proc)
    out = _read_all(read_end)
    os.close(read_end)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err.decode()
    assert len(out) > 4 * 65536
    assert out.decode().count("CREATE TABLE") == 400


def test_sigint_while_writing_leaves_the_whole_output_and_fails(tmp_path: Path) -> None:
    read_end, write_end = os.pipe()
    proc = _start_wide(tmp_path, write_end)
    os.close(write_end)
    _wait_until_full(read_end, proc)
    proc.send_signal(signal.SIGINT)
    out = _read_all(read_end)
    os.close(read_end)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 1
    assert err.decode().splitlines()[-1] == ERROR + "interrupted (SIGINT) after the output was written"
    assert out.decode().count("CREATE TABLE") == 400  # whole, not 64 KiB
    assert out.decode().endswith(f"COMMENT ON COLUMN table_0399.column_07 IS '{'x' * 40}';\n")


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_signals_reach_the_child(signum: int, tmp_path: Path) -> None:
    """While the model imports, a signal to the provider stops the child too: exit 1, one line, no output."""
    marker = tmp_path / "started"
    model(tmp_path, f"import pathlib, time\npathlib.Path({str(marker)!r}).write_text('x')\ntime.sleep(60)\n")
    proc = subprocess.Popen([sys.executable, "-m", "atlas_provider", *ARGS], cwd=tmp_path, env=defaults_env(tmp_path),
                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while not marker.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    started = time.monotonic()
    proc.send_signal(signum)
    out, err = proc.communicate(timeout=30)
    assert time.monotonic() - started < 20  # not the model's 60 s sleep
    assert proc.returncode == 1
    assert out == b""
    lines = err.decode().splitlines()
    assert len(lines) == 1 and lines[0].startswith(ERROR + "interrupted"), lines


# --- the supervising process --------------------------------------------------------------------------------


def test_the_supervising_process_imports_neither_sqlalchemy_nor_typer(tmp_path: Path) -> None:
    code = ("import sys; from atlas_provider import parent; code = parent.run(['--version']); "
            "heavy = sorted(m for m in sys.modules if m.split('.')[0] in ('sqlalchemy', 'typer', 'click', 'app')); "
            "print(code, heavy, file=sys.stderr)")
    result = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=defaults_env(tmp_path),
                            capture_output=True, encoding="utf-8", timeout=120, check=False)
    assert result.stdout.startswith("atlas-provider ")
    assert result.stderr.splitlines()[-1] == "0 []"


def test_help_is_written_through_the_child(tmp_path: Path) -> None:
    result = provider(tmp_path, "check", "--help")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Usage: atlas-provider check [OPTIONS]")
    assert "--format" in result.stdout


# --- the frame ------------------------------------------------------------------------------------------------

TOKEN = "0123456789abcdef0123456789abcdef"


def read(data: bytes, token: str = TOKEN, piece: int = 7) -> channel.Frame | None:
    reader = channel.FrameReader(token)
    for start in range(0, len(data), piece):
        reader.feed(data[start:start + piece])
    return reader.frame


def test_a_frame_read_in_pieces() -> None:
    frame = read(channel.encode(TOKEN, 42, 0, "CREATE TABLE é;\n".encode()))
    assert frame is not None and (frame.pid, frame.code, frame.output) == (42, 0, "CREATE TABLE é;\n".encode())


@pytest.mark.parametrize(
    ("data", "error"),
    [
        (b"CREATE TABLE x;\n" + channel.encode(TOKEN, 1, 0, b"x"), "something other than a result"),
        (channel.encode("f" * 32, 1, 0, b"x"), "does not belong to this run"),
        (channel.encode(TOKEN, 1, 0, b"xyz").replace(b"\nxyz", b"\nxyZ"), "digest does not match"),
        (channel.encode(TOKEN, 1, 0, b"x") * 2, "more than one result"),
        (channel.encode(TOKEN, 1, 0, b"x")[:-3] + b"??\n", "not terminated"),
    ],
    ids=["noise first", "another token", "altered", "twice", "no end marker"],
)
def test_anything_but_one_intact_frame_is_refused(data: bytes, error: str) -> None:
    with pytest.raises(channel.FrameError, match=error):
        read(data)


def test_a_frame_cut_short_is_incomplete() -> None:
    assert read(channel.encode(TOKEN, 1, 0, b"CREATE TABLE x;\n")[:-5]) is None


def test_the_child_keeps_its_own_output_off_the_result_once_sealed() -> None:
    from atlas_provider.child import ChildStdout

    class Sink:
        text = ""

        def write(self, text: str) -> int:
            Sink.text += text
            return len(text)

        def flush(self) -> None:
            pass

    stdout = ChildStdout(Sink())  # type: ignore[arg-type]
    stdout.write("Usage: ...\n")
    deliver = stdout.seal()
    stdout.write("a model thread\n")
    deliver("CREATE TABLE t;\n")
    stdout.write("after\n")
    assert stdout.output() == "Usage: ...\nCREATE TABLE t;\n"
    assert Sink.text == "a model thread\nafter\n"


def test_threads_run_while_reading(tmp_path: Path) -> None:
    """A model thread that keeps running after the command (non-daemon) delays the exit, but not the answer."""
    model(tmp_path, "import threading, time\nthreading.Thread(target=time.sleep, args=(2,)).start()\n")
    started = time.monotonic()
    result = provider(tmp_path)
    assert result.returncode == 0, result.stderr
    assert split_statements(result.stdout) == [DDL]
    assert time.monotonic() - started >= 2  # the child's exit status was waited for



# --- faults around the run -----------------------------------------------------------------------------------
# Each ends with one line and exit 1, nothing on stdout (or, where the run can still be done, the schema).


def assert_only_one_line(result: subprocess.CompletedProcess[str], message: str) -> None:
    assert (result.returncode, result.stdout) == (1, ""), result.stderr
    assert result.stderr.count("\n") == 1 and result.stderr.startswith(ERROR + message), result.stderr


def test_a_lone_surrogate_in_a_comment_is_one_line(tmp_path: Path) -> None:
    """It raised at the final encode, outside the error boundary: a traceback, then a line blaming the model."""
    model(tmp_path, "", TABLE.replace('primary_key=True)', 'primary_key=True, comment="a \\udc80 b")'))
    result = provider(tmp_path)
    assert_only_one_line(result, "line ")
    assert "cannot be written as UTF-8" in result.stderr and "\\udc80" in result.stderr


def test_a_folder_name_that_is_not_utf8_is_one_line(tmp_path: Path) -> None:
    """The position comments name the file: Python holds the folder's byte 0xff as a lone surrogate."""
    folder = os.fsencode(tmp_path) + b"/models\xff"
    os.mkdir(folder)
    with open(folder + b"/tables.py", "w", encoding="utf-8") as file:
        file.write(TABLE)
    result = subprocess.run([sys.executable, "-m", "atlas_provider", "--path", folder, "--dialect", "postgresql"],
                            cwd=tmp_path, env=defaults_env(tmp_path), stdin=subprocess.DEVNULL, capture_output=True,
                            timeout=120, check=False)
    stderr = result.stderr.decode("utf-8")
    assert (result.returncode, result.stdout) == (1, b""), stderr
    assert stderr.count("\n") == 1 and "cannot be written as UTF-8" in stderr and "models\\udcff" in stderr, stderr


@pytest.mark.parametrize("variables", [{"XDG_CACHE_HOME": "cache"}, {"XDG_CACHE_HOME": "", "HOME": "."}],
                         ids=["relative XDG_CACHE_HOME", "HOME=."])
def test_a_relative_cache_folder_is_ignored(variables: dict[str, str], tmp_path: Path) -> None:
    """The XDG spec: a relative path in these variables is invalid and ignored. It put the store in the project."""
    model(tmp_path, "")
    env = {**defaults_env(tmp_path), **variables}
    result = subprocess.run([sys.executable, "-m", "atlas_provider", *ARGS], cwd=tmp_path, env=env,
                            stdin=subprocess.DEVNULL, capture_output=True, encoding="utf-8", timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    assert split_statements(result.stdout) == [DDL]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["app"]  # no cache/, no .cache/
    assert not list((tmp_path / "app").rglob("__pycache__"))


def test_a_deleted_working_directory_is_one_line(tmp_path: Path) -> None:
    model(tmp_path, "")
    gone = tmp_path / "gone"
    gone.mkdir()
    for args in ([*ARGS[:1], str(tmp_path / "app"), *ARGS[2:]], ["check", "--path", str(tmp_path / "app"), "-d", "sqlite"]):
        result = subprocess.run([sys.executable, "-m", "atlas_provider", *args], cwd=gone, env=defaults_env(tmp_path),
                                stdin=subprocess.DEVNULL, capture_output=True, encoding="utf-8", timeout=120,
                                check=False, preexec_fn=lambda: os.rmdir(gone))
        assert_only_one_line(result, "the working directory cannot be read")
        gone.mkdir()


# SQLite has no comments: the provider warns that the table's is left out
COMMENTED = TABLE.replace('primary_key=True))', 'primary_key=True), comment="kept in the model")')
WARNING_ARGS = ("--path", "app", "--dialect", "sqlite")


@pytest.mark.parametrize("closed", [(2,), (0,), (0, 2)], ids=["2>&-", "0<&-", "0<&- 2>&-"])
def test_closed_standard_descriptors_are_not_taken_by_the_result_pipe(closed: tuple[int, ...], tmp_path: Path) -> None:
    """With 2>&- the pipe took descriptor 2; the provider's warning went into it: exit 1 and no message at all."""
    model(tmp_path, "", COMMENTED)

    def close() -> None:
        for fd in closed:
            os.close(fd)

    expected = provider(tmp_path, *WARNING_ARGS)
    assert expected.returncode == 0 and "warning: sqlite: 1 comment left out" in expected.stderr, expected.stderr
    result = subprocess.run([sys.executable, "-m", "atlas_provider", *WARNING_ARGS], cwd=tmp_path,
                            env=defaults_env(tmp_path), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, encoding="utf-8", timeout=120, check=False, preexec_fn=close)
    assert result.returncode == 0, result.stderr
    assert result.stdout == expected.stdout


def test_stdout_and_stderr_closed_is_still_exit_1(tmp_path: Path) -> None:
    model(tmp_path, "", COMMENTED)
    result = subprocess.run([sys.executable, "-m", "atlas_provider", *WARNING_ARGS], cwd=tmp_path, env=defaults_env(tmp_path),
                            stdin=subprocess.DEVNULL, timeout=120, check=False,
                            preexec_fn=lambda: (os.close(1), os.close(2)))
    assert result.returncode == 1


FAILING = "raise RuntimeError('boom')\n"


@pytest.mark.parametrize("variables", [
    {"PYTHONINSPECT": "1"},
    *(pytest.param(variables, marks=pytest.mark.full) for variables in (
        {"PYTHONSTARTUP": "startup.py"}, {"PYTHONWARNINGS": "error"}, {"PYTHONSAFEPATH": "1"},
        {"PYTHONDEVMODE": "1"}, {"PYTHONFAULTHANDLER": "1", "PYTHONASYNCIODEBUG": "1"})),
], ids=lambda variables: ",".join(variables))
def test_interpreter_variables_leave_one_line(variables: dict[str, str], tmp_path: Path) -> None:
    """PYTHONINSPECT turned the one line into eight (a SystemExit traceback) and then waited at a prompt: stdin
    here is a pipe that stays open, as a terminal does. A valid model still gives its schema."""
    (tmp_path / "startup.py").write_text("print('startup says hello')\n")
    env = {**defaults_env(tmp_path), **variables}
    for prelude, expected in ((FAILING, 1), ("", 0)):
        model(tmp_path, prelude)
        with subprocess.Popen([sys.executable, "-m", "atlas_provider", *ARGS], cwd=tmp_path, env=env,
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              encoding="utf-8") as proc:
            try:
                out, err = proc.communicate(timeout=60)
            except subprocess.TimeoutExpired:
                proc.kill()
                raise AssertionError("the provider waited for input") from None
        if expected:
            assert (proc.returncode, out) == (1, ""), err
            assert err.splitlines() == [ERROR + "app/models.py:1: RuntimeError: boom"], err
        else:
            assert proc.returncode == 0, err
            assert split_statements(out) == [DDL]


def test_what_a_sitecustomize_prints_does_not_reach_stdout_when_buffered(tmp_path: Path) -> None:
    """With the interpreter's defaults (stdout a pipe, so buffered) the line waits in this process's buffer: the
    provider writes the schema on a private copy of stdout, and the buffer is flushed to stderr. (Unbuffered,
    it reaches stdout before the provider runs: README, "Errors and exit codes".)"""
    site = tmp_path / "site"
    site.mkdir()
    (site / "sitecustomize.py").write_text("print('sitecustomize says hello')\n")
    model(tmp_path, "")
    env = {**defaults_env(tmp_path), "PYTHONPATH": str(site)}
    result = subprocess.run([sys.executable, "-m", "atlas_provider", *ARGS], cwd=tmp_path, env=env,
                            stdin=subprocess.DEVNULL, capture_output=True, encoding="utf-8", timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    assert split_statements(result.stdout) == [DDL] and "hello" not in result.stdout
    assert "sitecustomize says hello" in result.stderr


def _children(pid: int) -> list[int]:
    with open(f"/proc/{pid}/task/{pid}/children") as file:
        return [int(child) for child in file.read().split()]


def _sigint_during_start_up(tmp_path: Path, delay: float, group: bool) -> tuple[int, str, str]:
    """SIGINT `delay` seconds after the provider started its child. (Earlier, during the provider's own
    interpreter start-up, no code of ours runs yet: Python reports it as any program's.)"""
    proc = subprocess.Popen([sys.executable, "-m", "atlas_provider", *ARGS], cwd=tmp_path, env=defaults_env(tmp_path),
                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            encoding="utf-8", start_new_session=group)
    deadline = time.monotonic() + 30
    while not _children(proc.pid) and proc.poll() is None and time.monotonic() < deadline:
        pass  # the child is being started: from here on its start-up is ours to guard
    time.sleep(delay)
    if group:  # as a terminal's Ctrl-C: the provider and its child both get it
        os.killpg(proc.pid, signal.SIGINT)
    else:
        proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    return proc.returncode, out, err


def _assert_interrupted_or_done(code: int, out: str, err: str) -> None:
    assert "Traceback" not in err, err
    if code == 0:  # the signal came after the run
        assert split_statements(out) == [DDL]
    else:
        assert (code, out) == (1, ""), err
        lines = err.splitlines()
        assert len(lines) == 1 and lines[0].startswith(ERROR + "interrupted"), err


@pytest.mark.parametrize("group", [False, True], ids=["to the provider", "to the process group"])
def test_sigint_during_start_up_is_one_line(group: bool, tmp_path: Path) -> None:
    """It printed the child's traceback (3 in 20 tries). Quick version: a few delays across the start-up."""
    model(tmp_path, "")
    for delay in (0.0, 0.02, 0.08, 0.2):
        _assert_interrupted_or_done(*_sigint_during_start_up(tmp_path, delay, group))


def test_an_interrupt_python_would_swallow_in_a_finalizer_ends_the_run_in_one_line(tmp_path: Path) -> None:
    """SIGINT landing in a weakref callback (the import system's module locks, seen in the 50-try loop) or a
    __del__ is "ignored" by Python: a traceback on stderr, and the run went on to exit 0."""
    model(tmp_path, """\
        import os, signal

        class Finalized:
            def __del__(self):
                os.kill(os.getpid(), signal.SIGINT)
                sum(range(1000))  # bytecode to run the handler in

        Finalized()
        """)
    result = provider(tmp_path, *ARGS)
    assert (result.returncode, result.stdout) == (1, ""), result.stderr
    assert result.stderr.splitlines() == [ERROR + "interrupted"], result.stderr


@pytest.mark.full
@pytest.mark.parametrize("group", [False, True], ids=["to the provider", "to the process group"])
def test_sigint_during_start_up_50_tries(group: bool, tmp_path: Path) -> None:
    model(tmp_path, "")
    for attempt in range(50):
        _assert_interrupted_or_done(*_sigint_during_start_up(tmp_path, (attempt % 25) * 0.012, group))


def _gone(pid: int, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with open(f"/proc/{pid}/stat") as file:
                if file.read().rsplit(")", 1)[1].split()[0] in ("Z", "X"):
                    return True
        except FileNotFoundError:
            return True
        time.sleep(0.05)
    return False


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the parent-death signal is Linux's")
@pytest.mark.parametrize("signum", [signal.SIGKILL, signal.SIGHUP], ids=["SIGKILL", "SIGHUP"])
def test_the_child_does_not_outlive_the_provider(signum: int, tmp_path: Path) -> None:
    """SIGKILL or SIGHUP to the provider left the child running under init, forever with a hanging model;
    SIGHUP ended the run without a word."""
    marker = tmp_path / "started"
    model(tmp_path, f"import pathlib, time\npathlib.Path({str(marker)!r}).write_text('x')\ntime.sleep(600)\n")
    proc = subprocess.Popen([sys.executable, "-m", "atlas_provider", *ARGS], cwd=tmp_path, env=defaults_env(tmp_path),
                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, encoding="utf-8")
    deadline = time.monotonic() + 60
    while not marker.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    [child] = _children(proc.pid)
    proc.send_signal(signum)
    out, err = proc.communicate(timeout=30)
    assert _gone(child, timeout=10), "the child still runs"
    assert out == ""
    if signum == signal.SIGHUP:
        assert proc.returncode == 1
        assert err.splitlines() == [ERROR + "interrupted (SIGHUP)"], err


@pytest.mark.parametrize("signum", [signal.SIGHUP, pytest.param(signal.SIGINT, marks=pytest.mark.full)],
                         ids=["SIGHUP (nohup)", "SIGINT (a background job)"])
def test_a_signal_the_caller_ignores_stays_ignored(signum: int, tmp_path: Path) -> None:
    """`nohup atlas migrate diff ...` starts the provider with SIGHUP ignored (Atlas keeps it so for its
    programs), a shell's background job with SIGINT ignored: the provider caught them anyway and a hang-up of
    the terminal failed the run ("interrupted (SIGHUP)")."""
    marker = tmp_path / "started"
    model(tmp_path, f"import pathlib, time\npathlib.Path({str(marker)!r}).write_text('x')\ntime.sleep(1)\n")
    proc = subprocess.Popen([sys.executable, "-m", "atlas_provider", *ARGS], cwd=tmp_path, env=defaults_env(tmp_path),
                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, encoding="utf-8",
                            start_new_session=True, preexec_fn=lambda: signal.signal(signum, signal.SIG_IGN))
    deadline = time.monotonic() + 60
    while not marker.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    os.killpg(proc.pid, signum)  # as the terminal does: to the provider and its child
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    assert split_statements(out) == [DDL]


def test_a_provider_dependency_that_fails_to_import_is_one_line(tmp_path: Path) -> None:
    """A `typer.py` on PYTHONPATH (or a broken install): the child printed a traceback, then the provider's line
    blamed the model ("something in the model ended or replaced the process")."""
    shadow = tmp_path / "shadow"
    shadow.mkdir()
    (shadow / "typer.py").write_text("raise RuntimeError('not the real typer')\n")
    model(tmp_path, "")
    result = subprocess.run([sys.executable, "-m", "atlas_provider", *ARGS], cwd=tmp_path,
                            env={**defaults_env(tmp_path), "PYTHONPATH": str(shadow)}, stdin=subprocess.DEVNULL,
                            capture_output=True, encoding="utf-8", timeout=120, check=False)
    assert_only_one_line(result, "the provider cannot start: RuntimeError: not the real typer")


def test_a_caller_that_ignores_sigchld_still_gets_the_childs_status(tmp_path: Path) -> None:
    """With SIGCHLD ignored (inherited from the caller) the kernel reaps the child itself and its status reads 0:
    a failing run added "the child process reported exit code 1 but exited with status 0" to its one line."""
    model(tmp_path, FAILING)
    result = subprocess.run([sys.executable, "-m", "atlas_provider", *ARGS], cwd=tmp_path, env=defaults_env(tmp_path),
                            stdin=subprocess.DEVNULL, capture_output=True, encoding="utf-8", timeout=120, check=False,
                            preexec_fn=lambda: signal.signal(signal.SIGCHLD, signal.SIG_IGN))
    assert_only_one_line(result, "app/models.py:1: RuntimeError: boom")
