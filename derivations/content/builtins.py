"""The registry of built-in derivations: name -> what it is and how to build it."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from derivations.kernel.claims import Claim
from derivations.kernel.derivation import Derivation

__all__ = ["BUILTINS", "Builtin", "builtin_derivations"]


@dataclass(frozen=True)
class Builtin:
    """A built-in derivation: ``build(numeric_samples)`` returns its derivations in order."""

    name: str
    summary: str
    build: Callable[[int], list[Derivation]]


def _gnb(numeric_samples: int) -> list[Derivation]:
    from derivations.content.gnb.derivation import build
    from derivations.content.gnb.numeric import numeric_claims

    out = [build()]
    if numeric_samples > 0:
        out.append(_numeric_section("gnb-numeric", "GNB closed forms confirmed on random datasets",
                                    numeric_claims(samples=numeric_samples, seed=0)))
    return out


def _alexnet(numeric_samples: int) -> list[Derivation]:
    from derivations.content.nets.proofs import derivations
    from derivations.content.nets.refconv import numeric_claims

    out = list(derivations())
    if numeric_samples > 0:
        out.append(_numeric_section("alexnet-numeric", "count formulas confirmed by a reference convolution",
                                    numeric_claims(samples=numeric_samples, seed=0)))
    return out


def _numeric_section(name: str, title: str, claims: list[tuple[str, Claim]]) -> Derivation:
    d = Derivation(name, title, source="built-in")
    for by, claim in claims:
        d.add(claim, by=by)
    return d


BUILTINS: dict[str, Builtin] = {
    "gnb": Builtin("gnb", "Gaussian naive Bayes with shared variances: posterior, NLL, MLEs (seed question 2)", _gnb),
    "alexnet": Builtin(
        "alexnet", "AlexNet unit, weight and connection counts derived from definitions (seed question 1)", _alexnet
    ),
}


def builtin_derivations(name: str, numeric_samples: int) -> list[Derivation]:
    """The derivations of one built-in; KeyError names the known ones."""
    if name not in BUILTINS:
        raise KeyError(name)
    return BUILTINS[name].build(numeric_samples)
