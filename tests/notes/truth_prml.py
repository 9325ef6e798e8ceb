"""Truth for prml.tex: each relation evaluated in floats, independently of the tool."""
import math


# ---------------------------------------------------------------- 1.1 curve fitting
def _poly_data(g):
    M = g.int(0, 4)
    N = g.size(1, 6)
    i = g.int(0, M)
    w = g.reals(M + 1)
    x = g.reals(N, -1.5, 1.5)
    t = g.reals(N)
    lam = g.pos(0.1, 3.0)
    return M, N, i, w, x, t, lam


def _y(x, w):
    return sum(wj * x ** j for j, wj in enumerate(w))


def _A(x, i, j):
    return sum(xn ** (i + j) for xn in x)


def _T(x, t, i):
    return sum(xn ** i * tn for xn, tn in zip(x, t))


def _dE(x, t, w, i):
    # E = 1/2 sum_n (sum_j w_j x_n^j - t_n)^2, so dE/dw_i = sum_n (y_n - t_n) * x_n^i (chain rule)
    return sum((_y(xn, w) - tn) * xn ** i for xn, tn in zip(x, t))


def r_dE(g):
    M, N, i, w, x, t, lam = _poly_data(g)
    return _dE(x, t, w, i), sum((_y(xn, w) - tn) * xn ** i for xn, tn in zip(x, t))


def r_dE_expanded(g):
    M, N, i, w, x, t, lam = _poly_data(g)
    prev = sum((_y(xn, w) - tn) * xn ** i for xn, tn in zip(x, t))
    this = sum(w[j] * sum(xn ** (i + j) for xn in x) for j in range(M + 1)) - sum(tn * xn ** i for xn, tn in zip(x, t))
    return prev, this


def r_dE_AT(g):
    M, N, i, w, x, t, lam = _poly_data(g)
    prev = sum(w[j] * sum(xn ** (i + j) for xn in x) for j in range(M + 1)) - sum(tn * xn ** i for xn, tn in zip(x, t))
    this = sum(_A(x, i, j) * w[j] for j in range(M + 1)) - _T(x, t, i)
    return prev, this


def r_norm(g):
    M, N, i, w, x, t, lam = _poly_data(g)
    wtw = sum(wj * wj for wj in w)
    return wtw, sum(w[j] ** 2 for j in range(M + 1))


def r_dE_reg(g):
    M, N, i, w, x, t, lam = _poly_data(g)
    # d/dw_i of (lambda/2) sum_j w_j^2 is lambda w_i
    true = _dE(x, t, w, i) + lam * w[i]
    claim = sum(_A(x, i, j) * w[j] for j in range(M + 1)) - _T(x, t, i) + 2 * lam * w[i]
    return true, claim


# ---------------------------------------------------------------- 1.2.4 Gaussian
def _gauss(x, mu, s2):
    return math.exp(-(x - mu) ** 2 / (2 * s2)) / math.sqrt(2 * math.pi * s2)


def _gdata(g, nmin=1):
    N = g.size(nmin, 6)
    mu = g.real()
    s = g.pos(0.3, 2.5)
    x = g.reals(N)
    return N, mu, s, x


def r_gauss_density(g):
    x, mu, s = g.real(), g.real(), g.pos(0.3, 2.5)
    s2 = s * s
    return _gauss(x, mu, s2), 1 / (2 * math.pi * s2) ** 0.5 * math.exp(-1 / (2 * s2) * (x - mu) ** 2)


def _lnp(x, mu, s2):
    return sum(math.log(_gauss(xn, mu, s2)) for xn in x)


def _rhs1(N, mu, s, x):
    return -1 / (2 * s * s) * sum((xn - mu) ** 2 for xn in x) - N / 2 * math.log(s * s) - N / 2 * math.log(2 * math.pi)


def _rhs2(N, mu, s, x):
    return -1 / (2 * s * s) * sum((xn - mu) ** 2 for xn in x) - N * math.log(s) - N / 2 * math.log(2 * math.pi)


def r_lnp(g):
    N, mu, s, x = _gdata(g)
    return _lnp(x, mu, s * s), _rhs1(N, mu, s, x)


def r_lnp2(g):
    N, mu, s, x = _gdata(g)
    return _rhs1(N, mu, s, x), _rhs2(N, mu, s, x)


