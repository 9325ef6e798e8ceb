"""Probabilities and densities (rule 16): opaque, with only the laws of probability known.

``Prob(law, event, given)`` is ``p(x, y = k | z)``: ``law`` names the distribution, ``event`` and
``given`` hold ``(variable, value)`` pairs; a variable is ``Str(name)`` or ``Tuple(Str(family),
*indices)`` (``x_i``), so its indices take values but the variable itself is never a number.

The symbolic route rewrites each probability into joints, ``p(A | B) = J(A, B) / J(B)`` with
``J`` a nonnegative undefined function per law and set of variables, and knows one more law:
marginalisation, ``sum_{k=lo}^{hi} J(y = k, S) = J(S)`` when ``y`` is assumed to take values
in ``lo..hi`` only.

The evaluation routes use a ``Model``: at each point a genuine random distribution, a mixture
of product laws in which a variable with an assumed finite range gets a random mass function
on it (some masses zero) and any other variable a positive polynomial density of degree 8. Every identity of probability
holds at it, so a claim that fails there is false; it shares nothing with the rewriting.
"""
from __future__ import annotations

import random
from typing import Any, Callable, Optional

import sympy as sp
from sympy.core.symbol import Str

__all__ = ["MAX_VARIABLES", "Model", "Prob", "is_joint", "joint_form", "marginal", "pair", "variable", "variable_name"]

MAX_VARIABLES = 64
COMPONENTS = 6  # a mixture's joint tables have rank at most this: more than most identities can hide in


def variable(name: str, indices: tuple[sp.Expr, ...] = ()) -> sp.Basic:
    """The variable ``name`` (or the family element ``name_{indices}``) of a probability."""
    return sp.Tuple(Str(name), *indices) if indices else Str(name)


def variable_name(v: sp.Basic) -> tuple[str, tuple[sp.Expr, ...]]:
    if isinstance(v, Str):
        return v.name, ()
    return v.args[0].name, tuple(v.args[1:])


def _show_variable(v: sp.Basic, printer: Optional[Any] = None) -> str:
    name, idx = variable_name(v)
    if not idx:
        return name
    shown = ",".join(printer._print(i) if printer else str(i) for i in idx)
    return f"{name}_{{{shown}}}" if printer else f"{name}_{shown}"


def _own_value(var: sp.Basic, val: sp.Expr) -> bool:
    """Is the value the variable's own name (``p(x)``, not ``p(y = k)``)?"""
    name, idx = variable_name(var)
    if isinstance(val, sp.Symbol):
        return not idx and val.name == name
    if isinstance(val, sp.Indexed):
        return str(val.base.label) == name and tuple(val.indices) == idx
    return False


class Prob(sp.Function):
    """``law(event | given)``: a probability or density, nonnegative, opaque but for the laws of probability."""

    nargs = 3

    def _eval_is_nonnegative(self) -> bool:
        return True

    def _eval_derivative(self, s: sp.Basic) -> sp.Expr:
        """Through the joints (p(A|B) = J(A,B)/J(B)); the arguments hold names that are not expressions."""
        form = joint_form(self)
        if isinstance(form, Prob):
            raise ValueError(f"cannot differentiate {self}")
        return form.diff(s)

    def _eval_is_real(self) -> bool:
        return True

    @classmethod
    def eval(cls, law: sp.Basic, event: sp.Basic, given: sp.Basic) -> None:
        if not isinstance(law, Str) or not isinstance(event, sp.Tuple) or not isinstance(given, sp.Tuple):
            raise TypeError("Prob(law, event, given): a law name and two tuples of (variable, value) pairs")
        if not event.args:
            raise ValueError("a probability needs at least one variable")
        if len(event.args) + len(given.args) > MAX_VARIABLES:
            raise ValueError(f"more than {MAX_VARIABLES} variables in one probability")
        return None

    @property
    def law(self) -> str:
        return self.args[0].name

    @property
    def event(self) -> tuple[tuple[sp.Basic, sp.Expr], ...]:
        return tuple((p.args[0], p.args[1]) for p in self.args[1].args)

    @property
    def given(self) -> tuple[tuple[sp.Basic, sp.Expr], ...]:
        return tuple((p.args[0], p.args[1]) for p in self.args[2].args)

    def _pairs_latex(self, pairs: tuple, printer: Any) -> str:
        out = []
        for var, val in pairs:
            shown = printer._print(val) if _own_value(var, val) else _show_variable(var, printer)
            out.append(shown if _own_value(var, val) else f"{shown} = {printer._print(val)}")
        return ", ".join(out)

    def _latex(self, printer: Any, exp: Any = None) -> str:
        law = r"\Pr" if self.law == "Pr" else self.law
        inner = self._pairs_latex(self.event, printer)
        if self.given:
            inner += r" \mid " + self._pairs_latex(self.given, printer)
        out = rf"{law}\left({inner}\right)"
        return rf"{out}^{{{exp}}}" if exp is not None else out

    def _sympystr(self, printer: Any) -> str:
        def pairs(ps: tuple) -> str:
            shown = []
            for var, val in ps:
                v = _show_variable(var)
                shown.append(v if _own_value(var, val) else f"{v}={printer._print(val)}")
            return ", ".join(shown)

        inner = pairs(self.event) + (f" | {pairs(self.given)}" if self.given else "")
        return f"{self.law}({inner})"


