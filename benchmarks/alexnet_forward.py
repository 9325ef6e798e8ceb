"""Benchmark: the two-GPU AlexNet checked forward by the numeric checker, against plain forwards.

Ours: ``refconv.check_network(alexnet())``: random weights and input, the counting reference
convolution (one tallied matrix product per group and tap), every weight read through the
tracker, then shapes, multiply-adds, weights and biases compared with the counts. Target:
median under 3 s. References measured in the same run: a numpy forward with the same random
weights but im2col + tensordot and no counting, and PyTorch's forward when it is installed.
"""
from __future__ import annotations

import statistics
import time
from typing import Callable

import numpy as np

from derivations.content.nets.networks import alexnet
from derivations.content.nets.refconv import _lrn, _pool, check_network, forward
from derivations.content.nets.spec import Spec

RUNS = 5


def numpy_forward(spec: Spec, seed: int = 0) -> np.ndarray:
    """A plain forward: same weight generation as the checker, convolution by im2col and tensordot."""
    rng = np.random.default_rng(seed)

    def rand(*shape: int) -> np.ndarray:
        return rng.random(shape, dtype=np.float32) - np.float32(0.5)

    x = rand(*spec.input)
    for lay in spec.layers:
        if lay.type == "conv":
            g, (kh, kw), (sh, sw), (ph, pw) = lay["groups"], lay["kernel"], lay["stride"], lay["padding"]
            w = rand(lay["out_channels"], x.shape[0] // g, kh, kw)
            xp = np.pad(x, ((0, 0), (ph, ph), (pw, pw)))
            win = np.lib.stride_tricks.sliding_window_view(xp, (kh, kw), axis=(1, 2))[:, ::sh, ::sw]
            cin, cout = x.shape[0] // g, lay["out_channels"] // g
            x = np.concatenate([np.tensordot(w[n * cout:(n + 1) * cout], win[n * cin:(n + 1) * cin],
                                             axes=([1, 2, 3], [0, 3, 4])) for n in range(g)])
            x = x + rand(lay["out_channels"])[:, None, None]
        elif lay.type == "fc":
            x = rand(lay["out_features"], x.size) @ x.reshape(-1) + rand(lay["out_features"])
        elif lay.type == "maxpool":
            x = _pool(x, lay)
        elif lay.type == "lrn":
            x = _lrn(x, lay)
        elif lay.type == "relu":
            x = np.maximum(x, 0)
    return x


def timed(fn: Callable[[], object], runs: int = RUNS) -> list[float]:
    fn()  # warm-up: imports, caches
    out = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t)
    return out


def main() -> None:
    spec = alexnet()
    failure = check_network(spec, 0)
    if failure is not None:
        raise SystemExit(f"the checked forward disagrees with the counts: {failure}")
    _, checked_out = forward(spec, 0)
    plain_out = numpy_forward(spec, 0)
    if not np.allclose(checked_out, plain_out, rtol=1e-4, atol=1e-5 * float(np.abs(plain_out).max())):
        raise SystemExit("the plain numpy forward and the checked forward give different outputs")
    ours = statistics.median(timed(lambda: check_network(spec, 0)))
    print(f"checked forward, two-GPU AlexNet (counting reference convolution + comparison with the counts): "
          f"median {ours:.3f} s over {RUNS} runs (target under 3 s: {'met' if ours < 3 else 'MISSED'})")
    ref = statistics.median(timed(lambda: numpy_forward(spec, 0)))
    print(f"numpy im2col/tensordot forward, same weight generation, no counting: median {ref:.3f} s; "
          f"ratio checked/plain = {ours / ref:.2f}x")
    try:
        import torch

        from derivations.content.nets.torchref import torch_model
    except ImportError:
        print("torch forward: skipped (PyTorch not installed; pip install torch==2.13.0)")
        return
    model = torch_model(spec)
    x = torch.randn(1, *spec.input)

    def run() -> None:
        with torch.no_grad():
            model(x)

    t = statistics.median(timed(run))
    print(f"torch {torch.__version__} forward (model and weights built beforehand): median {t:.3f} s; "
          f"ratio checked/torch = {ours / t:.1f}x")


if __name__ == "__main__":
    main()
