"""Truth for murphy.tex: each relation evaluated in floats, independently of the tool."""
import math


def _counts(g):
    return g.int(1, 12), g.int(1, 12)  # N_1, N_0 (heads, tails), both at least 1


def _ys01(g):
    n = g.size(1, 6)
    return n, [g.choice([0, 1]) for _ in range(n)]


def _ys(g):
    n = g.size(1, 6)
    return n, g.reals(n)


def _log2(x):
    return math.log(x) / math.log(2)


# --- display 1: Bernoulli NLL -------------------------------------------------------------

def _nll_expand(g):
    th = g.unit()
    n1, n0 = _counts(g)
    lhs = -math.log(th ** n1 * (1 - th) ** n0)
    rhs = -(n1 * math.log(th) + n0 * math.log(1 - th))
    return lhs, rhs


def _nll_deriv(g):
    # d/dtheta of -N1 log(theta) - N0 log(1-theta) = -N1/theta + N0/(1-theta) (by hand)
    th = g.unit()
    n1, n0 = _counts(g)
    true = -n1 / th + n0 / (1 - th)
    claim = -n1 / th + n0 / (1 - th)
    return true, claim


def _nll_solve(g):
    n1, n0 = _counts(g)
    r = n1 / (n0 + n1)
    return -n1 / r + n0 / (1 - r), 0.0


# --- display 2: per-example form ----------------------------------------------------------

def _per_example_1(g):
    th = g.unit()
    n, y = _ys01(g)
    lhs = -sum(math.log(th ** yi * (1 - th) ** (1 - yi)) for yi in y)
    rhs = -sum(yi * math.log(th) + (1 - yi) * math.log(1 - th) for yi in y)
    return lhs, rhs


def _per_example_2(g):
    th = g.unit()
    n, y = _ys01(g)
    lhs = -sum(yi * math.log(th) + (1 - yi) * math.log(1 - th) for yi in y)
    rhs = -math.log(th) * sum(y) - math.log(1 - th) * sum(1 - yi for yi in y)
    return lhs, rhs


def _per_example_3(g):
    th = g.unit()
    n, y = _ys01(g)
    lhs = -math.log(th) * sum(y) - math.log(1 - th) * sum(1 - yi for yi in y)
    rhs = -math.log(th / (1 - th)) * sum(y) - n * math.log(th)
    return lhs, rhs


# --- display 3: beta-Bernoulli posterior ----------------------------------------------------

def _post_kernel(g):
    th, a, b = g.unit(), g.pos(), g.pos()
    n1, n0 = _counts(g)
    lhs = th ** n1 * (1 - th) ** n0 * th ** (a - 1) * (1 - th) ** (b - 1)
    rhs = th ** (a + n1 - 1) * (1 - th) ** (b + n0 - 1)
    return lhs, rhs


def _post_mean_mix(g):
    a, b = g.pos(), g.pos()
    n1, n0 = _counts(g)
    mean = (a + n1) / (a + b + n1 + n0)
    lam = (a + b) / (a + b + n1 + n0)
    return mean, lam * a / (a + b) + (1 - lam) * n1 / (n1 + n0)


# --- display 4: add-one smoothing, numbers --------------------------------------------------

def _add_one(g):
    n1, n0 = _counts(g)
    return (n1 + 2 - 1) / (n1 + n0 + 2 + 2 - 2), (n1 + 1) / (n1 + n0 + 2)


# --- display 5: moments of Ber and Bin ------------------------------------------------------

def _ber_mean(g):
    th = g.unit()
    mean = sum(y * (th if y == 1 else 1 - th) for y in (0, 1))  # E[Y] by its definition
    return mean, 0 * (1 - th) + 1 * th


def _ber_mean_2(g):
    th = g.unit()
    return 0 * (1 - th) + 1 * th, th


def _ber_var(g):
    th = g.unit()
    pmf = {0: 1 - th, 1: th}
    ey = sum(y * p for y, p in pmf.items())
    var = sum((y - ey) ** 2 * p for y, p in pmf.items())
    ey2 = sum(y * y * p for y, p in pmf.items())
    return var, ey2 - ey ** 2


def _ber_var_2(g):
    th = g.unit()
    pmf = {0: 1 - th, 1: th}
    ey = sum(y * p for y, p in pmf.items())
    ey2 = sum(y * y * p for y, p in pmf.items())
    return ey2 - ey ** 2, th - th ** 2


def _bin_var(n, th):
    # Var[N_1] for N_1 ~ Bin(n, theta), summed over the pmf
    pmf = [math.comb(n, k) * th ** k * (1 - th) ** (n - k) for k in range(n + 1)]
    m = sum(k * p for k, p in enumerate(pmf))
    return sum((k - m) ** 2 * p for k, p in enumerate(pmf))


def _var_frac_1(g):
    th, n = g.unit(), g.size(1, 6)
    pmf = [math.comb(n, k) * th ** k * (1 - th) ** (n - k) for k in range(n + 1)]
    m = sum(k / n * p for k, p in enumerate(pmf))
    var_frac = sum((k / n - m) ** 2 * p for k, p in enumerate(pmf))
    return var_frac, _bin_var(n, th) / n ** 2


