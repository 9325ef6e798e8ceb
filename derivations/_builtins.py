"""The registry of built-in derivations: name -> what it is and how to build it."""
from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Callable

from ._derivation import Derivation

__all__ = ["BUILTINS", "Builtin", "builtin_derivations"]


@dataclass(frozen=True)
class Builtin:
    """A built-in derivation: ``build(numeric_samples)`` returns its derivations in order."""

    name: str
    summary: str
    build: Callable[[int], list[Derivation]]


def _gnb(numeric_samples: int) -> list[Derivation]:
    from ._gnb import build

    out = [build()]
    if numeric_samples > 0:
        out.append(_numeric_section("gnb-numeric", "derivations._gnb_numeric", numeric_samples,
                                    "GNB closed forms confirmed on random datasets"))
    return out


def _alexnet(numeric_samples: int) -> list[Derivation]:
    mod = importlib.import_module("derivations._nets.proofs")
    out = list(mod.derivations())
    if numeric_samples > 0:
        out.append(_numeric_section("alexnet-numeric", "derivations._nets.refconv", numeric_samples,
                                    "count formulas confirmed by a reference convolution"))
    return out


def _numeric_section(name: str, module: str, samples: int, title: str) -> Derivation:
    mod = importlib.import_module(module)
    d = Derivation(name, title, source="built-in")
    for by, claim in mod.numeric_claims(samples=samples, seed=0):
        d.add(claim, by=by)
    return d


def _available(module: str) -> bool:
    try:
        importlib.import_module(module)
    except ImportError:
        return False
    return True


BUILTINS: dict[str, Builtin] = {
    "gnb": Builtin("gnb", "Gaussian naive Bayes with shared variances: posterior, NLL, MLEs (seed question 2)", _gnb),
}
if _available("derivations._nets.proofs"):
    BUILTINS["alexnet"] = Builtin(
        "alexnet", "AlexNet unit, weight and connection counts derived from definitions (seed question 1)", _alexnet
    )


def builtin_derivations(name: str, numeric_samples: int) -> list[Derivation]:
    """The derivations of one built-in; KeyError names the known ones."""
    if name not in BUILTINS:
        raise KeyError(name)
    return BUILTINS[name].build(numeric_samples)
