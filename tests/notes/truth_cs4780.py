"""Truth for cs4780.tex: each relation evaluated in floats, independently of the tool."""
import math


# ---- coin: MLE and MAP -------------------------------------------------------

def _coin(g):
    return g.int(1, 12), g.int(1, 12), g.unit()


def _loglik(g):
    nh, nt, th = _coin(g)
    lhs = math.log(math.comb(nh + nt, nh) * th ** nh * (1 - th) ** nt)
    rhs = math.log(math.comb(nh + nt, nh)) + nh * math.log(th) + nt * math.log(1 - th)
    return lhs, rhs


def _dloglik(g):
    nh, nt, th = _coin(g)
    # d/dθ [nH log θ + nT log(1-θ)]: chain rule on log(1-θ) gives nT * (1/(1-θ)) * (-1)
    true = nh * (1 / th) + nt * (1 / (1 - th)) * (-1)
    return true, nh / th - nt / (1 - th)


def _mle_solves(g):
    nh, nt, _ = _coin(g)
    r = nh / (nh + nt)
    return nh / r - nt / (1 - r), 0.0


def _d2loglik(g):
    nh, nt, th = _coin(g)
    # d/dθ nH θ^{-1} = -nH θ^{-2};  d/dθ [-nT (1-θ)^{-1}] = -nT * (-1)(1-θ)^{-2} * (-1)
    true = -nh * th ** -2 + (-nt) * (-1) * (1 - th) ** -2 * (-1)
    return true, -nh / th ** 2 - nt / (1 - th) ** 2


def _concave(g):
    nh, nt, th = _coin(g)
    return -nh / th ** 2 - nt / (1 - th) ** 2 < 0


def _map(g):
    nh, nt, th = _coin(g)
    return nh, nt, th, g.real(1.01, 6.0), g.real(1.01, 6.0)


def _dlogpost(g):
    nh, nt, th, a, b = _map(g)
    true = (nh + a - 1) * (1 / th) + (nt + b - 1) * (1 / (1 - th)) * (-1)
    return true, (nh + a - 1) / th - (nt + b - 1) / (1 - th)


def _map_wrong(g):
    nh, nt, _, a, b = _map(g)
    r = (nh + a - 1) / (nh + nt + a + b - 1)
    return (nh + a - 1) / r - (nt + b - 1) / (1 - r), 0.0


# ---- naive Bayes ------------------------------------------------------------

def _log_nb(g):
    d = g.size(1, 6)
    pi = g.unit()
    ps = [g.unit() for _ in range(d)]
    prod = pi
    for p in ps:
        prod *= p
    return math.log(prod), math.log(pi) + sum(math.log(p) for p in ps)


def _labels(g, kmin=1):
    k = g.int(kmin, 4)
    n = g.size(1, 7)
    ys = [g.int(1, k) for _ in range(n)]
    return k, n, ys


def _smoothed_priors(g):
    k, n, ys = _labels(g)
    l = g.pos(0.1, 3.0)
    total = 0.0
    for c in range(1, k + 1):
        nc = sum(1 for y in ys if y == c)
        total += (nc + l) / (n + l)
    return total, 1.0


def _multinomial(g):
    k, n, ys = _labels(g)
    d = g.size(1, 5)
    c = g.int(1, k)
    l = g.pos(0.1, 3.0)
    xs = [[float(g.int(0, 5)) for _ in range(d)] for _ in range(n)]
    m = [sum(row) for row in xs]
    den = sum(m[i] for i in range(n) if ys[i] == c) + l * d
    thetas = [(sum(xs[i][a] for i in range(n) if ys[i] == c) + l) / den for a in range(d)]
    middle = (sum(sum(xs[i][a] for a in range(d)) for i in range(n) if ys[i] == c) + l * d) / den
    return sum(thetas), middle, den


def _multinomial_sum(g):
    s, middle, _ = _multinomial(g)
    return s, middle


def _multinomial_one(g):
    _, middle, _ = _multinomial(g)
    return middle, 1.0


def _gauss(g):
    return g.real(-3, 3), g.real(-3, 3), g.pos(0.5, 3.0)


def _log_gauss_true(x, mu, s):
    return math.log(1 / (math.sqrt(2 * math.pi) * s) * math.exp(-(x - mu) ** 2 / (2 * s ** 2)))


def _log_gauss(g):
    x, mu, s = _gauss(g)
    return _log_gauss_true(x, mu, s), -math.log(s) - 0.5 * math.log(2 * math.pi) - (x - mu) ** 2 / (2 * s ** 2)


