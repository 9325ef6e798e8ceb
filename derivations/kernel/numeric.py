"""Exact evaluation of claims at random points: evidence for the kernel, never a verdict.

Two routes evaluate a claim at a point: the sampler's (substitute, write out sums, let
SymPy evaluate) and ``_evaluate``'s direct walk. A counterexample stands only when both
say the sides differ and the point satisfies every assumption; a symbolic proof stands
only when the direct walk agrees at sizes 1, 2, 3 and at random points.
"""
from __future__ import annotations

import copy
import dataclasses
import time
from dataclasses import dataclass
from typing import Callable, Optional

import sympy as sp

from derivations.kernel.calculus import expand_diffs, has_diff
from derivations.kernel.probability import Prob
from derivations.kernel.claims import Assumptions, Claim, Compare, DerivativeOf, Equal, MinimumAt, Solves
from derivations.kernel.evaluate import OutOfRange, Undefined, evaluate, structure
from sympy import Indexed
from sympy.core.function import AppliedUndef

from derivations.kernel.sampler import POSITIVE_FUNCTIONS, Instantiation, Sampler, SamplingError, function_name

__all__ = ["Evidence", "claim_exprs", "confirm", "depends", "diff", "sample", "squared"]

CONFIRM_POINTS = 4  # sizes 1, 2, 3 first, then random; every other point at edge values
SIMPLE_VALUES = [sp.Integer(v) for v in (0, 1, -1, 2, -2, 3, -3)] + [sp.Rational(1, 2), sp.Rational(-1, 2),
                                                                      sp.Rational(1, 3), sp.Rational(3, 2)]
SHRINK_EVALUATIONS = 24
SHRINK_SECONDS = 0.3


@dataclass(frozen=True)
class Evidence:
    """What evaluation found: ``agree`` (n points), ``differ`` (a checked counterexample),
    ``disagree`` (the direct walk contradicts a proof) or ``none`` (no usable point)."""

    kind: str
    detail: str = ""
    counterexample: Optional[dict[str, str]] = None
    points: int = 0


def claim_exprs(claim: Claim) -> list[sp.Expr]:
    if isinstance(claim, (Equal, Compare)):
        return [claim.lhs, claim.rhs]
    if isinstance(claim, DerivativeOf):
        return [claim.result, claim.of, claim.wrt]
    if isinstance(claim, Solves):
        return [claim.var, claim.value, claim.lhs, claim.rhs]
    if isinstance(claim, MinimumAt):
        return [claim.f, claim.var, claim.point]
    return []


def squared(wrt: sp.Expr) -> Optional[sp.Expr]:
    """The symbol ``s`` when the variable is ``s**2`` (a variance), else None."""
    if isinstance(wrt, sp.Pow) and wrt.exp == 2 and isinstance(wrt.base, (sp.Symbol, sp.Indexed)):
        return wrt.base
    return None


def depends(f: sp.Basic, wrt: sp.Expr) -> bool:
    """Is the variable (for ``s**2``: ``s``; for an element: its family) among the written arguments of ``f``
    (an undefined function, or a probability: its values)?"""
    node = squared(wrt) if squared(wrt) is not None else wrt
    for arg in f.args:
        if arg.has(node):
            return True
        if isinstance(node, sp.Indexed) and any(x.base == node.base for x in arg.atoms(sp.Indexed)):
            return True
    return False


def diff(of: sp.Expr, wrt: sp.Expr) -> sp.Expr:
    """d(of)/d(wrt); for ``wrt = s**2`` the chain rule d/d(s^2) = (1/(2 s)) d/ds, valid for any s != 0.

    Where the function has no derivative (|u| at u = 0) the result has no value, never SymPy's sign(0) = 0.
    """
    base = squared(wrt)
    if base is not None:
        return _kinks(sp.diff(of, base) / (2 * base))
    if not isinstance(wrt, (sp.Symbol, sp.Indexed)):
        raise ValueError(f"cannot differentiate with respect to {wrt}")
    return _kinks(sp.diff(of, wrt))


def _kinks(d: sp.Expr) -> sp.Expr:
    if not d.has(sp.sign, sp.Heaviside, sp.DiracDelta):
        return d
    return d.replace(lambda x: isinstance(x, (sp.sign, sp.Heaviside, sp.DiracDelta)),
                     lambda x: sp.Piecewise((sp.nan, sp.Eq(x.args[0], 0)), (x, True)))