def pair(var: sp.Basic, value: sp.Expr) -> sp.Tuple:
    return sp.Tuple(var, value)


# ---------------------------------------------------------------- the symbolic route


def _joint(law: str, pairs: list[tuple[sp.Basic, sp.Expr]]) -> Optional[sp.Expr]:
    """``J(pairs)`` as a nonnegative undefined function of the indices and values; None if a variable repeats."""
    merged: dict[sp.Basic, sp.Expr] = {}
    for var, val in pairs:
        if var in merged and merged[var] != val:
            return None
        merged[var] = val
    if not merged:
        return sp.S.One
    order = sorted(merged, key=sp.default_sort_key)
    shapes = []
    args: list[sp.Expr] = []
    for var in order:
        name, idx = variable_name(var)
        shapes.append(name + ("[" + ",".join("." for _ in idx) + "]" if idx else ""))
        args.extend(idx)
    args.extend(merged[v] for v in order)
    f = sp.Function(f"{law}<{';'.join(shapes)}>", nonnegative=True)
    return f(*args)


def joint_form(e: Prob) -> sp.Expr:
    """``p(A | B) = J(A, B) / J(B)``: true wherever ``p(B) > 0``, which a density's positivity gives."""
    top = _joint(e.law, list(e.event) + list(e.given))
    bottom = _joint(e.law, list(e.given))
    if top is None or bottom is None:
        return e
    return top / bottom


def is_joint(f: sp.Basic) -> bool:
    """Is ``f`` a joint ``J`` of the symbolic route?"""
    return _parse_joint(f) is not None


def _parse_joint(f: sp.Basic) -> Optional[tuple[str, list[str], list[int], list[sp.Expr]]]:
    """The law, variable shapes, index counts and values of a ``J`` application; None for other nodes."""
    if not isinstance(f, sp.core.function.AppliedUndef):
        return None
    name = f.func.__name__
    if "<" not in name or not name.endswith(">"):
        return None
    law, _, rest = name[:-1].partition("<")
    shapes = rest.split(";")
    counts = [s.count(".") for s in shapes]
    if sum(counts) + len(shapes) != len(f.args):
        return None
    return law, shapes, counts, list(f.args)


def marginal(factor: sp.Expr, dummy: sp.Symbol, lo: sp.Expr, hi: sp.Expr,
             covers: Callable[[str, tuple[sp.Expr, ...], sp.Expr, sp.Expr], bool]) -> Optional[sp.Expr]:
    """``sum_{dummy=lo}^{hi} J(y = dummy, S) = J(S)`` when ``covers(y, indices, lo, hi)``: every value of y is
    in lo..hi. None when ``factor`` is not such a joint (``dummy`` only the value of one variable)."""
    parsed = _parse_joint(factor)
    if parsed is None:
        return None
    law, shapes, counts, args = parsed
    n_idx = sum(counts)
    idx_args, values = args[:n_idx], args[n_idx:]
    if any(i.has(dummy) for i in idx_args):
        return None
    hits = [n for n, v in enumerate(values) if v == dummy]
    if len(hits) != 1 or any(v.has(dummy) for n, v in enumerate(values) if n != hits[0]):
        return None
    h = hits[0]
    start = sum(counts[:h])
    name = shapes[h].split("[")[0]
    if not covers(name, tuple(idx_args[start:start + counts[h]]), lo, hi):
        return None
    pairs: list[tuple[sp.Basic, sp.Expr]] = []
    pos = 0
    for n, (shape, c) in enumerate(zip(shapes, counts)):
        idx = tuple(idx_args[pos:pos + c])
        pos += c
        if n != h:
            pairs.append((variable(shape.split("[")[0], idx), values[n]))
    return _joint(law, pairs)


