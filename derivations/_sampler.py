"""Random exact points that respect the assumptions.

Sizes (K, D, N) become small integers, free indices integers in their ranges, label
families integers in theirs (covering every class when assumed), every other symbol
and family element a random rational: exact, never float64.
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Callable, Optional

import sympy as sp
from sympy import Indexed, IndexedBase

from ._claims import Assumptions, orient

__all__ = ["alpha_rename", "Instantiation", "Sampler", "SamplingError"]

MAX_ELEMENTS = 4000


class SamplingError(ValueError):
    """No point satisfying the assumptions could be drawn."""


def _bounds(relations: tuple[sp.Basic, ...], target: sp.Basic) -> tuple[list[sp.Expr], list[sp.Expr], bool, bool]:
    """Lower and upper bounds the relations put on ``target``, and whether strict/positive."""
    lows: list[sp.Expr] = []
    highs: list[sp.Expr] = []
    positive = nonneg = False
    for r in relations:
        o = orient(r)
        if o is None:
            continue
        big, small, strict = o
        if _matches(big, target):
            lows.append(small)
            if small.is_number and (small > 0 or (small == 0 and strict)):
                positive = True
            if small.is_number and small >= 0:
                nonneg = True
        if _matches(small, target):
            highs.append(big)
    return lows, highs, positive, nonneg


def _matches(e: sp.Basic, target: sp.Basic) -> bool:
    if e == target:
        return True
    if isinstance(target, IndexedBase) and isinstance(e, Indexed) and e.base == target:
        return all(isinstance(i, sp.Symbol) for i in e.indices)
    return False


@dataclass
class Instantiation:
    """One random point: integer sizes, indices and labels first, values drawn on demand."""

    ints: dict[sp.Basic, int]
    labels: dict[IndexedBase, list[int]]
    rng: random.Random
    assumptions: Assumptions
    values: dict[sp.Basic, sp.Rational] = field(default_factory=dict)
    expand: Callable[[sp.Expr], sp.Expr] = field(default=lambda e: _expand_finite(e), repr=False)

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

    def value_of(self, a: sp.Basic) -> sp.Rational:
        if a not in self.values:
            self.values[a] = self._draw(a)
        return self.values[a]

    def _draw(self, a: sp.Basic) -> sp.Rational:
        target = a.base if isinstance(a, Indexed) else a
        lows, highs, positive, nonneg = _bounds(self.assumptions.relations, target)
        if isinstance(a, Indexed):
            l2, h2, p2, n2 = _bounds(self.assumptions.relations, a)
            lows, highs, positive, nonneg = lows + l2, highs + h2, positive or p2, nonneg or n2
        positive = positive or bool(a.is_positive) or bool(getattr(target, "is_positive", False))
        nonneg = nonneg or bool(a.is_nonnegative)
        lo = max((self._num(x) for x in lows if self._num(x) is not None), default=None)
        hi = min((self._num(x) for x in highs if self._num(x) is not None), default=None)
        if a.is_integer:
            base_lo = 1 if positive else (0 if nonneg else -6)
            lo_i = int(sp.ceiling(lo)) if lo is not None else base_lo
            hi_i = int(sp.floor(hi)) if hi is not None else lo_i + 8
            return sp.Integer(self.rng.randint(lo_i, max(lo_i, hi_i)))
        num = sp.Rational(self.rng.randint(1, 97), self.rng.randint(1, 13))
        if lo is not None and hi is not None:
            return lo + (hi - lo) * sp.Rational(self.rng.randint(1, 99), 100)
        if lo is not None:
            return lo + num
        if hi is not None:
            return hi - num
        if positive or nonneg:
            return num
        return num if self.rng.random() < 0.5 else -num

    def _num(self, x: sp.Expr) -> Optional[sp.Rational]:
        x = x.xreplace({k: sp.Integer(v) for k, v in self.ints.items()})
        return sp.Rational(x) if x.is_Rational else None

    def evaluate(self, e: sp.Expr) -> sp.Expr:
        """Substitute values for every remaining symbol and element; exact where possible."""
        e = self.structural(e)
        labels = {b.label for b in e.atoms(IndexedBase)}
        sub: dict[sp.Basic, sp.Expr] = {a: self.value_of(a) for a in e.atoms(Indexed)}
        sub.update({a: self.value_of(a) for a in e.atoms(sp.Symbol) if a not in labels})
        return e.xreplace(sub)

    def described(self, e_list: list[sp.Expr]) -> dict[str, str]:
        """The point as ``name -> value`` for every free symbol the expressions use."""
        out = {str(k): str(v) for k, v in self.ints.items()}
        for base, vals in self.labels.items():
            for n, v in enumerate(vals, 1):
                out[f"{base}[{n}]"] = str(v)
        for e in e_list:
            s = self.structural(e)
            for a in sorted(s.atoms(Indexed, sp.Symbol), key=sp.default_sort_key):
                if a in self.values:
                    out[str(a)] = str(self.values[a])
        return out


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


def _expand_finite(e: sp.Expr) -> sp.Expr:
    """Write out sums and products whose bounds are now integers, outermost index first.

    Outermost first, so an inner bound that depends on an outer index is an integer by the
    time it is reached. The number of terms written is capped.
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
    """Draws ``Instantiation`` objects for the free integer symbols of some expressions."""

    def __init__(self, assumptions: Assumptions, seed: int = 0) -> None:
        self.a = assumptions
        self.rng = random.Random(seed)

    def draw(self, exprs: list[sp.Expr], tries: int = 200) -> Instantiation:
        free: set[sp.Basic] = set()
        bases: set[IndexedBase] = set()
        for e in exprs:
            free |= e.free_symbols
            bases |= e.atoms(IndexedBase)
        free -= {b.label for b in bases}
        free |= bases
        for _ in range(tries):
            inst = self._try(free)
            if inst is not None:
                return inst
        raise SamplingError("could not draw a point that satisfies the assumptions")

    def _try(self, free: set[sp.Basic]) -> Optional[Instantiation]:
        lo, hi = self.a.size_range
        ints: dict[sp.Basic, int] = {}
        for s in self.a.sizes:
            ints[s] = self.rng.randint(lo, hi)
        for labels, count, n in self.a.cover:
            if count in ints and n in ints and ints[n] < ints[count]:
                ints[n] = ints[count] + self.rng.randint(0, 3)
        inst = Instantiation(ints, {}, self.rng, self.a)
        index_syms = sorted(
            (s for s in free if isinstance(s, sp.Symbol) and s.is_integer and s not in ints),
            key=lambda s: s.name,
        )
        for s in index_syms:
            ints[s] = int(inst.value_of(s))
        for base in self._label_families(free):
            lows, highs, _, _ = _bounds(self.a.relations, base)
            lo_v = max(int(inst._num(x)) for x in lows if inst._num(x) is not None) if lows else 1
            hi_v = min(int(inst._num(x)) for x in highs if inst._num(x) is not None) if highs else lo_v + 3
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
        for r in self.a.relations:
            if not self._holds(r, inst):
                return None
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

    def _holds(self, r: sp.Basic, inst: Instantiation) -> bool:
        if not isinstance(r, sp.core.relational.Relational):
            return True
        syms = r.free_symbols
        if not syms <= set(inst.ints) | {b for b in inst.labels}:
            return True  # a relation on real values is honoured by how they are drawn
        try:
            v = inst.structural(r.lhs) - inst.structural(r.rhs)
        except SamplingError:
            return False
        if not v.is_number:
            return True
        rel = type(r)(v, 0)
        return bool(rel) if rel in (sp.true, sp.false) else True
