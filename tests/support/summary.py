"""Lines a fixture adds to the end of the test run (the real-project environment's install time, say).

Under pytest-xdist a fixture runs on a worker, whose ``config`` is not the one that prints the summary: the lines
also go into the worker's ``workeroutput``, which the controller reads when the worker is done
(tests/conftest.py), and print there. In one process (-n 0) they are printed from ``config`` directly.
"""

from __future__ import annotations

import pytest

_LINES = pytest.StashKey[list[str]]()
WORKEROUTPUT_KEY = "atlas_summary_lines"


def add_summary_line(config: pytest.Config, line: str) -> None:
    """Print ``line`` at the end of the run, once, wherever the fixture calling this ran."""
    workeroutput = getattr(config, "workeroutput", None)  # set on pytest-xdist's workers only
    if workeroutput is not None:
        workeroutput.setdefault(WORKEROUTPUT_KEY, []).append(line)
    else:
        config.stash.setdefault(_LINES, []).append(line)


def summary_lines(config: pytest.Config) -> list[str]:
    return config.stash.get(_LINES, [])
