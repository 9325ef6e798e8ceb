"""The kernel's verdicts: proved only symbolically, refuted only with a separating point."""
from __future__ import annotations

import os
import signal
import threading
import time

import pytest
import sympy as sp
from sympy import IndexedBase, KroneckerDelta, Sum

import derivations.kernel.verdict as kernel
from derivations.kernel.calculus import Diff
from derivations import Assumptions, DerivativeOf, Equal, MinimumAt, Sampled, Solves, Unreadable, check

x = sp.Symbol("x", real=True)
y = sp.Symbol("y", real=True)
p = sp.Symbol("p", positive=True)
N = sp.Symbol("N", integer=True, positive=True)
m, j, i = sp.symbols("m j i", integer=True)
X = IndexedBase("x", real=True)
SIZES = Assumptions(sizes=(N,))


@pytest.mark.parametrize(
    "claim, verdict",
    [
        pytest.param(Equal((x + 10**20) - 10**20, x), "proved", id="big-cancel-exact"),
        pytest.param(Equal(sp.pi * x, sp.Rational(355, 113) * x), "refuted", id="pi-is-not-355/113"),
        pytest.param(Equal(x + sp.Rational(1, 10**20), x), "refuted", id="tiny-offset-is-not-zero"),
        pytest.param(Equal(sp.log(6), sp.log(2) + sp.log(3)), "proved", id="log-of-product"),
        pytest.param(Equal(sp.log(p**2), 2 * sp.log(p)), "proved", id="log-power-positive"),
        pytest.param(Equal(sp.log(x**2), 2 * sp.log(x)), "refuted", id="log-power-needs-positivity"),
        pytest.param(Equal((x + y) ** 2, x**2 + y**2), "refuted", id="freshman-square"),
        pytest.param(Equal(sp.sin(x) ** 2 + sp.cos(x) ** 2, 1), "proved", id="pythagoras"),
        pytest.param(Equal(sp.exp(x) * sp.exp(y), sp.exp(x + y)), "proved", id="exp-sum"),
    ],
)
def test_scalar_claims(claim, verdict):
    assert check(claim).verdict == verdict


@pytest.mark.parametrize(
    "claim, verdict",
    [
        pytest.param(Equal(Sum(X[m], (m, 1, N)), N * X[m]), "refuted", id="family-sum-is-not-N-copies"),
        pytest.param(Equal(Sum(X[m], (m, 1, N)), Sum(X[j], (j, 1, N))), "proved", id="renamed-bound-index"),
        pytest.param(Equal(Sum(2 * X[m] + 3, (m, 1, N)), 2 * Sum(X[j], (j, 1, N)) + 3 * N), "proved", id="linearity"),
        pytest.param(Equal(Sum(X[m], (m, 1, N)), Sum(X[m], (m, 2, N))), "refuted", id="shifted-bound"),
        pytest.param(Equal(Sum(KroneckerDelta(m, j) * X[m], (m, 1, N)), X[j]), "refuted", id="delta-without-range-j-may-be-outside"),
    ],
)
def test_sum_claims(claim, verdict):
    assert check(claim, SIZES).verdict == verdict


def test_delta_with_range_is_proved():
    a = Assumptions(sizes=(N,), relations=(sp.Ge(j, 1), sp.Le(j, N)))
    assert check(Equal(Sum(KroneckerDelta(m, j) * X[m], (m, 1, N)), X[j]), a).verdict == "proved"


def test_refuted_counterexample_really_separates():
    v = check(Equal(Sum(X[m], (m, 1, N)), N * X[m]), SIZES)
    assert v.verdict == "refuted"
    vals = {k: sp.Rational(s) for k, s in v.counterexample.items()}
    n, mm = int(vals["N"]), int(vals["m"])
    lhs = sum(vals[f"x_{r}"] for r in range(1, n + 1))
    assert lhs != n * vals[f"x_{mm}"]


def test_derivative_claims():
    assert check(DerivativeOf(2 * x, x**2, x)).verdict == "proved"
    assert check(DerivativeOf(x, x**2, x)).verdict == "refuted"
    s = IndexedBase("s", positive=True)
    assert check(DerivativeOf(-1 / (2 * s[i] ** 4), 1 / (2 * s[i] ** 2), s[i] ** 2)).verdict == "proved"
    assert check(DerivativeOf(-1 / s[i] ** 3, 1 / (2 * s[i] ** 2), s[i] ** 2)).verdict == "refuted"


