"""SharedVarianceGaussianNB: scikit-learn conventions, bad data, and the numeric checks as properties."""
from __future__ import annotations

import tracemalloc
from fractions import Fraction
from typing import Any, Callable

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import derivations.content.gnb.estimator as E
from derivations.kernel.errors import InputError
from derivations.content.gnb.estimator import SharedVarianceGaussianNB
from derivations.content.gnb.numeric import (
    Dataset,
    check_gradient,
    check_metamorphic,
    check_optimizer,
    check_perturbation,
    check_posterior,
    make_dataset,
)


def _reference(X: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The closed forms written the slow, obvious way: one class at a time."""
    classes = np.unique(y)
    theta = np.array([X[y == c].mean(axis=0) for c in classes])
    var = sum(((X[y == c] - theta[n]) ** 2).sum(axis=0) for n, c in enumerate(classes)) / len(y)
    counts = np.array([(y == c).sum() for c in classes], dtype=float)
    return classes, theta, var, counts / len(y)


def _data(n: int = 60, d: int = 3, k: int = 3, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    y = np.concatenate([np.arange(k), rng.integers(0, k, n - k)])
    return rng.normal(size=(n, d)) + y[:, None], y


# ------------------------------------------------------------------ conventions


def test_fit_returns_self_and_sets_sklearn_attributes():
    X, y = _data()
    est = SharedVarianceGaussianNB()
    assert est.fit(X, y) is est
    classes, theta, var, prior = _reference(X, y)
    assert est.classes_.tolist() == classes.tolist()
    assert est.theta_.shape == (3, 3) and est.var_.shape == (3,) and est.n_features_in_ == 3
    assert est.class_count_.tolist() == [float((y == c).sum()) for c in classes]
    np.testing.assert_allclose(est.theta_, theta, rtol=1e-13)
    np.testing.assert_allclose(est.var_, var, rtol=1e-13)
    np.testing.assert_allclose(est.class_prior_, prior, rtol=1e-15)
    assert est.class_prior_.sum() == pytest.approx(1, abs=1e-15)


LABELS = {
    "strings": np.array(["b", "a", "c"]),
    "gapped-ints": np.array([100, 3, 7]),
    "negative-ints": np.array([-5, 2, 0]),
    "huge-range-ints": np.array([10**15, -(10**15), 0]),
    "floats": np.array([0.5, -1.25, 3.0]),
    "uint8": np.array([9, 1, 4], dtype=np.uint8),
    "bools-and-two-classes": np.array([True, False, True]),
}


@pytest.mark.parametrize("names", list(LABELS.values()), ids=list(LABELS))
def test_any_sortable_labels(names):
    X, y = _data()
    labels = names[y % len(np.unique(names))] if names.dtype == bool else names[y]
    est = SharedVarianceGaussianNB().fit(X, labels)
    classes, theta, var, prior = _reference(X, labels)
    assert est.classes_.tolist() == sorted(set(labels.tolist()))
    assert est.classes_.dtype == labels.dtype
    np.testing.assert_allclose(est.theta_, theta, rtol=1e-13)
    np.testing.assert_allclose(est.var_, var, rtol=1e-13)
    pred = est.predict(X)
    assert pred.dtype == labels.dtype and set(pred.tolist()) <= set(labels.tolist())


def test_classes_argument_is_sorted_like_sklearn():
    X, y = _data()
    est = SharedVarianceGaussianNB().fit(X, y, classes=[2, 0, 1, 1])
    assert est.classes_.tolist() == [0, 1, 2]
    np.testing.assert_allclose(est.theta_, _reference(X, y)[1], rtol=1e-13)


def test_predictions_agree_with_each_other():
    X, y = _data(d=4, k=4)
    est = SharedVarianceGaussianNB().fit(X, y)
    Z = X + 0.3
    P, L = est.predict_proba(Z), est.predict_log_proba(Z)
    assert P.shape == (len(Z), 4)
    np.testing.assert_allclose(np.exp(L), P, rtol=1e-12, atol=1e-300)
    np.testing.assert_allclose(P.sum(axis=1), 1, atol=1e-14)
    assert est.predict(Z).tolist() == est.classes_[P.argmax(axis=1)].tolist()
    assert est.predict(Z.tolist()).tolist() == est.predict(Z).tolist()


@pytest.mark.parametrize("convert", [
    pytest.param(lambda X: np.round(X * 100).astype(np.int64), id="int64"),
    pytest.param(lambda X: X.astype(np.float32), id="float32"),
    pytest.param(lambda X: np.asfortranarray(X), id="fortran-order"),
    pytest.param(lambda X: X.tolist(), id="nested-list"),
    pytest.param(lambda X: X.astype(object), id="object-numbers"),
])
def test_input_types_give_the_float64_fit(convert):
    X, y = _data()
    Xc = convert(X)
    est = SharedVarianceGaussianNB().fit(Xc, y)
    _, theta, var, _ = _reference(np.asarray(Xc, dtype=np.float64), y)
    np.testing.assert_allclose(est.theta_, theta, rtol=1e-12)
    np.testing.assert_allclose(est.var_, var, rtol=1e-12)
    assert est.theta_.dtype == np.float64


def test_many_chunks_with_classes_missing_from_chunks(monkeypatch):
    """Sorted labels: most chunks see one class only; the merge must still be exact."""
    monkeypatch.setattr(E, "_CHUNK_BYTES", 2048)
    rng = np.random.default_rng(3)
    y = np.sort(rng.integers(0, 5, 5000))
    X = 1e6 + rng.normal(size=(5000, 2)) + 10 * y[:, None]
    est = SharedVarianceGaussianNB().fit(X, y)
    _, theta, var, prior = _reference(X, y)
    np.testing.assert_allclose(est.theta_, theta, rtol=1e-14)
    np.testing.assert_allclose(est.var_, var, rtol=1e-9)
    P = est.predict_proba(X)
    np.testing.assert_allclose(P.sum(axis=1), 1, atol=1e-14)


def test_large_offset_small_spread_does_not_cancel():
    """Feature values near 1e8 with spread 1e-3: exact rational arithmetic as the reference."""
    rng = np.random.default_rng(5)
    y = np.concatenate([np.arange(3), rng.integers(0, 3, 97)])
    X = 1e8 + 1e4 * y[:, None] + 1e-3 * rng.normal(size=(100, 1))
    est = SharedVarianceGaussianNB().fit(X, y)
    xs = [Fraction(float(v)) for v in X[:, 0]]
    means = {c: sum(v for v, l in zip(xs, y) if l == c) / int((y == c).sum()) for c in range(3)}
    exact = sum((v - means[int(l)]) ** 2 for v, l in zip(xs, y)) / len(xs)
    assert abs(est.var_[0] / float(exact) - 1) <= 1e-6
    naive = float(np.mean(X[:, 0] ** 2) - np.sum(est.class_prior_ * est.theta_[:, 0] ** 2))
    assert abs(naive / float(exact) - 1) > 1e-3


def test_refit_replaces_everything_and_params_follow_sklearn():
    est = SharedVarianceGaussianNB(var_floor=1e-9)
    assert est.get_params() == {"var_floor": 1e-9} and repr(est) == "SharedVarianceGaussianNB(var_floor=1e-09)"
    assert est.set_params(var_floor=None) is est and repr(est) == "SharedVarianceGaussianNB()"
    est.fit(*_data(d=3, k=3))
    est.fit(*_data(d=2, k=4, seed=1))
    assert est.theta_.shape == (4, 2) and est.n_features_in_ == 2 and len(est.classes_) == 4
    with pytest.raises(InputError, match="unknown parameter 'alpha'"):
        est.set_params(alpha=1.0)


def test_peak_memory_of_fit_and_predict_is_small():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(200_000, 16))
    y = rng.integers(0, 10, 200_000)
    tracemalloc.start()
    try:
        est = SharedVarianceGaussianNB().fit(X, y)
        fit_peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.reset_peak()
        P = est.predict_proba(X)
        predict_peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert fit_peak < 0.1 * X.nbytes
    assert predict_peak < P.nbytes + 0.1 * X.nbytes


# ------------------------------------------------------------------ bad data


def _fit(X: Any, y: Any, **kw: Any) -> Callable[[], Any]:
    classes = kw.pop("classes", None)
    return lambda: SharedVarianceGaussianNB(**kw).fit(X, y, classes=classes)


def _predict(method: str, X: Any) -> Callable[[], Any]:
    est = SharedVarianceGaussianNB().fit(*_data(d=2))
    return lambda: getattr(est, method)(X)


_GOOD_X, _GOOD_Y = _data(n=8, d=2)
_NAN = _GOOD_X.copy()
_NAN[5, 1] = np.nan
_INF = _GOOD_X.copy()
_INF[2, 0] = -np.inf
_CONST = _GOOD_X.copy()
_CONST[:, 1] = 7.0
_BIG_NAN = np.random.default_rng(0).normal(size=(5000, 64))
_BIG_NAN[4321, 17] = np.nan
_BIG_Y = np.arange(5000) % 3

BAD = {
    "class-without-examples": (_fit(_GOOD_X, _GOOD_Y % 2, classes=[0, 1, 2]),
                               "class 2 has no examples (classes without examples: [2]); "
                               "the MLE needs every class at least once"),
    "named-class-without-examples": (_fit(_GOOD_X, np.array(["a", "b"])[_GOOD_Y % 2], classes=["a", "b", "zebra"]),
                                     "class 'zebra' has no examples (classes without examples: ['zebra']); "
                                     "the MLE needs every class at least once"),
    "label-not-in-classes": (_fit(_GOOD_X, _GOOD_Y, classes=[0, 1]), "y[2] = 2 is not one of classes [0, 1]"),
    "zero-pooled-variance": (_fit(_CONST, _GOOD_Y),
                             "feature 1 has zero pooled variance (every example equals its class mean); "
                             "the MLE does not exist; pass var_floor > 0 to fit anyway"),
    "one-example-per-class": (_fit(_GOOD_X[:3], _GOOD_Y[:3]),
                              "feature 0 has zero pooled variance (every example equals its class mean); "
                              "the MLE does not exist; pass var_floor > 0 to fit anyway"),
    "nan": (_fit(_NAN, _GOOD_Y),
            "X has a non-finite value (nan) at row 5, column 1; the data must be finite (no NaN or infinity)"),
    "infinity": (_fit(_INF, _GOOD_Y),
                 "X has a non-finite value (-inf) at row 2, column 0; the data must be finite (no NaN or infinity)"),
    "nan-in-a-later-chunk": (_fit(_BIG_NAN, _BIG_Y),
                             "X has a non-finite value (nan) at row 4321, column 17; "
                             "the data must be finite (no NaN or infinity)"),
    "overflow": (_fit(np.array([[1e300], [-1e300], [1e300], [3.0]]), [0, 0, 1, 1]),
                 "X has values too large for float64 arithmetic near row 0: sums of squares overflow; "
                 "rescale the features"),
    "length-mismatch": (_fit(_GOOD_X, _GOOD_Y[:-1]), "X and y have different lengths: X has 8 rows, y has 7 labels"),
    "empty-dataset": (_fit(np.zeros((0, 3)), []), "empty dataset: X has no rows"),
    "no-features": (_fit(np.zeros((4, 0)), [0, 1, 0, 1]), "empty dataset: X has no features (columns)"),
    "X-one-dimensional": (_fit(np.arange(4.0), [0, 1, 0, 1]),
                          "X must be a 2-D array (examples x features); got 1-D with shape (4,)"),
    "X-three-dimensional": (_fit(np.zeros((4, 2, 2)), [0, 1, 0, 1]),
                            "X must be a 2-D array (examples x features); got 3-D with shape (4, 2, 2)"),
    "X-strings": (_fit(np.array([["a"], ["b"]]), [0, 1]), "X must be numeric; got dtype <U1"),
    "y-two-dimensional": (_fit(_GOOD_X, _GOOD_Y[:, None]), "y must be a 1-D array of labels; got shape (8, 1)"),
    "y-nan-label": (_fit(_GOOD_X[:3], [0.0, np.nan, 1.0]), "y[1] is NaN: labels must be comparable values"),
    "var-floor-negative": (_fit(_GOOD_X, _GOOD_Y, var_floor=-1.0),
                           "var_floor must be a positive finite number or None; got -1.0"),
    "predict-wrong-features": (_predict("predict", np.zeros((3, 5))),
                               "X has 5 features, but SharedVarianceGaussianNB was fitted with 2 features"),
    "predict-proba-wrong-features": (_predict("predict_proba", np.zeros((3, 1))),
                                     "X has 1 features, but SharedVarianceGaussianNB was fitted with 2 features"),
    "predict-log-proba-1d": (_predict("predict_log_proba", np.zeros(2)),
                             "X must be a 2-D array (examples x features); got 1-D with shape (2,)"),
    "predict-nan": (_predict("predict_proba", np.array([[0.0, 1.0], [np.inf, 0.0]])),
                    "X has a non-finite value (inf) at row 1, column 0; the data must be finite (no NaN or infinity)"),
    "predict-before-fit": (lambda: SharedVarianceGaussianNB().predict(_GOOD_X),
                           "this SharedVarianceGaussianNB is not fitted yet; call fit(X, y) first"),
}


@pytest.mark.parametrize("action,message", list(BAD.values()), ids=list(BAD))
def test_bad_data_gives_a_clear_value_error(action, message):
    with pytest.raises(ValueError) as info:
        action()
    assert isinstance(info.value, InputError)
    assert str(info.value) == message


def test_var_floor_fits_zero_variance_features_and_is_off_by_default():
    est = SharedVarianceGaussianNB(var_floor=1e-6).fit(_CONST, _GOOD_Y)
    assert est.var_[1] == 1e-6 and est.var_[0] == pytest.approx(_reference(_GOOD_X, _GOOD_Y)[2][0], rel=1e-13)
    assert np.isfinite(est.predict_log_proba(_CONST)).all()
    assert SharedVarianceGaussianNB().var_floor is None


# ------------------------------------------------------------------ properties


@st.composite
def datasets(draw: Any, max_k: int = 6, max_d: int = 8, max_per_class: int = 60) -> Dataset:
    """K in 2..6, D in 1..8, every class present (often once), feature scales 1e-8..1e8."""
    K = draw(st.integers(2, max_k))
    D = draw(st.integers(1, max_d))
    counts = draw(st.lists(st.integers(1, max_per_class), min_size=K, max_size=K).filter(lambda c: sum(c) > K))
    scale_exp = draw(st.lists(st.floats(-8, 8), min_size=D, max_size=D))
    offset_exp = draw(st.lists(st.floats(0, 3), min_size=D, max_size=D))
    seed = draw(st.integers(0, 2**32 - 1))
    return make_dataset(np.random.default_rng(seed), counts, scale_exp, offset_exp)


PROPS = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SEEDS = st.integers(0, 2**32 - 1)


@PROPS
@given(datasets())
def test_property_gradient_vanishes_at_the_fit(ds):
    assert check_gradient(ds) is None


@PROPS
@given(datasets(), SEEDS)
def test_property_no_perturbation_lowers_the_nll(ds, seed):
    assert check_perturbation(ds, np.random.default_rng(seed)) is None


@settings(max_examples=25, deadline=None)
@given(datasets(max_k=3, max_d=3, max_per_class=20))
def test_property_optimizer_lands_on_the_closed_form(ds):
    assert check_optimizer(ds) is None


@PROPS
@given(datasets(), SEEDS)
def test_property_linear_posterior_is_direct_bayes(ds, seed):
    assert check_posterior(ds, np.random.default_rng(seed)) is None


@PROPS
@given(datasets(), SEEDS)
def test_property_affine_maps_and_duplication(ds, seed):
    assert check_metamorphic(ds, np.random.default_rng(seed)) is None


@PROPS
@given(datasets(), SEEDS)
def test_property_fit_matches_the_slow_reference_and_ignores_row_order(ds, seed):
    est = SharedVarianceGaussianNB().fit(ds.X, ds.y)
    _, theta, var, prior = _reference(ds.X, ds.y)
    sd = np.sqrt(var)
    big = np.abs(ds.X).max(axis=0)
    assert np.all(np.abs(est.theta_ - theta) <= 1e-12 * (sd + big))
    np.testing.assert_allclose(est.var_, var, rtol=1e-9)
    np.testing.assert_array_equal(est.class_prior_, prior)
    perm = np.random.default_rng(seed).permutation(ds.N)
    shuffled = SharedVarianceGaussianNB().fit(ds.X[perm], ds.y[perm])
    assert np.all(np.abs(shuffled.theta_ - est.theta_) <= 1e-12 * (sd + big))
    np.testing.assert_allclose(shuffled.var_, est.var_, rtol=1e-9)


@settings(max_examples=20, deadline=None)
@given(st.integers(2, 6), st.integers(1, 8), st.floats(-8, 8), SEEDS)
def test_property_one_example_per_class_needs_the_floor(K, D, scale_exp, seed):
    rng = np.random.default_rng(seed)
    X = 10.0**scale_exp * rng.normal(size=(K, D))
    y = rng.permutation(K)
    with pytest.raises(InputError, match=r"^feature 0 has zero pooled variance"):
        SharedVarianceGaussianNB().fit(X, y)
    est = SharedVarianceGaussianNB(var_floor=1e-3).fit(X, y)
    assert np.all(est.var_ == 1e-3)
    np.testing.assert_array_equal(est.theta_, X[np.argsort(y)])
