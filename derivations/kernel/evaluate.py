"""Direct evaluation at exact points: the kernel's second opinion, sharing nothing with the rewriting.

Every sum and product is written out term by term over exactly the integers its bounds
give (an empty range is 0 for a sum and 1 for a product), every indicator is compared
value by value, every function is applied to exact numbers. A symbolic proof is trusted
only when this agrees with it, and a counterexample is reported only when this confirms
it. Nothing here calls ``normalize``, ``doit`` or SymPy's summation; where every value is
rational the arithmetic is Python's ``Fraction``, not SymPy's.
"""
from __future__ import annotations

from fractions import Fraction
from typing import Callable, Optional

import sympy as sp
from sympy import Indexed, IndexedBase
from sympy.core.function import AppliedUndef

from derivations.kernel.calculus import Diff
from derivations.kernel.expectation import Expect
from derivations.kernel.probability import Prob, variable, variable_name

__all__ = ["MAX_TERMS", "OutOfRange", "Undefined", "derivative_app", "evaluate", "structure"]

MAX_TERMS = 40_000

Lookup = Callable[[sp.Basic], sp.Expr]


class Undefined(ArithmeticError):
    """The expression has no value at this point (a division by zero, a range too long, ...)."""


class OutOfRange(Undefined):
    """A label element past the end of its family (``y_5`` when there are 4 samples)."""


