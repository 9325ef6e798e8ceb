"""Claims files: a sheet's table of counts, each entry turned into kernel steps.

``architecture = "alexnet"`` (or a spec path) and ``[[claims]]`` tables with ``layer``,
``quantity``, ``value`` and optionally ``work`` (the arithmetic as written) and
``label`` (the row's name on the sheet). A claim becomes up to four steps: the value
is the count, the work is the count's formula, the work's arithmetic gives the value,
the label names the layer. Every step's line is its ``[[claims]]`` header.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any, Optional

import sympy as sp
from lark import Lark, LarkError

from .._claims import Equal, Unreadable
from .._derivation import Derivation
from .._errors import InputError
from .arith import ArithmeticError_, parse_number, parse_work
from .builtins import load_spec
from .counts import QUANTITIES as COUNTED, LayerCount, NetCount, count, instance
from .spec import Locator, read_toml

__all__ = ["QUANTITIES", "load_claims", "parse_label"]

QUANTITIES = (*COUNTED, "output_shape")
_KEYS = ("layer", "quantity", "value", "work", "label")
_KIND_NAMES = {"conv": "convolution", "fc": "fully connected"}

_LABEL = r"""
start: conv | fc | output
conv: CONV LAYER? ORD
fc: FC LAYER? ORD
output: OUTPUT LAYER?
CONV: /conv(olution(al)?)?/i
FC: /(fully[ \t]*connected|fc|dense)/i
OUTPUT: /output/i
LAYER: /layer/i
ORD: /[0-9]{1,3}/
%ignore /[ \t]+/
"""


@lru_cache(maxsize=1)
def _label_parser() -> Lark:
    return Lark(_LABEL, parser="lalr")


def parse_label(text: str) -> tuple[str, Optional[int]]:
    """``"Fully Connected Layer 2"`` -> ``("fc", 2)``; ``"Output Layer"`` -> ``("output", None)``."""
    if not isinstance(text, str) or len(text) > 80:
        raise ValueError(f"a label is a short string like \"Convolution Layer 1\", got {text!r}")
    try:
        tree = _label_parser().parse(text)
    except LarkError:
        raise ValueError(f"cannot read label {text!r}; write \"Convolution Layer N\", \"Fully Connected Layer N\" "
                         "or \"Output Layer\"") from None
    node = tree.children[0]
    ordinal = next((int(t) for t in node.children if getattr(t, "type", "") == "ORD"), None)
    return str(node.data), ordinal


def load_claims(path: str | Path) -> Derivation:
    """Read a claims file into a derivation whose steps the kernel checks; InputError names file and line."""
    src = str(path)
    data, text = read_toml(path)
    loc = Locator(text, "claims")
    unknown = sorted(set(data) - {"architecture", "title", "claims"})
    if unknown:
        raise InputError(f"unknown top-level key {unknown[0]!r}; expected architecture, title, claims", src,
                         loc.top(unknown[0]))
    arch = data.get("architecture")
    if not isinstance(arch, str) or not arch:
        raise InputError("missing 'architecture = ...' (a built-in name such as \"alexnet\" or a spec file path)",
                         src, loc.top("architecture"))
    spec = load_spec(arch, base=Path(src).parent, origin=src, line=loc.top("architecture"))
    net = count(spec)
    rows = data.get("claims")
    if not isinstance(rows, list) or not rows or not all(isinstance(r, dict) for r in rows):
        raise InputError("a claims file needs at least one [[claims]] table", src)
    title = data.get("title", f"claims about {spec.name}")
    d = Derivation(Path(src).stem, title=str(title), source=src)
    for n, row in enumerate(rows):
        _add_claim(d, net, row, _Where(src, loc, n))
    return d


class _Where:
    """Where a claim's fields are in the file, for steps and for error messages."""

    def __init__(self, src: str, loc: Locator, index: int) -> None:
        self.src, self.loc, self.index = src, loc, index

    @property
    def line(self) -> Optional[int]:
        return self.loc.header(self.index)

    def error(self, key: str, message: str, column: Optional[int] = None) -> InputError:
        return InputError(f"claim {self.index + 1}: field {key!r}: {message}", self.src,
                          self.loc.field(self.index, key), column)

    def column_of(self, key: str, value: str, offset: Optional[int]) -> Optional[int]:
        line = self.loc.field(self.index, key)
        if line is None or offset is None:
            return None
        at = self.loc.lines[line - 1].find(value)
        return at + offset if at >= 0 else None


