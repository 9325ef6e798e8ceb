"""Sound rewriting of sums, products, logs and indicators into a canonical form.

Every rule here is an identity under the assumptions in ``Context``; none decides a
verdict. The kernel normalises both sides of a claim and asks whether the
difference vanishes: a rule that failed to apply can only cost a proof, never
create a false one.
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Optional

import sympy as sp
from sympy import Indexed, KroneckerDelta, Product, Sum

from derivations.kernel.expectation import UNDECLARED, Expect, expect_form
from derivations.kernel.probability import Prob, is_joint, joint_form, marginal

__all__ = ["Context", "atomize", "is_positive", "normalize"]

Limit = tuple[sp.Symbol, sp.Expr, sp.Expr]


@dataclass
class Context:
    """Ranges of free indices and label families, and expressions known to be positive."""

    ranges: dict[sp.Basic, tuple[sp.Expr, sp.Expr]] = field(default_factory=dict)
    positive: list[sp.Expr] = field(default_factory=list)
    assumed: Optional[dict[sp.Basic, tuple[sp.Expr, sp.Expr]]] = None  # the ranges the assumptions give

    def with_limits(self, limits: tuple[Limit, ...]) -> "Context":
        ranges = dict(self.ranges)
        for d, lo, hi in limits:
            ranges[d] = (lo, hi)
        return Context(ranges, self.positive, self.assumed if self.assumed is not None else dict(self.ranges))

    def range_of(self, q: sp.Expr) -> Optional[tuple[sp.Expr, sp.Expr]]:
        if q.is_Integer:
            return (q, q)
        if isinstance(q, Indexed):
            return self.ranges.get(q.base)
        return self.ranges.get(q)


def _nonneg(e: sp.Expr) -> bool:
    e = sp.expand(e)
    return e == 0 or bool(e.is_nonnegative)


def _in_range(q: sp.Expr, lo: sp.Expr, hi: sp.Expr, ctx: Context) -> bool:
    r = ctx.range_of(q)
    if r is None:
        return False
    return _nonneg(r[0] - lo) and _nonneg(hi - r[1])


def is_positive(e: sp.Expr, ctx: Context) -> bool:
    """True only when ``e > 0`` follows from SymPy's assumptions or the context."""
    if e.is_positive:
        return True
    if isinstance(e, Sum):
        inner = ctx.with_limits(e.limits)
        nonempty = all(_count(lo, hi, ctx.with_limits(tuple(x for x in e.limits if x[0] != d)), 1) is not None
                       for d, lo, hi in e.limits)
        return nonempty and is_positive(e.function, inner)
    if isinstance(e, Product):
        return is_positive(e.function, ctx.with_limits(e.limits))
    if isinstance(e, sp.Mul):
        return all(is_positive(a, ctx) for a in e.args)
    if isinstance(e, sp.Add):
        return all(is_positive(a, ctx) or bool(a.is_nonnegative) for a in e.args) and any(
            is_positive(a, ctx) for a in e.args
        )
    if isinstance(e, sp.Pow):
        return is_positive(e.base, ctx) and bool(e.exp.is_real)
    if isinstance(e, sp.exp):
        return bool(e.args[0].is_real)
    return any(e == p for p in ctx.positive)


def _lowest(n: sp.Expr, ctx: Context) -> Optional[sp.Expr]:
    """A lower bound of ``n`` over the ranges in ``ctx`` (linear in the ranged symbols), or None."""
    for _ in range(4):
        ranged = [q for q in n.free_symbols if isinstance(q, sp.Symbol) and q in ctx.ranges]
        if not ranged:
            return n
        try:
            poly = sp.Poly(n, *ranged)
        except sp.PolynomialError:
            return None
        if poly.total_degree() > 1:
            return None
        sub = {}
        for q in ranged:
            c = poly.coeff_monomial(q)
            if not c.is_number:
                return None
            lo, hi = ctx.ranges[q]
            sub[q] = lo if c > 0 else hi
        n = sp.expand(n.xreplace(sub))
    return None


