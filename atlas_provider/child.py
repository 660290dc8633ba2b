"""The child interpreter parent.py starts: it runs the whole command line and sends the result back.

Its descriptors 1 and 2 both are the parent's stderr, so whatever the model prints, however it prints
it, lands there. `sys.stdout` is a `ChildStdout`: what Typer prints before a command starts its work
(--help, --version) is kept as output; once `cli.guarded` seals it, only the command's result is. The
result goes to the parent over the private descriptor, once, from this process only (not a fork of it),
and only while that descriptor is still the pipe the parent gave us.

The child starts with SIGINT, SIGTERM and SIGHUP blocked (parent.py): they are unblocked once the handler
is set, inside the part that turns an interrupt into one line. On Linux the child dies with its parent.
"""

from __future__ import annotations

import atexit
import ctypes
import io
import json
import os
import signal
import sys
import threading
from collections.abc import Callable
from types import FrameType
from typing import Any, TextIO

from . import channel

# Set for a run that starts over (LoadAgain): the model is then imported without early release.
AGAIN_ENV = "ATLAS_PROVIDER_LOAD_AGAIN"


class LoadAgain(BaseException):
    """A module of the model let go early is needed again (loading/release.py): the child starts over as a fresh
    interpreter that imports the model without early release. A BaseException, so that neither our error
    boundary nor a model's `except Exception` takes it for a failure."""


class ChildStdout(io.StringIO):
    """`sys.stdout` in the child; see the module docstring. `seal()` returns the function that sets the result."""

    def __init__(self, stderr: TextIO) -> None:
        super().__init__()
        self._stderr = stderr
        self._sealed = False
        self._parts: list[str] = []

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return "utf-8"

    def write(self, text: str) -> int:
        if not isinstance(text, str):
            raise TypeError(f"write() argument must be str, not {type(text).__name__}")
        if self._sealed:
            return self._stderr.write(text)
        self._parts.append(text)
        return len(text)

    def flush(self) -> None:
        if self._sealed:
            self._stderr.flush()

    def seal(self) -> Callable[[str], None]:
        self._sealed = True
        return self._parts.append

    def output(self) -> str:
        return "".join(self._parts)


def main(settings: dict[str, Any]) -> None:
    """Run the command line in `settings` and exit with its code, after sending the result to the parent."""
    # As the parent started us, for a run that starts over (whatever the model changes of them meanwhile).
    start = (os.getcwd(), dict(os.environ), sys.executable, list(sys.orig_argv))
    fd, token = int(settings["fd"]), str(settings["token"])
    os.set_inheritable(fd, False)  # exec'd programs and subprocesses of the model do not get it
    pipe = _identity(fd)
    pid = os.getpid()
    sys.argv[:] = settings["argv"]
    _die_with_parent(int(settings["parent"]))
    if signal.getsignal(signal.SIGINT) != signal.SIG_IGN:  # ignored by the caller: stays so (parent.main)
        signal.signal(signal.SIGINT, _interrupt_once)
        sys.unraisablehook = _end_on_a_swallowed_interrupt(
            sys.unraisablehook, lambda code: _send(fd, channel.encode(token, pid, code, b"")))
    stdout = ChildStdout(sys.stderr)
    try:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, (signal.SIGINT, signal.SIGTERM, signal.SIGHUP))
        from .freshsource import install

        install()
        sys.stdout = stdout
        from .cli import run_cli

        code = run_cli(sys.argv[1:])
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # the command is over: what follows sends its result
    except KeyboardInterrupt:  # outside run_cli: pending since start-up, or just as the command ended
        code = _fail("interrupted")
    except LoadAgain:
        code = _start_over(settings, fd, *start)
    except Exception as error:  # before run_cli, which answers all else: a dependency shadowed or broken
        code = _fail(f"the provider cannot start: {type(error).__name__}: {' '.join(str(error).split())}")
    sys.stdout = sys.stderr
    data = b""
    if code in (0, 3):
        from .cli import encode_output
        from .errors import ProviderError

        try:
            data = encode_output(stdout.output())
        except ProviderError as error:  # what Typer wrote before the command's own boundary (`guarded`)
            code = _fail(str(error))
    if os.getpid() != pid:  # a fork of this process the model made: only the child itself answers
        os._exit(code)
    if _identity(fd) == pipe:
        _send(fd, channel.encode(token, pid, code, data))
    # else the model closed our descriptor and its number now names another file: send nothing there;
    # without a result the parent fails the run.
    _exit(code)


