"""Per-layer counts as SymPy formulas in the layer's hyperparameters, evaluated for a spec.

Units are the output neurons of layers with weights; weights exclude biases;
connections are multiply-adds (weights times output positions for a convolution).
Pooling, activations and the like have no units, weights or connections of their own.
"""
from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Optional

import sympy as sp

from derivations.kernel.errors import InputError
from derivations.content.nets.spec import Layer, LayerShape, Spec, shapes

__all__ = ["CONVENTIONS", "QUANTITIES", "Convention", "LayerCount", "NetCount", "SYMBOLS", "count", "formula",
           "formula_latex", "instance"]

QUANTITIES = ("units", "weights", "biases", "params", "connections")
_P = {"integer": True, "positive": True}
SYMBOLS: dict[str, sp.Symbol] = {
    n: sp.Symbol(t, **_P) for n, t in [
        ("C_in", "C_{in}"), ("H_in", "H_{in}"), ("W_in", "W_{in}"), ("C_out", "C_{out}"), ("k_h", "k_h"),
        ("k_w", "k_w"), ("s_h", "s_h"), ("s_w", "s_w"), ("d_h", "d_h"), ("d_w", "d_w"), ("G", "G"),
        ("F_in", "F_{in}"), ("F_out", "F_{out}"), ("H_out", "H_{out}"), ("W_out", "W_{out}")]
}
SYMBOLS["p_h"] = sp.Symbol("p_h", integer=True, nonnegative=True)
SYMBOLS["p_w"] = sp.Symbol("p_w", integer=True, nonnegative=True)
SYMBOLS["b"] = sp.Symbol("b", integer=True, nonnegative=True)
_S = SYMBOLS


def _out(size: sp.Symbol, k: sp.Symbol, s: sp.Symbol, p: sp.Symbol, d: sp.Expr) -> sp.Expr:
    return sp.floor((size + 2 * p - d * (k - 1) - 1) / s) + 1


_CONV = [_S["k_h"], _S["k_w"], _S["C_in"] / _S["G"], _S["C_out"]]
FACTORS: dict[str, dict[str, list[sp.Expr]]] = {
    "conv": {"units": [_S["C_out"], _S["H_out"], _S["W_out"]], "weights": _CONV,
             "biases": [_S["b"], _S["C_out"]], "connections": _CONV + [_S["H_out"], _S["W_out"]]},
    "fc": {"units": [_S["F_out"]], "weights": [_S["F_in"], _S["F_out"]], "biases": [_S["b"], _S["F_out"]],
           "connections": [_S["F_in"], _S["F_out"]]},
}
OUTPUT_SIZE: dict[str, tuple[sp.Expr, sp.Expr]] = {
    "conv": (_out(_S["H_in"], _S["k_h"], _S["s_h"], _S["p_h"], _S["d_h"]),
             _out(_S["W_in"], _S["k_w"], _S["s_w"], _S["p_w"], _S["d_w"])),
    "pool": (_out(_S["H_in"], _S["k_h"], _S["s_h"], _S["p_h"], sp.S.One),
             _out(_S["W_in"], _S["k_w"], _S["s_w"], _S["p_w"], sp.S.One)),
}


@dataclass(frozen=True)
class Convention:
    """How a tool counts the work of a layer: a factor on multiply-adds, and whether bias adds count."""

    name: str
    label: str
    description: str
    factor: int
    bias_adds: bool


CONVENTIONS: dict[str, Convention] = {c.name: c for c in [
    Convention("sheet", "connections", "one multiply-add per connection, bias adds not counted (the sheet)", 1, False),
    Convention("torchinfo", "Mult-Adds", "multiply-adds plus one add per bias and output position (torchinfo)",
               1, True),
    Convention("fvcore", "flops", "one per multiply-add, bias adds not counted (fvcore)", 1, False),
    Convention("thop", "MACs", "one per multiply-add, bias adds not counted (thop)", 1, False),
    Convention("flopcounter", "FLOPs", "FLOPs = 2 x multiply-adds, bias adds not counted (torch FlopCounterMode)",
               2, False),
]}


def formula(kind: str, quantity: str) -> sp.Expr:
    """The symbolic count of ``quantity`` for a layer type (0 for layers without weights)."""
    if quantity == "params":
        return formula(kind, "weights") + formula(kind, "biases")
    if kind not in FACTORS:
        return sp.S.Zero
    return sp.Mul(*FACTORS[kind][quantity])


