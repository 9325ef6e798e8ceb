"""Truth for bishop2.tex: each relation evaluated in floats, independently of the tool.

First derivatives are taken by the complex step (f'(t) = Im f(t + ih) / h, exact to rounding for
analytic f), second derivatives in the mean by a central difference with step 1 (exact for the
quadratics in mu they are applied to). A stationarity condition is checked by evaluating the
derivative at the claimed solution. Probabilities are those of a random finite joint table.
"""
import cmath
import itertools
import math

H = 1e-30


def _d(f, t):
    """Complex-step derivative of a real-analytic f at t."""
    return (f(complex(t, H))).imag / H


def _d2(f, t):
    """Second difference with step 1: exact for f quadratic in t."""
    return f(t + 1.0) - 2.0 * f(t) + f(t - 1.0)


# ---------------------------------------------------------------- the univariate Gaussian
def _lngauss(x, mu, var):
    """ln N(x | mu, var), complex-safe."""
    return -0.5 * cmath.log(2 * math.pi * var) - (x - mu) ** 2 / (2 * var)


def _gauss(x, mu, var):
    return cmath.exp(_lngauss(x, mu, var))


def _xms(g):
    return g.real(-2, 2), g.real(-2, 2), g.pos(0.5, 2.5)


def _density(g):
    x, mu, s = _xms(g)
    # the density in its usual form 1/(sigma sqrt(2 pi)) exp(...), against the display's (2 pi sigma^2)^(-1/2)
    lhs = math.exp(-(x - mu) ** 2 / (2 * s * s)) / (s * math.sqrt(2 * math.pi))
    return lhs, 1 / (2 * math.pi * s * s) ** 0.5 * math.exp(-(x - mu) ** 2 / (2 * s * s))


def _log_1(g):
    x, mu, s = _xms(g)
    return math.log(_gauss(x, mu, s * s).real), -0.5 * math.log(2 * math.pi * s * s) - (x - mu) ** 2 / (2 * s * s)


def _log_2(g):
    x, mu, s = _xms(g)
    return (-0.5 * math.log(2 * math.pi * s * s) - (x - mu) ** 2 / (2 * s * s),
            -0.5 * math.log(2 * math.pi) - math.log(s) - (x - mu) ** 2 / (2 * s * s))


def _log_3(g):
    x, mu, s = _xms(g)
    return (-0.5 * math.log(2 * math.pi) - math.log(s) - (x - mu) ** 2 / (2 * s * s),
            -0.5 * math.log(2 * math.pi) - math.log(s * s) - (x - mu) ** 2 / (2 * s * s))


def _square_1(g):
    x, mu, s = _xms(g)
    v = s * s
    return -(x - mu) ** 2 / (2 * v), -x * x / (2 * v) + mu * x / v - mu * mu / (2 * v)


def _square_2(g):
    x, mu, s = _xms(g)
    v = s * s
    return -(x - mu) ** 2 / (2 * v), -x * x / (2 * v) + mu * x / (2 * v) - mu * mu / (2 * v)


def _precision(g):
    x, mu, s = _xms(g)
    v = s * s
    return _lngauss(x, mu, v).real, 0.5 * math.log(1 / v) - 0.5 * math.log(2 * math.pi) - (x - mu) ** 2 / (2 * v)


def _dmu(g):
    x, mu, s = _xms(g)
    return _d(lambda m: _lngauss(x, m, s * s), mu), (x - mu) / (s * s)


def _dmu_bad(g):
    x, mu, s = _xms(g)
    return _d(lambda m: _lngauss(x, m, s * s), mu), (mu - x) / (s * s)


def _dmu2(g):
    x, mu, s = _xms(g)
    return _d2(lambda m: _lngauss(x, m, s * s).real, mu), -1 / (s * s)


def _dvar(g):
    x, mu, s = _xms(g)
    v = s * s
    return _d(lambda w: _lngauss(x, mu, w), v), -1 / (2 * v) + (x - mu) ** 2 / (2 * v * v)


