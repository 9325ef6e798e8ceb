"""NumPy helpers for the truth of the vector and matrix files: random arrays, closeness, finite differences.

Shared by truth_matrixnotes.py and truth_gaussvec.py; nothing here comes from the tool.
"""
import numpy as np


def arr(g, *shape, lo=-2.0, hi=2.0):
    """An array of the shape with entries drawn uniformly from g."""
    n = int(np.prod(shape))
    return np.array(g.reals(n, lo, hi), dtype=float).reshape(shape)


def close(a, b):
    return bool(np.allclose(a, b, rtol=1e-7, atol=1e-9))


def fd(f, X, h=1e-6):
    """Central finite differences of the scalar f over every entry of X, independently."""
    X = np.array(X, dtype=float)
    G = np.zeros_like(X)
    for idx in np.ndindex(X.shape):
        E = np.zeros_like(X)
        E[idx] = h
        G[idx] = (f(X + E) - f(X - E)) / (2 * h)
    return G


def grad_close(fd_value, claim):
    scale = 1.0 + float(np.max(np.abs(fd_value)))
    return bool(np.allclose(fd_value, claim, rtol=1e-5, atol=1e-6 * scale))
