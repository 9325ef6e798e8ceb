"""Truth for cs229.tex: each relation evaluated in floats, independently of the tool."""
import math


def _dot(a, b):
    return sum(x * y for x, y in zip(a, b))


def _matvec(A, v):
    return [_dot(row, v) for row in A]


def _transpose(A):
    return [list(col) for col in zip(*A)]


def _matmul(A, B):
    Bt = _transpose(B)
    return [[_dot(r, c) for c in Bt] for r in A]


def _solve(A, b):
    """Gaussian elimination with partial pivoting."""
    n = len(A)
    M = [list(A[i]) + [b[i]] for i in range(n)]
    for c in range(n):
        p = max(range(c, n), key=lambda r: abs(M[r][c]))
        M[c], M[p] = M[p], M[c]
        for r in range(c + 1, n):
            f = M[r][c] / M[c][c]
            for k in range(c, n + 1):
                M[r][k] -= f * M[c][k]
    x = [0.0] * n
    for r in range(n - 1, -1, -1):
        x[r] = (M[r][n] - sum(M[r][k] * x[k] for k in range(r + 1, n))) / M[r][r]
    return x


# ---------------------------------------------------------------- Part I: LMS
def _one(g):
    n = g.int(0, 3)
    theta = g.reals(n + 1)
    x = [1.0] + g.reals(n)
    y = g.real()
    j = g.int(0, n)
    return n, theta, x, y, j


def r_lms1(g):
    n, theta, x, y, j = _one(g)
    h = _dot(theta, x)
    true = (h - y) * x[j]  # d/dtheta_j of (1/2)(theta.x - y)^2
    d_inner = x[j]  # d/dtheta_j (h - y)
    return true, 2 * 0.5 * (h - y) * d_inner


def r_lms2(g):
    n, theta, x, y, j = _one(g)
    h = _dot(theta, x)
    prev = 2 * 0.5 * (h - y) * x[j]
    d_sum = x[j]  # d/dtheta_j (sum_i theta_i x_i - y)
    return prev, (h - y) * d_sum


def r_lms3(g):
    n, theta, x, y, j = _one(g)
    h = _dot(theta, x)
    return (h - y) * x[j], (h - y) * x[j]


def _batch(g):
    n = g.int(0, 3)
    m = g.size(1, 5)
    theta = g.reals(n + 1)
    X = [[1.0] + g.reals(n) for _ in range(m)]
    y = g.reals(m)
    j = g.int(0, n)
    return n, m, theta, X, y, j


def r_batch(g):
    n, m, theta, X, y, j = _batch(g)
    true = sum((_dot(theta, X[i]) - y[i]) * X[i][j] for i in range(m))
    claim = sum((y[i] - _dot(theta, X[i])) * X[i][j] for i in range(m))
    return true, claim


# ---------------------------------------------------------------- normal equations
def _sq(g):
    n = g.size(1, 3)
    A = [g.reals(n) for _ in range(n)]
    B = [g.reals(n) for _ in range(n)]
    U = [g.reals(n) for _ in range(n)]
    return n, A, B, U


def r_trace(g):
    n, A, B, U = _sq(g)
    AB, BA = _matmul(A, B), _matmul(B, A)
    return sum(AB[i][i] for i in range(n)), sum(BA[i][i] for i in range(n))


def r_grad_trace(g):
    n, A, B, U = _sq(g)
    # tr AB = sum_{i,k} A_ik B_ki, so d/dA_ik = B_ki: the gradient is B^T
    grad = [[B[k][i] for k in range(n)] for i in range(n)]
    lhs = sum(U[i][k] * grad[i][k] for i in range(n) for k in range(n))
    rhs = sum(U[i][k] * B[i][k] for i in range(n) for k in range(n))
    return lhs, rhs


def _design(g):
    p = g.size(1, 3)
    m = g.int(p + 1, p + 4)
    X = [g.reals(p) for _ in range(m)]
    theta = g.reals(p)
    y = g.reals(m)
    u = g.reals(p)
    return p, m, X, theta, y, u


