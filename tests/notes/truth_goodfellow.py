"""Truth for goodfellow.tex: each relation evaluated in floats, independently of the tool."""
import math


def sig(x):
    return 1.0 / (1.0 + math.exp(-x))


def sp(x):
    return math.log(1.0 + math.exp(x))


def dsig_true(x):
    # d/dx (1 + e^{-x})^{-1} = e^{-x} (1 + e^{-x})^{-2}   (by hand)
    return math.exp(-x) / (1.0 + math.exp(-x)) ** 2


def dsp_true(x):
    # d/dx log(1 + e^x) = e^x / (1 + e^x)   (by hand)
    return math.exp(x) / (1.0 + math.exp(x))


# --- sigmoid / softplus identities ----------------------------------------------------------

def _r28(g):
    x = g.real()
    return sig(x), math.exp(x) / (math.exp(x) + math.exp(0))


def _r35(g):
    x = g.real()
    return dsig_true(x), math.exp(-x) / (1 + math.exp(-x)) ** 2


def _r36(g):
    x = g.real()
    return math.exp(-x) / (1 + math.exp(-x)) ** 2, sig(x) * (1 - sig(x))


def _r37(g):
    x = g.real()
    return 1 - sig(x), sig(-x)


def _r38(g):
    x = g.real()
    return sig(-x), math.exp(x) / (1 + math.exp(x))


def _r39(g):
    x = g.real()
    return math.log(sig(x)), -sp(-x)


def _r40a(g):
    x = g.real()
    return dsp_true(x), math.exp(x) / (1 + math.exp(x))


def _r40b(g):
    x = g.real()
    return math.exp(x) / (1 + math.exp(x)), sig(-x)


def _r41a(g):
    x = g.real()
    return sp(x) - sp(-x), math.log((1 + math.exp(x)) / (1 + math.exp(-x)))


def _r41b(g):
    x = g.real()
    return math.log((1 + math.exp(x)) / (1 + math.exp(-x))), x


def _r49a(g):
    s = g.unit()
    return sig(math.log(s / (1 - s))), 1 / (1 + (1 - s) / s)


def _r49b(g):
    s = g.unit()
    return 1 / (1 + (1 - s) / s), s / (1 + s)


def _r50a(g):
    t = g.pos()
    return sp(math.log(math.exp(t) - 1)), math.log(1 + math.exp(t) - 1)


def _r50b(g):
    t = g.pos()
    return math.log(1 + math.exp(t) - 1), t


# --- KL divergence of two Bernoullis ----------------------------------------------------------

def _bern(p):
    return {0: 1 - p, 1: p}


def _r58(g):
    p, q = g.unit(), g.unit()
    P, Q = _bern(p), _bern(q)
    lhs = sum(P[x] * math.log(P[x] / Q[x]) for x in (0, 1))
    rhs = sum(P[x] * (math.log(P[x]) - math.log(Q[x])) for x in (0, 1))
    return lhs, rhs


def _r59(g):
    p, q = g.unit(), g.unit()
    lhs = p * math.log(p / q) + (1 - p) * math.log((1 - p) / (1 - q))
    rhs = -p * math.log(q) - (1 - p) * math.log(1 - q) + p * math.log(p) + (1 - p) * math.log(1 - p)
    return lhs, rhs


def _r60(g):
    p, q = g.unit(), g.unit()
    lhs = p * math.log(p / q) + (1 - p) * math.log((1 - p) / (1 - q))
    rhs = q * math.log(q / p) + (1 - q) * math.log((1 - q) / (1 - p))
    return lhs, rhs


# --- linear regression as maximum likelihood ----------------------------------------------

def _reg(g):
    m = g.size(1, 6)
    return m, g.reals(m), g.reals(m), g.pos(0.3, 3.0)  # m, yhat, y, sigma


def _mse(yh, y):
    return sum((a - b) ** 2 for a, b in zip(yh, y)) / len(y)


def _r71(g):
    m, yh, y, s = _reg(g)
    lhs = sum(math.log(1 / math.sqrt(2 * math.pi * s * s) * math.exp(-(a - b) ** 2 / (2 * s * s)))
              for a, b in zip(yh, y))
    rhs = -m * math.log(s) - m / 2 * math.log(2 * math.pi) - sum((a - b) ** 2 / (2 * s * s) for a, b in zip(yh, y))
    return lhs, rhs


