"""Numeric checks of the GNB closed forms on random datasets, as claims for the kernel.

Each check fits ``SharedVarianceGaussianNB`` to a random dataset and tests what the
derivation says about the fit: the derivation's own gradients vanish there, nothing nearby
is better, a generic optimizer finds the same point, the linear posterior is Bayes' rule,
and the fit moves correctly under affine maps and duplication. A check returns None on
success and a dict of the failing numbers otherwise; only the kernel turns that into a verdict.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Callable, Optional, Sequence

import numpy as np

from derivations.content.gnb import estimator as _estimator
from derivations.kernel.claims import Sampled

__all__ = [
    "Dataset",
    "check_gradient",
    "check_metamorphic",
    "check_optimizer",
    "check_perturbation",
    "check_posterior",
    "make_dataset",
    "nll",
    "numeric_claims",
    "random_dataset",
]

Failure = Optional[dict[str, str]]
GRAD_TOL = 1e-8
OPT_TOL = 1e-5
POSTERIOR_TOL = 1e-9


@dataclass(frozen=True)
class Dataset:
    """Features X (N x D), labels y in 0..K-1 with every class present, per-feature scale."""

    X: np.ndarray
    y: np.ndarray
    K: int
    scale: np.ndarray

    @property
    def N(self) -> int:
        return len(self.y)

    @property
    def D(self) -> int:
        return self.X.shape[1]


def make_dataset(rng: np.random.Generator, counts: Sequence[int], scale_exp: Sequence[float],
                 offset_exp: Sequence[float]) -> Dataset:
    """Class k gets counts[k] examples; feature i has spread 10**scale_exp[i] and an offset
    about 10**offset_exp[i] spreads from zero; class means differ by a few spreads."""
    K, D = len(counts), len(scale_exp)
    y = rng.permutation(np.repeat(np.arange(K), counts))
    scale = 10.0 ** np.asarray(scale_exp, dtype=float)
    loc = scale * rng.normal(size=D) * 10.0 ** np.asarray(offset_exp, dtype=float)
    effects = rng.normal(0.0, 3.0, size=(K, D))
    X = loc + scale * (effects[y] + rng.normal(size=(len(y), D)))
    return Dataset(X, y, K, scale)


def random_dataset(rng: np.random.Generator, max_k: int = 6, max_d: int = 8, max_n: int = 300) -> Dataset:
    """K in 2..max_k, D in 1..max_d; sometimes one example per class but one; scales 1e-8..1e8."""
    K, D = int(rng.integers(2, max_k + 1)), int(rng.integers(1, max_d + 1))
    if rng.random() < 0.25:
        counts = np.ones(K, dtype=int)
        counts[rng.integers(K)] += int(rng.integers(1, 4))
    else:
        N = int(rng.integers(K + 1, max(max_n, K + 1) + 1))
        counts = 1 + np.bincount(rng.integers(0, K, N - K), minlength=K)
    return make_dataset(rng, counts.tolist(), rng.uniform(-8, 8, D).tolist(), rng.uniform(0, 3, D).tolist())


def _fit(ds: Dataset, X: Optional[np.ndarray] = None, y: Optional[np.ndarray] = None) -> Any:
    return _estimator.SharedVarianceGaussianNB().fit(ds.X if X is None else X, ds.y if y is None else y)


def nll(X: np.ndarray, y: np.ndarray, prior: np.ndarray, theta: np.ndarray, var: np.ndarray) -> float:
    """The negative log-likelihood of the derivation, vectorised (cross-checked in check_gradient)."""
    r = X - theta[y]
    return float(-np.log(prior)[y].sum() + 0.5 * len(y) * np.log(2 * np.pi * var).sum() + (r * r / (2 * var)).sum())


def _fail(ds: Dataset, check: str, **numbers: Any) -> dict[str, str]:
    out = {"K": str(ds.K), "D": str(ds.D), "N": str(ds.N), "check": check}
    out.update({k: (f"{v:.6g}" if isinstance(v, float) else str(v)) for k, v in numbers.items()})
    return out


@lru_cache(maxsize=1)
def _derivation_functions() -> dict[str, Callable[..., Any]]:
    """The derivation's own dl/du, dl/d(sigma^2) and NLL as numeric functions of 1-based arrays."""
    import sympy as sp

    from derivations.content.gnb.derivation import closed_forms, gnb_symbols

    s, cf = gnb_symbols(), closed_forms()
    args = [s[n] for n in ("x", "y", "u", "sigma", "alpha", "N", "D", "k", "i")]
    return {key: sp.lambdify(args, cf[key], modules="numpy") for key in ("dl_du", "dl_dvar", "nll")}


