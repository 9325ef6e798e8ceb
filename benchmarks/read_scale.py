"""Benchmark: reading is linear in the input. A generated file of 2,000 rows (and one of 500) read
into kernel claims, median of 3 runs each; the reference, measured in the same run, is the source
stage alone (displays, rows, macros) on the same text. Goal: 2,000 rows in under 2 s."""
from __future__ import annotations

import statistics
import sys
import time

from derivations.latex import read_tex_string
from derivations.latex.source import read_source

PREAMBLE = "\\newcommand{\\sq}[1]{{#1}^{2}}\n% assume: 1 \\leq n \\leq N, \\sigma > 0\n"
ROWS = [r"\sq{a_{%d} + b} &= a_{%d}^2 + 2 a_{%d} b + b^2", r"\sum_{n=1}^{N} (x_n + %d) &= \sum_{n=1}^{N} x_n + %d N",
        r"\frac{\partial}{\partial \sigma} \log \sigma^{%e} &= \frac{%e}{\sigma}", r"|c_{%d}| &\geq 0"]


def generate(rows: int) -> str:
    out = [PREAMBLE]
    for k in range(0, rows, 10):
        body = " \\\\\n".join(ROWS[(k + j) % len(ROWS)].replace("%d", str(k + j + 1)).replace("%e", str((k + j) % 9 + 2))
                             for j in range(10))
        out.append(f"\\begin{{align}}\n{body}\n\\end{{align}}\n")
    return "".join(out)


def _median(fn, reps: int = 3) -> float:
    times = []
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> int:
    results = {}
    for rows in (500, 2000):
        text = generate(rows)
        read = _median(lambda: read_tex_string(text, "gen.tex"))
        src = _median(lambda: read_source(text.encode(), "gen.tex"))
        steps = sum(len(d.steps) for d in read_tex_string(text, "gen.tex"))
        results[rows] = read
        print(f"{rows} rows ({len(text)} bytes, {steps} steps): read {read:.2f} s (median of 3), source stage alone "
              f"{src:.3f} s, ratio {read / src:.0f}x")
    print(f"2000 rows vs 500 rows: {results[2000] / results[500]:.2f}x the time for 4x the rows (linear: 4x)")
    print(f"goal 2000 rows under 2 s: {'met' if results[2000] < 2 else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