def _log_gauss_wrong(g):
    x, mu, s = _gauss(g)
    return _log_gauss_true(x, mu, s), -0.5 * math.log(2 * math.pi * s) - (x - mu) ** 2 / (2 * s ** 2)


def _class_data(g):
    """Labels with at least one point of class c (n_c >= 1), one feature column, mu and sigma."""
    k, n, ys = _labels(g, kmin=2)
    c = g.int(1, k)
    ys[0] = c
    xs = g.reals(n)
    return n, ys, c, xs, g.real(-3, 3), g.pos(0.3, 3.0)


def _dmu(g):
    n, ys, c, xs, mu, s = _class_data(g)
    # d/dmu (x - mu)^2 / (2 s^2) = 2 (x - mu) (-1) / (2 s^2)
    true = sum(2 * (xs[i] - mu) * (-1) / (2 * s ** 2) for i in range(n) if ys[i] == c)
    claimed = -1 / s ** 2 * sum(xs[i] - mu for i in range(n) if ys[i] == c)
    return true, claimed


def _mu_wrong(g):
    n, ys, c, xs, _, s = _class_data(g)
    r = 1 / n * sum(xs[i] for i in range(n) if ys[i] == c)
    return -1 / s ** 2 * sum(xs[i] - r for i in range(n) if ys[i] == c), 0.0


def _dvar(g):
    n, ys, c, xs, mu, s = _class_data(g)
    v = s ** 2
    nc = sum(1 for y in ys if y == c)
    # d/dv [1/2 log v + r^2 / (2 v)] = 1/(2v) - r^2 / (2 v^2)
    true = sum(1 / (2 * v) - (xs[i] - mu) ** 2 / (2 * v ** 2) for i in range(n) if ys[i] == c)
    claimed = nc / (2 * v) - 1 / (2 * v ** 2) * sum((xs[i] - mu) ** 2 for i in range(n) if ys[i] == c)
    return true, claimed


def _var_solves(g):
    n, ys, c, xs, mu, _ = _class_data(g)
    nc = sum(1 for y in ys if y == c)
    ss = sum((xs[i] - mu) ** 2 for i in range(n) if ys[i] == c)
    r = ss / nc
    return nc / (2 * r) - ss / (2 * r ** 2), 0.0


# ---- logistic regression ----------------------------------------------------

def _lr(g):
    d, n = g.size(1, 3), g.size(1, 5)
    w = g.reals(d, -1.5, 1.5)
    b = g.real(-1.5, 1.5)
    xs = [g.reals(d, -1.5, 1.5) for _ in range(n)]
    ys = [g.choice([1.0, -1.0]) for _ in range(n)]
    ms = [ys[i] * (sum(w[j] * xs[i][j] for j in range(d)) + b) for i in range(n)]
    return d, n, xs, ys, ms


def _lr_nll(g):
    _, n, _, _, ms = _lr(g)
    prod = 1.0
    for m in ms:
        prod *= 1 / (1 + math.exp(-m))
    return -math.log(prod), sum(math.log(1 + math.exp(-m)) for m in ms)


def _lr_db(g):
    _, n, _, ys, ms = _lr(g)
    # d/db log(1 + e^{-u}) with u = y (w.x + b): (1/(1+e^{-u})) * e^{-u} * (-y)
    true = sum(1 / (1 + math.exp(-ms[i])) * math.exp(-ms[i]) * (-ys[i]) for i in range(n))
    claimed = -sum(ys[i] * math.exp(-ms[i]) / (1 + math.exp(-ms[i])) for i in range(n))
    return true, claimed


def _lr_db2(g):
    _, n, _, ys, ms = _lr(g)
    a = -sum(ys[i] * math.exp(-ms[i]) / (1 + math.exp(-ms[i])) for i in range(n))
    return a, -sum(ys[i] / (1 + math.exp(ms[i])) for i in range(n))


def _lr_dw_wrong(g):
    d, n, xs, ys, ms = _lr(g)
    j = g.int(0, d - 1)
    true = sum(1 / (1 + math.exp(-ms[i])) * math.exp(-ms[i]) * (-ys[i] * xs[i][j]) for i in range(n))
    claimed = sum(ys[i] * xs[i][j] / (1 + math.exp(ms[i])) for i in range(n))
    return true, claimed


# ---- losses -----------------------------------------------------------------

def _z(g):
    return g.real(-6, 6)


