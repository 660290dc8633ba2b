"""The `atlas-provider` process: it runs the command in a child interpreter, and it alone writes stdout.

Whatever reaches stdout with exit 0 is the schema Atlas migrates production to. The model is imported in
the child, whose descriptors 1 and 2 both point at our stderr: nothing a model does there (print from a
thread after the schema, an atexit handler, fork, exec, os._exit, closing and reopening descriptors) can
reach stdout or make a failed run look like a success. The child sends its output over a private pipe as
one frame (channel.py); it is written only when the child ended normally, with the exit status the frame
states, and the frame is intact. Anything else is exit 1 with one line.

The run around the child is guarded too: descriptors 0-2 are always open before the pipe is made (so the
pipe never takes one of them), SIGINT, SIGTERM and SIGHUP stop the child and end the run with one line (a
second one kills it), the child dies with this process (Linux), and the child's interpreter runs without the
variables that would make it interactive or chatty (PYTHONINSPECT, PYTHONVERBOSE, ...).

This module uses the standard library only: SQLAlchemy, Typer and the model are the child's.
"""

from __future__ import annotations

import errno
import fcntl
import json
import os
import select
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import FrameType

from . import channel

PROG = "atlas-provider"
# Exit codes whose output is written: success, and `check`'s drift report (cli.DRIFT_EXIT).
WRITTEN = (0, 3)
FORWARDED = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
# What the user's environment may set that changes how the child's interpreter runs, not what it imports:
# an interactive prompt after the run (PYTHONINSPECT, which also prints the exit as a traceback), or lines
# of its own on stderr. PYTHONPATH, PYTHONHOME, PYTHONWARNINGS, PYTHONUTF8, PYTHONIOENCODING, PYTHONOPTIMIZE
# and the bytecode settings still apply: they are the user's way to run their model.
CHILD_UNSET = ("PYTHONINSPECT", "PYTHONSTARTUP", "PYTHONVERBOSE", "PYTHONDEBUG", "PYTHONPROFILEIMPORTTIME",
               "PYTHONDEVMODE", "PYTHONFAULTHANDLER", "PYTHONTRACEMALLOC", "PYTHONASYNCIODEBUG",
               "PYTHONMALLOCSTATS", "PYTHONSHOWREFCOUNT", "PYTHONDUMPREFS", "PYTHONWARNDEFAULTENCODING")
# The child imports its entry from the same sys.path as this process (not the child's own default one).
BOOTSTRAP = (
    "import json, os, sys; settings = json.loads(os.environ.pop(%r)); sys.path[:] = settings['path']; "
    "from atlas_provider.child import main; main(settings)" % channel.ENV
)


def main() -> None:
    """The console entry point (`atlas-provider`, `atlas-provider-sqlalchemy`, `python -m atlas_provider`).

    The output goes to a private copy of stdout, and descriptor 1 becomes stderr: what this interpreter itself
    may still print (a `sitecustomize` whose print sits in the buffer) cannot follow the schema. It ends with
    os._exit: under PYTHONINSPECT a SystemExit would print a traceback and then wait at a prompt."""
    try:
        # A signal the caller ignores stays ignored, here and in the child (which inherits SIG_IGN): under
        # `nohup atlas ...` SIGHUP is ignored, and a shell ignores SIGINT for a background job.
        caught = tuple(signum for signum in FORWARDED if signal.getsignal(signum) != signal.SIG_IGN)
        # Outside `run`'s forwarding (the few calls before it, the exit after it) a signal is ignored: the run
        # has not started or is over, and a KeyboardInterrupt here would print this process's traceback.
        for signum in FORWARDED:
            signal.signal(signum, signal.SIG_IGN)
        # Ignored, SIGCHLD would have the kernel reap the child unseen, and its exit status would read 0.
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        code = run(sys.argv[1:], stdout=_private_stdout(), signals=caught)
    except KeyboardInterrupt:  # before the line above
        code = _fail("interrupted (SIGINT)")
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError, AttributeError):
            pass
    os._exit(code)