def _count(lo: sp.Expr, hi: sp.Expr, ctx: Context, least: int = 0) -> Optional[sp.Expr]:
    """The number of integers in ``lo..hi`` when it is provably at least ``least``; else None.

    A range may be empty (rule 11): ``hi - lo + 1`` is the count only where it cannot be negative.
    """
    n = sp.expand(hi - lo + 1)
    low = _lowest(n, ctx)
    if low is None:
        return None
    return n if _nonneg(low - least) else None


def _collapse(body: sp.Expr, lims: list[Limit], ctx: Context) -> sp.Expr:
    """Sum out limits whose dummy enters ``body`` only polynomially, innermost first, where the count is sound.

    ``sum_{j=lo}^{hi} P(j)`` by SymPy's closed form, which is right whenever ``hi >= lo - 1``.
    """
    lims = list(lims)
    changed = True
    while changed and lims:
        changed = False
        for k, (d, lo, hi) in enumerate(lims):
            if _bound_uses(lims, d):
                continue
            outer = ctx.with_limits(tuple(x for x in lims if x[0] != d))
            if _count(lo, hi, outer) is None:
                continue
            if body.has(d):
                if body.atoms(Indexed, Sum, Product, sp.Function) and any(
                        a.has(d) for a in body.atoms(Indexed, Sum, Product, sp.Function)):
                    continue
                try:
                    poly = sp.Poly(body, d)
                except sp.PolynomialError:
                    continue
                if poly.degree() > 6 or any(c.has(d) for c in poly.coeffs()):
                    continue
                body = sp.expand(sp.summation(body, (d, lo, hi)))
            else:
                body = body * (hi - lo + 1)
            lims.pop(k)
            changed = True
            break
    return body if not lims else Sum(body, *lims)


def normalize(e: sp.Expr, ctx: Optional[Context] = None) -> sp.Expr:
    """Rewrite ``e`` into the canonical form; the result equals ``e`` under ``ctx``."""
    ctx = ctx or Context()
    out = _canon(_expand(_norm(e, ctx), ctx))
    return out


def _shadowing(e: sp.Basic) -> bool:
    """Does a sum or product in ``e`` reuse an index name inside its own limits (``(i, i, N)``)?

    Such a node is left as written: renaming it soundly needs scoping this module does not do.
    """
    for x in e.atoms(Sum, Product):
        dummies = [lim[0] for lim in x.limits]
        if len(set(dummies)) < len(dummies):
            return True
        if any(lo.has(d) or hi.has(d) for d, lo, hi in x.limits):
            return True
    return False


def _norm(e: sp.Expr, ctx: Context) -> sp.Expr:
    if not isinstance(e, sp.Basic) or e.is_Atom or isinstance(e, Indexed):
        return e
    if isinstance(e, (Sum, Product)) and _shadowing(e):
        return e
    if isinstance(e, Sum):
        inner = ctx.with_limits(e.limits)
        return _norm_sum(_norm(e.function, inner), e.limits, inner)
    if isinstance(e, Product):
        inner = ctx.with_limits(e.limits)
        return _norm_product(_norm(e.function, inner), e.limits, ctx)
    if isinstance(e, Expect):
        return e if UNDECLARED in e.names else _norm(expect_form(e, lambda b: _norm(b, ctx)), ctx)
    if isinstance(e, Prob):
        joint = joint_form(e)
        return e if isinstance(joint, Prob) else _norm(joint, ctx)
    args = [_norm(a, ctx) for a in e.args]
    if isinstance(e, sp.log):
        return _norm_log(args[0], ctx)
    if isinstance(e, KroneckerDelta):
        return KroneckerDelta(*args)
    return e.func(*args)


def _log_safe(f: sp.Expr, ctx: Context) -> bool:
    """Positive, or a probability: a log of it is defined only where it is positive, so the log rules hold
    wherever the claim has a value (a probability is not assumed positive anywhere else)."""
    if isinstance(f, sp.Pow) and f.exp.is_real:
        return _log_safe(f.base, ctx)
    if isinstance(f, sp.Mul):
        return all(_log_safe(g, ctx) for g in f.args)
    if isinstance(f, Product):
        return _log_safe(f.function, ctx.with_limits(f.limits))
    return is_positive(f, ctx) or isinstance(f, Prob) or is_joint(f)


