"""Shapes of vectors and matrices in one display (rule 15): declared, or inferred from the products.

Every matrix has two dimensions and every vector one (its other is 1). A dimension is a size
symbol from an ``\\in \\mathbb{R}^{n \\times d}`` assumption, or a placeholder such as ``rows(X)``
that the products and sums of the display bind to another dimension. Two different declared
sizes never agree, and a placeholder never becomes 1 (a vector or matrix inferred to be a
number is a misreading), so a product whose shapes cannot agree is an error.
"""
from __future__ import annotations

from typing import Optional

import sympy as sp

__all__ = ["ShapeStore", "placeholder"]


def placeholder(name: str, which: str) -> sp.Symbol:
    """The dimension of ``name`` that nothing has fixed yet: ``rows(X)``, ``cols(X)``, ``dim(x)``."""
    return sp.Symbol(f"{which}({name})", integer=True, positive=True)


class ShapeStore:
    """Declared shapes and the bindings of placeholders made so far in one display (a union-find)."""

    def __init__(self, declared: Optional[dict[str, tuple[sp.Expr, sp.Expr]]] = None) -> None:
        self.declared = dict(declared or {})
        self.parent: dict[sp.Symbol, sp.Expr] = {}
        self.fresh: set[sp.Symbol] = set()
        self.flexible: set[sp.Symbol] = set()  # placeholders that may be 1 (the shape of a zero)

    def shape(self, name: str, vector: bool) -> tuple[sp.Expr, sp.Expr]:
        if name in self.declared:
            return self.declared[name]
        if vector:
            d = placeholder(name, "dim")
            self.fresh.add(d)
            return d, sp.S.One
        r, c = placeholder(name, "rows"), placeholder(name, "cols")
        self.fresh |= {r, c}
        return r, c

    def zero_shape(self, key: str) -> tuple[sp.Expr, sp.Expr]:
        """The shape of a zero vector or matrix ``\\mathbf{0}``: whatever it is added to or compared with (1 too)."""
        r, c = placeholder(key, "rows"), placeholder(key, "cols")
        self.fresh |= {r, c}
        self.flexible |= {r, c}
        return r, c

    def find(self, d: sp.Expr) -> sp.Expr:
        seen = 0
        while isinstance(d, sp.Symbol) and d in self.parent and seen < 10_000:
            d = self.parent[d]
            seen += 1
        return d

    def unify(self, a: sp.Expr, b: sp.Expr) -> bool:
        """Make two dimensions one; False when they cannot agree (two sizes, or a placeholder and 1)."""
        a, b = self.find(sp.sympify(a)), self.find(sp.sympify(b))
        if a == b:
            return True
        fa, fb = a in self.fresh, b in self.fresh
        if fa and fb:
            keep, drop = sorted((a, b), key=lambda x: (x in self.flexible, str(x)))
            self.parent[drop] = keep
            return True
        if fa or fb:
            free, other = (a, b) if fa else (b, a)
            if other == 1 and free not in self.flexible:
                return False
            self.parent[free] = other
            return True
        return False

    def resolve(self, e: sp.Basic) -> sp.Basic:
        """``e`` with every bound placeholder replaced by what it is bound to."""
        if not self.parent or not isinstance(e, sp.Basic):
            return e
        sub = {p: self.find(p) for p in self.parent}
        return e.xreplace(sub)

    def sides_problem(self, a: sp.Basic, b: Optional[sp.Basic]) -> str:
        """Why two sides of a relation cannot be compared ('' when they can): shapes that cannot agree, or a
        matrix larger than 1 x 1 and a number other than 0. Agreeing shapes are unified."""
        am, bm = isinstance(a, sp.MatrixExpr), isinstance(b, sp.MatrixExpr)
        if am and bm:
            (ra, ca), (rb, cb) = self.resolve(a).shape, self.resolve(b).shape
            if not (self.unify(ra, rb) and self.unify(ca, cb)):
                return f"the sides have shapes {ra} x {ca} and {rb} x {cb}, which cannot agree"
        elif am or bm:
            m, other = (a, b) if am else (b, a)
            r, c = self.resolve(m).shape
            if other is not None and other != 0 and (r, c) != (1, 1):
                return f"a {r} x {c} matrix and a number are compared"
        return ""
