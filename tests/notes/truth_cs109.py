"""Truth for cs109.tex: each relation evaluated in floats, independently of the tool.

Probabilities are those of a random finite joint distribution (a table of positive weights); an
identity of probability holds for every distribution, so a random table is a fair draw. The iid
sample is a random three-point law standardised to mean mu and variance sigma^2, and expectations
over the sample are exact sums over all outcomes (first and second moments depend on the law only
through mu and sigma^2).
"""
import itertools
import math


# ---------------------------------------------------------------- finite joint distributions
class Joint:
    """A random joint law of named discrete variables, each with a finite set of values."""

    def __init__(self, g, supports):
        self.names = list(supports)
        self.supports = supports
        cells = list(itertools.product(*(supports[n] for n in self.names)))
        w = g.poss(len(cells))
        tot = sum(w)
        self.mass = {c: wi / tot for c, wi in zip(cells, w)}

    def P(self, **event):
        """Probability of the event {name = value, ...} (summing out the other variables)."""
        idx = {n: i for i, n in enumerate(self.names)}
        return sum(m for c, m in self.mass.items() if all(c[idx[n]] == v for n, v in event.items()))

    def cond(self, event, given):
        return self.P(**event, **given) / self.P(**given)


def _abc(g):
    sup = {n: list(range(g.int(2, 3))) for n in "ABC"}
    J = Joint(g, sup)
    a, b, c = (g.choice(sup[n]) for n in "ABC")
    return J, a, b, c


def _chain_1(g):
    J, a, b, c = _abc(g)
    return J.P(A=a, B=b, C=c), J.cond({"A": a}, {"B": b, "C": c}) * J.P(B=b, C=c)


def _chain_2(g):
    J, a, b, c = _abc(g)
    prev = J.cond({"A": a}, {"B": b, "C": c}) * J.P(B=b, C=c)
    return prev, J.cond({"A": a}, {"B": b, "C": c}) * J.cond({"B": b}, {"C": c}) * J.P(C=c)


def _chain_3(g):
    J, a, b, c = _abc(g)
    prev = J.cond({"A": a}, {"B": b, "C": c}) * J.cond({"B": b}, {"C": c}) * J.P(C=c)
    return prev, J.cond({"A": a}, {"B": b}) * J.cond({"B": b}, {"C": c}) * J.P(C=c)


def _bayes_1(g):
    J, a, b, c = _abc(g)
    return J.cond({"A": a}, {"B": b}), J.P(A=a, B=b) / J.P(B=b)


def _bayes_2(g):
    J, a, b, c = _abc(g)
    return J.P(A=a, B=b) / J.P(B=b), J.cond({"B": b}, {"A": a}) * J.P(A=a) / J.P(B=b)


def _bayes_3(g):
    J, a, b, c = _abc(g)
    return J.cond({"B": b}, {"A": a}), J.cond({"A": a}, {"B": b}) * J.P(A=a) / J.P(B=b)


def _bayes_c(g):
    J, a, b, c = _abc(g)
    rhs = J.cond({"B": b}, {"A": a, "C": c}) * J.cond({"A": a}, {"C": c}) / J.cond({"B": b}, {"C": c})
    return J.cond({"A": a}, {"B": b, "C": c}), rhs


def _bayes_c_bad(g):
    J, a, b, c = _abc(g)
    rhs = J.cond({"B": b}, {"A": a, "C": c}) * J.P(A=a) / J.cond({"B": b}, {"C": c})
    return J.cond({"A": a}, {"B": b, "C": c}), rhs


# ---------------------------------------------------------------- total probability, y in {1..K}
def _xy(g):
    K = g.size(1, 5)
    J = Joint(g, {"x": list(range(4)), "y": list(range(1, K + 1))})
    x = g.int(0, 3)
    j = g.int(1, K)
    return K, J, x, j


def _tp_1(g):
    K, J, x, j = _xy(g)
    return J.P(x=x), sum(J.P(x=x, y=k) for k in range(1, K + 1))


def _tp_2(g):
    K, J, x, j = _xy(g)
    return (sum(J.P(x=x, y=k) for k in range(1, K + 1)),
            sum(J.cond({"x": x}, {"y": k}) * J.P(y=k) for k in range(1, K + 1)))