# ---------------------------------------------------------------- the two routes


@dataclass
class _Route:
    """How one route turns expressions into numbers at a point: ``struct`` keeps symbols, ``value`` does not."""

    struct: Callable[[sp.Expr], sp.Expr]
    value: Callable[[sp.Expr], sp.Expr]


def _sampler_route(inst: Instantiation) -> _Route:
    return _Route(lambda e: inst.laws(inst.structural(e), keep=True), inst.evaluate)


def _direct_route(inst: Instantiation) -> _Route:
    def value(e: sp.Expr) -> sp.Expr:
        return evaluate(e, inst.ints, inst.labels, inst.value_of)

    return _Route(lambda e: inst.laws(structure(e, inst.ints, inst.labels), keep=True), value)


def _taken(r: _Route) -> _Route:
    """The route with every ``Diff`` taken after sums are written out at this point's sizes."""
    def struct(e: sp.Expr) -> sp.Expr:
        return expand_diffs(r.struct(e), diff) if has_diff(e) else r.struct(e)

    def value(e: sp.Expr) -> sp.Expr:
        return r.value(struct(e)) if has_diff(e) else r.value(e)

    return _Route(struct, value)


def _sides(claim: Claim, r: _Route) -> tuple[sp.Expr, sp.Expr]:
    """The two exact numbers the claim says are equal (for a minimum: the second derivative and 0)."""
    r = _taken(r)
    if isinstance(claim, (Equal, Compare)):
        return r.value(claim.lhs), r.value(claim.rhs)
    if isinstance(claim, DerivativeOf):
        return r.value(claim.result), r.value(diff(r.struct(claim.of), r.struct(claim.wrt)))
    if isinstance(claim, (Solves, MinimumAt)):
        var = r.struct(claim.var)
        if isinstance(claim, Solves):
            e, value = r.struct(claim.lhs - claim.rhs), r.struct(claim.value)
        else:
            e, value = r.struct(claim.f), r.struct(claim.point)
        base = squared(var)
        results = []
        for sign in ((1, -1) if base is not None and not base.is_positive else (1,)):
            if base is not None:
                v = sp.Dummy("v", positive=True)
                sub = {base: sign * sp.sqrt(v)}
            else:
                v, sub = var, {}
            if isinstance(claim, Solves):
                results.append(r.value(e.xreplace(sub).xreplace({v: value})))
            else:
                results.append(r.value(sp.diff(e.xreplace(sub), v, 2).xreplace({v: value})))
        if isinstance(claim, Solves):
            return next((x for x in results if x != 0), results[0]), sp.S.Zero
        return min(results, key=lambda x: sp.N(x, 30) if x.is_real else 0), sp.S.Zero
    raise TypeError(f"not a claim: {claim!r}")


def _compare(lv: sp.Expr, rv: sp.Expr, claim: Claim, complex_ok: bool = False) -> str:
    """``agree``, ``differ`` or ``undefined``, decided exactly or at guaranteed precision.

    Two non-real sides are no counterexample (both are outside the real domain); with
    ``complex_ok`` (confirming a proof) their exact equality still counts as agreement.
    """
    if any(x.has(sp.zoo, sp.nan, sp.oo, -sp.oo) for x in (lv, rv)):
        return "undefined"
    if lv.has(sp.I) and rv.has(sp.I):
        if not complex_ok or isinstance(claim, MinimumAt):
            return "undefined"
        res = _compare(sp.expand(lv - rv), sp.S.Zero, claim)
        return "agree" if res == "agree" else "undefined"
    if isinstance(claim, MinimumAt):
        if lv.is_Rational:
            return "agree" if lv > 0 else "differ"
        try:
            n = lv.evalf(30, strict=True)
        except Exception:  # noqa: BLE001 - no guaranteed digits: no evidence
            return "undefined"
        return "agree" if n.is_real and n > 0 else "differ"
    if isinstance(claim, Compare):
        return _compare_order(lv, rv, claim)
    d = lv - rv
    if d.is_Rational:
        return "agree" if d == 0 else "differ"
    if d.free_symbols:
        return "undefined"
    try:
        n = d.evalf(40, strict=True)
    except sp.core.evalf.PrecisionExhausted:
        approx = d.evalf(80)
        scale = 1 + abs(lv.evalf(20)) + abs(rv.evalf(20))
        return "agree" if abs(approx) < sp.Float(10) ** -60 * scale else "undefined"
    except Exception:  # noqa: BLE001
        return "undefined"
    return "agree" if n == 0 else "differ"


