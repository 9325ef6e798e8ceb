"""The trusted kernel: the one place where claims become verdicts.

A claim is first refused if it is too big or its assumptions cannot all hold. Then,
in one killable worker under the step's budget: the symbolic phase (sound normal forms,
then SymPy's simplifier on the difference), and either the confirmation of a proof by
direct evaluation at exact points, or a search for a counterexample among random exact
points that satisfy every assumption. ``_policy`` maps what the phases found to a
verdict, in one place; only this module builds a ``Verdict``.
"""
from __future__ import annotations

import dataclasses
import enum
import functools
import signal
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Optional

import sympy as sp
from sympy import Indexed, IndexedBase
from sympy.core.function import AppliedUndef

from derivations.kernel.assume import added, context, inconsistent
from derivations.kernel.calculus import Diff, expand_diffs, has_diff
from derivations.kernel.claims import (Assumptions, Claim, Compare, DerivativeOf, Equal, MinimumAt, Noted, Readings, Sampled, Solves,
                      Unreadable)
from derivations.kernel.derivation import Derivation, Step
from derivations.kernel.normalize import Context, atomize, is_positive, normalize
from derivations.kernel.expectation import UNDECLARED, Expect
from derivations.kernel.probability import Prob
from derivations.kernel.matrices import has_matrices
from derivations.kernel.matrix_check import matrix_evidence, matrix_proof
from derivations.kernel.numeric import Evidence, claim_exprs, confirm, depends, diff, sample, squared
from derivations.kernel.report import DerivationReport, StepResult
from derivations.kernel.worker import run_bounded

__all__ = ["DEFAULT_BUDGET", "DEFAULT_POINTS", "MIN_POINTS", "Kind", "Verdict", "check", "check_derivation",
           "check_step"]

DEFAULT_BUDGET = 10.0
DEFAULT_POINTS = 24
MIN_POINTS = 8
MAX_NODES = 20_000
MAX_INT_DIGITS = 400
MAX_EXPANSION_TERMS = 20_000
SYMBOLIC_SHARE = 0.6
MEMORY_BYTES = 4 * 1024**3
_KERNEL = object()


class Kind(str, enum.Enum):
    """The verdicts: a closed set. ``noted`` is for rows that are not claims."""

    PROVED = "proved"
    SUPPORTED = "supported"
    REFUTED = "refuted"
    UNKNOWN = "unknown"
    ERROR = "error"
    NOTED = "noted"

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True)
class Verdict:
    """What the kernel decided about one claim, and the evidence. Only this module makes one."""

    verdict: Kind
    detail: str = ""
    counterexample: Optional[dict[str, str]] = None
    points: int = 0
    seconds: float = 0.0
    token: Any = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.token is not _KERNEL:
            raise TypeError("a Verdict is made only by derivations' kernel (call check)")
        if not isinstance(self.verdict, Kind):
            raise TypeError(f"not a verdict kind: {self.verdict!r}")


def _verdict(kind: Kind, detail: str = "", cex: Optional[dict[str, str]] = None, points: int = 0,
             seconds: float = 0.0) -> Verdict:
    return Verdict(kind, detail, cex, points, round(seconds, 4), _KERNEL)


# ---------------------------------------------------------------- caps


def _caps(claim: Claim) -> Optional[str]:
    """Refuse work whose size alone could exhaust the budget; say what was too big."""
    exprs = claim_exprs(claim)
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


# ---------------------------------------------------------------- variance variables


def _variance_swap(wrt: sp.Expr) -> Optional[tuple[Callable[[sp.Expr], sp.Expr], sp.Expr]]:
    """For ``wrt = s**2`` with ``s > 0``: (rewrite in the variance v, the variable v); else None.

    Writing ``s = sqrt(v)`` is only an identity for positive ``s``.
    """
    base = squared(wrt)
    if base is None or not base.is_positive:
        return None
    if isinstance(base, Indexed):
        fam = base.base
        vb = IndexedBase(f"{fam.label}__var", positive=True)

        def to_v(e: sp.Expr) -> sp.Expr:
            return e.replace(lambda x: isinstance(x, Indexed) and x.base == fam, lambda x: sp.sqrt(vb[x.indices]))

        return to_v, vb[base.indices]
    v = sp.Symbol(f"{base.name}__var", positive=True)
    return (lambda e: e.xreplace({base: sp.sqrt(v)})), v


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