# ---------------------------------------------------------------- the evaluation routes


class Model:
    """One random distribution per law at one point (see the module docstring); draws are reproducible."""

    def __init__(self, rng: random.Random, support: Callable[[str, tuple[int, ...]], Optional[tuple[int, int]]]):
        self.rng = rng
        self.support = support
        self.weights: dict[str, list[sp.Rational]] = {}
        self.factors: dict[tuple[str, int, sp.Basic], Any] = {}

    def _weights(self, law: str) -> list[sp.Rational]:
        if law not in self.weights:
            raw = [self.rng.randint(1, 9) for _ in range(COMPONENTS)]
            self.weights[law] = [sp.Rational(r, sum(raw)) for r in raw]
        return self.weights[law]

    def _factor(self, law: str, m: int, var: sp.Basic) -> Any:
        key = (law, m, var)
        if key not in self.factors:
            name, idx = variable_name(var)
            if not all(i.is_Integer for i in idx):
                raise ValueError(f"the variable {_show_variable(var)} has no concrete index here")
            rng = self.support(name, tuple(int(i) for i in idx))
            if rng is not None:
                lo, hi = rng
                if hi - lo > 200:
                    raise ValueError(f"the range of {name} is too long to write out ({lo}..{hi})")
                raw = {v: self.rng.choice((0, 1, 2, 3, 5, 8)) for v in range(lo, hi + 1)}  # zero masses too
                if not any(raw.values()):
                    raw[lo] = 1
                total = sum(raw.values())
                self.factors[key] = ("mass", {v: sp.Rational(r, total) for v, r in raw.items()})
            else:
                self.factors[key] = ("density", tuple(self.rng.randint(lo_, hi_) for lo_, hi_ in
                                                      ((1, 5), (0, 3), (-3, 3), (1, 3), (-3, 3), (-3, 3), (2, 7),
                                                       (0, 2), (-4, 4), (-4, 4), (-4, 4), (-4, 4))))
        return self.factors[key]

    def _f(self, law: str, m: int, var: sp.Basic, value: sp.Expr) -> sp.Expr:
        kind, data = self._factor(law, m, var)
        if kind == "mass":
            if not value.is_number:
                raise ValueError(f"{_show_variable(var)} takes whole values in a range; its value {value} is not a number")
            return data.get(int(value), sp.S.Zero) if value.is_Integer else sp.S.Zero
        a, b, c, g, h, k, d, e, m1, m2, m3, m4 = data  # positive, of degree 8, of no particular shape
        return (a + b * (value - c) ** 2 + g * (value - h) ** 2 * (value - k) ** 2
                + e * ((value - m1) * (value - m2) * (value - m3) * (value - m4)) ** 2) / sp.Integer(d)

    def joint(self, law: str, pairs: list[tuple[sp.Basic, sp.Expr]]) -> sp.Expr:
        merged: dict[sp.Basic, sp.Expr] = {}
        for var, val in pairs:
            if var in merged and merged[var] != val:
                if merged[var].is_number and val.is_number:
                    return sp.S.Zero  # one variable, two different values at once
                raise ValueError(f"{_show_variable(var)} is given two values ({merged[var]}, {val})")
            merged[var] = val
        if not merged:
            return sp.S.One
        order = sorted(merged, key=sp.default_sort_key)
        return sp.Add(*[w * sp.Mul(*[self._f(law, m, v, merged[v]) for v in order])
                        for m, w in enumerate(self._weights(law))])

    def value(self, e: Prob) -> sp.Expr:
        """The probability at this point: ``J(A, B) / J(B)`` of the model; ValueError where it has none."""
        bottom = self.joint(e.law, list(e.given))
        if bottom == 0:
            raise ZeroDivisionError(f"{e} conditions on an event of probability 0")
        return self.joint(e.law, list(e.event) + list(e.given)) / bottom

    def replace(self, e: sp.Basic) -> sp.Basic:
        """Every probability in ``e`` (its variables' indices concrete) replaced by the model's value."""
        if not isinstance(e, sp.Basic) or not e.has(Prob):
            return e
        if isinstance(e, Prob):
            return self.value(e)
        return e.func(*[self.replace(a) for a in e.args])
