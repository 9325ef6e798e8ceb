"""A reference forward pass in numpy that counts its own work, to check the count formulas.

Every multiply-add goes through one matrix product whose operand shapes are tallied,
and every weight is read through a tracker that marks it; so the counts come from what
the code did, not from the formulas. A direct loop convolution checks the values.
The checks are ``Sampled`` claims: the kernel runs them and gives the verdict.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial
from typing import Optional

import numpy as np

from derivations.kernel.claims import Sampled
from derivations.content.nets.networks import BUILTIN_SPECS
from derivations.content.nets.counts import NetCount, count
from derivations.content.nets.spec import Layer, Spec, _pair, spec_from_dict

__all__ = ["LayerRun", "Tally", "conv2d", "conv2d_direct", "forward", "check_network", "check_random_layer",
           "numeric_claims", "random_conv_spec"]


@dataclass
class Tally:
    """Work done by one layer: multiply-adds, bias adds, and which weights and biases were read."""

    macs: int = 0
    bias_adds: int = 0
    touched: Optional[np.ndarray] = None
    bias_touched: Optional[np.ndarray] = None

    def matmul(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """``a @ b`` for 2-D operands; an (m x k) by (k x n) product is m k n multiply-adds."""
        self.macs += a.shape[0] * a.shape[1] * b.shape[1]
        return a @ b

    def weight(self, w: np.ndarray, index: tuple) -> np.ndarray:
        if self.touched is None:
            self.touched = np.zeros(w.shape, dtype=bool)
        self.touched[index] = True
        return w[index]

    def add_bias(self, y: np.ndarray, b: np.ndarray) -> np.ndarray:
        self.bias_touched = np.ones(b.shape, dtype=bool)
        self.bias_adds += y.size
        return y + b.reshape((-1,) + (1,) * (y.ndim - 1))

    @property
    def weights(self) -> int:
        return 0 if self.touched is None else int(self.touched.sum())

    @property
    def biases(self) -> int:
        return 0 if self.bias_touched is None else int(self.bias_touched.sum())


@dataclass
class LayerRun:
    """What running one layer produced: its output shape and its tally."""

    name: str
    output_shape: tuple[int, ...]
    tally: Tally = field(default_factory=Tally)


def conv2d(x: np.ndarray, w: np.ndarray, b: Optional[np.ndarray], stride=1, padding=0, dilation=1, groups: int = 1,
           tally: Optional[Tally] = None) -> np.ndarray:
    """Direct convolution (cross-correlation, as in PyTorch), one matrix product per group and tap."""
    t = tally if tally is not None else Tally()
    (sh, sw), (ph, pw), (dh, dw) = _pair(stride), _pair(padding), _pair(dilation)
    c, h, wd = x.shape
    cout, cin_g, kh, kw = w.shape
    cout_g = cout // groups
    ho, wo = (h + 2 * ph - dh * (kh - 1) - 1) // sh + 1, (wd + 2 * pw - dw * (kw - 1) - 1) // sw + 1
    xp = np.pad(x, ((0, 0), (ph, ph), (pw, pw)))
    y = np.zeros((cout, ho, wo), dtype=np.result_type(x, w))
    for g in range(groups):
        rows = slice(g * cout_g, (g + 1) * cout_g)
        xg = xp[g * cin_g:(g + 1) * cin_g]
        for i in range(kh):
            for j in range(kw):
                patch = xg[:, i * dh: i * dh + sh * (ho - 1) + 1: sh, j * dw: j * dw + sw * (wo - 1) + 1: sw]
                wij = t.weight(w, (rows, slice(None), i, j))
                y[rows] += t.matmul(wij, patch.reshape(cin_g, -1)).reshape(cout_g, ho, wo)
    return t.add_bias(y, b) if b is not None else y


def conv2d_direct(x: np.ndarray, w: np.ndarray, b: Optional[np.ndarray], stride=1, padding=0, dilation=1,
                  groups: int = 1) -> tuple[np.ndarray, int]:
    """The definition, one output at a time: the values, and the products summed (the connections)."""
    (sh, sw), (ph, pw), (dh, dw) = _pair(stride), _pair(padding), _pair(dilation)
    cout, cin_g, kh, kw = w.shape
    xp = np.pad(x, ((0, 0), (ph, ph), (pw, pw)))
    ho = (x.shape[1] + 2 * ph - dh * (kh - 1) - 1) // sh + 1
    wo = (x.shape[2] + 2 * pw - dw * (kw - 1) - 1) // sw + 1
    y = np.zeros((cout, ho, wo))
    products = 0
    for o in range(cout):
        g = o // (cout // groups)
        chans = xp[g * cin_g:(g + 1) * cin_g]
        for r in range(ho):
            for q in range(wo):
                patch = chans[:, r * sh + dh * np.arange(kh)][:, :, q * sw + dw * np.arange(kw)]
                y[o, r, q] = np.sum(w[o] * patch) + (b[o] if b is not None else 0.0)
                products += patch.size
    return y, products


def _pool(x: np.ndarray, lay: Layer) -> np.ndarray:
    (kh, kw), (sh, sw), (ph, pw) = lay["kernel"], lay["stride"], lay["padding"]
    fill = -np.inf if lay.type == "maxpool" else 0.0
    xp = np.pad(x, ((0, 0), (ph, ph), (pw, pw)), constant_values=fill)
    win = np.lib.stride_tricks.sliding_window_view(xp, (kh, kw), axis=(1, 2))[:, ::sh, ::sw]
    return win.max(axis=(3, 4)) if lay.type == "maxpool" else win.mean(axis=(3, 4))


def _adaptive_avg(x: np.ndarray, out: tuple[int, int]) -> np.ndarray:
    c, h, w = x.shape
    y = np.empty((c, *out), dtype=x.dtype)
    for r in range(out[0]):
        r0, r1 = (r * h) // out[0], -((-(r + 1) * h) // out[0])
        for q in range(out[1]):
            q0, q1 = (q * w) // out[1], -((-(q + 1) * w) // out[1])
            y[:, r, q] = x[:, r0:r1, q0:q1].mean(axis=(1, 2))
    return y


def _lrn(x: np.ndarray, lay: Layer) -> np.ndarray:
    """Across-channel response normalisation as PyTorch's LocalResponseNorm computes it."""
    n = lay["size"]
    sq = np.pad(x.astype(np.float64) ** 2, ((n // 2, (n - 1) // 2), (0, 0), (0, 0)))
    csum = np.concatenate([np.zeros((1,) + sq.shape[1:]), np.cumsum(sq, axis=0)])
    mean = (csum[n:] - csum[:-n]) / n
    return (x / (lay["k"] + lay["alpha"] * mean) ** lay["beta"]).astype(x.dtype)


def forward(spec: Spec, seed: int = 0, dtype: type = np.float32) -> tuple[list[LayerRun], np.ndarray]:
    """Run ``spec`` on a random input with random weights; return each layer's run and the output."""
    rng = np.random.default_rng(seed)

    def rand(*shape: int) -> np.ndarray:
        return rng.random(shape, dtype=np.float32).astype(dtype, copy=False) - dtype(0.5)

    x = rand(*spec.input)
    runs: list[LayerRun] = []
    for lay in spec.layers:
        t = Tally()
        if lay.type == "conv":
            cin_g = x.shape[0] // lay["groups"]
            w = rand(lay["out_channels"], cin_g, *lay["kernel"])
            b = rand(lay["out_channels"]) if lay["bias"] else None
            x = conv2d(x, w, b, lay["stride"], lay["padding"], lay["dilation"], lay["groups"], t)
        elif lay.type == "fc":
            v = x.reshape(-1, 1)
            w = rand(lay["out_features"], v.shape[0])
            x = t.matmul(t.weight(w, (slice(None), slice(None))), v).reshape(-1)
            if lay["bias"]:
                x = t.add_bias(x, rand(lay["out_features"]))
        elif lay.type in ("maxpool", "avgpool"):
            x = _pool(x, lay)
        elif lay.type == "adaptiveavgpool":
            x = _adaptive_avg(x, lay["output"])
        elif lay.type == "lrn":
            x = _lrn(x, lay)
        elif lay.type == "relu":
            x = np.maximum(x, 0)
        elif lay.type == "flatten":
            x = x.reshape(-1)
        runs.append(LayerRun(lay.name, tuple(x.shape), t))
    return runs, x


def check_network(spec: Spec, seed: int = 0, net: Optional[NetCount] = None) -> Optional[dict[str, str]]:
    """None when every layer's shape and tallies equal ``net`` (default ``count(spec)``); else the first
    difference."""
    runs, out = forward(spec, seed)
    net = count(spec) if net is None else net
    if not np.all(np.isfinite(out)):
        return {"network": spec.name, "problem": "non-finite output"}
    for run, c in zip(runs, net.layers):
        shape = run.output_shape if len(c.output_shape) == 3 or len(run.output_shape) == 1 else (
            int(np.prod(run.output_shape)),)
        pairs = [("output_shape", shape, c.output_shape), ("connections", run.tally.macs, c.connections),
                 ("weights", run.tally.weights, c.weights), ("biases", run.tally.biases, c.biases),
                 ("bias_adds", run.tally.bias_adds, c.bias_adds)]
        for what, got, want in pairs:
            if got != want:
                return {"network": spec.name, "layer": c.name, "quantity": what, "counted": str(got),
                        "formula": str(want)}
    return None


def random_conv_spec(seed: int) -> Spec:
    """A small random conv layer (groups, stride, padding, dilation) followed by an fc layer."""
    rng = np.random.default_rng(seed)
    while True:
        g, cin_g, cout_g = (int(v) for v in rng.integers(1, 4, 3))
        k, s, d = ([int(v) for v in rng.integers(1, hi, 2)] for hi in (5, 4, 3))
        p = [int(v) for v in rng.integers(0, 3, 2)]
        h, w = (int(v) for v in rng.integers(1, 13, 2))
        if all(size + 2 * p[a] - d[a] * (k[a] - 1) - 1 >= 0 for a, size in enumerate((h, w))):
            break
    conv = {"name": "conv", "type": "conv", "out_channels": g * cout_g, "kernel": k, "stride": s, "padding": p,
            "dilation": d, "groups": g, "bias": bool(rng.integers(0, 2))}
    fc = {"name": "fc", "type": "fc", "out_features": int(rng.integers(1, 6))}
    return spec_from_dict({"input": [g * cin_g, h, w], "layers": [conv, fc]}, name=f"random-{seed}")


def check_random_layer(seed: int) -> Optional[dict[str, str]]:
    """Reference tallies equal the formulas, and the values and products equal the direct loop's."""
    spec = random_conv_spec(seed)
    net = count(spec)
    failure = check_network(spec, seed, net)
    if failure is not None:
        return {**failure, "layer_spec": str(dict(spec.layers[0].fields))}
    lay = spec.layers[0]
    rng = np.random.default_rng(seed + 1)
    x = rng.standard_normal(spec.input)
    w = rng.standard_normal((lay["out_channels"], spec.input[0] // lay["groups"], *lay["kernel"]))
    b = rng.standard_normal(lay["out_channels"]) if lay["bias"] else None
    args = (lay["stride"], lay["padding"], lay["dilation"], lay["groups"])
    fast = conv2d(x, w, b, *args)
    slow, products = conv2d_direct(x, w, b, *args)
    want = net.layers[0].connections
    if products != want or fast.shape != slow.shape or not np.allclose(fast, slow, rtol=1e-10, atol=1e-10):
        return {"layer_spec": str(dict(lay.fields)), "direct_products": str(products), "formula": str(want),
                "max_difference": str(float(np.max(np.abs(fast - slow))) if fast.shape == slow.shape else "shape")}
    return None


def numeric_claims(samples: int = 8, seed: int = 0) -> list[tuple[str, Sampled]]:
    """The numeric checks as claims: random layers (``samples`` trials) and each built-in network."""
    if samples <= 0:
        return []
    out = [("reference convolution on random layers: counted multiply-adds, touched weights and shapes equal "
            "the formulas; values and products equal the direct loop",
            Sampled("reference convolution counts equal the formulas", check_random_layer, samples, seed))]
    for name, build in BUILTIN_SPECS.items():
        spec = build()
        trial = partial(check_network, spec, net=count(spec))
        out.append((f"{name} forward on a random input: every layer's shape, multiply-adds, weights and biases "
                    "equal the counts",
                    Sampled(f"{name} forward counts equal the formulas", trial, samples, seed,
                            budget=60.0)))
    return out