def _tp_post(g):
    K, J, x, j = _xy(g)
    den = sum(J.cond({"x": x}, {"y": k}) * J.P(y=k) for k in range(1, K + 1))
    return J.cond({"y": j}, {"x": x}), J.cond({"x": x}, {"y": j}) * J.P(y=j) / den


def _tp_sum1(g):
    K, J, x, j = _xy(g)
    return sum(J.cond({"y": jj}, {"x": x}) for jj in range(1, K + 1)), 1.0


def _tp_noprior(g):
    K, J, x, j = _xy(g)
    den = sum(J.cond({"x": x}, {"y": k}) for k in range(1, K + 1))
    return J.cond({"y": j}, {"x": x}), J.cond({"x": x}, {"y": j}) / den


def _tp_short(g):
    K, J, x, j = _xy(g)
    return J.P(x=x), sum(J.cond({"x": x}, {"y": k}) * J.P(y=k) for k in range(1, K))


# ---------------------------------------------------------------- diagnostic test, D in {0, 1}
def _dr(g):
    return Joint(g, {"D": [0, 1], "R": [0, 1, 2]})


def _test_1(g):
    J = _dr(g)
    rhs = J.cond({"R": 1}, {"D": 1}) * J.P(D=1) + J.cond({"R": 1}, {"D": 0}) * J.P(D=0)
    return J.P(R=1), rhs


def _test_2(g):
    J = _dr(g)
    prev = J.cond({"R": 1}, {"D": 1}) * J.P(D=1) + J.cond({"R": 1}, {"D": 0}) * J.P(D=0)
    return prev, J.cond({"R": 1}, {"D": 1}) * J.P(D=1) + J.cond({"R": 1}, {"D": 0}) * (1 - J.P(D=1))


def _test_3(g):
    J = _dr(g)
    return J.cond({"D": 0}, {"R": 1}), 1 - J.cond({"D": 1}, {"R": 1})


_SENS, _FPR, _PREV = 0.9, 0.07, 0.008


def _numbers_1(g):
    # the posterior from the joint over D in {0, 1}
    joint = {1: _SENS * _PREV, 0: _FPR * (1 - _PREV)}
    return joint[1] / (joint[0] + joint[1]), 0.0072 / 0.07664


def _numbers_bad(g):
    return 0.9 * 0.008 / (0.9 * 0.008 + 0.07), 0.0072 / 0.07664


# ---------------------------------------------------------------- random X, Y on a finite support
class Pair:
    """(X, Y) with a random joint law on m x m random real values; independent when asked."""

    def __init__(self, g, independent=False):
        m = g.int(2, 4)
        self.xs, self.ys = g.reals(m), g.reals(m)
        if independent:
            px, py = g.probs(m), g.probs(m)
            self.w = {(i, j): px[i] * py[j] for i in range(m) for j in range(m)}
        else:
            p = g.probs(m * m)
            self.w = {(i, j): p[i * m + j] for i in range(m) for j in range(m)}

    def E(self, f):
        return sum(w * f(self.xs[i], self.ys[j]) for (i, j), w in self.w.items())

    def var(self, f):
        mu = self.E(f)
        return self.E(lambda x, y: (f(x, y) - mu) ** 2)

    def cov(self, f, h):
        mf, mh = self.E(f), self.E(h)
        return self.E(lambda x, y: (f(x, y) - mf) * (h(x, y) - mh))


X_ = lambda x, y: x  # noqa: E731
Y_ = lambda x, y: y  # noqa: E731


def _pab(g, independent=False):
    return Pair(g, independent), g.real(), g.real(), g.real(), g.real()


def _lin_1(g):
    P, a, b, c, d = _pab(g)
    return P.E(lambda x, y: a * x + b), a * P.E(X_) + b


def _lin_2(g):
    P, a, b, c, d = _pab(g)
    return P.E(lambda x, y: x + y), P.E(X_) + P.E(Y_)


def _lin_3(g):
    P, a, b, c, d = _pab(g)
    return P.E(lambda x, y: 3 * x - 2 * y + 5), 3 * P.E(X_) - 2 * P.E(Y_) + 5


def _lin_prod(g):
    P, a, b, c, d = _pab(g)
    return P.E(lambda x, y: x * y), P.E(X_) * P.E(Y_)


def _var_1(g):
    P, a, b, c, d = _pab(g)
    mx = P.E(X_)
    return P.var(X_), P.E(lambda x, y: (x - mx) ** 2)


