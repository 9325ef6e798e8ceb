"""Gaussian naive Bayes with one variance per feature shared by all classes.

The fit computes the closed forms that ``derivations.content.gnb.derivation`` proves (class counts, class
means, the pooled variance (1/N) sum_m (x_mi - u_{y_m i})^2, priors N_k/N); predictions
use the proved linear form, a softmax of w_k.x + b_k. tests/test_estimator_closed_forms.py
ties the two together. Chunked numpy: no Python loop over examples, little extra memory.
"""
from __future__ import annotations

from typing import Any, Optional

import numpy as np

from derivations.kernel.errors import InputError

__all__ = ["SharedVarianceGaussianNB"]

_CHUNK_BYTES = 1 << 19


def _rows_per_chunk(d: int, k: int) -> int:
    return max(256, _CHUNK_BYTES // (8 * max(d, k, 1)))


def _as_2d(X: Any) -> np.ndarray:
    """X as a 2-D numeric ndarray, without copying an ndarray that already is one."""
    try:
        A = np.asarray(X)
    except (ValueError, TypeError) as exc:
        raise InputError(f"X must be a 2-D numeric array: {exc}") from None
    if A.ndim != 2:
        raise InputError(f"X must be a 2-D array (examples x features); got {A.ndim}-D with shape {A.shape}")
    if A.dtype.kind not in "biuf":
        if A.dtype.kind == "O":
            try:
                A = A.astype(np.float64)
            except (ValueError, TypeError) as exc:
                raise InputError(f"X must be numeric: {exc}") from None
        else:
            raise InputError(f"X must be numeric; got dtype {A.dtype}")
    return A


def _nonfinite_error(Xc: np.ndarray, row0: int) -> InputError:
    """The error for a chunk whose statistics are not finite: a NaN/inf entry, or overflow."""
    bad = np.argwhere(~np.isfinite(Xc))
    if len(bad):
        r, c = (int(v) for v in bad[0])
        return InputError(f"X has a non-finite value ({Xc[r, c]}) at row {row0 + r}, column {c}; "
                          "the data must be finite (no NaN or infinity)")
    return InputError(f"X has values too large for float64 arithmetic near row {row0}: "
                      "sums of squares overflow; rescale the features")


def _encode(y: np.ndarray, classes: Optional[Any]) -> tuple[np.ndarray, np.ndarray]:
    """Sorted classes and each label's index into them; checks every class occurs."""
    if classes is None:
        if y.dtype.kind in "iu" and len(y):
            lo, hi = int(y.min()), int(y.max())
            if hi - lo <= max(4 * len(y), 1 << 16):
                off = y.astype(np.intp, copy=False) if lo == 0 else (y - lo).astype(np.intp, copy=False)
                present = np.flatnonzero(np.bincount(off, minlength=hi - lo + 1))
                if len(present) == hi - lo + 1:
                    return (present + lo).astype(y.dtype), off
                lut = np.empty(hi - lo + 1, dtype=np.intp)
                lut[present] = np.arange(len(present))
                return (present + lo).astype(y.dtype), lut[off]
        if y.dtype.kind == "f" and np.isnan(y).any():
            raise InputError(f"y[{int(np.flatnonzero(np.isnan(y))[0])}] is NaN: labels must be comparable values")
        try:
            cls, inv = np.unique(y, return_inverse=True)
        except TypeError as exc:
            raise InputError(f"labels in y must be sortable values of one kind: {exc}") from None
        return cls, inv.reshape(-1).astype(np.intp, copy=False)
    try:
        cls = np.unique(np.asarray(classes))
    except TypeError as exc:
        raise InputError(f"classes must be sortable values of one kind: {exc}") from None
    if cls.ndim != 1 or len(cls) == 0:
        raise InputError("classes must be a non-empty 1-D list of labels")
    try:
        idx = np.searchsorted(cls, y).astype(np.intp, copy=False)
    except TypeError as exc:
        raise InputError(f"labels in y cannot be compared with classes: {exc}") from None
    idx_c = np.minimum(idx, len(cls) - 1)
    unknown = np.flatnonzero(cls[idx_c] != y)
    if len(unknown):
        r = int(unknown[0])
        label = y[r].item() if isinstance(y[r], np.generic) else y[r]
        raise InputError(f"y[{r}] = {label!r} is not one of classes {cls.tolist()!r}")
    counts = np.bincount(idx_c, minlength=len(cls))
    if (counts == 0).any():
        missing = cls[counts == 0].tolist()
        raise InputError(f"class {missing[0]!r} has no examples (classes without examples: {missing!r}); "
                         "the MLE needs every class at least once")
    return cls, idx_c


def _moments(X: np.ndarray, idx: np.ndarray, K: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Class counts (K), class means (K x D) and the pooled centred sum of squares (D).

    One pass over X in cache-sized chunks: per chunk, class sums by a one-hot matmul and
    squared deviations from the chunk's own class means. The chunks are combined by the
    law of total variance, sum_c sum_k n_ck (mean_ck - mean_k)^2, a sum of squares of
    differences, so large offsets with a small spread do not cancel.
    """
    N, D = X.shape
    step = _rows_per_chunk(D, K)
    chunks = -(-N // step)
    eye = np.eye(K)
    oh_buf = np.empty((min(step, N), K))
    dev_buf = np.empty((min(step, N), D))
    ones = np.ones(min(step, N))
    counts = np.empty((chunks, K))
    means = np.empty((chunks, K, D))
    m2 = np.empty((chunks, D))
    with np.errstate(over="ignore", invalid="ignore"):
        for c in range(chunks):
            s, e = c * step, min(c * step + step, N)
            Xc = X[s:e] if X.dtype == np.float64 else X[s:e].astype(np.float64)
            yc = idx[s:e]
            oh = np.take(eye, yc, axis=0, out=oh_buf[: e - s])
            nc = np.bincount(yc, minlength=K)
            counts[c] = nc
            np.divide(oh.T @ Xc, np.maximum(nc, 1)[:, None], out=means[c])
            dev = np.matmul(oh, means[c], out=dev_buf[: e - s])
            np.subtract(Xc, dev, out=dev)
            np.multiply(dev, dev, out=dev)
            np.matmul(ones[: e - s], dev, out=m2[c])
    ok = np.isfinite(m2).all(axis=1) & np.isfinite(means).all(axis=(1, 2))
    if not ok.all():
        c = int(np.flatnonzero(~ok)[0])
        raise _nonfinite_error(np.asarray(X[c * step:(c + 1) * step], dtype=np.float64), c * step)
    count = counts.sum(axis=0)
    mean = np.einsum("ck,ckd->kd", counts, means) / count[:, None]
    diff = np.where(counts[:, :, None] > 0, means - mean, 0.0)
    between = np.einsum("ck,ckd->d", counts, diff * diff)
    total = m2.sum(axis=0) + between
    if not np.isfinite(total).all():
        raise InputError("X has values too large for float64 arithmetic: sums of squares overflow; "
                         "rescale the features")
    return count, mean, total


class SharedVarianceGaussianNB:
    """Gaussian naive Bayes whose per-feature variance is shared by every class (the MLE).

    Follows scikit-learn's conventions. ``var_floor`` (off by default) raises every pooled
    variance to at least that value, so a feature with zero spread can still be fitted.
    """

    def __init__(self, var_floor: Optional[float] = None) -> None:
        self.var_floor = var_floor

    def get_params(self, deep: bool = True) -> dict[str, Any]:
        return {"var_floor": self.var_floor}

    def set_params(self, **params: Any) -> "SharedVarianceGaussianNB":
        for key, value in params.items():
            if key != "var_floor":
                raise InputError(f"unknown parameter {key!r}; the only parameter is 'var_floor'")
            self.var_floor = value
        return self

    def __repr__(self) -> str:
        args = "" if self.var_floor is None else f"var_floor={self.var_floor!r}"
        return f"SharedVarianceGaussianNB({args})"

    def fit(self, X: Any, y: Any, classes: Optional[Any] = None) -> "SharedVarianceGaussianNB":
        """Fit the closed-form MLE: N_k, u_ki = mean of class k, sigma_i^2 pooled over N, alpha_k = N_k/N."""
        floor = self.var_floor
        if floor is not None and (isinstance(floor, bool) or not (
                isinstance(floor, (int, float, np.floating, np.integer)) and np.isfinite(floor) and floor > 0)):
            raise InputError(f"var_floor must be a positive finite number or None; got {floor!r}")
        A = _as_2d(X)
        yv = np.asarray(y)
        if yv.ndim != 1:
            raise InputError(f"y must be a 1-D array of labels; got shape {yv.shape}")
        if A.shape[0] != yv.shape[0]:
            raise InputError(f"X and y have different lengths: X has {A.shape[0]} rows, y has {yv.shape[0]} labels")
        if A.shape[0] == 0:
            raise InputError("empty dataset: X has no rows")
        if A.shape[1] == 0:
            raise InputError("empty dataset: X has no features (columns)")
        cls, idx = _encode(yv, classes)
        count, mean, m2 = _moments(A, idx, len(cls))
        N = A.shape[0]
        var = m2 / N
        zero = np.flatnonzero(~(var > 0))
        if len(zero) and floor is None:
            raise InputError(f"feature {int(zero[0])} has zero pooled variance (every example equals its class mean); "
                             "the MLE does not exist; pass var_floor > 0 to fit anyway")
        if floor is not None:
            var = np.maximum(var, float(floor))
        self.classes_ = cls
        self.class_count_ = count
        self.class_prior_ = count / N
        self.theta_ = mean
        self.var_ = var
        self.n_features_in_ = A.shape[1]
        return self

    def _check_X(self, X: Any) -> np.ndarray:
        if not hasattr(self, "theta_"):
            raise InputError("this SharedVarianceGaussianNB is not fitted yet; call fit(X, y) first")
        A = _as_2d(X)
        if A.shape[1] != self.n_features_in_:
            raise InputError(f"X has {A.shape[1]} features, but SharedVarianceGaussianNB was fitted with "
                             f"{self.n_features_in_} features")
        return A

    def _linear_form(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(c, W, b): scores w_k.(x - c) + b_k, the proved linear form written about the mean c.

        Shifting the origin to c changes every score by the same amount, so the softmax is
        unchanged, and large feature offsets no longer cancel in floating point.
        """
        c = self.class_prior_ @ self.theta_
        centred = self.theta_ - c
        W = centred / self.var_
        b = np.log(self.class_prior_) - (centred * centred / (2 * self.var_)).sum(axis=1)
        return c, W, b

    def _scores(self, X: Any) -> np.ndarray:
        """The linear scores (N x K) of the rows of X, chunk by chunk, with a finiteness check on the input."""
        A = self._check_X(X)
        c, W, b = self._linear_form()
        N, D = A.shape
        out = np.empty((N, len(b)))
        step = _rows_per_chunk(D, len(b))
        buf = np.empty((min(step, N), D))
        Wt = np.ascontiguousarray(W.T)
        with np.errstate(over="ignore", invalid="ignore"):
            for s in range(0, N, step):
                e = min(s + step, N)
                Z = np.subtract(A[s:e], c, out=buf[: e - s])
                sc = np.matmul(Z, Wt, out=out[s:e])
                sc += b
                if not np.isfinite(sc).all():
                    raise _nonfinite_error(np.asarray(A[s:e], dtype=np.float64), s)
        return out

    def _log_normalise(self, S: np.ndarray, log: bool) -> np.ndarray:
        """In place: rows of scores -> log posteriors (or posteriors) by a stable log-sum-exp."""
        step = _rows_per_chunk(S.shape[1], 1)
        for s in range(0, S.shape[0], step):
            sc = S[s : s + step]
            sc -= sc.max(axis=1, keepdims=True)
            if log:
                sc -= np.log(np.exp(sc).sum(axis=1, keepdims=True))
            else:
                np.exp(sc, out=sc)
                sc /= sc.sum(axis=1, keepdims=True)
        return S

    def predict_log_proba(self, X: Any) -> np.ndarray:
        """log p(y = k | x) for each row: softmax of the linear scores, via log-sum-exp."""
        return self._log_normalise(self._scores(X), log=True)

    def predict_proba(self, X: Any) -> np.ndarray:
        """p(y = k | x) for each row; rows sum to 1."""
        return self._log_normalise(self._scores(X), log=False)

    def predict(self, X: Any) -> np.ndarray:
        """The most probable class of each row."""
        best = self._scores(X).argmax(axis=1)
        return self.classes_[best]