def run(argv: list[str], stdout: int = 1, signals: tuple[int, ...] = FORWARDED) -> int:
    """Run the command `argv` in a child; write its output to descriptor `stdout`; return the exit code.
    `signals` (of FORWARDED) end the run; the others keep their disposition."""
    if stdout < 0 or not _is_open(stdout):
        return _fail("stdout is closed, so the schema cannot be written")
    _open_standard_descriptors()  # before the pipe: it must not take 0, 1 or 2
    try:
        os.getcwd()
    except OSError as error:
        return _fail(f"the working directory cannot be read ({os.strerror(error.errno or 0)}): it was deleted "
                     f"or moved; run the command again from the project's folder")
    token = os.urandom(16).hex()
    read_end, write_end = os.pipe()
    settings = {"fd": write_end, "token": token, "argv": [sys.argv[0], *argv], "path": sys.path,
                "parent": os.getpid()}
    env = {k: v for k, v in os.environ.items() if k not in CHILD_UNSET}
    with _forwarding(signals) as (received, adopt):
        try:
            # Blocked while the child starts: it inherits the mask and unblocks once its handlers are set
            # (child.main), so a signal that arrives meanwhile is delivered there, never in the middle of
            # the interpreter's start-up (where it printed a traceback); this process gets its own copy
            # when the mask is restored, and passes it on to the child adopted by then.
            signal.pthread_sigmask(signal.SIG_BLOCK, FORWARDED)
            try:
                child = subprocess.Popen(
                    [sys.executable, *_child_flags(), "-c", BOOTSTRAP], stdout=2, stderr=2,
                    pass_fds=(write_end,), env={**env, channel.ENV: json.dumps(settings)},
                )
            except OSError as error:
                return _fail(f"cannot start {sys.executable}: {error.strerror or error}")
            finally:
                os.close(write_end)
            adopt(child)
        finally:
            signal.pthread_sigmask(signal.SIG_UNBLOCK, FORWARDED)
        try:
            frame, damage = _receive(read_end, child, token)
        finally:
            os.close(read_end)
        status = child.wait()
        problem = damage or _disagreement(frame, status, child.pid)
        if received and (problem or frame is None or frame.code in WRITTEN):
            return _fail(f"interrupted ({signal.Signals(received[0]).name})")
        if problem:
            return _fail(problem)
        assert frame is not None
        if frame.code not in WRITTEN:
            return frame.code  # the child said why, on stderr
        problem = _write_all(stdout, frame.output)
        if problem:
            return _fail(problem)
        if received:  # arrived while writing: the output is whole, but the run was asked to stop
            return _fail(f"interrupted ({signal.Signals(received[0]).name}) after the output was written")
        return frame.code


def _child_flags() -> list[str]:
    """The interpreter options of this process that decide how the model is imported (optimisation, bytecode,
    user site, isolation, -W, -X utf8), not those that make the child print or stop (-i, -v, -d, -X importtime,
    -X dev)."""
    flags = sys.flags
    chosen = [("-" + "O" * flags.optimize, flags.optimize), ("-B", flags.dont_write_bytecode),
              ("-s", flags.no_user_site), ("-E", flags.ignore_environment), ("-I", flags.isolated),
              ("-P", getattr(flags, "safe_path", False))]
    args = [flag for flag, on in chosen if on]
    args += [f"-W{option}" for option in sys.warnoptions]
    if "utf8" in getattr(sys, "_xoptions", {}):
        args += ["-X", f"utf8={flags.utf8_mode}"]
    return args


def _private_stdout() -> int:
    """A copy of descriptor 1 (>= 3, not inherited) for the output, with descriptor 1 pointed at stderr;
    -1 when stdout is closed."""
    if not _is_open(1):
        return -1
    private = fcntl.fcntl(1, fcntl.F_DUPFD_CLOEXEC, 3)
    _open_standard_descriptors()
    os.dup2(2, 1)
    return private


def _open_standard_descriptors() -> None:
    """Open /dev/null on each of 0, 1, 2 that is closed (`2>&-`), lowest first, so that no pipe or file this
    process opens later takes one of them (a result pipe on descriptor 2 received the child's stderr)."""
    for fd in (0, 1, 2):
        if not _is_open(fd):
            opened = os.open(os.devnull, os.O_RDWR)
            if opened != fd:  # a lower one was taken meanwhile: cannot happen single-threaded
                os.dup2(opened, fd)
                os.close(opened)

