"""Random exact points that respect the assumptions.

Sizes (K, D, N) become small integers (1, 2 and 3 first, then random), free indices
integers, label families integers, every other symbol, family element and value of an
undefined function a random rational: exact, never float64. A drawn value respects the
bounds that the assumptions put on it directly; whether a whole point satisfies every
assumption is asked of ``_assume.violated``, and a point that does not is never used.
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Callable, Optional

import sympy as sp
from sympy import Indexed, IndexedBase
from sympy.core.function import AppliedUndef

from derivations.kernel.assume import bounds, point_symbols, violated
from derivations.kernel.claims import Assumptions
from derivations.kernel.calculus import alpha_rename
from derivations.kernel.evaluate import derivative_app
from derivations.kernel.expectation import UNDECLARED, Expect, Space
from derivations.kernel.probability import Model, Prob

__all__ = ["POSITIVE_FUNCTIONS", "alpha_rename", "function_name", "Instantiation", "Sampler", "SamplingError"]

MAX_ELEMENTS = 4000
EDGE_VALUES = (sp.S.Zero, sp.S.One, sp.S.NegativeOne, sp.Integer(2), sp.Rational(1, 2))
EDGE_NONNEG = (sp.S.Zero, sp.S.One, sp.Integer(2), sp.Rational(1, 2))
EDGE_POSITIVE = (sp.S.One, sp.Integer(2), sp.Rational(1, 2))
POSITIVE_FUNCTIONS = frozenset({"p", "P", "q", "Pr"})


class SamplingError(ValueError):
    """No point satisfying the assumptions could be drawn."""


def function_name(f: AppliedUndef) -> str:
    """``p`` for ``p``, ``p|1`` (a conditional) and ``p'0^1`` (a derivative's value)."""
    return f.func.__name__.split("|")[0].split(";")[0].split("'")[0]


@dataclass
class Instantiation:
    """One random point: integer sizes, indices and labels first, values drawn on demand."""

    ints: dict[sp.Basic, int]
    labels: dict[IndexedBase, list[int]]
    rng: random.Random
    assumptions: Assumptions
    values: dict[sp.Basic, sp.Expr] = field(default_factory=dict)
    expand: Callable[[sp.Expr], sp.Expr] = field(default=lambda e: _expand_finite(e), repr=False)
    _drawing: set = field(default_factory=set, repr=False)
    used: set = field(default_factory=set, repr=False)
    edge: Optional[int] = None
    same_edge: bool = False  # every value the same edge value: x = y = 0, x = y = 1 (coincidences)
    _model: Optional[Model] = field(default=None, repr=False)
    _space: Optional[Space] = field(default=None, repr=False)

    @property
    def model(self) -> Model:
        """This point's random distributions (rule 16), drawn when a probability is first evaluated."""
        if self._model is None:
            self._model = Model(random.Random(self.rng.random()), self._support)
        return self._model

    def _support(self, name: str, idx: tuple[int, ...]) -> Optional[tuple[int, int]]:
        """The whole values ``lo..hi`` a random variable is assumed to take here, or None (a density)."""
        for r in self.assumptions.relations:
            for a in r.free_symbols | r.atoms(IndexedBase):
                if (not idx and isinstance(a, sp.Symbol) and a.name == name) or (
                        idx and isinstance(a, IndexedBase) and str(a.label) == name):
                    if not a.is_integer:
                        return None
                    lows, highs, _, _ = bounds(self.assumptions.relations, a)
                    lo, hi = self._tightest(lows, highs)
                    if lo is None or hi is None:
                        return None
                    return int(sp.ceiling(lo)), int(sp.floor(hi))
        return None

    def expectations(self, e: sp.Expr, keep: bool = False) -> sp.Expr:
        """Every expectation in a structural expression taken on this point's probability space, innermost
        first; with ``keep`` what is not random stays a symbol (so it can still be differentiated)."""
        if not (isinstance(e, sp.Basic) and e.has(Expect)):
            return e
        if isinstance(e, Expect):
            if UNDECLARED in e.names:
                raise SamplingError("which symbols are random is not declared")
            inner = Expect(self.expectations(e.body, keep), *e.args[1:])
            if self._space is None:
                self._space = Space(random.Random(self.rng.random()), sorted(e.independent))
            try:
                return self._space.expectation(inner, (lambda a: a) if keep else self.value_of)
            except ValueError as exc:
                raise SamplingError(str(exc)) from None
        return e.func(*[self.expectations(a, keep) for a in e.args])

    def laws(self, e: sp.Expr, keep: bool = False) -> sp.Expr:
        """Probabilities, then expectations, of a structural expression taken at this point (see ``expectations``)."""
        return self.expectations(self.densities(e), keep)

    def densities(self, e: sp.Expr) -> sp.Expr:
        """Every probability in a structural expression replaced by this point's model."""
        if not (isinstance(e, sp.Basic) and e.has(Prob)):
            return e
        try:
            return self.model.replace(e)
        except (ValueError, ZeroDivisionError) as exc:
            raise SamplingError(str(exc)) from None

    def structural(self, e: sp.Expr) -> sp.Expr:
        """Replace sizes and indices, expand sums and products, then put in the labels."""
        e = alpha_rename(e).xreplace({k: sp.Integer(v) for k, v in self.ints.items()})
        for _ in range(3):
            e = self.expand(e)
            e = e.xreplace(self._label_map(e))
        return e

    def _label_map(self, e: sp.Expr) -> dict[sp.Basic, sp.Integer]:
        out: dict[sp.Basic, sp.Integer] = {}
        for a in e.atoms(Indexed):
            if a.base in self.labels and len(a.indices) == 1 and a.indices[0].is_Integer:
                n = int(a.indices[0])
                vals = self.labels[a.base]
                if not 1 <= n <= len(vals):
                    raise SamplingError(f"label {a} out of range 1..{len(vals)}")
                out[a] = sp.Integer(vals[n - 1])
        return out

    def value_of(self, a: sp.Basic) -> sp.Expr:
        if isinstance(a, Expect):  # its body may hold symbols whose values change (shrinking): never cached
            return self.laws(a)
        self.used.add(a)
        if a not in self.values:
            if isinstance(a, sp.Symbol) and a in self.ints:
                return sp.Integer(self.ints[a])
            if a in self._drawing:
                raise SamplingError(f"the assumptions bound {a} by itself")
            self._drawing.add(a)
            try:
                self.values[a] = self._draw(a)
            finally:
                self._drawing.discard(a)
        return self.values[a]

    def drawn(self) -> list[sp.Basic]:
        return list(self.values)

    def _draw(self, a: sp.Basic) -> sp.Expr:
        if isinstance(a, Prob):
            return self.densities(a)
        if isinstance(a, AppliedUndef):
            num = sp.Rational(self.rng.randint(1, 19), self.rng.randint(1, 7))
            if function_name(a) in POSITIVE_FUNCTIONS or self.rng.random() < 0.5:
                return num
            return -num
        target = a.base if isinstance(a, Indexed) else a
        lows, highs, positive, nonneg = bounds(self.assumptions.relations, target)
        if isinstance(a, Indexed):
            l2, h2, p2, n2 = bounds(self.assumptions.relations, a)
            lows, highs, positive, nonneg = lows + l2, highs + h2, positive or p2, nonneg or n2
        positive = positive or bool(a.is_positive) or bool(getattr(target, "is_positive", False))
        nonneg = nonneg or bool(a.is_nonnegative)
        lo, hi = self._tightest(lows, highs)
        if a.is_integer:
            base_lo = 1 if positive else (0 if nonneg else -4)
            lo_i = int(sp.ceiling(lo)) if lo is not None else base_lo
            hi_i = int(sp.floor(hi)) if hi is not None else lo_i + 12
            return sp.Integer(self.rng.randint(lo_i, max(lo_i, hi_i)))
        num = sp.Rational(self.rng.randint(1, 97), self.rng.randint(1, 13))
        roll = self.rng.random()
        if roll < 0.25:  # near a bound and far from it too: s >= 1/50 under s > 0 must not survive
            num = num / 1000
        elif roll > 0.85:
            num = num * 1000
        if self.edge is not None:
            pool = EDGE_POSITIVE if positive else EDGE_NONNEG if nonneg else EDGE_VALUES
            # inside the bounds only (whether a bound is strict, the assumption check decides)
            pool = [v for v in pool if (lo is None or v >= lo) and (hi is None or v <= hi)]
            if pool:
                return pool[(self.edge + (0 if self.same_edge else len(self.values))) % len(pool)]
        if lo is not None and hi is not None:
            return lo + (hi - lo) * sp.Rational(self.rng.randint(1, 99), 100)
        if lo is not None:
            return lo + num
        if hi is not None:
            return hi - num
        if positive or nonneg:
            return num
        return num if self.rng.random() < 0.5 else -num

    def _tightest(self, lows: list[sp.Expr], highs: list[sp.Expr]) -> tuple[Optional[sp.Rational], Optional[sp.Rational]]:
        """The largest lower and the smallest upper bound that have a value at this point (None: no such bound)."""
        lo = max((v for v in (self._num(x) for x in lows) if v is not None), default=None)
        hi = min((v for v in (self._num(x) for x in highs) if v is not None), default=None)
        return lo, hi

    def _num(self, x: sp.Expr) -> Optional[sp.Rational]:
        """A bound's value at this point, drawing the symbols it uses first; None if it has no rational value."""
        x = x.xreplace({k: sp.Integer(v) for k, v in self.ints.items()})
        try:
            sub: dict[sp.Basic, sp.Expr] = {}
            for s in x.atoms(Indexed):
                if not all(i.is_Integer for i in s.indices):
                    return None
                sub[s] = self.value_of(s)
            for s in x.free_symbols:
                if isinstance(s, sp.Symbol) and not any(s == b.label for b in x.atoms(IndexedBase)):
                    if s.is_integer and s not in self.ints:
                        return None
                    sub[s] = self.value_of(s)
        except SamplingError:
            return None
        v = x.xreplace(sub)
        return sp.Rational(v) if v.is_Rational else None

    def evaluate(self, e: sp.Expr) -> sp.Expr:
        """Substitute values for every remaining symbol, element and function value; exact where possible."""
        e = self.laws(self.structural(e))
        e = e.replace(lambda x: isinstance(x, (sp.Derivative, sp.Subs)) and x.has(AppliedUndef),
                      lambda x: derivative_app(x))
        labels = {b.label for b in e.atoms(IndexedBase)}
        # in a fixed order: which value a symbol gets must not depend on set order (the seed reproduces a point)
        sub: dict[sp.Basic, sp.Expr] = {a: self.value_of(a) for a in sorted(e.atoms(Indexed), key=sp.default_sort_key)}
        sub.update({a: self.value_of(a) for a in sorted(e.atoms(sp.Symbol), key=sp.default_sort_key)
                    if a not in labels})
        e = e.xreplace(sub)
        apps = sorted(e.atoms(AppliedUndef), key=lambda f: len(str(f)))
        while apps:
            f = apps[0]
            if not all(x.is_number for x in f.args):
                raise SamplingError(f"cannot evaluate {f}")
            e = e.xreplace({f: self.value_of(f)})
            apps = sorted(e.atoms(AppliedUndef), key=lambda f: len(str(f)))
        return e

    def violation(self) -> Optional[str]:
        """The first assumption this point breaks, or None."""
        return violated(self.assumptions, self.ints, self.labels, self.value_of, self.drawn)

    def described(self, e_list: list[sp.Expr]) -> dict[str, str]:
        """The point as ``name -> value`` for every free symbol and element the expressions use."""
        free: set[sp.Basic] = set()
        for e in e_list:
            free |= e.free_symbols
            for x in e.atoms(sp.Sum, sp.Product):
                for _, lo, hi in x.limits:
                    free |= lo.free_symbols | hi.free_symbols
        for r in self.assumptions.relations:
            free |= point_symbols(r)
        out = {str(k): str(v) for k, v in self.ints.items() if k in free or k in self.assumptions.sizes}
        for base, vals in self.labels.items():
            for n, v in enumerate(vals, 1):
                out[_show(base[n])] = str(v)
        seen: set[sp.Basic] = set()
        laws: set[sp.Basic] = set()
        for e in e_list:
            try:
                s = self.structural(e)
            except SamplingError:
                continue
            seen |= s.atoms(Indexed, sp.Symbol, AppliedUndef)
            laws |= s.atoms(Prob, Expect)
        for a in sorted(self.values, key=sp.default_sort_key):
            if isinstance(a, Prob):
                continue
            if a in seen or (isinstance(a, AppliedUndef) and a in self.used):
                out[_show(a)] = str(self.values[a])
        for law in sorted(laws, key=sp.default_sort_key):  # each probability's and expectation's value here
            try:
                out[str(law)] = str(self.evaluate(law))
            except (SamplingError, ArithmeticError, ValueError):
                continue
        return out


