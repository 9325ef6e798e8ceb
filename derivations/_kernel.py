"""The trusted kernel: the one place where claims become verdicts.

Symbolic first (canonical normal form, then SymPy's simplifier on the difference);
then exact evaluation at random points that respect the assumptions. Each phase runs
in a killable worker under the step's time budget. ``proved`` needs the symbolic
phase to succeed; ``refuted`` needs a point, re-evaluated by a second route, at which
the sides really differ; ``supported`` needs every sampled point to agree. Anything
else is ``unknown`` (or ``error`` for an unreadable step).
"""
from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass
from typing import Any, Callable, Optional

import sympy as sp
from sympy import Indexed, IndexedBase

from ._claims import (Assumptions, Claim, DerivativeOf, Equal, MinimumAt, Sampled, Solves, Unreadable, orient)
from ._derivation import Derivation, Step
from ._normalize import Context, atomize, is_positive, normalize
from ._report import DerivationReport, StepResult
from ._sampler import Instantiation, Sampler, SamplingError
from ._worker import run_bounded

__all__ = ["DEFAULT_BUDGET", "DEFAULT_POINTS", "Verdict", "check", "check_derivation", "check_step"]

DEFAULT_BUDGET = 10.0
DEFAULT_POINTS = 24
MAX_NODES = 20_000
MAX_INT_DIGITS = 400
MAX_EXPANSION_TERMS = 20_000
SYMBOLIC_SHARE = 0.6
MEMORY_BYTES = 4 * 1024**3


@dataclass(frozen=True)
class Verdict:
    """What the kernel decided about one claim, and the evidence."""

    verdict: str
    detail: str = ""
    counterexample: Optional[dict[str, str]] = None
    points: int = 0
    seconds: float = 0.0


# ---------------------------------------------------------------- caps


def _caps(claim: Claim) -> Optional[str]:
    """Refuse work whose size alone could exhaust the budget; say what was too big."""
    exprs = _exprs(claim)
    nodes = 0
    for e in exprs:
        for node in sp.preorder_traversal(e):
            nodes += 1
            if nodes > MAX_NODES:
                return f"expression too large (over {MAX_NODES} nodes)"
            if isinstance(node, sp.Integer) and abs(int(node)) > 10**MAX_INT_DIGITS:
                return f"integer literal over {MAX_INT_DIGITS} digits"
            if isinstance(node, sp.Pow) and node.exp.is_Integer and isinstance(node.base, sp.Add):
                n, k = len(node.base.args), abs(int(node.exp))
                if k > 64 or sp.binomial(n + k - 1, k) > MAX_EXPANSION_TERMS:
                    return f"expansion of a power too large ({node.base.func.__name__} of {n} terms to the {k})"
            if isinstance(node, sp.Pow) and node.exp.is_Integer and abs(int(node.exp)) > 10_000:
                return f"exponent {node.exp} too large"
    return None


def _exprs(claim: Claim) -> list[sp.Expr]:
    if isinstance(claim, Equal):
        return [claim.lhs, claim.rhs]
    if isinstance(claim, DerivativeOf):
        return [claim.result, claim.of, claim.wrt]
    if isinstance(claim, Solves):
        return [claim.var, claim.value, claim.lhs, claim.rhs]
    if isinstance(claim, MinimumAt):
        return [claim.f, claim.var, claim.point]
    return []


# ---------------------------------------------------------------- context


def _context(a: Assumptions) -> Context:
    ctx = Context()
    for r in a.relations:
        o = orient(r)
        if o is None:
            continue
        big, small, strict = o
        for target, bound, is_low in ((big, small, True), (small, big, False)):
            key: Any = target
            if isinstance(target, Indexed) and all(isinstance(i, sp.Symbol) for i in target.indices):
                key = target.base
            if isinstance(key, (sp.Symbol, IndexedBase)) and key.is_integer:
                lo, hi = ctx.ranges.get(key, (None, None))
                bound_i = bound + 1 if strict and is_low else bound - 1 if strict else bound
                ctx.ranges[key] = (bound_i, hi) if is_low else (lo, bound_i)
        if small.is_number and (small > 0 or (small == 0 and strict)) and not isinstance(big, (sp.Symbol, Indexed)):
            ctx.positive.append(normalize(big, Context(ctx.ranges)))
    ctx.ranges = {k: v for k, v in ctx.ranges.items() if v[0] is not None and v[1] is not None}
    return ctx