def _dsd(g):
    x, mu, s = _xms(g)
    return _d(lambda t: _lngauss(x, mu, t * t), s), -1 / s + (x - mu) ** 2 / s ** 3


def _dvar_bad(g):
    x, mu, s = _xms(g)
    v = s * s
    return _d(lambda w: _lngauss(x, mu, w), v), -1 / (2 * v) + (x - mu) ** 2 / (2 * v)


def _dx(g):
    x, mu, s = _xms(g)
    v = s * s
    return _d(lambda t: _gauss(t, mu, v), x), -(x - mu) / v * _gauss(x, mu, v).real


def _dx_bad(g):
    x, mu, s = _xms(g)
    v = s * s
    return _d(lambda t: _gauss(t, mu, v), x), (x - mu) / v * _gauss(x, mu, v).real


# ---------------------------------------------------------------- maximum likelihood
def _data(g):
    N = g.size(1, 6)
    mu, s = g.real(-2, 2), g.pos(0.5, 2.5)
    return N, g.reals(N, -2, 2), mu, s


def _ll(x, mu, var):
    return sum(_lngauss(xn, mu, var) for xn in x)


def _ss(x, mu):
    return sum((xn - mu) ** 2 for xn in x)


def _ll_1(g):
    N, x, mu, s = _data(g)
    return math.log(math.prod(_gauss(xn, mu, s * s).real for xn in x)), _ll(x, mu, s * s).real


def _ll_2(g):
    N, x, mu, s = _data(g)
    return _ll(x, mu, s * s).real, -N / 2 * math.log(2 * math.pi * s * s) - _ss(x, mu) / (2 * s * s)


def _ll_3(g):
    N, x, mu, s = _data(g)
    return (-N / 2 * math.log(2 * math.pi * s * s) - _ss(x, mu) / (2 * s * s),
            -N / 2 * math.log(2 * math.pi * s) - _ss(x, mu) / (2 * s * s))


def _ml_dmu(g):
    N, x, mu, s = _data(g)
    return _d(lambda m: _ll(x, m, s * s), mu), sum(xn - mu for xn in x) / (s * s)


def _ml_mu(g):
    N, x, mu, s = _data(g)
    R = sum(x) / N
    return _d(lambda m: _ll(x, m, s * s), R), 0.0


def _ml_dmu2(g):
    N, x, mu, s = _data(g)
    return _d2(lambda m: _ll(x, m, s * s).real, mu), -N / (s * s)


def _ml_neg(g):
    N, x, mu, s = _data(g)
    return -N / (s * s) < 0


def _ml_dvar(g):
    N, x, mu, s = _data(g)
    v = s * s
    return _d(lambda w: _ll(x, mu, w), v), -N / (2 * v) + _ss(x, mu) / (2 * v * v)


def _ml_var(g):
    N, x, mu, s = _data(g)
    R = _ss(x, mu) / N
    return _d(lambda w: _ll(x, mu, w), R), 0.0


def _ml_dvar_bad(g):
    N, x, mu, s = _data(g)
    v = s * s
    return _d(lambda w: _ll(x, mu, w), v), -N / (2 * v) + _ss(x, mu) / (2 * v)


def _ml_sd_bad(g):
    N, x, mu, s = _data(g)
    R = _ss(x, mu) / N  # the row claims sigma = R, so the variance is R^2
    return _d(lambda w: _ll(x, mu, w), R * R), 0.0


def _split_1(g):
    N, x, mu, s = _data(g)
    m = sum(x) / N
    return _ss(x, mu), _ss(x, m) + N * (m - mu) ** 2


def _split_2(g):
    N, x, mu, s = _data(g)
    m = sum(x) / N
    return _ss(x, mu), _ss(x, m) + (m - mu) ** 2


# ---------------------------------------------------------------- weighted ML
def _wdata(g):
    N, x, mu, s = _data(g)
    return N, x, mu, s, g.poss(N, 0.1, 2.0)