class _Run:
    def __init__(self, ints: dict[sp.Basic, int], labels: dict[IndexedBase, list[int]],
                 lookup: Optional[Lookup]) -> None:
        self.ints = ints
        self.labels = labels
        self.lookup = lookup
        self.terms = 0

    # The walk: ``env`` binds the indices of the sums and products being written out.
    def go(self, e: sp.Basic, env: dict[sp.Basic, int]) -> sp.Basic:
        if isinstance(e, (sp.Rational, sp.NumberSymbol, sp.core.numbers.ImaginaryUnit)) or e in (sp.zoo, sp.nan):
            return e
        if isinstance(e, sp.Symbol):
            if e in env:
                return sp.Integer(env[e])
            if e in self.ints:
                return sp.Integer(self.ints[e])
            return self.lookup(e) if self.lookup else e
        if isinstance(e, Indexed):
            idx = tuple(self.go(i, env) for i in e.indices)
            base = e.base
            if base in self.labels and len(idx) == 1 and idx[0].is_Integer:
                vals = self.labels[base]
                n = int(idx[0])
                if not 1 <= n <= len(vals):
                    raise OutOfRange(f"label {base.label}[{n}] is outside 1..{len(vals)}")
                return sp.Integer(vals[n - 1])
            el = base[idx]
            if self.lookup and all(i.is_Integer for i in idx):
                return self.lookup(el)
            return el
        if isinstance(e, (sp.Sum, sp.Product)):
            return self._bigop(e, env)
        if isinstance(e, sp.KroneckerDelta):
            a, b = (self.go(x, env) for x in e.args)
            if self.lookup is None and not (a.is_number and b.is_number):
                return sp.KroneckerDelta(a, b)
            return sp.S.One if _equal(a, b) else sp.S.Zero
        if isinstance(e, sp.Piecewise):
            for expr, cond in e.args:
                c = self.go(cond, env)
                if c == sp.true:
                    return self.go(expr, env)
                if c != sp.false:
                    if self.lookup is None:
                        return sp.Piecewise(*[(self.go(x, env), self.go(k, env)) for x, k in e.args])
                    raise Undefined(f"condition {cond} is not decided at this point")
            raise Undefined("no case of a piecewise expression applies")
        if isinstance(e, sp.core.relational.Relational):
            a, b = self.go(e.lhs, env), self.go(e.rhs, env)
            return type(e)(a, b)
        if isinstance(e, sp.Subs) and e.expr.has(Diff):
            # a defined derivative applied: kept for the kernel to take (see calculus.expand_diffs)
            return sp.Subs(self.go(e.expr, env), e.variables, [self.go(p, env) for p in e.point])
        if isinstance(e, (sp.Derivative, sp.Subs)):
            return self._derivative(e, env)
        if isinstance(e, Prob):
            return self._probability(e, env)
        if isinstance(e, Expect):
            # the body written out at this point (sums, indices), its symbols kept; the point's space takes it
            concrete = Expect(_Run(self.ints, self.labels, None).go(e.body, env), *e.args[1:])
            return concrete if self.lookup is None else self.lookup(concrete)
        if isinstance(e, AppliedUndef):
            args = tuple(self.go(a, env) for a in e.args)
            app = e.func(*args)
            if self.lookup and all(a.is_number for a in args):
                return self.lookup(app)
            return app
        if isinstance(e, (sp.logic.boolalg.BooleanTrue, sp.logic.boolalg.BooleanFalse)):
            return e
        args = [self.go(a, env) for a in e.args]
        if isinstance(e, sp.Add):
            return sp.Add(*args)
        if isinstance(e, sp.Mul):
            return sp.Mul(*args)
        if isinstance(e, sp.Pow):
            base, exp = args
            if base == 0 and exp.is_number and exp.is_negative:
                raise Undefined("division by zero")
            return sp.Pow(base, exp)
        return e.func(*args)

    def _bigop(self, e: sp.Basic, env: dict[sp.Basic, int]) -> sp.Basic:
        parts = self._terms(e, env, self.go, self._integer)
        return sp.Add(*parts) if isinstance(e, sp.Sum) else sp.Mul(*parts)

    def _integer(self, bound: sp.Basic, env: dict[sp.Basic, int]) -> int:
        v = self.go(bound, env)
        if not v.is_Integer:
            raise Undefined(f"bound {bound} is not an integer" + (" at this size" if self.lookup is None else ""))
        return int(v)

    def _terms(self, e: sp.Basic, env: dict[sp.Basic, int], value: Callable, integer: Callable) -> list:
        """Every term of a sum or product, limits outermost first (inner bounds may use outer indices).

        A range lo..hi gives exactly the integers from lo to hi: none when hi < lo.
        """
        limits = list(e.limits)
        out: list = []

        def level(k: int, env: dict[sp.Basic, int]) -> None:
            if k < 0:
                out.append(value(e.function, env))
                return
            d, lo, hi = limits[k]
            lo_v, hi_v = integer(lo, env), integer(hi, env)
            self.terms += max(0, hi_v - lo_v + 1)
            if self.terms > MAX_TERMS:
                raise Undefined(f"more than {MAX_TERMS} terms to write out")
            for v in range(lo_v, hi_v + 1):
                level(k - 1, {**env, d: v})

        level(len(limits) - 1, env)
        return out

    def _probability(self, e: Prob, env: dict[sp.Basic, int]) -> sp.Basic:
        """The variables' indices and the values at this point; the point's distribution gives the number."""
        def pairs(ps: tuple) -> sp.Tuple:
            out = []
            for var, val in ps:
                name, idx = variable_name(var)
                out.append(sp.Tuple(variable(name, tuple(self.go(i, env) for i in idx)), self.go(val, env)))
            return sp.Tuple(*out)

        concrete = Prob(e.args[0], pairs(e.event), pairs(e.given))
        if self.lookup is None:
            return concrete
        return self.lookup(concrete)

    def _derivative(self, e: sp.Basic, env: dict[sp.Basic, int]) -> sp.Basic:
        """A derivative of an undefined function at a point is a value of its own, as free as the function."""
        try:
            app = derivative_app(e)
        except ValueError as exc:
            raise Undefined(str(exc)) from None
        return self.go(app, env)


def derivative_app(e: sp.Basic) -> AppliedUndef:
    """``g'(z)`` as an undefined function of its own: ``Derivative(g(z), z)`` -> ``g'0^1(z)``; Subs likewise."""
    at: dict[sp.Basic, sp.Basic] = {}
    if isinstance(e, sp.Subs):
        inner, vars_, pts = e.args
        at = dict(zip(vars_, pts))
        e = inner
    if not isinstance(e, sp.Derivative) or not isinstance(e.expr, AppliedUndef):
        raise ValueError(f"cannot evaluate the derivative {e} directly")
    f = e.expr
    orders = []
    for v, n in e.variable_count:
        if v not in f.args:
            raise ValueError(f"derivative of {f} with respect to {v}, which is not one of its arguments")
        orders.append((f.args.index(v), int(n)))
    name = f"{f.func.__name__}'" + "".join(f"{p}^{n}" for p, n in sorted(orders))
    return sp.Function(name)(*[at.get(a, a) for a in f.args])


class _Slow(Exception):
    """Not plain rational arithmetic: evaluate with exact SymPy numbers instead."""