def _dlogloss(g):
    z = _z(g)
    # d/dz log(1 + e^{-z}) = e^{-z} * (-1) / (1 + e^{-z})
    return math.exp(-z) * (-1) / (1 + math.exp(-z)), -1 / (1 + math.exp(z))


def _dexp_wrong(g):
    z = _z(g)
    return -math.exp(-z), math.exp(-z)


# ---- linear regression, Gaussian noise --------------------------------------

def _linreg(g):
    d, n = g.size(1, 3), g.size(1, 5)
    w = g.reals(d, -1, 1)
    xs = [g.reals(d, -1, 1) for _ in range(n)]
    ys = g.reals(n, -2, 2)
    s = g.pos(0.5, 2.0)
    rs = [sum(xs[i][j] * w[j] for j in range(d)) - ys[i] for i in range(n)]
    return n, rs, s


def _gauss_loglik(n, rs, s):
    prod = 1.0
    for r in rs:
        prod *= 1 / math.sqrt(2 * math.pi * s ** 2) * math.exp(-r ** 2 / (2 * s ** 2))
    return math.log(prod)


def _linreg1(g):
    n, rs, s = _linreg(g)
    return _gauss_loglik(n, rs, s), sum(math.log(1 / math.sqrt(2 * math.pi * s ** 2)) - r ** 2 / (2 * s ** 2) for r in rs)


def _linreg2(g):
    n, rs, s = _linreg(g)
    a = sum(math.log(1 / math.sqrt(2 * math.pi * s ** 2)) - r ** 2 / (2 * s ** 2) for r in rs)
    return a, -n / 2 * math.log(2 * math.pi * s ** 2) - 1 / (2 * s ** 2) * sum(r ** 2 for r in rs)


def _linreg3(g):
    n, rs, s = _linreg(g)
    a = -n / 2 * math.log(2 * math.pi * s ** 2) - 1 / (2 * s ** 2) * sum(r ** 2 for r in rs)
    return a, -n * math.log(math.sqrt(2 * math.pi * s ** 2)) - 1 / s ** 2 * sum(r ** 2 for r in rs)


# ---- bias-variance: a finite model, D independent of the test point (x, y) ----

class _BV:
    def __init__(self, g):
        nx, ny, nd = g.size(1, 3), g.size(1, 3), g.size(1, 4)
        self.px = g.probs(nx)
        self.py = [g.probs(ny) for _ in range(nx)]
        self.yv = [g.reals(ny) for _ in range(nx)]
        self.pd = g.probs(nd)
        self.h = [g.reals(nx) for _ in range(nd)]
        self.X, self.Y, self.D = range(nx), range(ny), range(nd)
        self.hbar = [sum(self.pd[k] * self.h[k][x] for k in self.D) for x in self.X]
        self.ybar = [sum(self.py[x][j] * self.yv[x][j] for j in self.Y) for x in self.X]

    def exyd(self, f):
        """E_{x,y,D}[f(x, y, D)]."""
        return sum(self.px[x] * self.py[x][j] * self.pd[k] * f(x, self.yv[x][j], k)
                   for x in self.X for j in self.Y for k in self.D)

    def exy(self, f):
        return sum(self.px[x] * self.py[x][j] * f(x, self.yv[x][j]) for x in self.X for j in self.Y)

    def exd(self, f):
        return sum(self.px[x] * self.pd[k] * f(x, k) for x in self.X for k in self.D)

    def ex(self, f):
        return sum(self.px[x] * f(x) for x in self.X)

    def err(self):
        return self.exyd(lambda x, y, k: (self.h[k][x] - y) ** 2)

    def var(self):
        return self.exd(lambda x, k: (self.h[k][x] - self.hbar[x]) ** 2)

    def cross(self):
        return self.exyd(lambda x, y, k: (self.h[k][x] - self.hbar[x]) * (self.hbar[x] - y))

    def hy(self):
        return self.exy(lambda x, y: (self.hbar[x] - y) ** 2)

    def bias2(self):
        return self.ex(lambda x: (self.hbar[x] - self.ybar[x]) ** 2)

    def noise(self):
        return self.exy(lambda x, y: (self.ybar[x] - y) ** 2)


def _bv1(g):
    m = _BV(g)
    return m.err(), m.exyd(lambda x, y, k: ((m.h[k][x] - m.hbar[x]) + (m.hbar[x] - y)) ** 2)


