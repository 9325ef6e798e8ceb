"""Property tests: ``normalize`` is an identity under the project's sum/product semantics.

Input contract rule 11: a sum or product ranges over exactly the integers lo..hi of its
bounds and may be EMPTY (a sum over nothing is 0, a product over nothing is 1); nothing
assumes lo <= hi. SymPy's ``Sum.doit`` uses the Karr convention for hi < lo, so it is not
the oracle here: ``brute`` below is an independent evaluator that loops over
``range(lo, hi + 1)`` and computes exactly (Fractions, and SymPy numbers for log/exp).

Each property draws random nested sums and products (dependent, shifted and possibly
empty bounds, constant bodies, indicators, logs), normalises them, and compares the
original and the normal form at EVERY assignment of small sizes (N, M in 1..3) and free
integers (a, b in -2..3; q in 1..N), with random rational values for c and x[...].
"""
from __future__ import annotations

import itertools
import operator
import random
from fractions import Fraction

import pytest
import sympy as sp
from hypothesis import HealthCheck, Phase, given, settings, strategies as st
from sympy import IndexedBase, KroneckerDelta, Product, Sum

from derivations import Assumptions, Equal, check
from derivations.kernel.normalize import Context, normalize

N, M = sp.symbols("N M", integer=True, positive=True)
a, b = sp.symbols("a b", integer=True)
q = sp.Symbol("q", integer=True)  # a free index with the known range 1..N (see CTX_Q)
c = sp.Symbol("c", real=True)
p = sp.Symbol("p", positive=True)
x = IndexedBase("x", real=True)
w = IndexedBase("w", positive=True)
i, j, k, l = sp.symbols("i j k l", integer=True)
POOL = (i, j, k, l)

CTX = Context()
CTX_Q = Context(ranges={q: (sp.Integer(1), N)})

SETTINGS = dict(deadline=None, database=None, suppress_health_check=list(HealthCheck),
                phases=[Phase.explicit, Phase.generate, Phase.shrink])


# ---------------------------------------------------------------- the brute-force oracle


class Undefined(Exception):
    """The expression has no value here (0 to a negative power, log of a non-positive, ...)."""


class Unbound(Exception):
    """A symbol the assignment does not give (e.g. a summation index that escaped its sum)."""


def _sym(v):
    return sp.Rational(v.numerator, v.denominator) if isinstance(v, Fraction) else sp.sympify(v)


def _back(v):
    v = sp.sympify(v)
    if v.has(sp.zoo, sp.nan, sp.oo, -sp.oo):
        raise Undefined(str(v))
    if v.is_Rational:
        return Fraction(int(v.p), int(v.q))
    if not v.is_number:
        raise Unbound(f"non-numeric value {v}")
    return v


def _num(v):
    return v if isinstance(v, Fraction) else sp.N(v, 60)


def _int(v) -> int:
    if not isinstance(v, Fraction) or v.denominator != 1:
        raise Undefined(f"non-integer index or bound {v}")
    return int(v)


def _add(vs):
    if all(isinstance(v, Fraction) for v in vs):
        return sum(vs, Fraction(0))
    return _back(sp.Add(*map(_sym, vs)))


def _mul(vs):
    if all(isinstance(v, Fraction) for v in vs):
        out = Fraction(1)
        for v in vs:
            out *= v
        return out
    return _back(sp.Mul(*map(_sym, vs)))


def _pow(base, ex):
    if isinstance(base, Fraction) and isinstance(ex, Fraction) and ex.denominator == 1:
        if base == 0 and ex < 0:
            raise Undefined("0 to a negative power")
        return base ** int(ex)
    return _back(sp.Pow(_sym(base), _sym(ex)))


def _log(v):
    if _num(v) <= 0:
        raise Undefined(f"log of {v}")
    return _back(sp.log(_sym(v)))


_RELS = {sp.Eq: operator.eq, sp.Ne: operator.ne, sp.Lt: operator.lt, sp.Le: operator.le,
         sp.Gt: operator.gt, sp.Ge: operator.ge}