def _r72(g):
    m, yh, y, s = _reg(g)
    lhs = -m * math.log(s) - m / 2 * math.log(2 * math.pi) - sum((a - b) ** 2 / (2 * s * s) for a, b in zip(yh, y))
    rhs = -m * math.log(s) - m / 2 * math.log(2 * math.pi) - m / (2 * s * s) * _mse(yh, y)
    return lhs, rhs


def _dsigma_true(m, mse, s):
    # d/dsigma [-m log sigma - m MSE / (2 sigma^2)] = -m/sigma + m MSE / sigma^3
    return -m / s + m * mse / s ** 3


def _r73(g):
    m, yh, y, s = _reg(g)
    mse = _mse(yh, y)
    return _dsigma_true(m, mse, s), -m / s + m / (2 * s ** 3) * mse


def _r75(g):
    m, yh, y, _ = _reg(g)
    mse = _mse(yh, y)
    return _dsigma_true(m, mse, math.sqrt(mse)), 0.0


# --- normal equations ---------------------------------------------------------------------------

def _design(g):
    n = g.size(1, 3)
    m = g.int(n + 1, n + 3)
    X = [g.reals(n) for _ in range(m)]
    return m, n, X, g.reals(n), g.reals(m)


def _solve(A, b):
    """Gauss-Jordan with partial pivoting: returns x with A x = b."""
    n = len(b)
    M = [row[:] + [b[i]] for i, row in enumerate(A)]
    for c in range(n):
        piv = max(range(c, n), key=lambda r: abs(M[r][c]))
        M[c], M[piv] = M[piv], M[c]
        for r in range(n):
            if r != c:
                f = M[r][c] / M[c][c]
                M[r] = [a - f * b for a, b in zip(M[r], M[c])]
    return [M[i][n] / M[i][i] for i in range(n)]


def _r82(g):
    m, n, X, w, y = _design(g)
    j = g.int(1, n) - 1
    Xw = [sum(X[a][b] * w[b] for b in range(n)) for a in range(m)]
    # d/dw_j of sum_a (Xw)_a^2 - 2 sum_a (Xw)_a y_a + y.y = 2 sum_a X_aj (Xw)_a - 2 sum_a X_aj y_a
    true = 2 * sum(X[a][j] * Xw[a] for a in range(m)) - 2 * sum(X[a][j] * y[a] for a in range(m))
    XtX = [[sum(X[a][r] * X[a][c] for a in range(m)) for c in range(n)] for r in range(n)]
    claim = 2 * sum(XtX[j][c] * w[c] for c in range(n)) - 2 * sum(X[a][j] * y[a] for a in range(m))
    return true, claim


def _r83(g):
    m, n, X, _, y = _design(g)
    XtX = [[sum(X[a][r] * X[a][c] for a in range(m)) for c in range(n)] for r in range(n)]
    Xty = [sum(X[a][r] * y[a] for a in range(m)) for r in range(n)]
    w = _solve(XtX, Xty)  # (X^T X)^{-1} X^T y
    res = [2 * sum(XtX[r][c] * w[c] for c in range(n)) - 2 * Xty[r] for r in range(n)]
    return max(abs(v) for v in res), 0.0


# --- Bernoulli output unit ---------------------------------------------------------------------

def _r92(g):
    z = g.real()
    return math.exp(z) / (math.exp(0) + math.exp(z)), sig(z)


def _r93(g):
    z, y = g.real(), g.choice([0, 1])
    return -math.log(sig((2 * y - 1) * z)), sp((1 - 2 * y) * z)


def _r94(g):
    z, y = g.real(), g.choice([0, 1])
    true = (1 - 2 * y) * sig((1 - 2 * y) * z)  # chain rule: zeta'((1-2y)z) (1-2y)
    return true, sig((1 - 2 * y) * z)


# --- softmax ------------------------------------------------------------------------------------

def _logits(g, lo=1):
    n = g.size(lo, 5)
    return n, g.reals(n)


def _r103(g):
    n, z = _logits(g)
    i = g.int(1, n) - 1
    sm = math.exp(z[i]) / sum(math.exp(v) for v in z)
    return math.log(sm), z[i] - math.log(sum(math.exp(v) for v in z))


def _r104(g):
    n, z = _logits(g)
    i = g.int(1, n) - 1
    S = sum(math.exp(v) for v in z)
    true = -1 + math.exp(z[i]) / S  # d/dz_i (-z_i) + d/dz_i log S
    return true, math.exp(z[i]) / S - 1


def _r105(g):
    n, z = _logits(g, lo=2)
    i = g.int(1, n) - 1
    k = g.choice([c for c in range(n) if c != i])
    S = sum(math.exp(v) for v in z)
    true = math.exp(z[k]) / S  # -z_i does not depend on z_k
    return true, 1 - math.exp(z[k]) / S