def _bv2(g):
    m = _BV(g)
    a = m.exyd(lambda x, y, k: ((m.h[k][x] - m.hbar[x]) + (m.hbar[x] - y)) ** 2)
    return a, m.var() + 2 * m.cross() + m.hy()


def _bv3(g):
    m = _BV(g)
    ed = [sum(m.pd[k] * m.h[k][x] for k in m.D) for x in m.X]
    return m.cross(), m.exy(lambda x, y: (ed[x] - m.hbar[x]) * (m.hbar[x] - y))


def _bv4(g):
    m = _BV(g)
    ed = [sum(m.pd[k] * m.h[k][x] for k in m.D) for x in m.X]
    a = m.exy(lambda x, y: (ed[x] - m.hbar[x]) * (m.hbar[x] - y))
    return a, m.exy(lambda x, y: (m.hbar[x] - m.hbar[x]) * (m.hbar[x] - y))


def _bv5(g):
    m = _BV(g)
    return m.exy(lambda x, y: (m.hbar[x] - m.hbar[x]) * (m.hbar[x] - y)), 0.0


def _bv6(g):
    m = _BV(g)
    rhs = (m.exy(lambda x, y: (m.hbar[x] - m.ybar[x]) ** 2)
           + 2 * m.exy(lambda x, y: (m.hbar[x] - m.ybar[x]) * (m.ybar[x] - y))
           + m.noise())
    return m.hy(), rhs


def _bv7(g):
    m = _BV(g)
    a = (m.exy(lambda x, y: (m.hbar[x] - m.ybar[x]) ** 2)
         + 2 * m.exy(lambda x, y: (m.hbar[x] - m.ybar[x]) * (m.ybar[x] - y))
         + m.noise())
    return a, m.bias2() + m.noise()


def _bv8(g):
    m = _BV(g)
    return m.err(), m.var() + m.bias2() + m.noise()


def _bv9_wrong(g):
    m = _BV(g)
    return m.noise(), m.ex(lambda x: m.ybar[x] ** 2) - m.exy(lambda x, y: y ** 2)


def _bv10(g):
    m = _BV(g)
    x = g.int(0, len(m.X) - 1)
    lhs = sum(m.pd[k] * (m.h[k][x] - m.hbar[x]) ** 2 for k in m.D)
    return lhs, sum(m.pd[k] * m.h[k][x] ** 2 for k in m.D) - m.hbar[x] ** 2


RELATIONS = [
    (15, "T", _loglik),
    (16, "T", _dloglik),
    (17, "T", _mle_solves),
    (21, "T", _d2loglik),
    (22, "T", _concave),
    (32, "T", _dlogpost),
    (33, "F", _map_wrong),
    (37, "T", lambda g: (7 / (7 + 3), 0.7)),
    (38, "T", lambda g: ((7 + 2 - 1) / (7 + 3 + 2 + 2 - 2), 8 / 12)),
    (38, "F", lambda g: (8 / 12, 0.75)),
    (39, "F", lambda g: ((7 + 1 - 1) / (7 + 3 + 1 + 1 - 2), 7 / 12)),
    (48, "T", _log_nb),
    (50, "F", _smoothed_priors),
    (53, "T", _multinomial_sum),
    (53, "T", _multinomial_one),
    (58, "T", _log_gauss),
    (59, "F", _log_gauss_wrong),
    (64, "T", _dmu),
    (65, "F", _mu_wrong),
    (68, "T", _dvar),
    (69, "T", _var_solves),
    (78, "T", _lr_nll),
    (79, "T", _lr_db),
    (80, "T", _lr_db2),
    (81, "F", _lr_dw_wrong),
    (89, "T", lambda g: (lambda z: math.log(1 + math.exp(-z)) >= math.log(2) - z / 2)(_z(g))),
    (90, "T", lambda g: (lambda z: math.exp(-z) >= 1 - z)(_z(g))),
    (91, "F", lambda g: (lambda z: max(1 - z, 0) ** 2 >= max(1 - z, 0))(g.real(-3, 3))),
    (92, "T", _dlogloss),
    (93, "F", _dexp_wrong),
    (98, "T", _linreg1),
    (99, "T", _linreg2),
    (100, "F", _linreg3),
    (109, "T", _bv1),
    (110, "T", _bv2),
    (111, "T", _bv3),
    (112, "T", _bv4),
    (112, "T", _bv5),
    (117, "T", _bv6),
    (118, "T", _bv7),
    (119, "T", _bv8),
    (120, "F", _bv9_wrong),
    (121, "T", _bv10),
]