class Env:
    def __init__(self, syms, seed):
        self.syms, self.seed, self.memo = syms, seed, {}

    def bind(self, d, v):
        out = Env({**self.syms, d: Fraction(v)}, self.seed)
        out.memo = self.memo
        return out

    def indexed(self, base, idx):
        key = (str(base.label), idx)
        if key not in self.memo:
            r = random.Random(f"{self.seed}:{key}")
            if base.is_positive:
                v = Fraction(r.randint(1, 9), r.randint(1, 4))
            else:
                v = Fraction(r.randint(-6, 6), r.randint(1, 4))
            self.memo[key] = v
        return self.memo[key]


def compile_expr(e):
    """A function of an ``Env`` giving the exact value of ``e``; recursive over the tree."""
    e = sp.sympify(e)
    if e.is_Rational:
        v = Fraction(int(e.p), int(e.q))
        return lambda env: v
    if e is sp.true or e is sp.false:
        v = bool(e)
        return lambda env: v
    if isinstance(e, sp.Symbol):
        def sym(env):
            if e not in env.syms:
                raise Unbound(f"unbound symbol {e}")
            return env.syms[e]
        return sym
    if e.is_number and e.is_Atom:  # E, pi, ...
        return lambda env: e
    if isinstance(e, sp.Indexed):
        idx = [compile_expr(t) for t in e.indices]
        base = e.base
        return lambda env: env.indexed(base, tuple(_int(f(env)) for f in idx))
    if isinstance(e, (Sum, Product)):
        body = compile_expr(e.function)
        lims = [(d, compile_expr(lo), compile_expr(hi)) for d, lo, hi in e.limits]
        is_sum = isinstance(e, Sum)

        def rec(n, env):  # limits[0] is the innermost
            if n < 0:
                return body(env)
            d, lo, hi = lims[n]
            parts = [rec(n - 1, env.bind(d, v)) for v in range(_int(lo(env)), _int(hi(env)) + 1)]
            if not parts:
                return Fraction(0) if is_sum else Fraction(1)
            return _add(parts) if is_sum else _mul(parts)
        return lambda env: rec(len(lims) - 1, env)
    args = [compile_expr(t) for t in e.args]
    if isinstance(e, sp.Add):
        return lambda env: _add([f(env) for f in args])
    if isinstance(e, sp.Mul):
        return lambda env: _mul([f(env) for f in args])
    if isinstance(e, sp.Pow):
        return lambda env: _pow(args[0](env), args[1](env))
    if isinstance(e, sp.exp):
        return lambda env: _back(sp.exp(_sym(args[0](env))))
    if isinstance(e, sp.log):
        if len(args) != 1:
            raise NotImplementedError("log with a base")
        return lambda env: _log(args[0](env))
    if isinstance(e, KroneckerDelta):
        return lambda env: Fraction(int(_int(args[0](env)) == _int(args[1](env))))
    if type(e) in _RELS:
        op = _RELS[type(e)]
        return lambda env: op(_num(args[0](env)), _num(args[1](env)))
    if isinstance(e, sp.And):
        return lambda env: all(f(env) for f in args)
    if isinstance(e, sp.Or):
        return lambda env: any(f(env) for f in args)
    if isinstance(e, sp.Not):
        return lambda env: not args[0](env)
    if isinstance(e, sp.Piecewise):
        pairs = [(compile_expr(v), compile_expr(cnd)) for v, cnd in e.args]

        def piece(env):
            for v, cnd in pairs:
                if cnd(env):
                    return v(env)
            raise Undefined("no Piecewise branch holds")
        return piece
    if isinstance(e, (sp.Max, sp.Min)):
        pick = max if isinstance(e, sp.Max) else min
        return lambda env: pick([f(env) for f in args], key=_num)
    func = e.func  # floor, Abs, binomial, ...: let SymPy evaluate the function of numbers
    return lambda env: _back(func(*[_sym(f(env)) for f in args]))


