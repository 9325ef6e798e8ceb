"""Derivatives inside expressions, taken by the kernel and never by a front end.

A reader that meets ``\\frac{\\partial}{\\partial x}(...)`` inside a larger expression writes
``Diff(of, wrt, order)``; the kernel takes it on each route separately: the symbolic route
after normalising ``of``, the evaluation routes after writing out sums at concrete sizes
(so a bound index is never confused with the variable).
"""
from __future__ import annotations

from typing import Any, Callable

import sympy as sp
from sympy import Indexed

__all__ = ["Diff", "alpha_rename", "at", "expand_diffs", "has_diff"]


class Diff(sp.Function):
    """``d^order(of) / d(wrt)^order``, unevaluated until the kernel takes it (``wrt`` may be ``s**2``).

    >>> x = sp.Symbol("x")
    >>> expand_diffs(Diff(x**3, x, 2) + 1, lambda of, wrt: sp.diff(of, wrt))
    6*x + 1
    """

    nargs = 3

    @classmethod
    def eval(cls, of: sp.Expr, wrt: sp.Expr, order: sp.Expr) -> None:
        if not (order.is_Integer and order > 0):
            raise ValueError(f"the order of a derivative must be a positive integer, not {order}")
        return None

    @property
    def of(self) -> sp.Expr:
        return self.args[0]

    @property
    def wrt(self) -> sp.Expr:
        return self.args[1]

    @property
    def order(self) -> int:
        return int(self.args[2])

    def _latex(self, printer: Any) -> str:
        n = self.order
        top = r"\partial" if n == 1 else rf"\partial^{{{n}}}"
        wrt = printer._print(self.wrt)
        bottom = rf"\partial {wrt}" if n == 1 else rf"\partial \left({wrt}\right)^{{{n}}}"
        of = printer._print(self.of)
        if not (self.of.is_Atom or isinstance(self.of, sp.Indexed)):
            of = rf"\left({of}\right)"
        return rf"\frac{{{top}}}{{{bottom}}} {of}"


def at(e: sp.Expr, values: dict[sp.Basic, sp.Expr]) -> sp.Expr:
    """``e`` with ``values`` put in after its derivatives are taken (``xreplace`` when it has none).

    >>> x, a = sp.symbols("x a")
    >>> expand_diffs(at(Diff(x**2, x, 1), {x: a}), lambda of, wrt: sp.diff(of, wrt))
    2*a
    """
    if not has_diff(e):
        return e.xreplace(values)
    keys = list(values)
    return sp.Subs(e, keys, [values[k] for k in keys])


def has_diff(e: sp.Basic) -> bool:
    return isinstance(e, sp.Basic) and e.has(Diff)


def expand_diffs(e: sp.Basic, take: Callable[[sp.Expr, sp.Expr], sp.Expr]) -> sp.Basic:
    """Every ``Diff`` replaced, innermost first, by ``take(of, wrt)`` applied ``order`` times."""
    if not has_diff(e):
        return e
    if isinstance(e, sp.Subs):
        # a function defined by a derivative, applied: take the derivative, then put the arguments in
        inner = alpha_rename(expand_diffs(e.expr, take))
        return inner.xreplace(dict(zip(e.variables, [expand_diffs(p, take) for p in e.point])))
    args = [expand_diffs(a, take) for a in e.args]
    if isinstance(e, Diff):
        of, wrt = args[0], args[1]
        for _ in range(e.order):
            of = take(of, wrt)
        return of
    return e.func(*args)


def alpha_rename(e: sp.Expr) -> sp.Expr:
    """Give every summation and product index a fresh name, so substituting a free symbol never captures."""
    if not isinstance(e, sp.Basic) or e.is_Atom or isinstance(e, Indexed):
        return e
    args = [alpha_rename(a) for a in e.args]
    if isinstance(e, (sp.Sum, sp.Product)):
        body, lims = args[0], [tuple(l) for l in e.limits]
        sub = {l[0]: sp.Dummy(str(l[0]), integer=True) for l in lims}
        return e.func(body.xreplace(sub), *[(sub[d], lo.xreplace(sub), hi.xreplace(sub)) for d, lo, hi in lims])
    return e.func(*args)
