"""Truth for gaussvec.tex: each relation evaluated with numpy arrays, independently of the tool.

Sizes are drawn per check (D from 1 to 4, N > D), entries uniformly from g; covariances and precisions are
B B^T + I. The log-density used as the reference is computed through the Cholesky factor, not through the
formula being checked. Gradients are central finite differences (step 1e-6) over every entry of the
variable; for a symmetric matrix variable each entry is perturbed on its own (entries independent, the
result read at the symmetric point), compared with rtol 1e-5. A solving row holds when the finite-difference
gradient vanishes at the claimed solution.
"""
import math

import numpy as np

from _arrays import arr as _arr, close as _close, fd as _fd, grad_close as _grad_close


# ---------------------------------------------------------------- helpers
def _vanishes(G, scale):
    return bool(np.max(np.abs(G)) <= 1e-6 * (1.0 + scale))


def _spd(g, D):
    B = _arr(g, D, D, lo=-1.5, hi=1.5)
    return B @ B.T + np.eye(D)


def _gauss(g):
    D = g.size(1, 4)
    x, mu = _arr(g, D), _arr(g, D)
    return D, x, mu, _spd(g, D)


def _logpdf_chol(x, mu, S):
    """log N(x | mu, S) through the Cholesky factor S = L L^T."""
    L = np.linalg.cholesky(S)
    z = np.linalg.solve(L, x - mu)
    D = len(x)
    return -0.5 * float(z @ z) - float(np.sum(np.log(np.diag(L)))) - 0.5 * D * math.log(2 * math.pi)


def _logpdf_formula(x, mu, S):
    """The log-density formula for any matrix S with det(S) > 0 (entries taken as independent)."""
    a = x - mu
    D = len(x)
    return -0.5 * D * math.log(2 * math.pi) - 0.5 * math.log(np.linalg.det(S)) - 0.5 * float(a @ np.linalg.inv(S) @ a)


def _q(x, mu, S):
    a = x - mu
    return float(a @ np.linalg.inv(S) @ a)


# ---------------------------------------------------------------- 2.3 the density
def r_density(g):
    D, x, mu, S = _gauss(g)
    formula = 1 / (2 * math.pi) ** (D / 2) * 1 / math.sqrt(np.linalg.det(S)) * math.exp(-0.5 * _q(x, mu, S))
    return math.exp(_logpdf_chol(x, mu, S)), formula


def _log1(D, x, mu, S):
    return -D / 2 * math.log(2 * math.pi) - 0.5 * math.log(np.linalg.det(S)) - 0.5 * _q(x, mu, S)


def r_log1(g):
    D, x, mu, S = _gauss(g)
    return _logpdf_chol(x, mu, S), _log1(D, x, mu, S)


def r_log2(g):
    D, x, mu, S = _gauss(g)
    this = -D / 2 * math.log(2 * math.pi) + 0.5 * math.log(np.linalg.det(np.linalg.inv(S))) - 0.5 * _q(x, mu, S)
    return _log1(D, x, mu, S), this


def r_log_sigma_wrong(g):
    D, x, mu, S = _gauss(g)
    a = x - mu
    this = -D / 2 * math.log(2 * math.pi) - 0.5 * math.log(np.linalg.det(S)) - 0.5 * float(a @ S @ a)
    return _logpdf_chol(x, mu, S), this


def r_square(g):
    D, x, mu, S = _gauss(g)
    P = np.linalg.inv(S)
    return -0.5 * _q(x, mu, S), float(-0.5 * x @ P @ x + x @ P @ mu - 0.5 * mu @ P @ mu)


def r_quad_trace(g):
    D, x, mu, S = _gauss(g)
    a = x - mu
    return _q(x, mu, S), float(np.trace(np.linalg.inv(S) @ np.outer(a, a)))


def r_square_half_wrong(g):
    D, x, mu, S = _gauss(g)
    P = np.linalg.inv(S)
    return -0.5 * _q(x, mu, S), float(-0.5 * x @ P @ x + 0.5 * x @ P @ mu - 0.5 * mu @ P @ mu)


def r_quad_trace_wrong(g):
    D, x, mu, S = _gauss(g)
    a = x - mu
    return _q(x, mu, S), float(np.trace(np.linalg.inv(S)) * (a @ a))


# ---------------------------------------------------------------- derivatives of the log-density
def r_dmu_quad(g):
    D, x, mu, S = _gauss(g)
    fd = _fd(lambda m: -0.5 * _q(x, m, S), mu)
    return _grad_close(fd, np.linalg.inv(S) @ (x - mu))