def _var_2(g):
    P, a, b, c, d = _pab(g)
    mx = P.E(X_)
    return P.E(lambda x, y: (x - mx) ** 2), P.E(lambda x, y: x * x) - 2 * mx * mx + mx ** 2


def _var_3(g):
    P, a, b, c, d = _pab(g)
    mx = P.E(X_)
    return P.E(lambda x, y: x * x) - 2 * mx * mx + mx ** 2, P.E(lambda x, y: x * x) - mx ** 2


def _aff_1(g):
    P, a, b, c, d = _pab(g)
    mx = P.E(X_)
    return P.var(lambda x, y: a * x + b), P.E(lambda x, y: (a * x + b - a * mx - b) ** 2)


def _aff_2(g):
    P, a, b, c, d = _pab(g)
    mx = P.E(X_)
    return P.E(lambda x, y: (a * x + b - a * mx - b) ** 2), a * a * P.E(lambda x, y: (x - mx) ** 2)


def _aff_3(g):
    P, a, b, c, d = _pab(g)
    mx = P.E(X_)
    return a * a * P.E(lambda x, y: (x - mx) ** 2), a * a * P.var(X_) + b


def _ineq_1(g):
    P, *_ = _pab(g)
    return P.var(X_) >= 0


def _ineq_2(g):
    P, *_ = _pab(g)
    return P.E(lambda x, y: x * x) >= P.E(X_) ** 2 - 1e-12


def _ineq_3(g):
    P, *_ = _pab(g)
    return P.E(X_) ** 2 >= P.E(lambda x, y: x * x)


def _cov_1(g):
    P, *_ = _pab(g)
    mx, my = P.E(X_), P.E(Y_)
    return P.cov(X_, Y_), P.E(lambda x, y: (x - mx) * (y - my))


def _cov_2(g):
    P, *_ = _pab(g)
    mx, my = P.E(X_), P.E(Y_)
    return P.E(lambda x, y: (x - mx) * (y - my)), P.E(lambda x, y: x * y) - mx * my


def _cov_3(g):
    P, *_ = _pab(g)
    return P.cov(X_, X_), P.var(X_)


def _cov_aff(g):
    P, a, b, c, d = _pab(g)
    return P.cov(lambda x, y: a * x + b, lambda x, y: c * y + d), a * c * P.cov(X_, Y_) + b * d


def _vsum_1(g):
    P, *_ = _pab(g)
    return P.var(lambda x, y: x + y), P.var(X_) + P.var(Y_) + 2 * P.cov(X_, Y_)


def _vsum_2(g):
    P, *_ = _pab(g)
    return P.var(lambda x, y: x - y), P.var(X_) + P.var(Y_) - 2 * P.cov(X_, Y_)


def _vsum_3(g):
    P, *_ = _pab(g)
    return P.var(lambda x, y: x - y), P.var(X_) - P.var(Y_)


def _vsum_4(g):
    P, *_ = _pab(g)
    return P.cov(lambda x, y: x + y, lambda x, y: x - y), P.var(X_) - P.var(Y_)


# ---------------------------------------------------------------- independent U, V
def _ind(g):
    return Pair(g, independent=True)


def _ind_1(g):
    P = _ind(g)
    return P.E(lambda u, v: u * v), P.E(X_) * P.E(Y_)


def _ind_2(g):
    P = _ind(g)
    return P.cov(X_, Y_), 0.0


def _ind_3(g):
    P = _ind(g)
    return P.var(lambda u, v: u + v), P.var(X_) + P.var(Y_)


def _ind_4(g):
    P = _ind(g)
    return P.var(lambda u, v: 2 * u - 3 * v), 4 * P.var(X_) + 9 * P.var(Y_)


def _ind_5(g):
    P = _ind(g)
    return P.var(lambda u, v: 2 * u - 3 * v), 4 * P.var(X_) - 9 * P.var(Y_)


def _ind_6(g):
    P = _ind(g)
    return P.E(lambda u, v: u * u * v * v), P.E(lambda u, v: u * u) * P.E(lambda u, v: v * v)


def _ind_7(g):
    P = _ind(g)
    return (P.var(lambda u, v: u * v),
            P.E(lambda u, v: u * u) * P.E(lambda u, v: v * v) - P.E(X_) ** 2 * P.E(Y_) ** 2)


def _ind_8(g):
    P = _ind(g)
    return P.var(lambda u, v: u * v), P.var(X_) * P.var(Y_)