def r_normal_J(g):
    p, m, X, theta, y, u = _design(g)
    r = [a - b for a, b in zip(_matvec(X, theta), y)]
    return 0.5 * _dot(r, r), 0.5 * sum((_dot(theta, X[i]) - y[i]) ** 2 for i in range(m))


def r_normal_grad(g):
    p, m, X, theta, y, u = _design(g)
    true = [sum((_dot(theta, X[i]) - y[i]) * X[i][c] for i in range(m)) for c in range(p)]
    Xt = _transpose(X)
    claim = [a - b for a, b in zip(_matvec(_matmul(Xt, X), theta), _matvec(Xt, y))]
    return _dot(u, true), _dot(u, claim)


def r_normal_solve(g):
    p, m, X, theta, y, u = _design(g)
    Xt = _transpose(X)
    XtX, Xty = _matmul(Xt, X), _matvec(Xt, y)
    R = _solve(XtX, Xty)
    res = [a - b for a, b in zip(_matvec(XtX, R), Xty)]
    return _dot(u, res), 0.0


# ---------------------------------------------------------------- probabilistic interpretation
def _prob(g):
    d = g.size(1, 3)
    m = g.size(1, 5)
    theta = g.reals(d)
    X = [g.reals(d) for _ in range(m)]
    y = g.reals(m)
    s = g.pos(0.5, 2.5)
    return d, m, theta, X, y, s


def _term(yi, xi, theta, s):
    return 1 / (math.sqrt(2 * math.pi) * s) * math.exp(-(yi - _dot(theta, xi)) ** 2 / (2 * s * s))


def r_ell1(g):
    d, m, theta, X, y, s = _prob(g)
    prev = math.log(math.prod(_term(y[i], X[i], theta, s) for i in range(m)))
    return prev, sum(math.log(_term(y[i], X[i], theta, s)) for i in range(m))


def _ell2(m, theta, X, y, s):
    return m * math.log(1 / (math.sqrt(2 * math.pi) * s)) - 1 / s ** 2 * 0.5 * sum((y[i] - _dot(theta, X[i])) ** 2 for i in range(m))


def r_ell2(g):
    d, m, theta, X, y, s = _prob(g)
    return sum(math.log(_term(y[i], X[i], theta, s)) for i in range(m)), _ell2(m, theta, X, y, s)


def r_ell3(g):
    d, m, theta, X, y, s = _prob(g)
    this = -m * math.log(math.sqrt(2 * math.pi) * s) - 1 / s ** 2 * sum((y[i] - _dot(theta, X[i])) ** 2 for i in range(m))
    return _ell2(m, theta, X, y, s), this


# ---------------------------------------------------------------- Part II: sigmoid
def _g(z):
    return 1 / (1 + math.exp(-z))


def _dg(z):
    # d/dz (1 + e^{-z})^{-1} = e^{-z} (1 + e^{-z})^{-2}
    return math.exp(-z) / (1 + math.exp(-z)) ** 2


def r_g1(g):
    z = g.real(-4, 4)
    return _dg(z), _dg(z)  # g'(z) and d/dz of the same function, both by the hand rule above


def r_g2(g):
    z = g.real(-4, 4)
    return _dg(z), 1 / (1 + math.exp(-z)) ** 2 * math.exp(-z)


def r_g3(g):
    z = g.real(-4, 4)
    return 1 / (1 + math.exp(-z)) ** 2 * math.exp(-z), 1 / (1 + math.exp(-z)) * (1 - 1 / (1 + math.exp(-z)))


def r_g4(g):
    z = g.real(-4, 4)
    return 1 / (1 + math.exp(-z)) * (1 - 1 / (1 + math.exp(-z))), _g(z) * (1 - _g(z))


def r_g0(g):
    return _g(0) * (1 - _g(0)), 0.5


def _lr(g):
    n = g.size(1, 3)
    theta = g.reals(n, -2, 2)
    x = g.reals(n, -2, 2)
    y = g.int(0, 1)
    j = g.int(0, n - 1)
    k = g.int(0, n - 1)
    s = _g(_dot(theta, x))
    return n, theta, x, y, j, k, s


