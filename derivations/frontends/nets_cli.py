"""``derivations count SPEC ...``: a per-layer table like torchinfo's, totals, shares, what-if."""
from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from derivations.kernel.errors import InputError
from derivations.content.nets.networks import BUILTIN_SPECS, load_spec
from derivations.content.nets.counts import CONVENTIONS, NetCount, count, formula_latex
from derivations.content.nets.spec import WEIGHTED
from derivations.content.nets.whatif import format_whatif, parse_override, whatif

__all__ = ["format_count", "register", "run_count"]

EXIT_OK, EXIT_USAGE = 0, 2


def register(subparsers: Any) -> None:
    """Add the ``count`` subcommand to the CLI's subparsers."""
    p = subparsers.add_parser(
        "count", help="count units, weights and connections of a network, layer by layer",
        description="Count units, weights, biases and connections of each layer of a network. "
                    f"SPEC is a built-in ({', '.join(BUILTIN_SPECS)}) or a TOML spec file.")
    p.add_argument("specs", nargs="+", metavar="SPEC", help="built-in name or TOML spec path")
    p.add_argument("--json", action="store_true", help="print JSON (an object for one SPEC, a list for several)")
    p.add_argument("--set", dest="overrides", action="append", default=[], metavar="LAYER.FIELD=VALUE",
                   help="what-if: change a field (repeatable), e.g. --set fc6.out_features=2048 "
                        "or --set input=3,224,224")
    p.add_argument("--convention", choices=list(CONVENTIONS), default="sheet",
                   help="how connections are counted (default: the sheet's, one multiply-add each)")
    p.set_defaults(func=run_count)


def run_count(args: argparse.Namespace) -> int:
    """Run ``count``: 0 when done, 2 for bad input (the message goes to stderr, never a traceback)."""
    try:
        overrides = [parse_override(t) for t in getattr(args, "overrides", [])]
        specs = [load_spec(t) for t in args.specs]
        if overrides:
            results = [whatif(s, overrides, args.convention) for s in specs]
            data: Any = [w.as_json() for w in results]
            text = "\n\n".join(format_whatif(w) for w in results)
        else:
            nets = [count(s, args.convention) for s in specs]
            data = [n.as_json() for n in nets]
            text = "\n\n".join(format_count(n) for n in nets)
    except InputError as exc:
        print(f"derivations: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if args.json:
        print(json.dumps(data[0] if len(data) == 1 else data, indent=2))
    else:
        print(text)
    return EXIT_OK


def _n(v: int, weighted: bool) -> str:
    return f"{v:,}" if weighted else "--"


def format_count(net: NetCount) -> str:
    """The per-layer table, totals, bytes, shares, other conventions, formulas and shape notes."""
    conv = net.convention
    col = "Connections" if conv.name == "sheet" else conv.label
    head = f"{'Layer (type)':<24} {'Output shape':<16} {'Units':>10} {'Weights':>12} {'Biases':>8} {col:>14}"
    rule = "=" * len(head)
    lines = [f"{net.name}: input {list(net.input)}", rule, head, rule]
    for c in net.layers:
        w = c.type in WEIGHTED
        lines.append(f"{c.name + ' (' + c.type + ')':<24} {str(list(c.output_shape)):<16} {_n(c.units, w):>10} "
                     f"{_n(c.weights, w):>12} {_n(c.biases, w):>8} {_n(c.connections_as(conv), w):>14}")
    t = net.totals()
    lines += [rule, f"{'Total':<41} {t['units']:>10,} {t['weights']:>12,} {t['biases']:>8,} {t['connections']:>14,}",
              rule]
    p = t["params"]
    lines.append(f"Params (weights + biases): {p:,} = {p * 4 / 1e6:,.2f} MB at float32, {p * 2 / 1e6:,.2f} MB "
                 "at float16")
    lines.append(f"Fully connected layers hold {float(net.share('weights', 'fc')):.1%} of the weights; "
                 f"convolutional layers hold {float(net.share('connections', 'conv')):.1%} of the connections.")
    lines.append(f"{col} counted as: {conv.description}.")
    others = [f"{c.name} {net.total('connections', c):,} {c.label}" for c in CONVENTIONS.values() if c != conv]
    lines.append("Other conventions: " + "; ".join(others) + ".")
    lines.append("Formulas (LaTeX):")
    for kind in WEIGHTED:
        for q in ("units", "weights", "connections"):
            lines.append(f"  {kind} {q} = {formula_latex(kind, q)}")
    lines.append(r"  conv H_{out} = \left\lfloor (H_{in} + 2 p_h - d_h (k_h - 1) - 1) / s_h \right\rfloor + 1")
    if net.notes:
        lines.append("Shape notes:")
        lines += [f"  {n}" for n in net.notes]
    return "\n".join(lines)
