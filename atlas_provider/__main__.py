"""The console entry point (`atlas-provider`, `atlas-provider-sqlalchemy`, `python -m atlas_provider`).

It stays lean: with `--cache`, a provably unchanged run is answered from the cache before SQLAlchemy,
Typer or the model is imported. Everything else goes to the Typer app in cli.py.
"""

from __future__ import annotations

import os
import sys


def main() -> None:
    try:
        _run(sys.argv[1:])
    finally:
        _stdout_to_stderr()


def _run(argv: list[str]) -> None:
    if "--cache" in argv:
        from .cache import lookup

        entry = lookup(argv)
        if entry is not None:
            for line in entry["warnings"]:
                print(line, file=sys.stderr)
            sys.stdout.write(entry["output"])
            sys.stdout.flush()
            raise SystemExit(0)
    from .cli import PROG, app

    app(prog_name=PROG)


def _stdout_to_stderr() -> None:
    """Once the command is done, descriptor 1 points at stderr: what runs while the interpreter shuts
    down (a model's atexit handler, a thread it started) must not add to the schema Atlas reads."""
    try:
        sys.stdout.flush()
        os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    except (AttributeError, OSError, ValueError):  # no real descriptors (embedded, in-process runners)
        pass


if __name__ == "__main__":
    main()