# ---------------------------------------------------------------- variance variables


def _squared(wrt: sp.Expr) -> Optional[sp.Expr]:
    """The symbol ``s`` when the variable is ``s**2`` (a variance), else None."""
    if isinstance(wrt, sp.Pow) and wrt.exp == 2 and isinstance(wrt.base, (sp.Symbol, Indexed)):
        return wrt.base
    return None


def _variance_swap(wrt: sp.Expr) -> Optional[tuple[Callable[[sp.Expr], sp.Expr], sp.Expr, Callable[[sp.Expr], sp.Expr]]]:
    """For ``wrt = s**2`` with ``s > 0``: (to variance form, the variable v, back to s form).

    Writing ``s = sqrt(v)`` is only an identity for positive ``s``; otherwise None.
    """
    base = _squared(wrt)
    if base is None or not base.is_positive:
        return None
    if isinstance(base, Indexed):
        fam = base.base
        vb = IndexedBase(f"{fam.label}__var", positive=True)

        def to_v(e: sp.Expr) -> sp.Expr:
            return e.replace(lambda x: isinstance(x, Indexed) and x.base == fam, lambda x: sp.sqrt(vb[x.indices]))

        def back(e: sp.Expr) -> sp.Expr:
            return e.replace(lambda x: isinstance(x, Indexed) and x.base == vb, lambda x: fam[x.indices] ** 2)

        return to_v, vb[base.indices], back
    v = sp.Symbol(f"{base.name}__var", positive=True)
    return (lambda e: e.xreplace({base: sp.sqrt(v)})), v, (lambda e: e.xreplace({v: base**2}))


def _diff(of: sp.Expr, wrt: sp.Expr) -> sp.Expr:
    """d(of)/d(wrt); for ``wrt = s**2`` the chain rule d/d(s^2) = (1/(2 s)) d/ds, valid for any s != 0."""
    base = _squared(wrt)
    if base is not None:
        return sp.diff(of, base) / (2 * base)
    if not isinstance(wrt, (sp.Symbol, Indexed)):
        raise ValueError(f"cannot differentiate with respect to {wrt}")
    return sp.diff(of, wrt)


# ---------------------------------------------------------------- symbolic phase


def _zero(e: sp.Expr, ctx: Context) -> bool:
    d = normalize(e, ctx)
    if d == 0:
        return True
    a, _ = atomize(d, ctx)
    for f in (sp.expand, lambda x: sp.cancel(sp.together(x)), lambda x: sp.simplify(sp.powsimp(x, force=False))):
        a = f(a)
        if a == 0:
            return True
    return False


def _positive(e: sp.Expr, ctx: Context) -> bool:
    """Prove ``e > 0``; an assumed-positive compound P is used by writing one of its atoms through P."""
    d = normalize(e, ctx)
    if is_positive(d, ctx):
        return True
    table: dict[sp.Expr, sp.Symbol] = {}
    a, _ = atomize(d, ctx, table)
    for n, p in enumerate(ctx.positive):
        pa, _ = atomize(p, ctx, table)
        atoms = sorted(pa.free_symbols & a.free_symbols & set(table.values()), key=str)
        for pick in atoms:
            coeff = sp.expand(pa).coeff(pick)
            if coeff == 0 or coeff.has(pick):
                continue
            rest = sp.expand(pa - coeff * pick)
            if rest.has(pick):
                continue
            a = a.xreplace({pick: (sp.Symbol(f"_P{n}", positive=True) - rest) / coeff})
            break
    for f in (sp.factor, sp.cancel, sp.simplify):
        a = f(a)
        if a.is_positive:
            return True
    return False