K = sp.Symbol("K", integer=True, positive=True)
k = sp.Symbol("k", integer=True)
MU = IndexedBase("mu", real=True)
IN_RANGE = Assumptions(sizes=(K,), relations=(k >= 1, k <= K))


@pytest.mark.parametrize("claim, assumptions, verdict", [
    pytest.param(Equal(1 + Diff(x**2, x, 1), 1 + 2 * x), None, "proved", id="inside-a-sum"),
    pytest.param(Equal(1 + Diff(x**2, x, 1), 1 + x), None, "refuted", id="inside-a-sum-wrong"),
    pytest.param(Equal(Diff(x**3, x, 2), 6 * x), None, "proved", id="second-order"),
    pytest.param(Equal(Diff(x**3, x, 2), 3 * x), None, "refuted", id="second-order-wrong"),
    pytest.param(Equal(y * Diff(Sum((x - MU[k]) ** 2, (k, 1, K)), MU[k], 1), -2 * y * (x - MU[k])),
                 IN_RANGE, "proved", id="bound-index-is-not-the-variable"),
    pytest.param(Equal(y * Diff(Sum((x - MU[k]) ** 2, (k, 1, K)), MU[k], 1), -2 * K * y * (x - MU[k])),
                 IN_RANGE, "refuted", id="bound-index-is-not-the-variable-wrong"),
    pytest.param(Equal(Diff(sp.log(p**2), p**2, 1) * p, 1 / p), None, "proved", id="by-a-variance"),
    pytest.param(Equal(Diff(sp.log(p**2), p**2, 1) * p, 2 / p), None, "refuted", id="by-a-variance-wrong"),
    pytest.param(Solves(x, sp.Integer(3), Diff((x - 3) ** 2, x, 1)), None, "proved", id="solves-a-derivative"),
    pytest.param(Solves(x, sp.Integer(2), Diff((x - 3) ** 2, x, 1)), None, "refuted", id="solves-a-derivative-wrong"),
    pytest.param(Solves(x, sp.Integer(2), Diff((y - 3) ** 2, x, 1)), None, "unknown", id="solves-nothing"),
])
def test_derivatives_inside_claims_are_taken_by_the_kernel(claim, assumptions, verdict):
    """The reader leaves ``Diff`` unevaluated; both routes take it (sums written out first on evaluation)."""
    got = check(claim, assumptions or Assumptions())
    assert got.verdict == verdict, got.detail
    if verdict == "refuted" and not isinstance(claim, Solves):  # a solution without other symbols has no point
        assert got.counterexample


def test_solves_and_minimum():
    assert check(Solves(x, sp.Integer(3), 2 * x - 6)).verdict == "proved"
    assert check(Solves(x, sp.Integer(2), 2 * x - 6)).verdict == "refuted"
    assert check(MinimumAt((x - 1) ** 2, x, sp.Integer(1))).verdict == "proved"
    assert check(MinimumAt(-((x - 1) ** 2), x, sp.Integer(1))).verdict == "refuted"


def test_unreadable_is_error():
    v = check(Unreadable("notes.tex:3:7: unknown command \\foo"))
    assert v.verdict == "error" and "notes.tex:3:7" in v.detail


def test_caps_refuse_before_work():
    v = check(Equal((x + y + 1) ** 5000, 1))
    assert v.verdict == "unknown" and "too large" in v.detail
    v = check(Equal(sp.Integer(10) ** 500 * x + sp.Integer(10**450), x))
    assert v.verdict in ("refuted", "unknown")


def _sleep(*args):
    time.sleep(60)


def _die(*args):
    os.kill(os.getpid(), signal.SIGKILL)


def test_over_budget_is_unknown_never_proved(monkeypatch):
    monkeypatch.setattr(kernel, "_symbolic", _sleep)
    monkeypatch.setattr(kernel, "sample", _sleep)
    monkeypatch.setattr(kernel, "confirm", _sleep)
    start = time.perf_counter()
    v = check(Equal(x, x), budget=1.0)
    assert v.verdict == "unknown" and "budget" in v.detail
    assert time.perf_counter() - start < 5


