"""Evidence for claims about vectors and matrices: entrywise at explicit dimensions, never a verdict.

Two kinds of evidence, both by ``matrices.evaluate_matrices`` (which shares nothing with SymPy's
matrix rewriting): the entrywise identity with symbolic entries at dimensions 1 to 4 (every
dimension the same), and random exact matrices (small integers first, then fractions) at random
dimensions, with scalars drawn by the kernel's sampler inside the assumptions. A counterexample
is evaluated again from scratch before it is reported, and shown as explicit matrices.
"""
from __future__ import annotations

import dataclasses
import random
import signal
import time
from typing import Any, Callable, Optional, TypeVar

import sympy as sp

from derivations.kernel.calculus import Diff
from derivations.kernel.claims import Assumptions, Claim, Compare, DerivativeOf, Equal, Solves
from derivations.kernel.matrices import (Grad, MatrixError, has_matrices, Scalar, Value, draw_matrix, evaluate_matrices, matrix_symbols,
                                         shape_text, show_matrix, symbolic_matrix)
from derivations.kernel.numeric import Evidence, _compare, claim_exprs
from derivations.kernel.sampler import Sampler, SamplingError

__all__ = ["dimensions", "matrix_evidence", "matrix_proof"]

T = TypeVar("T")
SYMBOLIC_DIMS = (1, 2, 3, 4)
RANDOM_SIZES = (1, 5)
MATRIX_DERIVATIVE_SIZES = (1, 3)


def dimensions(exprs: list[sp.Basic]) -> list[sp.Symbol]:
    """The dimension symbols of every matrix, identity and zero matrix the expressions use."""
    found: set[sp.Symbol] = set()
    for e in exprs:
        for m in e.atoms(sp.MatrixSymbol, sp.Identity, sp.ZeroMatrix):
            for d in m.shape:
                found |= sp.sympify(d).free_symbols
    return sorted(found, key=str)


def _props(a: Assumptions) -> dict[str, frozenset[str]]:
    out: dict[str, set[str]] = {}
    for name, prop in a.matrices:
        out.setdefault(name, set()).add(prop)
    return {k: frozenset(v) for k, v in out.items()}


def _sides(claim: Claim, dims: dict[sp.Basic, int], mats: dict[str, sp.ImmutableMatrix],
           scalars: dict[sp.Basic, sp.Expr]) -> tuple[Value, Value]:
    def go(e: sp.Basic, m: dict[str, sp.ImmutableMatrix] = mats, s: dict[sp.Basic, sp.Expr] = scalars) -> Value:
        return evaluate_matrices(e, dims, m, s)

    if isinstance(claim, (Equal, Compare)):
        return go(claim.lhs), go(claim.rhs)
    if isinstance(claim, DerivativeOf):
        return go(Diff(claim.of, claim.wrt, 1)), go(claim.result)
    if isinstance(claim, Solves):
        value = go(claim.value)
        if isinstance(claim.var, sp.MatrixSymbol):
            m2 = {**mats, str(claim.var.name): value if isinstance(value, sp.MatrixBase) else sp.ImmutableMatrix([[value]])}
            return go(claim.lhs, m2), go(claim.rhs, m2)
        s2 = {**scalars, claim.var: _as_number(value)}
        return go(claim.lhs, mats, s2), go(claim.rhs, mats, s2)
    raise MatrixError(f"no matrix evaluation for {type(claim).__name__}")


class Mismatch(MatrixError):
    """The two sides cannot be compared at all (their shapes differ): not a counterexample."""


class _Late(Exception):
    pass


def _within(seconds: float, fn: Callable[[], T]) -> T:
    """``fn()`` stopped by an alarm after ``seconds`` (this runs in the kernel's killable worker)."""
    def late(signum: int, frame: Any) -> None:
        raise _Late()

    old = signal.signal(signal.SIGALRM, late)
    signal.setitimer(signal.ITIMER_REAL, max(seconds, 0.01))
    try:
        return fn()
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def _as_number(v: Value) -> Value:
    return v[0, 0] if isinstance(v, sp.MatrixBase) and v.shape == (1, 1) else v