def _nonnegative(e: sp.Expr, ctx: Context) -> bool:
    """Prove ``e >= 0``: zero, positive, or a form SymPy sees as nonnegative (squares, sums of them)."""
    d = normalize(e, ctx)
    if _zero(d, ctx) or _positive(d, ctx):
        return True
    a, _ = atomize(d, ctx)
    for f in (lambda x: x, sp.factor, sp.expand, sp.simplify):
        a = f(a)
        if a.is_nonnegative:
            return True
    return False


def _order(claim: Compare, ctx: Context) -> bool:
    """Prove an inequality from the sign of ``lhs - rhs`` under the assumptions."""
    d = normalize(claim.lhs, ctx) - normalize(claim.rhs, ctx)
    if claim.op in ("<", "<="):
        d = -d
    if claim.op in (">", "<"):
        return _positive(d, ctx)
    if claim.op == "!=":
        return _positive(d, ctx) or _positive(-d, ctx)
    return _nonnegative(d, ctx)


_EXPR_FIELDS = {Equal: ("lhs", "rhs"), Compare: ("lhs", "rhs"), DerivativeOf: ("result", "of"),
                Solves: ("value", "lhs", "rhs"), MinimumAt: ("f", "point")}


def _diffs_taken(claim: Claim, ctx: Context) -> Claim:
    """The claim with every ``Diff`` in it taken symbolically (``of`` normalised first)."""
    fields = _EXPR_FIELDS.get(type(claim), ())
    if not any(has_diff(getattr(claim, f)) for f in fields):
        return claim
    take = lambda e: expand_diffs(e, lambda of, wrt: diff(normalize(of, ctx), wrt))  # noqa: E731
    return dataclasses.replace(claim, **{f: take(getattr(claim, f)) for f in fields})  # type: ignore[type-var]


def _symbolic(claim: Claim, a: Assumptions) -> tuple[bool, str]:
    ctx = context(a)
    claim = _diffs_taken(claim, ctx)
    if isinstance(claim, Equal):
        return _zero(normalize(claim.lhs, ctx) - normalize(claim.rhs, ctx), ctx), ""
    if isinstance(claim, Compare):
        return _order(claim, ctx), ""
    if isinstance(claim, DerivativeOf):
        deriv = diff(normalize(claim.of, ctx), claim.wrt)
        return _zero(normalize(claim.result, ctx) - normalize(deriv, ctx), ctx), ""
    swap = _variance_swap(claim.var)
    if squared(claim.var) is not None and swap is None:
        return False, "a squared variable needs its symbol assumed positive for a proof"
    to_v, var = swap if swap else ((lambda e: e), claim.var)
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


# ---------------------------------------------------------------- undefined functions


def _unmodelled(claim: Claim, a: Assumptions) -> Optional[str]:
    """An expectation over a random variable the probability spaces cannot honour: one with whole-number
    values (an index, a size: it would be fixed before the expectation is taken) or one with assumptions."""
    constrained = {str(x.label) if isinstance(x, IndexedBase) else x.name
                   for r in a.relations for x in r.free_symbols | r.atoms(IndexedBase)
                   if isinstance(x, (sp.Symbol, IndexedBase))}
    constrained |= {s.name for s in a.sizes}
    for e in claim_exprs(claim):
        for x in e.atoms(Expect):
            names = x.names
            ints = {s.name for s in x.body.free_symbols if s.is_integer and s.name in names}
            bounds_ = [b for node in x.body.atoms(sp.Sum, sp.Product) for _, lo, hi in node.limits for b in (lo, hi)]
            ints |= {v.name for b in bounds_ for v in b.free_symbols if v.name in names}
            ints |= {i.name for el in x.body.atoms(Indexed) for i in el.free_symbols
                     if isinstance(i, sp.Symbol) and i.name in names and i != el.base.label}
            if ints:
                return (f"{', '.join(sorted(ints))}: a random whole number (an index, a size or a value in a range) "
                        "is not modelled in an expectation, so this step is not checked")
            if x.iid and any(str(el.base.label) == x.iid[0] and len(el.indices) != 1 for el in x.body.atoms(Indexed)):
                return (f"the iid family {x.iid[0]} is written with several indices; only x_n (one index) is modelled, "
                        "so this step is not checked")
            bound = sorted(names & constrained)
            if bound:
                return (f"the assumptions about the random {', '.join(bound)} are not modelled in an expectation "
                        "(its law is not read), so this step is not checked")
    return None