def test_symbolic_timeout_alone_never_proves(monkeypatch):
    monkeypatch.setattr(kernel, "_symbolic", _sleep)
    v = check(Equal(x + 1, 1 + x), budget=1.0)
    assert v.verdict == "supported" and "budget" in v.detail


def test_worker_that_dies_is_unknown(monkeypatch):
    monkeypatch.setattr(kernel, "_symbolic", _die)
    monkeypatch.setattr(kernel, "sample", _die)
    monkeypatch.setattr(kernel, "confirm", _die)
    v = check(Equal(x, x), budget=5.0)
    assert v.verdict == "unknown" and "died" in v.detail


def test_worker_killed_from_outside_is_unknown(monkeypatch):
    import multiprocessing as mp

    monkeypatch.setattr(kernel, "_symbolic", _sleep)
    monkeypatch.setattr(kernel, "sample", _sleep)
    monkeypatch.setattr(kernel, "confirm", _sleep)
    result = {}
    t = threading.Thread(target=lambda: result.setdefault("v", check(Equal(x, x), budget=30.0)))
    t.start()
    for _ in range(100):
        kids = mp.active_children()
        if kids:
            break
        time.sleep(0.05)
    for proc in kids:
        os.kill(proc.pid, signal.SIGKILL)
    time.sleep(0.3)
    for proc in mp.active_children():
        os.kill(proc.pid, signal.SIGKILL)
    t.join(20)
    assert result["v"].verdict == "unknown"


def test_sampled_claims():
    assert check(Sampled("passes", lambda s: None, 8)).verdict == "supported"
    v = check(Sampled("fails at 3", lambda s: None if s < 3 else {"value": s}, 8))
    assert v.verdict == "refuted" and v.counterexample["seed"] == "3"
    flaky = iter([{"v": 1}, None] + [None] * 10)
    assert check(Sampled("flaky", lambda s: next(flaky), 8)).verdict == "unknown"


@pytest.mark.parametrize("n", [0, 1, 7])
def test_fewer_than_eight_trials_or_points_is_refused(n):
    with pytest.raises(ValueError, match="at least 8"):
        Sampled("too few", lambda s: None, n)
    with pytest.raises(ValueError, match="at least 8"):
        check(Equal(x + 1, x + 2), points=n)


def _hog(*args):
    blocks = []
    while True:
        blocks.append(bytearray(512 * 1024**2))


def test_memory_exhaustion_is_unknown(monkeypatch):
    monkeypatch.setattr(kernel, "_symbolic", _hog)
    monkeypatch.setattr(kernel, "sample", _hog)
    monkeypatch.setattr(kernel, "confirm", _hog)
    monkeypatch.setattr(kernel, "MEMORY_BYTES", 1024**3)
    v = check(Equal(x, x), budget=20.0)
    assert v.verdict == "unknown" and "memory" in v.detail


def test_log_identities_need_positivity():
    """Over the reals log(xy) = log x + log y fails where x, y < 0: one side is real, the other not."""
    v = check(Equal(sp.log(x * y), sp.log(x) + sp.log(y)))
    assert v.verdict == "refuted" and "I" in v.detail
    q = sp.Symbol("q", positive=True)
    assert check(Equal(sp.log(p * q), sp.log(p) + sp.log(q))).verdict == "proved"
    assert check(Equal(sp.log(-x**2 - 1), sp.log(-x**2 - 1))).verdict == "proved"


def test_sizes_reach_past_literals_in_the_claim():
    v = check(Equal(Sum(KroneckerDelta(i, 5), (i, 1, N)), 0), SIZES)
    assert v.verdict == "refuted" and int(v.counterexample["N"]) >= 5


def test_inner_bound_depending_on_outer_index():
    tri = Sum(1, (j, i, N), (i, 1, N))
    assert check(Equal(tri, N * (N + 1) / 2), SIZES).verdict in ("proved", "supported")
    assert check(Equal(tri, N**2), SIZES).verdict == "refuted"


def test_claims_take_ints_exactly_and_refuse_floats():
    assert Equal(x, 0).rhs == sp.Integer(0)
    with pytest.raises(TypeError, match="float"):
        Equal(x, 0.1)
    with pytest.raises(TypeError, match="SymPy expression"):
        Equal(x, "x")