def _agree(lv: Value, rv: Value, claim: Claim) -> str:
    """``agree``, ``differ`` or ``undefined`` for two values (entrywise for matrices; 0 is any zero matrix)."""
    lv, rv = _as_number(lv), _as_number(rv)
    lm, rm = isinstance(lv, sp.MatrixBase), isinstance(rv, sp.MatrixBase)
    if lm != rm:
        number = rv if lm else lv
        if number != 0 or isinstance(claim, Compare):
            raise Mismatch("a matrix and a number are compared")
        lv, rv = (lv, sp.zeros(*lv.shape)) if lm else (sp.zeros(*rv.shape), rv)
    if not isinstance(lv, sp.MatrixBase):
        return _compare(sp.sympify(lv), sp.sympify(rv), claim)
    if lv.shape != rv.shape:
        raise Mismatch(f"the sides have shapes {shape_text(lv.shape)} and {shape_text(rv.shape)}")
    worst = "agree"
    for a, b in zip(lv, rv):
        r = _compare(sp.sympify(a), sp.sympify(b), claim)
        if r == "differ":
            return "differ"
        if r == "undefined":
            worst = "undefined"
    return worst


def _entry_zero(d: sp.Expr) -> Optional[bool]:
    """Whether a difference with symbolic entries is identically 0 (None: not a rational function, undecided)."""
    d = sp.sympify(d)
    if not d.free_symbols:
        return d == 0 if d.is_Rational else None
    if not d.is_rational_function():
        return None
    return sp.cancel(sp.together(sp.expand(d))) == 0


def _symbolic_at(claim: Claim, dims: list[sp.Symbol], d: int, props: dict[str, frozenset[str]],
                 mats: list[sp.MatrixSymbol]) -> Optional[bool]:
    """The entrywise identity with symbolic entries, every dimension ``d``."""
    if isinstance(claim, Compare) or any("orthogonal" in p for p in props.values()):
        return None
    dim = {s: d for s in dims}
    values: dict[str, sp.ImmutableMatrix] = {}
    for m in mats:
        w = evaluate_matrices(m.rows, dim, {}, {}), evaluate_matrices(m.cols, dim, {}, {})
        values[str(m.name)] = symbolic_matrix(str(m.name), int(w[0]), int(w[1]), props.get(str(m.name), frozenset()))
    lv, rv = _sides(claim, dim, values, {})
    lv, rv = _as_number(lv), _as_number(rv)
    if isinstance(lv, sp.MatrixBase) != isinstance(rv, sp.MatrixBase):
        lv, rv = (lv, sp.zeros(*lv.shape)) if isinstance(lv, sp.MatrixBase) else (sp.zeros(*rv.shape), rv)
    if not isinstance(lv, sp.MatrixBase):
        return _entry_zero(lv - rv)
    if lv.shape != rv.shape:
        return False
    verdicts = [_entry_zero(a - b) for a, b in zip(lv, rv)]
    if False in verdicts:
        return False
    return None if None in verdicts else True


def _scalars(exprs: list[sp.Basic], dims: list[sp.Symbol]) -> list[sp.Symbol]:
    found: set[sp.Symbol] = set()
    for e in exprs:
        found |= {s for s in e.free_symbols if isinstance(s, sp.Symbol) and not isinstance(s, sp.Dummy)}
    return sorted(found - set(dims), key=str)


def _dims_allowed(a: Assumptions, dims: list[sp.Symbol], d: int) -> bool:
    """Every dimension equal to ``d`` breaks no assumption about the dimensions alone (n > d, n <= 2)."""
    at = {s: sp.Integer(d) for s in dims}
    for r in a.relations:
        free = r.free_symbols
        if free and free <= set(dims) and r.xreplace(at) != sp.true:
            return False
    return True


