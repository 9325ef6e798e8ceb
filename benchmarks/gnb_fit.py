"""Benchmark: SharedVarianceGaussianNB against scikit-learn's GaussianNB and the one-pass floor.

N = 1e6 and 1e7, D = 16, K = 10, float64. In one run, interleaved, medians of several runs:
our fit vs GaussianNB.fit, our predict_proba vs GaussianNB.predict_proba, and the floor
X.sum(axis=0) (one pass over X). Peak memory of the fit by tracemalloc, against the size of X.
Targets: fit >= 3x faster than scikit-learn and within 3x of the floor; predict_proba >= 2x
faster than scikit-learn's; peak memory during the fit (X included) under 1.5x the data.
scikit-learn is a benchmark-only dependency: pip install scikit-learn.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
import tracemalloc
from typing import Any, Callable, Optional

import numpy as np

from derivations.content.gnb.estimator import SharedVarianceGaussianNB

D, K = 16, 10


def _sklearn() -> Optional[Any]:
    try:
        from sklearn.naive_bayes import GaussianNB
    except ImportError:
        return None
    return GaussianNB


def _time(fn: Callable[[], Any]) -> float:
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def _data(n: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    y = rng.integers(0, K, n)
    X = rng.standard_normal((n, D))
    X += rng.normal(0, 2, (K, D))[y]
    return X, y


def _peak(fn: Callable[[], Any]) -> int:
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def bench(n: int, runs: int, GaussianNB: Optional[Any]) -> list[tuple[str, float, float, bool]]:
    X, y = _data(n)
    gb = X.nbytes / 1e9
    print(f"\nN = {n:.0e}, D = {D}, K = {K}, float64: X is {gb:.2f} GB; median of {runs} runs")
    t: dict[str, list[float]] = {k: [] for k in ("fit", "sk_fit", "floor", "proba", "sk_proba")}
    ours = SharedVarianceGaussianNB()
    sk = GaussianNB() if GaussianNB else None
    for _ in range(runs):
        t["floor"].append(_time(lambda: X.sum(axis=0)))
        t["fit"].append(_time(lambda: ours.fit(X, y)))
        if sk is not None:
            t["sk_fit"].append(_time(lambda: sk.fit(X, y)))
        t["proba"].append(_time(lambda: ours.predict_proba(X)))
        if sk is not None:
            t["sk_proba"].append(_time(lambda: sk.predict_proba(X)))
    med = {k: statistics.median(v) for k, v in t.items() if v}
    print(f"  floor X.sum(axis=0)           {med['floor']:8.3f} s")
    print(f"  ours  fit                     {med['fit']:8.3f} s")
    if sk is not None:
        print(f"  sklearn GaussianNB.fit        {med['sk_fit']:8.3f} s")
    print(f"  ours  predict_proba           {med['proba']:8.3f} s")
    if sk is not None:
        print(f"  sklearn predict_proba         {med['sk_proba']:8.3f} s")
    extra = _peak(lambda: SharedVarianceGaussianNB().fit(X, y))
    mem = (X.nbytes + extra) / X.nbytes
    print(f"  fit peak extra memory (tracemalloc) {extra / 1e6:.1f} MB = {extra / X.nbytes:.4f} x X; "
          f"with X itself {mem:.3f} x the data")
    rows = [("fit / floor (target <= 3)", med["fit"] / med["floor"], 3.0, med["fit"] / med["floor"] <= 3.0),
            ("peak memory / data (target < 1.5)", mem, 1.5, mem < 1.5)]
    if sk is not None:
        ref_var = (sk.var_ - sk.epsilon_).T @ sk.class_count_ / n
        print(f"  agreement with sklearn: max |theta diff| {np.abs(sk.theta_ - ours.theta_).max():.2e}, "
              f"max rel pooled-variance diff {np.abs(ref_var / ours.var_ - 1).max():.2e}")
        r_fit = med["sk_fit"] / med["fit"]
        r_proba = med["sk_proba"] / med["proba"]
        rows[:0] = [("sklearn fit / ours (target >= 3)", r_fit, 3.0, r_fit >= 3.0),
                    ("sklearn predict_proba / ours (target >= 2)", r_proba, 2.0, r_proba >= 2.0)]
    for name, value, _, ok in rows:
        print(f"  {name:<44} {value:7.2f}x  {'met' if ok else 'MISSED'}")
    return rows


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--sizes", type=float, nargs="*", default=[1e6, 1e7])
    p.add_argument("--runs", type=int, default=5, help="runs per size (1e7 uses max(3, runs - 2))")
    args = p.parse_args()
    GaussianNB = _sklearn()
    print(f"numpy {np.__version__}; {os.cpu_count()} CPUs; python {sys.version.split()[0]}")
    if GaussianNB is None:
        print("scikit-learn is NOT installed: the reference is skipped (pip install scikit-learn); "
              "only the floor and memory targets are measured")
    else:
        import sklearn

        print(f"scikit-learn {sklearn.__version__} (benchmark-only dependency)")
    missed = 0
    for n in args.sizes:
        n = int(n)
        runs = args.runs if n < 5_000_000 else max(3, args.runs - 2)
        missed += sum(not ok for *_, ok in bench(n, runs, GaussianNB))
    print("\nall targets met" if missed == 0 and GaussianNB else
          f"\n{missed} target(s) missed" + ("" if GaussianNB else "; scikit-learn targets not measured"))
    return 0 if missed == 0 and GaussianNB else 1


if __name__ == "__main__":
    sys.exit(main())
