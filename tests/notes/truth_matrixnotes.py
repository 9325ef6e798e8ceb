"""Truth for matrixnotes.tex: each relation evaluated with numpy arrays, independently of the tool.

Sizes are drawn per check (1 to 4), entries uniformly from g. Matrix and vector relations return a bool
(np.allclose with rtol 1e-7, atol 1e-9); gradients are computed by central finite differences over every
entry of the variable (step 1e-6) and compared with rtol 1e-5. Inequalities allow rounding at equality.
The assumptions of the file are cumulative: A, B, C are n x n with A, B and A + B non-singular (and
det(A) > 0 for the last two relations), P is positive semidefinite (B B^T), S is symmetric, c is non-zero.
"""
import numpy as np

from _arrays import arr as _arr, close as _close, fd as _fd, grad_close as _grad_close


# ---------------------------------------------------------------- helpers
def _leq(a, b):
    return bool(a <= b + 1e-9 * (1.0 + abs(b)))


def _geq0(a):
    return bool(a >= -1e-9)


def _nonsingular(g, n, cond=30.0):
    while True:
        A = _arr(g, n, n)
        if np.linalg.cond(A) < cond:
            return A


def _square(g):
    """A, B, C in R^{n x n}, A, B, A + B non-singular (and well conditioned)."""
    n = g.size(1, 4)
    while True:
        A, B = _nonsingular(g, n), _nonsingular(g, n)
        if np.linalg.cond(A + B) < 50.0:
            break
    C = _arr(g, n, n)
    return n, A, B, C


def _c(g):
    return g.choice([-1.0, 1.0]) * g.pos(0.2, 3.0)


def _vecs(g, n):
    return _arr(g, n), _arr(g, n), _arr(g, n)  # x, y, b


def _sym(g, n):
    M = _arr(g, n, n)
    return (M + M.T) / 2


def _psd(g, n):
    k = g.size(1, n)
    M = _arr(g, n, k)
    return M @ M.T


def _det_pos(g, n):
    A = _nonsingular(g, n)
    if np.linalg.det(A) < 0:
        A[0, :] = -A[0, :]
    return A


# ---------------------------------------------------------------- 1. transpose
def _uvw(g):
    m, p, q = g.size(1, 4), g.size(1, 4), g.size(1, 4)
    return _arr(g, m, p), _arr(g, p, q), _arr(g, q, m)


def r_t_uv(g):
    U, V, W = _uvw(g)
    return _close((U @ V).T, V.T @ U.T)


def r_t_uvw(g):
    U, V, W = _uvw(g)
    return _close((U @ V @ W).T, W.T @ V.T @ U.T)


def r_t_ab_wrong(g):
    n, A, B, C = _square(g)
    return _close((A @ B).T, A.T @ B.T)


# ---------------------------------------------------------------- 2. inverse
def r_inv_ab(g):
    n, A, B, C = _square(g)
    return _close(np.linalg.inv(A @ B), np.linalg.inv(B) @ np.linalg.inv(A))


def r_inv_t(g):
    n, A, B, C = _square(g)
    return _close(np.linalg.inv(A).T, np.linalg.inv(A.T))


def r_inv_inv(g):
    n, A, B, C = _square(g)
    return _close(np.linalg.inv(np.linalg.inv(A)), A)


def r_inv_ab_wrong(g):
    n, A, B, C = _square(g)
    return _close(np.linalg.inv(A @ B), np.linalg.inv(A) @ np.linalg.inv(B))


def r_inv_sum_wrong(g):
    n, A, B, C = _square(g)
    return _close(np.linalg.inv(A + B), np.linalg.inv(A) + np.linalg.inv(B))


def r_inv_c(g):
    n, A, B, C = _square(g)
    c = _c(g)
    return _close(np.linalg.inv(c * A), (1 / c) * np.linalg.inv(A))


def r_inv_c_wrong(g):
    n, A, B, C = _square(g)
    c = _c(g)
    return _close(np.linalg.inv(c * A), c * np.linalg.inv(A))


def _sm(g):
    n, A, B, C = _square(g)
    Ai = np.linalg.inv(A)
    while True:
        u, v = _arr(g, n), _arr(g, n)
        d = 1 + v @ Ai @ u
        if abs(d) > 0.2:
            return A, Ai, u, v, d


def r_sm(g):
    A, Ai, u, v, d = _sm(g)
    return _close(np.linalg.inv(A + np.outer(u, v)), Ai - (Ai @ np.outer(u, v) @ Ai) / d)


def r_sm_wrong(g):
    A, Ai, u, v, d = _sm(g)
    return _close(np.linalg.inv(A + np.outer(u, v)), Ai + (Ai @ np.outer(u, v) @ Ai) / d)


