"""Expectations (rule 16): linear, non-random factors move out, independence only where declared.

``Expect(body, random, independent, iid)``: the expectation of ``body`` over the symbols named in
``random`` (a name stands for a symbol or for every element of a family); ``independent`` names
mutually independent variables; ``iid`` is ``(family, mean, variance)`` or empty: the family's
elements are independent and identically distributed with that mean and variance.

The symbolic route (``expect_form``) distributes the expectation over sums, moves out what is
not random, splits products of declared-independent variables, uses the first two moments of an
iid family, and leaves every other moment opaque. The evaluation routes use a genuine finite
probability space per point (``Space``): each declared-independent variable has its own three
outcomes; every other random variable depends on all of them and on a latent state, so nothing
is independent that was not declared. A body whose random set is ``*`` was not declared: the
kernel refuses it (the reader checks every reading instead).
"""
from __future__ import annotations

import itertools
import random
from typing import Any, Callable, Iterator, Optional

import sympy as sp
from sympy import Indexed
from sympy.core.symbol import Str

__all__ = ["UNDECLARED", "Expect", "Space", "expect_form", "is_random", "random_atoms", "str_names", "value_atoms",
           "written_names"]

UNDECLARED = "*"

OUTCOMES = 5
LATENT = 6
MAX_SCENARIOS = 20_000


class Expect(sp.Function):
    """``E[body]`` over the variables named in ``random`` (see the module docstring)."""

    nargs = 4

    @classmethod
    def eval(cls, body: sp.Basic, rnd: sp.Basic, indep: sp.Basic, iid: sp.Basic) -> None:
        if not all(isinstance(t, sp.Tuple) for t in (rnd, indep, iid)):
            raise TypeError("Expect(body, random names, independent names, iid)")
        return None

    @property
    def body(self) -> sp.Expr:
        return self.args[0]

    @property
    def names(self) -> frozenset[str]:
        return frozenset(s.name for s in self.args[1].args)

    @property
    def independent(self) -> frozenset[str]:
        return frozenset(s.name for s in self.args[2].args)

    @property
    def iid(self) -> Optional[tuple[str, sp.Expr, sp.Expr]]:
        if not self.args[3].args:
            return None
        fam, mean, var = self.args[3].args
        return fam.name, mean, var

    def _eval_is_real(self) -> Optional[bool]:
        return self.body.is_real

    def _eval_derivative(self, s: sp.Basic) -> sp.Expr:
        """d/da E[f] = E[df/da] for a non-random a (a finite or dominated expectation); never by a random one."""
        if is_random(s, self.names) or UNDECLARED in self.names:
            raise ValueError(f"cannot differentiate an expectation with respect to {s}")
        return Expect(self.body.diff(s), *self.args[1:])

    def _latex(self, printer: Any, exp: Any = None) -> str:
        out = rf"\mathbb{{E}}\left[{printer._print(self.body)}\right]"
        return rf"{out}^{{{exp}}}" if exp is not None else out

    def _sympystr(self, printer: Any) -> str:
        return f"E[{printer._print(self.body)}]"


def is_random(a: sp.Basic, names: frozenset[str]) -> bool:
    if isinstance(a, sp.Symbol):
        return a.name in names
    if isinstance(a, Indexed):
        return str(a.base.label) in names
    return False


def value_atoms(e: sp.Basic) -> set[sp.Basic]:
    """What needs a value in ``e``: its elements and its symbols, not the labels of its families."""
    labels = {b.label for b in e.atoms(sp.IndexedBase)}
    return set(e.atoms(Indexed)) | {s for s in e.free_symbols if isinstance(s, sp.Symbol) and s not in labels}


def written_names(e: sp.Basic) -> set[str]:
    """The names ``e`` writes: symbols by name, elements by their family (``x_i`` is x, and i)."""
    return {str(a.base.label) if isinstance(a, Indexed) else a.name for a in value_atoms(e)}


def random_atoms(e: sp.Basic, names: frozenset[str]) -> set[sp.Basic]:
    return {a for a in value_atoms(e) if is_random(a, names)}


# ---------------------------------------------------------------- the symbolic route


def _has_random(e: sp.Basic, names: frozenset[str]) -> bool:
    return bool(random_atoms(e, names))


def expect_form(e: Expect, norm: Callable[[sp.Expr], sp.Expr]) -> sp.Expr:
    """The expectation rewritten by linearity, independence and the iid moments; opaque where none applies."""
    names = e.names
    return _linear(sp.expand(norm(e.body)), e, names)


