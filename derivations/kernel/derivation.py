"""A derivation is data: an ordered list of steps, each a claim with its justification."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

import sympy as sp

from derivations.kernel.claims import Assumptions, Claim, Equal, claim_latex

__all__ = ["Chain", "Derivation", "Step"]


@dataclass(frozen=True)
class Step:
    """One claim with the reason a reader is given for it, and where it came from."""

    claim: Claim
    by: str = ""
    line: Optional[int] = None
    label: str = ""
    text: str = ""
    kind: str = ""
    column: Optional[int] = None

    def latex(self) -> str:
        return claim_latex(self.claim)


@dataclass
class Derivation:
    """A named chain of steps checked under one set of assumptions."""

    name: str
    title: str = ""
    assumptions: Assumptions = field(default_factory=Assumptions)
    steps: list[Step] = field(default_factory=list)
    source: str = ""
    notes: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    declared: list[str] = field(default_factory=list)  # e.g. "functions: p, J" from the source's declarations

    def add(self, claim: Claim, by: str = "", line: Optional[int] = None, label: str = "", text: str = "",
            kind: str = "", column: Optional[int] = None) -> "Derivation":
        """Append one claim as a step; ``text`` is the author's row as written, ``kind`` what the row is."""
        self.steps.append(Step(claim, by, line, label, text, kind, column))
        return self

    def chain(self, start: sp.Expr, label: str = "") -> "Chain":
        """Start an equality chain ``start = ... = ...``; each ``.step`` claims one link.

        >>> import sympy as sp
        >>> a, b = sp.symbols("a b")
        >>> d = Derivation("square")
        >>> _ = d.chain((a + b) ** 2).step(a**2 + 2*a*b + b**2, by="expand")
        >>> [(str(s.claim.lhs), s.by) for s in d.steps]
        [('(a + b)**2', 'expand')]
        """
        return Chain(self, start, label)

    def __len__(self) -> int:
        return len(self.steps)

    def _repr_markdown_(self) -> str:
        rows = [f"**{self.title or self.name}** ({len(self.steps)} steps, unchecked)", ""]
        for n, s in enumerate(self.steps, 1):
            rows.append(f"{n}. ${s.latex()}$ — {s.by}")
        return "\n".join(rows)


@dataclass
class Chain:
    """Builder for ``a = b = c``: each step claims the previous expression equals the next."""

    derivation: Derivation
    current: sp.Expr
    label: str = ""

    def step(self, rhs: sp.Expr, by: str = "", line: Optional[int] = None) -> "Chain":
        self.derivation.add(Equal(self.current, rhs), by=by, line=line, label=self.label)
        self.current = rhs
        return self
