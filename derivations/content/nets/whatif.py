"""What-if: change layer fields (``fc6.out_features=2048``) and compare counts before and after.

Part (b) of the sheet argues "shrink the fully connected layers to save memory, use
fewer filters to save time"; this puts numbers on it: parameters and their bytes at
float32 and float16, connections, the shares, and the ratios after/before.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from derivations.kernel.errors import InputError
from derivations.content.nets.counts import QUANTITIES, NetCount, count
from derivations.content.nets.spec import FIELDS, Spec, spec_from_dict

__all__ = ["Override", "WhatIf", "apply_overrides", "format_whatif", "parse_override", "whatif"]

_TARGET = re.compile(r"\s*(?:([A-Za-z_][A-Za-z0-9_\-]*)\.([a-z_]+)|(input))\s*=\s*(.*?)\s*\Z")
BYTES = {"float32": 4, "float16": 2}


@dataclass(frozen=True)
class Override:
    """One ``--set layer.field=value`` (layer is empty for ``input=C,H,W``)."""

    layer: str
    field: str
    value: Any
    text: str


def _value(text: str, what: str) -> Any:
    t = text.strip()
    if t in ("true", "false"):
        return t == "true"
    if re.fullmatch(r"[0-9]{1,9}", t):
        return int(t)
    m = re.fullmatch(r"\[?\s*([0-9]{1,9}(?:\s*[,x×]\s*[0-9]{1,9})+)\s*\]?", t)
    if m:
        return [int(v) for v in re.split(r"\s*[,x×]\s*", m.group(1))]
    if re.fullmatch(r"[0-9]{0,9}\.[0-9]{1,9}", t):
        return float(t)
    raise InputError(f"--set {what}: cannot read value {text!r}; use a whole number, a pair such as 5,5, "
                     "a decimal, or true/false")


def parse_override(text: str) -> Override:
    """Read ``layer.field=value`` or ``input=C,H,W``; InputError says what is wrong."""
    m = _TARGET.fullmatch(text) if len(text) <= 200 else None
    if not m:
        raise InputError(f"--set {text[:60]!r}: expected LAYER.FIELD=VALUE, e.g. fc6.out_features=2048")
    layer, field, is_input, raw = m.groups()
    value = _value(raw, text)
    if is_input:
        value = value if isinstance(value, list) else [value]
        return Override("", "input", value, text)
    return Override(layer, field, value, text)


def apply_overrides(spec: Spec, overrides: list[Override]) -> Spec:
    """A new validated spec with the fields changed; errors name the ``--set`` that caused them."""
    raw = [dict(r) for r in spec.raw]
    inp = list(spec.input)
    names = [lay.name for lay in spec.layers]
    for o in overrides:
        if o.field == "input":
            inp = list(o.value)
            continue
        if o.layer not in names:
            raise InputError(f"--set {o.text}: no layer {o.layer!r} in {spec.name}; its layers are: {', '.join(names)}")
        n = names.index(o.layer)
        kind = spec.layers[n].type
        if o.field not in FIELDS[kind]:
            fields = ", ".join(FIELDS[kind]) or "none"
            raise InputError(f"--set {o.text}: {o.layer} ({kind}) has no field {o.field!r}; its fields: {fields}")
        raw[n][o.field] = o.value
    try:
        return spec_from_dict({"input": inp, "layers": raw}, name=spec.name)
    except InputError as exc:
        changed = ", ".join(o.text for o in overrides)
        raise InputError(f"with --set {changed}: {exc.message}") from None


@dataclass(frozen=True)
class WhatIf:
    """Counts of one network before and after the overrides."""

    before: NetCount
    after: NetCount
    overrides: tuple[Override, ...]

    def rows(self) -> list[tuple[str, Any, Any]]:
        """(what, before, after) for the totals, the bytes and the shares."""
        out: list[tuple[str, Any, Any]] = [(q, self.before.total(q), self.after.total(q)) for q in QUANTITIES]
        for dtype, size in BYTES.items():
            out.append((f"params bytes ({dtype})", self.before.total("params") * size,
                        self.after.total("params") * size))
        out.append(("share of weights in fc layers", self.before.share("weights", "fc"),
                    self.after.share("weights", "fc")))
        out.append(("share of connections in conv layers", self.before.share("connections", "conv"),
                    self.after.share("connections", "conv")))
        return out

    def as_json(self) -> dict[str, Any]:
        def num(v: Any) -> Any:
            return float(v) if isinstance(v, Fraction) else v

        return {
            "name": self.before.name,
            "overrides": [o.text for o in self.overrides],
            "before": self.before.as_json(),
            "after": self.after.as_json(),
            "changes": {what: {"before": num(b), "after": num(a), "ratio": _ratio(a, b)}
                        for what, b, a in self.rows()},
        }


def _ratio(after: Any, before: Any) -> float | None:
    return float(Fraction(after) / Fraction(before)) if before else None


def whatif(spec: Spec, overrides: list[Override], convention: str = "sheet") -> WhatIf:
    """Count ``spec`` as it is and with ``overrides`` applied."""
    return WhatIf(count(spec, convention), count(apply_overrides(spec, overrides), convention), tuple(overrides))


def _fmt(v: Any) -> str:
    if isinstance(v, Fraction):
        return f"{float(v):.1%}"
    return f"{v:,}"


def format_whatif(w: WhatIf) -> str:
    """Per-layer before/after for layers whose counts changed, then the totals with ratios."""
    lines = [f"what if {', '.join(o.text for o in w.overrides)} ({w.before.name}):", ""]
    head = f"{'Layer':<10} {'weights before':>15} {'after':>13} {'conns before':>15} {'after':>13} {'ratio':>7}"
    lines += [head, "-" * len(head)]
    after = {c.name: c for c in w.after.layers}
    conv = w.before.convention
    for c in w.before.layers:
        a = after[c.name]
        if (c.weights, c.connections, c.output_shape) == (a.weights, a.connections, a.output_shape) or not (
                c.weights or a.weights):
            continue
        n_before, n_after = c.connections_as(conv), a.connections_as(conv)
        r = _ratio(n_after, n_before)
        lines.append(f"{c.name:<10} {c.weights:>15,} {a.weights:>13,} {n_before:>15,} {n_after:>13,} "
                     f"{'' if r is None else f'{r:.3f}':>7}")
    lines += ["", f"{'':<36} {'before':>15} {'after':>15} {'after/before':>13}"]
    for what, b, a in w.rows():
        r = _ratio(a, b)
        label = what if what != "connections" else f"connections ({conv.name})"
        if "bytes" in what:
            b_s, a_s = f"{b / 1e6:,.2f} MB", f"{a / 1e6:,.2f} MB"
        else:
            b_s, a_s = _fmt(b), _fmt(a)
        lines.append(f"{label:<36} {b_s:>15} {a_s:>15} {'' if r is None else f'{r:.3f}':>13}")
    if w.after.notes:
        lines += ["Shape notes (after):"] + [f"  {n}" for n in w.after.notes]
    return "\n".join(lines)