def _linear(t: sp.Expr, e: Expect, names: frozenset[str]) -> sp.Expr:
    if not _has_random(t, names):
        return t
    if isinstance(t, sp.Add):
        return sp.Add(*[_linear(a, e, names) for a in t.args])
    if isinstance(t, sp.Sum) and not any(_has_random(sp.Tuple(lo, hi), names) for _, lo, hi in t.limits):
        return sp.Sum(_linear(sp.expand(t.function), e, names), *t.limits)
    factors = list(t.args) if isinstance(t, sp.Mul) else [t]
    const = [f for f in factors if not _has_random(f, names)]
    rnd = [f for f in factors if _has_random(f, names)]
    if len(rnd) == 1 and isinstance(rnd[0], (sp.Add, sp.Sum)):
        return sp.Mul(*const) * _linear(rnd[0], e, names)
    merged = _one_sum(rnd)
    if merged is not None:
        return sp.Mul(*const) * _linear(merged, e, names)
    return sp.Mul(*const) * _moment(rnd, e, names)


def _one_sum(factors: list[sp.Expr]) -> Optional[sp.Sum]:
    """A product with finite sums among its factors as one multiple sum (fresh indices), so that linearity
    reaches every term: (sum_m x_m)^2 = sum_m sum_n x_m x_n. None when no factor is a sum."""
    flat: list[sp.Expr] = []
    for f in factors:
        if isinstance(f, sp.Pow) and isinstance(f.base, sp.Sum) and f.exp.is_Integer and 1 < f.exp <= 4:
            flat.extend([f.base] * int(f.exp))
        else:
            flat.append(f)
    if not any(isinstance(f, sp.Sum) for f in flat):
        return None
    body: list[sp.Expr] = []
    limits: list[tuple] = []
    for f in flat:
        if not isinstance(f, sp.Sum):
            body.append(f)
            continue
        sub = {d: sp.Dummy(d.name, integer=True) for d, _, _ in f.limits}
        body.append(f.function.xreplace(sub))
        limits.extend((sub[d], lo.xreplace(sub), hi.xreplace(sub)) for d, lo, hi in f.limits)
    return sp.Sum(sp.expand(sp.Mul(*body)), *limits)


def _powers(factors: list[sp.Expr]) -> Optional[list[tuple[sp.Basic, int]]]:
    out = []
    for f in factors:
        base, n = (f.base, f.exp) if isinstance(f, sp.Pow) else (f, sp.S.One)
        if not (isinstance(base, (sp.Symbol, Indexed)) and n.is_Integer and n > 0):
            return None
        out.append((base, int(n)))
    return out


def _moment(factors: list[sp.Expr], e: Expect, names: frozenset[str]) -> sp.Expr:
    powers = _powers(factors)
    indep = e.independent
    if powers is not None and len(powers) > 1 and all(
            isinstance(b, sp.Symbol) and b.name in indep for b, _ in powers) and len({b for b, _ in powers}) == len(powers):
        return sp.Mul(*[_moment([b ** n], e, names) for b, n in powers])
    iid = e.iid
    if powers is not None and iid is not None and all(isinstance(b, Indexed) and str(b.base.label) == iid[0]
                                                       for b, _ in powers):
        _, mean, var = iid
        degree = sum(n for _, n in powers)
        if degree == 1:
            return mean
        if degree == 2 and len(powers) == 1:
            return var + mean ** 2
        if degree == 2 and len(powers) == 2:
            (a, _), (b, _) = powers
            if len(a.indices) == len(b.indices) == 1:
                return mean ** 2 + var * sp.KroneckerDelta(a.indices[0], b.indices[0])
    law = () if iid is None else (iid[1], iid[2])
    return _opaque(sp.Mul(*factors), names, law)


def _opaque(m: sp.Expr, names: frozenset[str], law: tuple = ()) -> sp.Expr:
    """``E[m]`` as a real undefined function of what in ``m`` is not random (indices included) and of the
    iid law's mean and variance (a higher moment still depends on them)."""
    free = sorted((s for s in m.free_symbols if not is_random(s, names)), key=sp.default_sort_key)
    holes = {s: sp.Symbol(f"_a{n}") for n, s in enumerate(free)}
    f = sp.Function(f"E<{sp.srepr(m.xreplace(holes))}|{len(law)}>", real=True)
    return f(*free, *law)


# ---------------------------------------------------------------- the evaluation routes


