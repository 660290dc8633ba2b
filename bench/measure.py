"""Run one command once: wall time, the child's own peak RSS, and whether its output is right."""

from __future__ import annotations

import os
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable


@dataclass(frozen=True)
class Sample:
    seconds: float
    peak_rss_mb: float
    exit_code: int
    tables: int  # tables the output shows, as counted by the caller's ``count``; -1 when not counted
    error: str  # empty when the run counts

    @property
    def ok(self) -> bool:
        return not self.error


def run_once(
    argv: list[str],
    *,
    cwd: Path,
    env: dict[str, str],
    expected: int,
    count: Callable[[str], int] | None,
    timeout: float,
) -> Sample:
    """Run ``argv`` to completion; it counts when it exits 0 and ``count(stdout) == expected``.

    Output goes to temporary files rather than pipes, so that nothing reaps the child before ``os.wait4``,
    which returns the child's own ``ru_maxrss`` (in KiB on Linux) rather than a sum over all children.
    """
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(argv, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=out, stderr=err)
        killer = threading.Timer(timeout, proc.kill)
        killer.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            killer.cancel()
        seconds = time.perf_counter() - start
        proc.returncode = exit_code = os.waitstatus_to_exitcode(status)  # tell Popen the child is reaped
        out.seek(0)
        err.seek(0)
        stdout = out.read().decode(errors="replace")
        stderr = err.read().decode(errors="replace")

    tables = count(stdout) if count is not None else -1
    if exit_code != 0:
        killed = " (killed after timeout)" if exit_code < 0 and seconds >= timeout else ""
        error = f"exit {exit_code}{killed}: {_last_line(stderr) or _last_line(stdout)}"
    elif count is not None and tables != expected:
        error = f"output shows {tables} tables, expected {expected}"
    else:
        error = ""
    return Sample(seconds, usage.ru_maxrss / 1024, exit_code, tables, error)


def _last_line(text: str) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[-1].strip()[:200] if lines else ""
