"""The truth of the notes corpus, computed in plain floating point, sharing nothing with the tool.

Each corpus file ``NAME.tex`` has a module ``truth_NAME.py`` beside it whose ``RELATIONS`` lists,
in file order, every relation marked ``T`` or ``F`` by a ``% truth:`` comment: a tuple
``(line, "T" or "F", check)``. ``check(g)`` draws its own values from ``g`` (a :class:`Draw`),
inside the assumptions of the display, and returns ``(lhs, rhs)`` as numbers, or a bool for an
inequality. A ``T`` relation must hold at every draw; an ``F`` one must fail at some draw.
"""
from __future__ import annotations

import random


class Draw:
    """Random values for one evaluation of a relation; the seed makes a failure reproducible."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)

    def real(self, lo: float = -3.0, hi: float = 3.0) -> float:
        return self.rng.uniform(lo, hi)

    def pos(self, lo: float = 0.1, hi: float = 3.0) -> float:
        return self.rng.uniform(lo, hi)

    def unit(self) -> float:
        """A probability strictly inside (0, 1)."""
        return self.rng.uniform(0.05, 0.95)

    def int(self, lo: int, hi: int) -> int:
        return self.rng.randint(lo, hi)

    def size(self, lo: int = 1, hi: int = 5) -> int:
        return self.rng.randint(lo, hi)

    def reals(self, n: int, lo: float = -3.0, hi: float = 3.0) -> list[float]:
        return [self.real(lo, hi) for _ in range(n)]

    def poss(self, n: int, lo: float = 0.1, hi: float = 3.0) -> list[float]:
        return [self.pos(lo, hi) for _ in range(n)]

    def probs(self, n: int) -> list[float]:
        """n positive numbers that sum to 1."""
        w = self.poss(n)
        return [v / sum(w) for v in w]

    def choice(self, options):  # type: ignore[no-untyped-def]
        return self.rng.choice(list(options))


def agree(lhs: object, rhs: object) -> bool:
    """Equal up to floating-point error (relative 1e-8, absolute 1e-9)."""
    a, b = complex(lhs), complex(rhs)  # type: ignore[arg-type]
    return abs(a - b) <= 1e-9 + 1e-8 * max(abs(a), abs(b))
