"""Small pieces shared by the transformer: parse-tree helpers, factor values, derivatives.

A derivative inside a larger expression becomes the kernel's unevaluated ``Diff``; a side
that is one whole derivative is kept as ``DerivSide`` for a ``DerivativeOf`` claim. Either
way the kernel, not the reader, differentiates.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Optional, Union

import sympy as sp
from lark import Token, Tree

from derivations.kernel.calculus import Diff
from derivations.kernel.matrices import Grad, Scalar

__all__ = ["DECOR_SUFFIX", "GROUPS", "DerivSide", "Side", "Val", "atom_name", "decorated_scripts", "label_of", "postfix_name", "bold_letter", "differentiate", "is_num", "is_operator",
           "is_variable", "primed", "node_span", "tokens", "trees"]

DECOR_SUFFIX = {"hat": "hat", "widehat": "hat", "bar": "bar", "overline": "bar", "tilde": "tilde", "widetilde": "tilde"}
GROUPS = ("paren", "bracket", "brace", "texgroup")


@dataclass
class DerivSide:
    """A side that is one derivative ``d^order(of) / d(wrt)^order``, kept whole for a DerivativeOf claim."""

    of: sp.Expr
    wrt: sp.Expr
    order: int


Side = Union[sp.Expr, DerivSide]


@dataclass
class Val:
    """One factor of a product term while it is being read."""

    kind: str
    expr: Optional[sp.Expr] = None
    name: str = ""
    args: list = field(default_factory=list)
    wrt: Optional[sp.Expr] = None
    order: int = 1


def is_variable(v: sp.Basic) -> bool:
    """A symbol, a family element, or a squared one (the variance as the variable)."""
    if isinstance(v, sp.MatrixSymbol):
        return True
    if isinstance(v, sp.Pow) and v.exp == 2:
        v = v.base
    return isinstance(v, (sp.Symbol, sp.Indexed))


def primed(name: str, taken: set[str]) -> str:
    """``name'``, ``name''``, ...: the first not in ``taken`` (a bound index that cannot capture)."""
    name += "'"
    while name in taken:
        name += "'"
    return name


def differentiate(of: sp.Expr, wrt: sp.Expr, order: int = 1) -> sp.Expr:
    """The derivative as a kernel node: the kernel takes it (the reader never differentiates)."""
    if order < 1:
        return of
    if isinstance(wrt, sp.MatrixSymbol):
        if order != 1:
            raise ValueError("a second derivative by a vector or matrix is not read")
        if isinstance(of, sp.MatrixExpr):
            if of.shape != (1, 1):
                raise ValueError(f"only a number has a gradient here, not a {of.shape[0]} x {of.shape[1]} matrix")
            of = Scalar(of)
        return Grad(of, wrt)
    if isinstance(of, sp.MatrixExpr):
        raise ValueError("a derivative of a matrix by a number is not read")
    return Diff(of, wrt, order)


def node_span(node: Union[Tree, Token]) -> Optional[tuple[int, int]]:
    """Where a node stands in its row: its first token's start and its last token's end (None: no tokens).

    Computed on demand (only errors need it) instead of lark's propagated positions, which cost a third
    of the parse."""
    if isinstance(node, Token):
        return (node.start_pos or 0, node.end_pos if node.end_pos is not None else (node.start_pos or 0))
    first = last = None
    for c in node.children:
        if isinstance(c, (Tree, Token)):
            first = node_span(c)
            if first is not None:
                break
    for c in reversed(node.children):
        if isinstance(c, (Tree, Token)):
            last = node_span(c)
            if last is not None:
                break
    return (first[0], last[1]) if first is not None and last is not None else None


def trees(node: Tree) -> list[Tree]:
    return [c for c in node.children if isinstance(c, Tree)]


def tokens(node: Tree) -> list[Token]:
    return [c for c in node.children if isinstance(c, Token)]


def is_num(e: sp.Basic) -> bool:
    if isinstance(e, (sp.Symbol, sp.Indexed)) or not isinstance(e, sp.Basic):
        return False
    return bool(e.is_number) and not e.free_symbols


def decorated_scripts(postfix: Tree) -> bool:
    """Does the atom carry a label or a star that is part of its name?"""
    return any(isinstance(c, Tree) and c.data in ("label_subscript", "star_superscript") for c in postfix.children[1:])


def label_of(postfix: Tree) -> Optional[str]:
    """The upright label of ``\\mu_{\\mathrm{ML}}`` (``ML``), part of the name; None without one."""
    for c in postfix.children[1:]:
        if isinstance(c, Tree) and c.data == "label_subscript":
            return re.findall(r"\{\s*([A-Za-z]+)\s*\}", str(c.children[0]))[0]
    return None


def postfix_name(postfix: Tree) -> Optional[str]:
    """The name a letter-like atom with its label makes: ``mu_ML``, ``thetahat_mle``; None if not a letter."""
    if not isinstance(postfix.children[0], Tree):
        return None
    name = atom_name(postfix.children[0])
    if name is None:
        return None
    if any(isinstance(c, Tree) and c.data == "star_superscript" for c in postfix.children[1:]):
        name += "^*"  # w^* (an optimum) is a name of its own, never a power
    label = label_of(postfix)
    return f"{name}_{label}" if label is not None else name


def atom_name(atom: Tree) -> Optional[str]:
    """The name of a letter-like atom (``x``, ``sigma``, ``ell``, ``\\mathcal{L}``, ``muhat``), else None."""
    kind = atom.data
    if kind == "letter":
        return str(atom.children[0])
    if kind == "prob_name":
        return "Pr"
    if kind == "expect_name":
        return "\\mathbb{E}"
    if kind in ("greek", "ell"):
        return str(atom.children[0]).lstrip("\\")
    if kind == "mathcal":
        letter = re.findall(r"[A-Z]", str(atom.children[0])[len("\\mathcal"):])[0]
        return f"\\mathcal{{{letter}}}"
    if kind == "decorated":
        deco = str(atom.children[0]).lstrip("\\")
        base = str(trees(atom)[0].children[0]).lstrip("\\")
        return base + DECOR_SUFFIX[deco]
    if kind == "font":
        m = re.match(r"\\([a-z]+)\s*\{\s*([a-zA-Z]+)\s*\}", str(atom.children[0]))
        assert m is not None
        font, letters = m.groups()
        if font == "mathrm" and letters == "e":
            return "e"
        if len(letters) > 1 and font in ("mathrm", "operatorname", "text"):
            return f"\\operatorname{{{letters}}}"
        return f"\\{font}{{{letters}}}"
    if kind == "bold":
        return f"\\mathbf{{{str(trees(atom)[0].children[0]).lstrip(chr(92))}}}"
    return None


def is_operator(name: str) -> bool:
    """A multi-letter roman name (``\\operatorname{sgn}``, ``\\mathrm{MSE}``, a ``\\DeclareMathOperator``)."""
    return name.startswith("\\operatorname{")


def bold_letter(name: str) -> Optional[str]:
    """The letter of a bold name (``\\mathbf{x}`` -> ``x``), else None."""
    return name[len("\\mathbf{"):-1] if name.startswith("\\mathbf{") else None