def r_dmu_log(g):
    D, x, mu, S = _gauss(g)
    fd = _fd(lambda m: _logpdf_chol(x, m, S), mu)
    return _grad_close(fd, np.linalg.inv(S) @ (x - mu))


def r_dx_log(g):
    D, x, mu, S = _gauss(g)
    fd = _fd(lambda v: _logpdf_chol(v, mu, S), x)
    return _grad_close(fd, -np.linalg.inv(S) @ (x - mu))


def r_dmu_quad_wrong(g):
    D, x, mu, S = _gauss(g)
    fd = _fd(lambda m: -0.5 * _q(x, m, S), mu)
    return _grad_close(fd, np.linalg.inv(S) @ (mu - x))


def r_dmu_log_wrong(g):
    D, x, mu, S = _gauss(g)
    fd = _fd(lambda m: _logpdf_chol(x, m, S), mu)
    return _grad_close(fd, S @ (x - mu))


def r_dx_log_wrong(g):
    D, x, mu, S = _gauss(g)
    fd = _fd(lambda v: _logpdf_chol(v, mu, S), x)
    return _grad_close(fd, np.linalg.inv(S) @ (x - mu))


def r_dS_logdet(g):
    D, x, mu, S = _gauss(g)
    fd = _fd(lambda M: math.log(np.linalg.det(M)), S)
    return _grad_close(fd, np.linalg.inv(S))


def r_dS_quad(g):
    D, x, mu, S = _gauss(g)
    a = x - mu
    P = np.linalg.inv(S)
    fd = _fd(lambda M: float(a @ np.linalg.inv(M) @ a), S)
    return _grad_close(fd, -P @ np.outer(a, a) @ P)


def r_dS_log(g):
    D, x, mu, S = _gauss(g)
    a = x - mu
    P = np.linalg.inv(S)
    fd = _fd(lambda M: _logpdf_formula(x, mu, M), S)
    return _grad_close(fd, -0.5 * P + 0.5 * P @ np.outer(a, a) @ P)


def r_dS_quad_wrong(g):
    D, x, mu, S = _gauss(g)
    a = x - mu
    P = np.linalg.inv(S)
    fd = _fd(lambda M: float(a @ np.linalg.inv(M) @ a), S)
    return _grad_close(fd, P @ np.outer(a, a) @ P)


def r_dS_logdet_inv_wrong(g):
    D, x, mu, S = _gauss(g)
    fd = _fd(lambda M: math.log(np.linalg.det(np.linalg.inv(M))), S)
    return _grad_close(fd, np.linalg.inv(S))


def r_dS_log_wrong(g):
    D, x, mu, S = _gauss(g)
    a = x - mu
    P = np.linalg.inv(S)
    fd = _fd(lambda M: _logpdf_formula(x, mu, M), S)
    return _grad_close(fd, -0.5 * P + 0.5 * np.outer(a, a))


def r_dLambda(g):
    D, x, mu, S = _gauss(g)
    Lam = _spd(g, D)
    a = x - mu
    fd = _fd(lambda M: 0.5 * math.log(np.linalg.det(M)) - 0.5 * float(a @ M @ a), Lam)
    return _grad_close(fd, 0.5 * np.linalg.inv(Lam) - 0.5 * np.outer(a, a))


# ---------------------------------------------------------------- 2.3.4 maximum likelihood for the covariance
def _data(g):
    D = g.size(1, 3)
    N = D + g.int(1, 4)
    while True:
        X = _arr(g, N, D)
        if np.linalg.cond(X.T @ X) < 100.0:
            return N, D, X


def _ell(S, X):
    N, D = X.shape
    return (-N * D / 2 * math.log(2 * math.pi) - N / 2 * math.log(np.linalg.det(S))
            - 0.5 * float(np.trace(np.linalg.inv(S) @ X.T @ X)))


def r_tr_data(g):
    N, D, X = _data(g)
    S = _spd(g, D)
    P = np.linalg.inv(S)
    return float(np.trace(P @ X.T @ X)), float(np.trace(X @ P @ X.T))


def r_tr_data_wrong(g):
    N, D, X = _data(g)
    S = _spd(g, D)
    P = np.linalg.inv(S)
    return float(np.trace(P @ X.T @ X)), float(np.trace(X.T @ X @ S))


def r_dell(g):
    N, D, X = _data(g)
    S = _spd(g, D)
    P = np.linalg.inv(S)
    fd = _fd(lambda M: _ell(M, X), S)
    return _grad_close(fd, -N / 2 * P + 0.5 * P @ X.T @ X @ P)


