"""The count formulas derived from their definitions, and the AlexNet table from the formulas.

A convolution with C_in = G A input and C_out = G B output channels in G groups: a
unit is an (output channel, position) pair, a weight an (output channel, input channel
of its group, tap) triple, a connection a (unit, input channel of its group, tap) triple.
Each count is a sum of 1 over those index ranges, which the kernel turns into a product.
"""
from __future__ import annotations

import sympy as sp
from sympy import Sum

from derivations.kernel.claims import Assumptions, Equal
from derivations.kernel.derivation import Derivation
from derivations.content.nets.networks import alexnet
from derivations.content.nets.counts import count, instance

__all__ = ["SHEET_TABLE", "derivations", "formulas", "table"]

_P = {"integer": True, "positive": True}
G, A, B, Ho, Wo, kh, kw = sp.symbols("G A B H_out W_out k_h k_w", **_P)
Fi, Fo, C, H, W, s, q, k, dl, pad = sp.symbols("F_in F_out C H W s q k d p", **_P)
g, b, y, x, a, i, j, o, c = sp.symbols("g b y x a i j o c", integer=True)

# The sheet's table as restated in seed/README.md (correct values), layer -> (units, weights, connections).
SHEET_TABLE: dict[str, tuple[int, int, int]] = {
    "conv1": (290_400, 34_848, 105_415_200),
    "conv2": (186_624, 307_200, 223_948_800),
    "conv3": (64_896, 884_736, 149_520_384),
    "conv4": (64_896, 663_552, 112_140_288),
    "conv5": (43_264, 442_368, 74_760_192),
    "fc6": (4_096, 37_748_736, 37_748_736),
    "fc7": (4_096, 16_777_216, 16_777_216),
    "fc8": (1_000, 4_096_000, 4_096_000),
}


def formulas() -> Derivation:
    """The count formulas of conv and fully connected layers, proved from the definitions."""
    C_in, C_out = G * A, G * B
    units_idx = ((g, 1, G), (b, 1, B), (y, 1, Ho), (x, 1, Wo))
    taps = ((a, 1, A), (i, 1, kh), (j, 1, kw))
    weights = kh * kw * (C_in / G) * C_out
    d = Derivation(
        "alexnet-formulas",
        title="Count formulas of a convolutional network, derived from the definitions",
        source="built-in",
        assumptions=Assumptions(
            sizes=(G, A, B, Ho, Wo, kh, kw, Fi, Fo, C, H, W, s, q, k, dl, pad),
            statements=(
                "a convolution has C_in = G A input and C_out = G B output channels in G groups",
                "output channel b of group g sees the A input channels of group g",
                "kernel k_h x k_w, output H_out x W_out positions",
                "a fully connected layer maps F_in inputs to F_out outputs",
            ),
        ),
    )
    d.add(Equal(Sum(1, *units_idx), C_out * Ho * Wo),
          by="conv units: one per output channel and position = C_out H_out W_out")
    d.add(Equal(Sum(1, (g, 1, G), (b, 1, B), *taps), weights),
          by="conv weights: one per output channel, input channel of its group and tap, shared across "
             "positions = k_h k_w (C_in/G) C_out")
    d.add(Equal(Sum(1, (g, 1, G), (b, 1, B)), C_out), by="conv biases: one per output channel = C_out")
    conn = Sum(Sum(1, *taps), *units_idx)
    d.add(Equal(conn, kh * kw * (C_in / G) * C_out * Ho * Wo),
          by="conv connections: each unit takes one input per channel of its group and tap = "
             "k_h k_w (C_in/G) C_out H_out W_out")
    (d.chain(conn, label="weights x positions")
     .step(Sum(Sum(1, (g, 1, G), (b, 1, B), *taps), (y, 1, Ho), (x, 1, Wo)),
           by="conv connections: sum over positions outside, every position uses every weight once")
     .step(Sum(weights, (y, 1, Ho), (x, 1, Wo)), by="conv connections: the inner sum counts the weights")
     .step(weights * (Ho * Wo), by="conv connections = weights x output positions (weights are shared)"))
    d.add(Equal(Sum(Sum(1, *taps) + 1, *units_idx), (kh * kw * (C_in / G) + 1) * C_out * Ho * Wo),
          by="torchinfo convention: connections plus one bias add per unit = (k_h k_w C_in/G + 1) C_out H_out W_out")
    d.add(Equal(Sum(Sum(2, *taps), *units_idx), 2 * weights * Ho * Wo),
          by="FlopCounterMode convention: a multiply and an add per connection = 2 x connections")
    d.add(Equal(Sum(1, (y, 0, q)), ((s * q + dl * (k - 1) + 1 - 2 * pad) + 2 * pad - dl * (k - 1) - 1) / s + 1),
          by="output size: with H + 2p - d(k-1) - 1 = s q, the positions 0..q give (H + 2p - d(k-1) - 1)/s + 1")
    d.add(Equal(Sum(1, (o, 1, Fo)), Fo), by="fc units: one per output = F_out")
    d.add(Equal(Sum(Sum(1, (i, 1, Fi)), (o, 1, Fo)), Fi * Fo),
          by="fc connections: each output takes every input = F_in F_out (one weight each, so weights = F_in F_out)")
    d.add(Equal(Sum(Sum(1, (c, 1, C), (y, 1, H), (x, 1, W)), (o, 1, Fo)), (C * H * W) * Fo),
          by="fc on a C x H x W input (flattened): connections = (H x W x C) x F_out, as the sheet writes it")
    return d


def table() -> Derivation:
    """The sheet's (corrected) AlexNet numbers, each from its formula at the layer's hyperparameters."""
    net = count(alexnet())
    d = Derivation("alexnet-table", title="The AlexNet table: the formulas at the two-GPU network's sizes",
                   source="built-in")
    for name, values in SHEET_TABLE.items():
        lay = net.layer(name)
        for quantity, value in zip(("units", "weights", "connections"), values):
            d.add(Equal(instance(lay, quantity), sp.Integer(value)), by=f"{name} {quantity} = {value:,}")
    for quantity, n in (("units", 0), ("weights", 1), ("connections", 2)):
        parts = [sp.Integer(v[n]) for v in SHEET_TABLE.values()]
        total = net.total(quantity)
        d.add(Equal(sp.Add(*parts, evaluate=False), sp.Integer(total)), by=f"total {quantity} = {total:,}")
    fc_w = [sp.Integer(SHEET_TABLE[n][1]) for n in ("fc6", "fc7", "fc8")]
    conv_c = [sp.Integer(SHEET_TABLE[n][2]) for n in SHEET_TABLE if n.startswith("conv")]
    share_w = net.share("weights", "fc")
    share_c = net.share("connections", "conv")
    d.add(Equal(sp.Add(*fc_w, evaluate=False), sp.Integer(sum(fc_w))),
          by=f"weights in fully connected layers = {int(sum(fc_w)):,}, {float(share_w):.1%} of all weights")
    d.add(Equal(sp.Add(*conv_c, evaluate=False), sp.Integer(sum(conv_c))),
          by=f"connections in conv layers = {int(sum(conv_c)):,}, {float(share_c):.1%} of all connections")
    return d


def derivations() -> list[Derivation]:
    """The built-in ``alexnet`` derivations: the formulas, then the table."""
    return [formulas(), table()]
