"""The numeric GNB claims: supported by the kernel for the real estimator, refuted for broken ones."""
from __future__ import annotations

import sys
from typing import Any, Callable

import numpy as np
import pytest

from derivations.kernel.claims import Sampled
from derivations.content.gnb.estimator import SharedVarianceGaussianNB
from derivations.content.gnb.numeric import numeric_claims
from derivations.kernel.verdict import check

CLAIMS = {c.description: (by, c) for by, c in numeric_claims(samples=8, seed=0)}
NAMES = ["gradient", "minimum", "optimizer", "posterior", "metamorphic"]
BY_NAME = dict(zip(NAMES, CLAIMS.values()))


def test_five_claims_with_justifications():
    assert len(CLAIMS) == 5
    for by, claim in CLAIMS.values():
        assert isinstance(claim, Sampled) and claim.seed == 0 and claim.samples >= 3
        assert by.startswith("(") and len(by) > 40


@pytest.mark.parametrize("name", NAMES)
def test_every_claim_is_supported(name):
    _, claim = BY_NAME[name]
    v = check(claim, budget=60)
    assert v.verdict == "supported", v.detail
    assert v.points == claim.samples and v.counterexample is None


def _broken_fit(change: Callable[[Any, int], None]) -> Callable[..., Any]:
    real = SharedVarianceGaussianNB.fit

    def fit(self: Any, X: Any, y: Any, classes: Any = None) -> Any:
        real(self, X, y, classes)
        change(self, int(np.asarray(X).shape[0]))
        return self

    return fit


def _var_n_minus_1(m: Any, n: int) -> None:
    m.var_ = m.var_ * n / (n - 1)


def _mean_over_n(m: Any, n: int) -> None:
    m.theta_ = m.theta_ * m.class_count_[:, None] / n


def _uniform_prior(m: Any, n: int) -> None:
    m.class_prior_ = np.full(len(m.classes_), 1 / len(m.classes_))


def _absolute_variance_floor(m: Any, n: int) -> None:
    m.var_ = m.var_ + 1e-6


BREAKAGES = {
    "variance-over-N-1/gradient": (_var_n_minus_1, "gradient"),
    "variance-over-N-1/optimizer": (_var_n_minus_1, "optimizer"),
    "mean-over-N/gradient": (_mean_over_n, "gradient"),
    "mean-over-N/minimum": (_mean_over_n, "minimum"),
    "uniform-prior/gradient": (_uniform_prior, "gradient"),
    "uniform-prior/optimizer": (_uniform_prior, "optimizer"),
    "absolute-variance-floor/metamorphic": (_absolute_variance_floor, "metamorphic"),
}


@pytest.mark.parametrize("change,name", list(BREAKAGES.values()), ids=list(BREAKAGES))
def test_a_broken_estimator_is_refuted_with_a_seed(monkeypatch, change, name):
    monkeypatch.setattr(SharedVarianceGaussianNB, "fit", _broken_fit(change))
    _, claim = BY_NAME[name]
    v = check(claim, budget=60)
    assert v.verdict == "refuted", v.detail
    cex = v.counterexample
    assert cex is not None and int(cex["seed"]) >= claim.seed and {"K", "D", "N", "check"} <= set(cex)
    assert f"seed {cex['seed']}" in v.detail


def test_a_broken_linear_form_refutes_the_posterior_claim(monkeypatch):
    """Bias without the 1/2: b_k = log alpha_k - sum_i u_ki^2 / sigma_i^2."""
    def linear_form(self: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        c = self.class_prior_ @ self.theta_
        centred = self.theta_ - c
        return c, centred / self.var_, np.log(self.class_prior_) - (centred**2 / self.var_).sum(axis=1)

    monkeypatch.setattr(SharedVarianceGaussianNB, "_linear_form", linear_form)
    v = check(BY_NAME["posterior"][1], budget=60)
    assert v.verdict == "refuted" and v.counterexample["check"] == "linear posterior vs direct Bayes"


def test_without_scipy_the_optimizer_claim_fails_loudly(monkeypatch):
    monkeypatch.setitem(sys.modules, "scipy.optimize", None)
    v = check(BY_NAME["optimizer"][1], budget=60)
    assert v.verdict == "unknown"
    assert "scipy" in v.detail


def test_the_same_seed_reproduces_the_same_dataset():
    _, claim = BY_NAME["gradient"]
    assert claim.trial(3) is None and claim.trial(3) is None
    from derivations.content.gnb.numeric import random_dataset

    a = random_dataset(np.random.default_rng([1, 3]))
    b = random_dataset(np.random.default_rng([1, 3]))
    assert np.array_equal(a.X, b.X) and np.array_equal(a.y, b.y)
