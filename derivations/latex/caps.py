"""Limits checked before any work, so a hostile file costs little: sizes, depths, digits.

Each check returns a message naming what was too big, or raises ``ReadError`` at a place.
"""
from __future__ import annotations

import math
from typing import Optional

import sympy as sp

__all__ = [
    "MAX_DEF_DEPTH", "MAX_DEF_NODES", "MAX_DEPTH", "MAX_EXPANSION_TERMS", "MAX_FILE_BYTES",
    "MAX_INT_DIGITS", "MAX_MACROS", "MAX_MACRO_BODY", "MAX_MACRO_DEPTH", "MAX_ROW_CHARS",
    "MAX_ASSUMES", "MAX_ROWS", "MAX_STEPS", "MAX_FACTORIAL", "ReadError", "check_power", "nesting_depth", "term_estimate",
]

MAX_FILE_BYTES = 1_000_000      # whole file
MAX_ROW_CHARS = 4_000           # one row of a display (one expression chain), after macros
MAX_DEPTH = 40                  # brackets and braces nested in one row
MAX_INT_DIGITS = 100            # digits of one number literal
MAX_POWER_DIGITS = 400          # digits of a number power such as 2^{1000}
MAX_EXPANSION_TERMS = 20_000    # terms of an expanded power such as (a+b+c)^{40}
MAX_EXPONENT = 1_000            # integer exponent on a symbolic base
MAX_FACTORIAL = 200             # largest literal n in n!
MAX_STEPS = 3_000               # steps in one file
MAX_ROWS = 5_000                # display rows in one file (rows without steps cost reading time too)
MAX_ASSUMES = 100               # % assume: lines in one file
MAX_MACROS = 200                # \newcommand / \def in one file
MAX_MACRO_BODY = 1_000          # characters of one macro body
MAX_MACRO_DEPTH = 8             # macro uses inside macro bodies
MAX_DEF_DEPTH = 16              # := definitions used inside definitions
MAX_DEF_NODES = 20_000          # parse-tree nodes expanded from := definitions in one row


class ReadError(ValueError):
    """A row (or line) could not be read; ``offset`` is the place in the file text."""

    def __init__(self, message: str, offset: Optional[int] = None, text: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.offset = offset
        self.text = text
        self.ill_typed = False  # shapes that cannot agree: a reading of the row that cannot be meant (rule 15)


def nesting_depth(text: str) -> tuple[int, int]:
    """Deepest nesting of ``{ ( [`` (and ``\\{``) in ``text``, and the index where it is first reached."""
    depth = best = where = 0
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        step = 1
        if c == "\\":
            c = text[i + 1] if i + 1 < n else ""
            step = 2
            if c not in "{}":
                i += step
                continue
        if c in "{([":
            depth += 1
            if depth > best:
                best, where = depth, i
        elif c in "})]":
            depth -= 1
        i += step
    return best, where


def _log10_abs(e: sp.Basic) -> Optional[float]:
    """log10 |e| for a number built from integers, rationals and powers; None if not such a number."""
    if isinstance(e, sp.Integer):
        n = abs(int(e))
        return 0.0 if n == 0 else (len(str(n)) - 1 if n > 10**15 else math.log10(n))
    if isinstance(e, sp.Rational):
        a, b = _log10_abs(sp.Integer(e.p)), _log10_abs(sp.Integer(e.q))
        return None if a is None or b is None else a - b
    if isinstance(e, sp.Pow):
        b, x = _log10_abs(e.base), _value(e.exp)
        if b is None or x is None:
            return None
        return b * x
    if isinstance(e, sp.Mul):
        parts = [_log10_abs(a) for a in e.args]
        return None if any(p is None for p in parts) else sum(parts)  # type: ignore[misc]
    return None


def _value(e: sp.Basic) -> Optional[float]:
    """The value of a small exponent, or +-inf when it is astronomically large."""
    if isinstance(e, sp.Integer):
        return float(int(e)) if abs(int(e)) < 10**300 else math.copysign(math.inf, int(e))
    if isinstance(e, sp.Rational):
        return float(e.p) / float(e.q)
    lg = _log10_abs(e)
    if lg is None:
        return None
    if lg > 300:
        return math.inf
    try:
        return float(sp.N(e, 15)) if lg < 15 else 10.0**lg
    except (TypeError, ValueError, OverflowError):
        return math.inf


def term_estimate(e: sp.Basic, cap: int = MAX_EXPANSION_TERMS) -> int:
    """Terms in the full expansion of ``e`` (an over-estimate, saturating just above ``cap``)."""
    if isinstance(e, sp.Add):
        return min(cap + 1, sum(term_estimate(a, cap) for a in e.args))
    if isinstance(e, sp.Mul):
        n = 1
        for a in e.args:
            n = min(cap + 1, n * term_estimate(a, cap))
        return n
    if isinstance(e, sp.Pow) and e.exp.is_Integer and e.exp > 0:
        n, k = term_estimate(e.base, cap), int(e.exp)
        if n <= 1:
            return 1
        if k > 64:
            return cap + 1
        return min(cap + 1, math.comb(n + k - 1, k))
    return 1


def check_power(base: sp.Basic, exp: sp.Basic) -> Optional[str]:
    """Why ``base ** exp`` is too big to build, or None."""
    lb = _log10_abs(base)
    if lb is not None:
        x = _value(exp)
        if x is not None and abs(lb * x) > MAX_POWER_DIGITS:
            return f"number too large (a power with about {abs(lb * x):.3g} digits; limit {MAX_POWER_DIGITS})"
        return None
    if exp.is_Integer and abs(int(exp)) > MAX_EXPONENT:
        return f"exponent {exp} too large (limit {MAX_EXPONENT})"
    if exp.is_Integer and int(exp) > 1:
        n = term_estimate(base)
        k = int(exp)
        if n > 1 and (k > 64 or math.comb(n + k - 1, k) > MAX_EXPANSION_TERMS):
            return f"expansion of a power too large ({n} terms to the power {k}; limit {MAX_EXPANSION_TERMS} terms)"
    return None