def _matrix_relations(a: Assumptions, mats: list[sp.MatrixSymbol]) -> tuple[list[sp.Basic], str]:
    """The assumptions about numbers made of matrices (det(A + B) != 0), with the claim's shapes put in; and why
    the claim cannot be checked when one of them names a matrix the claim does not use but shares a number."""
    by_name = {str(m.name): m for m in mats}
    out: list[sp.Basic] = []
    for r in a.relations:
        if not has_matrices(r):
            continue
        named = r.atoms(sp.MatrixSymbol)
        missing = [m for m in named if str(m.name) not in by_name]
        if missing:
            shared = {x for x in r.free_symbols if isinstance(x, sp.Symbol)}
            if shared & {x for m in mats for d in m.shape for x in sp.sympify(d).free_symbols}:
                return [], f"the assumption {r} constrains this claim through a matrix it does not use"
            continue
        sub: dict[sp.Basic, sp.Basic] = {}
        for m in named:
            for mine, theirs in zip(m.shape, by_name[str(m.name)].shape):
                if isinstance(mine, sp.Symbol) and mine != theirs:
                    sub[mine] = theirs
        out.append(r.xreplace(sub) if sub else r)
    return out, ""


def _holds(r: sp.Basic, dims: dict[sp.Basic, int], mats: dict[str, sp.ImmutableMatrix],
           scalars: dict[sp.Basic, sp.Expr]) -> bool:
    """Does an assumption about matrices hold at this point (exactly, or at guaranteed precision)?"""
    try:
        lv = _as_number(evaluate_matrices(r.lhs, dims, mats, scalars))
        rv = _as_number(evaluate_matrices(r.rhs, dims, mats, scalars))
    except (MatrixError, ZeroDivisionError, ValueError, TypeError):
        return False
    if isinstance(lv, sp.MatrixBase) or isinstance(rv, sp.MatrixBase):
        return False
    d = sp.sympify(lv - rv)
    if d.has(sp.zoo, sp.nan, sp.I) or d.free_symbols:
        return False
    if not d.is_Rational:
        try:
            d = d.evalf(40, strict=True)
        except Exception:  # noqa: BLE001 - no guaranteed sign: the point is not used
            return False
    sign = int(bool(d > 0)) - int(bool(d < 0))
    return {sp.StrictGreaterThan: sign > 0, sp.GreaterThan: sign >= 0, sp.StrictLessThan: sign < 0,
            sp.LessThan: sign <= 0, sp.Unequality: sign != 0, sp.Equality: sign == 0}.get(type(r), False)


def _by_matrix(claim: Claim, exprs: list[sp.Basic]) -> bool:
    """A derivative by a matrix (not a vector): one partial derivative per entry, so dimensions stay small."""
    wrts = [g.wrt for e in exprs for g in e.atoms(Grad)] + [d.wrt for e in exprs for d in e.atoms(Diff)]
    if isinstance(claim, DerivativeOf):
        wrts.append(claim.wrt)
    return any(isinstance(w, sp.MatrixSymbol) and w.shape[1] != 1 for w in wrts)


