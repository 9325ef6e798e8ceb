"""Exports: real LaTeX that pdflatex compiles, Markdown and JSON with the same facts."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import sympy as sp

from derivations import Derivation, Equal, Report, check_derivation
from derivations.frontends.export import export, latex_standalone

WRAPPER = r"""\documentclass{article}
\usepackage[margin=2cm,landscape]{geometry}
\usepackage{amsmath}
\usepackage{amssymb}
\usepackage{booktabs}
\usepackage[table]{xcolor}
\allowdisplaybreaks
\begin{document}
\input{fragment}
\end{document}
"""


def _need(program: str) -> str:
    exe = shutil.which(program)
    if exe is None:
        if os.environ.get("CI"):
            pytest.fail(f"{program} is missing on CI; .ci/run must install it")
        pytest.skip(f"{program} is not installed here (CI installs it)")
    return exe


def _compile(tmp_path: Path, name: str, text: str) -> Path:
    exe = _need("pdflatex")
    (tmp_path / name).write_text(text, encoding="utf-8")
    r = subprocess.run([exe, "-interaction=nonstopmode", "-halt-on-error", name], cwd=tmp_path,
                       capture_output=True, text=True, timeout=120)
    errors = [line for line in r.stdout.splitlines() if line.startswith("!")]
    assert r.returncode == 0 and not errors, "\n".join(errors) or r.stdout[-2000:]
    return tmp_path / name.replace(".tex", ".pdf")


def _has_ink(pdf: Path) -> bool:
    import matplotlib.image

    exe = _need("pdftoppm")
    subprocess.run([exe, "-png", "-r", "40", "-f", "1", "-l", "1", str(pdf), str(pdf.with_suffix(""))], check=True,
                   timeout=60)
    png = next(pdf.parent.glob(pdf.stem + "*.png"))
    img = matplotlib.image.imread(str(png))
    return bool((img[..., :3] < 0.5).any())


def _wrong_report() -> Report:
    x = sp.Symbol("x", real=True)
    d = Derivation("slips", "A derivation with a slip_and 50% of specials & #")
    d.chain((x + 1) ** 2).step(x**2 + 2 * x + 1, by="expand").step(x**2 + 1, by="drop the middle term (wrong)")
    return Report([check_derivation(d)])


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "derivations", *args], capture_output=True, text=True, timeout=300)


def test_builtin_fragment_compiles_and_has_content(tmp_path):
    r = _cli("export", "gnb", "-o", str(tmp_path / "fragment.tex"))
    assert r.returncode == 0, r.stderr
    text = (tmp_path / "fragment.tex").read_text()
    assert r"\begin{align*}" in text and text.count(r"\checkmark") >= 24
    assert r"\documentclass" not in text
    pdf = _compile(tmp_path, "main.tex", WRAPPER)
    assert _has_ink(pdf)


def test_standalone_compiles(tmp_path):
    r = _cli("export", "gnb", "--standalone", "-o", str(tmp_path / "gnb.tex"))
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "gnb.tex").read_text().startswith(r"\documentclass")
    _compile(tmp_path, "gnb.tex", (tmp_path / "gnb.tex").read_text())


def test_refuted_step_is_flagged_with_its_counterexample(tmp_path):
    rep = _wrong_report()
    text = export(rep, "latex")
    assert r"\textcolor{red}{\boldsymbol{\times}}\footnotemark" in text
    assert r"\footnotetext{refuted: sides differ" in text and "counterexample x = " in text
    assert r"slip\_and 50\% of specials \& \#" in text
    _compile(tmp_path, "wrong.tex", latex_standalone(text))


def test_markdown_and_json_carry_the_same_facts():
    rep = _wrong_report()
    md = export(rep, "markdown")
    data = json.loads(export(rep, "json"))
    steps = data["derivations"][0]["steps"]
    assert [s["verdict"] for s in steps] == ["proved", "refuted"]
    assert "✘ refuted" in md and "✔ proved" in md
    assert steps[1]["counterexample"]["x"] in export(rep, "latex")


def test_export_bad_output_folder_is_exit_2(tmp_path):
    r = _cli("export", "gnb", "-o", str(tmp_path / "no" / "such" / "x.tex"))
    assert r.returncode == 2 and "does not exist" in r.stderr and "Traceback" not in r.stderr


@pytest.mark.parametrize("target", ["alexnet", "examples/seed_alexnet_claims.toml"], ids=["builtin", "claims-file"])
def test_count_exports_have_a_booktabs_table_and_compile(tmp_path, target):
    root = Path(__file__).resolve().parent.parent
    r = _cli("export", str(root / target) if target.endswith(".toml") else target, "-o", str(tmp_path / "fragment.tex"))
    assert r.returncode == (1 if "seed" in target else 0), r.stderr
    text = (tmp_path / "fragment.tex").read_text()
    assert r"\toprule" in text and r"\bottomrule" in text
    assert "Total & & 659{,}272 & 60{,}954{,}656 & 10{,}568 & 724{,}406{,}816" in text
    if "seed" in target:
        assert text.count(r"\footnotetext{refuted") == 5
    pdf = _compile(tmp_path, "main.tex", WRAPPER)
    assert _has_ink(pdf)