def _var_frac_2(g):
    th, n = g.unit(), g.size(1, 6)
    return _bin_var(n, th) / n ** 2, n * th * (1 - th) / n ** 2


def _var_frac_3(g):
    th, n = g.unit(), g.size(1, 6)
    return n * th * (1 - th) / n ** 2, th * (1 - th) / n ** 2


# --- displays 6-7: Gaussian MLE -------------------------------------------------------------

def _gauss_ll(g):
    mu, s = g.real(), g.pos(0.3, 3.0)
    n, y = _ys(g)
    v = s * s
    lhs = sum(math.log(1 / math.sqrt(2 * math.pi * v) * math.exp(-(yi - mu) ** 2 / (2 * v))) for yi in y)
    rhs = -sum((yi - mu) ** 2 for yi in y) / (2 * v) - n / 2 * math.log(2 * math.pi * v)
    return lhs, rhs


def _dl_dmu_true(y, mu, v):
    # d/dmu of -(1/2v) sum (y_n - mu)^2 - (N/2) log(2 pi v) = (1/v) sum (y_n - mu)
    return sum(yi - mu for yi in y) / v


def _dl_dv_true(y, mu, v):
    # d/dv of -(1/2v) S - (N/2) log(2 pi v) = S/(2 v^2) - N/(2 v)
    s = sum((yi - mu) ** 2 for yi in y)
    return s / (2 * v * v) - len(y) / (2 * v)


def _dl_dmu_claim(g):
    mu, s = g.real(), g.pos(0.3, 3.0)
    n, y = _ys(g)
    v = s * s
    return _dl_dmu_true(y, mu, v), -sum(yi - mu for yi in y) / v


def _mu_solve(g):
    s = g.pos(0.3, 3.0)
    n, y = _ys(g)
    return _dl_dmu_true(y, sum(y) / n, s * s), 0.0


def _dl_dv_claim(g):
    mu, s = g.real(), g.pos(0.3, 3.0)
    n, y = _ys(g)
    v = s * s
    ss = sum((yi - mu) ** 2 for yi in y)
    return _dl_dv_true(y, mu, v), ss / (2 * v) - n / (2 * v)


def _v_solve(g):
    mu = g.real()
    n, y = _ys(g)
    r = sum((yi - mu) ** 2 for yi in y) / n
    return _dl_dv_true(y, mu, r), 0.0


# --- display 8: empirical variance ----------------------------------------------------------

def _emp_1(g):
    n, y = _ys(g)
    yb = sum(y) / n
    lhs = sum((yi - yb) ** 2 for yi in y) / n
    rhs = sum(yi * yi for yi in y) / n - 2 * yb * sum(y) / n + yb ** 2
    return lhs, rhs


def _emp_2(g):
    n, y = _ys(g)
    yb = sum(y) / n
    lhs = sum(yi * yi for yi in y) / n - 2 * yb * sum(y) / n + yb ** 2
    return lhs, sum(yi * yi for yi in y) / n - yb ** 2


def _emp_3(g):
    n, y = _ys(g)
    yb = sum(y) / n
    return sum((yi - yb) ** 2 for yi in y), sum(yi * yi for yi in y) - n * yb


# --- display 9: Bayes rule, the test example ----------------------------------------------

_SENS, _FPR, _PRIOR = 0.875, 0.025, 0.1


def _post_exact():
    # p(H=1|Y=1) from the joint: enumerate H in {0,1}
    joint = {1: _SENS * _PRIOR, 0: _FPR * (1 - _PRIOR)}
    return joint[1] / (joint[0] + joint[1])


def _bayes_1(g):
    return _post_exact(), (_SENS * _PRIOR) / (_SENS * _PRIOR + _FPR * (1 - _PRIOR))


def _bayes_2(g):
    return (_SENS * _PRIOR) / (_SENS * _PRIOR + _FPR * (1 - _PRIOR)), (0.875 * 0.1) / (0.875 * 0.1 + 0.025 * 0.9)


def _bayes_3(g):
    return (0.875 * 0.1) / (0.875 * 0.1 + 0.025 * 0.9), 0.0875 / 0.1125


# --- display 10: log-sum-exp ----------------------------------------------------------------

def _logits(g):
    cc = g.size(1, 5)
    a = g.reals(cc, -5.0, 5.0)
    return cc, a, max(a)


def _lse_1(g):
    cc, a, m = _logits(g)
    lhs = math.log(sum(math.exp(x) for x in a))
    rhs = math.log(sum(math.exp(x - m) for x in a) * math.exp(m))
    return lhs, rhs


def _lse_2(g):
    cc, a, m = _logits(g)
    return math.log(sum(math.exp(x - m) for x in a) * math.exp(m)), m + math.log(sum(math.exp(x - m) for x in a))


def _softmax_1(g):
    cc, a, m = _logits(g)
    c = g.int(1, cc) - 1
    lhs = math.exp(a[c]) / sum(math.exp(x) for x in a)
    rhs = math.exp(a[c] - m - math.log(sum(math.exp(x - m) for x in a)))
    return lhs, rhs