def r_lnp3(g):
    N, mu, s, x = _gdata(g)
    this = (-1 / (2 * s * s) * (sum(xn ** 2 for xn in x) - 2 * mu * sum(x) + mu ** 2)
            - N * math.log(s) - N / 2 * math.log(2 * math.pi))
    return _rhs2(N, mu, s, x), this


def _dmu(x, mu, s2):
    # d/dmu of -1/(2 s2) sum (x_n - mu)^2 is sum (x_n - mu) / s2
    return sum((xn - mu) / s2 for xn in x)


def _ds2(x, mu, s2):
    # d/d(s2) of -1/(2 s2) S - N/2 ln s2 is S/(2 s2^2) - N/(2 s2)
    S = sum((xn - mu) ** 2 for xn in x)
    return S / (2 * s2 ** 2) - len(x) / (2 * s2)


def r_dmu(g):
    N, mu, s, x = _gdata(g)
    return _dmu(x, mu, s * s), 1 / (s * s) * sum(xn - mu for xn in x)


def r_mu_ml(g):
    N, mu, s, x = _gdata(g)
    R = sum(x) / N
    return _dmu(x, R, s * s), 0.0


def r_ds2(g):
    N, mu, s, x = _gdata(g, 2)
    s2 = s * s
    return _ds2(x, mu, s2), 1 / (2 * s2 ** 2) * sum((xn - mu) ** 2 for xn in x) - N / (2 * s2)


def r_s2_ml(g):
    N, mu, s, x = _gdata(g, 2)
    R = sum((xn - mu) ** 2 for xn in x) / (N - 1)
    return _ds2(x, mu, R), 0.0


def r_E_mu_ml(g):
    N, mu, s, x = _gdata(g, 2)
    # E[mu_ML] = (1/N) sum_n E[x_n] by linearity; each E[x_n] = mu
    return mu, 1 / N * sum(mu for _ in range(N))


def r_E_mu_ml2(g):
    N, mu, s, x = _gdata(g, 2)
    return 1 / N * sum(mu for _ in range(N)), mu


def r_E_s2_ml(g):
    N, mu, s, x = _gdata(g, 2)
    s2 = s * s
    # x_n - xbar = (1 - 1/N) x_n - (1/N) sum_{m != n} x_m: mean 0, variance s2 (1-1/N)^2 + s2 (N-1)/N^2
    e_each = s2 * (1 - 1 / N) ** 2 + s2 * (N - 1) / N ** 2
    lhs = 1 / N * sum(e_each for _ in range(N))
    return lhs, (N - 1) / N * s2


def r_unbiased(g):
    N, mu, s, x = _gdata(g, 2)
    m = sum(x) / N
    s2ml = sum((xn - m) ** 2 for xn in x) / N
    return N / (N - 1) * s2ml, 1 / N * sum((xn - m) ** 2 for xn in x)


# ---------------------------------------------------------------- 2.1 binary variables
def _bern(x, mu):
    return mu if x == 1 else 1 - mu


def r_bern_mean(g):
    mu = g.unit()
    mean = sum(x * _bern(x, mu) for x in (0, 1))  # definition of E over {0, 1}
    return mean, sum(x * mu ** x * (1 - mu) ** (1 - x) for x in range(0, 2))


def r_bern_mean2(g):
    mu = g.unit()
    return sum(x * mu ** x * (1 - mu) ** (1 - x) for x in range(0, 2)), mu


def r_bern_var(g):
    mu = g.unit()
    mean = mu
    var = sum((x - mean) ** 2 * _bern(x, mu) for x in (0, 1))
    return var, sum((x - mu) ** 2 * mu ** x * (1 - mu) ** (1 - x) for x in range(0, 2))


def r_bern_var2(g):
    mu = g.unit()
    return sum((x - mu) ** 2 * mu ** x * (1 - mu) ** (1 - x) for x in range(0, 2)), mu * (1 + mu)


def _bdata(g):
    N = g.size(2, 8)
    x = [1, 0] + [g.int(0, 1) for _ in range(N - 2)]
    mu = g.unit()
    return N, x, mu


