"""`python -m atlas_provider`, and the console scripts (`atlas-provider`, `atlas-provider-sqlalchemy`).

The process started here only supervises: parent.py runs the command line in a child interpreter and
writes its output. It never imports SQLAlchemy, Typer or the model.
"""

from __future__ import annotations

from .parent import main

if __name__ == "__main__":
    main()