def _softmax_2(g):
    cc, a, m = _logits(g)
    c = g.int(1, cc) - 1
    lhs = math.exp(a[c] - m - math.log(sum(math.exp(x - m) for x in a)))
    rhs = math.exp(a[c] - m) / sum(math.exp(x) for x in a)
    return lhs, rhs


# --- display 11: categorical MLE with a Lagrange multiplier ---------------------------------

def _lagr(g):
    k = g.size(1, 5)
    return k, g.poss(k, 0.5, 10.0), g.poss(k, 0.05, 1.0), g.pos(0.1, 5.0)


def _dL_dtheta_true(nk, thk, lam):
    # L = -sum N_k log theta_k - lam (1 - sum theta_k): dL/dtheta_k = -N_k/theta_k + lam
    return -nk / thk + lam


def _lagr_1(g):
    k, n, th, lam = _lagr(g)
    j = g.int(1, k) - 1
    return _dL_dtheta_true(n[j], th[j], lam), -n[j] / th[j] + lam


def _lagr_2(g):
    k, n, th, lam = _lagr(g)
    true = sum(th) - 1  # dL/dlambda = -(1 - sum theta_k)
    return true, 1 - sum(th)


def _lagr_3(g):
    k, n, th, lam = _lagr(g)
    j = g.int(1, k) - 1
    return _dL_dtheta_true(n[j], n[j] / lam, lam), 0.0


# --- display 12: entropy ---------------------------------------------------------------------

def _h2(th):
    return -(th * _log2(th) + (1 - th) * _log2(1 - th))


def _h_deriv(g):
    th = g.unit()
    # d/dtheta of -(theta log2 theta + (1-theta) log2(1-theta))
    #   = -(log2 theta + 1/ln2 - log2(1-theta) - 1/ln2)
    true = -(_log2(th) + 1 / math.log(2) - _log2(1 - th) - 1 / math.log(2))
    return true, _log2((1 - th) / th)


def _h_le_1(g):
    th = g.unit()
    return _h2(th) <= 1 + 1e-12


def _h_uniform(g):
    k = g.size(1, 6)
    return -sum(1 / k * _log2(1 / k) for _ in range(k)), -_log2(k)


# --- display 13: KL ----------------------------------------------------------------------------

def _kl_split(g):
    k = g.size(1, 5)
    p, q = g.probs(k), g.probs(k)
    lhs = sum(pk * math.log(pk / qk) for pk, qk in zip(p, q))
    rhs = sum(pk * math.log(pk) for pk in p) - sum(pk * math.log(qk) for pk, qk in zip(p, q))
    return lhs, rhs


def _kl_ber_deriv(g):
    th, ph = g.unit(), g.unit()
    # d/dphi [theta log theta - theta log phi + (1-theta) log(1-theta) - (1-theta) log(1-phi)]
    true = -th / ph + (1 - th) / (1 - ph)
    return true, (ph - th) / (ph * (1 - ph))


def _kl_numbers(g):
    return 0.5 * math.log(0.5 / 0.25) + 0.5 * math.log(0.5 / 0.75), 0.5 * math.log(3 / 4)


RELATIONS = [
    (23, "T", _nll_expand),
    (24, "T", _nll_deriv),
    (26, "T", _nll_solve),
    (33, "T", _per_example_1),
    (34, "T", _per_example_2),
    (35, "F", _per_example_3),
    (44, "T", _post_kernel),
    (47, "T", _post_mean_mix),
    (56, "T", _add_one),
    (57, "F", lambda g: ((1 + 3) / (1 + 1 + 3 + 7), 4 / 11)),
    (58, "T", lambda g: 3 / (3 + 7) < (2 + 3 - 1) / (2 + 2 + 3 + 7 - 2)),
    (68, "T", _ber_mean),
    (68, "T", _ber_mean_2),
    (69, "T", _ber_var),
    (69, "T", _ber_var_2),
    (70, "T", _var_frac_1),
    (70, "T", _var_frac_2),
    (70, "F", _var_frac_3),
    (79, "T", _gauss_ll),
    (80, "F", _dl_dmu_claim),
    (82, "T", _mu_solve),
    (87, "F", _dl_dv_claim),
    (89, "T", _v_solve),
    (97, "T", _emp_1),
    (98, "T", _emp_2),
    (99, "F", _emp_3),
    (106, "T", _bayes_1),
    (107, "T", _bayes_2),
    (108, "F", _bayes_3),
    (119, "T", _lse_1),
    (120, "T", _lse_2),
    (121, "T", _softmax_1),
    (122, "F", _softmax_2),
    (131, "T", _lagr_1),
    (132, "F", _lagr_2),
    (134, "T", _lagr_3),
    (144, "T", _h_deriv),
    (145, "T", _h_le_1),
    (146, "F", _h_uniform),
    (155, "T", _kl_split),
    (156, "T", _kl_ber_deriv),
    (157, "F", _kl_numbers),
]
