"""Soundness of the kernel: proofs confirmed by direct evaluation, counterexamples inside the assumptions."""
from __future__ import annotations

import pytest
import sympy as sp
from sympy import Product, Sum

import derivations.kernel.verdict as kernel
from derivations import Assumptions, DerivativeOf, Equal, Noted, Readings, Verdict, check
from derivations.kernel.evaluate import evaluate

x = sp.Symbol("x", real=True)
a, b = sp.symbols("a b", real=True)
c = sp.Symbol("c", real=True)
N = sp.Symbol("N", integer=True, positive=True)
i, j = sp.symbols("i j", integer=True)
z = sp.Symbol("z", real=True)
g = sp.Function("g")
SIZES = Assumptions(sizes=(N,))


def _always_proved(claim, a):
    return True, ""


@pytest.mark.parametrize("claim, assumptions", [
    pytest.param(Equal(Sum(Sum(1, (j, i, N)), (i, 1, N)), N**2), SIZES, id="triangle-is-not-square"),
    pytest.param(Equal(Product(c, (j, i + 2, N)), c ** (N - i - 1)), SIZES, id="empty-product-is-not-a-power"),
    pytest.param(Equal(x + 1, x + 2), Assumptions(), id="off-by-one"),
])
def test_a_wrong_proof_is_overturned_by_direct_evaluation(monkeypatch, claim, assumptions):
    """A prover that says yes to everything: direct evaluation must catch it, and say it is the tool's bug."""
    monkeypatch.setattr(kernel, "_symbolic", _always_proved)
    v = check(claim, assumptions)
    assert v.verdict == "unknown" and "bug of the tool" in v.detail


def test_a_proof_whose_one_side_is_undefined_somewhere_is_not_confirmed():
    v = check(Equal((x**2 - 1) / (x - 1), x + 1))
    assert v.verdict == "unknown" and "no value there" in v.detail
    held = check(Equal((x**2 - 1) / (x - 1), x + 1), Assumptions(relations=(sp.Ne(x - 1, 0),)))
    assert held.verdict == "proved"


def test_proved_says_how_it_was_confirmed():
    v = check(Equal(Sum(i, (i, 1, N)), N * (N + 1) / 2), SIZES)
    assert v.verdict == "proved" and "direct evaluation agrees at 4 exact points" in v.detail


@pytest.mark.parametrize("relations", [
    pytest.param((sp.Gt(a, b),), id="a>b"),
    pytest.param((sp.Gt(a - b, 0),), id="a-b>0"),
    pytest.param((sp.Gt(a, b), sp.Gt(b, 1)), id="a>b>1"),
])
def test_counterexamples_satisfy_relations_between_symbols(relations):
    v = check(Equal(sp.sqrt((a - b) ** 2), b - a), Assumptions(relations=relations))
    assert v.verdict == "refuted"
    point = {sp.Symbol(k, real=True): sp.Rational(s) for k, s in v.counterexample.items()}
    assert all(r.subs(point) == sp.true for r in relations)
    true = check(Equal(sp.sqrt((a - b) ** 2), a - b), Assumptions(relations=relations))
    assert true.verdict in ("proved", "supported")


@pytest.mark.parametrize("relations, named", [
    pytest.param((sp.Gt(a, 0), sp.Lt(a, 0)), {"a > 0", "a < 0"}, id="a>0-and-a<0"),
    pytest.param((sp.Gt(a, b), sp.Gt(b, a)), {"a > b", "b > a"}, id="a>b-and-b>a"),
    pytest.param((sp.Gt(a, b), sp.Gt(b, 3), sp.Lt(a, 2), sp.Gt(x, 0)), {"a > b", "b > 3", "a < 2"},
                 id="three-of-four"),
])
def test_assumptions_that_cannot_all_hold_are_an_error_naming_them(relations, named):
    v = check(Equal(a, a), Assumptions(relations=relations))
    assert v.verdict == "error" and "cannot all hold" in v.detail
    assert {s.strip() for s in v.detail.split(": ", 1)[1].split(",")} == named


def test_no_valid_point_is_unknown_with_the_reason():
    v = check(Equal(a, a + sp.sin(a) ** 2), Assumptions(relations=(sp.Gt(sp.sin(a) ** 2, 2),)))
    assert v.verdict == "unknown" and "assumption" in v.detail


def test_derivative_of_an_undefined_function_by_a_foreign_variable_is_unknown_never_zero():
    mu = sp.Symbol("mu", real=True)
    v = check(DerivativeOf(sp.S.Zero, sp.log(g(x)), mu))
    assert v.verdict == "unknown" and "may still depend on mu" in v.detail
    assert check(DerivativeOf(1 / z, sp.log(g(z)), z)).verdict == "refuted"
    assert check(DerivativeOf(sp.Derivative(g(z), z) / g(z), sp.log(g(z)), z)).verdict == "proved"


def test_readings_give_a_verdict_only_where_they_agree():
    product = Equal(sp.log(sp.Symbol("g", real=True) * z).diff(z), 1 / z)
    function = DerivativeOf(1 / z, sp.log(g(z)), z)
    v = check(Readings((("g(z) is g times z", product), ("g is a function", function)), "declare % functions: g"))
    assert v.verdict == "unknown" and "'g is a function' gives refuted" in v.detail and "declare" in v.detail
    both = check(Readings((("one", Equal(x + x, 2 * x)), ("two", Equal(2 * x, x + x)))))
    assert both.verdict == "proved"


def test_noted_rows_are_noted():
    assert check(Noted("condition")).verdict == "noted"


def test_a_verdict_is_made_only_by_the_kernel():
    with pytest.raises(TypeError, match="only by derivations' kernel"):
        Verdict(kernel.Kind.PROVED, "trust me")


def test_seed_makes_the_points_reproducible():
    claim = Equal(sp.Sum(sp.IndexedBase("x", real=True)[i], (i, 1, N)), N)
    one, two = check(claim, SIZES, seed=5), check(claim, SIZES, seed=5)
    assert one.verdict == "refuted" and one.counterexample == two.counterexample


@pytest.mark.parametrize("expr, ints, value", [
    pytest.param(Sum(1, (j, i, N), (i, 1, N)), {N: 3}, 6, id="dependent-bound"),
    pytest.param(Sum(1, (i, 3, 1)), {}, 0, id="empty-sum-is-zero"),
    pytest.param(Product(2, (i, 3, 1)), {}, 1, id="empty-product-is-one"),
    pytest.param(Sum(i, (i, -2, 2)), {}, 0, id="negative-bounds"),
])
def test_direct_evaluation_writes_out_every_term(expr, ints, value):
    assert evaluate(expr, ints, {}, lambda e: sp.S.Zero) == value
