"""The notes corpus (tests/notes): its truth holds independently, and the tool never contradicts it.

The truth of each relation is computed in plain floats by tests/notes/truth_*.py; the tool's
verdicts are compared with it: a true relation is never refuted, a false one never accepted.
How many are read and decided is measured by benchmarks/notes_corpus.py, not asserted here.
"""
from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path

import pytest

from derivations import check_derivation
from derivations.latex import load_tex

NOTES = Path(__file__).parent / "notes"
sys.path.insert(0, str(NOTES))
from _truth import Draw, agree  # noqa: E402

MARK = re.compile(r"% truth:\s*([TFN ]+)\s*$")
FILES = sorted(NOTES.glob("*.tex"))
DRAWS = 40


def _marks(path: Path) -> list[tuple[int, str]]:
    out = []
    for n, line in enumerate(path.read_text(encoding="utf-8").split("\n"), 1):
        if m := MARK.search(line):
            out.extend((n, t) for t in m.group(1).split() if t != "N")
    return out


def _relations(path: Path) -> list[tuple]:
    spec = importlib.util.spec_from_file_location(f"truth_{path.stem}", NOTES / f"truth_{path.stem}.py")
    assert spec and spec.loader, f"no truth module for {path.name}"
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return list(mod.RELATIONS)


def _holds(check, seed: int) -> bool:  # type: ignore[no-untyped-def]
    got = check(Draw(seed))
    return got if isinstance(got, bool) else agree(*got)


def test_the_corpus_is_large_enough() -> None:
    displays = sum(len(re.findall(r"\\begin\{(?:align|equation|gather|multline|eqnarray)\*?\}|\\\[|\$\$",
                                  f.read_text(encoding="utf-8"))) for f in FILES)
    assert len(FILES) >= 6 and displays >= 60, (len(FILES), displays)


@pytest.mark.parametrize("path", FILES, ids=[f.stem for f in FILES])
def test_truth_is_independent_of_the_tool(path: Path) -> None:
    """Every T/F marker has a float check in file order, and the check agrees with the marker."""
    marks, rels = _marks(path), _relations(path)
    assert [(line, t) for line, t, _ in rels] == marks
    for line, t, check in rels:
        held = [_holds(check, seed) for seed in range(DRAWS)]
        if t == "T":
            assert all(held), f"{path.name}:{line} marked T fails at draw {held.index(False)}"
        else:
            assert not all(held), f"{path.name}:{line} marked F holds at {DRAWS} draws"


@pytest.mark.parametrize("path", FILES, ids=[f.stem for f in FILES])
def test_the_tool_never_contradicts_the_truth(path: Path) -> None:
    marks: dict[int, list[str]] = {}
    for line, t in _marks(path):
        marks.setdefault(line, []).append(t)
    got: dict[int, list[str]] = {}
    for d in load_tex(str(path)):
        rep = check_derivation(d, budget=20)
        for s, r in zip(d.steps, rep.steps):
            if r.verdict != "noted":
                got.setdefault(s.line, []).append(r.verdict)
    wrong = []
    for line, want in marks.items():
        verdicts = got.get(line, [])
        if len(verdicts) != len(want):  # read differently from its markers: judge the row as a whole
            if ("refuted" in verdicts and "F" not in want) or (
                    {"proved", "supported"} & set(verdicts) and "T" not in want):
                wrong.append(f"{path.name}:{line}: marked {want}, got {verdicts}")
            continue
        for t, v in zip(want, verdicts):
            if (t == "T" and v == "refuted") or (t == "F" and v in ("proved", "supported")):
                wrong.append(f"{path.name}:{line}: marked {t}, got {v}")
    assert not wrong, wrong