def _show(a: sp.Basic) -> str:
    """A point's coordinate as the author writes it: ``x_2``, ``u_{1,2}``, ``g(1/2)``."""
    if isinstance(a, Indexed):
        idx = ",".join(str(i) for i in a.indices)
        return f"{a.base.label}_{idx}" if len(idx) == 1 else f"{a.base.label}_{{{idx}}}"
    return str(a)


def _expand_finite(e: sp.Expr) -> sp.Expr:
    """Write out sums and products whose bounds are now integers, outermost index first.

    Outermost first, so an inner bound that depends on an outer index is an integer by the
    time it is reached. An empty range gives no term. The number of terms written is capped.
    """
    written = [0]

    def go(x: sp.Basic) -> sp.Basic:
        if x.is_Atom or isinstance(x, Indexed):
            return x
        if isinstance(x, (sp.Sum, sp.Product)):
            d, lo, hi = x.limits[-1]
            lo, hi = go(lo), go(hi)
            if not (lo.is_Integer and hi.is_Integer):
                return x.func(go(x.function), *x.limits)
            n = max(0, int(hi) - int(lo) + 1)
            written[0] += n
            if n > MAX_ELEMENTS or written[0] > 10 * MAX_ELEMENTS:
                raise SamplingError(f"a sum or product has too many terms at this size ({n})")
            inner = x.function if len(x.limits) == 1 else x.func(x.function, *x.limits[:-1])
            parts = [go(inner.xreplace({d: sp.Integer(v)})) for v in range(int(lo), int(hi) + 1)]
            return sp.Add(*parts) if isinstance(x, sp.Sum) else sp.Mul(*parts)
        return x.func(*[go(a) for a in x.args])

    return go(e)