def brute(e, values, seed=0):
    """The value of ``e`` when each symbol takes ``values[symbol]`` (x[...] drawn from ``seed``)."""
    return compile_expr(e)(Env({s: Fraction(v) for s, v in values.items()}, seed))


def same(u, v) -> bool:
    if isinstance(u, Fraction) and isinstance(v, Fraction):
        return u == v
    d = abs(sp.N(_sym(u) - _sym(v), 60))
    return bool(d <= sp.Float(10, 60) ** -40 * (1 + abs(_num(u))))


DOMAINS = {N: range(1, 4), M: range(1, 4), a: range(-2, 4), b: range(-2, 4), q: range(1, 4)}


def assignments(syms, seed):
    """Every assignment of the sizes and free integers in ``syms``; c, p random rationals."""
    ints = [s for s in (N, M, a, b, q) if s in syms or (s is N and q in syms)]
    for combo in itertools.product(*[DOMAINS[s] for s in ints]):
        vals = dict(zip(ints, combo))
        if q in vals and vals[q] > vals[N]:
            continue
        r = random.Random(f"{seed}:{combo}")
        if c in syms:
            vals[c] = Fraction(r.randint(-5, 5), r.randint(1, 3))
        if p in syms:
            vals[p] = Fraction(r.randint(1, 7), r.randint(1, 3))
        yield vals


def assert_identity(e, ctx, seed):
    n = normalize(e, ctx)
    f_e, f_n = compile_expr(e), compile_expr(n)
    syms = {s for s in e.free_symbols | n.free_symbols if isinstance(s, sp.Symbol)} & {N, M, a, b, q, c, p}
    for vals in assignments(syms, seed):
        before = f_e(Env(dict((s, Fraction(v)) for s, v in vals.items()), seed))
        try:
            after = f_n(Env(dict((s, Fraction(v)) for s, v in vals.items()), seed))
        except (Undefined, Unbound) as exc:
            raise AssertionError(f"normal form undefined: {e}  ->  {n}  at {vals}: {exc}; original = {before}")
        assert same(before, after), f"{e}  ->  {n}  at {vals}: original {before}, normalised {after}"


# ---------------------------------------------------------------- the oracle is right


def test_brute_force_evaluator_on_hand_computed_values():
    two, three = Fraction(2), Fraction(3)
    assert brute(Sum(Sum(1, (j, i, N)), (i, 1, N)), {N: 3}) == 6
    assert brute(Sum(Sum(1, (j, i, N)), (i, 1, N)), {N: 1}) == 1
    assert brute(Sum(c, (i, 3, 1)), {c: two}) == 0  # empty, not Karr's -c
    assert brute(Sum(c, (i, 3, 2)), {c: two}) == 0
    assert brute(Product(c, (j, 3, 1)), {c: two}) == 1
    assert brute(Product(c, (j, i + 2, N)), {i: 1, N: 4, c: two}) == 4
    assert brute(Product(c, (j, i + 2, N)), {i: 3, N: 4, c: two}) == 1
    assert brute(Product(c, (j, i + 2, N)), {i: 4, N: 4, c: two}) == 1  # not c**-1
    assert brute(Sum(i, (i, 1, 4)), {}) == 10
    assert brute(Sum(Sum(i * j, (j, 1, i - 1)), (i, 1, 3)), {}) == 11
    assert brute(Sum(j, (j, 1, i), (i, 1, 3)), {}) == 10  # first limit innermost
    assert brute(Sum(Sum(1, (j, i + 2, N)), (i, 1, N)), {N: 4}) == 3
    assert brute(Sum(i * KroneckerDelta(i, a), (i, 1, N)), {N: 3, a: 2}) == 2
    assert brute(Sum(i * KroneckerDelta(i, a), (i, 1, N)), {N: 3, a: 5}) == 0
    assert brute(c**2 * sp.Rational(1, 2) + 1, {c: three}) == Fraction(11, 2)
    v = brute(Sum(x[i], (i, 1, 2)), {}, seed=7)
    assert v == brute(x[1], {}, seed=7) + brute(x[2], {}, seed=7)
    assert brute(KroneckerDelta(a, b), {a: -1, b: -1}) == 1 and brute(KroneckerDelta(a, b), {a: 0, b: 1}) == 0
    lg = brute(sp.log(Product(p, (j, 1, 3))), {p: two})
    assert same(lg, _back(3 * sp.log(2))) and not same(lg, _back(2 * sp.log(2)))
    assert brute(sp.log(Product(p, (j, 3, 1))), {p: two}) == 0
    assert same(brute(Product(sp.exp(c), (j, 1, 2)), {c: two}), _back(sp.exp(4)))
    assert brute(sp.Max(N - i + 1, 0), {N: 2, i: 5}) == 0
    assert brute(sp.Piecewise((N - i, sp.Ge(N, i)), (0, True)), {N: 2, i: 5}) == 0
    with pytest.raises(Unbound):
        brute(N**2 - N * i + N, {N: 2})
    with pytest.raises(Undefined):
        brute(c ** (N - i - 1), {c: Fraction(0), N: 2, i: 2})
    # the oracle can fail: Karr's value of an empty sum is not the empty sum
    assert not same(brute(Sum(c, (i, 3, 1)), {c: two}), brute(-c, {c: two}))
    assert not same(brute(Sum(Sum(1, (j, i, N)), (i, 1, N)), {N: 3}), brute(N**2, {N: 3}))