def matrix_evidence(claim: Claim, a: Assumptions, points: int, seed: int, deadline: float,
                    confirming: bool = False) -> Evidence:
    """Entrywise evidence: symbolic at dimensions 1-4 while time allows, then random exact points."""
    exprs = claim_exprs(claim)
    dims = dimensions(exprs)
    mats = matrix_symbols(exprs)
    props = _props(a)
    symbolic_ok: list[int] = []
    symbolic_no: list[int] = []
    sym_deadline = time.monotonic() + max(0.0, (deadline - time.monotonic()) * 0.5)
    for d in SYMBOLIC_DIMS:
        if not _dims_allowed(a, dims, d):
            continue
        left = sym_deadline - time.monotonic()
        if left <= 0:
            break
        try:
            r = _within(left, lambda: _symbolic_at(claim, dims, d, props, mats))
        except _Late:
            break
        except (MatrixError, ZeroDivisionError, ValueError, TypeError, RecursionError):
            r = None
        if r is True:
            symbolic_ok.append(d)
        elif r is False:
            symbolic_no.append(d)
    mrels, unmatched = _matrix_relations(a, mats)
    if unmatched:
        return Evidence("none", unmatched)
    a = dataclasses.replace(a, relations=tuple(r for r in a.relations if not has_matrices(r)))
    a2 = dataclasses.replace(a, sizes=tuple(dict.fromkeys(a.sizes + tuple(dims))),
                             size_range=MATRIX_DERIVATIVE_SIZES if _by_matrix(claim, exprs) else RANDOM_SIZES)
    sampler = Sampler(a2, seed)
    rng = random.Random(seed)
    scalars = _scalars(exprs, dims)
    stand_in = [sp.Tuple(*scalars, *dims)]
    agreed, tried, seen_dims, inside = 0, 0, set(), 0
    while agreed < points and tried < points * 4 and time.monotonic() < deadline:
        tried += 1
        try:
            inst = sampler.draw(stand_in)
            if inst.violation() is not None:
                continue
            dim = {s: inst.ints[s] for s in dims}
            svals = {s: inst.value_of(s) for s in scalars}
            values = {}
            at_edge = False
            for m in mats:
                r, c = (int(evaluate_matrices(x, dim, {}, {})) for x in (m.rows, m.cols))
                if r != c and props.get(str(m.name)):
                    raise Mismatch(f"{m.name} is {r} x {c} here, but a {', '.join(sorted(props[str(m.name)]))} "
                                   "matrix is square")
                edge = "zero" if tried % 6 == 4 else "singular" if tried % 6 == 5 else ""
                edge = edge if rng.random() < 0.7 else ""
                at_edge = at_edge or bool(edge)
                values[str(m.name)] = draw_matrix(rng, r, c, props.get(str(m.name), frozenset()),
                                                  small=tried <= points // 2, edge=edge)
            if not all(_holds(r, dim, values, svals) for r in mrels):
                continue
            lv, rv = _sides(claim, dim, values, svals)
            outcome = _agree(lv, rv, claim)
        except Mismatch as exc:
            return Evidence("none", f"not checked: {exc}")
        except (MatrixError, SamplingError, ZeroDivisionError, ValueError, TypeError):
            continue
        if outcome == "undefined":
            continue
        if outcome == "differ":
            again = _agree(*_sides(claim, dim, dict(values), dict(svals)), claim)
            if again != "differ":
                continue
            solved = {str(claim.var)} if isinstance(claim, Solves) else set()
            cex = {**{str(s): str(v) for s, v in dim.items()}, **{str(s): str(v) for s, v in svals.items()},
                   **{k: show_matrix(v) for k, v in values.items()}}
            cex = {k: v for k, v in cex.items() if k not in solved}
            lv, rv = _as_number(lv), _as_number(rv)
            shown = lambda v: show_matrix(v) if isinstance(v, sp.MatrixBase) else str(v)  # noqa: E731
            where = ", ".join(f"{k}={v}" for k, v in cex.items())
            if confirming:
                return Evidence("disagree", f"SymPy's matrix algebra reduced the difference to 0, but the entries "
                                f"contradict it (a SymPy error, reported as unknown): sides differ at {where} "
                                f"({shown(lv)} vs {shown(rv)})", cex, agreed)
            return Evidence("differ", f"sides differ at {where} ({shown(lv)} vs {shown(rv)})", cex, agreed)
        agreed += 1
        inside += 0 if at_edge else 1
        seen_dims.add(tuple(sorted(dim.values())))
    sizes = sorted({v for t in seen_dims for v in t})
    parts = []
    if symbolic_ok:
        parts.append(f"entrywise identity with symbolic entries at dimension{'s' if len(symbolic_ok) > 1 else ''} "
                     f"{', '.join(map(str, symbolic_ok))}")
    parts.append(f"{agreed} random exact points agree (" + (f"dimensions {', '.join(map(str, sizes))}" if sizes
                                                            else "every shape fixed") + ")")
    if mrels and agreed and (inside < agreed // 2 or (isinstance(claim, Compare) and any(
            not isinstance(r, sp.Unequality) for r in mrels))):
        # random matrices inside inequalities about matrices are few and near zero: no evidence for a bound
        return Evidence("none", "; ".join(parts) + "; but the points that satisfy the assumptions about matrices "
                        "are too few, or too near zero, to support this step", None, agreed)
    if symbolic_no:
        return Evidence("none", f"with symbolic entries the sides differ at dimension {symbolic_no[0]}, but no "
                                f"counterexample was found among random matrices; " + "; ".join(parts), None, agreed)
    return Evidence("agree" if agreed else "none", "; ".join(parts), None, agreed)