# ---------------------------------------------------------------- 3. trace
def r_tr_cyc1(g):
    U, V, W = _uvw(g)
    return float(np.trace(U @ V @ W)), float(np.trace(W @ U @ V))


def r_tr_cyc2(g):
    U, V, W = _uvw(g)
    return float(np.trace(W @ U @ V)), float(np.trace(V @ W @ U))


def r_tr_sum(g):
    n, A, B, C = _square(g)
    return float(np.trace(A + B)), float(np.trace(A) + np.trace(B))


def r_tr_scale(g):
    n, A, B, C = _square(g)
    c = _c(g)
    return float(np.trace(c * A)), float(c * np.trace(A))


def r_tr_t(g):
    n, A, B, C = _square(g)
    return float(np.trace(A.T)), float(np.trace(A))


def r_tr_ab(g):
    n, A, B, C = _square(g)
    return float(np.trace(A @ B)), float(np.trace(B @ A))


def r_tr_acb_wrong(g):
    n, A, B, C = _square(g)
    return float(np.trace(A @ B @ C)), float(np.trace(A @ C @ B))


def r_tr_prod_wrong(g):
    n, A, B, C = _square(g)
    return float(np.trace(A @ B)), float(np.trace(A) * np.trace(B))


def _axy(g):
    n, A, B, C = _square(g)
    x, y, b = _vecs(g, n)
    return n, A, x, y, b


def r_trick1(g):
    n, A, x, y, b = _axy(g)
    return float(x @ A @ x), float(np.trace(x[None, :] @ A @ x[:, None]))


def r_trick2(g):
    n, A, x, y, b = _axy(g)
    return float(np.trace(x[None, :] @ A @ x[:, None])), float(np.trace(A @ np.outer(x, x)))


def r_trick3(g):
    n, A, x, y, b = _axy(g)
    return float(np.trace(A @ np.outer(x, x))), float(np.trace(np.outer(x, x) @ A))


def r_bilinear(g):
    n, A, x, y, b = _axy(g)
    return float(x @ A @ y), float(y @ A.T @ x)


def r_bilinear_wrong(g):
    n, A, x, y, b = _axy(g)
    return float(x @ A @ y), float(y @ A @ x)


def r_trick_wrong(g):
    n, A, x, y, b = _axy(g)
    return float(x @ A @ x), float(np.trace(A) * (x @ x))


# ---------------------------------------------------------------- 4. norms
def _xy(g):
    n = g.size(1, 4)
    x, y, b = _vecs(g, n)
    return x, y


def _norm(v):
    return float(np.sqrt(np.sum(v * v)))


def r_norm_sq(g):
    x, y = _xy(g)
    return float(np.linalg.norm(x)) ** 2, float(x @ x)


def r_norm_diff(g):
    x, y = _xy(g)
    return _norm(x - y) ** 2, float(x @ x - 2 * x @ y + y @ y)


def r_norm_nosq_wrong(g):
    x, y = _xy(g)
    return float(np.linalg.norm(x)), float(x @ x)


def r_norm_sum_wrong(g):
    x, y = _xy(g)
    return _norm(x + y) ** 2, _norm(x) ** 2 + _norm(y) ** 2


def r_fro1(g):
    U, V, W = _uvw(g)
    return float(np.sum(U * U)), float(np.trace(U.T @ U))


def r_fro2(g):
    U, V, W = _uvw(g)
    return float(np.trace(U.T @ U)), float(np.trace(U @ U.T))


def r_fro_wrong(g):
    n, A, B, C = _square(g)
    return float(np.sum(A * A)), float(np.trace(A @ A))


def r_cs_sq(g):
    x, y = _xy(g)
    return _leq(float(x @ y) ** 2, _norm(x) ** 2 * _norm(y) ** 2)


def r_cs(g):
    x, y = _xy(g)
    return _leq(abs(float(x @ y)), _norm(x) * _norm(y))


def r_triangle(g):
    x, y = _xy(g)
    return _leq(_norm(x + y), _norm(x) + _norm(y))


def r_triangle_sq_wrong(g):
    x, y = _xy(g)
    return _leq(_norm(x + y) ** 2, _norm(x) ** 2 + _norm(y) ** 2)


# ---------------------------------------------------------------- 5. determinant
def _det(M):
    return float(np.linalg.det(M))


def r_det_ab(g):
    n, A, B, C = _square(g)
    return _det(A @ B), _det(A) * _det(B)


def r_det_t(g):
    n, A, B, C = _square(g)
    return _det(A.T), _det(A)


def r_det_c(g):
    n, A, B, C = _square(g)
    c = _c(g)
    return _det(c * A), c ** n * _det(A)


