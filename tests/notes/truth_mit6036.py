"""Truth for mit6036.tex: each relation evaluated in floats, independently of the tool."""
import math


def sig(z):
    return 1 / (1 + math.exp(-z))


def _z(g):
    return g.real(-6, 6)


# ---- sigmoid ----------------------------------------------------------------

def _dsig_true(z):
    # d/dz (1 + e^{-z})^{-1} = -(1 + e^{-z})^{-2} * (-e^{-z})
    return -((1 + math.exp(-z)) ** -2) * (-math.exp(-z))


def _s1(g):
    z = _z(g)
    return 1 - sig(z), math.exp(-z) / (1 + math.exp(-z))


def _s2(g):
    z = _z(g)
    return math.exp(-z) / (1 + math.exp(-z)), sig(-z)


def _s3(g):
    z = _z(g)
    return _dsig_true(z), math.exp(-z) / (1 + math.exp(-z)) ** 2


def _s4(g):
    z = _z(g)
    return math.exp(-z) / (1 + math.exp(-z)) ** 2, sig(z) * (1 - sig(z))


def _s5(g):
    z = _z(g)
    return _dsig_true(z) / sig(z), 1 - sig(z)


def _s6_wrong(g):
    z = _z(g)
    # d/dz log(1 - sigma) = -sigma' / (1 - sigma)
    return -_dsig_true(z) / (1 - sig(z)), sig(z)


# ---- NLL loss ---------------------------------------------------------------

def _nll_dz(z, a):
    # d/dz [-a log s - (1-a) log(1-s)] = -a s'/s + (1-a) s'/(1-s)
    s, ds = sig(z), _dsig_true(z)
    return -a * ds / s + (1 - a) * ds / (1 - s)


def _n1(g):
    z, a = _z(g), g.choice([0.0, 1.0])
    return _nll_dz(z, a), -a * (1 - sig(z)) + (1 - a) * sig(z)


def _n2(g):
    z, a = _z(g), g.choice([0.0, 1.0])
    return -a * (1 - sig(z)) + (1 - a) * sig(z), sig(z) - a


def _one_feature(g):
    return g.real(-2, 2), g.real(-2, 2), g.real(-2, 2), g.choice([0.0, 1.0])


def _n3_wrong(g):
    th, th0, x, a = _one_feature(g)
    z = th * x + th0
    return _nll_dz(z, a) * x, (sig(z) - a) * th


def _n4(g):
    th, th0, x, a = _one_feature(g)
    z = th * x + th0
    return _nll_dz(z, a) * 1, sig(z) - a


# ---- ridge, one feature -----------------------------------------------------

def _data(g):
    n = g.size(1, 6)
    return n, g.reals(n), g.reals(n), g.real(-2, 2), g.real(-2, 2), g.pos(0.1, 3.0)


def _r1(g):
    n, xs, ys, th, th0, lam = _data(g)
    # d/d theta_0 of (1/n) sum (th x + th0 - y)^2 + lam th^2
    true = 1 / n * sum(2 * (th * xs[i] + th0 - ys[i]) * 1 for i in range(n))
    return true, 2 / n * sum(th * xs[i] + th0 - ys[i] for i in range(n))


def _r2_wrong(g):
    n, xs, ys, th, _, _ = _data(g)
    r = 1 / n * sum(ys) + th * (1 / n) * sum(xs)
    return 2 / n * sum(th * xs[i] + r - ys[i] for i in range(n)), 0.0


def _r3(g):
    n, xs, ys, th, _, lam = _data(g)
    true = 1 / n * sum(2 * (th * xs[i] - ys[i]) * xs[i] for i in range(n)) + lam * 2 * th
    return true, 2 / n * sum((th * xs[i] - ys[i]) * xs[i] for i in range(n)) + 2 * lam * th


def _r4(g):
    n, xs, ys, _, _, lam = _data(g)
    r = sum(xs[i] * ys[i] for i in range(n)) / (sum(x ** 2 for x in xs) + n * lam)
    return 2 / n * sum((r * xs[i] - ys[i]) * xs[i] for i in range(n)) + 2 * lam * r, 0.0


# ---- ReLU -------------------------------------------------------------------

def relu(z):
    return max(0.0, z)


# ---- softmax ----------------------------------------------------------------

def _soft(g):
    k = g.int(2, 5)
    zs = g.reals(k)
    s = sum(math.exp(v) for v in zs)
    gs = [math.exp(v) / s for v in zs]
    j = g.int(0, k - 1)
    l = g.choice([i for i in range(k) if i != j])
    return k, zs, s, gs, j, l


def _sm1(g):
    _, _, _, gs, _, _ = _soft(g)
    return sum(gs), 1.0


def _sm2(g):
    _, zs, _, gs, j, _ = _soft(g)
    c = g.real(-5, 5)
    return math.exp(zs[j] - c) / sum(math.exp(v - c) for v in zs), gs[j]


def _sm3(g):
    _, zs, s, gs, j, _ = _soft(g)
    return math.log(gs[j]), zs[j] - math.log(s)


def _sm4_wrong(g):
    _, zs, s, _, j, _ = _soft(g)
    return zs[j] - math.log(s), zs[j] - sum(zs)


def _sm5(g):
    _, zs, s, gs, j, _ = _soft(g)
    # quotient rule: d/dz_j e^{z_j}/S = (e^{z_j} S - e^{z_j} e^{z_j}) / S^2
    e = math.exp(zs[j])
    return (e * s - e * e) / s ** 2, gs[j] * (1 - gs[j])


