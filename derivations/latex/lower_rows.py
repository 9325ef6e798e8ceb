"""Rows of relations -> kernel claims: chained ``=``, solving steps after ``\\implies``, derivatives.

``a = b = c`` claims ``a = b`` and ``b = c``. The last equation before an arrow is a
premise, not a claim; ``A = B \\implies v = R`` claims that ``v = R`` solves ``A = B``.
A premise ``dF/dv = G`` is a first-order condition: the derivative step is claimed and
the solve is of ``G = 0``. This module builds claims; the kernel decides them.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Optional

import sympy as sp

from derivations.kernel.claims import Claim, Compare, DerivativeOf, Equal, Noted, Solves
from derivations.latex.caps import ReadError
from derivations.latex.lower_nodes import DerivSide, Side, differentiate, is_variable

__all__ = ["ChainBuilder", "Elem", "comparison", "noted_kind"]

_OPS = {"<": "<", "lt": "<", ">": ">", "gt": ">", "leq": "<=", "le": "<=", "leqslant": "<=", "geq": ">=", "ge": ">=",
        "geqslant": ">=", "neq": "!=", "ne": "!="}


def noted_kind(text: str) -> str:
    """What a relation that is not checked states (rule 8): an approximation, a proportion, a distribution."""
    name = text.strip().lstrip("\\")
    return {"propto": "proportionality", "sim": "distribution"}.get(name, "approximation")


def comparison(text: str) -> str:
    """The kernel's operator for an inequality written ``\\leq``, ``<``, ``\\neq``, ..."""
    return _OPS[text.strip().lstrip("\\")]


@dataclass
class Elem:
    """One relation of a row and the expression after it (or the error reading it)."""

    rel: Optional[str]
    rel_offset: int
    value: "Side | ReadError"
    text: str = ""


@dataclass
class _Pending:
    left: Side
    right: Side
    offset: int
    by: str
    intermediate: bool = False


@dataclass
class _Premise:
    lhs: sp.Expr
    rhs: sp.Expr
    offset: int
    by: str


def _unhat(v: sp.Expr, premises: list[_Premise]) -> sp.Expr:
    """``\\hat{\\mu} = R`` solves for ``\\mu`` when only ``\\mu`` occurs in the premises."""
    if isinstance(v, sp.Pow):
        return sp.Pow(_unhat(v.base, premises), v.exp)
    free: set[sp.Basic] = set()
    bases: set[sp.Basic] = set()
    for p in premises:
        for e in (p.lhs, p.rhs):
            free |= e.free_symbols
            bases |= e.atoms(sp.IndexedBase)
    node = v.base if isinstance(v, sp.Indexed) else v
    if node in free or node in bases:
        return v
    name = str(node.label) if isinstance(node, sp.IndexedBase) else node.name
    plains = []
    if "_" in name or name.endswith("^*"):  # \mu_{\mathrm{ML}} and \mu^* estimate \mu
        name = name.split("_")[0].removesuffix("^*")
        plains.append(name)
    plains += [name[: -len(suffix)] for suffix in ("hat", "bar", "tilde")
               if name.endswith(suffix) and len(name) > len(suffix)]
    for plain in plains:
        for cand in (bases if isinstance(v, sp.Indexed) else free):
            cname = str(cand.label) if isinstance(cand, sp.IndexedBase) else getattr(cand, "name", "")
            if cname == plain:
                return cand[v.indices] if isinstance(v, sp.Indexed) else cand
    return v


def _mentions(e: sp.Expr, var: sp.Expr) -> bool:
    """Does ``e`` contain the variable (for an element, any element of its family)?"""
    node = var.base if isinstance(var, sp.Pow) else var
    if isinstance(node, sp.Indexed):
        return any(x.base == node.base for x in e.atoms(sp.Indexed))
    return e.has(node)


def _solved_form(elems: list[Elem]) -> bool:
    """``v = R`` (either side one variable): the shape of a solving row (rule 6)."""
    if len(elems) < 2 or elems[1].rel != "EQ" or isinstance(elems[1].value, ReadError):
        return False
    return any(not isinstance(x, DerivSide) and is_variable(x) for x in (elems[0].value, elems[1].value))