def _start_over(settings: dict[str, Any], fd: int, cwd: str, environment: dict[str, str], executable: str,
                argv: list[str]) -> int:
    """Run again as a fresh interpreter in this process (same pid, same pipe to the parent), as the parent
    started it: the same interpreter, command line, folder and environment (whatever the model changed),
    SIGINT, SIGTERM and SIGHUP blocked, the settings in the environment; nothing was sent yet. Its load keeps
    every module. Returns only when that cannot be done: the exit code of the failure, said in one line."""
    signals = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
    signal.pthread_sigmask(signal.SIG_BLOCK, signals)
    os.set_inheritable(fd, True)
    _flush_streams()
    try:
        os.chdir(cwd)
        os.execve(executable, argv, {**environment, channel.ENV: json.dumps(settings), AGAIN_ENV: "1"})
    except OSError as error:
        os.set_inheritable(fd, False)
        signal.pthread_sigmask(signal.SIG_UNBLOCK, signals)
        return _fail(f"cannot start the run over to load the model again: {error.strerror or error}")


def _exit(code: int) -> None:
    """What an interpreter does at exit that a model may rely on (wait for its non-daemon threads, run its
    atexit handlers), then leave without finalizing: a daemon thread still printing then makes CPython
    abort ("could not acquire lock ... at interpreter shutdown"), which would fail a run that succeeded.
    Tearing down thousands of mapped classes is skipped too."""
    current = threading.current_thread()
    for thread in threading.enumerate():
        if thread is not current and not thread.daemon:
            thread.join()
    atexit._run_exitfuncs()
    _flush_streams()
    os._exit(code)


def _flush_streams() -> None:
    for stream in (sys.stdout, sys.stderr, sys.__stdout__, sys.__stderr__):
        try:
            if stream is not None:
                stream.flush()
        except (OSError, ValueError):
            pass


def _fail(message: str) -> int:
    sys.stderr.write(f"atlas-provider: error: {message}\n")
    return 1


PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


def _die_with_parent(parent: int) -> None:
    """Linux: SIGKILL when the `atlas-provider` process ends, however it ends (SIGKILL, SIGHUP), so a model that
    hangs is never left running under init. Checked after the call: the parent may have died before it."""
    if not sys.platform.startswith("linux"):
        return
    try:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:
        os._exit(1)


def _identity(fd: int) -> tuple[int, int] | None:
    try:
        stat = os.fstat(fd)
    except OSError:
        return None
    return stat.st_dev, stat.st_ino


def _send(fd: int, data: bytes) -> None:
    view = memoryview(data)
    try:
        while view:
            view = view[os.write(fd, view):]
        os.close(fd)
    except OSError:
        pass  # the parent is gone or the pipe broke: it has no whole frame and fails the run


_interrupted = False


def _end_on_a_swallowed_interrupt(hook: Callable[[Any], None], answer: Callable[[int], None]) -> Callable[[Any], None]:
    """An interrupt that lands in a weakref callback or a __del__ (the import system's module locks, during
    start-up) is "ignored" by Python: printed with a traceback, and the run goes on. It was the interrupt: the
    run ends here as an interrupted command does, one line and exit 1, its result sent by `answer`."""

    def hook_keeping_interrupts(unraisable: Any) -> None:
        if isinstance(unraisable.exc_value, KeyboardInterrupt):
            code = _fail("interrupted")
            answer(code)
            os._exit(code)
        hook(unraisable)

    return hook_keeping_interrupts


def _interrupt_once(signum: int, frame: FrameType | None) -> None:
    """The parent forwards SIGINT, and a terminal sends it to the whole process group too: one interrupt."""
    global _interrupted
    if not _interrupted:
        _interrupted = True
        raise KeyboardInterrupt