def r_det_inv(g):
    n, A, B, C = _square(g)
    return _det(np.linalg.inv(A)), 1 / _det(A)


def r_det_c_wrong(g):
    n, A, B, C = _square(g)
    c = _c(g)
    return _det(c * A), c * _det(A)


def r_det_sum_wrong(g):
    n, A, B, C = _square(g)
    return _det(A + B), _det(A) + _det(B)


# ---------------------------------------------------------------- 6. quadratic forms
def _quad(g):
    n, A, B, C = _square(g)
    P, S = _psd(g, n), _sym(g, n)
    x, y, b = _vecs(g, n)
    mu = _arr(g, n)
    return n, A, P, S, x, y, mu


def r_psd(g):
    n, A, P, S, x, y, mu = _quad(g)
    return _geq0(float(x @ P @ x))


def r_psd_diff(g):
    n, A, P, S, x, y, mu = _quad(g)
    d = x - y
    return _geq0(float(d @ P @ d))


def r_sym_not_psd(g):
    n, A, P, S, x, y, mu = _quad(g)
    return _geq0(float(x @ S @ x))


def r_expand1(g):
    n, A, P, S, x, y, mu = _quad(g)
    d = x - mu
    return float(d @ S @ d), float(x @ S @ x - 2 * mu @ S @ x + mu @ S @ mu)


def r_expand2(g):
    n, A, P, S, x, y, mu = _quad(g)
    return float(x @ S @ x - 2 * mu @ S @ x + mu @ S @ mu), float(x @ S @ x - 2 * x @ S @ mu + mu @ S @ mu)


def r_expand_half_wrong(g):
    n, A, P, S, x, y, mu = _quad(g)
    d = x - mu
    return float(d @ S @ d), float(x @ S @ x - mu @ S @ x + mu @ S @ mu)


def r_expand_nonsym_wrong(g):
    n, A, P, S, x, y, mu = _quad(g)
    d = x - y
    return float(d @ A @ d), float(x @ A @ x - 2 * y @ A @ x + y @ A @ y)


# ---------------------------------------------------------------- 7. gradients w.r.t. a vector
def _gq(g):
    n, A, B, C = _square(g)
    S = _sym(g, n)
    x, y, b = _vecs(g, n)
    return A, S, x, b


def r_g_lin(g):
    A, S, x, b = _gq(g)
    return _grad_close(_fd(lambda v: b @ v, x), b)


def r_g_quad(g):
    A, S, x, b = _gq(g)
    return _grad_close(_fd(lambda v: v @ A @ v, x), (A + A.T) @ x)


def r_g_quad_sym(g):
    A, S, x, b = _gq(g)
    return _grad_close(_fd(lambda v: v @ S @ v, x), 2 * S @ x)


def r_g_bil(g):
    A, S, x, b = _gq(g)
    return _grad_close(_fd(lambda v: b @ A @ v, x), A.T @ b)


def r_g_quad_wrong(g):
    A, S, x, b = _gq(g)
    return _grad_close(_fd(lambda v: v @ A @ v, x), 2 * A @ x)


def r_g_bil_wrong(g):
    A, S, x, b = _gq(g)
    return _grad_close(_fd(lambda v: b @ A @ v, x), A @ b)


def r_g_norm_wrong(g):
    A, S, x, b = _gq(g)
    return _grad_close(_fd(lambda v: float(np.sum(v * v)), x), x)


def r_g_norm(g):
    A, S, x, b = _gq(g)
    return _grad_close(_fd(lambda v: float(np.sum(v * v)), x), 2 * x)


def _ls(v, A, b):
    r = A @ v - b
    return float(np.sum(r * r))


def r_g_ls(g):
    A, S, x, b = _gq(g)
    return _grad_close(_fd(lambda v: _ls(v, A, b), x), 2 * A.T @ (A @ x - b))


def r_g_ls_wrong(g):
    A, S, x, b = _gq(g)
    return _grad_close(_fd(lambda v: _ls(v, A, b), x), A.T @ (A @ x - b))


# ---------------------------------------------------------------- 8. gradients w.r.t. a matrix
def _gm(g):
    n, A, B, C = _square(g)
    x, y, b = _vecs(g, n)
    return A, B, C, x, y


def r_gm_trab(g):
    A, B, C, x, y = _gm(g)
    return _grad_close(_fd(lambda M: np.trace(M @ B), A), B.T)


def r_gm_tratb(g):
    A, B, C, x, y = _gm(g)
    return _grad_close(_fd(lambda M: np.trace(M.T @ B), A), B)


def r_gm_fro(g):
    A, B, C, x, y = _gm(g)
    return _grad_close(_fd(lambda M: float(np.sum(M * M)), A), 2 * A)