def _symbolic(claim: Claim, a: Assumptions) -> tuple[bool, str]:
    ctx = _context(a)
    if isinstance(claim, Equal):
        return _zero(normalize(claim.lhs, ctx) - normalize(claim.rhs, ctx), ctx), ""
    if isinstance(claim, DerivativeOf):
        deriv = _diff(normalize(claim.of, ctx), claim.wrt)
        return _zero(normalize(claim.result, ctx) - normalize(deriv, ctx), ctx), ""
    swap = _variance_swap(claim.var)
    if _squared(claim.var) is not None and swap is None:
        return False, "a squared variable needs its symbol assumed positive for a proof"
    to_v, var = (swap[0], swap[1]) if swap else ((lambda e: e), claim.var)
    if isinstance(claim, Solves):
        e = normalize(to_v(claim.lhs - claim.rhs), ctx)
        value = normalize(to_v(claim.value), ctx)
        return _zero(e.xreplace({var: value}), ctx), ""
    if isinstance(claim, MinimumAt):
        f = normalize(to_v(claim.f), ctx)
        d2 = sp.diff(normalize(sp.diff(f, var), ctx), var)
        at = normalize(d2, ctx).xreplace({var: normalize(to_v(claim.point), ctx)})
        return _positive(at, ctx), ""
    return False, "no symbolic rule for this claim"


# ---------------------------------------------------------------- numeric phase


def _sides(claim: Claim, inst: Instantiation) -> tuple[sp.Expr, sp.Expr]:
    """The two exact numbers the claim says are equal (or, for a minimum, value and 0)."""
    if isinstance(claim, Equal):
        return inst.evaluate(claim.lhs), inst.evaluate(claim.rhs)
    if isinstance(claim, DerivativeOf):
        return inst.evaluate(claim.result), _numeric_derivative(claim.of, claim.wrt, inst)
    if isinstance(claim, (Solves, MinimumAt)):
        var = inst.structural(claim.var)
        if isinstance(claim, Solves):
            e, value = inst.structural(claim.lhs - claim.rhs), inst.structural(claim.value)
        else:
            f, value = inst.structural(claim.f), inst.structural(claim.point)
        base = _squared(var)
        results = []
        for sign in ((1, -1) if base is not None and not base.is_positive else (1,)):
            if base is not None:
                v = sp.Dummy("v", positive=True)
                sub = {base: sign * sp.sqrt(v)}
            else:
                v, sub = var, {}
            if isinstance(claim, Solves):
                results.append(inst.evaluate(e.xreplace(sub).xreplace({v: value})))
            else:
                results.append(inst.evaluate(sp.diff(f.xreplace(sub), v, 2).xreplace({v: value})))
        if isinstance(claim, Solves):
            return next((r for r in results if r != 0), results[0]), sp.S.Zero
        return min(results, key=lambda r: sp.N(r, 30) if r.is_real else 0), sp.S.Zero
    raise TypeError(f"not a claim: {claim!r}")


def _numeric_derivative(of: sp.Expr, wrt: sp.Expr, inst: Instantiation) -> sp.Expr:
    return inst.evaluate(_diff(inst.structural(of), inst.structural(wrt)))


def _compare(lv: sp.Expr, rv: sp.Expr, claim: Claim) -> str:
    """``agree``, ``differ`` or ``undefined``, decided exactly or at guaranteed precision."""
    if any(x.has(sp.zoo, sp.nan, sp.oo, -sp.oo) for x in (lv, rv)):
        return "undefined"
    complex_sides = [x.has(sp.I) for x in (lv, rv)]
    if all(complex_sides):
        return "undefined"  # both outside the real domain: no evidence either way
    if isinstance(claim, MinimumAt):
        v = lv
        if v.is_Rational:
            return "agree" if v > 0 else "differ"
        try:
            n = v.evalf(30, strict=True)
        except Exception:
            return "undefined"
        return "agree" if n.is_real and n > 0 else "differ"
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
    except Exception:
        return "undefined"
    return "agree" if n == 0 else "differ"


