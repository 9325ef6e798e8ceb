"""derivations: a symbolic derivation verifier for machine-learning course notes.

Names load lazily, so that importing the package (for the pytest plugin, say) does
not import SymPy until something is used.
"""
from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

_EXPORTS = {
    "Assumptions": ".kernel.claims",
    "DerivativeOf": ".kernel.claims",
    "Equal": ".kernel.claims",
    "MinimumAt": ".kernel.claims",
    "Noted": ".kernel.claims",
    "Readings": ".kernel.claims",
    "Sampled": ".kernel.claims",
    "Solves": ".kernel.claims",
    "Unreadable": ".kernel.claims",
    "Chain": ".kernel.derivation",
    "Derivation": ".kernel.derivation",
    "Step": ".kernel.derivation",
    "Kind": ".kernel.verdict",
    "Verdict": ".kernel.verdict",
    "check": ".kernel.verdict",
    "check_derivation": ".kernel.verdict",
    "DerivationReport": ".kernel.report",
    "Report": ".kernel.report",
    "StepResult": ".kernel.report",
    "InputError": ".kernel.errors",
    "SharedVarianceGaussianNB": ".content.gnb.estimator",
    "builtin": ".frontends.api",
    "check_path": ".frontends.api",
    "check_tex": ".frontends.api",
    "count_network": ".frontends.api",
    "load": ".frontends.api",
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
