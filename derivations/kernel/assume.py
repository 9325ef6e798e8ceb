"""The one owner of assumptions: what the prover may use and what every sampled point must satisfy.

The prover asks ``context``; the sampler asks ``bounds`` (to draw well) and ``violated``
(to reject a point); the kernel asks ``inconsistent`` before any work and ``added`` for
what the tool assumes on its own; the LaTeX reader asks ``positive_targets`` and
``range_bounds`` to choose symbol kinds. Nobody else reads a relation.
"""
from __future__ import annotations

import itertools
from typing import Callable, Optional

import sympy as sp
from sympy import Indexed, IndexedBase

from derivations.kernel.claims import Assumptions, orient
from derivations.kernel.evaluate import OutOfRange, Undefined, evaluate
from derivations.kernel.normalize import Context, normalize

__all__ = ["added", "bounds", "context", "covers", "inconsistent", "point_symbols", "positive_targets", "range_bounds",
           "violated"]

MAX_INSTANCES = 400


def _family_match(e: sp.Basic, target: sp.Basic) -> bool:
    if e == target:
        return True
    if isinstance(target, IndexedBase) and isinstance(e, Indexed) and e.base == target:
        return all(isinstance(i, sp.Symbol) for i in e.indices)
    return False


def bounds(relations: tuple[sp.Basic, ...], target: sp.Basic) -> tuple[list[sp.Expr], list[sp.Expr], bool, bool]:
    """Lower and upper bounds the relations put on ``target`` directly, and whether it is positive / nonnegative."""
    lows: list[sp.Expr] = []
    highs: list[sp.Expr] = []
    positive = nonneg = False
    for r in relations:
        o = orient(r)
        if o is None:
            continue
        big, small, strict = o
        if _family_match(big, target):
            lows.append(small)
            if small.is_number and (small > 0 or (small == 0 and strict)):
                positive = True
            if small.is_number and small >= 0:
                nonneg = True
        if _family_match(small, target):
            highs.append(big)
    return lows, highs, positive, nonneg


def context(a: Assumptions) -> Context:
    """What the prover may use: integer ranges of indices and label families, and positive compounds."""
    ctx = Context()
    for r in a.relations:
        o = orient(r)
        if o is None:
            continue
        big, small, strict = o
        for target, bound, is_low in ((big, small, True), (small, big, False)):
            key: sp.Basic = target
            if isinstance(target, Indexed) and all(isinstance(i, sp.Symbol) for i in target.indices):
                key = target.base
            if isinstance(key, (sp.Symbol, IndexedBase)) and key.is_integer:
                lo, hi = ctx.ranges.get(key, (None, None))
                bound_i = bound + 1 if strict and is_low else bound - 1 if strict else bound
                ctx.ranges[key] = (bound_i, hi) if is_low else (lo, bound_i)
        if small.is_number and (small > 0 or (small == 0 and strict)) and not isinstance(big, (sp.Symbol, Indexed)):
            ctx.positive.append(normalize(big, Context(dict(ctx.ranges))))
    ctx.ranges = {k: v for k, v in ctx.ranges.items() if v[0] is not None and v[1] is not None}
    return ctx


def positive_targets(relations: list[sp.Basic]) -> tuple[set[str], set[str]]:
    """Names of symbols and of families that the relations make positive (``x > 0``, ``s_i \\geq 1``)."""
    names: set[str] = set()
    fams: set[str] = set()
    for r in relations:
        o = orient(r)
        if o is None:
            continue
        big, small, strict = o
        if not (small.is_number and small.is_real and (small > 0 or (strict and small == 0))):
            continue
        if isinstance(big, sp.Symbol):
            names.add(big.name)
        elif isinstance(big, Indexed) and all(isinstance(i, sp.Symbol) for i in big.indices):
            fams.add(str(big.base.label))
    return names, fams


