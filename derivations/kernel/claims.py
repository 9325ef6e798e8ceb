"""Claims: the statements the kernel decides, and the assumptions they are decided under.

A claim is plain data built from SymPy objects; nothing here decides a verdict.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Callable, Optional, Union

import sympy as sp
from sympy.printing.latex import LatexPrinter

Expr = sp.Expr
MIN_TRIALS = 8
MATRIX_PROPERTIES = ("symmetric", "pd", "psd", "orthogonal", "invertible")

__all__ = [
    "Assumptions",
    "Claim",
    "Compare",
    "DerivativeOf",
    "Equal",
    "MinimumAt",
    "Noted",
    "Readings",
    "Sampled",
    "Solves",
    "Unreadable",
    "claim_latex",
    "orient",
    "tex_text",
]


def _as_expr(value: Any, what: str) -> sp.Basic:
    """Claims hold SymPy objects; Python integers are taken exactly, floats are refused as inexact."""
    if isinstance(value, bool):
        raise TypeError(f"{what}: a bool is not an expression")
    if isinstance(value, int):
        return sp.Integer(value)
    if isinstance(value, sp.Basic):
        return value
    if isinstance(value, float):
        raise TypeError(f"{what}: {value!r} is a float; write an exact sympy.Rational")
    raise TypeError(f"{what}: expected a SymPy expression, got {type(value).__name__}")


def _coerce(obj: Any, *names: str) -> None:
    for n in names:
        object.__setattr__(obj, n, _as_expr(getattr(obj, n), f"{type(obj).__name__}.{n}"))


def _latex(printer: Any, e: Any) -> str:
    return printer._print(e)


@dataclass(frozen=True)
class Equal:
    """Claim ``lhs = rhs`` for every value the assumptions allow."""

    lhs: Expr
    rhs: Expr

    def __post_init__(self) -> None:
        _coerce(self, "lhs", "rhs")

    def _latex(self, printer: Any) -> str:
        return f"{_latex(printer, self.lhs)} = {_latex(printer, self.rhs)}"


COMPARISONS = {"<": r"<", "<=": r"\leq", ">": r">", ">=": r"\geq", "!=": r"\neq"}


@dataclass(frozen=True)
class Compare:
    """Claim ``lhs op rhs`` (``op`` one of ``<  <=  >  >=  !=``) for every value the assumptions allow."""

    lhs: Expr
    op: str
    rhs: Expr

    def __post_init__(self) -> None:
        if self.op not in COMPARISONS:
            raise ValueError(f"Compare: op must be one of {', '.join(COMPARISONS)}, not {self.op!r}")
        _coerce(self, "lhs", "rhs")

    def holds(self, d: int) -> bool:
        """Whether the relation holds when ``lhs - rhs`` has sign ``d`` (-1, 0 or 1)."""
        return {"<": d < 0, "<=": d <= 0, ">": d > 0, ">=": d >= 0, "!=": d != 0}[self.op]

    def _latex(self, printer: Any) -> str:
        return f"{_latex(printer, self.lhs)} {COMPARISONS[self.op]} {_latex(printer, self.rhs)}"


@dataclass(frozen=True)
class DerivativeOf:
    """Claim ``d(of)/d(wrt) = result``.

    ``wrt`` is a Symbol, an Indexed element such as ``u[k, i]``, or a squared
    symbol such as ``sigma[i]**2``: then the variance itself is the variable.
    """

    result: Expr
    of: Expr
    wrt: Expr

    def __post_init__(self) -> None:
        _coerce(self, "result", "of", "wrt")

    def _latex(self, printer: Any) -> str:
        of = _latex(printer, self.of)
        if not isinstance(self.of, (sp.Symbol, sp.Indexed)) and not self.of.is_Atom:
            of = rf"\left({of}\right)"
        return rf"\frac{{\partial}}{{\partial {_latex(printer, self.wrt)}}} {of} = {_latex(printer, self.result)}"


@dataclass(frozen=True)
class Solves:
    """Claim that ``var = value`` solves ``lhs = rhs``: substituting makes ``lhs - rhs`` vanish."""

    var: Expr
    value: Expr
    lhs: Expr
    rhs: Expr = sp.S.Zero

    def __post_init__(self) -> None:
        _coerce(self, "var", "value", "lhs", "rhs")

    def _latex(self, printer: Any) -> str:
        return (
            f"{_latex(printer, self.lhs)} = {_latex(printer, self.rhs)}"
            rf" \;\Rightarrow\; {_latex(printer, self.var)} = {_latex(printer, self.value)}"
        )


@dataclass(frozen=True)
class MinimumAt:
    """Claim that ``var = point`` is a minimum of ``f`` along ``var``: d2f/dvar2 > 0 there."""

    f: Expr
    var: Expr
    point: Expr

    def __post_init__(self) -> None:
        _coerce(self, "f", "var", "point")

    def _latex(self, printer: Any) -> str:
        wrt = _latex(printer, self.var)
        return (
            rf"\left.\frac{{\partial^2 {_latex(printer, sp.Symbol('f'))}}}{{\partial ({wrt})^2}}"
            rf"\right|_{{{wrt} = {_latex(printer, self.point)}}} > 0"
        )


@dataclass(frozen=True)
class Sampled:
    """Claim that ``trial(seed)`` passes for ``samples`` seeds from ``seed``.

    A trial is a numeric check on random data (a fitted model's gradient vanishes, a
    reference convolution counts what the formula says). It returns None when it passes
    and a dict of the failing values otherwise; the kernel reruns a failure before
    refuting. Float tolerances make this ``supported`` at best, never ``proved``.
    """

    description: str
    trial: Callable[[int], Optional[dict[str, str]]]
    samples: int = 20
    seed: int = 0
    budget: Optional[float] = None  # seconds for all the trials, where they need more than a step's budget

    def __post_init__(self) -> None:
        if isinstance(self.samples, bool) or not isinstance(self.samples, int) or self.samples < MIN_TRIALS:
            raise ValueError(f"a sampled claim needs at least {MIN_TRIALS} trials, got {self.samples!r}")

    def _latex(self, printer: Any) -> str:
        return rf"\text{{{tex_text(self.description)}}}"


_TEX_SPECIAL = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "_": r"\_", "%": r"\%", "&": r"\&",
                "#": r"\#", "$": r"\$", "^": r"\^{}", "~": r"\~{}"}


def tex_text(s: str) -> str:
    """Escape plain text for LaTeX text mode (one pass, so escapes are not escaped again)."""
    return re.sub(r"[\\{}_%&#$^~]", lambda m: _TEX_SPECIAL[m.group()], s)


@dataclass(frozen=True)
class Unreadable:
    """A step whose source could not be read; the kernel reports it as ``error``."""

    message: str
    text: str = ""
    ill_typed: bool = False  # the shapes cannot agree: under this reading the row cannot be what was meant

    def _latex(self, printer: Any) -> str:
        return r"\text{(unreadable)}"


@dataclass(frozen=True)
class Noted:
    """A row that is not a claim (a condition, a premise, an approximation): listed, never checked."""

    kind: str

    def _latex(self, printer: Any) -> str:
        return rf"\text{{({tex_text(self.kind)})}}"


@dataclass(frozen=True)
class Readings:
    """One row that the text allows to be read several ways: each reading's claim, and how to settle it.

    The kernel checks every reading; a verdict stands only where they agree.
    """

    readings: tuple[tuple[str, "Claim"], ...]
    settle: str = ""

    def __post_init__(self) -> None:
        if len(self.readings) < 2:
            raise ValueError("Readings needs at least two readings")

    def _latex(self, printer: Any) -> str:
        return self.readings[0][1]._latex(printer)


Claim = Union[Equal, Compare, DerivativeOf, Solves, MinimumAt, Sampled, Unreadable, Noted, Readings]


@dataclass(frozen=True)
class Assumptions:
    """What the symbols are allowed to be.

    - ``sizes``: integer symbols such as K, D, N; sampled in ``size_range``.
    - ``relations``: SymPy relationals that hold, e.g. ``1 <= k``, ``k <= K``,
      ``sigma[j] > 0``. A relation on an Indexed element whose indices are
      symbols holds for every index value (it describes the family).
    - ``cover``: pairs ``(labels, count)``: every value 1..count occurs among
      ``labels[1..n]`` (e.g. every class appears at least once).
    - ``matrices``: pairs ``(name, property)`` for matrix symbols: ``symmetric``,
      ``pd`` (positive definite), ``psd``, ``orthogonal``, ``invertible``.
    - ``statements``: the assumptions as a reader would state them.
    """

    sizes: tuple[sp.Symbol, ...] = ()
    relations: tuple[sp.Basic, ...] = ()
    cover: tuple[tuple[sp.IndexedBase, sp.Symbol, sp.Symbol], ...] = ()
    statements: tuple[str, ...] = ()
    size_range: tuple[int, int] = (1, 4)
    matrices: tuple[tuple[str, str], ...] = ()

    def __post_init__(self) -> None:
        for name, prop in self.matrices:
            if prop not in MATRIX_PROPERTIES:
                raise ValueError(f"matrix {name}: unknown property {prop!r} (known: {', '.join(MATRIX_PROPERTIES)})")

    def merged(self, other: "Assumptions") -> "Assumptions":
        return Assumptions(
            sizes=tuple(dict.fromkeys(self.sizes + other.sizes)),
            relations=tuple(dict.fromkeys(self.relations + other.relations)),
            cover=tuple(dict.fromkeys(self.cover + other.cover)),
            statements=tuple(dict.fromkeys(self.statements + other.statements)),
            size_range=self.size_range,
            matrices=tuple(dict.fromkeys(self.matrices + other.matrices)),
        )


class _ClaimPrinter(LatexPrinter):
    """SymPy's LaTeX printer with settings that keep output readable and bounded."""

    def _print_KroneckerDelta(self, expr: Any, exp: Any = None) -> str:
        a, b = (self._print(t) for t in expr.args)
        return rf"\mathbf{{1}}[{a} = {b}]"


def claim_latex(claim: Claim | Expr) -> str:
    """LaTeX of a claim or expression, from SymPy's printer."""
    printer = _ClaimPrinter({"mul_symbol": None, "ln_notation": False, "order": "none"})
    if hasattr(claim, "_latex") and not isinstance(claim, sp.Basic):
        return claim._latex(printer)
    return printer.doprint(claim)


def orient(r: sp.Basic) -> Optional[tuple[sp.Expr, sp.Expr, bool]]:
    """An inequality as ``(big, small, strict)``: ``big > small`` or ``big >= small``; None otherwise."""
    if isinstance(r, (sp.StrictGreaterThan, sp.GreaterThan)):
        return r.lhs, r.rhs, isinstance(r, sp.StrictGreaterThan)
    if isinstance(r, (sp.StrictLessThan, sp.LessThan)):
        return r.rhs, r.lhs, isinstance(r, sp.StrictLessThan)
    return None
