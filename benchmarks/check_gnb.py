"""Benchmark: `derivations check gnb` end to end against the naive fixed-size approach.

Ours: the general derivation (symbolic K, D, N), process start included, median of 5.
Reference, measured in the same run: explicit scalar symbols for K = D = 6, N = 24 and
sympy.solve on all stationarity equations (what one would write without the kernel).
"""
from __future__ import annotations

import random
import statistics
import subprocess
import sys
import time

import sympy as sp


def ours(runs: int = 5) -> list[float]:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        r = subprocess.run([sys.executable, "-m", "derivations", "check", "gnb", "--numeric-samples", "0"],
                           capture_output=True, text=True)
        times.append(time.perf_counter() - t)
        if r.returncode != 0:
            sys.exit(f"derivations check gnb failed:\n{r.stdout}\n{r.stderr}")
    return times


def naive(K: int, D: int, N: int, seed: int = 0) -> float:
    """Scalar symbols for one fixed size; sympy.solve on the stationarity equations."""
    rng = random.Random(seed)
    labels = list(range(K)) + [rng.randrange(K) for _ in range(N - K)]
    t = time.perf_counter()
    x = [[sp.Symbol(f"x_{m}_{i}", real=True) for i in range(D)] for m in range(N)]
    u = [[sp.Symbol(f"u_{k}_{i}", real=True) for i in range(D)] for k in range(K)]
    v = [sp.Symbol(f"v_{i}", positive=True) for i in range(D)]
    a = [sp.Symbol(f"a_{k}", positive=True) for k in range(K)]
    lam = sp.Symbol("lam")
    nll = -sum(sp.log(a[labels[m]]) - sum(sp.log(2 * sp.pi * v[i]) / 2 + (x[m][i] - u[labels[m]][i]) ** 2 / (2 * v[i])
                                           for i in range(D)) for m in range(N))
    L = nll + lam * (sum(a) - 1)
    sol_u = sp.solve([sp.diff(nll, q) for row in u for q in row], [q for row in u for q in row], dict=True)[0]
    sol_v = {vi: sp.solve(sp.diff(nll.subs(sol_u), vi), vi)[0] for vi in v}
    sol_a = sp.solve([sp.diff(L, ak) for ak in a] + [sum(a) - 1], a + [lam], dict=True)[0]
    assert sol_a[a[0]] == sp.Rational(labels.count(0), N)
    assert all(sol_v.values())
    return time.perf_counter() - t


def main() -> None:
    o = ours()
    med = statistics.median(o)
    print(f"derivations check gnb (general K, D, N; process start included): median {med:.2f} s over {len(o)} runs "
          f"(min {min(o):.2f}, max {max(o):.2f})")
    for K, D, N in ((6, 6, 24), (3, 3, 12), (8, 6, 32)):
        ref = naive(K, D, N)
        print(f"naive sympy.solve, scalar symbols K={K} D={D} N={N}: {ref:.2f} s; ratio naive/ours = {ref / med:.1f}x")
    print("ours does not depend on K, D, N: the derivation has no fixed size (target: median under 5 s)")


if __name__ == "__main__":
    main()