def r_bern_lnp(g):
    N, x, mu = _bdata(g)
    lhs = math.log(math.prod(mu ** xn * (1 - mu) ** (1 - xn) for xn in x))
    return lhs, sum(xn * math.log(mu) + (1 - xn) * math.log(1 - mu) for xn in x)


def _dbern(x, mu):
    # d/dmu [x ln mu + (1-x) ln(1-mu)] = x/mu - (1-x)/(1-mu)
    return sum(xn / mu - (1 - xn) / (1 - mu) for xn in x)


def r_bern_d(g):
    N, x, mu = _bdata(g)
    return _dbern(x, mu), 1 / mu * sum(x) - 1 / (1 - mu) * sum(1 - xn for xn in x)


def r_bern_ml(g):
    N, x, mu = _bdata(g)
    m = sum(x)
    return _dbern(x, m / N), 0.0


def _beta_fn(a, b):
    return math.exp(math.lgamma(a) + math.lgamma(b) - math.lgamma(a + b))


def _abml(g):
    return g.pos(1.05, 5.0), g.pos(1.05, 5.0), g.int(0, 6), g.int(0, 6)


def r_beta_mean(g):
    a, b, m, l = _abml(g)
    mean = _beta_fn(a + 1, b) / _beta_fn(a, b)  # int mu * mu^(a-1) (1-mu)^(b-1) / B(a, b)
    written = math.gamma(a + b) / (math.gamma(a) * math.gamma(b)) * (math.gamma(a + 1) * math.gamma(b) / math.gamma(a + b + 1))
    return mean, written


def r_beta_mean2(g):
    a, b, m, l = _abml(g)
    written = math.gamma(a + b) / (math.gamma(a) * math.gamma(b)) * (math.gamma(a + 1) * math.gamma(b) / math.gamma(a + b + 1))
    return written, a / (a + b)


def r_beta_var(g):
    a, b, m, l = _abml(g)
    e1 = _beta_fn(a + 1, b) / _beta_fn(a, b)
    e2 = _beta_fn(a + 2, b) / _beta_fn(a, b)
    return e2 - e1 ** 2, a * b / ((a + b) * (a + b + 1))


def _dlogpost(mu, a, b, m, l):
    # d/dmu [(m+a-1) ln mu + (l+b-1) ln(1-mu)]
    return (m + a - 1) / mu - (l + b - 1) / (1 - mu)


def r_map_d(g):
    a, b, m, l = _abml(g)
    mu = g.unit()
    return _dlogpost(mu, a, b, m, l), (m + a - 1) / mu - (l + b - 1) / (1 - mu)


def r_map(g):
    a, b, m, l = _abml(g)
    R = (m + a - 1) / (m + a + l + b - 1)
    return _dlogpost(R, a, b, m, l), 0.0


# ---------------------------------------------------------------- 9.2 mixtures of Gaussians (D = 2)
def _inv2(S):
    (p, q), (r, s) = S
    d = p * s - q * r
    return [[s / d, -q / d], [-r / d, p / d]]


def _mv(A, v):
    return [A[0][0] * v[0] + A[0][1] * v[1], A[1][0] * v[0] + A[1][1] * v[1]]


def _mvn(x, mu, S):
    d = [x[0] - mu[0], x[1] - mu[1]]
    Si = _inv2(S)
    q = d[0] * _mv(Si, d)[0] + d[1] * _mv(Si, d)[1]
    det = S[0][0] * S[1][1] - S[0][1] * S[1][0]
    return math.exp(-q / 2) / (2 * math.pi * math.sqrt(det))


def _gmm(g):
    K = g.size(1, 3)
    N = g.size(2, 5)
    k = g.int(0, K - 1)
    pi = g.probs(K)
    mus = [g.reals(2, -1.5, 1.5) for _ in range(K)]
    Ss = []
    for _ in range(K):
        p, s, q = g.pos(0.5, 2.0), g.pos(0.5, 2.0), g.real(-0.4, 0.4)
        Ss.append([[p, q], [q, s]])
    X = [g.reals(2, -2.0, 2.0) for _ in range(N)]
    dens = [[_mvn(X[n], mus[j], Ss[j]) for j in range(K)] for n in range(N)]
    gam = [[pi[j] * dens[n][j] / sum(pi[i] * dens[n][i] for i in range(K)) for j in range(K)] for n in range(N)]
    Nk = [sum(gam[n][j] for n in range(N)) for j in range(K)]
    u = g.reals(2)
    lam = g.real()
    return K, N, k, pi, mus, Ss, X, dens, gam, Nk, u, lam