class Space:
    """One point's finite probability space: each declared-independent variable has its own three
    outcomes; every other random variable takes a value for each joint outcome and latent state."""

    def __init__(self, rng: random.Random, own: list[str]) -> None:
        self.rng = rng
        self.own = sorted(own)
        if OUTCOMES ** len(self.own) * LATENT > MAX_SCENARIOS:
            raise ValueError(f"too many independent random variables to write out ({len(self.own)})")
        self.weights = {n: self._weights(OUTCOMES) for n in self.own}
        self.latent = self._weights(LATENT)
        self.values: dict[tuple[Any, tuple], sp.Expr] = {}
        self.standard: Optional[tuple[list[sp.Rational], list[sp.Rational]]] = None

    def _weights(self, n: int) -> list[sp.Rational]:
        raw = [self.rng.randint(1, 9) for _ in range(n)]
        return [sp.Rational(r, sum(raw)) for r in raw]

    def value(self, a: sp.Basic, outcome: tuple[int, ...], state: int) -> sp.Expr:
        if isinstance(a, sp.Symbol) and a.name in self.own:
            key: tuple = (a.name, (outcome[self.own.index(a.name)],))
        else:
            key = (a, outcome + (state,))
        if key not in self.values:  # mostly small values, some large, denominators with several primes
            big = self.rng.random() < 0.2
            top = self.rng.randint(100, 2000) if big else self.rng.randint(0, 9)
            self.values[key] = sp.Rational(top * self.rng.choice((-1, 1)), self.rng.choice((1, 2, 3, 5, 7, 11)))
        return self.values[key]

    def scenarios(self) -> list[tuple[sp.Rational, tuple[int, ...], int]]:
        out = []
        for outcome in itertools.product(range(OUTCOMES), repeat=len(self.own)):
            w = sp.Mul(*[self.weights[n][k] for n, k in zip(self.own, outcome)])
            out.extend((w * self.latent[s], outcome, s) for s in range(LATENT))
        return out

    def _iid(self, e: Expect, value: Callable[[sp.Basic], sp.Expr]) -> tuple[list[sp.Expr], list[sp.Rational]]:
        """The iid family's law here: three points mean + sd * z with the weights of a standardised law."""
        if self.standard is None:
            self.standard = self._standard()
        assert e.iid is not None
        _, mean, var = e.iid
        mean, var = _at(mean, value), _at(var, value)
        if var.is_number and var.is_negative:
            raise ValueError(f"the variance {e.iid[2]} is negative here ({var})")
        z, w = self.standard
        return [mean + sp.sqrt(var) * zk for zk in z], w

    def _standard(self) -> tuple[list[sp.Rational], list[sp.Rational]]:
        """Rational points and positive weights with mean 0 and variance 1 (a random standardised law):
        two weights are free, the other three solve the three moment equations."""
        while True:
            z = sorted({sp.Rational(self.rng.randint(-19, 19), self.rng.choice((1, 2, 3, 5, 7))) for _ in range(OUTCOMES)})
            if len(z) < OUTCOMES:
                continue
            free = [sp.Rational(self.rng.randint(1, 9), 100) for _ in range(OUTCOMES - 3)]
            rest = sp.Matrix([[1, 1, 1], z[:3], [v ** 2 for v in z[:3]]]).LUsolve(sp.Matrix([
                1 - sum(free), -sum(f * v for f, v in zip(free, z[3:])), 1 - sum(f * v ** 2 for f, v in zip(free, z[3:]))]))
            w = list(rest) + free
            if all(x > 0 for x in w):
                return z, w

    def expectation(self, e: Expect, value: Callable[[sp.Basic], sp.Expr]) -> sp.Expr:
        """``E[body]`` on this space; ``value`` gives what is not random (inner expectations already taken)."""
        body = e.body
        names = e.names
        rnd = sorted(random_atoms(body, names), key=sp.default_sort_key)
        fixed = {a: value(a) for a in sorted(value_atoms(body) - set(rnd), key=sp.default_sort_key)}
        iid = e.iid
        sample = [a for a in rnd if iid is not None and isinstance(a, Indexed) and str(a.base.label) == iid[0]]
        cases: Iterator[tuple[sp.Expr, dict[sp.Basic, sp.Expr]]]
        if sample:
            if len(sample) != len(rnd):
                raise ValueError("an iid family together with other random variables in one expectation is not "
                                 "modelled")
            if OUTCOMES ** len(sample) > MAX_SCENARIOS:
                raise ValueError(f"too many sample elements to write out ({len(sample)})")
            points, weights = self._iid(e, value)
            cases = ((sp.Mul(*[weights[k] for k in outcome]), {a: points[k] for a, k in zip(sample, outcome)})
                     for outcome in itertools.product(range(OUTCOMES), repeat=len(sample)))
        else:
            cases = ((w, {a: self.value(a, outcome, state) for a in rnd}) for w, outcome, state in self.scenarios())
        total = sp.S.Zero
        for w, sub in cases:
            v = body.xreplace({**fixed, **sub})
            if v.is_number and v.is_real is not True:
                raise ValueError(f"{body} has no real value in one outcome ({v})")
            total += w * v
        return total


def _at(e: sp.Expr, value: Callable[[sp.Basic], sp.Expr]) -> sp.Expr:
    return e.xreplace({a: value(a) for a in value_atoms(e)})


def str_names(names: list[str]) -> sp.Tuple:
    return sp.Tuple(*[Str(n) for n in sorted(set(names))])