def range_bounds(relations: list[sp.Basic]) -> dict[str, tuple[sp.Expr, sp.Expr]]:
    """``name -> (lo, hi)`` for bare symbols with both an integer-style lower and upper bound."""
    lows: dict[str, sp.Expr] = {}
    highs: dict[str, sp.Expr] = {}
    for r in relations:
        o = orient(r)
        if o is None:
            continue
        big, small, strict = o
        if isinstance(big, sp.Symbol):
            lows[big.name] = small + 1 if strict else small
        if isinstance(small, sp.Symbol):
            highs[small.name] = big - 1 if strict else big
    return {n: (lows[n], highs[n]) for n in lows if n in highs}


# ---------------------------------------------------------------- covers


def covers(relations: list[sp.Basic], ranges: dict[str, tuple[sp.Expr, sp.Expr]]) -> list[tuple]:
    """``sum_m 1[y^(m) = k] >= 1`` with ``1 <= k <= K``: every class 1..K appears among y[1..N]."""
    out = []
    for r in relations:
        o = orient(r)
        if o is None:
            continue
        big, small, strict = o
        if not (small == 1 or (strict and small == 0)):
            continue
        if not (isinstance(big, sp.Sum) and len(big.limits) == 1 and isinstance(big.function, sp.KroneckerDelta)):
            continue
        m, lo, hi = big.limits[0]
        a, b = big.function.args
        if isinstance(b, sp.Indexed):
            a, b = b, a
        if not (isinstance(a, sp.Indexed) and a.indices == (m,) and isinstance(b, sp.Symbol) and lo == 1):
            continue
        rng = ranges.get(b.name)
        if rng is not None and rng[0] == 1 and isinstance(rng[1], sp.Symbol) and isinstance(hi, sp.Symbol):
            out.append((a.base, rng[1], hi))
    return out


# ---------------------------------------------------------------- points


def point_symbols(r: sp.Basic) -> set[sp.Basic]:
    """The symbols a relation needs values for: not the index symbols of an indexed (family-wide) one."""
    plain = {s for s in r.free_symbols if isinstance(s, sp.Symbol) and _outside_indexed(r, s)}
    return plain | {x.base for x in r.atoms(Indexed)}


def _outside_indexed(e: sp.Basic, s: sp.Symbol) -> bool:
    if isinstance(e, Indexed):
        return False
    if e == s:
        return True
    return any(_outside_indexed(a, s) for a in e.args)


def _family_indices(r: sp.Basic, sizes: set[sp.Basic]) -> list[sp.Symbol]:
    """The index symbols over which an indexed relation holds for every value (``i`` in ``sigma_i > 0``)."""
    out: set[sp.Symbol] = set()
    bound = {lim[0] for x in r.atoms(sp.Sum, sp.Product) for lim in x.limits}
    for x in r.atoms(Indexed):
        for i in x.indices:
            if isinstance(i, sp.Symbol) and i not in sizes and i not in bound and not _outside_indexed(r, i):
                out.add(i)
    return sorted(out, key=lambda s: s.name)


def _candidates(r: sp.Basic, idx: list[sp.Symbol], drawn: list[sp.Basic], ints: dict[sp.Basic, int]) -> list[dict]:
    """Index values that reach every drawn element the relation speaks of."""
    per: dict[sp.Symbol, set[int]] = {i: set() for i in idx}
    for pattern in r.atoms(Indexed):
        for el in drawn:
            if not (isinstance(el, Indexed) and el.base == pattern.base and len(el.indices) == len(pattern.indices)):
                continue
            for p, v in zip(pattern.indices, el.indices):
                if p in per and v.is_Integer:
                    per[p].add(int(v))
    for i in idx:
        if i in ints:
            per[i].add(ints[i])
    if any(not per[i] for i in idx):
        return []
    combos = itertools.islice(itertools.product(*[sorted(per[i]) for i in idx]), MAX_INSTANCES)
    return [dict(zip(idx, c)) for c in combos]


