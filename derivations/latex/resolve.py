"""What each letter is in one display: an index, a size, a label family, a positive quantity.

The reader first reads a display to record how letters are used (``Usage``), then decides
their kinds (``Kinds``) and reads it again building SymPy objects of those kinds.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Any, Optional

import sympy as sp
from lark import Tree

from derivations.kernel.assume import positive_targets, range_bounds

__all__ = ["Definition", "Definitions", "Kinds", "Usage", "decide_kinds", "range_bounds"]


@dataclass
class Usage:
    """Names seen while reading, by role (a name may have several)."""

    index: set[str] = field(default_factory=set)
    upper: set[str] = field(default_factory=set)
    label: set[str] = field(default_factory=set)
    family: set[str] = field(default_factory=set)
    bare: set[str] = field(default_factory=set)
    applied_one: set[str] = field(default_factory=set)
    applied_many: set[str] = field(default_factory=set)
    plain: set[str] = field(default_factory=set)
    integer: set[str] = field(default_factory=set)  # said to be whole numbers by an `\in` assumption
    # p(y = k): (variable, value) names; k is a whole number when y is assumed to take whole values (rule 16)
    assigned: set[tuple[str, str]] = field(default_factory=set)
    # (family, index position) -> letters of bound-free sums that index it there (rule 11)
    free_sets: dict[tuple[str, int], set[str]] = field(default_factory=dict)
    transposed: set[str] = field(default_factory=set)  # names written with ^T (rule 15: matrices)
    shapes: dict[str, tuple[sp.Expr, sp.Expr]] = field(default_factory=dict)  # x \in \mathbb{R}^{n}
    products: list[frozenset[str]] = field(default_factory=list)  # the letters of each product written
    inverted: set[str] = field(default_factory=set)  # plain letters written with ^{-1}
    covariances: set[str] = field(default_factory=set)  # matrices written as the covariance of a \\mathcal{N}
    one_dim: set[str] = field(default_factory=set)  # names shaped \\mathbb{R}^{n} (vectors; n x 1 is a matrix)
    definite: set[str] = field(default_factory=set)  # letters assumed \succ 0 or \succeq 0 (matrices)
    matrix_props: set[tuple[str, str]] = field(default_factory=set)  # (name, "pd"), from \Sigma \succ 0

    def names(self) -> set[str]:
        return self.index | self.upper | self.label | self.family | self.bare


@dataclass(frozen=True)
class Kinds:
    """The decided kind of every name in one display."""

    index: frozenset[str] = frozenset()
    size: frozenset[str] = frozenset()
    label: frozenset[str] = frozenset()
    positive: frozenset[str] = frozenset()
    positive_family: frozenset[str] = frozenset()
    family: frozenset[str] = frozenset()
    functions: frozenset[str] = frozenset()
    letters: frozenset[str] = frozenset()
    declared: frozenset[str] = frozenset()
    integer: frozenset[str] = frozenset()
    vectors: frozenset[str] = frozenset()
    matrices: frozenset[str] = frozenset()
    identity: frozenset[str] = frozenset()  # I (and \mathbf{I}) where the display has matrices

    def matrix_kind(self, name: str) -> Optional[str]:
        """``vector``, ``matrix`` or None: declared, shaped, transposed, or bold (lowercase a vector)."""
        if name in self.vectors:
            return "vector"
        if name in self.matrices:
            return "matrix"
        if name in self.letters or not name.startswith("\\mathbf{"):
            return None
        letter = name[len("\\mathbf{"):-1]
        return "matrix" if letter[:1].isupper() else "vector"

    def symbol(self, name: str) -> sp.Symbol:
        if name in self.size:
            return sp.Symbol(name, integer=True, positive=True)
        if name in self.index or name in self.integer:
            return sp.Symbol(name, integer=True)
        if name in self.positive:
            return sp.Symbol(name, positive=True)
        return sp.Symbol(name, real=True)

    def base(self, name: str) -> sp.IndexedBase:
        if name in self.label or name in self.integer:
            return _indexed_base(name, "integer")
        if name in self.positive_family:
            return _indexed_base(name, "positive")
        return _indexed_base(name, "real")


@functools.lru_cache(maxsize=4096)
def _indexed_base(name: str, kind: str) -> sp.IndexedBase:
    """One IndexedBase per name and kind (SymPy does not cache them, and deducing their facts is slow)."""
    return sp.IndexedBase(name, **{kind: True})


def decide_kinds(rows: Usage, assumed: Usage, relations: list[sp.Basic], used: set[str]) -> Kinds:
    """Kinds from how names were used in the rows and what the assumptions say.

    ``used`` is every name the display's claims and kept assumptions mention; only those can be sizes.
    """
    index = set(rows.index) | set(assumed.index)
    for var, val in rows.assigned:
        if var in assumed.integer or var in index:
            index |= {var, val}
    size = set(rows.upper) | set(assumed.upper)
    for name, (lo, hi) in range_bounds(relations).items():
        if name in index and isinstance(hi, sp.Symbol) and hi.name not in index:
            size.add(hi.name)
    size &= used
    below_one = {n for n in size if _allows_below_one(n, relations)}
    size -= below_one  # `n \\geq 0` assumed: a bound that may be 0, a whole number but not a size (rule 11)
    pos, pos_fam = positive_targets(relations)
    label = set(rows.label)
    return Kinds(
        index=frozenset((index | below_one) - size),
        size=frozenset(size),
        label=frozenset(label),
        positive=frozenset(pos - size - index),
        positive_family=frozenset(pos_fam - label),
        family=frozenset(rows.family | assumed.family),
        integer=frozenset(assumed.integer - size),
    )


def _allows_below_one(name: str, relations: list[sp.Basic]) -> bool:
    """Does an assumption give ``name`` a numeric lower bound below 1 (``n \\geq 0``, ``n > -1``)?"""
    for r in relations:
        if not isinstance(r, (sp.Ge, sp.Gt, sp.Le, sp.Lt)):
            continue
        big, small = (r.lhs, r.rhs) if isinstance(r, (sp.Ge, sp.Gt)) else (r.rhs, r.lhs)
        if isinstance(big, sp.Symbol) and big.name == name and small.is_number and small < 1:
            return True
    return False


@dataclass
class Definition:
    """``NAME := body``: a bare name, an indexed name ``N_k`` or a function head ``f(x)``."""

    name: str
    kind: str
    params: tuple[str, ...]
    body: Tree
    offset: int
    nodes: int
    span: Any = None
    differentiates: bool = False  # the body holds a derivative: arguments go in after it is taken
    visible: "dict[str, Definition]" = field(default_factory=dict)


class Definitions:
    """Definitions in file order; what is visible at a place is what was defined before it."""

    def __init__(self) -> None:
        self._all: list[Definition] = []

    def add(self, d: Definition) -> None:
        d.visible = self.visible(d.offset)
        self._all.append(d)

    def visible(self, offset: int) -> dict[str, Definition]:
        out: dict[str, Definition] = {}
        for d in self._all:
            if d.offset < offset:
                out[d.name] = d
        return out