def _solves_ell(X, R):
    N = X.shape[0]
    G = _fd(lambda M: _ell(M, X), R)
    return _vanishes(G, N / 2 * float(np.max(np.abs(np.linalg.inv(R)))))


def r_mle(g):
    N, D, X = _data(g)
    return _solves_ell(X, X.T @ X / N)


def r_mle_nm1_wrong(g):
    N, D, X = _data(g)
    return _solves_ell(X, X.T @ X / (N - 1))


def r_mle_nodiv_wrong(g):
    N, D, X = _data(g)
    return _solves_ell(X, X.T @ X)


# ---------------------------------------------------------------- 3.1.1 least squares
def _lsq(g):
    N, D, X = _data(g)
    w, y = _arr(g, D), _arr(g, N)
    return N, D, X, w, y


def _J(v, X, y):
    r = X @ v - y
    return 0.5 * float(np.sum(r * r))


def r_J1(g):
    N, D, X, w, y = _lsq(g)
    r = X @ w - y
    return _J(w, X, y), 0.5 * float(r @ r)


def r_J2(g):
    N, D, X, w, y = _lsq(g)
    r = X @ w - y
    return 0.5 * float(r @ r), float(0.5 * w @ X.T @ X @ w - w @ X.T @ y + 0.5 * y @ y)


def r_dJ(g):
    N, D, X, w, y = _lsq(g)
    return _grad_close(_fd(lambda v: _J(v, X, y), w), X.T @ X @ w - X.T @ y)


def r_dJ_factor(g):
    N, D, X, w, y = _lsq(g)
    return _close(X.T @ X @ w - X.T @ y, X.T @ (X @ w - y))


def r_expand_wrong(g):
    N, D, X, w, y = _lsq(g)
    return 2 * _J(w, X, y), float(w @ X.T @ X @ w - w @ X.T @ y + y @ y)


def r_dJ_sign_wrong(g):
    N, D, X, w, y = _lsq(g)
    return _grad_close(_fd(lambda v: _J(v, X, y), w), X.T @ (y - X @ w))


def r_normal(g):
    N, D, X, w, y = _lsq(g)
    R = np.linalg.inv(X.T @ X) @ X.T @ y
    G = _fd(lambda v: _J(v, X, y), R)
    return _vanishes(G, float(np.max(np.abs(X.T @ y))))


# ---------------------------------------------------------------- 3.1.4 regularized least squares
def _ridge(g):
    N, D, X, w, y = _lsq(g)
    lam = g.pos(0.1, 3.0)
    return N, D, X, w, y, lam


def _L(v, X, y, lam):
    return _J(v, X, y) + lam / 2 * float(v @ v)


def r_dL(g):
    N, D, X, w, y, lam = _ridge(g)
    return _grad_close(_fd(lambda v: _L(v, X, y, lam), w), X.T @ X @ w - X.T @ y + lam * w)


def r_dL_factor(g):
    N, D, X, w, y, lam = _ridge(g)
    return _close(X.T @ X @ w - X.T @ y + lam * w, (X.T @ X + lam * np.eye(D)) @ w - X.T @ y)


def r_dL_2lam_wrong(g):
    N, D, X, w, y, lam = _ridge(g)
    return _grad_close(_fd(lambda v: _L(v, X, y, lam), w), X.T @ X @ w - X.T @ y + 2 * lam * w)


def _solves_L(X, y, lam, R):
    G = _fd(lambda v: _L(v, X, y, lam), R)
    return _vanishes(G, float(np.max(np.abs(X.T @ y))))


def r_ridge(g):
    N, D, X, w, y, lam = _ridge(g)
    return _solves_L(X, y, lam, np.linalg.solve(X.T @ X + lam * np.eye(D), X.T @ y))


def r_ridge_nolam_wrong(g):
    N, D, X, w, y, lam = _ridge(g)
    return _solves_L(X, y, lam, np.linalg.solve(X.T @ X, X.T @ y))


def r_ridge_2lam_wrong(g):
    N, D, X, w, y, lam = _ridge(g)
    return _solves_L(X, y, lam, np.linalg.solve(X.T @ X + 2 * lam * np.eye(D), X.T @ y))


def r_push_through(g):
    N, D, X, w, y, lam = _ridge(g)
    lhs = np.linalg.inv(X.T @ X + lam * np.eye(D)) @ X.T @ y
    rhs = X.T @ np.linalg.solve(X @ X.T + lam * np.eye(N), y)
    return _close(lhs, rhs)


