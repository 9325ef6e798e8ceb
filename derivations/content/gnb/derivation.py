"""Gaussian naive Bayes with shared variances (seed question 2), in general form.

K classes, D features, N examples, all symbolic; every step is a claim for the kernel.
"""
from __future__ import annotations

from functools import lru_cache

import sympy as sp
from sympy import IndexedBase, KroneckerDelta, Product, Sum, exp, log, pi

from derivations.kernel.claims import Assumptions, DerivativeOf, MinimumAt, Solves
from derivations.kernel.derivation import Derivation

__all__ = ["build", "closed_forms", "gnb_symbols"]


@lru_cache(maxsize=1)
def gnb_symbols() -> dict[str, sp.Basic]:
    """The symbols and families the derivation is written in."""
    K, D, N = sp.symbols("K D N", integer=True, positive=True)
    k, i, j, c, m = sp.symbols("k i j c m", integer=True)
    return {
        "K": K, "D": D, "N": N, "k": k, "i": i, "j": j, "c": c, "m": m,
        "x": IndexedBase("x", real=True),
        "u": IndexedBase("u", real=True),
        "sigma": IndexedBase("sigma", positive=True),
        "alpha": IndexedBase("alpha", positive=True),
        "y": IndexedBase("y", integer=True),
        "lambda": sp.Symbol("lambda", real=True),
    }


def _gauss(xv: sp.Expr, mu: sp.Expr, var: sp.Expr) -> sp.Expr:
    return (2 * pi * var) ** sp.Rational(-1, 2) * exp(-((xv - mu) ** 2) / (2 * var))


def closed_forms() -> dict[str, sp.Expr]:
    """The results the derivation proves; the estimator is tested against these."""
    s = gnb_symbols()
    K, D, N, k, i, j, m = (s[n] for n in "K D N k i j m".split())
    x, u, sigma, alpha, y = (s[n] for n in ("x", "u", "sigma", "alpha", "y"))
    Nk = Sum(KroneckerDelta(y[m], k), (m, 1, N))
    nll = -Sum(
        log(alpha[y[m]])
        - Sum(log(2 * pi * sigma[j] ** 2), (j, 1, D)) / 2
        - Sum((x[m, j] - u[y[m], j]) ** 2 / (2 * sigma[j] ** 2), (j, 1, D)),
        (m, 1, N),
    )
    return {
        "N_k": Nk,
        "nll": nll,
        "dl_du": -Sum(KroneckerDelta(y[m], k) * (x[m, i] - u[k, i]), (m, 1, N)) / sigma[i] ** 2,
        "dl_dvar": N / (2 * sigma[i] ** 2) - Sum((x[m, i] - u[y[m], i]) ** 2, (m, 1, N)) / (2 * sigma[i] ** 4),
        "mean": Sum(KroneckerDelta(y[m], k) * x[m, i], (m, 1, N)) / Nk,
        "variance": Sum((x[m, i] - u[y[m], i]) ** 2, (m, 1, N)) / N,
        "prior": Nk / N,
        "weight": u[k, i] / sigma[i] ** 2,
        "bias": log(alpha[k]) - Sum(u[k, j] ** 2 / (2 * sigma[j] ** 2), (j, 1, D)),
    }


def assumptions() -> Assumptions:
    s = gnb_symbols()
    K, D, N, k, i, m, x, u, y = (s[n] for n in "K D N k i m x u y".split())
    return Assumptions(
        sizes=(K, D, N),
        relations=(
            sp.Ge(k, 1), sp.Le(k, K), sp.Ge(i, 1), sp.Le(i, D),
            sp.Ge(y[m], 1), sp.Le(y[m], K),
            sp.Ge(Sum(KroneckerDelta(y[m], k), (m, 1, N)), 1),
            sp.Gt(Sum((x[m, i] - u[y[m], i]) ** 2, (m, 1, N)), 0),
        ),
        cover=((y, K, N),),
        statements=(
            "1 <= k <= K and 1 <= i <= D",
            "labels y^(m) in 1..K",
            "every class appears at least once: N_k >= 1",
            "the pooled squared deviations of feature i are positive",
            "sigma_i > 0, alpha_k > 0",
        ),
        size_range=(1, 3),
    )


