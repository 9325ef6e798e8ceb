"""The normaliser's rewrites are identities: the normal form has the value of the original."""
from __future__ import annotations

import sympy as sp
from hypothesis import HealthCheck, given, settings, strategies as st
from sympy import IndexedBase, KroneckerDelta, Product, Sum

from derivations import Assumptions
from derivations.kernel.assume import context as _context
from derivations.kernel.normalize import normalize
from derivations.kernel.sampler import Sampler

N, K = sp.symbols("N K", integer=True, positive=True)
k, m, j = sp.symbols("k m j", integer=True)
a = IndexedBase("a", positive=True)
b = IndexedBase("b", real=True)
y = IndexedBase("y", integer=True)
t = sp.Symbol("t", real=True)
p = sp.Symbol("p", positive=True)
A = Assumptions(
    sizes=(N, K),
    relations=(sp.Ge(k, 1), sp.Le(k, K), sp.Ge(y[m], 1), sp.Le(y[m], K)),
    cover=((y, K, N),),
)
CTX = _context(A)

leaf_in = lambda d: st.sampled_from([a[d], b[d], t, p, sp.Integer(2), sp.Rational(1, 3),  # noqa: E731
                                     KroneckerDelta(y[d], k), b[y[d]], a[k]])


def body(d: sp.Symbol) -> st.SearchStrategy[sp.Expr]:
    return st.recursive(
        leaf_in(d),
        lambda inner: st.one_of(
            st.tuples(inner, inner).map(lambda z: z[0] + z[1]),
            st.tuples(inner, inner).map(lambda z: z[0] * z[1]),
            inner.map(lambda z: z**2),
            inner.map(lambda z: -z),
        ),
        max_leaves=5,
    )


def summed(d: sp.Symbol) -> st.SearchStrategy[sp.Expr]:
    return st.one_of(
        body(d).map(lambda f: Sum(f, (d, 1, N))),
        body(d).map(lambda f: Sum(f * KroneckerDelta(d, k), (d, 1, K))),
        body(d).map(lambda f: Sum(f * KroneckerDelta(k, d), (d, 2, K))),
        body(d).map(lambda f: Sum(f * KroneckerDelta(d, k), (d, 1, N))),
        st.just(Sum(KroneckerDelta(y[d], k), (d, 1, N))),
        body(d).map(lambda f: sp.log(Product(a[d] * sp.exp(f), (d, 1, N)))),
        body(d).map(lambda f: Product(a[d] ** 2 * p, (d, 1, N))),
    )


exprs = st.recursive(
    st.one_of(summed(m), summed(j), st.sampled_from([t, p, a[k], sp.Integer(3)])),
    lambda inner: st.one_of(
        st.tuples(inner, inner).map(lambda z: z[0] + z[1]),
        st.tuples(inner, inner).map(lambda z: z[0] * z[1]),
        inner.map(lambda z: Sum(z, (j, 1, N)) if not z.has(j) else z),
    ),
    max_leaves=4,
)


def _value(e: sp.Expr, seed: int) -> sp.Expr:
    inst = Sampler(A, seed).draw([e])
    return inst.evaluate(e)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(e=exprs, seed=st.integers(0, 10**6))
def test_normal_form_has_the_same_value(e, seed):
    n = normalize(e, CTX)
    inst = Sampler(A, seed).draw([e])
    before, after = inst.evaluate(e), inst.evaluate(n)
    diff = sp.N(before - after, 50)
    scale = 1 + abs(sp.N(before, 50))
    assert abs(diff) <= sp.Float(10) ** -35 * scale, (e, n)


def test_renamed_bound_indices_give_one_form():
    assert normalize(Sum(b[m] ** 2, (m, 1, N)), CTX) == normalize(Sum(b[j] ** 2, (j, 1, N)), CTX)


def test_independent_factors_leave_the_sum():
    n = normalize(Sum(t * b[m], (m, 1, N)), CTX)
    assert n == t * normalize(Sum(b[m], (m, 1, N)), CTX)