def _as_trace(e: sp.Basic) -> sp.Basic:
    """SymPy's matrix algebra: ``Scalar(M)`` is the trace of the 1 x 1 ``M``, ``Diff`` is SymPy's matrix derivative."""
    if not isinstance(e, sp.Basic) or e.is_Atom:
        return e
    args = [_as_trace(x) for x in e.args]
    if isinstance(e, Scalar):
        return sp.Trace(args[0])
    if isinstance(e, (Grad, Diff)):
        of = args[0]
        for _ in range(1 if isinstance(e, Grad) else e.order):
            of = _term_by_term(of, args[1])
        return of
    return e.func(*args)


class _Distrusted(Exception):
    pass


def _term_by_term(of: sp.Basic, wrt: sp.Basic) -> sp.Basic:
    """SymPy's derivative, one term at a time: with SymPy 1.14 the derivative of a sum of two traces by a vector is
    0, and of log(det S) by S is 0; a term that depends on the variable but differentiates to 0 voids the proof."""
    terms = sp.Add.make_args(sp.expand(of)) if not isinstance(of, sp.MatrixExpr) else (of,)
    out = []
    for t in terms:
        d = t.diff(wrt)
        if (d == 0 or isinstance(d, sp.ZeroMatrix)) and t.has(wrt):
            raise _Distrusted(f"SymPy differentiates {t} to 0")
        out.append(d)
    return sp.Add(*out) if not any(isinstance(x, sp.MatrixExpr) for x in out) else sp.MatAdd(*out)


def matrix_proof(claim: Claim) -> tuple[bool, str]:
    """A symbolic proof for every dimension by SymPy's matrix algebra (trusted only when the entries agree)."""
    try:
        return _matrix_proof(claim)
    except _Distrusted as exc:
        return False, f"no symbolic proof: {exc} (not trusted)"


def _matrix_proof(claim: Claim) -> tuple[bool, str]:
    if isinstance(claim, Equal):
        lhs, rhs = _as_trace(claim.lhs), _as_trace(claim.rhs)
    elif isinstance(claim, DerivativeOf):
        lhs, rhs = _as_trace(Diff(claim.of, claim.wrt, 1)), _as_trace(claim.result)
    elif isinstance(claim, Solves):
        sub = {claim.var: claim.value}  # after the derivatives are taken: a gradient is by the symbol itself
        lhs, rhs = _as_trace(claim.lhs).xreplace(sub), _as_trace(claim.rhs).xreplace(sub)
    else:
        return False, "no symbolic rule for a matrix inequality"
    if isinstance(lhs, sp.MatrixExpr) and not isinstance(rhs, sp.MatrixExpr) and lhs.shape == (1, 1):
        lhs = sp.Trace(lhs)
    if isinstance(rhs, sp.MatrixExpr) and not isinstance(lhs, sp.MatrixExpr) and rhs.shape == (1, 1):
        rhs = sp.Trace(rhs)
    if isinstance(lhs, sp.MatrixExpr) and rhs == 0:
        rhs = sp.ZeroMatrix(*lhs.shape)
    if isinstance(rhs, sp.MatrixExpr) and lhs == 0:
        lhs = sp.ZeroMatrix(*rhs.shape)
    if isinstance(lhs, sp.MatrixExpr) != isinstance(rhs, sp.MatrixExpr):
        return False, "a matrix and a number"
    d = sp.expand((lhs - rhs).doit())
    if d == 0 or isinstance(d, sp.ZeroMatrix):
        return True, "matrix algebra"
    return False, "SymPy's matrix algebra does not reduce the difference to 0"