def _recheck(claim: Claim, inst: Instantiation) -> bool:
    """Re-evaluate a counterexample by SymPy's own ``doit`` route; True if the sides differ."""
    again = dataclasses.replace(inst, values=dict(inst.values), expand=lambda e: e.doit())
    lv, rv = _sides(claim, again)
    return _compare(lv, rv, claim) == "differ"


def _size_range(a: Assumptions, exprs: list[sp.Expr]) -> tuple[int, int]:
    """Sizes reach past the largest small integer in the claim, so `1[i = 5]` meets N >= 5."""
    lits = [abs(int(n)) for e in exprs for n in e.atoms(sp.Integer) if abs(n) <= 50]
    lo, hi = a.size_range
    return lo, min(max(hi, max(lits, default=0) + 1), 12)


def _numeric(claim: Claim, a: Assumptions, points: int, seed: int) -> Verdict:
    exprs = _exprs(claim)
    a = dataclasses.replace(a, size_range=_size_range(a, exprs))
    sampler = Sampler(a, seed)
    agreed = undefined = 0
    while agreed < points and undefined < 4 * points:
        inst = sampler.draw(exprs)
        try:
            lv, rv = _sides(claim, inst)
        except (ZeroDivisionError, SamplingError):
            undefined += 1
            continue
        res = _compare(lv, rv, claim)
        if res == "agree":
            agreed += 1
        elif res == "undefined":
            undefined += 1
        else:
            if not _recheck(claim, inst):
                undefined += 1
                continue
            cex = inst.described(exprs)
            if isinstance(claim, MinimumAt):
                detail = f"second derivative is {_short(lv)}, not positive, at this point"
            elif isinstance(claim, Solves):
                detail = f"substituting the solution leaves lhs - rhs = {_short(lv)}, not 0"
            else:
                ls, rs = _pair(lv, rv)
                detail = f"sides differ: {ls} vs {rs}"
            return Verdict("refuted", detail, cex, agreed + 1)
    if agreed >= points:
        return Verdict("supported", f"no symbolic proof; {agreed} random exact points agree", None, agreed)
    return Verdict("unknown", f"only {agreed} of {points} random points were defined", None, agreed)


def _pair(lv: sp.Expr, rv: sp.Expr) -> tuple[str, str]:
    """Both sides with enough digits that the difference shows."""
    if lv.is_Rational and rv.is_Rational and len(str(lv)) + len(str(rv)) <= 48:
        return str(lv), str(rv)
    try:
        d = abs(sp.N(lv - rv, 30))
        scale = max(abs(sp.N(lv, 30)), abs(sp.N(rv, 30)))
        digits = int(min(60, max(6, 3 - sp.floor(sp.log(d / scale, 10))))) if scale else 6
        return str(sp.N(lv, digits)), str(sp.N(rv, digits))
    except Exception:
        return _short(lv), _short(rv)


def _short(v: sp.Expr) -> str:
    if v.is_Rational and len(str(v)) <= 24:
        return str(v)
    try:
        return str(sp.N(v, 6))
    except Exception:
        return str(v)[:40]


# ---------------------------------------------------------------- entry points


def _sampled_job(claim: Sampled) -> Verdict:
    for n in range(claim.samples):
        failure = claim.trial(claim.seed + n)
        if failure is not None:
            again = claim.trial(claim.seed + n)
            if again is None:
                return Verdict("unknown", f"trial with seed {claim.seed + n} failed once and passed on rerun")
            cex = {"seed": str(claim.seed + n), **{str(k): str(v) for k, v in again.items()}}
            return Verdict("refuted", f"{claim.description}: fails for seed {claim.seed + n}", cex, n + 1)
    return Verdict("supported", f"{claim.samples} random trials pass", None, claim.samples)