def _wll(x, r, mu, var):
    return sum(rn * _lngauss(xn, mu, var) for xn, rn in zip(x, r))


def _w_dmu(g):
    N, x, mu, s, r = _wdata(g)
    return _d(lambda m: _wll(x, r, m, s * s), mu), sum(rn * (xn - mu) for xn, rn in zip(x, r)) / (s * s)


def _w_mu(g):
    N, x, mu, s, r = _wdata(g)
    R = sum(rn * xn for xn, rn in zip(x, r)) / sum(r)
    return _d(lambda m: _wll(x, r, m, s * s), R), 0.0


def _w_mu_bad(g):
    N, x, mu, s, r = _wdata(g)
    R = sum(rn * xn for xn, rn in zip(x, r)) / N
    return _d(lambda m: _wll(x, r, m, s * s), R), 0.0


# ---------------------------------------------------------------- Bayesian inference for the mean
def _bdata(g):
    N, x, mu, s = _data(g)
    return N, x, mu, s, g.real(-2, 2), g.pos(0.5, 2.5)


def _lpost(x, mu, s, m0, tau):
    return _ll(x, mu, s * s) + _lngauss(mu, m0, tau * tau)


def _b_dmu(g):
    N, x, mu, s, m0, tau = _bdata(g)
    return (_d(lambda m: _lpost(x, m, s, m0, tau), mu),
            sum(xn - mu for xn in x) / (s * s) - (mu - m0) / (tau * tau))


def _b_mu(g):
    N, x, mu, s, m0, tau = _bdata(g)
    R = (s * s * m0 + tau * tau * sum(x)) / (s * s + N * tau * tau)
    return _d(lambda m: _lpost(x, m, s, m0, tau), R), 0.0


def _b_mu_bad(g):
    N, x, mu, s, m0, tau = _bdata(g)
    R = (s * s * m0 + tau * tau * sum(x)) / (N * tau * tau)
    return _d(lambda m: _lpost(x, m, s, m0, tau), R), 0.0


def _b_prec(g):
    N, x, mu, s, m0, tau = _bdata(g)
    return -_d2(lambda m: _lpost(x, m, s, m0, tau).real, mu), N / (s * s) + 1 / (tau * tau)


# ---------------------------------------------------------------- finite joint tables
class Joint:
    def __init__(self, g, supports):
        self.names = list(supports)
        cells = list(itertools.product(*(supports[n] for n in self.names)))
        w = g.poss(len(cells))
        self.mass = {c: wi / sum(w) for c, wi in zip(cells, w)}

    def P(self, **event):
        idx = {n: i for i, n in enumerate(self.names)}
        return sum(m for c, m in self.mass.items() if all(c[idx[n]] == v for n, v in event.items()))

    def cond(self, event, given):
        return self.P(**event, **given) / self.P(**given)


def _classes(g, kmin=1):
    K = g.size(kmin, 5)
    J = Joint(g, {"x": list(range(4)), "C": list(range(1, K + 1))})
    return K, J, g.int(0, 3), g.int(1, K), g.int(1, K)


def _joint_ck(J, x, c):
    return J.cond({"x": x}, {"C": c}) * J.P(C=c)


def _c_tp(g):
    K, J, x, k, j = _classes(g)
    return J.P(x=x), sum(_joint_ck(J, x, c) for c in range(1, K + 1))


def _c_post(g):
    K, J, x, k, j = _classes(g)
    return J.cond({"C": k}, {"x": x}), _joint_ck(J, x, k) / sum(_joint_ck(J, x, c) for c in range(1, K + 1))


def _c_softmax(g):
    K, J, x, k, j = _classes(g)
    a = [math.log(J.cond({"x": x}, {"C": c})) + math.log(J.P(C=c)) for c in range(1, K + 1)]
    prev = _joint_ck(J, x, k) / sum(_joint_ck(J, x, c) for c in range(1, K + 1))
    return prev, math.exp(a[k - 1]) / sum(math.exp(ai) for ai in a)


