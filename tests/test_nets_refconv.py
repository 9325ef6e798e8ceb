"""The counting reference convolution: its tallies equal the formulas; the kernel decides the numeric claims."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.signal import correlate

from derivations.kernel.claims import Sampled
from derivations.kernel.verdict import check
from derivations.content.nets.networks import BUILTIN_SPECS
from derivations.content.nets.counts import count
from derivations.content.nets.refconv import (Tally, check_network, check_random_layer, conv2d, conv2d_direct, forward,
                                       numeric_claims)
from derivations.content.nets.spec import spec_from_dict

pair = st.tuples


@st.composite
def conv_layers(draw):
    g, cin_g, cout_g = draw(st.integers(1, 3)), draw(st.integers(1, 3)), draw(st.integers(1, 3))
    k = draw(pair(st.integers(1, 4), st.integers(1, 4)))
    s = draw(pair(st.integers(1, 3), st.integers(1, 3)))
    p = draw(pair(st.integers(0, 2), st.integers(0, 2)))
    d = draw(pair(st.integers(1, 2), st.integers(1, 2)))
    hw = [draw(st.integers(max(1, d[a] * (k[a] - 1) + 1 - 2 * p[a]), 10)) for a in range(2)]
    layer = {"name": "c", "type": "conv", "out_channels": g * cout_g, "kernel": list(k), "stride": list(s),
             "padding": list(p), "dilation": list(d), "groups": g, "bias": draw(st.booleans())}
    return spec_from_dict({"input": [g * cin_g, *hw], "layers": [layer]})


@settings(max_examples=60, deadline=None)
@given(spec=conv_layers(), seed=st.integers(0, 2**16))
def test_counted_work_equals_the_formulas(spec, seed):
    lay, c = spec.layers[0], count(spec).layers[0]
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(spec.input)
    w = rng.standard_normal((lay["out_channels"], spec.input[0] // lay["groups"], *lay["kernel"]))
    b = rng.standard_normal(lay["out_channels"]) if lay["bias"] else None
    args = (lay["stride"], lay["padding"], lay["dilation"], lay["groups"])
    t = Tally()
    fast = conv2d(x, w, b, *args, tally=t)
    slow, products = conv2d_direct(x, w, b, *args)
    assert fast.shape == c.output_shape
    assert t.macs == products == c.connections
    assert t.weights == c.weights and t.biases == c.biases
    assert t.bias_adds == c.bias_adds
    np.testing.assert_allclose(fast, slow, rtol=1e-10, atol=1e-10)


@settings(max_examples=25, deadline=None)
@given(c=st.integers(1, 3), h=st.integers(3, 9), w=st.integers(3, 9), k=st.integers(1, 3), seed=st.integers(0, 999))
def test_direct_loop_agrees_with_scipy(c, h, w, k, seed):
    """The definition-by-loop itself, against scipy's correlate (stride 1, one group, no padding)."""
    rng = np.random.default_rng(seed)
    x, wt = rng.standard_normal((c, h, w)), rng.standard_normal((2, c, k, k))
    slow, _ = conv2d_direct(x, wt, None)
    want = np.stack([correlate(x, wt[o], mode="valid")[0] for o in range(2)])
    np.testing.assert_allclose(slow, want, rtol=1e-10, atol=1e-10)


@pytest.mark.parametrize("name", list(BUILTIN_SPECS))
def test_builtin_networks_forward_with_the_spec_shapes(name):
    spec = BUILTIN_SPECS[name]()
    assert check_network(spec, seed=3) is None
    runs, out = forward(spec, seed=3)
    assert [r.output_shape[-1] for r in runs][-1] == 1000 and out.shape == (1000,)
    assert sum(r.tally.macs for r in runs) == count(spec).total("connections")


def test_random_layer_trials_pass():
    assert all(check_random_layer(seed) is None for seed in range(10))


def test_numeric_claims_are_decided_by_the_kernel():
    claims = numeric_claims(samples=8, seed=0)
    assert len(claims) == 3
    for by, claim in claims:
        assert isinstance(claim, Sampled)
        assert check(claim, budget=30).verdict == "supported", by
    assert numeric_claims(samples=0) == []


def _wrong_formula_trial(seed: int):
    """Compare the reference's counted work against a formula that forgets the groups."""
    spec = spec_from_dict({"input": [4, 6, 6], "layers": [{"type": "conv", "out_channels": 4, "kernel": 3,
                                                           "groups": 2}]})
    t = Tally()
    lay = spec.layers[0]
    conv2d(np.ones(spec.input), np.ones((4, 2, 3, 3)), None, groups=lay["groups"], tally=t)
    wrong = 3 * 3 * 4 * 4 * 4 * 4  # k k C_in C_out H_out W_out, no division by groups
    return None if t.macs == wrong else {"counted": str(t.macs), "formula": str(wrong)}


def test_wrong_formula_is_refuted_by_the_numeric_check():
    v = check(Sampled("forgetting groups", _wrong_formula_trial, samples=8))
    assert v.verdict == "refuted" and v.counterexample == {"seed": "0", "counted": "1152", "formula": "2304"}