def _one_based(ds: Dataset, theta: np.ndarray, var: np.ndarray, prior: np.ndarray) -> tuple[Any, ...]:
    """Arrays padded with a dummy index 0, so the derivation's 1-based indices read them directly."""
    x = np.zeros((ds.N + 1, ds.D + 1))
    x[1:, 1:] = ds.X
    y = [0] + [int(v) + 1 for v in ds.y]
    u = np.zeros((ds.K + 1, ds.D + 1))
    u[1:, 1:] = theta
    sigma = np.ones(ds.D + 1)
    sigma[1:] = np.sqrt(var)
    alpha = np.ones(ds.K + 1)
    alpha[1:] = prior
    return x, y, u, sigma, alpha


def check_gradient(ds: Dataset) -> Failure:
    """(1) dl/du and dl/d(sigma^2) from the derivation vanish at the fit; so does a central FD gradient."""
    m = _fit(ds)
    f = _derivation_functions()
    x, y, u, sigma, alpha = _one_based(ds, m.theta_, m.var_, m.class_prior_)
    i = np.arange(1, ds.D + 1)
    sd = np.sqrt(m.var_)
    g_u = np.array([f["dl_du"](x, y, u, sigma, alpha, ds.N, ds.D, k, i) for k in range(1, ds.K + 1)])
    rel_u = float(np.max(np.abs(g_u) * sd / m.class_count_[:, None]))
    g_v = np.asarray(f["dl_dvar"](x, y, u, sigma, alpha, ds.N, ds.D, 1, i), dtype=float)
    rel_v = float(np.max(np.abs(g_v) * m.var_ / ds.N))
    if not rel_u <= GRAD_TOL or not rel_v <= GRAD_TOL:
        return _fail(ds, "analytic gradient", dl_du_rel=rel_u, dl_dvar_rel=rel_v, tol=GRAD_TOL)
    sym = float(f["nll"](x, y, u, sigma, alpha, ds.N, ds.D, 1, 1))
    num = nll(ds.X, ds.y, m.class_prior_, m.theta_, m.var_)
    if not abs(sym - num) <= 1e-10 * (abs(num) + ds.N * ds.D):
        return _fail(ds, "NLL of the derivation vs vectorised NLL", derivation=sym, vectorised=num)
    fd = _fd_gradient(ds, m, h=1e-4) / ds.N
    worst = float(np.max(np.abs(fd)))
    if not worst <= GRAD_TOL:
        return _fail(ds, "central finite-difference gradient", fd_rel=worst, at=int(np.argmax(np.abs(fd))),
                     tol=GRAD_TOL)
    return None


def _fd_gradient(ds: Dataset, m: Any, h: float) -> np.ndarray:
    """Central differences in natural units: u_ki + t sd_i, sigma_i^2 e^t, logits of the priors + t."""
    K, D = ds.K, ds.D
    sd, logp = np.sqrt(m.var_), np.log(m.class_prior_)

    def f(v: np.ndarray) -> float:
        theta = m.theta_ + sd * v[: K * D].reshape(K, D)
        var = m.var_ * np.exp(v[K * D: K * D + D])
        z = logp + v[K * D + D:]
        prior = np.exp(z - z.max())
        return nll(ds.X, ds.y, prior / prior.sum(), theta, var)

    n = K * D + D + K
    g = np.empty(n)
    for j in range(n):
        e = np.zeros(n)
        e[j] = h
        g[j] = (f(e) - f(-e)) / (2 * h)
    return g


def check_perturbation(ds: Dataset, rng: np.random.Generator, tries: int = 4) -> Failure:
    """(2) the NLL at the fit is no larger than after random moves of means, variances, priors, all."""
    m = _fit(ds)
    base = nll(ds.X, ds.y, m.class_prior_, m.theta_, m.var_)
    tol = 1e-11 * (abs(base) + ds.N * ds.D)
    sd = np.sqrt(m.var_)
    for group in ("means", "variances", "priors", "all"):
        for _ in range(tries):
            t = float(10 ** rng.uniform(-4, 0))
            theta, var, prior = m.theta_, m.var_, m.class_prior_
            if group in ("means", "all"):
                theta = theta + t * sd * rng.normal(size=theta.shape)
            if group in ("variances", "all"):
                var = var * np.exp(t * rng.normal(size=var.shape))
            if group in ("priors", "all"):
                prior = (1 - t) * prior + t * rng.dirichlet(np.ones(ds.K))
            moved = nll(ds.X, ds.y, prior, theta, var)
            if not moved >= base - tol:
                return _fail(ds, "perturbation", group=group, size=t, nll_fit=base, nll_moved=moved)
    return None