def r_lr1(g):
    n, theta, x, y, j, k, s = _lr(g)
    true = (y - s) * x[j]  # d/dtheta_j [y log s + (1-y) log(1-s)], s = g(theta.x), ds = s(1-s) x_j
    dg = s * (1 - s) * x[j]
    return true, (y * 1 / s - (1 - y) * 1 / (1 - s)) * dg


def r_lr2(g):
    n, theta, x, y, j, k, s = _lr(g)
    prev = (y * 1 / s - (1 - y) * 1 / (1 - s)) * (s * (1 - s) * x[j])
    return prev, (y * 1 / s - (1 - y) * 1 / (1 - s)) * s * (1 - s) * x[j]


def r_lr3(g):
    n, theta, x, y, j, k, s = _lr(g)
    return (y * 1 / s - (1 - y) * 1 / (1 - s)) * s * (1 - s) * x[j], (y * (1 - s) - (1 - y) * s) * x[j]


def r_lr4(g):
    n, theta, x, y, j, k, s = _lr(g)
    return (y * (1 - s) - (1 - y) * s) * x[j], (y - s) * x[j]


def r_hessian(g):
    n, theta, x, y, j, k, s = _lr(g)
    true = -s * (1 - s) * x[k] * x[j]  # d/dtheta_k of (y - s) x_j
    return true, s * (1 - s) * x[j] * x[k]


# ---------------------------------------------------------------- Part III: GLMs
def r_bern1(g):
    phi, y = g.unit(), g.int(0, 1)
    return phi ** y * (1 - phi) ** (1 - y), math.exp(y * math.log(phi) + (1 - y) * math.log(1 - phi))


def r_bern2(g):
    phi, y = g.unit(), g.int(0, 1)
    return (math.exp(y * math.log(phi) + (1 - y) * math.log(1 - phi)),
            math.exp(math.log(phi / (1 - phi)) * y + math.log(1 - phi)))


def r_eta(g):
    eta = g.real(-4, 4)
    R = 1 / (1 + math.exp(-eta))
    return math.log(R / (1 - R)), eta


def r_a(g):
    eta = g.real(-4, 4)
    return -math.log(1 - 1 / (1 + math.exp(-eta))), math.log(1 + math.exp(eta))


def r_gauss_ef(g):
    y, mu = g.real(), g.real()
    c = 1 / math.sqrt(2 * math.pi)
    return c * math.exp(-0.5 * (y - mu) ** 2), c * math.exp(-0.5 * y * y) * math.exp(mu * y - mu ** 2)


def _soft(g):
    k = g.size(2, 5)
    eta = g.reals(k)
    i, l = g.int(0, k - 1), g.int(0, k - 1)
    Z = sum(math.exp(e) for e in eta)
    phi = [math.exp(e) / Z for e in eta]
    return k, eta, i, l, phi


def r_soft_sum(g):
    k, eta, i, l, phi = _soft(g)
    return sum(phi), 1.0


def r_soft_dlog(g):
    k, eta, i, l, phi = _soft(g)
    # log phi_i = eta_i - log sum_j e^{eta_j}; d/deta_l = [i = l] - e^{eta_l} / sum_j e^{eta_j}
    Z = sum(math.exp(e) for e in eta)
    true = (1.0 if i == l else 0.0) - math.exp(eta[l]) / Z
    return true, (1.0 if i == l else 0.0) - phi[l]


def r_soft_d(g):
    k, eta, i, l, phi = _soft(g)
    true = phi[i] * ((1.0 if i == l else 0.0) - phi[l])
    return true, phi[i] * ((1.0 if i == l else 0.0) - phi[i])


# ---------------------------------------------------------------- Part IV: GDA
def _labels(g, m):
    y = [1, 0] + [g.int(0, 1) for _ in range(m - 2)]
    return y


def _dphi(y, phi):
    # d/dphi [y log phi + (1-y) log(1-phi)] = y/phi - (1-y)/(1-phi)
    return sum(yi / phi - (1 - yi) / (1 - phi) for yi in y)


