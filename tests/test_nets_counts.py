"""Counts: the sheet's AlexNet table, totals, shares, conventions and the shape arithmetic report."""
from __future__ import annotations

import dataclasses
from fractions import Fraction

import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from derivations.kernel.errors import InputError
from derivations.content.nets.networks import alexnet, alexnet_torchvision
from derivations.content.nets.counts import CONVENTIONS, OUTPUT_SIZE, SYMBOLS, count, instance
from derivations.content.nets.spec import spec_from_dict

# seed/README.md: layer -> (units, weights, connections), the sheet's correct figures.
SHEET = {
    "conv1": (55 * 55 * 96, 34_848, 105_415_200),
    "conv2": (186_624, 307_200, 223_948_800),
    "conv3": (64_896, 884_736, 149_520_384),
    "conv4": (64_896, 663_552, 112_140_288),
    "conv5": (43_264, 442_368, 74_760_192),
    "fc6": (4_096, 37_748_736, 37_748_736),
    "fc7": (4_096, 16_777_216, 16_777_216),
    "fc8": (1_000, 4_096_000, 4_096_000),
}


@pytest.fixture(scope="module")
def net():
    return count(alexnet())


@pytest.mark.parametrize("layer", list(SHEET))
def test_alexnet_layer_matches_the_sheet(net, layer):
    c = net.layer(layer)
    assert (c.units, c.weights, c.connections) == SHEET[layer]


def test_alexnet_totals_add_up(net):
    t = net.totals()
    for n, q in enumerate(("units", "weights", "connections")):
        assert t[q] == sum(v[n] for v in SHEET.values()) == sum(c.get(q) for c in net.layers)
    assert t == {"units": 659_272, "weights": 60_954_656, "biases": 10_568, "params": 60_965_224,
                 "connections": 724_406_816}
    assert t["params"] == t["weights"] + t["biases"]


def test_layers_without_weights_count_nothing(net):
    for c in net.layers:
        if c.type not in ("conv", "fc"):
            assert (c.units, c.weights, c.biases, c.connections) == (0, 0, 0, 0), c.name


def test_shares_part_b_argues_from(net):
    assert net.share("weights", "fc") == Fraction(58_621_952, 60_954_656)
    assert net.share("connections", "conv") == Fraction(665_784_864, 724_406_816)
    assert net.share("weights", "fc") > Fraction(9, 10) and net.share("connections", "conv") > Fraction(9, 10)


def test_torchvision_alexnet_known_figures():
    t = count(alexnet_torchvision())
    assert t.total("params") == 61_100_840  # torchvision's documented parameter count
    assert t.total("connections", CONVENTIONS["torchinfo"]) == 714_682_664  # torchinfo's "Total mult-adds"
    assert t.layer("fc6").weights == 9216 * 4096


@pytest.mark.parametrize(
    "convention, total",
    [
        pytest.param("sheet", 724_406_816, id="sheet"),
        pytest.param("fvcore", 724_406_816, id="fvcore-no-bias"),
        pytest.param("thop", 724_406_816, id="thop-no-bias"),
        pytest.param("torchinfo", 724_406_816 + 96 * 55 * 55 + 256 * 27 * 27 + (384 + 384 + 256) * 13 * 13 + 9192,
                     id="torchinfo-bias-adds"),
        pytest.param("flopcounter", 2 * 724_406_816, id="flopcounter-2x"),
    ],
)
def test_conventions(convention, total):
    n = count(alexnet(), convention)
    assert n.total("connections") == total
    assert n.as_json()["totals"]["connections"] == total


def test_unknown_convention():
    with pytest.raises(InputError, match="unknown convention 'macs'"):
        count(alexnet(), "macs")


def test_224_input_reports_exact_fraction_and_nearest_sizes():
    n = count(dataclasses.replace(alexnet(), input=(3, 224, 224)))
    first = n.notes[0]
    assert first.startswith("conv1: output height and width (224 + 2*0 - 1*(11 - 1) - 1)/4 + 1 = 217/4")
    assert "floored to 54" in first and "dividing evenly: 223 (output 54); also 227 (output 55)" in first
    assert n.notes[-1] == "nearest network input height and width at which every layer divides evenly: 227"
    assert n.layer("conv1").output_shape == (96, 54, 54)


def test_227_input_has_no_notes(net):
    assert net.notes == []


def test_instance_is_the_unevaluated_formula(net):
    e = instance(net.layer("conv5"), "connections")
    assert isinstance(e, sp.Mul) and [int(a) for a in e.args] == [3, 3, 192, 256, 13, 13]
    assert int(sp.expand(instance(net.layer("fc6"), "params"))) == 9216 * 4096 + 4096
    assert instance(net.layer("relu1"), "weights") == 0


@settings(max_examples=150, deadline=None)
@given(size=st.integers(1, 60), k=st.integers(1, 7), s=st.integers(1, 5), p=st.integers(0, 3), d=st.integers(1, 3))
def test_symbolic_output_size_equals_spec_arithmetic(size, k, s, p, d):
    layer = {"type": "conv", "out_channels": 1, "kernel": k, "stride": s, "padding": p, "dilation": d}
    if size + 2 * p - d * (k - 1) - 1 < 0:
        with pytest.raises(InputError, match="empty"):
            spec_from_dict({"input": [1, size, size], "layers": [layer]})
        return
    c = count(spec_from_dict({"input": [1, size, size], "layers": [layer]})).layers[0]
    S = SYMBOLS
    values = {S["H_in"]: size, S["k_h"]: k, S["s_h"]: s, S["p_h"]: p, S["d_h"]: d}
    assert OUTPUT_SIZE["conv"][0].subs(values) == c.output_shape[1]
    direct = len(range(0, size + 2 * p - d * (k - 1), s))  # start positions of the kernel window
    assert c.output_shape[1] == direct