# ---------------------------------------------------------------- 3.3.1 posterior over the weights
def _post(g):
    N, D, X, w, y = _lsq(g)
    alpha, beta = g.pos(0.1, 3.0), g.pos(0.1, 3.0)
    SN = np.linalg.inv(alpha * np.eye(D) + beta * X.T @ X)
    return N, D, X, y, alpha, beta, SN, beta * SN @ X.T @ y


def r_mN(g):
    N, D, X, y, alpha, beta, SN, mN = _post(g)
    return _close(mN, np.linalg.solve(X.T @ X + alpha / beta * np.eye(D), X.T @ y))


def r_mN_wrong(g):
    N, D, X, y, alpha, beta, SN, mN = _post(g)
    return _close(mN, np.linalg.solve(alpha * np.eye(D) + beta * X.T @ X, X.T @ y))


# ---------------------------------------------------------------- 4.3.2 logistic regression
def _sig(a):
    return 1 / (1 + math.exp(-a))


def _logit(g):
    D = g.size(1, 4)
    w, x = _arr(g, D, lo=-1.0, hi=1.0), _arr(g, D, lo=-1.0, hi=1.0)
    return w, x


def _xent(v, x, t):
    s = _sig(float(v @ x))
    return -t * math.log(s) - (1 - t) * math.log(1 - s)


def r_xent(g):
    w, x = _logit(g)
    t = g.int(0, 1)
    return _grad_close(_fd(lambda v: _xent(v, x, t), w), (_sig(float(w @ x)) - t) * x)


def r_xent_wrong(g):
    w, x = _logit(g)
    t = g.int(0, 1)
    return _grad_close(_fd(lambda v: _xent(v, x, t), w), (t - _sig(float(w @ x))) * x)


def _soft(g):
    w, x = _logit(g)
    s = g.choice([-1.0, 1.0])
    return w, x, s, s * float(w @ x)


def r_softplus(g):
    w, x, s, z = _soft(g)
    fd = _fd(lambda v: math.log(1 + math.exp(-s * float(v @ x))), w)
    return _grad_close(fd, -(s * math.exp(-z)) / (1 + math.exp(-z)) * x)


def r_softplus_sig(g):
    w, x, s, z = _soft(g)
    return _close(-(s * math.exp(-z)) / (1 + math.exp(-z)) * x, -s * _sig(-z) * x)


def r_softplus_wrong(g):
    w, x, s, z = _soft(g)
    fd = _fd(lambda v: math.log(1 + math.exp(-s * float(v @ x))), w)
    return _grad_close(fd, -s * _sig(z) * x)


RELATIONS = [
    (20, "T", r_density),
    (24, "T", r_log1),
    (25, "T", r_log2),
    (26, "F", r_log_sigma_wrong),
    (31, "T", r_square),
    (32, "T", r_quad_trace),
    (36, "F", r_square_half_wrong),
    (37, "F", r_quad_trace_wrong),
    (43, "T", r_dmu_quad),
    (44, "T", r_dmu_log),
    (45, "T", r_dx_log),
    (48, "F", r_dmu_quad_wrong),
    (49, "F", r_dmu_log_wrong),
    (50, "F", r_dx_log_wrong),
    (55, "T", r_dS_logdet),
    (56, "T", r_dS_quad),
    (57, "T", r_dS_log),
    (60, "F", r_dS_quad_wrong),
    (61, "F", r_dS_logdet_inv_wrong),
    (62, "F", r_dS_log_wrong),
    (67, "T", r_dLambda),
    (76, "T", r_tr_data),
    (77, "F", r_tr_data_wrong),
    (81, "T", r_dell),
    (82, "T", r_mle),
    (87, "F", r_mle_nm1_wrong),
    (88, "F", r_mle_nodiv_wrong),
    (96, "T", r_J1),
    (97, "T", r_J2),
    (98, "T", r_dJ),
    (99, "T", r_dJ_factor),
    (103, "F", r_expand_wrong),
    (104, "F", r_dJ_sign_wrong),
    (109, "T", r_dJ),
    (110, "T", r_normal),
    (117, "T", r_dL),
    (118, "T", r_dL_factor),
    (119, "F", r_dL_2lam_wrong),
    (123, "T", r_ridge),
    (128, "F", r_ridge_nolam_wrong),
    (129, "F", r_ridge_2lam_wrong),
    (133, "T", r_push_through),
    (143, "T", r_mN),
    (144, "F", r_mN_wrong),
    (153, "T", r_xent),
    (154, "F", r_xent_wrong),
    (158, "T", r_softplus),
    (159, "T", r_softplus_sig),
    (160, "F", r_softplus_wrong),
]
