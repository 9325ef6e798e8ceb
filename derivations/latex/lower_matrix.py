"""Vectors and matrices while lowering (rule 15): products in order, sums of one shape, transposes.

The lowering builds SymPy matrix expressions (``MatrixSymbol``, ``MatMul``, ``Transpose``, ...)
and never rewrites them; the kernel checks them entry by entry. Shapes are unified as the
expressions are built (``ShapeStore``); a product or sum whose shapes cannot agree is an
error naming both shapes. A 1 x 1 product used as a number (``w^T x + b``) is ``Scalar``.
"""
from __future__ import annotations

import re
from typing import Any, Optional, Union

import sympy as sp
from lark import Token, Tree

from derivations.kernel.matrices import Grad, Scalar
from derivations.latex.shapes import ShapeStore

__all__ = ["MatrixOps", "display_name", "factor_name", "is_matrix"]


def display_name(name: str) -> str:
    """The name a matrix symbol prints with: ``\\mathbf{Sigma}`` (the reader's name) is ``\\boldsymbol{\\Sigma}``."""
    m = re.fullmatch(r"\\mathbf\{([A-Za-z]{2,})\}(.*)", name)
    return rf"\boldsymbol{{\{m.group(1)}}}{m.group(2)}" if m else name


def factor_name(e: Any) -> Optional[str]:
    """The letter a factor is written with: ``A``, ``A^{-1}``, ``A^T``, ``\\mathbf{x}`` (None for anything else)."""
    if isinstance(e, (sp.Pow, sp.Inverse, sp.Transpose, sp.MatPow)):
        e = e.args[0]
    if isinstance(e, (sp.Symbol, sp.MatrixSymbol)):
        return str(e.name)
    return None


def is_matrix(e: Any) -> bool:
    return isinstance(e, sp.MatrixExpr)


def _shape_text(shape: tuple[Any, Any]) -> str:
    return f"{shape[0]} x {shape[1]}"


