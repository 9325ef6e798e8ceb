"""Benchmark: seconds per matrix step (rule 15), against scalar steps measured in the same run.

Checks every step of the matrix examples and corpus files (examples/linear_algebra.tex,
tests/notes/matrixnotes.tex, tests/notes/gaussvec.tex) and, as the reference, the scalar
steps of examples/gnb_derivation.tex and examples/probability.tex. Prints the median and worst
seconds of each kind, their ratio, how many steps used their whole budget, and the verdicts.
Run: ``python3 benchmarks/matrix_steps.py``.
"""
from __future__ import annotations

import collections
import statistics
import sys
import time
from pathlib import Path

import sympy as sp

from derivations import check_derivation
from derivations.kernel.verdict import DEFAULT_BUDGET
from derivations.latex import load_tex

ROOT = Path(__file__).resolve().parent.parent
MATRIX_FILES = [ROOT / "examples" / "linear_algebra.tex", ROOT / "tests" / "notes" / "matrixnotes.tex",
                ROOT / "tests" / "notes" / "gaussvec.tex"]
SCALAR_FILES = [ROOT / "examples" / "gnb_derivation.tex", ROOT / "examples" / "probability.tex"]


def _is_matrix(claim: object) -> bool:
    exprs = [getattr(claim, f) for f in ("lhs", "rhs", "result", "of", "wrt", "value", "var") if hasattr(claim, f)]
    return any(isinstance(e, sp.Basic) and bool(e.atoms(sp.MatrixSymbol)) for e in exprs)


def _run(files: list[Path], want_matrix: bool) -> tuple[list[float], collections.Counter]:
    secs: list[float] = []
    verdicts: collections.Counter = collections.Counter()
    for f in files:
        for d in load_tex(str(f)):
            rep = check_derivation(d)
            for step, res in zip(d.steps, rep.steps):
                if res.verdict in ("noted", "error") or _is_matrix(step.claim) != want_matrix:
                    continue
                secs.append(res.seconds)
                verdicts[res.verdict] += 1
    return secs, verdicts


def _line(name: str, secs: list[float], verdicts: collections.Counter) -> str:
    over = sum(1 for s in secs if s >= DEFAULT_BUDGET * 0.95)
    return (f"{name}: {len(secs)} steps, median {statistics.median(secs):.3f} s, worst {max(secs):.2f} s, "
            f"{over} at the {DEFAULT_BUDGET:g} s budget; verdicts {dict(sorted(verdicts.items()))}")


def main() -> int:
    t0 = time.perf_counter()
    m_secs, m_verdicts = _run(MATRIX_FILES, True)
    s_secs, s_verdicts = _run(SCALAR_FILES, False)
    print(_line("matrix steps", m_secs, m_verdicts))
    print(_line("scalar steps (reference, same run)", s_secs, s_verdicts))
    print(f"ratio of medians (matrix / scalar): {statistics.median(m_secs) / statistics.median(s_secs):.1f}x; "
          f"{time.perf_counter() - t0:.0f} s in all")
    return 0


if __name__ == "__main__":
    sys.exit(main())