def r_gm_abac(g):
    A, B, C, x, y = _gm(g)
    return _grad_close(_fd(lambda M: np.trace(M @ B @ M.T @ C), A), C @ A @ B + C.T @ A @ B.T)


def r_gm_bil(g):
    A, B, C, x, y = _gm(g)
    return _grad_close(_fd(lambda M: x @ M @ y, A), np.outer(x, y))


def r_gm_trab_wrong(g):
    A, B, C, x, y = _gm(g)
    return _grad_close(_fd(lambda M: np.trace(M @ B), A), B)


def r_gm_tratb_wrong(g):
    A, B, C, x, y = _gm(g)
    return _grad_close(_fd(lambda M: np.trace(M.T @ B), A), B.T)


def r_gm_abac_wrong(g):
    A, B, C, x, y = _gm(g)
    return _grad_close(_fd(lambda M: np.trace(M @ B @ M.T @ C), A), C @ A @ B + C.T @ A @ B)


def r_gm_bil_wrong(g):
    A, B, C, x, y = _gm(g)
    return _grad_close(_fd(lambda M: x @ M @ y, A), np.outer(y, x))


def r_gm_logdet(g):
    A = _det_pos(g, g.size(1, 4))
    return _grad_close(_fd(lambda M: np.log(np.linalg.det(M)), A), np.linalg.inv(A).T)


def r_gm_logdet_wrong(g):
    A = _det_pos(g, g.size(1, 4))
    return _grad_close(_fd(lambda M: np.log(np.linalg.det(M)), A), np.linalg.inv(A))


RELATIONS = [
    (21, "T", r_t_uv),
    (22, "T", r_t_uvw),
    (29, "F", r_t_ab_wrong),
    (35, "T", r_inv_ab),
    (36, "T", r_inv_t),
    (37, "T", r_inv_inv),
    (41, "F", r_inv_ab_wrong),
    (44, "F", r_inv_sum_wrong),
    (49, "T", r_inv_c),
    (50, "F", r_inv_c_wrong),
    (56, "T", r_sm),
    (59, "F", r_sm_wrong),
    (65, "T", r_tr_cyc1),
    (65, "T", r_tr_cyc2),
    (69, "T", r_tr_sum),
    (70, "T", r_tr_scale),
    (71, "T", r_tr_t),
    (72, "T", r_tr_ab),
    (76, "F", r_tr_acb_wrong),
    (79, "F", r_tr_prod_wrong),
    (85, "T", r_trick1),
    (86, "T", r_trick2),
    (87, "T", r_trick3),
    (92, "T", r_bilinear),
    (93, "F", r_bilinear_wrong),
    (94, "F", r_trick_wrong),
    (99, "T", r_norm_sq),
    (100, "T", r_norm_diff),
    (101, "F", r_norm_nosq_wrong),
    (102, "F", r_norm_sum_wrong),
    (106, "T", r_fro1),
    (106, "T", r_fro2),
    (109, "F", r_fro_wrong),
    (113, "T", r_cs_sq),
    (114, "T", r_cs),
    (115, "T", r_triangle),
    (119, "F", r_triangle_sq_wrong),
    (124, "T", r_det_ab),
    (125, "T", r_det_t),
    (126, "T", r_det_c),
    (127, "T", r_det_inv),
    (131, "F", r_det_c_wrong),
    (132, "F", r_det_sum_wrong),
    (142, "T", r_psd),
    (143, "T", r_psd_diff),
    (146, "F", r_sym_not_psd),
    (151, "T", r_expand1),
    (152, "T", r_expand2),
    (153, "F", r_expand_half_wrong),
    (154, "F", r_expand_nonsym_wrong),
    (160, "T", r_g_lin),
    (161, "T", r_g_quad),
    (162, "T", r_g_quad_sym),
    (163, "T", r_g_bil),
    (167, "F", r_g_quad_wrong),
    (168, "F", r_g_bil_wrong),
    (169, "F", r_g_norm_wrong),
    (173, "T", r_g_norm),
    (174, "T", r_g_ls),
    (177, "F", r_g_ls_wrong),
    (183, "T", r_gm_trab),
    (184, "T", r_gm_tratb),
    (185, "T", r_gm_fro),
    (186, "T", r_gm_abac),
    (187, "T", r_gm_bil),
    (190, "F", r_gm_trab_wrong),
    (191, "F", r_gm_tratb_wrong),
    (192, "F", r_gm_abac_wrong),
    (193, "F", r_gm_bil_wrong),
    (198, "T", r_gm_logdet),
    (201, "F", r_gm_logdet_wrong),
]
