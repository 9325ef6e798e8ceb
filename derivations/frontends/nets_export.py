"""Count tables for course notes: a booktabs ``tabular`` per network, with totals and shares."""
from __future__ import annotations

from pathlib import Path
from typing import Iterator, Optional

import sympy as sp

from derivations.kernel.claims import tex_text
from derivations.content.nets.networks import BUILTIN_SPECS, load_spec
from derivations.content.nets.counts import NetCount, count
from derivations.content.nets.spec import Spec, read_toml

__all__ = ["latex_table", "latex_tables"]


def _num(n: int) -> str:
    return f"{n:,}".replace(",", "{,}")


def _shape(shape: tuple[int, ...]) -> str:
    return sp.latex(sp.Mul(*[sp.Integer(n) for n in shape], evaluate=False), mul_symbol="times")


def latex_table(net: NetCount) -> str:
    """The per-layer table (layers with weights) and totals as a booktabs tabular."""
    rows = [
        r"\begin{table}[htbp]",
        r"\centering",
        rf"\caption{{Units, weights and connections of {tex_text(net.name)} "
        rf"(input ${_shape(net.input)}$; connections are multiply-adds)}}",
        r"\begin{tabular}{llrrrr}",
        r"\toprule",
        r"Layer & Output & Units & Weights & Biases & Connections \\",
        r"\midrule",
    ]
    for c in net.layers:
        if c.weights == 0:
            continue
        rows.append(rf"{tex_text(c.name)} & ${_shape(c.output_shape)}$ & {_num(c.units)} & {_num(c.weights)} & "
                    rf"{_num(c.biases)} & {_num(c.connections_as(net.convention))} \\")
    t = net.totals()
    rows += [
        r"\midrule",
        rf"Total & & {_num(t['units'])} & {_num(t['weights'])} & {_num(t['biases'])} & {_num(t['connections'])} \\",
        r"\bottomrule",
        r"\end{tabular}",
        "",
        rf"\smallskip Fully connected layers hold {float(net.share('weights', 'fc')) * 100:.1f}\,\% of the weights; "
        rf"convolutional layers hold {float(net.share('connections', 'conv')) * 100:.1f}\,\% of the connections.",
        r"\end{table}",
        "",
    ]
    return "\n".join(rows)


def _spec_for(target: str) -> Optional[Spec]:
    if target in BUILTIN_SPECS:
        return load_spec(target)
    path = Path(target)
    if path.suffix.lower() == ".toml" and path.is_file():
        data, _ = read_toml(path)
        if "claims" in data and isinstance(data.get("architecture"), str):
            return load_spec(data["architecture"], base=path.parent, origin=str(path))
        if "layers" in data:
            return load_spec(str(path))
    return None


def latex_tables(target: str) -> Iterator[str]:
    """Tables for a network target (a built-in name, a spec or a claims file); nothing for others."""
    spec = _spec_for(target)
    if spec is not None:
        yield latex_table(count(spec))
