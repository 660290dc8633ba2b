"""What a defect is: one object of the model that one target's database rejects, and what the provider does
with it (validation.py finds them; limits.py finds those that break a limit of the target)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from sqlalchemy import Table
from sqlalchemy.sql.schema import SchemaItem


class Verdict(Enum):
    REJECTED = "rejected"  # the target's database refuses it: an error, or left out under --skip-defects
    ACCEPTED = "accepted"  # the database takes it although it is a defect: emitted, with a warning
    DUPLICATE = "duplicate"  # declared again identically: emitted once, with a note


@dataclass(frozen=True)
class Defect:
    """One object of the model that is a defect for one target."""

    table: Table  # the table that declares it
    item: SchemaItem  # the foreign key or index; leaving it out is the way past
    subject: str  # "foreign key orders.email -> customers.email", "index 'ix_a' on customers"
    problem: str
    advice: str  # what the model's owner can change
    verdict: Verdict = Verdict.REJECTED
    kind: str = "foreign key"  # what --skip-defects leaves out
    # False: nothing can be left out instead (a table or column name, an enum label): an error, --skip-defects or not
    can_leave_out: bool = True