def _r106(g):
    n, z = _logits(g)
    i, c = g.int(1, n) - 1, g.real()
    return (math.exp(z[i] - c) / sum(math.exp(v - c) for v in z),
            math.exp(z[i]) / sum(math.exp(v) for v in z))


# --- back-propagation -----------------------------------------------------------------------------

def _graph(g):
    w, x, b, y = g.real(), g.real(), g.real(), g.real()
    u = w * x + b
    return w, x, b, y, u, sig(u)


def _r117(g):
    w, x, b, y, u, h = _graph(g)
    return h - y, h - y  # d/dh (1/2)(h - y)^2 = h - y


def _r118a(g):
    w, x, b, y, u, h = _graph(g)
    true = (h - y) * dsig_true(u) * x  # d/dw (1/2)(sigma(wx + b) - y)^2
    chain = (h - y) * (sig(u) * (1 - sig(u))) * x  # dL/dh * dh/du * du/dw
    return true, chain


def _r118b(g):
    w, x, b, y, u, h = _graph(g)
    return (h - y) * (sig(u) * (1 - sig(u))) * x, (h - y) * sig(u) * (1 - sig(u)) * x


def _r119(g):
    w, x, b, y, u, h = _graph(g)
    true = (h - y) * dsig_true(u) * w  # du/dx = w
    return true, (h - y) * sig(u) * (1 - sig(u))


# --- weight decay ---------------------------------------------------------------------------------

def _r130(g):
    n = g.size(1, 4)
    w, c, alpha = g.reals(n), g.reals(n), g.pos()
    j = g.int(1, n) - 1
    # a concrete J(w) = sum_j c_j w_j^4 / 4, so grad J = c_j w_j^3, and
    # J~ = alpha/2 sum_j w_j^2 + J  =>  dJ~/dw_j = alpha w_j + c_j w_j^3
    true = alpha * w[j] + c[j] * w[j] ** 3
    return true, alpha * w[j] + c[j] * w[j] ** 3


def _r131(g):
    wj, gj, alpha, eps = g.real(), g.real(), g.pos(), g.pos(0.01, 1.0)
    return wj - eps * (alpha * wj + gj), (1 - eps * alpha) * wj - eps * gj


def _r132(g):
    lam, alpha, ws = g.pos(), g.pos(), g.real()
    wt = lam / (lam + alpha) * ws
    return alpha * wt + lam * (wt - ws), 0.0


def _r133(g):
    lam, alpha, ws = g.pos(), g.pos(), g.real()
    wt = alpha / (lam + alpha) * ws
    return alpha * wt + lam * (wt - ws), 0.0


RELATIONS = [
    (28, "T", _r28),
    (35, "T", _r35),
    (36, "T", _r36),
    (37, "T", _r37),
    (38, "F", _r38),
    (39, "T", _r39),
    (40, "T", _r40a),
    (40, "F", _r40b),
    (41, "T", _r41a),
    (41, "T", _r41b),
    (49, "T", _r49a),
    (49, "F", _r49b),
    (50, "T", _r50a),
    (50, "T", _r50b),
    (58, "T", _r58),
    (59, "T", _r59),
    (60, "F", _r60),
    (71, "T", _r71),
    (72, "T", _r72),
    (73, "F", _r73),
    (75, "T", _r75),
    (82, "T", _r82),
    (83, "T", _r83),
    (92, "T", _r92),
    (93, "T", _r93),
    (94, "F", _r94),
    (103, "T", _r103),
    (104, "T", _r104),
    (105, "F", _r105),
    (106, "T", _r106),
    (117, "T", _r117),
    (118, "T", _r118a),
    (118, "T", _r118b),
    (119, "F", _r119),
    (130, "T", _r130),
    (131, "T", _r131),
    (132, "T", _r132),
    (133, "F", _r133),
    (142, "T", lambda g: ((227 - 11) / 4 + 1, 55)),
    (143, "F", lambda g: ((224 - 11) / 4 + 1, 55)),
    (144, "T", lambda g: (55 * 55 * 96, 290400)),
    (145, "T", lambda g: (11 * 11 * 3 * 96 + 96, 34944)),
    (146, "F", lambda g: (5 * 5 * 96 * 256, 614656)),
    (154, "T", lambda g: (199 * 150 * 3, 89550)),
    (155, "F", lambda g: (200 * 150 * 199 * 150 / (199 * 150 * 3), 1000)),
]