# ---------------------------------------------------------------- Bernoulli and binomial
def _bern_mean(g):
    th = g.unit()
    pmf = {1: th, 0: 1 - th}
    return sum(x * pmf[x] for x in (0, 1)), th


def _bern_var(g):
    th = g.unit()
    pmf = {1: th, 0: 1 - th}
    return sum((x - th) ** 2 * pmf[x] for x in (0, 1)), th * (1 - th)


def _bern_var_bad(g):
    th = g.unit()
    pmf = {1: th, 0: 1 - th}
    return sum((x - th) ** 2 * pmf[x] for x in (0, 1)), th * th * (1 - th)


def _binom(g):
    n = g.size(1, 8)
    th = g.unit()
    pmf = [math.comb(n, k) * th ** k * (1 - th) ** (n - k) for k in range(n + 1)]
    return n, th, pmf


def _bin_1(g):
    n, th, pmf = _binom(g)
    return sum(pmf), 1.0


def _bin_2(g):
    n, th, pmf = _binom(g)
    return sum(k * pmf[k] for k in range(n + 1)), n * th


def _bin_3(g):
    n, th, pmf = _binom(g)
    return sum(k * k * pmf[k] for k in range(n + 1)) - n * n * th * th, n * th * (1 - th)


def _bin_4(g):
    n, th, pmf = _binom(g)
    return sum(k * k * pmf[k] for k in range(n + 1)), n * th * (1 - th)


# ---------------------------------------------------------------- sums of squares
def _ts(g):
    N = g.size(1, 6)
    return N, g.reals(N)


def _ss_1(g):
    N, t = _ts(g)
    m = sum(t) / N
    return sum((ti - m) ** 2 for ti in t), sum(ti * ti for ti in t) - 2 / N * sum(t) ** 2 + 1 / N * sum(t) ** 2


def _ss_2(g):
    N, t = _ts(g)
    return (sum(ti * ti for ti in t) - 2 / N * sum(t) ** 2 + 1 / N * sum(t) ** 2,
            sum(ti * ti for ti in t) - 1 / N * sum(t) ** 2)


def _ss_3(g):
    N, t = _ts(g)
    return sum(ti * ti for ti in t) - 1 / N * sum(t) ** 2, sum(ti * ti for ti in t) - sum(t) ** 2


# ---------------------------------------------------------------- iid samples
class Sample:
    """N iid draws from a random three-point law with mean mu and variance s2; exact expectations."""

    def __init__(self, g, nmin=2, nmax=4):
        self.N = g.size(nmin, nmax)
        self.mu = g.real()
        self.s = g.pos(0.3, 2.5)
        self.s2 = self.s * self.s
        z, p = g.reals(3), g.probs(3)
        m = sum(zi * pi for zi, pi in zip(z, p))
        v = sum((zi - m) ** 2 * pi for zi, pi in zip(z, p))
        self.vals = [self.mu + self.s * (zi - m) / math.sqrt(v) for zi in z]
        self.p = p

    def E(self, f):
        """E[f(x_1, ..., x_N)] by summing over all 3^N outcomes."""
        tot = 0.0
        for idx in itertools.product(range(3), repeat=self.N):
            w = math.prod(self.p[i] for i in idx)
            tot += w * f([self.vals[i] for i in idx])
        return tot

    def var(self, f):
        m = self.E(f)
        return self.E(lambda x: (f(x) - m) ** 2)


def _xbar(x):
    return sum(x) / len(x)


def _sm_1(g):
    S = Sample(g)
    return S.E(_xbar), 1 / S.N * sum(S.E(lambda x, n=n: x[n]) for n in range(S.N))


def _sm_2(g):
    S = Sample(g)
    return 1 / S.N * sum(S.E(lambda x, n=n: x[n]) for n in range(S.N)), S.mu


def _sm_3(g):
    S = Sample(g)
    return S.var(_xbar), 1 / S.N ** 2 * sum(S.var(lambda x, n=n: x[n]) for n in range(S.N))


def _sm_4(g):
    S = Sample(g)
    return 1 / S.N ** 2 * sum(S.var(lambda x, n=n: x[n]) for n in range(S.N)), S.s2 / S.N


def _sm_bad_sigma(g):
    S = Sample(g)
    return S.var(_xbar), S.s / S.N


def _sm_bad_N(g):
    S = Sample(g)
    return S.var(_xbar), 1 / S.N * sum(S.var(lambda x, n=n: x[n]) for n in range(S.N))


