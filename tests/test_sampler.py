"""The sampler draws exact points that respect the assumptions."""
from __future__ import annotations

import sympy as sp
from hypothesis import given, settings, strategies as st
from sympy import IndexedBase, KroneckerDelta, Sum

from derivations import Assumptions
from derivations.kernel.sampler import Sampler, alpha_rename

K, N = sp.symbols("K N", integer=True, positive=True)
k, m = sp.symbols("k m", integer=True)
y = IndexedBase("y", integer=True)
sigma = IndexedBase("sigma", positive=True)
x = IndexedBase("x", real=True)
t = sp.Symbol("t", real=True)
A = Assumptions(
    sizes=(K, N),
    relations=(sp.Ge(k, 1), sp.Le(k, K), sp.Ge(y[m], 1), sp.Le(y[m], K), sp.Gt(t, 2)),
    cover=((y, K, N),),
)
EXPR = Sum(KroneckerDelta(y[m], k) * x[m] / sigma[m] ** 2, (m, 1, N)) + t


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 10**6))
def test_points_respect_assumptions(seed):
    inst = Sampler(A, seed).draw([EXPR])
    lo, hi = A.size_range
    assert lo <= inst.ints[K] <= hi
    assert 1 <= inst.ints[k] <= inst.ints[K]
    labels = inst.labels[y]
    assert len(labels) == inst.ints[N]
    assert set(labels) == set(range(1, inst.ints[K] + 1)), "every class appears"
    v = inst.evaluate(EXPR)
    assert v.is_Rational, "exact arithmetic, never a float"
    assert inst.value_of(t) > 2
    for a, val in inst.values.items():
        assert isinstance(val, sp.Rational)
        if isinstance(a, sp.Indexed) and a.base == sigma:
            assert val > 0


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 10**6))
def test_same_seed_same_point(seed):
    a = Sampler(A, seed).draw([EXPR])
    b = Sampler(A, seed).draw([EXPR])
    assert a.evaluate(EXPR) == b.evaluate(EXPR)


def test_free_index_never_captured_by_a_bound_one():
    e = Sum(x[m], (m, 1, N)) - N * x[m]
    renamed = alpha_rename(e)
    assert m in renamed.free_symbols
    inst = Sampler(Assumptions(sizes=(N,)), 3).draw([e])
    val = inst.evaluate(e)
    n, mm = inst.ints[N], inst.ints[m]
    direct = sum(inst.values[x[r]] for r in range(1, n + 1)) - n * inst.values[x[mm]]
    assert val == direct
