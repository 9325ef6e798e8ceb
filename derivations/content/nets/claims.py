"""Claims files: a sheet's table of counts, each entry turned into kernel steps.

``architecture = "alexnet"`` (or a spec path) and ``[[claims]]`` tables with ``layer``,
``quantity``, ``value`` and optionally ``work`` (the arithmetic as written) and
``label`` (the row's name on the sheet). A claim becomes up to four steps: the value
is the count, the work is the count's formula, the work's arithmetic gives the value,
the label names the layer. Every step's line is its ``[[claims]]`` header.

The formula step is symbolic: each number of the work that is the value of one of the
formula's factors (kernel size, channels, output size, features) is read as that factor,
written in the layer's own positive-integer symbols (``conv1.k_h``), and the kernel must
show the work equal to the formula for every value of them, not just at the sheet's.
"""
from __future__ import annotations

from collections import Counter
from functools import lru_cache
from pathlib import Path
from typing import Any, Optional

import sympy as sp
from lark import Lark, LarkError

from derivations.kernel.claims import Assumptions, Equal, Unreadable
from derivations.kernel.derivation import Derivation
from derivations.kernel.errors import InputError
from derivations.content.nets.arith import ArithmeticError_, parse_number, parse_work
from derivations.content.nets.networks import load_spec
from derivations.content.nets.counts import FACTORS, QUANTITIES as COUNTED, SYMBOLS, LayerCount, NetCount, count, instance
from derivations.content.nets.spec import Locator, read_toml

__all__ = ["QUANTITIES", "formula_claim", "load_claims", "parse_label"]

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
    d = Derivation(Path(src).stem, title=str(title), source=src, assumptions=_ASSUMPTIONS)
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
    d.add(Equal(*formula_claim(lay, quantity, work)), by=f"{name} {quantity}: work {work_text} is the right formula",
          line=w.line)
    d.add(Equal(work, written), by=f"{name} {quantity}: arithmetic of {work_text}", line=w.line)


_ASSUMPTIONS = Assumptions(statements=(
    "every layer parameter (kernel size, channels, output size, features; conv1.k_h and the like) is a positive "
    "integer",))
_NAME = {s: n for n, s in SYMBOLS.items()}
_Factor = tuple[sp.Expr, sp.Rational]  # a factor of the formula in the layer's symbols, and its value there


def _param(lay: LayerCount, s: sp.Symbol) -> sp.Symbol:
    return sp.Symbol(f"{lay.name}.{_NAME[s]}", integer=True, positive=True)


def _variants(lay: LayerCount, quantity: str) -> list[list[list[_Factor]]]:
    """The count as a sum of products of factors; a second way when the input of a fully connected layer is
    C x H x W (its F_in is then written C_in x H_in x W_in). The bias flag b is put in, not kept as a factor."""
    if lay.type not in FACTORS:
        return [[]]
    b = SYMBOLS["b"]
    terms = []
    for q in ("weights", "biases") if quantity == "params" else (quantity,):
        factors = FACTORS[lay.type][q]
        if b in factors:
            if not lay.values.get(b):
                continue
            factors = [f for f in factors if f != b]
        terms.append(factors)
    ways = [terms]
    flat = (SYMBOLS["C_in"], SYMBOLS["H_in"], SYMBOLS["W_in"])
    if lay.type == "fc" and all(s in lay.values for s in flat):
        ways.append([[g for f in t for g in (flat if f == SYMBOLS["F_in"] else (f,))] for t in terms])
    values = {k: sp.Integer(v) for k, v in lay.values.items()}
    return [[[(f.xreplace({s: _param(lay, s) for s in f.free_symbols}), sp.Rational(f.xreplace(values)))
              for f in t] for t in way] for way in ways]


def _pair(lits: list[sp.Integer], terms: list[list[_Factor]]) -> tuple[list[sp.Expr], tuple[int, int]]:
    """Read the numbers of one product as factors of the formula term they match best.

    The term chosen is one whose values are exactly the numbers' (as a multiset), else the one sharing the
    most; within it, a number becomes a factor of equal value, so equal values (H_out = W_out = 55) give the
    same product however they are paired. Numbers that match no factor stay numbers.
    Returns the factors and (1 if the match was exact, how many numbers were matched).
    """
    have = Counter(lits)
    scored = [(Counter(v for _, v in t) == have, sum((Counter(v for _, v in t) & have).values()), -n)
              for n, t in enumerate(terms)]
    if not scored:
        return list(lits), (0, 0)
    exact, matched, n = max(scored)
    left = list(terms[-n])
    out: list[sp.Expr] = []
    for lit in lits:
        at = next((i for i, (_, v) in enumerate(left) if v == lit), None)
        out.append(lit if at is None else left.pop(at)[0])
    return out, (int(exact), matched)


def _read(e: sp.Expr, terms: list[list[_Factor]]) -> tuple[sp.Expr, tuple[int, int]]:
    """The work with its numbers read as factors, product by product; and the summed match score."""
    if isinstance(e, sp.Add):
        parts = [_read(a, terms) for a in e.args]
        return (sp.Add(*(p for p, _ in parts), evaluate=False),
                (sum(s[0] for _, s in parts), sum(s[1] for _, s in parts)))
    lits: list[sp.Integer] = []
    inner: list[sp.Expr] = []

    def flatten(x: sp.Expr) -> None:
        if isinstance(x, sp.Mul):
            for a in x.args:
                flatten(a)
        elif isinstance(x, sp.Integer):
            lits.append(x)
        else:
            inner.append(x)

    flatten(e)
    factors, score = _pair(lits, terms)
    for x in inner:
        part, sub = _read(x, terms)
        factors.append(part)
        score = (score[0] + sub[0], score[1] + sub[1])
    return _product(factors), score


def _product(factors: list[sp.Expr]) -> sp.Expr:
    return factors[0] if len(factors) == 1 else sp.Mul(*factors, evaluate=False)


def formula_claim(lay: LayerCount, quantity: str, work: sp.Expr) -> tuple[sp.Expr, sp.Expr]:
    """``(work in the layer's symbols, the count's formula in them)``, for the kernel to decide as an identity.

    >>> net = count(load_spec("alexnet"))
    >>> formula_claim(net.layer("conv1"), "weights", parse_work("96 x 3 x 11 x 11"))[0]
    conv1.C_out*conv1.k_h*conv1.k_w*(conv1.C_in/conv1.G)
    >>> formula_claim(net.layer("fc6"), "weights", parse_work("2 x 18874368"))
    (2*18874368, fc6.F_in*fc6.F_out)
    """
    best: Optional[tuple[tuple[int, int], int, sp.Expr, list[list[_Factor]]]] = None
    for n, terms in enumerate(_variants(lay, quantity)):
        read, score = _read(work, terms)
        if best is None or (score, -n) > (best[0], best[1]):
            best = (score, -n, read, terms)
    assert best is not None
    _, _, read, terms = best
    products = [_product([f for f, _ in t]) for t in terms]
    truth = sp.S.Zero if not products else products[0] if len(products) == 1 else sp.Add(*products, evaluate=False)
    return read, truth


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

