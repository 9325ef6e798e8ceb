"""Helpers for Python test suites: assert that a derivation's steps pass the kernel.

Plain ``assert``-style functions; no test framework is imported.
"""
from __future__ import annotations

from pathlib import Path
from typing import Union

from derivations.frontends.api import load
from derivations.kernel.derivation import Derivation
from derivations.kernel.verdict import DEFAULT_BUDGET, check_derivation
from derivations.kernel.report import Report

__all__ = ["DerivationFailure", "assert_proved"]


class DerivationFailure(AssertionError):
    """Some steps were not accepted; the message shows each with its verdict and counterexample."""


def assert_proved(
    target: Union[Derivation, str, Path],
    allow_supported: bool = False,
    budget: float = DEFAULT_BUDGET,
) -> Report:
    """Check ``target`` (a Derivation, a built-in name, a .tex or claims .toml path); fail readably.

    Every step must be proved (or supported, with ``allow_supported``).

    >>> import sympy as sp
    >>> from derivations import Derivation
    >>> x = sp.Symbol("x")
    >>> d = Derivation("demo")
    >>> _ = d.chain(2 * (x + 1)).step(2 * x + 1, by="distribute")
    >>> assert_proved(d)
    Traceback (most recent call last):
    ...
    derivations.testing.DerivationFailure: 1 of 1 steps not accepted in demo
    step 1: refuted (distribute)
    ...
    """
    derivs = [target] if isinstance(target, Derivation) else load(target)
    report = Report([check_derivation(d, budget=budget) for d in derivs])
    ok = ("proved", "supported") if allow_supported else ("proved",)
    bad = [(d, s) for d in report.derivations for s in d.steps if s.verdict not in ok]
    if bad:
        names = ", ".join(dict.fromkeys(d.name for d, _ in bad))
        head = f"{len(bad)} of {len(report.steps)} steps not accepted in {names}"
        raise DerivationFailure("\n".join([head] + [s.describe(d.source if d.source != "built-in" else "")
                                                    for d, s in bad]))
    return report