def _norm_log(a: sp.Expr, ctx: Context) -> sp.Expr:
    if isinstance(a, Product) and _log_safe(a.function, ctx.with_limits(a.limits)):
        return _norm_sum(_norm_log(a.function, ctx.with_limits(a.limits)), a.limits, ctx.with_limits(a.limits))
    if isinstance(a, sp.Mul) and all(_log_safe(f, ctx) for f in a.args):
        return sp.Add(*[_norm_log(f, ctx) for f in a.args])
    if isinstance(a, sp.Pow) and _log_safe(a.base, ctx) and a.exp.is_real:
        return a.exp * _norm_log(a.base, ctx)
    if isinstance(a, sp.exp) and a.args[0].is_real:
        return a.args[0]
    if a.is_Rational and a.is_positive and not a.is_Integer:
        return _log_int(a.p) - _log_int(a.q)
    if a.is_Integer and a > 1:
        return _log_int(a)
    return sp.log(a)


def _log_int(n: sp.Integer | int) -> sp.Expr:
    """``log 12 = 2 log 2 + log 3``, so that equal constants have one form; big ones stay whole."""
    n = sp.Integer(n)
    if n == 1:
        return sp.S.Zero
    if n > 10**12:
        return sp.log(n)
    return sp.Add(*[e * sp.log(p) for p, e in sp.factorint(n).items()])


def _norm_product(body: sp.Expr, limits: tuple[Limit, ...], ctx: Context) -> sp.Expr:
    dummies = {lim[0] for lim in limits}
    if len(limits) > 1:
        inner = _norm_product(body, limits[:1], ctx.with_limits(limits[1:]))
        return _norm_product(inner, limits[1:], ctx)
    d, lo, hi = limits[0]
    if not body.has(d):
        n = _count(lo, hi, ctx)
        return body ** n if n is not None else Product(body, (d, lo, hi))
    if isinstance(body, sp.Mul):
        return sp.Mul(*[_norm_product(f, limits, ctx) for f in body.args])
    if isinstance(body, sp.exp):
        return sp.exp(_norm_sum(_expand(body.args[0], ctx), limits, ctx.with_limits(limits)))
    if isinstance(body, sp.Pow) and not body.exp.has(*dummies) and (
        body.exp.is_integer or is_positive(body.base, ctx.with_limits(limits))
    ):
        return _norm_product(body.base, limits, ctx) ** body.exp
    if isinstance(body, sp.Pow) and body.base == sp.E:
        return sp.exp(_norm_sum(_expand(body.exp, ctx), limits, ctx.with_limits(limits)))
    return Product(body, (d, lo, hi))


def _expand(e: sp.Expr, ctx: Context) -> sp.Expr:
    e = sp.expand(e)
    if isinstance(e, sp.Add):
        return sp.Add(*[_kd_substitute(t) for t in e.args])
    return _kd_substitute(e)


def _kd_substitute(term: sp.Expr) -> sp.Expr:
    """``1[a = b] f(a) = 1[a = b] f(b)``: write each indicator's compound side as its simple side."""
    if not isinstance(term, sp.Mul):
        return term
    deltas = [f for f in term.args if isinstance(f, KroneckerDelta)]
    if not deltas:
        return term
    rest = [f for f in term.args if not isinstance(f, KroneckerDelta)]
    for kd in deltas:
        a, b = kd.args
        if isinstance(a, Indexed) and not isinstance(b, Indexed):
            src, dst = a, b
        elif isinstance(b, Indexed) and not isinstance(a, Indexed):
            src, dst = b, a
        else:
            continue
        if any(_binds(f, src.free_symbols) for f in rest):
            continue
        rest = [f.xreplace({src: dst}) for f in rest]
    return sp.Mul(*deltas) * sp.Mul(*rest)


def _norm_sum(body: sp.Expr, limits: tuple[Limit, ...], ctx: Context) -> sp.Expr:
    body = _expand(body, ctx)
    terms = body.args if isinstance(body, sp.Add) else (body,)
    return sp.Add(*[_sum_term(t, tuple(limits), ctx) for t in terms])


def _fresh(d: sp.Symbol, taken: set[sp.Basic]) -> sp.Symbol:
    n = 0
    while True:
        s = sp.Symbol(f"{d.name}_{n}", integer=True)
        if s not in taken:
            return s
        n += 1