def _undetermined(claim: Claim) -> Optional[str]:
    """Why a derivative in the claim is not determined: an undefined function differentiated by a foreign variable."""
    pairs: list[tuple[sp.Expr, sp.Expr]] = []
    if isinstance(claim, DerivativeOf):
        pairs.append((claim.of, claim.wrt))
    if isinstance(claim, MinimumAt):
        pairs.append((claim.f, claim.var))
    for e in claim_exprs(claim):
        pairs.extend((d.of, d.wrt) for d in e.atoms(Diff))
        for d in e.atoms(sp.Derivative):
            pairs.extend((d.expr, v) for v, _ in d.variable_count)
    if any(UNDECLARED in x.names for e in claim_exprs(claim) for x in e.atoms(Expect)):
        return "which symbols are random is not declared ('% random: X, Y'), so the expectation is not determined"
    if isinstance(claim, Solves) and (has_diff(claim.lhs) or has_diff(claim.rhs)):
        var = squared(claim.var) if squared(claim.var) is not None else claim.var
        if not expand_diffs(claim.lhs - claim.rhs, diff).has(var):
            return (f"once its derivative is taken the equation does not contain {claim.var}, so it holds for "
                    f"every {claim.var} and does not determine it")
    for of, wrt in pairs:
        for prob in sorted(of.atoms(Prob), key=str):
            if not depends(prob, wrt):
                return (f"{prob} is a probability written without {wrt}; it may still depend on {wrt} (a density's "
                        f"parameters are often left out), so this derivative is not determined (write {wrt} after "
                        "a bar or a semicolon)")
        for f in sorted(of.atoms(AppliedUndef), key=str):
            if not depends(f, wrt):
                return (f"{f.func.__name__} is an undefined function written without {wrt} among its arguments; "
                        f"it may still depend on {wrt}, so this derivative is not determined (define "
                        f"{f.func.__name__}, or write {wrt} among its arguments)")
    return None


# ---------------------------------------------------------------- the job in the worker


class _SymbolicTimeout(Exception):
    pass


def _alarm(signum: int, frame: Any) -> None:
    raise _SymbolicTimeout()


def _job(claim: Claim, a: Assumptions, points: int, seed: int, symbolic_budget: float,
         budget: float, matrices: bool = False) -> tuple[str, str, Evidence]:
    """(phase outcome, reason, evidence): runs in the worker, which is killed at the budget."""
    start = time.monotonic()
    why = _undetermined(claim) or _unmodelled(claim, a)
    if why:
        return "undetermined", why, Evidence("none")
    proved, reason = False, ""
    if symbolic_budget > 0:
        signal.signal(signal.SIGALRM, _alarm)
        signal.setitimer(signal.ITIMER_REAL, symbolic_budget)
        try:
            proved, reason = matrix_proof(claim) if matrices else _symbolic(claim, a)
        except _SymbolicTimeout:
            reason = f"symbolic check: its share of the time budget ({symbolic_budget:g} s) ran out"
        except (RecursionError, MemoryError):
            reason = "symbolic check: too deep or too large"
        except Exception as exc:  # noqa: BLE001 - a failed rewrite only costs a proof
            reason = f"symbolic check: {type(exc).__name__}: {str(exc)[:120]}"
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
    deadline = start + budget * 0.95
    if matrices:
        return ("proved" if proved else "not proved"), reason, matrix_evidence(claim, a, points, seed, deadline,
                                                                               confirming=proved)
    if proved:
        return "proved", reason, confirm(claim, a, seed)
    return "not proved", reason, sample(claim, a, points, seed, deadline)


def _strict_about_laws(claim: Claim) -> bool:
    """A strict inequality (or !=) about probabilities or expectations: sampling generic laws cannot support it."""
    return isinstance(claim, Compare) and claim.op in ("<", ">", "!=") and (
        claim.lhs.has(Prob, Expect) or claim.rhs.has(Prob, Expect))