def _compare_order(lv: sp.Expr, rv: sp.Expr, claim: Compare) -> str:
    """An inequality at one point: the sign of ``lhs - rhs`` decided exactly or at guaranteed precision."""
    if lv.has(sp.I) or rv.has(sp.I):
        return "undefined"
    d = lv - rv
    if d.free_symbols:
        return "undefined"
    if d.is_Rational:
        sign = int(bool(d > 0)) - int(bool(d < 0))
    else:
        try:
            n = d.evalf(40, strict=True)
        except Exception:  # noqa: BLE001 - no guaranteed digits (an exact zero not seen as one): no evidence
            return "undefined"
        if not n.is_real:
            return "undefined"
        sign = int(bool(n > 0)) - int(bool(n < 0))
        if sign == 0:
            return "undefined"
    return "agree" if claim.holds(int(sign)) else "differ"


def _at(claim: Claim, inst: Instantiation, route: Callable[[Instantiation], _Route],
        complex_ok: bool = False) -> tuple[str, sp.Expr, sp.Expr]:
    try:
        lv, rv = _sides(claim, route(inst))
    except (ZeroDivisionError, SamplingError, Undefined, RecursionError):
        return "undefined", sp.nan, sp.nan
    return _compare(lv, rv, claim, complex_ok), lv, rv


def _valid(inst: Instantiation) -> bool:
    try:
        return inst.violation() is None
    except SamplingError:
        return False


def _size_range(a: Assumptions, exprs: list[sp.Expr]) -> tuple[int, int]:
    """Sizes reach past the largest small integer in the claim, so `1[i = 5]` meets N >= 5."""
    lits = [abs(int(n)) for e in exprs for n in e.atoms(sp.Integer) if abs(n) <= 50]
    lo, hi = a.size_range
    return lo, min(max(hi, max(lits, default=0) + 1), 12)


def _sampler(claim: Claim, a: Assumptions, seed: int) -> tuple[Sampler, list[sp.Expr]]:
    exprs = claim_exprs(claim)
    return Sampler(dataclasses.replace(a, size_range=_size_range(a, exprs)), seed), exprs


# ---------------------------------------------------------------- confirming a proof


def confirm(claim: Claim, a: Assumptions, seed: int) -> Evidence:
    """Direct evaluation of a proved claim at sizes 1, 2, 3 and at random points."""
    sampler, exprs = _sampler(claim, a, seed)
    constant = not any(e.free_symbols for e in exprs)
    need = 1 if constant else CONFIRM_POINTS
    agreed = tries = 0
    while agreed < need and tries < 4 * CONFIRM_POINTS:
        tries += 1
        try:
            inst = sampler.draw(exprs)
        except SamplingError:
            continue
        inst.edge = tries // 2 - 1 if tries % 2 == 0 else None  # every other point at edge values: 0, 1, -1, 2
        res, lv, rv = _at(claim, inst, _direct_route, complex_ok=True)
        if res == "undefined" and _valid(inst):
            half = _one_side_undefined(claim, inst)
            if half:
                return Evidence("disagree", f"the symbolic proof and direct evaluation disagree at "
                                            f"{_point(inst, exprs)}: {half}", inst.described(exprs), agreed)
        if res == "undefined" or not _valid(inst):
            continue
        if res == "differ":
            return Evidence("disagree", f"the symbolic proof and direct evaluation disagree at "
                                        f"{_point(inst, exprs)} ({' vs '.join(_pair(lv, rv))}): this is a bug of the tool",
                            inst.described(exprs), agreed)
        agreed += 1
    if agreed == 0:
        return Evidence("none", "direct evaluation found no point where both sides are defined")
    return Evidence("agree", f"direct evaluation agrees at {agreed} exact point{'s' if agreed > 1 else ''}",
                    None, agreed)