def r_gamma_sum(g):
    K, N, k, pi, mus, Ss, X, dens, gam, Nk, u, lam = _gmm(g)
    n = g.int(0, N - 1)
    return sum(gam[n][j] for j in range(K)), 1.0


def r_Nk_sum(g):
    K, N, k, pi, mus, Ss, X, dens, gam, Nk, u, lam = _gmm(g)
    return sum(Nk), N


def _grad_mu(K, N, k, pi, mus, Ss, X, dens, m):
    # d/dmu_k ln sum_j pi_j N(x|mu_j,S_j) = pi_k N(x|mu_k,S_k) S_k^{-1} (x - mu_k) / sum_j pi_j N(x|mu_j,S_j)
    Si = _inv2(Ss[k])
    g0 = [0.0, 0.0]
    for n in range(N):
        dk = _mvn(X[n], m, Ss[k])
        tot = sum(pi[j] * (dk if j == k else dens[n][j]) for j in range(K))
        v = _mv(Si, [X[n][0] - m[0], X[n][1] - m[1]])
        g0 = [g0[0] + pi[k] * dk / tot * v[0], g0[1] + pi[k] * dk / tot * v[1]]
    return g0


def r_grad_mu(g):
    K, N, k, pi, mus, Ss, X, dens, gam, Nk, u, lam = _gmm(g)
    lhs = _grad_mu(K, N, k, pi, mus, Ss, X, dens, mus[k])
    Si = _inv2(Ss[k])
    rhs = [0.0, 0.0]
    for n in range(N):
        v = _mv(Si, [X[n][0] - mus[k][0], X[n][1] - mus[k][1]])
        rhs = [rhs[0] + gam[n][k] * v[0], rhs[1] + gam[n][k] * v[1]]
    return u[0] * lhs[0] + u[1] * lhs[1], u[0] * rhs[0] + u[1] * rhs[1]


def r_mu_k(g):
    K, N, k, pi, mus, Ss, X, dens, gam, Nk, u, lam = _gmm(g)
    # the condition: sum_n gamma(z_nk) S_k^{-1} (x_n - mu_k) = 0 (responsibilities held fixed, as in EM)
    R = [sum(gam[n][k] * X[n][d] for n in range(N)) / N for d in range(2)]
    Si = _inv2(Ss[k])
    val = [0.0, 0.0]
    for n in range(N):
        v = _mv(Si, [X[n][0] - R[0], X[n][1] - R[1]])
        val = [val[0] + gam[n][k] * v[0], val[1] + gam[n][k] * v[1]]
    return u[0] * val[0] + u[1] * val[1], 0.0


def r_dpi(g):
    K, N, k, pi, mus, Ss, X, dens, gam, Nk, u, lam = _gmm(g)
    # d/dpi_k of sum_n ln sum_j pi_j N_nj + lam (sum_j pi_j - 1) = sum_n N_nk / sum_j pi_j N_nj + lam
    lhs = sum(dens[n][k] / sum(pi[j] * dens[n][j] for j in range(K)) for n in range(N)) + lam
    rhs = sum(dens[n][k] / sum(pi[j] * dens[n][j] for j in range(K)) for n in range(N)) + lam
    return lhs, rhs


def r_lagrange_sum(g):
    K, N, k, pi, mus, Ss, X, dens, gam, Nk, u, lam = _gmm(g)
    return sum(Nk[j] + lam * pi[j] for j in range(K)), N + lam * sum(pi)


def r_lambda(g):
    N = g.size(1, 8)
    lam = N
    return N + lam, 0.0


def r_pi_k(g):
    K, N, k, pi, mus, Ss, X, dens, gam, Nk, u, lam = _gmm(g)
    R = Nk[k] / N
    return Nk[k] - N * R, 0.0


# ---------------------------------------------------------------- 4.2-4.3 sigmoid
def _sig(a):
    return 1 / (1 + math.exp(-a))