class MatrixOps:
    """Matrix operations for the lowering; the host provides ``error``, ``kinds`` and ``shapes``."""

    shapes: ShapeStore

    def error(self, message: str, node: Union[Tree, Token, None]) -> Any:  # pragma: no cover - the host's
        raise NotImplementedError

    def shape_error(self, message: str, node: Union[Tree, Token, None]) -> Any:
        """An error of shapes: a reading under which the row cannot be what its author meant."""
        e = self.error(message, node)
        e.ill_typed = True
        return e

    def shape_of(self, e: sp.MatrixExpr) -> tuple[sp.Expr, sp.Expr]:
        r, c = self.shapes.resolve(e).shape
        return self.shapes.find(r), self.shapes.find(c)

    def matrix_symbol(self, name: str, vector: bool) -> sp.MatrixSymbol:
        shown = display_name(name)
        r, c = self.shapes.shape(shown, vector)
        return sp.MatrixSymbol(shown, self.shapes.find(r), self.shapes.find(c))

    def identity(self, node: Union[Tree, Token], size: Optional[sp.Expr] = None) -> sp.MatrixExpr:
        if size is None:
            size = self.shapes.shape(f"I@{self.offset(node)}", False)[0]  # type: ignore[attr-defined]
        return sp.Identity(size)

    # ------------------------------------------------------------ numbers from 1 x 1 products
    def number(self, v: sp.Expr, what: str, node: Union[Tree, Token, None]) -> sp.Expr:
        """``v`` used as a number: a 1 x 1 matrix expression becomes its entry; a larger one is an error."""
        if not is_matrix(v):
            return v
        shape = self.shape_of(v)
        if shape == (1, 1):
            return Scalar(self.shapes.resolve(v))
        raise self.shape_error(f"{what}: a {_shape_text(shape)} matrix where a number is needed", node)

    # ------------------------------------------------------------ products and sums
    def product(self, factors: list[sp.Expr], node: Union[Tree, Token, None]) -> sp.Expr:
        """Factors in the order written; adjacent matrices must agree, a 1 x 1 product between them is a number."""
        scalars: list[sp.Expr] = []
        chain: list[sp.Expr] = []
        for f in factors:
            if not is_matrix(f):
                scalars.append(f)
                continue
            if chain:
                left = self.shape_of(chain[-1])
                right = self.shape_of(f)
                if not self.shapes.unify(left[1], right[0]):
                    whole = (self.shape_of(chain[0])[0], left[1])
                    if whole == (1, 1):
                        scalars.append(Scalar(self.shapes.resolve(sp.MatMul(*chain))))
                        chain = [f]
                        continue
                    if right == (1, 1):
                        scalars.append(Scalar(self.shapes.resolve(f)))
                        continue
                    raise self.shape_error(f"the shapes of this product cannot agree: a {_shape_text(whole)} matrix times "
                                     f"a {_shape_text(right)} one", node)
            chain.append(f)
        if not chain:
            return sp.Mul(*scalars)
        chain = [self.shapes.resolve(f) for f in chain]
        return sp.MatMul(*scalars, *chain) if scalars else (chain[0] if len(chain) == 1 else sp.MatMul(*chain))

    def divided(self, top: sp.Expr, den: list[sp.Expr], node: Union[Tree, Token, None]) -> sp.Expr:
        den = [self.number(d, "a divisor", node) for d in den]
        return self.product([top, sp.Pow(sp.Mul(*den), -1)], node)

    def msum(self, parts: list[sp.Expr], node: Union[Tree, Token, None]) -> sp.Expr:
        mats = [p for p in parts if is_matrix(p)]
        if not mats:
            return sp.Add(*parts)
        others = [p for p in parts if not is_matrix(p)]
        shapes = [self.shape_of(m) for m in mats]
        if others:
            if all(s == (1, 1) for s in shapes):
                return sp.Add(*others, *[Scalar(self.shapes.resolve(m)) for m in mats])
            if all(o == 0 for o in others):
                return self.msum(mats, node)
            raise self.shape_error(f"a number added to a {_shape_text(shapes[0])} matrix", node)
        for s in shapes[1:]:
            if not (self.shapes.unify(shapes[0][0], s[0]) and self.shapes.unify(shapes[0][1], s[1])):
                raise self.shape_error(f"a sum of a {_shape_text(shapes[0])} and a {_shape_text(s)} matrix", node)
        return sp.MatAdd(*[self.shapes.resolve(m) for m in mats])

    # ------------------------------------------------------------ operations
    def transpose(self, v: sp.Expr, node: Union[Tree, Token, None]) -> sp.Expr:
        if not is_matrix(v):
            raise self.shape_error("a transpose of a number (declare '% vectors:' or '% matrices:', or write bold "
                             "letters, for vectors and matrices)", node)
        return sp.Transpose(self.shapes.resolve(v))

    def square(self, v: sp.MatrixExpr, what: str, node: Union[Tree, Token, None]) -> sp.MatrixExpr:
        r, c = self.shape_of(v)
        if not self.shapes.unify(r, c):
            raise self.shape_error(f"{what} of a {_shape_text((r, c))} matrix, which is not square", node)
        return self.shapes.resolve(v)

    def mpower(self, base: sp.MatrixExpr, exp: sp.Expr, node: Union[Tree, Token, None]) -> sp.Expr:
        """``A^{-1}`` is the inverse, ``A^2`` the product A A; a 1 x 1 product is a number first."""
        if self.shape_of(base) == (1, 1):
            return sp.Pow(Scalar(self.shapes.resolve(base)), exp)
        if not (exp.is_Integer and exp != 0):
            raise self.error(f"a power {exp} of a matrix (only whole powers and ^{{-1}} are read)", node)
        sq = self.square(base, "an inverse" if exp < 0 else "a power", node)
        if exp == -1:
            return sp.Inverse(sq)
        return sp.MatPow(sq, exp)

    def trace(self, v: sp.Expr, node: Union[Tree, Token, None]) -> sp.Expr:
        if not is_matrix(v):
            raise self.shape_error("the trace of a number", node)
        return sp.Trace(self.square(v, "the trace", node))

    def det(self, v: sp.Expr, node: Union[Tree, Token, None]) -> sp.Expr:
        if not is_matrix(v):
            raise self.shape_error("the determinant of a number (|x| of a number is written for its absolute value)", node)
        return sp.Determinant(self.square(v, "the determinant", node))

    def norm(self, v: sp.Expr, which: str, node: Union[Tree, Token, None]) -> sp.Expr:
        """``\\|x\\|`` and ``\\|x\\|_2`` of a vector, ``\\|A\\|_F`` of a matrix: square roots of sums of squares."""
        r, c = self.shape_of(v)
        v = self.shapes.resolve(v)
        if which == "F":
            return sp.sqrt(sp.Trace(sp.MatMul(sp.Transpose(v), v)))
        if c != 1:
            raise self.error(f"the norm \\|.\\|{('_' + which) if which else ''} of a {_shape_text((r, c))} matrix: "
                             "write \\|A\\|_F for the Frobenius norm", node)
        if which not in ("", "2"):
            raise self.error(f"the norm \\|.\\|_{which} of a vector is not read (only \\|x\\| and \\|x\\|_2)", node)
        return sp.sqrt(Scalar(sp.MatMul(sp.Transpose(v), v)))

    def gradient(self, of: sp.Expr, wrt: sp.MatrixSymbol, node: Union[Tree, Token, None]) -> sp.Expr:
        """``\\nabla_{w} f``: the shape of w; only a number has a gradient here."""
        return Grad(self.number(of, "the function differentiated by a vector or matrix", node), wrt)