def _one_side_undefined(claim: Claim, inst: Instantiation) -> str:
    """For an equation or inequality: the side that has no value while the other has a real one, else ''."""
    if not isinstance(claim, (Equal, Compare)):
        return ""
    route = _direct_route(inst)
    vals = []
    for side in (claim.lhs, claim.rhs):
        try:
            v = route.value(side)
        except (OutOfRange, SamplingError):
            return ""  # the point itself is incomplete (a label past the sampled data), not the claim
        except (ZeroDivisionError, Undefined, RecursionError):
            v = sp.nan
        vals.append(v)
    bad = [v.has(sp.zoo, sp.nan, sp.oo, -sp.oo) for v in vals]
    if bad[0] == bad[1]:
        return ""
    good = vals[1] if bad[0] else vals[0]
    if good.has(sp.I) or good.free_symbols:
        return ""
    which = "left" if bad[0] else "right"
    return f"the {which} side has no value there (a division by zero), the other is {_short(good)}"


# ---------------------------------------------------------------- searching for a counterexample


def _hints(exprs: list[sp.Expr]) -> list[tuple[sp.Symbol, sp.Expr]]:
    """Values at which an indicator of a real condition switches: ``1[3x = 2]`` suggests x = 2/3."""
    out: list[tuple[sp.Symbol, sp.Expr]] = []
    for e in exprs:
        for pw in e.atoms(sp.Piecewise):
            for _, cond in pw.args:
                if not isinstance(cond, sp.Eq):
                    continue
                g = cond.lhs - cond.rhs
                for s in sorted(g.free_symbols, key=str):
                    if not isinstance(s, sp.Symbol) or s.is_integer:
                        continue
                    try:
                        poly = sp.Poly(g, s)
                    except sp.PolynomialError:
                        continue
                    if 1 <= poly.degree() <= 2 and all(c.is_Rational for c in poly.all_coeffs()):
                        out.extend((s, r) for r in sp.roots(poly, filter="R"))
    return out[:8]


def _on_boundary(claim: Compare, inst: Instantiation, turn: int) -> None:
    """Move one drawn value onto a real zero of ``lhs - rhs``, where strict inequalities fail and
    non-strict ones are tight: random points alone would miss ``x^2 > 0`` at x = 0."""
    try:
        d = inst.structural(claim.lhs - claim.rhs)
        inst.evaluate(d)
    except (SamplingError, ArithmeticError, TypeError, ValueError, RecursionError):
        return
    if d.has(AppliedUndef):
        return
    cands = sorted((a for a in inst.values if isinstance(a, (sp.Symbol, Indexed)) and not a.is_integer), key=str)
    if not cands:
        return
    s = cands[turn % len(cands)]
    g = d.xreplace({a: v for a, v in inst.values.items() if a != s})
    if g.free_symbols != {s}:
        return
    try:
        poly = sp.Poly(sp.together(g).as_numer_denom()[0], s)
    except (sp.PolynomialError, sp.GeneratorsNeeded):
        return
    if not 1 <= poly.degree() <= 2 or not all(c.is_Rational for c in poly.all_coeffs()):
        return
    roots = sorted(sp.roots(poly, filter="R"), key=str)
    if roots:
        inst.values[s] = roots[turn % len(roots)]


