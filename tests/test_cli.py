"""The command line: exit statuses, JSON shape, clear messages and never a traceback."""
from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

from derivations.frontends.cli import main


def run(*args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "derivations", *args], capture_output=True, text=True, timeout=timeout)


def test_check_gnb_text_report(golden):
    r = run("check", "gnb", "--numeric-samples", "0")
    assert r.returncode == 0, r.stderr
    golden("check_gnb.txt", re.sub(r"\d+\.\d\ds", "#.##s", r.stdout))
    assert "24 proved" in r.stdout.splitlines()[-1]


def test_check_gnb_json_schema():
    r = run("check", "gnb", "--json", "--numeric-samples", "0")
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    assert set(data) == {"derivations", "summary", "seed"} and data["seed"] == 0
    (d,) = data["derivations"]
    assert set(d) == {"name", "source", "steps", "assumptions"} and d["name"] == "gnb"
    assert set(d["assumptions"]) == {"stated", "added"}
    assert "K is a whole number, at least 1 (a size)" in d["assumptions"]["added"]
    keys = {"index", "line", "claim", "justification", "verdict", "detail", "counterexample", "seconds", "text",
            "kind", "column"}
    for n, s in enumerate(d["steps"], 1):
        assert set(s) == keys
        assert s["index"] == n and s["line"] is None and s["verdict"] == "proved"
        assert s["counterexample"] is None and isinstance(s["seconds"], float)
        assert "\\" in s["claim"] or "=" in s["claim"]
    assert data["summary"]["proved"] == len(d["steps"])
    assert set(data["summary"]) == {"proved", "supported", "refuted", "unknown", "error", "noted"}


def test_list():
    r = run("list")
    assert r.returncode == 0
    assert [line.split()[0] for line in r.stdout.splitlines()] == ["gnb", "alexnet"]


@pytest.mark.parametrize(
    "args, needle",
    [
        pytest.param(["check", "nope"], "unknown derivation 'nope'; built-ins are: alexnet, gnb", id="unknown-name"),
        pytest.param(["check", "--budget", "-1"], "--budget", id="negative-budget"),
        pytest.param(["check", "--budget", "abc"], "not a number", id="budget-not-number"),
        pytest.param(["check", "--numeric-samples", "1e9"], "whole number", id="samples-not-int"),
        pytest.param(["check", "--points", "0"], "at least 8 agreeing points", id="zero-points"),
        pytest.param(["check", "--points", "1"], "at least 8 agreeing points", id="one-point"),
        pytest.param(["check", "--numeric-samples", "3"], "at least 8", id="too-few-datasets"),
        pytest.param(["check", "--seed", "-1"], "--seed", id="negative-seed"),
        pytest.param([], "required", id="no-command"),
        pytest.param(["frobnicate"], "invalid choice", id="unknown-command"),
        pytest.param(["check", "missing.tex"], "missing.tex", id="missing-tex-file"),
    ],
)
def test_bad_input_exit_2_no_traceback(args, needle):
    r = run(*args)
    assert r.returncode == 2
    assert needle in r.stderr
    assert "Traceback" not in r.stderr + r.stdout


def test_a_file_that_checks_nothing_exits_1(tmp_path):
    f = tmp_path / "plain.tex"
    f.write_text("\\begin{align} \\frac{\\partial}{\\partial \\mu} (\\mu - a)^2 &= 0 \\end{align}\n")
    r = run("check", str(f))
    assert r.returncode == 1 and "nothing was checked" in r.stderr


def test_seed_is_in_the_report_and_reproduces_it(tmp_path):
    f = tmp_path / "slip.tex"
    f.write_text("\\begin{align} \\sum_{i=1}^{N} x_i &= N x_1 \\end{align}\n")
    one, two = (run("check", str(f), "--seed", "11", "--json") for _ in range(2))
    assert one.returncode == 1 and json.loads(one.stdout)["seed"] == 11
    cex = [[s["counterexample"] for s in json.loads(r.stdout)["derivations"][0]["steps"]] for r in (one, two)]
    assert cex[0] == cex[1] and cex[0][0] is not None


def test_main_returns_status_in_process(capsys):
    assert main(["check", "unknown-thing"]) == 2
    assert "built-ins are" in capsys.readouterr().err


def test_console_script_and_module_agree():
    import shutil

    exe = shutil.which("derivations")
    assert exe, "the console script is installed"
    a = subprocess.run([exe, "list"], capture_output=True, text=True, timeout=60)
    assert a.stdout == run("list").stdout