def _add_claim(d: Derivation, net: NetCount, row: dict[str, Any], w: _Where) -> None:
    for key in row:
        if key not in _KEYS:
            raise w.error(key, f"unknown field; a claim has {', '.join(_KEYS)}")
    for key in ("layer", "quantity", "value"):
        if key not in row:
            raise w.error(key, "is missing")
    name, quantity = row["layer"], row["quantity"]
    names = [c.name for c in net.layers]
    if name not in names:
        raise w.error("layer", f"no layer {name!r} in {net.name}; its layers are: {', '.join(names)}")
    if quantity not in QUANTITIES:
        raise w.error("quantity", f"unknown quantity {quantity!r}; one of {', '.join(QUANTITIES)}")
    lay = net.layer(name)
    if "label" in row:
        _label_step(d, net, lay, row["label"], w)
    if quantity == "output_shape":
        if "work" in row:
            raise w.error("work", "output_shape takes no work; give value = [C, H, W]")
        _shape_steps(d, lay, row["value"], w)
        return
    try:
        written = parse_number(row["value"])
    except ArithmeticError_ as exc:
        raise w.error("value", str(exc)) from None
    truth = instance(lay, quantity)
    d.add(Equal(written, truth), by=f"{name} {quantity}: value {_show(row['value'])}", line=w.line)
    if "work" not in row:
        return
    work_text = row["work"]
    try:
        work = parse_work(work_text)
    except ArithmeticError_ as exc:
        col = w.column_of("work", work_text, exc.column) if isinstance(work_text, str) else None
        raise w.error("work", f"{_show(work_text)} {exc}", col) from None
    d.add(Equal(work, truth), by=f"{name} {quantity}: work {work_text} is the right formula", line=w.line)
    d.add(Equal(work, written), by=f"{name} {quantity}: arithmetic of {work_text}", line=w.line)


def _show(v: Any) -> str:
    return f'"{v}"' if isinstance(v, str) else str(v)


def _shape_steps(d: Derivation, lay: LayerCount, value: Any, w: _Where) -> None:
    if not isinstance(value, list) or not value or not all(isinstance(v, int) and not isinstance(v, bool)
                                                           for v in value):
        raise w.error("value", f"output_shape is a list of whole numbers such as [96, 55, 55], got {value!r}")
    actual = lay.output_shape
    if len(value) != len(actual):
        d.add(Equal(sp.Integer(len(value)), sp.Integer(len(actual))),
              by=f"{lay.name} output_shape: {value} has the right number of dimensions", line=w.line)
        return
    dims = ("channels", "height", "width") if len(actual) == 3 else ("features",)
    for dim, v, a in zip(dims, value, actual):
        d.add(Equal(sp.Integer(v), sp.Integer(a)), by=f"{lay.name} output_shape: {dim} {v}", line=w.line)


def _label_step(d: Derivation, net: NetCount, lay: LayerCount, label: Any, w: _Where) -> None:
    try:
        kind, ordinal = parse_label(label)
    except ValueError as exc:
        raise w.error("label", str(exc)) from None
    weighted = [c.name for c in net.layers if c.type in _KIND_NAMES]
    of_kind = [c.name for c in net.layers if c.type == kind]
    by = f"{lay.name} label: {label!r} names this layer"
    if kind == lay.type and ordinal is not None:
        d.add(Equal(sp.Integer(ordinal), sp.Integer(of_kind.index(lay.name) + 1)),
              by=f"{by} ({_KIND_NAMES[kind]} layers numbered from 1)", line=w.line)
        return
    if kind == "output":
        denoted: Optional[str] = weighted[-1] if weighted else None
    else:
        denoted = of_kind[ordinal - 1] if ordinal is not None and 0 < ordinal <= len(of_kind) else None
    if denoted is None or lay.name not in weighted:
        d.add(Unreadable(f"label {label!r} names no layer with weights of {net.name}", str(label)), by=by,
              line=w.line)
        return
    d.add(Equal(sp.Integer(weighted.index(denoted) + 1), sp.Integer(weighted.index(lay.name) + 1)),
          by=f"{by} (position among the layers with weights)", line=w.line)