def sample(claim: Claim, a: Assumptions, points: int, seed: int, deadline: float) -> Evidence:
    """Random exact points: a doubly checked counterexample, or ``points`` agreeing points, or neither.

    The first points put indicator conditions at their switching values (see ``_hints``).
    """
    sampler, exprs = _sampler(claim, a, seed)
    hints = _hints(exprs)
    agreed = undefined = invalid = drawn = 0
    while agreed < points and undefined + invalid < 4 * points:
        try:
            inst = sampler.draw(exprs)
        except SamplingError:
            invalid += 1
            continue
        if drawn < len(hints):
            inst.values[hints[drawn][0]] = hints[drawn][1]
        elif drawn % 4 == 1:  # edge values, each variable its own
            inst.edge = drawn // 4
        elif drawn % 4 == 3:  # edge values shared by every variable: where two of them coincide
            inst.edge, inst.same_edge = drawn // 4, True
        elif isinstance(claim, Compare) and drawn % 4 == 2:
            _on_boundary(claim, inst, drawn // 4)
        drawn += 1
        res, lv, rv = _at(claim, inst, _sampler_route)
        if res == "undefined":
            undefined += 1
            continue
        if not _valid(inst):
            invalid += 1
            continue
        if res == "agree":
            agreed += 1
            continue
        again, lv, rv = _at(claim, inst, _direct_route)
        if again != "differ":
            undefined += 1
            continue
        inst, lv, rv = _shrink(claim, inst, lv, rv, deadline)
        inst.used = set()
        _at(claim, inst, _direct_route)
        return Evidence("differ", _differ_detail(claim, lv, rv), inst.described(exprs), agreed + 1)
    if agreed >= points:
        return Evidence("agree", f"{agreed} random exact points agree", None, agreed)
    why = []
    if invalid:
        why.append(f"{invalid} drawn points broke an assumption")
    if undefined:
        why.append(f"{undefined} were outside the domain of a side")
    return Evidence("none", f"only {agreed} of {points} random points could be used ({'; '.join(why)})",
                    None, agreed)


def _separates(claim: Claim, inst: Instantiation) -> Optional[tuple[sp.Expr, sp.Expr]]:
    """Both routes say the sides differ here, and the point satisfies every assumption."""
    res, lv, rv = _at(claim, inst, _direct_route)
    if res != "differ" or not _valid(inst):
        return None
    return (lv, rv) if _at(claim, inst, _sampler_route)[0] == "differ" else None


def _simpler(key: sp.Basic, v: sp.Expr) -> list[sp.Expr]:
    """Simpler values of the same kind: whole numbers for integers, positive ones for positive quantities."""
    if not v.is_Rational:
        return []
    size = abs(v.p) + v.q
    positive = bool(key.is_positive) or (isinstance(key, AppliedUndef) and function_name(key) in POSITIVE_FUNCTIONS)
    if isinstance(key, sp.Indexed):
        positive = positive or bool(key.base.is_positive)
    return [c for c in SIMPLE_VALUES if abs(c.p) + c.q < size and (c.is_integer or not v.is_integer)
            and (c > 0 or not positive) and (c >= 0 or not key.is_nonnegative)]


def _shrink(claim: Claim, inst: Instantiation, lv: sp.Expr, rv: sp.Expr,
            deadline: float) -> tuple[Instantiation, sp.Expr, sp.Expr]:
    """Make the counterexample's values small and simple while it still separates the sides."""
    evaluations = 0
    deadline = min(deadline, time.monotonic() + SHRINK_SECONDS)
    for key in sorted(inst.values, key=sp.default_sort_key):
        if isinstance(key, Prob):
            continue  # a value of the point's distribution, not a free choice (expectations are never cached)
        for cand in _simpler(key, inst.values[key]):
            if evaluations >= SHRINK_EVALUATIONS or time.monotonic() > deadline:
                return inst, lv, rv
            evaluations += 1
            trial = copy.copy(inst)
            trial.values = dict(inst.values)
            trial.values[key] = cand
            trial._drawing, trial.used = set(), set()
            got = _separates(claim, trial)
            if got is not None:
                inst, (lv, rv) = trial, got
                break
    return inst, lv, rv


def _differ_detail(claim: Claim, lv: sp.Expr, rv: sp.Expr) -> str:
    if isinstance(claim, MinimumAt):
        return f"second derivative is {_short(lv)}, not positive, at this point"
    if isinstance(claim, Solves):
        return f"substituting the solution leaves lhs - rhs = {_short(lv)}, not 0"
    ls, rs = _pair(lv, rv)
    if isinstance(claim, Compare):
        return f"the relation fails: {ls} {claim.op} {rs} is false"
    return f"sides differ: {ls} vs {rs}"


def _point(inst: Instantiation, exprs: list[sp.Expr]) -> str:
    return ", ".join(f"{k}={v}" for k, v in list(inst.described(exprs).items())[:12])


def _pair(lv: sp.Expr, rv: sp.Expr) -> tuple[str, str]:
    """Both sides with enough digits that the difference shows."""
    if lv.is_Rational and rv.is_Rational and len(str(lv)) + len(str(rv)) <= 48:
        return str(lv), str(rv)
    try:
        d = abs(sp.N(lv - rv, 30))
        scale = max(abs(sp.N(lv, 30)), abs(sp.N(rv, 30)))
        digits = int(min(60, max(6, 3 - sp.floor(sp.log(d / scale, 10))))) if scale else 6
        return str(sp.N(lv, digits)), str(sp.N(rv, digits))
    except Exception:  # noqa: BLE001 - printing must not fail a verdict
        return _short(lv), _short(rv)


def _short(v: sp.Expr) -> str:
    if v.is_Rational and len(str(v)) <= 24:
        return str(v)
    try:
        return str(sp.N(v, 6))
    except Exception:  # noqa: BLE001
        return str(v)[:40]

