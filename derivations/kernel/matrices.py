"""Vectors and matrices in claims: explicit evaluation at concrete dimensions (rule 15).

A claim about matrices holds SymPy matrix expressions (``MatrixSymbol`` with dimension
symbols, ``Transpose``, ``Inverse``, ``Trace``, ``Determinant``) and ``Scalar`` for a
1 x 1 product used as a number. SymPy's matrix rewriting is not trusted alone, so this
module evaluates a claim at explicit dimensions by its own walk: every matrix becomes an
explicit matrix (of symbols, or of exact random numbers), every product, inverse and
determinant is computed entry by entry, and a derivative by a vector or matrix is the
array of the partial derivatives by its entries, with the shape of the variable
(entries are independent: at a symmetric matrix the derivative is taken as if the
entries were free and then evaluated there).
"""
from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any, Optional, Union

import sympy as sp
from sympy.matrices.expressions.matexpr import MatrixElement

from derivations.kernel.calculus import Diff
from derivations.kernel.claims import MATRIX_PROPERTIES as PROPERTIES

__all__ = ["PROPERTIES", "Grad", "MatrixError", "Scalar", "Value", "draw_matrix", "evaluate_matrices", "has_matrices",
           "matrix_symbols", "shape_text", "show_matrix", "symbolic_matrix"]

MAX_DIM = 6
Value = Union[sp.Expr, sp.ImmutableMatrix]
_SMALL_POSITIVE = (sp.Rational(1, 1000), sp.Rational(1, 10), sp.Rational(1, 3), sp.Integer(1), sp.Integer(2))
_SCALES = (sp.Rational(1, 1000), sp.Rational(1, 4), sp.Rational(1, 2), sp.Integer(1), sp.Integer(2), sp.Integer(1000))
_ENTRY_SCALES = (sp.Integer(1), sp.Integer(1), sp.Integer(1), sp.Integer(100), sp.Rational(1, 100))


class MatrixError(ArithmeticError):
    """An expression that has no value at this point: a singular inverse, shapes that do not agree."""


class Scalar(sp.Function):
    """The number in a 1 x 1 matrix expression (``w^T x`` used in a sum or a function).

    >>> x = sp.MatrixSymbol("x", 2, 1)
    >>> evaluate_matrices(Scalar(x.T * x), {}, {"x": sp.ImmutableMatrix([1, 2])}, {})
    5
    """

    nargs = 1
    is_commutative = True

    def _latex(self, printer: Any, exp: Any = None) -> str:
        inner = printer._print(self.args[0])
        return rf"\left({inner}\right)^{{{exp}}}" if exp is not None else inner


class Grad(sp.MatrixExpr):
    """The derivative of a number by a vector or matrix, with the shape of the variable (rule 15).

    >>> w = sp.MatrixSymbol("w", 2, 1)
    >>> evaluate_matrices(Grad(Scalar(w.T * w), w), {}, {"w": sp.ImmutableMatrix([1, 3])}, {}).T
    Matrix([[2, 6]])
    """

    def __new__(cls, of: sp.Expr, wrt: sp.MatrixSymbol) -> "Grad":
        if not isinstance(wrt, sp.MatrixSymbol):
            raise TypeError(f"a gradient is taken by a matrix or vector symbol, not {wrt}")
        if isinstance(of, sp.MatrixExpr):
            raise TypeError("only a number has a gradient here")
        return sp.Basic.__new__(cls, sp.sympify(of), wrt)

    @property
    def of(self) -> sp.Expr:
        return self.args[0]

    @property
    def wrt(self) -> sp.MatrixSymbol:
        return self.args[1]

    @property
    def shape(self) -> tuple[sp.Expr, sp.Expr]:
        return self.args[1].shape

    def doit(self, **hints: Any) -> "Grad":
        return self

    def _latex(self, printer: Any) -> str:
        return rf"\nabla_{{{printer._print(self.wrt)}}} \left({printer._print(self.of)}\right)"


def has_matrices(e: sp.Basic) -> bool:
    return isinstance(e, sp.Basic) and (isinstance(e, sp.MatrixExpr) or bool(e.atoms(sp.MatrixSymbol))
                                        or e.has(sp.Identity, sp.ZeroMatrix))


def matrix_symbols(exprs: list[sp.Basic]) -> list[sp.MatrixSymbol]:
    """The matrices and vectors the expressions use, in a fixed order."""
    found: set[sp.MatrixSymbol] = set()
    for e in exprs:
        found |= e.atoms(sp.MatrixSymbol)
    return sorted(found, key=lambda m: (str(m.name), str(m.shape)))