def formula_latex(kind: str, quantity: str) -> str:
    """The formula in the order the sheet writes it: ``k_{h} k_{w} \\frac{C_{in}}{G} C_{out}``."""
    if kind not in FACTORS:
        return "0"
    return " ".join(sp.latex(f) for f in FACTORS[kind][quantity])


@dataclass(frozen=True)
class LayerCount:
    """One layer's counts (connections in the sheet's convention) and the values of its symbols."""

    name: str
    type: str
    input_shape: tuple[int, ...]
    output_shape: tuple[int, ...]
    units: int
    weights: int
    biases: int
    connections: int
    bias_adds: int
    values: dict[sp.Symbol, int] = field(repr=False, compare=False)

    @property
    def params(self) -> int:
        return self.weights + self.biases

    def connections_as(self, convention: Convention) -> int:
        return convention.factor * self.connections + (self.bias_adds if convention.bias_adds else 0)

    def get(self, quantity: str) -> int:
        return int(getattr(self, quantity))


@dataclass(frozen=True)
class NetCount:
    """All layers' counts, the shape notes, and the convention that connections are reported in."""

    name: str
    input: tuple[int, ...]
    layers: list[LayerCount]
    notes: list[str]
    convention: Convention = CONVENTIONS["sheet"]

    def layer(self, name: str) -> LayerCount:
        return next(c for c in self.layers if c.name == name)

    def total(self, quantity: str, convention: Optional[Convention] = None) -> int:
        if quantity == "connections":
            conv = convention or self.convention
            return sum(c.connections_as(conv) for c in self.layers)
        return sum(c.get(quantity) for c in self.layers)

    def totals(self) -> dict[str, int]:
        return {q: self.total(q) for q in QUANTITIES}

    def share(self, quantity: str, kind: str) -> Fraction:
        """Fraction of the network's ``quantity`` held by layers of type ``kind``."""
        whole = sum(c.get(quantity) for c in self.layers)
        part = sum(c.get(quantity) for c in self.layers if c.type == kind)
        return Fraction(part, whole) if whole else Fraction(0)

    def as_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "input": list(self.input),
            "layers": [{"name": c.name, "type": c.type, "output_shape": list(c.output_shape), "units": c.units,
                        "weights": c.weights, "biases": c.biases, "connections": c.connections_as(self.convention)}
                       for c in self.layers],
            "totals": self.totals(),
        }


def _values(sh: LayerShape) -> dict[sp.Symbol, int]:
    lay = sh.layer
    v: dict[sp.Symbol, int] = {}
    if len(sh.input) == 3:
        v.update({_S["C_in"]: sh.input[0], _S["H_in"]: sh.input[1], _S["W_in"]: sh.input[2]})
    if lay.type in ("conv", "maxpool", "avgpool"):
        for n, ax in enumerate("hw"):
            v[_S[f"k_{ax}"]], v[_S[f"s_{ax}"]], v[_S[f"p_{ax}"]] = lay["kernel"][n], lay["stride"][n], lay["padding"][n]
        v[_S["H_out"]], v[_S["W_out"]] = sh.output[1], sh.output[2]
    if lay.type == "conv":
        v.update({_S["d_h"]: lay["dilation"][0], _S["d_w"]: lay["dilation"][1], _S["G"]: lay["groups"],
                  _S["C_out"]: lay["out_channels"], _S["b"]: int(lay["bias"])})
    if lay.type == "fc":
        v.update({_S["F_in"]: math.prod(sh.input), _S["F_out"]: lay["out_features"], _S["b"]: int(lay["bias"])})
    return v


def _eval(e: sp.Expr, values: dict[sp.Symbol, int]) -> int:
    r = e.xreplace({k: sp.Integer(v) for k, v in values.items()})
    if not r.is_Integer:
        raise ValueError(f"count {e} did not evaluate to a whole number: {r}")
    return int(r)


def instance(c: LayerCount, quantity: str) -> sp.Expr:
    """The count written out at the layer's numbers, unevaluated: ``11*11*3*96`` for conv1's weights."""
    if quantity == "params":
        return sp.Add(instance(c, "weights"), instance(c, "biases"), evaluate=False)
    if c.type not in FACTORS:
        return sp.S.Zero
    if quantity == "biases" and not c.values.get(_S["b"]):
        return sp.S.Zero
    factors = [sp.Integer(_eval(f, c.values)) for f in FACTORS[c.type][quantity] if f != _S["b"]]
    return factors[0] if len(factors) == 1 else sp.Mul(*factors, evaluate=False)