# ---------------------------------------------------------------- generators

CONSTS = [sp.Integer(1), sp.Integer(2), sp.Integer(0), sp.Integer(-1), sp.Rational(1, 2)]
STATIC = [(1, N), (1, M), (0, N - 1), (2, N + 1), (2, N), (1, 3), (3, 1), (a, b), (a, N), (1, a),
          (b, b + 1), (a + 1, a), (N, M), (N + 1, N), (a, a)]


def _dependent(o):
    return [(o, N), (o + 2, N), (1, o - 1), (o + 1, N), (1, o), (o, M), (a, o), (o - 1, o + 1),
            (o, o), (o + 1, o), (o, b), (o + 1, N + 1)]


def bounds(scope):
    opts = [st.sampled_from(STATIC)]
    if scope:
        opts.append(st.sampled_from(scope).flatmap(lambda o: st.sampled_from(_dependent(o))))
    return st.one_of(*opts).map(lambda lh: (sp.sympify(lh[0]), sp.sympify(lh[1])))


def fresh(scope):
    return next(d for d in POOL if d not in scope)


def leaf(scope, extra=()):
    opts = [st.sampled_from(CONSTS), st.sampled_from([c, N, a] + list(extra)),
            st.sampled_from(list(scope) + [a] + [t + 1 for t in scope]).map(lambda t: x[t])]
    if scope:
        opts.append(st.sampled_from(scope))
        others = list(scope) + [a, b, N, sp.Integer(1), sp.Integer(2)] + list(extra)
        opts.append(st.tuples(st.sampled_from(scope), st.sampled_from(others)).map(lambda uv: KroneckerDelta(*uv)))
    else:
        opts.append(st.just(KroneckerDelta(a, b)))
    return st.one_of(*opts)


