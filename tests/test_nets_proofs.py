"""The kernel proves the count formulas from their definitions, and refutes wrong ones."""
from __future__ import annotations

import pytest
import sympy as sp
from sympy import Sum

from derivations.kernel.claims import Assumptions, Equal
from derivations.kernel.verdict import check, check_derivation
from derivations.content.nets.networks import alexnet
from derivations.content.nets.counts import count, instance
from derivations.content.nets.proofs import (A, B, C, Fi, Fo, G, H, Ho, W, Wo, a, b, c, derivations, dl, g, i, j, k, kh,
                                      kw, o, pad, q, s, x, y)

SIZES = Assumptions(sizes=(G, A, B, Ho, Wo, kh, kw, Fi, Fo, C, H, W, s, q, k, dl, pad))
UNITS = ((g, 1, G), (b, 1, B), (y, 1, Ho), (x, 1, Wo))
TAPS = ((a, 1, A), (i, 1, kh), (j, 1, kw))
C_in, C_out = G * A, G * B


@pytest.mark.parametrize("d", derivations(), ids=lambda d: d.name)
def test_every_step_is_proved_symbolically(d):
    report = check_derivation(d)
    assert [s.verdict for s in report.steps] == ["proved"] * len(d.steps), report.steps
    assert all(s.detail.startswith("shown symbolically; direct evaluation agrees") for s in report.steps)


@pytest.mark.parametrize(
    "claim",
    [
        pytest.param(Equal(Sum(1, (g, 1, G), (b, 1, B), *TAPS), kh * kw * C_in * C_out), id="weights-forget-groups"),
        pytest.param(Equal(Sum(Sum(1, *TAPS), *UNITS), kh * kw * (C_in / G) * C_out * Ho), id="connections-one-axis"),
        pytest.param(Equal(Sum(Sum(1, *TAPS), *UNITS), kh * kw * (C_in / G) * C_out),
                     id="connections-equal-weights"),
        pytest.param(Equal(Sum(1, *UNITS), C_in * Ho * Wo), id="units-from-input-channels"),
        pytest.param(Equal(Sum(Sum(1, (i, 1, Fi)), (o, 1, Fo)), Fi + Fo), id="fc-in-plus-out"),
        pytest.param(Equal(Sum(1, (y, 0, q)), ((s * q + dl * (k - 1) + 1 - 2 * pad) + 2 * pad - dl * (k - 1) - 1) / s),
                     id="output-size-without-plus-one"),
        pytest.param(Equal(Sum(Sum(1, *TAPS) + 1, *UNITS), kh * kw * (C_in / G) * C_out * Ho * Wo),
                     id="torchinfo-without-bias-adds"),
        pytest.param(Equal(Sum(Sum(1, (c, 1, C), (y, 1, H), (x, 1, W)), (o, 1, Fo)), (C * H + W) * Fo),
                     id="fc-flatten-sum-not-product"),
    ],
)
def test_wrong_formula_is_refuted(claim):
    v = check(claim, SIZES)
    assert v.verdict == "refuted", v
    assert v.counterexample, "a refutation names the sizes that separate the sides"


def test_wrong_table_value_is_refuted():
    conv1 = count(alexnet()).layer("conv1")
    v = check(Equal(instance(conv1, "units"), sp.Integer(290_900)))
    assert v.verdict == "refuted" and v.detail == "sides differ: 290400 vs 290900"
    assert check(Equal(instance(conv1, "units"), sp.Integer(290_400))).verdict == "proved"
