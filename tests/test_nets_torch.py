"""Cross-check against PyTorch (the optional `torch` extra): parameters, FLOPs / 2, shapes and values."""
from __future__ import annotations

import os

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

if os.environ.get("CI"):
    import torch  # CI installs the extra: a missing torch must fail there, not skip
else:
    torch = pytest.importorskip("torch", reason="PyTorch is the optional extra `torch` (pip install torch==2.13.0)")

from torch.nn import functional as F  # noqa: E402
from torch.utils.flop_counter import FlopCounterMode  # noqa: E402

from derivations.content.nets.networks import BUILTIN_SPECS  # noqa: E402
from derivations.content.nets.counts import count  # noqa: E402
from derivations.content.nets.refconv import _lrn, _pool, conv2d  # noqa: E402
from derivations.content.nets.spec import Layer, spec_from_dict  # noqa: E402
from derivations.content.nets.torchref import torch_model  # noqa: E402


def torch_counts(spec):
    """Per-layer parameter counts, FLOPs from FlopCounterMode, and output shapes, from PyTorch alone."""
    model = torch_model(spec)
    shapes = {}
    hooks = [m.register_forward_hook(lambda mod, inp, out, name=name: shapes.__setitem__(name, tuple(out.shape[1:])))
             for name, m in model.named_children()]
    x = torch.randn(1, *spec.input)
    with torch.no_grad(), FlopCounterMode(display=False) as fc:
        model(x)
    for h in hooks:
        h.remove()
    params = {name: sum(p.numel() for p in m.parameters()) for name, m in model.named_children()}
    flops = {name.split(".", 1)[1]: sum(v.values()) for name, v in fc.get_flop_counts().items() if "." in name}
    return params, flops, fc.get_total_flops(), shapes


def assert_agrees(spec):
    ours = count(spec)
    params, flops, total, shapes = torch_counts(spec)
    for c in ours.layers:
        assert params[c.name] == c.params, c.name
        assert shapes[c.name] == c.output_shape, c.name
        assert flops.get(c.name, 0) // 2 == c.connections and flops.get(c.name, 0) % 2 == 0, c.name
    assert total // 2 == ours.total("connections")
    assert total == count(spec, "flopcounter").total("connections")


@pytest.mark.parametrize("name", list(BUILTIN_SPECS))
def test_alexnets_agree_with_torch(name):
    assert_agrees(BUILTIN_SPECS[name]())


def test_torchvision_alexnet_parameter_count():
    model = torch_model(BUILTIN_SPECS["alexnet-torchvision"]())
    assert sum(p.numel() for p in model.parameters()) == count(BUILTIN_SPECS["alexnet-torchvision"]()).total("params")


@st.composite
def small_nets(draw):
    g = draw(st.integers(1, 3))
    k = [draw(st.integers(1, 4)) for _ in range(2)]
    p = [draw(st.integers(0, 2)) for _ in range(2)]
    d = [draw(st.integers(1, 2)) for _ in range(2)]
    hw = [draw(st.integers(max(1, d[a] * (k[a] - 1) + 1 - 2 * p[a]), 12)) for a in range(2)]
    conv = {"name": "c", "type": "conv", "out_channels": g * draw(st.integers(1, 3)), "kernel": k,
            "stride": [draw(st.integers(1, 3)) for _ in range(2)], "padding": p, "dilation": d, "groups": g,
            "bias": draw(st.booleans())}
    fc = {"name": "f", "type": "fc", "out_features": draw(st.integers(1, 5)), "bias": draw(st.booleans())}
    return spec_from_dict({"input": [g * draw(st.integers(1, 3)), *hw], "layers": [conv, {"name": "r", "type": "relu"},
                                                                                    fc]})


@settings(max_examples=30, deadline=None)
@given(spec=small_nets())
def test_random_layers_agree_with_torch(spec):
    assert_agrees(spec)


@settings(max_examples=25, deadline=None)
@given(spec=small_nets(), seed=st.integers(0, 999))
def test_reference_convolution_values_equal_torch(spec, seed):
    lay = spec.layers[0]
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(spec.input)
    w = rng.standard_normal((lay["out_channels"], spec.input[0] // lay["groups"], *lay["kernel"]))
    b = rng.standard_normal(lay["out_channels"]) if lay["bias"] else None
    ours = conv2d(x, w, b, lay["stride"], lay["padding"], lay["dilation"], lay["groups"])
    theirs = F.conv2d(torch.from_numpy(x)[None], torch.from_numpy(w), None if b is None else torch.from_numpy(b),
                      lay["stride"], lay["padding"], lay["dilation"], lay["groups"])[0].numpy()
    np.testing.assert_allclose(ours, theirs, rtol=1e-9, atol=1e-9)


def test_reference_pool_and_lrn_equal_torch():
    x = np.random.default_rng(0).standard_normal((7, 11, 11))
    t = torch.from_numpy(x)[None]
    pool = Layer("p", "maxpool", {"kernel": (3, 3), "stride": (2, 2), "padding": (1, 1)})
    np.testing.assert_allclose(_pool(x, pool), F.max_pool2d(t, 3, 2, 1)[0].numpy())
    avg = Layer("a", "avgpool", {"kernel": (2, 3), "stride": (2, 1), "padding": (1, 1)})
    np.testing.assert_allclose(_pool(x, avg), F.avg_pool2d(t, (2, 3), (2, 1), 1)[0].numpy(), rtol=1e-12)
    lrn = Layer("n", "lrn", {"size": 5, "alpha": 1e-4, "beta": 0.75, "k": 2.0})
    np.testing.assert_allclose(_lrn(x, lrn), F.local_response_norm(t, 5, 1e-4, 0.75, 2.0)[0].numpy(), rtol=1e-10)