def r_gda_phi_d(g):
    m = g.size(2, 8)
    y = _labels(g, m)
    phi = g.unit()
    return _dphi(y, phi), sum(yi / phi - (1 - yi) / (1 - phi) for yi in y)


def r_gda_phi(g):
    m = g.size(2, 8)
    y = _labels(g, m)
    R = 1 / m * sum(1 for yi in y if yi == 1)
    return _dphi(y, R), 0.0


def _post(g):
    phi = g.unit()
    s = g.pos(0.4, 2.5)
    x, mu0, mu1 = g.real(), g.real(), g.real()
    return phi, s, x, mu0, mu1


def _npdf(x, mu, s):
    return math.exp(-(x - mu) ** 2 / (2 * s * s)) / math.sqrt(2 * math.pi * s * s)


def _post1(phi, s, x, mu0, mu1):
    a = phi * math.exp(-(x - mu1) ** 2 / (2 * s * s))
    b = (1 - phi) * math.exp(-(x - mu0) ** 2 / (2 * s * s))
    return a / (a + b)


def _post2(phi, s, x, mu0, mu1):
    return 1 / (1 + (1 - phi) / phi * math.exp(((x - mu1) ** 2 - (x - mu0) ** 2) / (2 * s * s)))


def _post3(phi, s, x, mu0, mu1, c=2):
    e = -(mu1 - mu0) / s ** 2 * x - (mu0 ** 2 - mu1 ** 2) / (c * s ** 2) - math.log(phi / (1 - phi))
    return 1 / (1 + math.exp(e))


def r_post1(g):
    phi, s, x, mu0, mu1 = _post(g)
    bayes = phi * _npdf(x, mu1, s) / (phi * _npdf(x, mu1, s) + (1 - phi) * _npdf(x, mu0, s))
    return bayes, _post1(phi, s, x, mu0, mu1)


def r_post2(g):
    phi, s, x, mu0, mu1 = _post(g)
    return _post1(phi, s, x, mu0, mu1), _post2(phi, s, x, mu0, mu1)


def r_post3(g):
    phi, s, x, mu0, mu1 = _post(g)
    return _post2(phi, s, x, mu0, mu1), _post3(phi, s, x, mu0, mu1)


def r_post4(g):
    phi, s, x, mu0, mu1 = _post(g)
    return _post3(phi, s, x, mu0, mu1), _post3(phi, s, x, mu0, mu1, c=1)


def _inv2(S):
    (p, q), (r, s) = S
    d = p * s - q * r
    return [[s / d, -q / d], [-r / d, p / d]]


def _gda_mu(g):
    m = g.size(2, 6)
    y = _labels(g, m)
    X = [g.reals(2) for _ in range(m)]
    mu0 = g.reals(2)
    a, c, b = g.pos(0.5, 2.0), g.pos(0.5, 2.0), g.real(-0.4, 0.4)
    Si = _inv2([[a, b], [b, c]])
    u = g.reals(2)
    return m, y, X, mu0, Si, u


def _cond_mu0(y, X, mu0, Si):
    tot = [0.0, 0.0]
    for yi, xi in zip(y, X):
        if yi == 0:
            v = _matvec(Si, [xi[0] - mu0[0], xi[1] - mu0[1]])
            tot = [tot[0] + v[0], tot[1] + v[1]]
    return tot


def r_gda_mu_grad(g):
    m, y, X, mu0, Si, u = _gda_mu(g)
    # grad_mu of -(1/2)(x-mu)^T S^{-1} (x-mu) = (1/2)(S^{-1} + S^{-T})(x - mu)
    SiT = _transpose(Si)
    sym = [[(Si[r][c] + SiT[r][c]) / 2 for c in range(2)] for r in range(2)]
    true = [0.0, 0.0]
    for yi, xi in zip(y, X):
        if yi == 0:
            v = _matvec(sym, [xi[0] - mu0[0], xi[1] - mu0[1]])
            true = [true[0] + v[0], true[1] + v[1]]
    return _dot(u, true), _dot(u, _cond_mu0(y, X, mu0, Si))


