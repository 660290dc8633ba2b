"""The console entry point (`atlas-provider`, `atlas-provider-sqlalchemy`, `python -m atlas_provider`).

It stays lean: with `--cache`, a provably unchanged run is answered from the cache before SQLAlchemy,
Typer or the model is imported. Everything else goes to the Typer app in cli.py.
"""

from __future__ import annotations

import sys


def main() -> None:
    argv = sys.argv[1:]
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


if __name__ == "__main__":
    main()