class Sampler:
    """Draws ``Instantiation`` objects: draw ``n`` has every size equal to n + 1 for n < 3, then random sizes."""

    def __init__(self, assumptions: Assumptions, seed: int = 0) -> None:
        self.a = assumptions
        self.rng = random.Random(seed)
        self.count = 0
        self._cache: dict[tuple, tuple[set[sp.Basic], set[tuple[IndexedBase, sp.Symbol]]]] = {}

    def _free(self, exprs: list[sp.Expr]) -> tuple[set[sp.Basic], set[tuple[IndexedBase, sp.Symbol]]]:
        """What a point must give values to, and the (family, free index) pairs the expressions read (y[m])."""
        key = tuple(exprs)
        if key not in self._cache:
            free: set[sp.Basic] = set()
            bases: set[IndexedBase] = set()
            elements: set[tuple[IndexedBase, sp.Symbol]] = set()
            for e in exprs:
                free |= e.free_symbols
                bases |= e.atoms(IndexedBase)
                elements |= {(x.base, x.indices[0]) for x in e.atoms(Indexed)
                             if len(x.indices) == 1 and isinstance(x.indices[0], sp.Symbol)}
            for r in self.a.relations:
                free |= point_symbols(r)
                bases |= r.atoms(IndexedBase)
            free -= {b.label for b in bases}
            self._cache[key] = (free | bases, elements)
        return self._cache[key]

    def draw(self, exprs: list[sp.Expr], tries: int = 200) -> Instantiation:
        free, elements = self._free(exprs)
        fixed = self.count if self.count < 3 else None
        self.count += 1
        for _ in range(tries):
            inst = self._try(free, fixed, elements)
            if inst is not None:
                return inst
        raise SamplingError("could not draw a point that satisfies the assumptions")

    def _size_range(self, s: sp.Symbol) -> tuple[int, int]:
        lo, hi = self.a.size_range
        lows, highs, _, _ = bounds(self.a.relations, s)
        for x in lows:
            if x.is_number:
                lo = max(lo, int(sp.ceiling(x)))
        for x in highs:
            if x.is_number:
                hi = min(hi, int(sp.floor(x)))
        return lo, max(lo, hi)

    def _try(self, free: set[sp.Basic], fixed: Optional[int],
             elements: set[tuple[IndexedBase, sp.Symbol]]) -> Optional[Instantiation]:
        ints: dict[sp.Basic, int] = {}
        for s in self.a.sizes:
            lo, hi = self._size_range(s)
            ints[s] = max(lo, fixed + 1) if fixed is not None else self.rng.randint(lo, hi)
        for labels, count, n in self.a.cover:
            if count in ints and n in ints and ints[n] < ints[count]:
                ints[n] = ints[count] + self.rng.randint(0, 3)
        inst = Instantiation(ints, {}, self.rng, self.a)
        index_syms = sorted(
            (s for s in free if isinstance(s, sp.Symbol) and s.is_integer and s not in ints),
            key=lambda s: s.name,
        )
        try:
            for s in index_syms:
                ints[s] = int(inst.value_of(s))
                inst.values.pop(s, None)
        except SamplingError:
            return None
        for base in self._label_families(free):
            lows, highs, _, _ = bounds(self.a.relations, base)
            top = max([v for k, v in ints.items() if k in self.a.sizes], default=3)
            lo_v = max((int(sp.ceiling(v)) for v in (inst._num(x) for x in lows) if v is not None), default=-1)
            hi_v = min((int(sp.floor(v)) for v in (inst._num(x) for x in highs) if v is not None),
                       default=max(lo_v, top) + 2)
            if hi_v < lo_v:
                return None
            length = self._length_for(base, ints)
            vals = [self.rng.randint(lo_v, hi_v) for _ in range(length)]
            for labels, count, n in self.a.cover:
                if labels == base:
                    k = ints.get(count, hi_v)
                    if length < k:
                        return None
                    pos = self.rng.sample(range(length), k)
                    for c, p in enumerate(pos, 1):
                        vals[p] = c
            inst.labels[base] = vals
            if any(b == base and s in ints and not 1 <= ints[s] <= length for b, s in elements):
                return None  # the label y[m] that the claim reads must be one of the drawn ones
        return inst

    def _label_families(self, free: set[sp.Basic]) -> list[IndexedBase]:
        fams = [b for b in free if isinstance(b, IndexedBase) and b.is_integer]
        fams += [c[0] for c in self.a.cover if c[0] not in fams]
        return sorted(set(fams), key=lambda b: str(b))

    def _length_for(self, base: IndexedBase, ints: dict[sp.Basic, int]) -> int:
        for labels, count, n in self.a.cover:
            if labels == base and n in ints:
                return ints[n]
        return max([v for k, v in ints.items() if k in self.a.sizes], default=4)
