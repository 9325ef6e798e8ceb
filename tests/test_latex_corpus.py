"""The corpus of LaTeX derivations end to end: every step's verdict class as expected; slips refuted.

Corpus files mark each step's source line with ``% expect: ok|wrong|error`` (one word per
step on that line). ``ok`` is proved or supported, ``wrong`` is refuted.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest
import sympy as sp

from derivations.kernel.verdict import check_derivation
from derivations.latex import load_tex, read_tex_string

ROOT = Path(__file__).resolve().parent.parent
CORPUS = sorted((ROOT / "tests" / "corpus").glob("*.tex"))
EXAMPLES = [ROOT / "examples" / "gnb_derivation.tex", ROOT / "examples" / "gnb_with_slips.tex"]
BUDGET = 30.0
CLASS = {"proved": "ok", "supported": "ok", "refuted": "wrong", "error": "error", "unknown": "unknown"}


def _expected(path: Path, steps: list) -> dict[int, list[str]]:
    """Expected classes by line: from ``% expect:`` markers, or for the examples from "(slip" in the reason."""
    if path in EXAMPLES:
        out: dict[int, list[str]] = {}
        for s in steps:
            if s.kind == "claim":
                out.setdefault(s.line, []).append("wrong" if "(slip" in s.by else "ok")
        return out
    lines = path.read_text(encoding="utf-8").split("\n")
    return {n: m.group(1).split() for n, line in enumerate(lines, 1) if (m := re.search(r"% expect:([a-z ]+)$", line))}


def test_corpus_every_step_gets_its_expected_verdict_class() -> None:
    table, wrong_rows, counts = [], [], {"ok": 0, "wrong": 0, "error": 0, "unknown": 0}
    for path in CORPUS + EXAMPLES:
        derivations = load_tex(str(path))
        steps = [s for d in derivations for s in d.steps]
        got: dict[int, list[tuple[str, str]]] = {}
        for d in derivations:
            for s, r in zip(d.steps, check_derivation(d, budget=BUDGET).steps):
                if r.verdict != "noted":
                    got.setdefault(s.line, []).append((CLASS[r.verdict], f"{r.verdict}: {r.detail[:80]}"))
        expected = _expected(path, steps)
        for line in sorted(set(got) | set(expected)):
            exp = expected.get(line, [])
            have = [c for c, _ in got.get(line, [])]
            row = f"{path.name}:{line}: expected {exp}, got {[v for _, v in got.get(line, [])]}"
            table.append(row)
            if exp != have:
                wrong_rows.append(row)
            for e in exp:
                counts[e] += 1
    assert not wrong_rows, "\n".join(wrong_rows)
    assert counts["ok"] >= 100 and counts["wrong"] >= 50 and sum(counts.values()) >= 150, counts


def test_examples_have_the_seed_sheets_kinds_of_slips() -> None:
    slips = [s.by for d in load_tex(str(EXAMPLES[1])) for s in d.steps if "(slip" in s.by]
    text = " ".join(slips)
    for kind in ("1/2 is dropped", "sign", "N for N_k", "sigma_i for", "u_{ik}", "starts at 2"):
        assert kind in text, kind
    assert len(slips) == 8


# ---------------------------------------------------------------- mutations of correct steps

GNB = "% assume: \\sigma_i > 0, \\alpha_k > 0, 1 \\leq k \\leq K, 1 \\leq i \\leq D, 1 \\leq y^{(m)} \\leq K"
NK = r"\sum_{m=1}^{N}\mathbb{1}[y^{(m)} = k]"
BASES = [
    ("gauss-nll", "% assume: \\sigma > 0",
     r"\sum_{m=1}^{N} \log\left(\frac{1}{\sqrt{2\pi\sigma^2}} e^{-\frac{(x_m - \mu)^2}{2\sigma^2}}\right)",
     r"-\frac{N}{2}\log(2\pi\sigma^2) - \frac{1}{2\sigma^2}\sum_{m=1}^{N} (x_m - \mu)^2"),
    ("gauss-dmu", "% assume: \\sigma > 0",
     r"\frac{\partial}{\partial \mu} \sum_{m=1}^{N} \frac{(x_m - \mu)^2}{2\sigma^2}",
     r"-\frac{1}{\sigma^2}\sum_{m=1}^{N} (x_m - \mu)"),
    ("gauss-dvar", "% assume: \\sigma > 0",
     r"\frac{\partial}{\partial \sigma^2}\left(\frac{N}{2}\log(2\pi\sigma^2) + \frac{1}{2\sigma^2}\sum_{m=1}^{N} (x_m - \mu)^2\right)",
     r"\frac{N}{2\sigma^2} - \frac{1}{2\sigma^4}\sum_{m=1}^{N} (x_m - \mu)^2"),
    ("gnb-expand", GNB, r"-\frac{(x_i - u_{ki})^2}{2\sigma_i^2}",
     r"-\frac{x_i^2}{2\sigma_i^2} + \frac{u_{ki} x_i}{\sigma_i^2} - \frac{u_{ki}^2}{2\sigma_i^2}"),
    ("gnb-du", GNB,
     r"\frac{\partial}{\partial u_{ki}} \sum_{m=1}^{N} \sum_{j=1}^{D} \frac{(x_j^{(m)} - u_{y^{(m)} j})^2}{2\sigma_j^2}",
     r"-\sum_{m=1}^{N} \mathbb{1}[y^{(m)} = k] \frac{x_i^{(m)} - u_{ki}}{\sigma_i^2}"),
    ("gnb-dvar", GNB,
     r"\frac{\partial}{\partial \sigma_i^2} \sum_{m=1}^{N} \left(\frac{1}{2}\log(2\pi\sigma_i^2)"
     r" + \frac{(x_i^{(m)} - u_{y^{(m)} i})^2}{2\sigma_i^2}\right)",
     r"\sum_{m=1}^{N} \left(\frac{1}{2\sigma_i^2} - \frac{(x_i^{(m)} - u_{y^{(m)} i})^2}{2\sigma_i^4}\right)"),
    ("gnb-mean", GNB + "\n% assume: " + NK + r" \geq 1",
     NK + r"\left(x_i^{(m)} - u_{ki}\right) = 0 \implies u_{ki}",
     r"\frac{1}{" + NK + r"} \sum_{m=1}^{N} \mathbb{1}[y^{(m)} = k]\, x_i^{(m)}"),
    ("gnb-variance", GNB,
     r"\frac{N}{2\sigma_i^2} - \frac{1}{2\sigma_i^4}\sum_{m=1}^{N} (x_i^{(m)} - u_{y^{(m)} i})^2 = 0 \implies \sigma_i^2",
     r"\frac{1}{N}\sum_{m=1}^{N} (x_i^{(m)} - u_{y^{(m)} i})^2"),
    ("gnb-prior", GNB,
     r"\frac{\partial}{\partial \alpha_k}\left(-\sum_{m=1}^{N} \log\alpha_{y^{(m)}} + \lambda\left(\sum_{c=1}^{K} \alpha_c - 1\right)\right)",
     r"\lambda - \frac{1}{\alpha_k}" + NK),
    ("poisson-d", "% assume: \\lambda > 0",
     r"\frac{\partial}{\partial \lambda} \sum_{m=1}^{N} \left(x_m \log\lambda - \lambda\right)",
     r"\frac{1}{\lambda}\sum_{m=1}^{N} x_m - N"),
]
MUTATIONS = {
    "drop-half": [(r"\frac{1}{2\sigma", r"\frac{1}{\sigma"), (r"\frac{N}{2\sigma", r"\frac{N}{\sigma"),
                  (r"\frac{N}{2}", "N"), (r"\frac{1}{2}", ""), (r"{2\sigma_i^2}", r"{\sigma_i^2}")],
    "flip-sign": [(" - ", " + ")],
    "sigma-for-variance": [(r"\sigma_i^2", r"\sigma_i"), (r"\sigma^2", r"\sigma")],
    "shift-bound": [("_{m=1}", "_{m=2}"), ("_{c=1}", "_{c=2}")],
    "swap-indices": [("u_{ki}", "u_{ik}"), (r"u_{y^{(m)} i}", r"u_{i y^{(m)}}"), (r"x_i^{(m)}", r"x_m^{(i)}")],
}


def _mutate(rhs: str, kind: str) -> str | None:
    for old, new in MUTATIONS[kind]:
        if old in rhs:
            return rhs.replace(old, new, 1)
    return None


CASES = [(f"{name}/{kind}", assume, lhs, _mutate(rhs, kind)) for name, assume, lhs, rhs in BASES
         for kind in MUTATIONS if _mutate(rhs, kind) is not None]


def _verdicts(assume: str, lhs: str, rhs: str) -> list[str]:
    derivations = read_tex_string(f"{assume}\n\\[ {lhs} = {rhs} \\]", "mutation.tex")
    return [s.verdict for d in derivations for s in check_derivation(d, budget=BUDGET).steps if s.verdict != "noted"]


@pytest.mark.parametrize("assume,lhs,rhs", [(a, l_, r) for _, a, l_, r in BASES], ids=[b[0] for b in BASES])
def test_unmutated_step_passes(assume: str, lhs: str, rhs: str) -> None:
    assert _verdicts(assume, lhs, rhs) in (["proved"], ["supported"])


@pytest.mark.parametrize("assume,lhs,rhs", [(a, l_, r) for _, a, l_, r in CASES], ids=[c[0] for c in CASES])
def test_mutated_step_is_refuted(assume: str, lhs: str, rhs: str) -> None:
    assert _verdicts(assume, lhs, rhs) == ["refuted"]


def test_every_kind_of_slip_is_exercised() -> None:
    kinds = {c[0].split("/")[1] for c in CASES}
    assert kinds == set(MUTATIONS) and len(CASES) >= 30


# ---------------------------------------------------------------- why not SymPy's parse_latex

def test_sympy_parse_latex_reads_a_family_sum_as_n_times_one_symbol() -> None:
    from sympy.parsing.latex import parse_latex

    lhs = parse_latex(r"\sum_{m=1}^{N} x_m", backend="lark")
    rhs = parse_latex(r"N x_m", backend="lark")
    assert sp.simplify(lhs.doit() - rhs) == 0
    assert isinstance(parse_latex(r"x^{(m)}", backend="lark"), sp.Pow)


def test_our_reader_refutes_the_same_slip() -> None:
    assert _verdicts("", r"\sum_{m=1}^{N} x_m", r"N x_m") == ["refuted"]
    assert _verdicts("", r"\sum_{m=1}^{N} c", r"N c") == ["proved"]