def check_optimizer(ds: Dataset) -> Failure:
    """(3) scipy.optimize.minimize (softmax priors, exp variances), started elsewhere, finds the fit."""
    try:
        from scipy.optimize import minimize
    except ImportError as exc:
        raise RuntimeError(f"the optimizer check needs scipy (pip install scipy): {exc}") from None
    m = _fit(ds)
    K, D = ds.K, ds.D
    centre, spread = ds.X.mean(axis=0), ds.X.std(axis=0)

    def unpack(v: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        z = v[K * D + D:]
        p = np.exp(z - z.max())
        return centre + spread * v[: K * D].reshape(K, D), spread**2 * np.exp(v[K * D: K * D + D]), p / p.sum()

    def objective(v: np.ndarray) -> float:
        theta, var, prior = unpack(v)
        return nll(ds.X, ds.y, prior, theta, var) / ds.N

    res = minimize(objective, np.zeros(K * D + D + K), method="BFGS", jac="3-point",
                   options={"gtol": 1e-10, "maxiter": 2000})
    theta, var, prior = unpack(res.x)
    err_u = float(np.max(np.abs(theta - m.theta_) / np.sqrt(m.var_)))
    err_v = float(np.max(np.abs(var / m.var_ - 1)))
    err_a = float(np.max(np.abs(prior / m.class_prior_ - 1)))
    if not max(err_u, err_v, err_a) <= OPT_TOL:
        return _fail(ds, "optimizer vs closed form", mean_rel=err_u, var_rel=err_v, prior_rel=err_a,
                     iterations=int(res.nit), message=str(res.message), tol=OPT_TOL)
    return None


def _test_points(ds: Dataset, rng: np.random.Generator) -> np.ndarray:
    near = ds.X[rng.integers(ds.N, size=20)] + 2 * ds.scale * rng.normal(size=(20, ds.D))
    far = ds.X[rng.integers(ds.N, size=5)] + 30 * ds.scale * rng.normal(size=(5, ds.D))
    return np.vstack([ds.X, near, far])


def _direct_log_posterior(m: Any, Z: np.ndarray) -> np.ndarray:
    """Bayes' rule with the full Gaussian densities, normalised by log-sum-exp."""
    r = Z[:, None, :] - m.theta_[None, :, :]
    joint = np.log(m.class_prior_) - 0.5 * np.log(2 * np.pi * m.var_).sum() - (r * r / (2 * m.var_)).sum(axis=2)
    top = joint.max(axis=1, keepdims=True)
    return joint - top - np.log(np.exp(joint - top).sum(axis=1, keepdims=True))


def check_posterior(ds: Dataset, rng: np.random.Generator) -> Failure:
    """(4) the linear-form posterior equals direct Bayes with Gaussian densities; rows sum to 1."""
    m = _fit(ds)
    Z = _test_points(ds, rng)
    L, P = m.predict_log_proba(Z), m.predict_proba(Z)
    ref = _direct_log_posterior(m, Z)
    err_log = float(np.max(np.abs(L - ref) / (1 + np.abs(ref))))
    err_p = float(np.max(np.abs(P - np.exp(ref))))
    err_sum = float(max(np.max(np.abs(P.sum(axis=1) - 1)), np.max(np.abs(np.exp(L).sum(axis=1) - 1))))
    if not (err_log <= POSTERIOR_TOL and err_p <= POSTERIOR_TOL and err_sum <= 1e-12):
        return _fail(ds, "linear posterior vs direct Bayes", log_rel=err_log, proba_abs=err_p, row_sum=err_sum)
    top2 = np.sort(ref, axis=1)[:, -2:]
    clear = top2[:, 1] - top2[:, 0] > 1e-6
    if not np.array_equal(m.predict(Z)[clear], m.classes_[ref.argmax(axis=1)][clear]):
        return _fail(ds, "predict vs argmax of direct Bayes")
    return None


def check_metamorphic(ds: Dataset, rng: np.random.Generator) -> Failure:
    """(5) x_i -> a x_i + b moves u_.i to a u_.i + b and sigma_i^2 to a^2 sigma_i^2; duplicating changes nothing."""
    m = _fit(ds)
    i = int(rng.integers(ds.D))
    a = float(rng.choice([-1, 1]) * 10 ** rng.uniform(-3, 3))
    b = float(a * ds.scale[i] * rng.normal(0, 10))
    X2 = ds.X.copy()
    X2[:, i] = a * ds.X[:, i] + b
    m2 = _fit(ds, X=X2)
    sd = np.sqrt(m.var_[i])
    eps = np.finfo(float).eps
    tol_u = 1e-9 * abs(a) * sd + 16 * eps * (np.abs(X2[:, i]).max() + abs(b))
    err_u = float(np.max(np.abs(m2.theta_[:, i] - (a * m.theta_[:, i] + b))))
    err_v = float(abs(m2.var_[i] / (a * a * m.var_[i]) - 1))
    tol_v = 1e-9 + 16 * eps * np.abs(X2[:, i]).max() / (abs(a) * sd)
    others = [j for j in range(ds.D) if j != i]
    same = np.allclose(m2.theta_[:, others], m.theta_[:, others], rtol=1e-12, atol=0) and np.allclose(
        m2.var_[others], m.var_[others], rtol=1e-12, atol=0) and np.array_equal(m2.class_count_, m.class_count_)
    if not (err_u <= tol_u and err_v <= tol_v and same):
        return _fail(ds, "affine map of a feature", feature=i, a=a, b=b, mean_err=err_u, mean_tol=float(tol_u),
                     var_rel_err=err_v, var_tol=float(tol_v), other_features_unchanged=same)
    Z = _test_points(ds, rng)
    Z2 = Z.copy()
    Z2[:, i] = a * Z[:, i] + b
    P = m.predict_proba(Z)
    err_p = float(np.max(np.abs(m2.predict_proba(Z2) - P)))
    if not err_p <= 1e-6:
        return _fail(ds, "posterior under an affine map of a feature", feature=i, a=a, b=b, proba_abs=err_p)
    d = _fit(ds, X=np.vstack([ds.X, ds.X]), y=np.concatenate([ds.y, ds.y]))
    sds = np.sqrt(m.var_)
    big = np.abs(ds.X).max(axis=0)
    err_u = float(np.max(np.abs(d.theta_ - m.theta_) / (sds + big)))
    err_v = float(np.max(np.abs(d.var_ / m.var_ - 1)))
    err_a = float(np.max(np.abs(d.class_prior_ - m.class_prior_)))
    err_p = float(np.max(np.abs(d.predict_proba(Z) - P)))
    if not (err_u <= 1e-13 and err_v <= 1e-9 and err_a <= 1e-15 and err_p <= 1e-9
            and np.array_equal(d.class_count_, 2 * m.class_count_)):
        return _fail(ds, "duplicated dataset", mean_err=err_u, var_rel_err=err_v, prior_err=err_a, proba_abs=err_p)
    return None


def _trial(check: Callable[..., Failure], salt: int, needs_rng: bool, small: bool = False
           ) -> Callable[[int], Failure]:
    def trial(seed: int) -> Failure:
        rng = np.random.default_rng([salt, seed])
        ds = random_dataset(rng, max_k=3, max_d=3, max_n=60) if small else random_dataset(rng)
        return check(ds, rng) if needs_rng else check(ds)

    return trial


def numeric_claims(samples: int = 20, seed: int = 0) -> list[tuple[str, Sampled]]:
    """(justification, claim) pairs, one per numeric check, each over ``samples`` random datasets."""
    _derivation_functions()
    table: list[tuple[str, str, Callable[[int], Failure], int]] = [
        ("(1) the derivation's dl/du_ki and dl/d(sigma_i^2), and a central finite-difference gradient, "
         f"vanish at the fitted parameters (relative {GRAD_TOL:g})",
         "gradient of the NLL is zero at the closed-form fit", _trial(check_gradient, 1, False), samples),
        ("(2) the NLL at the fit is no larger than after random moves of the means, the variances, "
         "the priors (inside the simplex) or all of them",
         "the closed-form fit is a local minimum of the NLL", _trial(check_perturbation, 2, True), samples),
        (f"(3) scipy.optimize.minimize (priors by softmax, variances by exp), started elsewhere, "
         f"lands on the closed form (relative {OPT_TOL:g})",
         "a generic optimizer finds the closed-form fit", _trial(check_optimizer, 3, False, small=True), samples),
        ("(4) the softmax of w_k.x + b_k equals Bayes' rule with full Gaussian densities; rows sum to 1",
         "the linear posterior equals direct Bayes", _trial(check_posterior, 4, True), samples),
        ("(5) an affine map of a feature moves its mean and variance accordingly; duplicating the data changes nothing",
         "the fit transforms correctly (affine maps, duplication)", _trial(check_metamorphic, 5, True), samples),
    ]
    return [(by, Sampled(desc, trial, n, seed)) for by, desc, trial, n in table]