def violated(a: Assumptions, ints: dict[sp.Basic, int], labels: dict[IndexedBase, list[int]],
             lookup: Callable[[sp.Basic], sp.Expr], drawn: Callable[[], list[sp.Basic]]) -> Optional[str]:
    """The first stated relation that fails at this point (every instance of an indexed one), else None.

    ``lookup`` gives (and may draw) the value of a symbol or element; ``drawn`` lists those drawn so far.
    A relation that cannot be decided at the point counts as failing: the point is not used.
    """
    sizes = set(a.sizes)
    for _ in range(4):
        before = len(drawn())
        for r in a.relations:
            idx = _family_indices(r, sizes)
            if idx:
                insts = _candidates(r, idx, drawn(), ints)
            else:
                insts = [{}]
            for binding in insts:
                local = {**ints, **binding}
                try:
                    v = evaluate(r, local, labels, lookup)
                except OutOfRange:
                    continue  # an index value past the family's end: no element to constrain
                except (Undefined, ZeroDivisionError, TypeError, ValueError):
                    return str(r)
                if v != sp.true:
                    return str(r)
        if len(drawn()) == before:
            return None
    return None


# ---------------------------------------------------------------- consistency


def _linear(e: sp.Expr) -> bool:
    """Is ``e`` linear with rational coefficients in its symbols and elements (``sigma_i`` as one unknown)?"""
    gens = sorted(e.atoms(Indexed) | {s for s in e.free_symbols if isinstance(s, sp.Symbol) and _outside_indexed(e, s)},
                  key=str)
    try:
        poly = sp.Poly(e, *gens) if gens else None
    except (sp.PolynomialError, sp.GeneratorsNeeded):
        return False
    if poly is None:
        return e.is_Rational
    return poly.total_degree() <= 1 and all(c.is_Rational for c in poly.coeffs())


def _feasible(rels: list[tuple[sp.Expr, bool]]) -> bool:
    """Is there a real point with every ``g >= 0`` (``g > 0`` where strict)? ``rels`` are linear."""
    from sympy.solvers.simplex import InfeasibleLPError, UnboundedLPError, lpmax

    t = sp.Dummy("t")
    cons = []
    for g, strict in rels:
        cons.append(sp.Ge(g - t, 0) if strict else sp.Ge(g, 0))
    cons.append(sp.Le(t, 1))
    try:
        best, _ = lpmax(t, cons)
    except InfeasibleLPError:
        return False
    except UnboundedLPError:
        return True
    return bool(best > 0) if any(s for _, s in rels) else True


def inconsistent(a: Assumptions) -> Optional[list[str]]:
    """A smallest set of stated linear relations that cannot all hold, or None.

    Sizes count as at least 1. Relations that are not linear are left out (they cannot
    be shown inconsistent here; the sampler then finds no point and says so).
    """
    rels: list[tuple[sp.Expr, bool, str]] = []
    for s in a.sizes:
        rels.append((s - 1, False, ""))
    for r in a.relations:
        o = orient(r)
        if o is None:
            continue
        big, small, strict = o
        g = sp.expand(big - small)
        if g.has(sp.Sum, sp.Product) or not _linear(g):
            continue
        rels.append((g, strict, str(r)))
    if len(rels) == len(a.sizes):
        return None
    try:
        if _feasible([(g, s) for g, s, _ in rels]):
            return None
    except Exception:  # noqa: BLE001 - a failing solver proves nothing either way
        return None
    keep = list(rels)
    for x in list(keep):
        if not x[2]:
            continue
        trial = [y for y in keep if y is not x]
        try:
            if not _feasible([(g, s) for g, s, _ in trial]):
                keep = trial
        except Exception:  # noqa: BLE001
            continue
    return [x[2] for x in keep if x[2]]


def added(a: Assumptions) -> list[str]:
    """What the tool assumes on its own, in words: sizes are whole numbers at least 1, and so on."""
    out = [f"{s} is a whole number, at least 1 (a size)" for s in a.sizes]
    return out
