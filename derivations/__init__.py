"""derivations: a symbolic derivation verifier for machine-learning course notes.

Names load lazily, so that importing the package (for the pytest plugin, say) does
not import SymPy until something is used.
"""
from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

_EXPORTS = {
    "Assumptions": "._claims",
    "DerivativeOf": "._claims",
    "Equal": "._claims",
    "MinimumAt": "._claims",
    "Noted": "._claims",
    "Readings": "._claims",
    "Sampled": "._claims",
    "Solves": "._claims",
    "Unreadable": "._claims",
    "Chain": "._derivation",
    "Derivation": "._derivation",
    "Step": "._derivation",
    "Kind": "._kernel",
    "Verdict": "._kernel",
    "check": "._kernel",
    "check_derivation": "._kernel",
    "DerivationReport": "._report",
    "Report": "._report",
    "StepResult": "._report",
    "InputError": "._errors",
    "SharedVarianceGaussianNB": "._estimator",
    "builtin": "._api",
    "check_path": "._api",
    "check_tex": "._api",
    "count_network": "._api",
    "load": "._api",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        value = getattr(importlib.import_module(_EXPORTS[name], __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'derivations' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
