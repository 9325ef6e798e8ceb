"""Architecture specs: TOML files or Python dicts, validated, with shapes propagated.

A spec is ``input = [C, H, W]`` (or ``[F]``) and ``[[layers]]`` tables with ``name``,
``type`` and the type's fields. Every error names the layer and field, and the file
and line when the spec came from a file.
"""
from __future__ import annotations

import math
import re
import tomllib
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any, Callable, Mapping, Optional

from derivations.kernel.errors import InputError

__all__ = ["FIELDS", "Layer", "LayerShape", "Locator", "Spec", "read_spec", "shapes", "spec_from_dict"]

Pair = tuple[int, int]
Shape = tuple[int, ...]
MAX_SIZE = 10**7
MAX_LAYERS = 10_000

_REQ = object()
FIELDS: dict[str, dict[str, tuple[str, Any]]] = {
    "conv": {"out_channels": ("count", _REQ), "kernel": ("pair", _REQ), "stride": ("pair", 1),
             "padding": ("pair0", 0), "dilation": ("pair", 1), "groups": ("count", 1), "bias": ("bool", True)},
    "maxpool": {"kernel": ("pair", _REQ), "stride": ("pair", None), "padding": ("pair0", 0)},
    "avgpool": {"kernel": ("pair", _REQ), "stride": ("pair", None), "padding": ("pair0", 0)},
    "adaptiveavgpool": {"output": ("pair", _REQ)},
    "fc": {"out_features": ("count", _REQ), "bias": ("bool", True)},
    "relu": {},
    "lrn": {"size": ("count", 5), "alpha": ("float", 1e-4), "beta": ("float", 0.75), "k": ("float", 1.0)},
    "dropout": {"p": ("prob", 0.5)},
    "flatten": {},
}
WEIGHTED = ("conv", "fc")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_\-]*\Z")


@dataclass(frozen=True)
class Layer:
    """One validated layer: its fields with defaults filled in; pairs are (height, width)."""

    name: str
    type: str
    fields: Mapping[str, Any]
    line: Optional[int] = None

    def __getitem__(self, key: str) -> Any:
        return self.fields[key]


@dataclass(frozen=True)
class Spec:
    """A validated architecture: name, input shape and layers in order."""

    name: str
    input: Shape
    layers: tuple[Layer, ...]
    path: Optional[str] = None
    raw: tuple[Mapping[str, Any], ...] = field(default=(), repr=False, compare=False)


@dataclass(frozen=True)
class LayerShape:
    """Input and output shape of one layer; ``exact`` is the unfloored output size per spatial axis."""

    layer: Layer
    input: Shape
    output: Shape
    exact: tuple[Fraction, ...] = ()
    offsets: tuple[int, ...] = ()
    strides: tuple[int, ...] = ()


class Locator:
    """Line numbers of ``[[table]]`` headers and of ``key =`` lines, found in the TOML text."""

    def __init__(self, text: Optional[str], table: str) -> None:
        self.lines = text.splitlines() if text else []
        head = re.compile(r"\s*\[\[\s*" + re.escape(table) + r"\s*\]\]")
        self.headers = [n for n, line in enumerate(self.lines, 1) if head.match(line)]
        self.tables = [n for n, line in enumerate(self.lines, 1) if re.match(r"\s*\[", line)]

    def header(self, index: int) -> Optional[int]:
        return self.headers[index] if index < len(self.headers) else None

    def field(self, index: int, key: str) -> Optional[int]:
        start = self.header(index)
        if start is None:
            return None
        end = next((t for t in self.tables if t > start), len(self.lines) + 1)
        return self._find(key, start, end) or start

    def top(self, key: str) -> Optional[int]:
        end = self.tables[0] if self.tables else len(self.lines) + 1
        return self._find(key, 0, end)

    def _find(self, key: str, start: int, end: int) -> Optional[int]:
        pat = re.compile(r"\s*(" + re.escape(key) + r'|"' + re.escape(key) + r'")\s*=')
        return next((n for n in range(start + 1, end) if pat.match(self.lines[n - 1])), None)


