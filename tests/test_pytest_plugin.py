"""The pytest plugin: derivation files as items, one per step, with readable failures."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

pytest_plugins = ["pytester"]

ROOT = Path(__file__).resolve().parent.parent
GOOD_CLAIMS = """architecture = "alexnet"

[[claims]]
layer = "conv1"
quantity = "units"
value = 290400
work = "55x55x96"

[[claims]]
layer = "fc8"
quantity = "weights"
value = 4096000
"""


def _copy_example(pytester: pytest.Pytester, name: str) -> Path:
    dst = pytester.path / name
    shutil.copy(ROOT / "examples" / name, dst)
    return dst


def test_opt_in_only(pytester: pytest.Pytester):
    pytester.makefile(".toml", good=GOOD_CLAIMS)
    pytester.makepyfile(test_x="def test_x():\n    pass\n")
    result = pytester.runpytest_subprocess("-q")
    result.assert_outcomes(passed=1)


def test_claims_file_items_one_per_step(pytester: pytest.Pytester):
    pytester.makefile(".toml", good=GOOD_CLAIMS)
    result = pytester.runpytest_subprocess("--derivations", "*.toml", "-v")
    result.assert_outcomes(passed=4)
    result.stdout.fnmatch_lines(["*good.toml::line 3 PASSED*", "*good.toml::line 3 (2) PASSED*",
                                 "*good.toml::line 3 (3) PASSED*", "*good.toml::line 9 PASSED*"])


def test_seed_claims_fail_with_the_step_and_counterexample_not_a_traceback(pytester: pytest.Pytester):
    _copy_example(pytester, "seed_alexnet_claims.toml")
    result = pytester.runpytest_subprocess("--derivations", "seed_*.toml")
    result.assert_outcomes(failed=5, passed=67)
    out = result.stdout.str()
    assert "seed_alexnet_claims.toml:38: refuted (conv1 units: value 290900)" in out
    assert "why: sides differ: 290900 vs 290400" in out
    assert "pytest_plugin.py" not in out and "Traceback" not in out


def test_ini_option_and_budget(pytester: pytest.Pytester):
    pytester.makefile(".toml", good=GOOD_CLAIMS)
    pytester.makeini("[pytest]\nderivations = *.toml\nderivations_budget = 5\n")
    result = pytester.runpytest_subprocess("-q")
    result.assert_outcomes(passed=4)


def test_unreadable_file_is_a_collection_error(pytester: pytest.Pytester):
    pytester.makefile(".toml", bad='architecture = "lenet"\n[[claims]]\nlayer = "x"\n')
    result = pytester.runpytest_subprocess("--derivations", "*.toml")
    result.assert_outcomes(errors=1)
    assert "unknown network 'lenet'" in result.stdout.str()


def test_plugin_does_not_import_sympy_until_it_collects(pytester: pytest.Pytester):
    pytester.makeconftest(
        "import sys\n"
        "def pytest_sessionfinish(session):\n"
        "    assert 'derivations.frontends.pytest_plugin' in sys.modules\n"
        "    assert 'sympy' not in sys.modules, 'sympy imported without derivation files'\n"
    )
    pytester.makepyfile(test_x="def test_x():\n    pass\n")
    result = pytester.runpytest_subprocess("-q")
    result.assert_outcomes(passed=1)
    assert result.ret == 0


def test_runs_under_xdist_when_available(pytester: pytest.Pytester):
    pytest.importorskip("xdist", reason="pytest-xdist is in the test extra")
    pytester.makefile(".toml", good=GOOD_CLAIMS)
    result = pytester.runpytest_subprocess("--derivations", "*.toml", "-n", "2")
    result.assert_outcomes(passed=4)


def test_assert_proved_helper():
    from derivations.testing import DerivationFailure, assert_proved

    assert_proved("gnb")
    with pytest.raises(DerivationFailure) as info:
        assert_proved(ROOT / "examples" / "seed_alexnet_claims.toml")
    msg = str(info.value)
    assert msg.startswith("5 of 72 steps not accepted")
    assert "seed_alexnet_claims.toml:38: refuted" in msg and "sides differ: 290900 vs 290400" in msg


def test_slips_example_fails_at_exactly_the_slips(pytester: pytest.Pytester):
    _copy_example(pytester, "gnb_with_slips.tex")
    result = pytester.runpytest_subprocess("--derivations", "*.tex", "-q")
    result.assert_outcomes(failed=8, passed=17)  # 9 accepted steps and 8 noted rows (definitions, premises, conditions)
    out = result.stdout.str()
    failed = sorted({int(line.split("line ")[1].split()[0]) for line in out.splitlines()
                     if line.startswith("FAILED gnb_with_slips.tex::line ")})
    assert failed == [20, 30, 39, 50, 64, 68, 77, 91]
    assert "gnb_with_slips.tex:68: refuted (the class mean (slip: N for N_k))" in out
    assert "counterexample:" in out


@pytest.mark.parametrize("args, needle", [
    pytest.param(["--derivations-points", "1"], "derivations-points: '1' is not a whole number of at least 8",
                 id="points-below-eight"),
    pytest.param(["--derivations-seed", "x"], "derivations-seed: 'x'", id="seed-not-a-number"),
])
def test_bad_plugin_numbers_are_usage_errors(pytester: pytest.Pytester, args, needle):
    _copy_example(pytester, "gnb_with_slips.tex")
    result = pytester.runpytest_subprocess("--derivations", "*.tex", "-q", *args)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert needle in result.stderr.str()


def test_seed_option_reaches_the_kernel(pytester: pytest.Pytester):
    pytester.makefile(".tex", one="\\begin{align} (x+1)^2 &= x^2 + 2x + 1 \\end{align}\n")
    result = pytester.runpytest_subprocess("--derivations", "*.tex", "-q", "--derivations-seed", "7",
                                           "--derivations-points", "8")
    result.assert_outcomes(passed=1)


def test_correct_example_is_collected_by_this_projects_ini(pytestconfig):
    assert "examples/gnb_derivation.tex" in pytestconfig.getini("derivations")
