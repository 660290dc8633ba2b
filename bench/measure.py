"""Run one command once: wall time, the child's own peak RSS, and whether its output is right."""

from __future__ import annotations

import os
import statistics
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Sample:
    seconds: float
    peak_rss_mb: float
    exit_code: int
    tables: int  # how many tables the output shows, as the caller's ``count`` reads it
    error: str  # empty when the run counts

    @property
    def ok(self) -> bool:
        return not self.error


@dataclass
class Result:
    """The timed runs of one tool on one package."""

    tables: int
    files: int
    tool: str
    samples: list[Sample] = field(default_factory=list)
    note: str = ""  # why there are no samples: a failed or skipped warm-up

    @property
    def valid(self) -> bool:
        """Counts only when every timed run was right: a fast wrong answer must not pass a target."""
        return bool(self.samples) and all(s.ok for s in self.samples)

    def median(self, attr: str) -> float | None:
        return statistics.median(getattr(s, attr) for s in self.samples) if self.valid else None

    def summary(self) -> dict[str, object]:
        out: dict[str, object] = {
            "tables": self.tables,
            "files": self.files,
            "tool": self.tool,
            "note": self.note,
        }
        if self.valid:
            for attr in ("seconds", "peak_rss_mb"):
                values = [getattr(s, attr) for s in self.samples]
                out[attr] = {"median": statistics.median(values), "min": min(values), "max": max(values)}
        out["samples"] = [asdict(s) for s in self.samples]
        return out


def run_once(
    argv: list[str],
    *,
    cwd: Path,
    env: dict[str, str],
    expected: int,
    count: Callable[[str], int],
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

    tables = count(stdout)
    if exit_code != 0:
        killed = " (killed after timeout)" if exit_code < 0 and seconds >= timeout else ""
        error = f"exit {exit_code}{killed}: {_last_line(stderr) or _last_line(stdout)}"
    elif tables != expected:
        error = f"output shows {tables} tables, expected {expected}"
    else:
        error = ""
    return Sample(seconds, usage.ru_maxrss / 1024, exit_code, tables, error)


def _last_line(text: str) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[-1].strip()[:200] if lines else ""