def _layer_count(sh: LayerShape) -> LayerCount:
    values = _values(sh)
    kind = sh.layer.type
    n: dict[str, int] = {q: _eval(formula(kind, q), values) for q in ("units", "weights", "biases", "connections")}
    if kind == "conv":
        sizes = tuple(_eval(e, values) for e in OUTPUT_SIZE["conv"])
        if sizes != sh.output[1:]:
            raise ValueError(f"{sh.layer.name}: formula output size {sizes} differs from {sh.output[1:]}")
    positions = math.prod(sh.output[1:]) if kind == "conv" else 1
    return LayerCount(sh.layer.name, kind, sh.input, sh.output, n["units"], n["weights"], n["biases"],
                      n["connections"], n["biases"] * positions, values)


def count(spec: Spec, convention: str = "sheet") -> NetCount:
    """Count every layer of a spec; ``convention`` names how connections are reported."""
    if convention not in CONVENTIONS:
        known = ", ".join(CONVENTIONS)
        raise InputError(f"unknown convention {convention!r}; known: {known}")
    shaped = shapes(spec)
    return NetCount(spec.name, spec.input, [_layer_count(sh) for sh in shaped], shape_notes(spec, shaped),
                    CONVENTIONS[convention])


def shape_notes(spec: Spec, shaped: list[LayerShape]) -> list[str]:
    """One note per output size that is not a whole number, with the nearest input sizes that divide."""
    notes: list[str] = []
    bad_axes: set[int] = set()
    for sh in shaped:
        texts = {}
        for a, exact in enumerate(sh.exact):
            if exact.denominator != 1:
                bad_axes.add(a)
                texts[a] = _note(sh, a, exact, "{axis}")
        if len(texts) == 2 and texts[0] == texts[1]:
            notes.append(texts[0].format(axis="height and width"))
        else:
            notes.extend(t.format(axis=("height", "width")[a]) for a, t in texts.items())
    found = {a: even_input(spec, a) for a in sorted(bad_axes)}
    if len(found) == 2 and found[0] == found[1] and spec.input[1] == spec.input[2]:
        found = {-1: found[0]}
    for a, best in found.items():
        axis = "height and width" if a == -1 else ("height", "width")[a]
        if best is not None:
            notes.append(f"nearest network input {axis} at which every layer divides evenly: {best}")
    return notes


def _note(sh: LayerShape, a: int, exact: Fraction, axis: str) -> str:
    lay = sh.layer
    size, c, s = sh.input[1 + a], sh.offsets[a], sh.strides[a]
    below = size - (size + c) % s
    fits = [(h, (h + c) // s + 1) for h in (below, below + s) if h + c >= 0]
    near = min(fits, key=lambda t: (abs(t[0] - size), t[0]))
    other = [f"{h} (output {o})" for h, o in fits if h != near[0]]
    return (f"{lay.name}: output {axis} {_numerator(size, lay, a)}/{s} + 1 = {exact.numerator}/{exact.denominator}"
            f" is not a whole number; it is floored to {sh.output[1 + a]}. Nearest {lay.name} input {axis}"
            f" dividing evenly: {near[0]} (output {near[1]})" + (f"; also {other[0]}" if other else ""))


def _numerator(size: int, lay: Layer, a: int) -> str:
    k, p = lay["kernel"][a], lay["padding"][a]
    d = lay["dilation"][a] if lay.type == "conv" else 1
    return f"({size} + 2*{p} - {d}*({k} - 1) - 1)"


def even_input(spec: Spec, axis: int, reach: int = 256) -> Optional[int]:
    """The input size along ``axis`` nearest the spec's for which no layer floors a fraction."""
    start = spec.input[1 + axis]
    for delta in range(1, reach + 1):
        for size in (start - delta, start + delta):
            if size < 1:
                continue
            inp = list(spec.input)
            inp[1 + axis] = size
            try:
                shaped = shapes(dataclasses.replace(spec, input=tuple(inp)))
            except InputError:
                continue
            if all(sh.exact[axis].denominator == 1 for sh in shaped if sh.exact):
                return size
    return None