def _mom_1(g):
    S = Sample(g)
    n = g.int(0, S.N - 1)
    return S.E(lambda x: x[n] ** 2), S.s2 + S.mu ** 2


def _mom_2(g):
    S = Sample(g)
    n, m = g.rng.sample(range(S.N), 2)
    return S.E(lambda x: x[n] * x[m]), S.mu ** 2


def _mom_3(g):
    S = Sample(g)
    return S.E(lambda x: sum(x) ** 2), S.N * S.s2 + S.N ** 2 * S.mu ** 2


def _mom_4(g):
    S = Sample(g)
    return S.E(lambda x: sum(x) ** 2), S.N * S.s2 + S.N * S.mu ** 2


def _ssd(x):
    m = _xbar(x)
    return sum((xi - m) ** 2 for xi in x)


def _sv_1(g):
    S = Sample(g)
    return S.E(_ssd), (S.N - 1) * S.s2


def _sv_2(g):
    S = Sample(g)
    return S.E(lambda x: _ssd(x) / (S.N - 1)), S.s2


def _sv_3(g):
    S = Sample(g)
    return S.E(lambda x: _ssd(x) / S.N), (S.N - 1) / S.N * S.s2


def _sv_4(g):
    S = Sample(g)
    return S.E(lambda x: _ssd(x) / S.N), S.s2


def _known_1(g):
    S = Sample(g)
    return S.E(lambda x: sum((xi - S.mu) ** 2 for xi in x) / S.N), S.s2


def _known_2(g):
    S = Sample(g)
    return S.E(lambda x: sum((xi - S.mu) ** 2 for xi in x) / (S.N - 1)), S.s2


RELATIONS = [
    (18, "T", _chain_1),
    (19, "T", _chain_2),
    (20, "F", _chain_3),
    (27, "T", _bayes_1),
    (28, "T", _bayes_2),
    (29, "F", _bayes_3),
    (34, "T", _bayes_c),
    (35, "F", _bayes_c_bad),
    (44, "T", _tp_1),
    (45, "T", _tp_2),
    (46, "T", _tp_post),
    (47, "T", _tp_sum1),
    (52, "F", _tp_noprior),
    (53, "F", _tp_short),
    (61, "T", _test_1),
    (62, "T", _test_2),
    (63, "T", _test_3),
    (68, "T", _numbers_1),
    (73, "F", _numbers_bad),
    (81, "T", _lin_1),
    (82, "T", _lin_2),
    (83, "T", _lin_3),
    (84, "F", _lin_prod),
    (92, "T", _var_1),
    (93, "T", _var_2),
    (94, "T", _var_3),
    (99, "T", _aff_1),
    (100, "T", _aff_2),
    (101, "F", _aff_3),
    (107, "T", _ineq_1),
    (108, "T", _ineq_2),
    (109, "F", _ineq_3),
    (117, "T", _cov_1),
    (118, "T", _cov_2),
    (119, "T", _cov_3),
    (120, "F", _cov_aff),
    (125, "T", _vsum_1),
    (126, "T", _vsum_2),
    (127, "F", _vsum_3),
    (128, "T", _vsum_4),
    (136, "T", _ind_1),
    (137, "T", _ind_2),
    (138, "T", _ind_3),
    (139, "T", _ind_4),
    (140, "F", _ind_5),
    (144, "T", _ind_6),
    (145, "T", _ind_7),
    (146, "F", _ind_8),
    (154, "T", _bern_mean),
    (155, "T", _bern_var),
    (156, "F", _bern_var_bad),
    (162, "T", _bin_1),
    (163, "T", _bin_2),
    (164, "T", _bin_3),
    (165, "F", _bin_4),
    (173, "T", _ss_1),
    (174, "T", _ss_2),
    (175, "F", _ss_3),
    (184, "T", _sm_1),
    (185, "T", _sm_2),
    (186, "T", _sm_3),
    (187, "T", _sm_4),
    (192, "F", _sm_bad_sigma),
    (193, "F", _sm_bad_N),
    (198, "T", _mom_1),
    (199, "T", _mom_2),
    (200, "T", _mom_3),
    (201, "F", _mom_4),
    (209, "T", _sv_1),
    (210, "T", _sv_2),
    (211, "T", _sv_3),
    (212, "F", _sv_4),
    (217, "T", _known_1),
    (218, "F", _known_2),
]