def _policy(phase: str, reason: str, ev: Evidence, points: int) -> tuple[Kind, str]:
    """The one map from what the phases found to a verdict."""
    if phase == "undetermined":
        return Kind.UNKNOWN, reason
    if phase == "proved":
        if ev.kind == "agree":
            return Kind.PROVED, f"shown symbolically; {ev.detail}"
        if ev.kind == "disagree":
            return Kind.UNKNOWN, ev.detail
        return Kind.UNKNOWN, f"shown symbolically, but not confirmed: {ev.detail}"
    if ev.kind == "differ":
        return Kind.REFUTED, ev.detail
    extra = f"; {reason}" if reason else ""
    if ev.kind == "agree" and ev.points >= max(points, MIN_POINTS):
        return Kind.SUPPORTED, f"no symbolic proof; {ev.detail}{extra}"
    return Kind.UNKNOWN, f"{ev.detail or 'no evidence'}{extra}"


def _combine(results: list[tuple[str, Verdict]], settle: str) -> tuple[Kind, str, Optional[Verdict]]:
    """Several readings of one row: a verdict only where they agree."""
    kinds = {v.verdict for _, v in results}
    if len(kinds) == 1:
        k = kinds.pop()
        names = " and ".join(f"'{n}'" for n, _ in results)
        return k, f"every reading ({names}) gives {k}: {results[0][1].detail}", results[0][1]
    if kinds <= {Kind.PROVED, Kind.SUPPORTED}:
        sup = next(v for _, v in results if v.verdict == Kind.SUPPORTED)
        return Kind.SUPPORTED, f"every reading is proved or supported: {sup.detail}", sup
    parts = "; ".join(f"reading '{n}' gives {v.verdict}" + (f" ({v.detail})" if v.verdict == Kind.REFUTED else "")
                      for n, v in results)
    return Kind.UNKNOWN, f"the readings disagree: {parts}. {settle}".strip(), None


# ---------------------------------------------------------------- entry points


def _sampled_job(claim: Sampled) -> tuple[str, str, Optional[dict[str, str]], int]:
    for n in range(claim.samples):
        failure = claim.trial(claim.seed + n)
        if failure is not None:
            again = claim.trial(claim.seed + n)
            if again is None:
                return "unknown", f"trial with seed {claim.seed + n} failed once and passed on rerun", None, n
            cex = {"seed": str(claim.seed + n), **{str(k): str(v) for k, v in again.items()}}
            return "refuted", f"{claim.description}: fails for seed {claim.seed + n}", cex, n + 1
    return "supported", f"{claim.samples} random trials pass", None, claim.samples


@functools.lru_cache(maxsize=256)
def _inconsistent(a: Assumptions, budget: float) -> str:
    """Why the assumptions cannot all hold ('' if they can, or if that is not shown in time); once per set."""
    if len(a.relations) < 2:
        return ""
    out = run_bounded(inconsistent, (a,), min(budget, 5.0), MEMORY_BYTES)
    if out.status == "ok" and out.value:
        return "the assumptions cannot all hold: " + ", ".join(out.value)
    return ""