_RELATIONS = {sp.Eq: lambda a, b: a == b, sp.Ne: lambda a, b: a != b, sp.Lt: lambda a, b: a < b,
              sp.Le: lambda a, b: a <= b, sp.Gt: lambda a, b: a > b, sp.Ge: lambda a, b: a >= b}


class _Rational(_Run):
    """The same walk in Python's ``Fraction``: fast, and independent of SymPy's arithmetic."""

    def num(self, e: sp.Basic, env: dict[sp.Basic, int]) -> "Fraction | bool":
        if isinstance(e, sp.Rational):
            return Fraction(int(e.p), int(e.q))
        if isinstance(e, (sp.Symbol, Indexed, AppliedUndef)):
            v = self.go(e, env) if not isinstance(e, AppliedUndef) else self._app(e, env)
            if not isinstance(v, sp.Rational):
                raise _Slow()
            return Fraction(int(v.p), int(v.q))
        if isinstance(e, sp.Add):
            return sum((self.num(a, env) for a in e.args), Fraction(0))
        if isinstance(e, sp.Mul):
            out = Fraction(1)
            for a in e.args:
                out *= self.num(a, env)
            return out
        if isinstance(e, sp.Pow) and e.exp.is_Integer:
            base = self.num(e.base, env)
            if base == 0 and e.exp < 0:
                raise Undefined("division by zero")
            return base ** int(e.exp)
        if isinstance(e, (sp.Sum, sp.Product)):
            return self._loops(e, env)
        if isinstance(e, sp.KroneckerDelta):
            a, b = (self.num(x, env) for x in e.args)
            return Fraction(int(a == b))
        if isinstance(e, sp.Piecewise):
            for expr, cond in e.args:
                if cond == sp.true or self.num(cond, env):
                    return self.num(expr, env)
            raise Undefined("no case of a piecewise expression applies")
        if type(e) in _RELATIONS:
            return _RELATIONS[type(e)](self.num(e.lhs, env), self.num(e.rhs, env))
        raise _Slow()

    def _app(self, e: AppliedUndef, env: dict[sp.Basic, int]) -> sp.Basic:
        args = tuple(sp.Rational(v.numerator, v.denominator) for v in (self.num(a, env) for a in e.args))
        return self.lookup(e.func(*args)) if self.lookup else e

    def _loops(self, e: sp.Basic, env: dict[sp.Basic, int]) -> Fraction:
        terms = self._terms(e, env, self.num, self._whole)
        if isinstance(e, sp.Sum):
            return sum(terms, Fraction(0))
        out = Fraction(1)
        for t in terms:
            out *= t
        return out

    def _whole(self, bound: sp.Basic, env: dict[sp.Basic, int]) -> int:
        v = self.num(bound, env)
        if v.denominator != 1:
            raise Undefined(f"bound {bound} is not an integer")
        return int(v)


def _equal(a: sp.Basic, b: sp.Basic) -> bool:
    d = a - b
    if d.is_Rational:
        return d == 0
    z = d.is_zero
    if z is None:
        raise Undefined(f"cannot decide whether {a} = {b}")
    return bool(z)


def evaluate(e: sp.Basic, ints: dict[sp.Basic, int], labels: dict[IndexedBase, list[int]],
             lookup: Lookup) -> sp.Basic:
    """The exact value of ``e``: sizes and indices from ``ints``, labels, every other atom from ``lookup``.

    >>> N, i = sp.Symbol("N", integer=True, positive=True), sp.Symbol("i", integer=True)
    >>> evaluate(sp.Sum(i, (i, 1, N)), {N: 4}, {}, lambda a: sp.S.Zero)
    10
    >>> evaluate(sp.Product(2, (i, 3, N)), {N: 1}, {}, lambda a: sp.S.Zero)  # an empty product
    1
    """
    try:
        v = _Rational(ints, labels, lookup).num(e, {})
    except _Slow:
        return _Run(ints, labels, lookup).go(e, {})
    except ZeroDivisionError:
        raise Undefined("division by zero") from None
    if isinstance(v, bool):
        return sp.true if v else sp.false
    return sp.Rational(v.numerator, v.denominator)


def structure(e: sp.Basic, ints: dict[sp.Basic, int], labels: dict[IndexedBase, list[int]]) -> sp.Basic:
    """``e`` at concrete sizes, sums and products written out, other symbols left symbolic (to differentiate)."""
    return _Run(ints, labels, None).go(e, {})