@st.composite
def body(draw, scope=(), depth=3, extra=()):
    """A random expression in the bound indices ``scope``; nesting at most ``depth``."""
    scope = list(scope)
    kind = draw(st.sampled_from(["leaf", "add", "mul", "sum", "prod", "sq", "sums_times_sum"])) if depth > 0 else "leaf"
    if kind == "leaf":
        return draw(leaf(scope, extra))
    if kind in ("add", "mul"):
        u, v = draw(body(scope, depth - 1, extra)), draw(body(scope, depth - 1, extra))
        return u + v if kind == "add" else u * v
    if kind == "sq":
        return draw(body(scope, depth - 1, extra)) ** 2
    if kind == "sums_times_sum":  # a product of sums
        d = fresh(scope)
        f = draw(body(scope + [d], depth - 1, extra)) + draw(leaf(scope + [d], extra))
        g = draw(body(scope + [d], depth - 1, extra))
        return Sum(f, (d, *draw(bounds(scope)))) * Sum(g, (d, *draw(bounds(scope))))
    d = fresh(scope)
    lo, hi = draw(bounds(scope))
    f = draw(body(scope + [d], depth - 1, extra))
    return (Sum if kind == "sum" else Product)(f, (d, lo, hi))


@st.composite
def constant_chain(draw, scope=(), depth=3):
    """Nested sums/products whose bodies do not involve their own index (a count or a power)."""
    scope = list(scope)
    d = fresh(scope)
    lo, hi = draw(bounds(scope))
    consts = CONSTS + [c, N, a] + list(scope)
    kind = draw(st.sampled_from(["const", "nest", "nest_plus_const"])) if depth > 1 else "const"
    if kind == "const":
        f = draw(st.sampled_from(consts))
        if draw(st.booleans()):
            f = f * draw(st.sampled_from(consts))
    elif kind == "nest":
        f = draw(constant_chain(scope + [d], depth - 1))
    else:
        f = draw(constant_chain(scope + [d], depth - 1)) + draw(st.sampled_from(consts))
    return draw(st.sampled_from([Sum, Product]))(f, (d, lo, hi))


@st.composite
def with_indicator(draw):
    """Sums with indicators between bound indices and free ones (q has range 1..N in CTX_Q)."""
    d = fresh([])
    lo, hi = draw(bounds([]))
    kind = draw(st.sampled_from(["free", "nested"]))
    if kind == "free":
        f = draw(body([d], 1, extra=(q,)))
        other = draw(st.sampled_from([q, a, b, N, q + 1, sp.Integer(2)]))
        return Sum(f * KroneckerDelta(d, other), (d, lo, hi))
    e = fresh([d])
    lo2, hi2 = draw(bounds([d]))
    f = draw(body([d, e], 1, extra=(q,)))
    other = draw(st.sampled_from([d, q, a, d + 1]))
    inner = Sum(f * KroneckerDelta(e, other), (e, lo2, hi2))
    return Sum(inner * draw(leaf([d], (q,))), (d, lo, hi))


@st.composite
def positive(draw, scope, depth=1):
    scope = list(scope)
    opts = [p, sp.Integer(2), sp.Rational(1, 3), sp.exp(c), p**2, p + 1] + [g for t in scope for g in
            (w[t], w[t] ** 2, sp.exp(x[t]), w[t] * p, w[t] + p, sp.exp(x[t] + c))]
    f = draw(st.sampled_from(opts))
    if depth > 0 and draw(st.booleans()):
        d = fresh(scope)
        f = f * Product(draw(positive(scope + [d], depth - 1)), (d, *draw(bounds(scope))))
    return f


@st.composite
def with_log(draw):
    d = fresh([])
    lo, hi = draw(bounds([]))
    kind = draw(st.sampled_from(["log_prod", "sum_log_prod", "prod_exp"]))
    if kind == "log_prod":
        return sp.log(Product(draw(positive([d])), (d, lo, hi)))
    if kind == "sum_log_prod":
        e = fresh([d])
        lo2, hi2 = draw(bounds([d]))
        return Sum(sp.log(Product(draw(positive([d, e], 0)), (e, lo2, hi2))), (d, lo, hi))
    return Product(sp.exp(draw(body([d], 1))), (d, lo, hi))


# ---------------------------------------------------------------- properties


@settings(max_examples=150, **SETTINGS)
@given(e=constant_chain(), seed=st.integers(0, 10**6))
def test_constant_bodies_over_dependent_and_empty_ranges(e, seed):
    assert_identity(e, CTX, seed)