def read_toml(path: str | Path) -> tuple[dict[str, Any], str]:
    """Parse a TOML file; InputError with file and line for a missing or malformed file."""
    p = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError("no such file", p) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read file: {exc}", p) from None
    try:
        return tomllib.loads(text), text
    except tomllib.TOMLDecodeError as exc:
        msg = str(exc)
        m = re.search(r"\(at line (\d+), column (\d+)\)", msg)
        where = (int(m.group(1)), int(m.group(2))) if m else (None, None)
        reason = re.sub(r" \(at line.*", "", msg)
        raise InputError(f"not valid TOML: {reason}", p, *where) from None


def read_spec(path: str | Path) -> Spec:
    """A spec from a TOML file; the name defaults to the file's stem."""
    data, text = read_toml(path)
    return spec_from_dict(data, name=Path(path).stem, path=str(path), text=text)


def spec_from_dict(data: Mapping[str, Any], name: str = "network", path: Optional[str] = None,
                   text: Optional[str] = None) -> Spec:
    """Validate a spec given as plain data (parsed TOML or Python dicts)."""
    loc = Locator(text, "layers")

    def err(msg: str, line: Optional[int]) -> InputError:
        return InputError(msg, path, line)

    unknown = sorted(set(data) - {"name", "input", "layers", "description"})
    if unknown:
        raise err(f"unknown top-level key {unknown[0]!r}; expected name, input, layers", loc.top(unknown[0]))
    name = data.get("name", name)
    if not isinstance(name, str) or not name:
        raise err("'name' must be a non-empty string", loc.top("name"))
    inp = data.get("input")
    if (not isinstance(inp, list) or len(inp) not in (1, 3)
            or not all(_is_int(v) and 0 < v <= MAX_SIZE for v in inp)):
        raise err(f"'input' must be [C, H, W] or [F] of positive whole numbers up to {MAX_SIZE}, got {inp!r}",
                  loc.top("input"))
    raw = data.get("layers")
    if not isinstance(raw, list) or not raw or not all(isinstance(r, dict) for r in raw):
        raise err("a spec needs at least one [[layers]] table", loc.top("layers"))
    if len(raw) > MAX_LAYERS:
        raise err(f"a spec has at most {MAX_LAYERS} layers, this one {len(raw)}", loc.header(MAX_LAYERS))
    layers: list[Layer] = []
    seen: set[str] = set()
    for n, r in enumerate(raw):
        lay = _layer(r, n, lambda msg, key, n=n: err(msg, loc.field(n, key)), loc.header(n))
        if lay.name in seen:
            raise err(f"layer {lay.name!r}: field 'name': the name is used twice", loc.field(n, "name"))
        seen.add(lay.name)
        layers.append(lay)
    spec = Spec(name, tuple(inp), tuple(layers), path, tuple(dict(r) for r in raw))
    shapes(spec, lambda msg, n, key: err(msg, loc.field(n, key)))
    return spec


def _is_int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _layer(r: Mapping[str, Any], n: int, err: Callable[[str, str], InputError], line: Optional[int]) -> Layer:
    kind = r.get("type")
    label = f"layer {r.get('name', n + 1)!r}"
    if kind not in FIELDS:
        known = ", ".join(FIELDS)
        raise err(f"{label}: field 'type': unknown layer type {kind!r}; known types: {known}", "type")
    name = r.get("name", f"{kind}{n + 1}")
    if not isinstance(name, str) or not _NAME.match(name):
        raise err(f"layer {n + 1}: field 'name': {name!r} is not a name (letters, digits, _ and -)", "name")
    label = f"layer {name!r} ({kind})"
    allowed = FIELDS[kind]
    for key in r:
        if key not in allowed and key not in ("name", "type"):
            fields = ", ".join(allowed) or "none"
            raise err(f"{label}: unknown field {key!r}; fields of {kind}: {fields}", key)
    out: dict[str, Any] = {}
    for key, (form, default) in allowed.items():
        if key not in r:
            if default is _REQ:
                raise err(f"{label}: field {key!r} is required", "type")
            out[key] = _pair(default) if form.startswith("pair") and default is not None else default
            continue
        out[key] = _value(r[key], form, f"{label}: field {key!r}", lambda msg, key=key: err(msg, key))
    if kind in ("maxpool", "avgpool") and out["stride"] is None:
        out["stride"] = out["kernel"]
    return Layer(name, kind, out, line)


def _pair(v: int | Pair) -> Pair:
    return (v, v) if isinstance(v, int) else v