def r_gda_mu0(g):
    m, y, X, mu0, Si, u = _gda_mu(g)
    R = [sum(xi[d] for yi, xi in zip(y, X) if yi == 0) / m for d in range(2)]
    return _dot(u, _cond_mu0(y, X, R, Si)), 0.0


# ---------------------------------------------------------------- naive Bayes
def r_chain_rule(g):
    n = g.size(2, 4)
    outcomes = [tuple((v >> b) & 1 for b in range(n)) for v in range(2 ** n)]
    w = g.poss(len(outcomes))
    P = {o: wi / sum(w) for o, wi in zip(outcomes, w)}  # p(x_1..x_n | y) for one fixed y
    x = tuple(g.int(0, 1) for _ in range(n))

    def marg(prefix):
        return sum(p for o, p in P.items() if o[:len(prefix)] == prefix)

    prod = 1.0
    for k in range(n):
        prod *= marg(x[:k + 1]) / marg(x[:k])  # p(x_{k+1} | y, x_1..x_k)
    return P[x], prod


def r_laplace_binary(g):
    m = g.size(1, 8)
    xj = [g.int(0, 1) for _ in range(m)]
    y = [g.int(0, 1) for _ in range(m)]
    ny1 = sum(1 for v in y if v == 1)
    phi = (sum(1 for a, b in zip(xj, y) if a == 1 and b == 1) + 1) / (ny1 + 2)
    other = (sum(1 for a, b in zip(xj, y) if a == 0 and b == 1) + 1) / (ny1 + 2)
    return phi + other, 1.0


def r_params(g):
    return 2 ** 10 - 1, 1024


def _multi(g):
    k = g.size(1, 5)
    m = g.size(1, 8)
    z = [g.int(1, k) for _ in range(m)]
    return k, m, z


def r_laplace_sum(g):
    k, m, z = _multi(g)
    phis = [(sum(1 for zi in z if zi == j) + 1) / (m + k) for j in range(1, k + 1)]
    return sum(phis), (m + k) / (m + k)


def r_laplace_one(g):
    k, m, z = _multi(g)
    return (m + k) / (m + k), 1.0


def r_laplace_bad(g):
    k, m, z = _multi(g)
    return sum((sum(1 for zi in z if zi == j) + 1) / (m + 2) for j in range(1, k + 1)), 1.0


RELATIONS = [
    (13, "T", r_lms1),
    (14, "T", r_lms2),
    (15, "T", r_lms3),
    (16, "F", r_batch),
    (24, "T", r_trace),
    (25, "F", r_grad_trace),
    (26, "T", r_normal_J),
    (27, "T", r_normal_grad),
    (28, "T", r_normal_solve),
    (36, "T", r_ell1),
    (37, "T", r_ell2),
    (38, "F", r_ell3),
    (44, "T", r_g1),
    (45, "T", r_g2),
    (46, "T", r_g3),
    (47, "T", r_g4),
    (48, "F", r_g0),
    (53, "T", r_lr1),
    (54, "T", r_lr2),
    (55, "T", r_lr3),
    (56, "T", r_lr4),
    (57, "F", r_hessian),
    (65, "T", r_bern1),
    (66, "T", r_bern2),
    (67, "T", r_eta),
    (68, "T", r_a),
    (69, "F", r_gauss_ef),
    (75, "T", r_soft_sum),
    (76, "T", r_soft_dlog),
    (77, "F", r_soft_d),
    (85, "T", r_gda_phi_d),
    (86, "T", r_gda_phi),
    (90, "T", r_post1),
    (91, "T", r_post2),
    (92, "T", r_post3),
    (93, "F", r_post4),
    (98, "T", r_gda_mu_grad),
    (99, "F", r_gda_mu0),
    (106, "T", r_chain_rule),
    (109, "T", r_laplace_binary),
    (110, "F", r_params),
    (116, "T", r_laplace_sum),
    (116, "T", r_laplace_one),
    (117, "F", r_laplace_bad),
]
