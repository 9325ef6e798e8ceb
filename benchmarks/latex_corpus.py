"""Benchmark: the LaTeX corpus checked end to end (read, then every step through the kernel).

Ours: ``load_tex`` on every file of tests/corpus and the two GNB examples, then
``check_derivation`` with the default budget. Reported: median seconds per step, the slowest
step, and how many steps reached their budget (target: median under 0.5 s, none at budget).
References measured in the same run: the time to only read the files (parse + build claims),
SymPy's ``simplify(lhs - rhs)`` on the same Equal pairs, each in a killable worker with
the same budget, as a plain symbolic baseline, and, for the proved steps, the symbolic phase
alone in a worker: what a step cost before every proof had to be confirmed by direct evaluation.
"""
from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

import sympy as sp

from derivations.kernel.claims import Equal
from derivations.kernel import verdict as _kernel
from derivations.kernel.verdict import DEFAULT_BUDGET, check_derivation
from derivations.latex import load_tex
from derivations.kernel.worker import run_bounded

ROOT = Path(__file__).resolve().parent.parent
FILES = sorted((ROOT / "tests" / "corpus").glob("*.tex")) + [
    ROOT / "examples" / "gnb_derivation.tex", ROOT / "examples" / "gnb_with_slips.tex"]


def _simplify_zero(lhs: sp.Expr, rhs: sp.Expr) -> bool:
    return sp.simplify(lhs - rhs) == 0


def main(budget: float = DEFAULT_BUDGET) -> int:
    t0 = time.perf_counter()
    derivations = [d for f in FILES for d in load_tex(str(f))]
    read_s = time.perf_counter() - t0
    steps = [(d, s) for d in derivations for s in d.steps]

    per_step: list[tuple[float, str, str]] = []
    t0 = time.perf_counter()
    for d in derivations:
        for s, r in zip(d.steps, check_derivation(d, budget=budget).steps):
            per_step.append((r.seconds, r.verdict, f"{Path(d.source).name}:{s.line}"))
    total_s = time.perf_counter() - t0
    secs = [p[0] for p in per_step]
    at_budget = [p for p in per_step if p[0] >= 0.95 * budget]
    slow = max(per_step)
    verdicts = {v: sum(1 for p in per_step if p[1] == v)
                for v in ("proved", "supported", "refuted", "unknown", "error", "noted")}
    median = statistics.median(secs)
    print(f"LaTeX corpus: {len(FILES)} files, {len(per_step)} steps, budget {budget:g} s per step")
    print("  verdicts: " + ", ".join(f"{n} {v}" for v, n in verdicts.items()))
    print(f"  checked end to end: median {median:.3f} s/step, mean {statistics.mean(secs):.3f} s/step, "
          f"total {total_s:.1f} s (target median under 0.5 s: {'met' if median < 0.5 else 'MISSED'})")
    print(f"  slowest step: {slow[2]} ({slow[1]}) {slow[0]:.2f} s; steps at their budget: {len(at_budget)}"
          + (" " + ", ".join(p[2] for p in at_budget) if at_budget else ""))

    print(f"reference, reading only (parse + claims): {read_s:.2f} s total, {read_s / max(len(steps), 1) * 1000:.1f} ms/step; "
          f"checking/reading = {total_s / read_s:.1f}x")
    eq = [(s.claim, p[1]) for p, (_, s) in zip(per_step, steps) if isinstance(s.claim, Equal)]
    times, timeouts = [], 0
    zero = {"passing": 0, "refuted": 0}
    for c, verdict in eq:
        t = time.perf_counter()
        out = run_bounded(_simplify_zero, (c.lhs, c.rhs), budget)
        times.append(time.perf_counter() - t)
        timeouts += out.status == "timeout"
        if out.status == "ok" and out.value:
            zero["refuted" if verdict == "refuted" else "passing"] += 1
    passing = sum(1 for _, v in eq if v in ("proved", "supported"))
    ours_eq = statistics.median([p[0] for p, (_, s) in zip(per_step, steps) if isinstance(s.claim, Equal)])
    ref = statistics.median(times)
    print(f"reference, SymPy simplify(lhs - rhs) == 0 on the {len(eq)} Equal steps (same worker, same budget): "
          f"median {ref:.3f} s/step, {timeouts} timeouts; it shows {zero['passing']} of our {passing} passing "
          f"steps equal (and {zero['refuted']} of our refuted ones); ours on the same steps: median "
          f"{ours_eq:.3f} s/step, ratio ours/simplify = {ours_eq / ref:.2f}x")
    unconfirmed = []
    for p, (d, s) in zip(per_step, steps):
        if p[1] != "proved":
            unconfirmed.append(p[0])
            continue
        t = time.perf_counter()
        run_bounded(_kernel._symbolic, (s.claim, d.assumptions), budget)
        unconfirmed.append(time.perf_counter() - t)
    claims = [n for n, p in enumerate(per_step) if p[1] != "noted"]
    before = statistics.median([unconfirmed[n] for n in claims])
    after = statistics.median([per_step[n][0] for n in claims])
    proved = [n for n in claims if per_step[n][1] == "proved"]
    p_before = statistics.median([unconfirmed[n] for n in proved])
    p_after = statistics.median([per_step[n][0] for n in proved])
    print(f"reference, proved steps by the symbolic phase alone (no confirmation), other steps as checked: median "
          f"{before:.3f} s/claim; with confirmation {after:.3f} s/claim, ratio {after / before:.2f}x; proved steps "
          f"only: {p_before:.3f} vs {p_after:.3f} s, ratio {p_after / p_before:.2f}x")
    return 0 if median < 0.5 and not at_budget else 1


if __name__ == "__main__":
    sys.exit(main(float(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_BUDGET))