def _value(v: Any, form: str, what: str, err: Callable[[str], InputError]) -> Any:
    if form == "bool":
        if not isinstance(v, bool):
            raise err(f"{what}: must be true or false, got {v!r}")
        return v
    if form in ("float", "prob"):
        if isinstance(v, bool) or not isinstance(v, (int, float)) or v != v:
            raise err(f"{what}: must be a number, got {v!r}")
        if form == "prob" and not 0 <= v < 1:
            raise err(f"{what}: must be in [0, 1), got {v!r}")
        return float(v)
    low = 0 if form == "pair0" else 1
    kind = "non-negative" if low == 0 else "positive"
    if form.startswith("pair"):
        if isinstance(v, list) and len(v) == 2:
            items = v
        elif _is_int(v):
            items = [v, v]
        else:
            raise err(f"{what}: must be a whole number or [height, width], got {v!r}")
    else:
        items = [v]
    for x in items:
        if not _is_int(x) or not low <= x <= MAX_SIZE:
            raise err(f"{what}: must be a {kind} whole number up to {MAX_SIZE}, got {v!r}")
    return tuple(items) if form.startswith("pair") else items[0]


def shapes(spec: Spec, err: Optional[Callable[[str, int, str], InputError]] = None) -> list[LayerShape]:
    """Propagate shapes; an empty output, a channel mismatch or a wrong input rank is an error."""
    if err is None:
        def err(msg: str, n: int, key: str) -> InputError:
            return InputError(msg, spec.path, spec.layers[n].line)
    out: list[LayerShape] = []
    cur: Shape = spec.input
    for n, lay in enumerate(spec.layers):
        label = f"layer {lay.name!r} ({lay.type})"
        if lay.type in ("conv", "maxpool", "avgpool", "adaptiveavgpool") and len(cur) != 3:
            raise err(f"{label}: field 'type': needs a [C, H, W] input, got {list(cur)}", n, "type")
        if lay.type == "conv":
            c = cur[0]
            g = lay["groups"]
            if c % g or lay["out_channels"] % g:
                raise err(f"{label}: field 'groups': {c} input and {lay['out_channels']} output channels "
                          f"must both be divisible by groups = {g}", n, "groups")
            sizes = [_axis(cur[1 + a], lay["kernel"][a], lay["stride"][a], lay["padding"][a], lay["dilation"][a],
                           "hw"[a], label, lambda m: err(m, n, "kernel")) for a in range(2)]
            shape = LayerShape(lay, cur, (lay["out_channels"], *(s[0] for s in sizes)),
                               tuple(s[1] for s in sizes), tuple(s[2] for s in sizes), lay["stride"])
        elif lay.type in ("maxpool", "avgpool"):
            for a in range(2):
                if 2 * lay["padding"][a] > lay["kernel"][a]:
                    raise err(f"{label}: field 'padding': padding {lay['padding'][a]} exceeds half the kernel "
                              f"{lay['kernel'][a]}", n, "padding")
            sizes = [_axis(cur[1 + a], lay["kernel"][a], lay["stride"][a], lay["padding"][a], 1, "hw"[a],
                           label, lambda m: err(m, n, "kernel")) for a in range(2)]
            shape = LayerShape(lay, cur, (cur[0], *(s[0] for s in sizes)), tuple(s[1] for s in sizes),
                               tuple(s[2] for s in sizes), lay["stride"])
        elif lay.type == "adaptiveavgpool":
            shape = LayerShape(lay, cur, (cur[0], *lay["output"]))
        elif lay.type == "fc":
            shape = LayerShape(lay, cur, (lay["out_features"],))
        elif lay.type == "flatten":
            shape = LayerShape(lay, cur, (math.prod(cur),))
        else:
            shape = LayerShape(lay, cur, cur)
        out.append(shape)
        cur = shape.output
    return out


def _axis(size: int, k: int, s: int, p: int, d: int, axis: str, label: str,
          err: Callable[[str], InputError]) -> tuple[int, Fraction, int]:
    """Output size (floored), its exact value, and the offset c in ``(size + c) / s + 1``."""
    c = 2 * p - d * (k - 1) - 1
    if size + c < 0:
        span = d * (k - 1) + 1
        raise err(f"{label}: field 'kernel': the kernel spans {span} along {'height' if axis == 'h' else 'width'} "
                  f"but the padded input is only {size + 2 * p}: the output would be empty")
    return (size + c) // s + 1, Fraction(size + c, s) + 1, c