@settings(max_examples=120, **SETTINGS)
@given(e=body(depth=3), seed=st.integers(0, 10**6))
def test_random_nested_sums_and_products(e, seed):
    assert_identity(e, CTX, seed)


@settings(max_examples=80, **SETTINGS)
@given(e=with_indicator(), seed=st.integers(0, 10**6))
def test_indicators_between_bound_and_free_indices(e, seed):
    assert_identity(e, CTX_Q, seed)


@settings(max_examples=80, **SETTINGS)
@given(e=with_log(), seed=st.integers(0, 10**6))
def test_logs_of_products_and_products_of_exps(e, seed):
    assert_identity(e, CTX, seed)


@settings(max_examples=50, **SETTINGS)
@given(f=body([i, j], 1), lo=bounds([i]), seed=st.integers(0, 10**6))
def test_shadowed_index_names(f, lo, seed):
    """An inner sum reusing an outer index name binds its own copy."""
    e = Sum(f * Sum(i * x[i] + 1, (i, *lo)), (j, 1, N), (i, 1, N))
    assert_identity(e, CTX, seed)


# ---------------------------------------------------------------- minimal cases found so far

Q = sp.Symbol("Q")  # marks a case to normalise under CTX_Q
FOUND = [  # each was a falsifying example of the properties above (at HEAD or mid-fix)
    Sum(1, (i, 3, 1)),
    Product(c, (i, a + 1, a)),
    Sum(Sum(1, (j, i, N)), (i, 1, N)),
    Sum(Sum(1, (j, i + 2, N)), (i, 1, N)),
    Sum(Product(c, (j, i + 2, N)), (i, 1, N)),
    Sum(Product(0, (j, i + 2, N)), (i, 1, N)),
    Product(Sum(1, (j, a + 1, a)), (i, a, b)),
    Product(c, (i, a, N)) ** 2 + 1,
    Product(sp.exp(Product(i, (j, 1, i - 1))), (i, a, N)),
    Product(sp.exp(Product(KroneckerDelta(a, i), (j, 3, 1))), (i, 1, N)),
    sp.log(Product(p, (i, 3, 1))),
    Sum(sp.log(Product(w[j], (j, i, N))), (i, 1, N)),
    sp.log(Product(p * Product(p, (j, i + 2, N)), (i, 1, N))),
    Sum(Sum(i * x[i] + 1, (i, i, N)), (j, 1, N), (i, 1, N)),
    Sum(1, (i, 1, N)) * Sum(Sum(x[k], (k, j, N), (j, i, N)) + 1, (i, 1, N)),
    Sum(2 * Sum(KroneckerDelta(i, j) * Sum(1, (k, j + 2, N)) * Sum(2, (k, 1, N)), (j, 1, N)), (i, 1, N)),
    Sum(i * Sum(KroneckerDelta(i, j) * Sum(x[k], (k, j, N)), (j, 1, N)), (i, 1, N)),
    Sum(KroneckerDelta(a, i) * Product(c, (j, i, N)), (i, 1, 3)),
    Q * Sum(KroneckerDelta(i, q) * Sum(1, (j, i + 2, N)), (i, 1, N)),
    Q * Sum(KroneckerDelta(i, q) * Sum(1, (j, 3, 1)), (i, 1, N)),
    Q * Sum(KroneckerDelta(i, q) * Sum(x[j], (j, i, N)), (i, 1, N)),
    Q * Sum(KroneckerDelta(i, j), (j, i, N), (i, 1, N)),
]


@pytest.mark.parametrize("e", FOUND, ids=[str(n) for n in range(len(FOUND))])
def test_minimal_cases_found(e):
    ctx = CTX_Q if e.has(Q) else CTX
    for seed in (0, 1):
        assert_identity(e.subs(Q, 1), ctx, seed)


# ---------------------------------------------------------------- the kernel end to end