def _sum_term(term: sp.Expr, limits: tuple[Limit, ...], ctx: Context) -> sp.Expr:
    factors = list(term.args) if isinstance(term, sp.Mul) else [term]
    lims = list(limits)
    # Merge inner sums into this one (product of finite sums is a multiple sum).
    changed = True
    while changed:
        changed = False
        for n, f in enumerate(factors):
            if isinstance(f, Sum) and f.has(*[lim[0] for lim in lims]):
                taken = set().union(*(g.free_symbols for g in factors)) | {lim[0] for lim in lims}
                inner_body = f.function
                sub: dict[sp.Basic, sp.Basic] = {}
                for d, lo, hi in f.limits:
                    nd = _fresh(d, taken | inner_body.free_symbols)
                    taken.add(nd)
                    sub[d] = nd
                inner_body = inner_body.xreplace(sub)
                inner_lims = [(sub[d], lo.xreplace(sub), hi.xreplace(sub)) for d, lo, hi in f.limits]
                factors = factors[:n] + factors[n + 1:] + (
                    list(inner_body.args) if isinstance(inner_body, sp.Mul) else [inner_body]
                )
                lims = inner_lims + lims
                if isinstance(inner_body, sp.Add):
                    expanded = _expand(sp.Mul(*factors), ctx)
                    if isinstance(expanded, sp.Add):
                        return sp.Add(*[_sum_term(t, tuple(lims), ctx) for t in expanded.args])
                    factors = list(expanded.args) if isinstance(expanded, sp.Mul) else [expanded]
                changed = True
                break
    # Eliminate indicators on a summation index: sum_d f(d) 1[d = q] = f(q) when q is in range.
    progress = True
    while progress:
        progress = False
        for f in factors:
            if not isinstance(f, KroneckerDelta):
                continue
            for d, lo, hi in lims:
                a, b = f.args
                q = b if a == d else a if b == d else None
                if q is None or q.has(d) or _bound_uses(lims, d):
                    continue
                if any(_binds(g, q.free_symbols | {d}) for g in factors):
                    continue
                if not _in_range(q, lo, hi, ctx):
                    continue
                factors = [g.xreplace({d: q}) for g in factors if g is not f]
                lims = [(l0, l1.xreplace({d: q}), l2.xreplace({d: q})) for (l0, l1, l2) in lims if l0 != d]
                progress = True
                break
            if progress:
                break
        if progress:
            rebuilt = _expand(sp.Mul(*factors), ctx)
            if isinstance(rebuilt, sp.Add):
                return sp.Add(*[_sum_term(t, tuple(lims), ctx) for t in rebuilt.args])
            factors = list(rebuilt.args) if isinstance(rebuilt, sp.Mul) else [rebuilt]
    dummies = {lim[0] for lim in lims}
    coeff = [f for f in factors if not f.has(*dummies)] if dummies else factors
    dep = [f for f in factors if dummies and f.has(*dummies)]
    out = sp.Mul(*coeff)
    # Independent components of the remaining sum become separate sums.
    for g_factors, g_lims in _components(dep, lims):
        if len(g_factors) == 1 and len(g_lims) == 1:
            d, lo, hi = g_lims[0]
            m = marginal(g_factors[0], d, lo, hi, lambda name, idx, a, b: _covers(name, idx, a, b, ctx))
            if m is not None:
                out *= m
                continue
        out *= _collapse(sp.Mul(*g_factors), g_lims, ctx)
    return out


def _covers(name: str, idx: tuple[sp.Expr, ...], lo: sp.Expr, hi: sp.Expr, ctx: Context) -> bool:
    """Is the random variable ``name`` (``name_idx``) assumed to take whole values in ``lo..hi`` only?

    Only the assumptions count: a summation index of the same name says nothing about the variable."""
    for key, (rlo, rhi) in (ctx.assumed if ctx.assumed is not None else ctx.ranges).items():
        if (not idx and isinstance(key, sp.Symbol) and key.name == name) or (
                idx and isinstance(key, sp.IndexedBase) and str(key.label) == name):
            return _nonneg(rlo - lo) and _nonneg(hi - rhi)
    return False