def _c_sum(g):
    K, J, x, k, j = _classes(g)
    return sum(J.cond({"C": c}, {"x": x}) for c in range(1, K + 1)), 1.0


def _c_log(g):
    K, J, x, k, j = _classes(g)
    return (math.log(J.cond({"C": k}, {"x": x})),
            math.log(J.cond({"x": x}, {"C": k})) + math.log(J.P(C=k)) - math.log(J.P(x=x)))


def _c_log_bad(g):
    K, J, x, k, j = _classes(g)
    return (math.log(J.cond({"C": k}, {"x": x})),
            math.log(J.cond({"x": x}, {"C": k})) + math.log(J.P(C=k)) + math.log(J.P(x=x)))


def _c_ratio(g):
    K, J, x, k, j = _classes(g)
    return J.cond({"C": k}, {"x": x}) / J.cond({"C": j}, {"x": x}), _joint_ck(J, x, k) / _joint_ck(J, x, j)


def _c_ratio_bad(g):
    K, J, x, k, j = _classes(g)
    return (J.cond({"C": k}, {"x": x}) / J.cond({"C": j}, {"x": x}),
            J.cond({"x": x}, {"C": k}) / J.cond({"x": x}, {"C": j}))


def _c_short(g):
    K, J, x, k, j = _classes(g, kmin=2)  # K = 1 leaves an empty denominator
    den = sum(_joint_ck(J, x, c) for c in range(1, K))
    return sum(_joint_ck(J, x, c) / den for c in range(1, K + 1)), 1.0


def _tx(g):
    return Joint(g, {"x": list(range(4)), "t": [0, 1]}), g.int(0, 3)


def _sig_1(g):
    J, x = _tx(g)
    r = J.cond({"x": x}, {"t": 0}) * J.P(t=0) / (J.cond({"x": x}, {"t": 1}) * J.P(t=1))
    return J.cond({"t": 1}, {"x": x}), 1 / (1 + r)


def _sig_2(g):
    J, x = _tx(g)
    r = J.cond({"x": x}, {"t": 0}) * J.P(t=0) / (J.cond({"x": x}, {"t": 1}) * J.P(t=1))
    return 1 / (1 + r), 1 / (1 + math.exp(-math.log(1 / r)))


def _sig_3(g):
    J, x = _tx(g)
    r = J.cond({"x": x}, {"t": 0}) * J.P(t=0) / (J.cond({"x": x}, {"t": 1}) * J.P(t=1))
    return 1 / (1 + math.exp(-math.log(1 / r))), 1 / (1 + math.exp(math.log(1 / r)))


def _lda(g):
    x, m1, m2 = g.real(-2, 2), g.real(-2, 2), g.real(-2, 2)
    s, p1, p2 = g.pos(0.5, 2.5), g.pos(), g.pos()
    v = s * s
    lhs = math.log(_gauss(x, m1, v).real * p1 / (_gauss(x, m2, v).real * p2))
    return x, m1, m2, v, p1, p2, lhs


def _lda_1(g):
    x, m1, m2, v, p1, p2, lhs = _lda(g)
    return lhs, (m1 - m2) / v * x - (m1 ** 2 - m2 ** 2) / (2 * v) + math.log(p1 / p2)


def _lda_2(g):
    x, m1, m2, v, p1, p2, lhs = _lda(g)
    return ((m1 - m2) / v * x - (m1 ** 2 - m2 ** 2) / (2 * v) + math.log(p1 / p2),
            (m1 - m2) / v * x - (m1 ** 2 - m2 ** 2) / v + math.log(p1 / p2))


def _lda_3(g):
    x, m1, m2, v, p1, p2, lhs = _lda(g)
    return lhs, (m1 - m2) / v * x - (m1 ** 2 - m2 ** 2) / (2 * v)


# ---------------------------------------------------------------- class priors
def _prior(g):
    K = g.size(1, 5)
    k = g.int(0, K - 1)
    return K, k, g.poss(K), g.poss(K), g.real()