def _first_line(text: str, status: str) -> str:
    return text.splitlines()[0] if text else status


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
    <Kind.PROVED: 'proved'>
    >>> v = check(Equal(sp.pi * x, sp.Rational(355, 113) * x))
    >>> str(v.verdict), sorted(v.counterexample)
    ('refuted', ['x'])
    """
    if isinstance(points, bool) or not isinstance(points, int) or points < MIN_POINTS:
        raise ValueError(f"points must be a whole number of at least {MIN_POINTS}, got {points!r}")
    if isinstance(budget, bool) or not isinstance(budget, (int, float)) or not budget > 0:
        raise ValueError(f"budget must be a positive number of seconds, got {budget!r}")
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise ValueError(f"seed must be a whole number, got {seed!r}")
    a = assumptions or Assumptions()
    start = time.perf_counter()

    def since() -> float:
        return time.perf_counter() - start

    if isinstance(claim, Unreadable):
        return _verdict(Kind.ERROR, claim.message)
    if isinstance(claim, Noted):
        return _verdict(Kind.NOTED, claim.kind)
    if isinstance(claim, Readings):
        share = max(budget / len(claim.readings), min(budget, 2.0))
        results = [(name, check(c, a, share, points, seed, symbolic)) for name, c in claim.readings]
        kind, detail, chosen = _combine(results, claim.settle)
        cex = chosen.counterexample if chosen is not None else None
        return _verdict(kind, detail, cex, chosen.points if chosen else 0, since())
    if isinstance(claim, Sampled):
        out = run_bounded(_sampled_job, (claim,), max(budget, claim.budget or 0.0), MEMORY_BYTES)
        if out.status == "ok":
            kind, detail, cex, n = out.value
            return _verdict(Kind(kind), detail, cex, n, since())
        return _verdict(Kind.UNKNOWN, f"numeric trials: {_first_line(out.reason, out.status)}", seconds=since())
    if not isinstance(claim, (Equal, Compare, DerivativeOf, Solves, MinimumAt)):
        return _verdict(Kind.ERROR, f"not a claim: {type(claim).__name__}")
    too_big = _caps(claim)
    if too_big:
        return _verdict(Kind.UNKNOWN, f"refused before work: {too_big}", seconds=since())
    matrices = any(has_matrices(e) for e in claim_exprs(claim))
    numbers = dataclasses.replace(a, relations=tuple(r for r in a.relations if not has_matrices(r)))
    if not matrices and numbers.relations != a.relations:
        # an assumption about numbers made of matrices (det(A) > c) is checked with matrices: a claim about c alone
        # cannot honour it, and one that does not name its numbers does not need it
        shared = {x for r in a.relations if has_matrices(r) for x in r.free_symbols if isinstance(x, sp.Symbol)} & {
            x for e in claim_exprs(claim) for x in e.free_symbols}
        if shared:
            return _verdict(Kind.UNKNOWN, f"an assumption about matrices constrains {', '.join(sorted(map(str, shared)))}"
                            "; it is not modelled for a claim without matrices, so this step is not checked",
                            seconds=since())
        a = numbers
    bad = _inconsistent(numbers, budget)
    if bad:
        return _verdict(Kind.ERROR, bad, seconds=since())
    share = budget * SYMBOLIC_SHARE if symbolic else 0.0
    out = run_bounded(_job, (claim, a, points, seed, share, budget, matrices), budget, MEMORY_BYTES)
    if out.status != "ok":
        return _verdict(Kind.UNKNOWN, f"{_first_line(out.reason, out.status)}", seconds=since())
    phase, reason, ev = out.value
    kind, detail = _policy(phase, reason, ev, points)
    if kind == Kind.SUPPORTED and _strict_about_laws(claim):
        kind, detail = Kind.UNKNOWN, (f"{detail}, but the random laws drawn are never degenerate (a zero density, "
                                      "a constant or independent variable, tied masses), so agreement is no evidence "
                                      "for a strict inequality")
    return _verdict(kind, detail, ev.counterexample if kind in (Kind.REFUTED, Kind.UNKNOWN) else None,
                    ev.points, since())


def check_step(step: Step, assumptions: Assumptions, index: int, budget: float = DEFAULT_BUDGET,
               points: int = DEFAULT_POINTS, seed: int = 0) -> StepResult:
    """The kernel's verdict on one step of a derivation, as a report row."""
    v = check(step.claim, assumptions, budget=budget, points=points, seed=seed)
    try:
        latex = step.latex()
    except Exception:  # noqa: BLE001 - a claim that cannot be printed is still reported
        latex = str(step.claim)
    kind = step.kind if step.kind else ("noted" if isinstance(step.claim, Noted) else "claim")
    return StepResult(index=index, line=step.line, claim=latex, justification=step.by, verdict=v.verdict.value,
                      detail=v.detail, counterexample=v.counterexample, seconds=round(v.seconds, 3),
                      points=v.points, text=step.text, kind=kind, column=step.column)


def check_derivation(
    d: Derivation, budget: float = DEFAULT_BUDGET, points: int = DEFAULT_POINTS, seed: int = 0
) -> DerivationReport:
    """Check every step of a derivation in order; one bad step never stops the rest."""
    results = [check_step(step, d.assumptions, n, budget, points, seed + n) for n, step in enumerate(d.steps, 1)]
    stated = list(d.assumptions.statements) or [str(r) for r in d.assumptions.relations]
    return DerivationReport(d.name, d.source, results, d.title,
                            assumptions={"stated": stated, "added": added(d.assumptions) + list(d.added),
                                         **({"declared": list(d.declared)} if d.declared else {})},
                            seed=seed)