def shape_text(shape: tuple[Any, Any]) -> str:
    return f"{shape[0]} x {shape[1]}"


def show_matrix(m: sp.ImmutableMatrix) -> str:
    """``[[1, 2], [0, -1]]``; a column vector as ``[1, 2]^T``."""
    if m.cols == 1 and m.rows > 1:
        return "[" + ", ".join(str(v) for v in m) + "]^T"
    return "[" + ", ".join("[" + ", ".join(str(v) for v in m.row(i)) + "]" for i in range(m.rows)) + "]"


def symbolic_matrix(name: str, rows: int, cols: int, props: frozenset[str] = frozenset()) -> sp.ImmutableMatrix:
    """A matrix of real symbols; a symmetric (or definite) one shares s_ij with s_ji."""
    sym = bool(props & {"symmetric", "pd", "psd"})

    def entry(i: int, j: int) -> sp.Symbol:
        a, b = (min(i, j), max(i, j)) if sym else (i, j)
        return sp.Symbol(f"{name}[{a + 1},{b + 1}]", real=True)

    return sp.ImmutableMatrix(rows, cols, lambda i, j: entry(i, j))


def draw_matrix(rng: random.Random, rows: int, cols: int, props: frozenset[str], small: bool,
                edge: str = "") -> sp.ImmutableMatrix:
    """Exact random entries respecting the properties: B B^T + I is positive definite, the Cayley transform of a
    skew matrix is orthogonal; small integers first (readable counterexamples), then fractions. ``edge`` asks for
    the zero matrix or a singular one where the properties allow it (x^T x > 0 fails only there)."""
    if edge and not props & {"pd", "orthogonal", "invertible"}:
        if edge == "zero" or min(rows, cols) == 1 and "psd" not in props and "symmetric" not in props:
            return sp.ImmutableMatrix(sp.zeros(rows, cols))
        m = draw_matrix(rng, rows, cols, props, small)
        if props & {"psd", "symmetric"}:  # a singular one: B B^T with B of rank < n, or one row and column zeroed
            keep = sp.eye(rows)
            keep[rows - 1, rows - 1] = 0
            return sp.ImmutableMatrix(keep * m * keep)
        rows_ = [list(m.row(i)) for i in range(rows)]
        rows_[-1] = list(rows_[0]) if rows > 1 else [0] * cols
        return sp.ImmutableMatrix(rows_)

    scale = sp.Integer(1) if small else rng.choice(_ENTRY_SCALES)  # large and tiny entries too: no bound survives

    def num() -> sp.Rational:
        if small:
            return sp.Integer(rng.randint(-2, 2))
        return sp.Rational(rng.randint(-9, 9), rng.randint(1, 4)) * scale

    def general(r: int, c: int) -> sp.ImmutableMatrix:
        return sp.ImmutableMatrix(r, c, lambda i, j: num())

    n = rows
    if props & {"pd", "psd"}:
        # B B^T (rank k <= n: singular ones too) plus, for definite, a positive diagonal that may be small,
        # scaled: eigenvalues are not bounded below by 1 (a claim such as det(S) >= 1 must not survive)
        b = general(n, rng.randint(1, n) if "pd" not in props else n)
        m = b * b.T
        if "pd" in props:
            m = m + sp.diag(*[rng.choice(_SMALL_POSITIVE) for _ in range(n)])
        return sp.ImmutableMatrix(m * rng.choice(_SCALES))
    if "orthogonal" in props:
        k = general(n, n)
        k = (k - k.T) / 2
        q = (sp.eye(n) - k) * (sp.eye(n) + k).inv()  # the Cayley transform: a rotation (det 1) ...
        signs = sp.diag(*[rng.choice((1, -1)) for _ in range(n)])  # ... times signs, so det -1 occurs too
        return sp.ImmutableMatrix(q * signs)
    if "symmetric" in props:
        vals = {(i, j): num() for i in range(n) for j in range(i, n)}
        return sp.ImmutableMatrix(n, n, lambda i, j: vals[(min(i, j), max(i, j))])
    for _ in range(50):
        m = general(rows, cols)
        if "invertible" not in props or m.det() != 0:
            return m
    return sp.ImmutableMatrix(sp.eye(n))


