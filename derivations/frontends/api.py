"""Loading derivations by name or path, for the front ends (CLI, pytest plugin, notebooks)."""
from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any, Callable, Optional, Sequence, Union

from derivations.content.builtins import BUILTINS, builtin_derivations
from derivations.kernel.derivation import Derivation
from derivations.kernel.errors import InputError
from derivations.kernel.verdict import DEFAULT_BUDGET, DEFAULT_POINTS, check_derivation
from derivations.kernel.report import Report

__all__ = ["builtin", "check_path", "check_tex", "count_network", "load", "readers"]


def _reader(module: str, attr: str) -> Callable[[str], list[Derivation]]:
    def read(path: str, **options: Any) -> list[Derivation]:
        try:
            fn = getattr(importlib.import_module(module), attr)
        except (ImportError, AttributeError):
            raise InputError(f"this installation cannot read {path} ({module} is missing)") from None
        out = fn(path, **options)
        return list(out) if isinstance(out, (list, tuple)) else [out]

    return read


def readers() -> dict[str, Callable[[str], list[Derivation]]]:
    """File suffix -> reader returning derivations; readers raise InputError for unreadable files."""
    return {
        ".tex": _reader("derivations.latex", "load_tex"),
        ".toml": _reader("derivations.content.nets.claims", "load_claims"),
    }


def builtin(name: str, numeric_samples: int = 0) -> list[Derivation]:
    """The derivations of a built-in by name (``gnb``, ...); InputError lists the known names."""
    try:
        return builtin_derivations(name, numeric_samples)
    except KeyError:
        known = ", ".join(sorted(BUILTINS))
        raise InputError(f"unknown derivation {name!r}; built-ins are: {known}; files must end in .tex or .toml") from None


def load(target: Union[str, Path], numeric_samples: int = 0, preamble: Optional[str] = None) -> list[Derivation]:
    """Derivations from a built-in name, a LaTeX file (.tex) or a claims file (.toml).

    ``preamble``: a LaTeX file whose macros hold in every .tex file (a course's shared preamble).
    """
    name = str(target)
    suffix = Path(name).suffix.lower()
    table = readers()
    if suffix == ".tex" and preamble:
        return table[suffix](name, preamble=preamble)
    if suffix in table:
        return table[suffix](name)
    return builtin(name, numeric_samples)


def check_path(target: Union[str, Path], budget: float = DEFAULT_BUDGET, points: int = DEFAULT_POINTS,
               numeric_samples: int = 0, seed: int = 0) -> Report:
    """Load and check; the report's verdicts come from the kernel (``seed`` makes the random points)."""
    return Report([check_derivation(d, budget=budget, points=points, seed=seed)
                   for d in load(target, numeric_samples)], seed=seed)


def count_network(target: Union[str, Path], overrides: Sequence[str] = (), convention: str = "sheet") -> Any:
    """Per-layer counts of a built-in network or a TOML spec, after ``LAYER.FIELD=VALUE`` overrides.

    >>> net = count_network("alexnet")
    >>> net.total("weights"), net.layer("conv1").units
    (60954656, 290400)
    >>> count_network("alexnet", ["fc6.out_features=2048"]).layer("fc6").weights
    18874368
    """
    from derivations.content.nets.networks import load_spec
    from derivations.content.nets.counts import count
    from derivations.content.nets.whatif import apply_overrides, parse_override

    spec = load_spec(str(target))
    if overrides:
        spec = apply_overrides(spec, [parse_override(o) for o in overrides])
    return count(spec, convention)


def check_tex(text: str, source: str = "<string>", budget: float = DEFAULT_BUDGET, points: int = DEFAULT_POINTS,
              seed: int = 0) -> Report:
    """Check LaTeX derivations given as a string (for notebooks); unreadable rows are ``error`` steps.

    >>> r = check_tex(r"\\[ \\sum_{i=1}^{N}\\sum_{j=i}^{N} 1 = N^2 \\]")
    >>> r.steps[0].verdict, r.steps[0].detail, r.steps[0].counterexample
    ('refuted', 'sides differ: 3 vs 4', {'N': '2'})
    """
    from derivations.latex import read_tex_string

    return Report([check_derivation(d, budget=budget, points=points, seed=seed)
                   for d in read_tex_string(text, source)], seed=seed)