def _binds(e: sp.Basic, syms: set[sp.Basic]) -> bool:
    """Does a sum or product inside ``e`` bind one of ``syms`` (so substituting would capture)?"""
    return any(lim[0] in syms for x in e.atoms(Sum, Product) for lim in x.limits)


def _bound_uses(lims: list[Limit], d: sp.Symbol) -> bool:
    return any((l[1].has(d) or l[2].has(d)) for l in lims if l[0] != d)


def _components(factors: list[sp.Expr], lims: list[Limit]) -> list[tuple[list[sp.Expr], list[Limit]]]:
    """Split factors and limits into groups that share no summation index."""
    if not lims:
        return []
    parent = {lim[0]: lim[0] for lim in lims}

    def find(s: sp.Symbol) -> sp.Symbol:
        while parent[s] != s:
            s = parent[s]
        return s

    def union(ds: list[sp.Symbol]) -> None:
        for a, b in zip(ds, ds[1:]):
            parent[find(a)] = find(b)

    for f in factors:
        union([lim[0] for lim in lims if f.has(lim[0])])
    for d, lo, hi in lims:
        union([d] + [lim[0] for lim in lims if (lo.has(lim[0]) or hi.has(lim[0]))])
    groups: dict[sp.Symbol, tuple[list[sp.Expr], list[Limit]]] = {}
    for lim in lims:
        groups.setdefault(find(lim[0]), ([], []))[1].append(lim)
    for f in factors:
        ds = [lim[0] for lim in lims if f.has(lim[0])]
        groups[find(ds[0])][0].append(f)
    return list(groups.values())


def _height(e: sp.Basic) -> int:
    if isinstance(e, (Sum, Product)):
        return 1 + max([_height(a) for a in e.args], default=0)
    return max([_height(a) for a in e.args], default=0)


def _canon(e: sp.Expr) -> sp.Expr:
    """Rename summation indices canonically and order limits, so equal sums are equal objects."""
    if not isinstance(e, sp.Basic) or e.is_Atom or isinstance(e, Indexed):
        return e
    if isinstance(e, (Sum, Product)) and _shadowing(e):
        return e
    if isinstance(e, (Sum, Product)):
        body = _canon(e.function)
        h = _height(e)
        limits = list(e.limits)
        best = None
        perms = itertools.permutations(range(len(limits))) if len(limits) <= 4 else [range(len(limits))]
        for perm in perms:
            order = [limits[p] for p in perm]
            if any(_bound_uses(order[n:], order[n][0]) for n in range(len(order))):
                continue
            sub = {lim[0]: sp.Symbol(f"_h{h}_{n}", integer=True) for n, lim in enumerate(order)}
            new_lims = tuple((sub[d], lo.xreplace(sub), hi.xreplace(sub)) for d, lo, hi in order)
            cand = e.func(body.xreplace(sub), *new_lims)
            key = sp.srepr(cand)
            if best is None or key < best[0]:
                best = (key, cand)
        if best is None:
            sub = {lim[0]: sp.Symbol(f"_h{h}_{n}", integer=True) for n, lim in enumerate(limits)}
            return e.func(body.xreplace(sub), *((sub[d], lo.xreplace(sub), hi.xreplace(sub)) for d, lo, hi in limits))
        return best[1]
    return e.func(*[_canon(a) for a in e.args])


def atomize(
    e: sp.Expr, ctx: Context, table: Optional[dict[sp.Expr, sp.Symbol]] = None
) -> tuple[sp.Expr, dict[sp.Symbol, sp.Expr]]:
    """Replace each distinct sum and product by a symbol (positive when provably so).

    Pass the same ``table`` to atomize several expressions with shared symbols.
    """
    table = {} if table is None else table

    def visit(x: sp.Basic) -> sp.Basic:
        if isinstance(x, (Sum, Product)):
            if x not in table:
                name = f"_S{len(table)}"
                if is_positive(x, ctx):
                    table[x] = sp.Symbol(name, positive=True)
                elif x.function.is_real:
                    table[x] = sp.Symbol(name, real=True)
                else:
                    table[x] = sp.Symbol(name)
            return table[x]
        if x.is_Atom or isinstance(x, Indexed):
            return x
        return x.func(*[visit(a) for a in x.args])

    out = visit(e)
    return out, {v: k for k, v in table.items()}