def check(
    claim: Claim,
    assumptions: Optional[Assumptions] = None,
    budget: float = DEFAULT_BUDGET,
    points: int = DEFAULT_POINTS,
    seed: int = 0,
    symbolic: bool = True,
) -> Verdict:
    """Decide one claim under a time budget. The only function that makes verdicts.

    >>> import sympy as sp
    >>> x = sp.Symbol("x", real=True)
    >>> check(Equal((x + 10**20) - 10**20, x)).verdict
    'proved'
    >>> v = check(Equal(sp.pi * x, sp.Rational(355, 113) * x))
    >>> v.verdict, sorted(v.counterexample)
    ('refuted', ['x'])
    """
    a = assumptions or Assumptions()
    start = time.perf_counter()
    if isinstance(claim, Unreadable):
        return Verdict("error", claim.message)
    if isinstance(claim, Sampled):
        out = run_bounded(_sampled_job, (claim,), budget, MEMORY_BYTES)
        elapsed = time.perf_counter() - start
        if out.status == "ok":
            v = out.value
            return Verdict(v.verdict, v.detail, v.counterexample, v.points, elapsed)
        return Verdict("unknown", f"numeric trials: {out.reason.splitlines()[0] if out.reason else out.status}", seconds=elapsed)
    if not isinstance(claim, (Equal, DerivativeOf, Solves, MinimumAt)):
        return Verdict("error", f"not a claim: {type(claim).__name__}")
    too_big = _caps(claim)
    if too_big:
        return Verdict("unknown", f"refused before work: {too_big}", seconds=time.perf_counter() - start)
    reasons = []
    if symbolic:
        out = run_bounded(_symbolic, (claim, a), budget * SYMBOLIC_SHARE, MEMORY_BYTES)
        if out.status == "ok" and out.value[0]:
            return Verdict("proved", "shown symbolically", seconds=time.perf_counter() - start)
        if out.status != "ok":
            reasons.append(f"symbolic check: {out.reason.splitlines()[0] if out.reason else out.status}")
    remaining = max(budget - (time.perf_counter() - start), 0.5)
    out = run_bounded(_numeric, (claim, a, points, seed), remaining, MEMORY_BYTES)
    elapsed = time.perf_counter() - start
    if out.status == "ok":
        v: Verdict = out.value
        detail = "; ".join([v.detail] + reasons) if reasons and v.verdict != "refuted" else v.detail
        return Verdict(v.verdict, detail, v.counterexample, v.points, elapsed)
    reasons.append(f"numeric check: {out.reason.splitlines()[0] if out.reason else out.status}")
    return Verdict("unknown", "; ".join(reasons), seconds=elapsed)


def check_step(step: Step, assumptions: Assumptions, index: int, budget: float = DEFAULT_BUDGET,
               points: int = DEFAULT_POINTS, seed: int = 0) -> StepResult:
    """The kernel's verdict on one step of a derivation, as a report row."""
    v = check(step.claim, assumptions, budget=budget, points=points, seed=seed)
    try:
        latex = step.latex()
    except Exception:  # a claim that cannot be printed is still reported
        latex = str(step.claim)
    return StepResult(index=index, line=step.line, claim=latex, justification=step.by, verdict=v.verdict,
                      detail=v.detail, counterexample=v.counterexample, seconds=round(v.seconds, 3),
                      points=v.points)


def check_derivation(
    d: Derivation, budget: float = DEFAULT_BUDGET, points: int = DEFAULT_POINTS, seed: int = 0
) -> DerivationReport:
    """Check every step of a derivation in order; one bad step never stops the rest."""
    results = [check_step(step, d.assumptions, n, budget, points, seed + n) for n, step in enumerate(d.steps, 1)]
    return DerivationReport(d.name, d.source, results, d.title)
