"""One source of truth: the estimator computes the closed forms the derivation proves.

The SymPy expressions of ``derivations.content.gnb.derivation.closed_forms()`` are instantiated exactly on
small random datasets (sizes substituted, sums expanded, labels and data substituted as
exact rationals) and compared with the fitted estimator. Changing either side fails here.
"""
from __future__ import annotations

import numpy as np
import pytest
import sympy as sp

from derivations.content.gnb.estimator import SharedVarianceGaussianNB
from derivations.content.gnb.derivation import closed_forms, gnb_symbols

S = gnb_symbols()
CF = closed_forms()
K_, D_, N_, k_, i_, m_ = (S[n] for n in "K D N k i m".split())
x_, y_, u_, sigma_, alpha_ = (S[n] for n in ("x", "y", "u", "sigma", "alpha"))

DATASETS = {
    # name: (labels, scale, offset)
    "unit-scale": ([0, 1, 2, 0, 1, 2, 0], 1.0, 0.0),
    "offset-1e8-spread-1": ([1, 0, 1, 0, 0, 1], 1.0, 1e8),
    "tiny-1e-8": ([2, 2, 0, 1, 0, 1, 1], 1e-8, 3e-8),
    "one-example-in-two-classes": ([0, 1, 2, 2, 2], 10.0, -5.0),
}


def _data(labels: list[int], scale: float, offset: float, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    y = np.array(labels)
    X = offset + scale * (rng.normal(size=(len(y), 2)) + 2 * y[:, None])
    return X, y


def _instantiate(expr: sp.Expr, X: np.ndarray, y: np.ndarray, K: int, k: int | None = None, i: int | None = None,
                 extra: dict | None = None) -> sp.Expr:
    """Sizes, then indices, expand the sums, then labels (1-based), then exact data values."""
    N, D = X.shape
    e = expr.subs({K_: K, D_: D, N_: N})
    if k is not None:
        e = e.subs(k_, k)
    if i is not None:
        e = e.subs(i_, i)
    e = e.doit()
    e = e.subs({y_[m + 1]: int(y[m]) + 1 for m in range(N)})
    e = e.subs({x_[m + 1, j + 1]: sp.Rational(float(X[m, j])) for m in range(N) for j in range(D)})
    if extra:
        e = e.subs(extra)
    return e


def _rel(a: float, b: float) -> float:
    return abs(a - b) / max(abs(b), 1e-300)


@pytest.mark.parametrize("labels,scale,offset", list(DATASETS.values()), ids=list(DATASETS))
def test_fit_equals_the_proved_closed_forms(labels, scale, offset):
    X, y = _data(labels, scale, offset)
    K, (N, D) = len(set(labels)), X.shape
    est = SharedVarianceGaussianNB().fit(X, y)
    means = {}
    for k in range(1, K + 1):
        nk = _instantiate(CF["N_k"], X, y, K, k=k)
        assert est.class_count_[k - 1] == int(nk)
        prior = _instantiate(CF["prior"], X, y, K, k=k)
        assert prior == sp.Rational(int(nk), N)
        assert _rel(est.class_prior_[k - 1], float(prior)) <= 1e-15
        for i in range(1, D + 1):
            mean = _instantiate(CF["mean"], X, y, K, k=k, i=i)
            assert mean.is_Rational
            means[u_[k, i]] = mean
            tol = 1e-14 * (1 + abs(offset) / scale)
            assert abs(est.theta_[k - 1, i - 1] - float(mean)) <= tol * scale
    for i in range(1, D + 1):
        var = _instantiate(CF["variance"], X, y, K, i=i, extra=means)
        assert var.is_Rational and var > 0
        assert _rel(est.var_[i - 1], float(var)) <= 1e-12


@pytest.mark.parametrize("labels,scale,offset", list(DATASETS.values()), ids=list(DATASETS))
def test_predict_log_proba_is_the_softmax_of_the_proved_linear_form(labels, scale, offset):
    X, y = _data(labels, scale, offset)
    K, D = len(set(labels)), X.shape[1]
    est = SharedVarianceGaussianNB().fit(X, y)
    params = {sigma_[i + 1]: sp.sqrt(sp.Rational(float(est.var_[i]))) for i in range(D)}
    params.update({alpha_[k + 1]: sp.Rational(float(est.class_prior_[k])) for k in range(K)})
    params.update({u_[k + 1, i + 1]: sp.Rational(float(est.theta_[k, i])) for k in range(K) for i in range(D)})
    weight = [[_instantiate(CF["weight"], X, y, K, k=k, i=i, extra=params) for i in range(1, D + 1)]
              for k in range(1, K + 1)]
    bias = [_instantiate(CF["bias"], X, y, K, k=k, extra=params) for k in range(1, K + 1)]
    rng = np.random.default_rng(1)
    Z = np.vstack([X[:3], X[:2] + scale * rng.normal(size=(2, D))])
    got = est.predict_log_proba(Z)
    for row, z in zip(got, Z):
        scores = [sum(w * sp.Rational(float(v)) for w, v in zip(weight[k], z)) + bias[k] for k in range(K)]
        top = max(scores, key=lambda s: s.evalf(50))
        lse = top + sp.log(sum(sp.exp(s - top) for s in scores))
        exact = [float((s - lse).evalf(50)) for s in scores]
        assert np.allclose(row, exact, rtol=1e-9, atol=1e-9), (row, exact)
        assert abs(np.exp(row).sum() - 1) <= 1e-12


def test_a_changed_closed_form_would_be_caught():
    """The comparison has teeth: the unbiased variance (N - 1) differs from the fit."""
    X, y = _data(*DATASETS["unit-scale"])
    est = SharedVarianceGaussianNB().fit(X, y)
    N = X.shape[0]
    means = {u_[k + 1, i + 1]: sp.Rational(float(est.theta_[k, i])) for k in range(3) for i in range(2)}
    wrong = CF["variance"] * N_ / (N_ - 1)
    var = _instantiate(wrong, X, y, 3, i=1, extra=means)
    assert _rel(est.var_[0], float(var)) > 1e-3
    assert _rel(est.var_[0], float(var)) == pytest.approx(1 / N, rel=1e-6)


def test_string_labels_map_to_sorted_class_indices():
    X, y = _data(*DATASETS["unit-scale"])
    names = np.array(["cat", "dog", "emu"])[y]
    est = SharedVarianceGaussianNB().fit(X, names)
    assert est.classes_.tolist() == ["cat", "dog", "emu"]
    for k in range(1, 4):
        mean = _instantiate(CF["mean"], X, y, 3, k=k, i=2)
        assert abs(est.theta_[k - 1, 1] - float(mean)) <= 1e-13