def _sm6_wrong(g):
    _, zs, s, gs, j, l = _soft(g)
    # l != j: d/dz_l e^{z_j}/S = -e^{z_j} e^{z_l} / S^2
    return -math.exp(zs[j]) * math.exp(zs[l]) / s ** 2, gs[j] * gs[l]


def _sm7(g):
    z1, z2 = g.real(-5, 5), g.real(-5, 5)
    return math.exp(z1) / (math.exp(z1) + math.exp(z2)), sig(z1 - z2)


# ---- logistic regression, d features ---------------------------------------

def _lr(g):
    d, n = g.size(1, 4), g.size(1, 5)
    th = g.reals(d, -1.5, 1.5)
    th0 = g.real(-1.5, 1.5)
    xs = [g.reals(d, -1.5, 1.5) for _ in range(n)]
    ys = [g.choice([0.0, 1.0]) for _ in range(n)]
    lam = g.pos(0.1, 3.0)
    zs = [sum(th[m] * xs[i][m] for m in range(d)) + th0 for i in range(n)]
    return d, n, th, xs, ys, lam, zs


def _lr_grad(g):
    d, n, th, xs, ys, lam, zs = _lr(g)
    m = g.int(0, d - 1)
    # chain rule: dL/dz * dz/d theta_m, plus d/d theta_m of lam * sum theta^2
    true = 1 / n * sum(_nll_dz(zs[i], ys[i]) * xs[i][m] for i in range(n)) + lam * 2 * th[m]
    claimed = 1 / n * sum((sig(zs[i]) - ys[i]) * xs[i][m] for i in range(n)) + 2 * lam * th[m]
    return true, claimed


def _lr_grad0_wrong(g):
    d, n, th, xs, ys, lam, zs = _lr(g)
    true = 1 / n * sum(_nll_dz(zs[i], ys[i]) for i in range(n))
    claimed = 1 / n * sum(sig(zs[i]) - ys[i] for i in range(n)) + 2 * lam
    return true, claimed


RELATIONS = [
    (14, "T", _s1),
    (14, "T", _s2),
    (15, "T", _s3),
    (15, "T", _s4),
    (16, "T", _s5),
    (17, "F", _s6_wrong),
    (24, "T", _n1),
    (25, "T", _n2),
    (26, "F", _n3_wrong),
    (27, "T", _n4),
    (36, "T", lambda g: (lambda t: (2 * (2 * t - 3) * 2, 4 * (2 * t - 3)))(g.real(-5, 5))),
    (37, "T", lambda g: (4 * (2 * (3 / 2) - 3), 0.0)),
    (40, "T", lambda g: (0 - 0.1 * 4 * (2 * 0 - 3), 1.2)),
    (41, "T", lambda g: (1.2 - 0.1 * 4 * (2 * 1.2 - 3), 1.44)),
    (42, "F", lambda g: (1.44 - 0.1 * 4 * (2 * 1.44 - 3), 1.498)),
    (52, "T", _r1),
    (53, "F", _r2_wrong),
    (57, "T", _r3),
    (58, "T", _r4),
    (62, "T", lambda g: ((1 * 1 + 2 * 3) / (1 ** 2 + 2 ** 2 + 2 * 0.5), 7 / 6)),
    (63, "T", lambda g: (0.5 * ((7 / 6 - 1) ** 2 + (2 * 7 / 6 - 3) ** 2), 0.5 * (1 + 16) / 36)),
    (63, "F", lambda g: (0.5 * (1 + 16) / 36, 17 / 36)),
    (70, "T", lambda g: (lambda z: (relu(z) - relu(-z), z))(g.real(-5, 5))),
    (71, "T", lambda g: (lambda z: (relu(z) + relu(-z), abs(z)))(g.real(-5, 5))),
    (72, "T", lambda g: (lambda z: (max(0.0, z), (z + abs(z)) / 2))(g.real(-5, 5))),
    (73, "F", lambda g: (lambda z, b: (relu(z + b), relu(z) + b))(g.real(-5, 5), g.real(-5, 5))),
    (79, "T", _sm1),
    (80, "T", _sm2),
    (81, "T", _sm3),
    (82, "F", _sm4_wrong),
    (83, "T", _sm5),
    (84, "F", _sm6_wrong),
    (85, "T", _sm7),
    (93, "T", _lr_grad),
    (94, "F", _lr_grad0_wrong),
    (98, "T", lambda g: ((3 * 1 + 4 * 2 - 5) / math.sqrt(3 ** 2 + 4 ** 2), 6 / 5)),
    (99, "F", lambda g: (-1 * (3 * 1 + 4 * 2 - 5) / math.sqrt(3 ** 2 + 4 ** 2), 6 / 5)),
    (100, "T", lambda g: (max(0, 1 - (-1) * (3 * 1 + 4 * 2 - 5)), 7)),
    (105, "T", lambda g: ((3 * 4 + 4) + (4 * 4 + 4) + (4 * 1 + 1), 16 + 20 + 5)),
    (105, "T", lambda g: (16 + 20 + 5, 41)),
    (106, "T", lambda g: (784 * 100 + 100 + 100 * 10 + 10, 79510)),
    (107, "T", lambda g: ((227 - 11) / 4 + 1, 55)),
    (108, "F", lambda g: (55 * 55 * 96, 290040)),
    (109, "T", lambda g: (96 * (11 * 11 * 3 + 1), 34944)),
]