def _lagr(pi, M, lam):
    return sum(Mj * cmath.log(pj) for Mj, pj in zip(M, pi)) + lam * (sum(pi) - 1)


def _dpi(K, k, pi, M, lam):
    return _d(lambda t: _lagr(pi[:k] + [t] + pi[k + 1:], M, lam), pi[k])


def _pri_1(g):
    K, k, pi, M, lam = _prior(g)
    return _dpi(K, k, pi, M, lam), M[k] / pi[k] + lam


def _pri_2(g):
    K, k, pi, M, lam = _prior(g)
    return _dpi(K, k, pi, M, lam), M[k] / pi[k]


# ---------------------------------------------------------------- naive Bayes
def _x12c(g):
    K = g.size(1, 4)
    J = Joint(g, {"x1": [0, 1, 2], "x2": [0, 1, 2], "C": list(range(1, K + 1))})
    return K, J, g.int(0, 2), g.int(0, 2), g.int(1, K)


def _nb_1(g):
    K, J, a, b, k = _x12c(g)
    return (J.cond({"x1": a, "x2": b}, {"C": k}),
            J.cond({"x1": a}, {"x2": b, "C": k}) * J.cond({"x2": b}, {"C": k}))


def _nb_2(g):
    K, J, a, b, k = _x12c(g)
    return J.cond({"x1": a, "x2": b}, {"C": k}), J.cond({"x1": a}, {"C": k}) * J.cond({"x2": b}, {"C": k})


def _nb_post(g):
    K, J, a, b, k = _x12c(g)
    num = J.cond({"x1": a}, {"x2": b, "C": k}) * J.cond({"x2": b}, {"C": k}) * J.P(C=k)
    den = sum(J.cond({"x1": a, "x2": b}, {"C": c}) * J.P(C=c) for c in range(1, K + 1))
    return J.cond({"C": k}, {"x1": a, "x2": b}), num / den


RELATIONS = [
    (14, "T", _density),
    (20, "T", _log_1),
    (21, "T", _log_2),
    (22, "F", _log_3),
    (27, "T", _square_1),
    (28, "F", _square_2),
    (32, "T", _precision),
    (39, "T", _dmu),
    (40, "F", _dmu_bad),
    (41, "T", _dmu2),
    (47, "T", _dvar),
    (48, "T", _dsd),
    (49, "F", _dvar_bad),
    (54, "T", _dx),
    (55, "F", _dx_bad),
    (63, "T", _ll_1),
    (64, "T", _ll_2),
    (65, "F", _ll_3),
    (70, "T", _ml_dmu),
    (71, "T", _ml_mu),
    (76, "T", _ml_dmu2),
    (77, "T", _ml_neg),
    (82, "T", _ml_dvar),
    (83, "T", _ml_var),
    (89, "F", _ml_dvar_bad),
    (93, "T", _ml_dvar),
    (94, "F", _ml_sd_bad),
    (100, "T", _split_1),
    (101, "F", _split_2),
    (109, "T", _w_dmu),
    (110, "T", _w_mu),
    (114, "T", _w_dmu),
    (115, "F", _w_mu_bad),
    (125, "T", _b_dmu),
    (126, "T", _b_mu),
    (130, "T", _b_dmu),
    (131, "F", _b_mu_bad),
    (137, "T", _b_prec),
    (146, "T", _c_tp),
    (147, "T", _c_post),
    (148, "T", _c_softmax),
    (149, "T", _c_sum),
    (154, "T", _c_log),
    (155, "F", _c_log_bad),
    (156, "T", _c_ratio),
    (157, "F", _c_ratio_bad),
    (161, "F", _c_short),
    (168, "T", _sig_1),
    (169, "T", _sig_2),
    (170, "F", _sig_3),
    (177, "T", _lda_1),
    (178, "F", _lda_2),
    (179, "F", _lda_3),
    (187, "T", _pri_1),
    (188, "F", _pri_2),
    (198, "T", _nb_1),
    (199, "F", _nb_2),
    (204, "T", _nb_post),
]