def r_dsig(g):
    a = g.real(-4, 4)
    true = math.exp(-a) / (1 + math.exp(-a)) ** 2  # d/da (1 + e^{-a})^{-1}
    return true, _sig(a) * (1 - _sig(a))


def r_dsig_bad(g):
    a = g.real(-4, 4)
    true = math.exp(-a) / (1 + math.exp(-a)) ** 2
    return true, math.exp(-a) / (1 + math.exp(-a))


def _bayes(g):
    l1, l2 = g.pos(0.05, 3.0), g.pos(0.05, 3.0)  # p(x|C1), p(x|C2)
    p1 = g.unit()
    return l1, l2, p1, 1 - p1


def r_bayes(g):
    l1, l2, p1, p2 = _bayes(g)
    post = l1 * p1 / (l1 * p1 + l2 * p2)  # Bayes' theorem with the sum rule in the denominator
    return post, l1 * p1 / (l1 * p1 + l2 * p2)


def r_bayes_sig(g):
    l1, l2, p1, p2 = _bayes(g)
    a = math.log(l1 * p1 / (l2 * p2))
    return l1 * p1 / (l1 * p1 + l2 * p2), _sig(a)


def _lr(g):
    N = g.size(1, 5)
    D = g.size(1, 3)
    w = g.reals(D)
    phi = [g.reals(D) for _ in range(N)]
    t = [g.int(0, 1) for _ in range(N)]
    u = g.reals(D)
    y = [_sig(sum(wi * pi for wi, pi in zip(w, ph))) for ph in phi]
    return N, D, w, phi, t, u, y


def r_lr_grad(g):
    N, D, w, phi, t, u, y = _lr(g)
    # d/dw of -[t ln s + (1-t) ln(1-s)], s = sigma(w.phi): -[t(1-s) - (1-t)s] phi
    lhs = [sum(-(t[n] * (1 - y[n]) - (1 - t[n]) * y[n]) * phi[n][d] for n in range(N)) for d in range(D)]
    rhs = [sum((y[n] - t[n]) * phi[n][d] for n in range(N)) for d in range(D)]
    return sum(a * b for a, b in zip(u, lhs)), sum(a * b for a, b in zip(u, rhs))


def r_lr_grad_bad(g):
    N, D, w, phi, t, u, y = _lr(g)
    prev = [sum((y[n] - t[n]) * phi[n][d] for n in range(N)) for d in range(D)]
    this = [sum((t[n] - y[n]) * phi[n][d] for n in range(N)) for d in range(D)]
    return sum(a * b for a, b in zip(u, prev)), sum(a * b for a, b in zip(u, this))


RELATIONS = [
    (23, "T", r_dE),
    (24, "T", r_dE_expanded),
    (25, "T", r_dE_AT),
    (30, "T", r_norm),
    (31, "F", r_dE_reg),
    (38, "T", r_gauss_density),
    (40, "T", r_lnp),
    (41, "T", r_lnp2),
    (42, "F", r_lnp3),
    (46, "T", r_dmu),
    (47, "T", r_mu_ml),
    (52, "T", r_ds2),
    (53, "F", r_s2_ml),
    (58, "T", r_E_mu_ml),
    (58, "T", r_E_mu_ml2),
    (59, "T", r_E_s2_ml),
    (60, "F", r_unbiased),
    (68, "T", r_bern_mean),
    (68, "T", r_bern_mean2),
    (69, "T", r_bern_var),
    (69, "F", r_bern_var2),
    (75, "T", r_bern_lnp),
    (77, "T", r_bern_d),
    (78, "T", r_bern_ml),
    (85, "T", r_beta_mean),
    (85, "T", r_beta_mean2),
    (86, "F", r_beta_var),
    (88, "T", r_map_d),
    (89, "F", r_map),
    (98, "T", r_gamma_sum),
    (99, "T", r_Nk_sum),
    (100, "T", r_grad_mu),
    (101, "F", r_mu_k),
    (105, "T", r_dpi),
    (106, "T", r_lagrange_sum),
    (107, "F", r_lambda),
    (108, "T", r_pi_k),
    (114, "T", r_dsig),
    (115, "F", r_dsig_bad),
    (117, "T", r_bayes),
    (117, "T", r_bayes_sig),
    (119, "T", r_lr_grad),
    (120, "F", r_lr_grad_bad),
]