class ChainBuilder:
    """Turns the relations of one display, row by row, into steps ``emit(claim, by, offset)``."""

    def __init__(self, emit: Callable[[Claim, str, int], None],
                 unreadable: Callable[[ReadError, str], None]) -> None:
        self.emit = emit
        self.unreadable = unreadable
        self.cur: Optional[Side] = None
        self.pending: Optional[_Pending] = None
        self.premises: list[_Premise] = []
        self.arrow: Optional[tuple[int, str]] = None
        self.condition: list[_Premise] = []
        self.head_deriv = False
        self.unread_condition = False  # a row that could not be read may have set a derivative to zero
        self.lost = False
        self.solved_here = False  # a solving row followed the current condition (no restatements after it)
        self.solutions: dict[sp.Basic, sp.Expr] = {}  # v -> R of the solving rows so far (w^*, q, \hat\mu)

    # ------------------------------------------------------------ claims
    def _effective(self, d: DerivSide) -> sp.Expr:
        return differentiate(d.of, d.wrt, d.order - 1) if d.order > 1 else d.of

    def _claim(self, left: Side, right: Side) -> Claim:
        if isinstance(left, DerivSide) and isinstance(right, DerivSide):
            if left.wrt == right.wrt and left.order == right.order:
                return DerivativeOf(sp.S.Zero, self._effective(left) - self._effective(right), left.wrt)
            return Equal(differentiate(left.of, left.wrt, left.order), differentiate(right.of, right.wrt, right.order))
        if isinstance(left, DerivSide):
            return DerivativeOf(right, self._effective(left), left.wrt)  # type: ignore[arg-type]
        if isinstance(right, DerivSide):
            return DerivativeOf(left, self._effective(right), right.wrt)
        return Equal(left, right)

    def _safe_emit(self, make: Callable[[], Claim], by: str, offset: int) -> None:
        try:
            claim = make()
        except (ValueError, TypeError, NotImplementedError) as exc:
            self.unreadable(ReadError(f"cannot build this step: {exc}", offset), by)
            return
        self.emit(claim, by, offset)

    # ------------------------------------------------------------ state
    def flush(self) -> None:
        """The pending equation is not a premise after all: claim it, or note it as a condition (rule 6)."""
        p, self.pending = self.pending, None
        if p is None:
            return
        if p.intermediate:
            self._orphan_premises()
            return
        deriv = p.left if isinstance(p.left, DerivSide) else p.right if isinstance(p.right, DerivSide) else None
        other = p.left if deriv is not None and deriv is p.right else p.right
        if not isinstance(other, DerivSide) and other == 0 and (deriv is not None or self.head_deriv):
            try:
                lhs = differentiate(deriv.of, deriv.wrt, deriv.order) if deriv is not None else p.left
            except (ValueError, TypeError, NotImplementedError):
                lhs = None
            self.emit(Noted("condition"), p.by, p.offset)
            self.condition = [_Premise(lhs, sp.S.Zero, p.offset, p.by)] if lhs is not None else []
            self.solved_here = False
            return
        self._safe_emit(lambda: self._claim(p.left, p.right), p.by, p.offset)

    def _orphan_premises(self) -> None:
        for q in self.premises:
            self.unreadable(ReadError("no solved form 'variable = expression' follows this implication, so it "
                                      "cannot be checked", q.offset), q.by)
        self.premises = []

    def finish(self) -> None:
        self.flush()
        if self.arrow is not None or self.premises:
            self._orphan_premises()
        self.arrow = None
        self.cur = None

    def broken(self, arrow_next: bool, condition_like: bool = False) -> None:
        """A row could not be read: drop what depended on it; a pending equation before an arrow is a premise.
        ``condition_like``: the row ends in ``= 0``, so the rows after it may solve it (rule 6)."""
        self.unread_condition = self.unread_condition or condition_like
        self.lost = True  # a row that continues from this one has no left side to check
        if arrow_next:
            self.pending = None
        else:
            self.flush()
        self.premises = []
        self.arrow = None
        self.cur = None

    # ------------------------------------------------------------ rows
    def row(self, elems: list[Elem], by: str) -> None:
        if elems and elems[0].rel is None:
            self.lost = False
        if elems and elems[0].rel is None and not isinstance(elems[0].value, ReadError):
            self.finish()
            if self.condition and self._solving_row(elems, by):
                return
            if (self.condition or self.unread_condition) and self._restated_condition(elems, by):
                return
            if self.unread_condition and _solved_form(elems):
                self.unreadable(ReadError("this row may solve a condition above it ('... = 0') that could not be "
                                          "read, so it is not checked as an identity", elems[1].rel_offset), by)
                return
            self.condition = []
            self.unread_condition = False
            self.head_deriv = isinstance(elems[0].value, DerivSide)
        self._row(elems, by)

    def _restated_condition(self, elems: list[Elem], by: str) -> bool:
        """``E = 0`` under a condition restates it (2(w - a) = 0 after dJ/dw = 0): a condition too, not an
        identity; later solving rows are checked against every form of it."""
        if len(elems) != 2 or elems[1].rel != "EQ" or any(isinstance(e.value, (ReadError, DerivSide)) for e in elems):
            return False
        a, b = elems[0].value, elems[1].value
        if not (a == 0 or b == 0) or _solved_form(elems) or self.solved_here:
            return False
        self.emit(Noted("condition"), by, elems[1].rel_offset)
        keep = self.condition if not self.unread_condition else []
        self.condition = keep + [_Premise(a if b == 0 else b, sp.S.Zero, elems[1].rel_offset, by)]
        self.unread_condition = False
        return True

    def _solving_row(self, elems: list[Elem], by: str) -> bool:
        """``v = R`` after a condition (with or without an arrow) claims that R solves it (rule 6)."""
        if not _solved_form(elems):
            return False
        v, value = elems[0].value, elems[1].value
        if isinstance(v, DerivSide) or isinstance(value, DerivSide):
            return False
        if not is_variable(v) and is_variable(value):
            v, value = value, v
        if not is_variable(v):
            return False
        var = _unhat(v, self.condition)
        mentioned = [q for q in self.condition if _mentions(sp.Tuple(q.lhs, q.rhs), var)]
        if not mentioned:
            return False
        for q in mentioned:
            self.emit(Solves(var, value, q.lhs, q.rhs), by, elems[1].rel_offset)
        self.solutions[v] = value  # later rows that use v may mean the solution (w^* + 1 = 4): two readings
        self.solved_here = True
        self.cur = elems[1].value
        self.head_deriv = False
        self._row(elems[2:], by)
        return True

    def _row(self, elems: list[Elem], by: str) -> None:
        last = elems[-1] if elems else None
        guarded = None
        if last is not None and last.rel == "EQ" and not isinstance(last.value, ReadError) and last.value == 0 and \
                any(isinstance(e.value, ReadError) for e in elems):
            self.unread_condition = True
            if len(elems) >= 3 and not isinstance(elems[-2].value, ReadError):
                guarded = last  # D = A = 0 with D unread: A = 0 may restate the condition D = 0, so no claim
        for e in elems:
            if e is guarded:
                self.pending = None
                self.unreadable(ReadError("'= 0' after a part of the row that could not be read: it may set a "
                                          "derivative to zero, so it is not checked as a claim", e.rel_offset), by)
                self.premises, self.arrow, self.cur = [], None, None
                continue
            if isinstance(e.value, ReadError):
                if e.rel == "ARROW":
                    self.pending = None
                else:
                    self.flush()
                self.unreadable(e.value, by)
                self.premises, self.arrow, self.cur = [], None, None
                continue
            if e.rel is None:
                self.finish()
                self.cur = e.value
            elif e.rel == "ARROW":
                self._arrow(e, by)
            elif e.rel == "EQ":
                self._equals(e, by)
            elif e.rel in ("CMP", "NEQ"):
                self._inequality(e, by)
            elif e.rel == "NOTED":
                self.flush()
                self.emit(Noted(noted_kind(e.text)), by, e.rel_offset)
                self.premises, self.arrow, self.cur = [], None, e.value
            else:
                self.unreadable(ReadError("':=' may only follow the name being defined", e.rel_offset), by)
                self.cur = e.value

    def start_definition(self, body: Side) -> None:
        self.finish()
        self.cur = body

    def _arrow(self, e: Elem, by: str) -> None:
        if self.arrow is not None:
            self.unreadable(ReadError("two implications in a row; write 'variable = expression' after the first",
                                      e.rel_offset), by)
        if self.pending is None:
            self.unreadable(ReadError("an implication needs an equation 'A = B' before it", e.rel_offset), by)
            self.cur, self.arrow = e.value, (e.rel_offset, by)
            return
        p, self.pending = self.pending, None
        left, right = p.left, p.right
        if isinstance(right, DerivSide) and not isinstance(left, DerivSide):
            left, right = right, left
        try:
            if isinstance(left, DerivSide):
                if isinstance(right, DerivSide):
                    raise ValueError("both sides of the equation before the implication are derivatives")
                if right == 0:
                    lhs: sp.Expr = differentiate(left.of, left.wrt, left.order)
                else:
                    self._safe_emit(lambda: self._claim(p.left, p.right), p.by, p.offset)
                    lhs = right
                self.premises.append(_Premise(lhs, sp.S.Zero, e.rel_offset, by))
            else:
                self.premises.append(_Premise(left, right, e.rel_offset, by))  # type: ignore[arg-type]
            self.emit(Noted("condition" if isinstance(left, DerivSide) and right == 0 else "premise"), p.by,
                      p.offset)
        except (ValueError, TypeError, NotImplementedError) as exc:
            self.unreadable(ReadError(f"cannot read the equation before the implication: {exc}", e.rel_offset), by)
            self.premises = []
        self.arrow = (e.rel_offset, by)
        self.cur = e.value

    def _lost_left(self, e: Elem, by: str) -> None:
        if self.lost:
            self.unreadable(ReadError("this relation continues from a row that could not be read, so its left "
                                      "side is unknown", e.rel_offset), by)
            self.lost = False

    def _equals(self, e: Elem, by: str) -> None:
        if self.cur is None:
            self._lost_left(e, by)
            self.cur = e.value
            return
        if self.arrow is not None:
            self.arrow = None
            self._solved(self.cur, e.value, e.rel_offset, by)
            self.cur = e.value
            return
        self.flush()
        self.pending = _Pending(self.cur, e.value, e.rel_offset, by)
        self.cur = e.value

    def _inequality(self, e: Elem, by: str) -> None:
        """``a \\leq b`` (rule 4): a claim of its own, checked like an equation; never a premise."""
        left, self.cur = self.cur, e.value
        if left is None:
            self._lost_left(e, by)
            return
        if self.arrow is not None:
            self.unreadable(ReadError("an inequality after an implication is not a solved form 'v = R'",
                                      e.rel_offset), by)
            self.arrow = None
            return
        self.flush()
        if isinstance(left, DerivSide) or isinstance(e.value, DerivSide):
            self.unreadable(ReadError("a derivative in an inequality is not read; write the derivative in an "
                                      "equation first", e.rel_offset), by)
            return
        op = comparison(e.text)
        self._safe_emit(lambda: Compare(left, op, e.value), by, e.rel_offset)  # type: ignore[arg-type]

    def _solved(self, v: Side, value: Side, offset: int, by: str) -> None:
        if isinstance(v, DerivSide) or isinstance(value, DerivSide):
            self.pending = _Pending(v, value, offset, by, intermediate=True)
            return
        if not is_variable(v) and is_variable(value):
            v, value = value, v
        if not is_variable(v):
            self.pending = _Pending(v, value, offset, by, intermediate=True)
            return
        if not self.premises:
            return
        var = _unhat(v, self.premises)
        if any(_mentions(sp.Tuple(q.lhs, q.rhs), var) for q in self.premises):
            self.solutions[v] = value
        for q in self.premises:
            if _mentions(sp.Tuple(q.lhs, q.rhs), var):
                self.emit(Solves(var, value, q.lhs, q.rhs), q.by, q.offset)
            else:
                self.unreadable(ReadError(f"nothing to solve: the equation before this implication does not "
                                          f"contain {var}", q.offset), q.by)
        self.premises = []