@dataclass
class _Walk:
    """The explicit value of an expression: dimensions, matrices and scalars given (or left as symbols)."""

    dims: dict[sp.Basic, int]
    mats: dict[str, sp.ImmutableMatrix]
    scalars: dict[sp.Basic, sp.Expr]

    def size(self, d: sp.Expr) -> int:
        v = sp.sympify(d).xreplace({k: sp.Integer(n) for k, n in self.dims.items()})
        if not v.is_Integer or not 0 < int(v) <= MAX_DIM * 4:
            raise MatrixError(f"the dimension {d} has no whole value here")
        return int(v)

    def go(self, e: sp.Basic) -> Value:
        if isinstance(e, sp.MatrixSymbol):
            m = self.mats.get(str(e.name))
            if m is None:
                raise MatrixError(f"no value for {e.name}")
            if m.shape != (self.size(e.rows), self.size(e.cols)):
                raise MatrixError(f"{e.name} is {shape_text(m.shape)}, not {shape_text(e.shape)}")
            return m
        if isinstance(e, sp.Identity):
            return sp.ImmutableMatrix(sp.eye(self.size(e.rows)))
        if isinstance(e, sp.ZeroMatrix):
            return sp.ImmutableMatrix(sp.zeros(self.size(e.rows), self.size(e.cols)))
        if isinstance(e, sp.MatMul):
            return self._product([self.go(a) for a in e.args])
        if isinstance(e, sp.MatAdd):
            return self._sum([self.go(a) for a in e.args])
        if isinstance(e, sp.Transpose):
            return self._matrix(self.go(e.arg), "a transpose").T
        if isinstance(e, sp.Inverse):
            return self._inverse(self._matrix(self.go(e.arg), "an inverse"))
        if isinstance(e, sp.MatPow):
            base, k = self._matrix(self.go(e.base), "a power"), self.go(e.exp)
            if not (isinstance(k, sp.Integer)):
                raise MatrixError(f"a matrix power needs a whole exponent, not {k}")
            base = self._square(base, "a power")
            return sp.ImmutableMatrix(self._inverse(base) ** -int(k) if k < 0 else base ** int(k))
        if isinstance(e, sp.Trace):
            return self._square(self._matrix(self.go(e.arg), "a trace"), "a trace").trace()
        if isinstance(e, sp.Determinant):
            return self._square(self._matrix(self.go(e.arg), "a determinant"), "a determinant").det()
        if isinstance(e, MatrixElement):
            m = self._matrix(self.go(e.parent), "an element")
            i, j = (self.go(x) for x in (e.i, e.j))
            if not (isinstance(i, sp.Integer) and isinstance(j, sp.Integer) and 0 <= i < m.rows and 0 <= j < m.cols):
                raise MatrixError(f"element ({i}, {j}) is outside a {shape_text(m.shape)} matrix")
            return m[int(i), int(j)]
        if isinstance(e, Scalar):
            m = self._matrix(self.go(e.args[0]), "a number")
            if m.shape != (1, 1):
                raise MatrixError(f"a {shape_text(m.shape)} matrix is used as a number")
            return m[0, 0]
        if isinstance(e, Diff):
            return self._derivative(e)
        if isinstance(e, Grad):
            return self._derivative(Diff(e.of, e.wrt, 1))
        if isinstance(e, sp.Symbol):
            if e in self.dims:
                return sp.Integer(self.dims[e])
            return self.scalars.get(e, e)
        if e.is_Atom:
            return e
        if isinstance(e, (sp.Sum, sp.Product, sp.Subs, sp.Derivative, sp.Integral)):
            raise MatrixError(f"{type(e).__name__} is not evaluated with matrices")
        args = [self.go(a) for a in e.args]
        if any(isinstance(a, sp.MatrixBase) for a in args):
            raise MatrixError(f"a matrix inside {type(e).__name__}")
        return e.func(*args)

    @staticmethod
    def _matrix(v: Value, what: str) -> sp.ImmutableMatrix:
        if not isinstance(v, sp.MatrixBase):
            return sp.ImmutableMatrix([[v]])
        return v

    @staticmethod
    def _square(m: sp.ImmutableMatrix, what: str) -> sp.ImmutableMatrix:
        if m.rows != m.cols:
            raise MatrixError(f"{what} of a {shape_text(m.shape)} matrix")
        return m

    def _inverse(self, m: sp.ImmutableMatrix) -> sp.ImmutableMatrix:
        m = self._square(m, "an inverse")
        det = sp.expand(m.det()) if m.free_symbols else m.det()
        if det == 0:
            raise MatrixError("the inverse of a singular matrix")
        adj = m.adjugate()
        return sp.ImmutableMatrix(m.rows, m.cols, lambda i, j: sp.cancel(adj[i, j] / det) if m.free_symbols
                                  else adj[i, j] / det)

    @staticmethod
    def _product(vals: list[Value]) -> Value:
        scalar: sp.Expr = sp.S.One
        acc: Optional[sp.ImmutableMatrix] = None
        for v in vals:
            if not isinstance(v, sp.MatrixBase):
                scalar = scalar * v
                continue
            if acc is None:
                acc = v
                continue
            if acc.cols != v.rows:
                raise MatrixError(f"a {shape_text(acc.shape)} times a {shape_text(v.shape)} matrix")
            acc = sp.ImmutableMatrix(acc * v)
        if acc is not None and scalar.has(sp.zoo, sp.nan, sp.oo, -sp.oo):
            raise MatrixError("a factor has no value here (a division by zero)")  # 0 * zoo entries would read as 0
        return scalar if acc is None else sp.ImmutableMatrix(acc * scalar)

    @staticmethod
    def _sum(vals: list[Value]) -> Value:
        mats = [v for v in vals if isinstance(v, sp.MatrixBase)]
        if not mats:
            return sp.Add(*vals)
        if len(mats) != len(vals) or len({m.shape for m in mats}) != 1:
            raise MatrixError("a sum of terms of different shapes: " + ", ".join(
                shape_text(v.shape) if isinstance(v, sp.MatrixBase) else "number" for v in vals))
        acc = mats[0]
        for m in mats[1:]:
            acc = acc + m
        return sp.ImmutableMatrix(acc)

    def _derivative(self, e: Diff) -> Value:
        """By every entry of the variable, taken at free symbols and then evaluated where the variable is."""
        wrt = e.wrt
        if isinstance(wrt, sp.MatrixSymbol):
            if e.order != 1:
                raise MatrixError("a second derivative by a vector or matrix")
            at = self.go(wrt)
            if not at.free_symbols:
                return self._partials(e.of, str(wrt.name), at)
            free = symbolic_matrix(f"d{wrt.name}", at.rows, at.cols)
            of = self._number(_Walk(self.dims, {**self.mats, str(wrt.name): free}, self.scalars).go(e.of))
            back = dict(zip(free, at))
            return sp.ImmutableMatrix(at.rows, at.cols, lambda i, j: sp.diff(of, free[i, j]).xreplace(back))
        if isinstance(wrt, sp.Symbol):
            t = sp.Dummy(wrt.name, real=True)
            inner = _Walk(self.dims, self.mats, {**self.scalars, wrt: t})
            of = inner.go(e.of)
            for _ in range(e.order):
                of = of.diff(t) if not isinstance(of, sp.MatrixBase) else sp.ImmutableMatrix(of.diff(t))
            return of.xreplace({t: self.scalars.get(wrt, wrt)})
        raise MatrixError(f"a derivative by {wrt} with matrices")


    def _partials(self, of: sp.Basic, name: str, at: sp.ImmutableMatrix) -> sp.ImmutableMatrix:
        """At an explicit point: entry (i, j) is d/dt of ``of`` at ``at + t E_ij``, t = 0 (one symbol at a time)."""
        t = sp.Dummy("t", real=True)
        out = []
        for i in range(at.rows):
            for j in range(at.cols):
                moved = sp.ImmutableMatrix(at.rows, at.cols, lambda a, b: at[a, b] + (t if (a, b) == (i, j) else 0))
                f = self._number(_Walk(self.dims, {**self.mats, name: moved}, self.scalars).go(of))
                out.append(sp.diff(f, t).xreplace({t: 0}))
        return sp.ImmutableMatrix(at.rows, at.cols, out)

    @staticmethod
    def _number(v: Value) -> sp.Expr:
        if isinstance(v, sp.MatrixBase):
            if v.shape != (1, 1):
                raise MatrixError(f"the derivative of a {shape_text(v.shape)} matrix by a matrix (only a number "
                                  "has a gradient here)")
            return v[0, 0]
        return v


def evaluate_matrices(e: sp.Basic, dims: dict[sp.Basic, int], mats: dict[str, sp.ImmutableMatrix],
                      scalars: dict[sp.Basic, sp.Expr]) -> Value:
    """The explicit value of ``e``: a number or an explicit matrix."""
    return _Walk(dims, mats, scalars).go(e)