A = Assumptions(sizes=(N,))
A_IN = Assumptions(sizes=(N,), relations=(sp.Ge(a, 1), sp.Le(a, N)))
TRUE, FALSE = {"proved", "supported"}, {"refuted"}

KERNEL_CASES = [
    (Sum(Sum(1, (j, i, N)), (i, 1, N)), N**2, A, FALSE),
    (Sum(Sum(1, (j, i, N)), (i, 1, N)), N * (N + 1) / 2, A, TRUE),
    (Sum(Sum(1, (j, i + 2, N)), (i, 1, N)), Sum(N - i - 1, (i, 1, N)), A, FALSE),
    (Sum(Sum(1, (j, i + 2, N)), (i, 1, N)), (N - 1) * (N - 2) / 2, A, TRUE),
    (Sum(Sum(1, (j, 1, i - 1)), (i, 1, N)), N * (N - 1) / 2, A, TRUE),
    (Sum(Product(c, (j, i + 2, N)), (i, 1, N)), Sum(c ** (N - i - 1), (i, 1, N)), A, FALSE),
    (Sum(Product(c, (j, i + 2, N)), (i, 1, N)), Sum(c ** (N - i - 1), (i, 1, N - 1)) + 1, A, TRUE),
    (Sum(c, (i, 3, 1)), sp.Integer(0), A, TRUE),
    (Sum(c, (i, 3, 1)), -c, A, FALSE),
    (Product(c, (i, 3, 1)), sp.Integer(1), A, TRUE),
    (Product(c, (i, 3, 1)), 1 / c, A, FALSE),
    (Sum(Sum(i, (j, i, N)), (i, 1, N)), Sum(i * (N - i + 1), (i, 1, N)), A, TRUE),
    (Sum(Sum(x[j], (j, 1, i)), (i, 1, N)), Sum((N - j + 1) * x[j], (j, 1, N)), A, TRUE),
    (Sum(Sum(x[j], (j, 1, i)), (i, 1, N)), Sum(N * x[j], (j, 1, N)), A, FALSE),
    (sp.log(Product(p, (j, 3, 1))), sp.Integer(0), A, TRUE),
    (sp.log(Product(p, (j, 3, 1))), -sp.log(p), A, FALSE),
    (Sum(x[i] * KroneckerDelta(i, a), (i, 1, N)), x[a], A_IN, TRUE),
    (Sum(Sum(KroneckerDelta(i, j), (j, i + 1, N)), (i, 1, N)), sp.Integer(0), A, TRUE),
    (Sum(Sum(KroneckerDelta(i, j), (j, 1, N)), (i, 1, N)), N, A, TRUE),
]


@pytest.mark.parametrize("lhs, rhs, assumptions, allowed", KERNEL_CASES, ids=[str(n) for n in range(len(KERNEL_CASES))])
def test_kernel_on_hand_written_identities(lhs, rhs, assumptions, allowed):
    # the oracle agrees with the expected truth of each case
    syms = {s for s in (lhs - rhs).free_symbols if isinstance(s, sp.Symbol)}
    agree = all(same(brute(lhs, v, s), brute(rhs, v, s)) for s in range(6) for v in assignments(syms, s)
                if not (c in v and v[c] == 0) and (a not in v or 1 <= v[a] <= v.get(N, 3)))
    assert agree == (allowed == TRUE)
    v = check(Equal(lhs, rhs), assumptions)
    assert v.verdict in allowed, (lhs, rhs, v)


@pytest.mark.parametrize("lhs, rhs", [
    (Sum(c, (i, a, N)), c * (N - a + 1)),
    (Sum(x[i] * KroneckerDelta(i, a), (i, 1, N)), x[a]),
    (Product(c, (i, a, N)), c ** (N - a + 1)),
])
def test_kernel_never_proves_a_claim_false_for_some_free_integer(lhs, rhs):
    """False when a > N + 1 (or a outside 1..N): must not be proved, whatever the sampler finds."""
    assert check(Equal(lhs, rhs), A).verdict != "proved"