def _receive(fd: int, child: subprocess.Popen[bytes], token: str) -> tuple[channel.Frame | None, str]:
    """Read one frame from the pipe, stopping at the frame's end, at end of file, or when the child has exited
    (a grandchild the model forked may hold the pipe open). Returns the frame or what was wrong."""
    reader = channel.FrameReader(token)
    exited = _exit_watch(child)
    try:
        while not reader.complete:
            waiting = [fd] if exited is None else [fd, exited]
            ready, _, _ = select.select(waiting, [], [], None if exited is not None else 0.02)
            if fd in ready:
                chunk = os.read(fd, 1 << 16)
                if not chunk:
                    break
                reader.feed(chunk)
            elif (exited is not None and exited in ready) or child.poll() is not None:
                os.set_blocking(fd, False)
                _drain(fd, reader)
                break
        if reader.complete:
            os.set_blocking(fd, False)
            _drain(fd, reader)  # a second frame, or anything after the first, spoils the result
    except channel.FrameError as error:
        return None, f"the result from the child process is damaged: {error}"
    finally:
        if exited is not None:
            os.close(exited)
    return reader.frame, ""


def _exit_watch(child: subprocess.Popen[bytes]) -> int | None:
    """A descriptor that becomes readable when the child exits (Linux pidfd), else None (then we poll)."""
    try:
        return os.pidfd_open(child.pid)  # type: ignore[attr-defined,no-any-return]
    except (AttributeError, OSError):
        return None


def _drain(fd: int, reader: channel.FrameReader) -> None:
    while True:
        try:
            chunk = os.read(fd, 1 << 16)
        except BlockingIOError:
            return
        if not chunk:
            return
        reader.feed(chunk)


def _disagreement(frame: channel.Frame | None, status: int, pid: int) -> str:
    """Why the child's result cannot be trusted, or ''."""
    if status < 0:
        name = signal.Signals(-status).name if -status in signal.valid_signals() else str(-status)
        return f"the child process was killed by {name} before it finished"
    if frame is None:
        return (f"the child process exited with status {status} without sending its result: something in the "
                f"model ended or replaced the process (os._exit, exec) or closed the provider's descriptors")
    if frame.pid != pid:
        return "the result was sent by another process than the child (a fork of it)"
    if frame.code != status:
        return (f"the child process reported exit code {frame.code} but exited with status {status}: something "
                f"in the model (an atexit handler, a thread) changed it")
    return ""


def _write_all(fd: int, data: bytes) -> str:
    """Write `data` whole in one blocking loop; return '' or why it could not be written."""
    try:
        if not os.get_blocking(fd):  # a non-blocking pipe would stop at the first full buffer
            os.set_blocking(fd, True)
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
    except BrokenPipeError:
        return "stdout was closed by the reader before the output was written (broken pipe)"
    except OSError as error:
        reason = os.strerror(error.errno) if error.errno else str(error)
        return f"cannot write the output to stdout: {reason}"
    return ""


def _is_open(fd: int) -> bool:
    try:
        os.fstat(fd)
    except OSError as error:
        return error.errno != errno.EBADF
    return True


@contextmanager
def _forwarding(
    signals: tuple[int, ...],
) -> Iterator[tuple[list[int], Callable[[subprocess.Popen[bytes]], None]]]:
    """`signals` (SIGINT, SIGTERM, SIGHUP) go on to the child once it is adopted; a second one kills it (a model
    that ignores the first). The list records what arrived. While the output is written they do not interrupt
    the write (the loop resumes), so nothing partial is left that could be avoided."""
    received: list[int] = []
    children: list[subprocess.Popen[bytes]] = []

    def pass_on() -> None:
        for child in children if received else ():
            if child.returncode is None:
                try:
                    child.send_signal(received[0] if len(received) == 1 else signal.SIGKILL)
                except OSError:
                    pass

    def forward(signum: int, _: FrameType | None) -> None:
        received.append(signum)
        pass_on()

    def adopt(child: subprocess.Popen[bytes]) -> None:
        children.append(child)
        pass_on()  # what arrived before the child existed

    previous = {sig: signal.signal(sig, forward) for sig in signals}
    try:
        yield received, adopt
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _fail(message: str) -> int:
    try:
        os.write(2, f"{PROG}: error: {message}\n".encode("utf-8", "replace"))
    except OSError:
        pass
    return 1
