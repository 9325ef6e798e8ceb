"""Benchmark: the notes-style corpus (tests/notes/*.tex, `% truth:` markers) read and checked end to end.

Prints: relations read (not `error`), true relations accepted (proved or supported), false relations
refuted, wrong verdicts (a true relation refuted, a false one accepted: must be 0), rows that are
not claims reported as `noted`, and seconds per step (median, worst). Run with a directory to
measure another checkout the same way: ``python3 benchmarks/notes_corpus.py [CORPUS_DIR]``.
"""
from __future__ import annotations

import re
import statistics
import sys
import time
from pathlib import Path

import derivations
from derivations import check_derivation

# the reader of the checkout that `derivations` was imported from (before the layout move: _latex.py)
if (Path(derivations.__file__).parent / "latex").is_dir():
    from derivations.latex import load_tex
else:
    from derivations._latex import load_tex  # type: ignore[no-redef]

ROOT = Path(__file__).resolve().parent.parent
MARK = re.compile(r"% truth:\s*([TFN ]+)\s*$")


def main(corpus: Path) -> int:
    files = sorted(corpus.glob("*.tex"))
    counts = {"T": 0, "F": 0, "N": 0, "read": 0, "true_ok": 0, "false_refuted": 0, "wrong": 0, "noted_ok": 0,
              "unmatched_rows": 0}
    secs: list[float] = []
    wrong_rows: list[str] = []
    t0 = time.perf_counter()
    for f in files:
        marks = {n: m.group(1).split() for n, line in enumerate(f.read_text(encoding="utf-8").split("\n"), 1)
                 if (m := MARK.search(line))}
        got: dict[int, list[tuple[str, str]]] = {}
        for d in load_tex(str(f)):
            rep = check_derivation(d)
            for s, r in zip(d.steps, rep.steps):
                got.setdefault(s.line, []).append((r.verdict, r.detail[:90]))
                if r.verdict not in ("noted", "error"):  # the steps that were checked
                    secs.append(r.seconds)
        for line, tokens in marks.items():
            verdicts = got.get(line, [])
            for t in tokens:
                counts[t] += 1
            claims = [v for v in verdicts if v[0] != "noted"]
            noted = [v for v in verdicts if v[0] == "noted"]
            counts["noted_ok"] += min(tokens.count("N"), len(noted))
            want = [t for t in tokens if t != "N"]
            if len(claims) != len(want):
                counts["unmatched_rows"] += 1
                counts["read"] += sum(1 for v in claims if v[0] != "error")
                continue
            for t, (v, detail) in zip(want, claims):
                if v != "error":
                    counts["read"] += 1
                if t == "T" and v in ("proved", "supported"):
                    counts["true_ok"] += 1
                if t == "F" and v == "refuted":
                    counts["false_refuted"] += 1
                if (t == "T" and v == "refuted") or (t == "F" and v in ("proved", "supported")):
                    counts["wrong"] += 1
                    wrong_rows.append(f"{f.name}:{line}: {t} got {v}: {detail}")
    total = time.perf_counter() - t0
    rel = counts["T"] + counts["F"]
    print(f"corpus: {len(files)} files, {rel} claimed relations ({counts['T']} true, {counts['F']} false), "
          f"{counts['N']} rows that are not claims")
    if rel:
        print(f"relations read:       {counts['read']}/{rel} = {100 * counts['read'] / rel:.0f}%")
        print(f"true accepted:        {counts['true_ok']}/{counts['T']} = {100 * counts['true_ok'] / max(counts['T'], 1):.0f}%")
        print(f"false refuted:        {counts['false_refuted']}/{counts['F']} = "
              f"{100 * counts['false_refuted'] / max(counts['F'], 1):.0f}%")
    print(f"wrong verdicts:       {counts['wrong']}")
    print(f"non-claims noted:     {counts['noted_ok']}/{counts['N']}")
    print(f"rows whose step count differs from the markers: {counts['unmatched_rows']}")
    if secs:
        print(f"seconds per checked step: median {statistics.median(secs):.3f}, worst {max(secs):.2f} "
              f"({len(secs)} steps, {total:.1f} s in all)")
    for w in wrong_rows:
        print("  WRONG", w)
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "tests" / "notes"))