def build() -> Derivation:
    """The derivation of the posterior, the NLL, and the three MLEs, with second-order checks."""
    s = gnb_symbols()
    K, D, N, k, i, j, c, m = (s[n] for n in "K D N k i j c m".split())
    x, u, sigma, alpha, y, lam = (s[n] for n in ("x", "u", "sigma", "alpha", "y", "lambda"))
    cf = closed_forms()
    Nk = cf["N_k"]
    d = Derivation("gnb", "Gaussian naive Bayes with shared variances", assumptions(), source="built-in")

    # (a) the posterior
    q = lambda cls, idx: (x[idx] - u[cls, idx]) ** 2 / (2 * sigma[idx] ** 2)  # noqa: E731
    C = Product((2 * pi * sigma[i] ** 2) ** sp.Rational(-1, 2), (i, 1, D))
    E = lambda cls: exp(-Sum(q(cls, j), (j, 1, D)))  # noqa: E731
    lik = lambda cls: Product(_gauss(x[j], u[cls, j], sigma[j] ** 2), (j, 1, D))  # noqa: E731
    d.chain(lik(k), "a").step(C * E(k), by="(a) product of univariate Gaussians: normaliser times exp of a sum")
    score = lambda cls: Sum(u[cls, j] * x[j] / sigma[j] ** 2, (j, 1, D)) + log(alpha[cls]) - Sum(  # noqa: E731
        u[cls, j] ** 2 / (2 * sigma[j] ** 2), (j, 1, D)
    )
    quad = Sum(x[j] ** 2 / (2 * sigma[j] ** 2), (j, 1, D))
    d.chain(-q(k, i), "a").step(
        -x[i] ** 2 / (2 * sigma[i] ** 2) + u[k, i] * x[i] / sigma[i] ** 2 - u[k, i] ** 2 / (2 * sigma[i] ** 2),
        by="(a) expand the square",
    )
    (
        d.chain(alpha[k] * lik(k) / Sum(alpha[c] * lik(c), (c, 1, K)), "a")
        .step(alpha[k] * C * E(k) / Sum(alpha[c] * C * E(c), (c, 1, K)),
              by="(a) Bayes' rule, law of total probability in the denominator")
        .step(alpha[k] * E(k) / Sum(alpha[c] * E(c), (c, 1, K)),
              by="(a) the normaliser prod_i (2 pi sigma_i^2)^(-1/2) does not depend on the class and cancels")
        .step(exp(-quad) * exp(score(k)) / Sum(exp(-quad) * exp(score(c)), (c, 1, K)),
              by="(a) expand the square; the quadratic term in x is the same for every class")
        .step(exp(score(k)) / Sum(exp(score(c)), (c, 1, K)),
              by="(a) softmax of linear scores w_k.x + b_k, w_ki = u_ki/sigma_i^2, b_k = log alpha_k - sum_i u_ki^2/(2 sigma_i^2)")
    )

    # (b) the negative log-likelihood
    joint = lambda mm: alpha[y[mm]] * Product(_gauss(x[mm, j], u[y[mm], j], sigma[j] ** 2), (j, 1, D))  # noqa: E731
    (
        d.chain(-log(Product(joint(m), (m, 1, N))), "b")
        .step(-Sum(log(joint(m)), (m, 1, N)), by="(b) i.i.d. examples: the log of a product is a sum of logs")
        .step(-Sum(log(alpha[y[m]]) + Sum(log(_gauss(x[m, j], u[y[m], j], sigma[j] ** 2)), (j, 1, D)), (m, 1, N)),
              by="(b) log of a product over features")
        .step(cf["nll"], by="(b) log of a Gaussian density")
    )

    # (c) the means
    nll = cf["nll"]
    d.add(DerivativeOf(cf["dl_du"], nll, u[k, i]),
          by="(c) dl/du_ki: only examples of class k and feature i depend on u_ki")
    d.chain(cf["dl_du"], "c").step(
        -(Sum(KroneckerDelta(y[m], k) * x[m, i], (m, 1, N)) - Nk * u[k, i]) / sigma[i] ** 2,
        by="(c) split the sum; N_k = sum_m 1[y^(m) = k]",
    )
    d.add(Solves(u[k, i], cf["mean"], cf["dl_du"], sp.S.Zero), by="(c) set dl/du_ki = 0, solve (N_k >= 1)")
    d.add(DerivativeOf(Nk / sigma[i] ** 2, cf["dl_du"], u[k, i]), by="(c) second derivative d2l/du_ki^2 = N_k / sigma_i^2")
    d.add(MinimumAt(nll, u[k, i], cf["mean"]), by="(c) second-order condition: N_k / sigma_i^2 > 0, a minimum")

    # (c) the variances
    d.add(DerivativeOf(Sum(1 / (2 * sigma[i] ** 2) - (x[m, i] - u[y[m], i]) ** 2 / (2 * sigma[i] ** 4), (m, 1, N)),
                       nll, sigma[i] ** 2),
          by="(c) dl/d(sigma_i^2), the variance as the variable")
    d.chain(Sum(1 / (2 * sigma[i] ** 2) - (x[m, i] - u[y[m], i]) ** 2 / (2 * sigma[i] ** 4), (m, 1, N)), "c").step(
        cf["dl_dvar"], by="(c) the first term does not depend on m: N of them"
    )
    d.add(Solves(sigma[i] ** 2, cf["variance"], cf["dl_dvar"], sp.S.Zero),
          by="(c) set dl/d(sigma_i^2) = 0, solve: sigma_i^2 = (1/N) sum_m (x_i^(m) - u_{y^(m) i})^2")
    d.add(MinimumAt(nll, sigma[i] ** 2, cf["variance"]),
          by="(c) second-order condition: d2l/d(sigma_i^2)^2 = N^3 / (2 S_i^2) > 0 at the solution")

    # (d) the priors
    L = nll + lam * (Sum(alpha[c], (c, 1, K)) - 1)
    d.add(DerivativeOf(-Nk / alpha[k] + lam, L, alpha[k]),
          by="(d) Lagrangian L = l + lambda (sum_k alpha_k - 1): dL/dalpha_k")
    d.add(Solves(alpha[k], Nk / lam, -Nk / alpha[k] + lam, sp.S.Zero), by="(d) stationarity: alpha_k = N_k / lambda")
    d.chain(Sum(Sum(KroneckerDelta(y[m], c), (m, 1, N)), (c, 1, K)), "d").step(
        N, by="(d) every example has exactly one class: sum_k N_k = N"
    )
    d.add(Solves(lam, N, Sum(Sum(KroneckerDelta(y[m], c), (m, 1, N)) / lam, (c, 1, K)), sp.S.One),
          by="(d) the constraint sum_k N_k / lambda = 1 gives lambda = N")
    d.chain((Nk / lam).subs(lam, N), "d").step(cf["prior"], by="(d) alpha_k = N_k / N")
    d.add(MinimumAt(L, alpha[k], cf["prior"]), by="(d) second-order condition: d2L/dalpha_k^2 = N_k / alpha_k^2 > 0")
    return d
