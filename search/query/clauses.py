"""What the correct and expand stages produce: clauses of weighted alternatives, with their origin."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Origin(StrEnum):
    """Why an alternative is in the query."""

    TYPED = "typed"
    CORRECTED = "corrected"
    JOINED = "joined"
    PREFIX = "prefix"
    SYNONYM = "synonym"


@dataclass(frozen=True)
class Alt:
    """One way to satisfy a clause: terms (all wanted), a weight, where it came from and what it became."""

    terms: tuple[str, ...]
    weight: float
    origin: Origin
    source: str  # the words as typed ("nueropathy", "after birth")
    target: str = ""  # what they became ("neuropathy"); empty for a typed word
    # A synonym never counts for more than the typed words it came from: its idf is capped at theirs.
    idf_cap: float | None = None
    skip_fields: frozenset[str] = frozenset()

    @property
    def label(self) -> str:
        """How the explanation shows it: "nueropathy -> neuropathy", "pins… -> needles"."""
        if self.origin is Origin.TYPED:
            return self.source
        mark = "…" if self.origin is Origin.PREFIX else ""
        return f"{self.source}{mark} -> {self.target}"


@dataclass(frozen=True)
class Clause:
    """A slot of the query; a document scores the best of its alternatives."""

    alts: tuple[Alt, ...]
    word: str = ""
