"""Atoms of an expression: numbers, groups, fractions, roots, indicators, derivatives; assumptions.

The base of ``Transformer``: it also holds the place and error helpers.
"""
from __future__ import annotations

import re
from contextlib import contextmanager
from typing import Iterator, Optional, Union

import sympy as sp
from lark import Token, Tree

from derivations.latex import caps
from derivations.latex.caps import ReadError
from derivations.latex.lower_nodes import (GROUPS, DerivSide, Val, is_num, is_variable, node_span, postfix_name,
                                          tokens, trees)
from derivations.latex.shapes import ShapeStore
from derivations.latex.source import Span
from derivations.latex.resolve import Definition, Kinds, Usage
from derivations.latex.taint import head_name

__all__ = ["AtomReader"]

_COMPARISONS = {"<": sp.Lt, "lt": sp.Lt, ">": sp.Gt, "gt": sp.Gt, "leq": sp.Le, "le": sp.Le,
                "leqslant": sp.Le, "geq": sp.Ge, "ge": sp.Ge, "geqslant": sp.Ge}


_OWN_LEAD = {"paren": ["("], "bracket": ["["], "texgroup": ["{"], "superscript": ["^"], "subscript": ["_"]}


def _leading(node: Tree) -> list[str]:
    """The anonymous characters a node's text begins with, outermost first (``?``: may be absent)."""
    own = list(_OWN_LEAD.get(node.data, []))
    first = node.children[0] if node.children else None
    if node.data in ("bound", "arg", "sub") and isinstance(first, Tree) and first.data == "expr":
        own = ["{"]
    elif node.data.startswith("lower"):
        own = ["{?"]
    return own + _leading(first) if isinstance(first, Tree) else own


class AtomReader:
    """Reads atoms and relations; ``Transformer`` adds expressions, sums, names and scripts."""

    def __init__(self, span: Span, kinds: Kinds, defs: dict[str, Definition],
                 ranges: dict[str, tuple[sp.Expr, sp.Expr]], collecting: bool = False,
                 usage: Optional[Usage] = None) -> None:
        self.span = span
        self.kinds = kinds
        self.defs = defs
        self.ranges = ranges
        self.collecting = collecting
        self.usage = usage if usage is not None else Usage()
        self.bindings: dict[str, sp.Expr] = {}
        self.shapes = ShapeStore()  # the display's shapes (rule 15); the pipeline shares one per display
        self.t_is_a_number = False  # the row writes T other than as ^T (then ^T is ambiguous)
        self.norm_index = ""  # the subscript of the norm being read (\|x\|_2, \|A\|_F)
        self.limits: dict[str, tuple[sp.Expr, sp.Expr]] = {}
        self.mode = "normal"
        self.def_depth = 0
        self.def_nodes = 0
        self.reading: frozenset[str] = frozenset()
        self.row_names: set[str] = set()  # every name the row writes (a bare f may stand for f(x) if x is here)
        self.index_sets: dict[str, str] = {}
        self.random_decl: Optional[frozenset[str]] = None  # '% random:' names (None: not declared)
        self.independent_decl: frozenset[str] = frozenset()  # '% independent:' names
        self.iid_decl: Optional[tuple] = None  # '% iid:' family, mean and variance trees, their spans
        self._iid_read: Optional[tuple[sp.Expr, sp.Expr]] = None  # their values, once read
        self.unread_laws: dict[str, int] = {}  # '% law: Y \sim ...' names and lines (laws are not read yet)
        self.solved_names: dict[str, int] = {}  # names solved for, and where (estimators: maybe random)
        self.broken_decl: list[int] = []  # lines of random/independent/iid declarations that were not read

    # ------------------------------------------------------------ errors and places
    def _pos(self, node: Union[Tree, Token]) -> int:
        where = node_span(node)
        if where is None:
            return 0
        i = where[0]
        if isinstance(node, Tree):
            # opening delimiters and script marks are anonymous tokens, not in the tree: step back over them
            text = self.span.s
            for ch in reversed(_leading(node)):
                j = i - 1
                while j >= 0 and text[j].isspace():
                    j -= 1
                if j < 0 or text[j] != ch.rstrip("?"):
                    if ch.endswith("?"):
                        continue
                    break
                i = j
        return i

    def error(self, message: str, node: Union[Tree, Token, None]) -> ReadError:
        i = self._pos(node) if node is not None else 0
        end = i + 30
        where = node_span(node) if node is not None else None
        if where is not None:
            end = max(where[1], i + 1)
        return ReadError(message, self.span.offset(i), self.span.s[i:end][:60])

    def offset(self, node: Union[Tree, Token]) -> int:
        return self.span.offset(self._pos(node))

    @contextmanager
    def _in(self, mode: str) -> Iterator[None]:
        saved = self.mode
        self.mode = mode
        try:
            yield
        finally:
            self.mode = saved

    def no_assign(self, exprs: list[Tree]) -> None:
        for e in exprs:
            if e.data == "assign":
                raise self.error("'=' inside parentheses is read only in a probability, as in p(y = k)", e)

    # ------------------------------------------------------------ atoms
    def _atom(self, atom: Tree) -> Val:
        kind = atom.data
        if kind == "number":
            return Val("num", self._number(atom.children[0]))
        if kind == "pi":
            return Val("other", sp.pi)
        if kind in GROUPS:
            exprs = trees(atom)
            self.no_assign(exprs)
            if len(exprs) == 1:
                side = self.expr(exprs[0])
                if isinstance(side, DerivSide):
                    return Val("other", self.materialize(side))
                return Val("group", side, args=[side])
            return Val("group", None, args=exprs)
        if kind == "frac":
            return self._frac(atom)
        if kind == "frac_digits":
            digits = re.findall(r"\d", str(atom.children[0]))
            a, b = int(digits[0]), int(digits[1])
            if b == 0:
                raise self.error("division by zero", atom)
            return Val("numfrac", sp.Mul(a, sp.Pow(b, -1, evaluate=False), evaluate=False) if a != 1 else sp.Pow(
                b, -1, evaluate=False))
        if kind == "sqrt":
            kids = trees(atom)
            radicand = self._bound(kids[-1])
            if len(kids) == 2:
                n = self.value(kids[0])
                if not (n.is_Integer and 2 <= n <= 64):
                    raise self.error("the index of a root must be a whole number from 2 to 64", kids[0])
                if n % 2:
                    return Val("other", sp.sign(radicand) * sp.Pow(sp.Abs(radicand), sp.Rational(1, n)))
                return Val("other", sp.Pow(radicand, sp.Rational(1, n)))
            if isinstance(radicand, sp.MatrixExpr):
                radicand = self.number(radicand, "a square root", atom)  # type: ignore[attr-defined]
            return Val("other", sp.sqrt(radicand))
        if kind == "indicator":
            cond = trees(trees(atom)[0])[0]
            a_t, b_t = trees(cond)
            rel = [c for c in cond.children if isinstance(c, Token)][0]
            with self._in("indicator"):
                a, b = self.value(a_t), self.value(b_t)
            for label, partner in ((a, b), (b, a)):
                if isinstance(label, sp.Indexed) and (partner.is_integer or (
                        isinstance(partner, sp.Symbol) and partner.name.rstrip("'") in self.usage.index)):
                    self.usage.label.add(str(label.base.label))
            if a.is_integer and b.is_integer:
                delta = sp.KroneckerDelta(a, b)
            else:
                delta = sp.Piecewise((sp.S.One, sp.Eq(a, b)), (sp.S.Zero, True))
            return Val("other", 1 - delta if rel.type == "NEQ" else delta)
        if kind in ("abs", "norm"):
            # a plain letter is a scalar (rule 15), and the norm of a scalar is its absolute value
            v = self.value(trees(atom)[0])
            if isinstance(v, sp.MatrixExpr):
                which, self.norm_index = self.norm_index, ""
                if kind == "norm":
                    return Val("other", self.norm(v, which, atom))  # type: ignore[attr-defined]
                if self.shape_of(v) == (1, 1):  # type: ignore[attr-defined]
                    return Val("other", sp.Abs(self.number(v, "|.|", atom)))  # type: ignore[attr-defined]
                return Val("other", self.det(v, atom))  # type: ignore[attr-defined]
            return Val("other", sp.Abs(v))
        if kind == "binom":
            n, k = (self._bound(a) for a in trees(atom))
            if (n.is_Integer and abs(int(n)) > caps.MAX_FACTORIAL) or (k.is_Integer and abs(int(k)) > caps.MAX_FACTORIAL):
                raise self.error(f"binomial coefficient too large (limit {caps.MAX_FACTORIAL})", atom)
            return Val("other", sp.binomial(n, k))
        if kind == "maxmin":
            op = str(tokens(atom)[0]).lstrip("\\")
            args = [self.number(self.value(e), f"\\{op}", atom) for e in trees(atom)]  # type: ignore[attr-defined]
            return Val("other", (sp.Max if op == "max" else sp.Min)(*args))
        if kind == "bold_number":
            digits = str(trees(atom)[0].children[0]) if trees(atom) else str(atom.children[-1])
            if digits != "0":
                raise self.error(f"\\mathbf{{{digits}}} is not read (only the zero \\mathbf{{0}})", atom)
            return Val("other", sp.ZeroMatrix(*self.shapes.zero_shape(f"0@{self.offset(atom)}")))
        if kind in ("partial", "dee"):
            raise self.error("a differential (\\partial or d) outside a derivative \\frac", atom)
        if kind == "gradop":  # \nabla_v, \partial_v: the derivative with respect to a scalar v (rule 13)
            wrt = self.materialize(self._bound(trees(atom)[0]))
            if not is_variable(wrt):
                raise self.error("differentiate with respect to a symbol, an element such as u_{ki}, or a squared "
                                 "symbol such as \\sigma_i^2", atom)
            return Val("derivop", wrt=wrt, order=1)
        raise self.error(f"cannot read {kind} here", atom)

    def _number(self, tok: Token) -> sp.Expr:
        s = str(tok)
        if len(s.replace(".", "")) > caps.MAX_INT_DIGITS:
            raise self.error(f"number has too many digits (limit {caps.MAX_INT_DIGITS})", tok)
        return sp.Rational(s) if "." in s else sp.Integer(int(s))

    # ------------------------------------------------------------ fractions and derivatives
    def _frac(self, atom: Tree) -> Val:
        num_t, den_t = trees(atom)
        deriv = self._derivative(num_t, den_t, atom)
        if deriv is not None:
            return deriv
        a = self._bound(num_t)
        b = self._bound(den_t)
        if b == 0:
            raise self.error("division by zero", den_t)
        if is_num(a) and is_num(b):
            inv = sp.Pow(b, -1, evaluate=False)
            return Val("numfrac", inv if a == 1 else sp.Mul(a, inv, evaluate=False))
        if isinstance(a, sp.MatrixExpr) or isinstance(b, sp.MatrixExpr):
            return Val("other", self.divided(a, [b], atom))  # type: ignore[attr-defined]
        return Val("other", a / b)

    @staticmethod
    def _items(arg: Tree) -> Optional[list[Tree]]:
        exprs = [c for c in arg.children if isinstance(c, Tree) and c.data == "expr"]
        if len(exprs) == 1 and len(exprs[0].children) == 1:
            return list(exprs[0].children[0].children)
        return None

    @staticmethod
    def _mark(item: Tree) -> Optional[tuple[str, int]]:
        """``('partial' | 'd', order)`` if the item is ``\\partial``, ``d``, ``\\partial^2``, ``d^2``."""
        if item.data != "postfix":
            return None
        atom = item.children[0]
        if not isinstance(atom, Tree):
            return None
        if atom.data == "partial":
            kind = "partial"
        elif atom.data == "dee" or (atom.data == "letter" and str(atom.children[0]) == "d"):
            kind = "d"
        else:
            return None
        scripts = item.children[1:]
        if not scripts:
            return kind, 1
        if len(scripts) == 1 and isinstance(scripts[0], Tree) and scripts[0].data == "superscript":
            n = AtomReader._mark_power(scripts[0])
            return (kind, n) if 1 <= n <= 9 else ("unread", 0)
        return ("unread", 0) if kind == "partial" or any(
            isinstance(c, Tree) and c.data == "superscript" for c in scripts) else None

    def _derivative(self, num_t: Tree, den_t: Tree, atom: Tree) -> Optional[Val]:
        num, den = self._items(num_t), self._items(den_t)
        if not num or not den:
            return None
        top, bottom = self._mark(num[0]), self._mark(den[0])
        if top is not None and top[0] == "unread" and bottom is not None:
            raise self.error("the order of this derivative is not read (write d^2 or \\partial^3, order 1 to 9)", num_t)
        if top is not None and bottom is not None and top[0] == bottom[0] == "d" and bottom[1] != 1:
            raise self.error("a derivative's denominator is d x or d x^2, never d^2 x", den_t)
        if top is None or bottom is None or top[0] != bottom[0] or bottom[1] != 1:
            if top is not None and top[0] == "partial":
                raise self.error("a derivative needs \\partial v in the denominator", den_t)
            return None
        kind, order = top
        if kind == "d" and len(den) != 2:
            return None
        if len(den) != 2:
            raise self.error("a derivative's denominator must be one variable, as in \\partial u_{ki}", den_t)
        var_t = den[1]
        if order > 1:
            sups = [s for s in var_t.children[1:] if isinstance(s, Tree) and s.data == "superscript"]
            if len(sups) != 1 or self._mark_power(sups[0]) != order:
                raise self.error(f"a derivative of order {order} needs the variable to the power {order} "
                                 "in the denominator", den_t)
            var_t = Tree("postfix", [c for c in var_t.children if c is not sups[0]])
        wrt = self.materialize(self._fold([var_t]))
        if not is_variable(wrt):
            if not self.collecting:
                raise self.error("differentiate with respect to a symbol, an element such as u_{ki}, or a squared "
                                 "symbol such as \\sigma_i^2", den_t)
            wrt = sp.Symbol("_wrt")
        if len(num) == 1:
            return Val("derivop", wrt=wrt, order=order)
        of = self.materialize(self._fold(num[1:]))
        return Val("deriv", args=[DerivSide(of, wrt, order)])

    @staticmethod
    def _mark_power(sup: Tree) -> int:
        """The whole number of a superscript ``^2`` or ``^{2}``; 0 for anything else."""
        inner = trees(sup)[0].children[0]
        if isinstance(inner, Tree) and inner.data == "simple" and str(inner.children[0]).isdigit():
            return int(str(inner.children[0]))
        if isinstance(inner, Tree) and inner.data == "expr" and len(inner.children) == 1:
            term = inner.children[0]
            if isinstance(term, Tree) and len(term.children) == 1 and isinstance(term.children[0], Tree):
                post = term.children[0]
                if post.data == "postfix" and len(post.children) == 1 and isinstance(post.children[0], Tree) \
                        and post.children[0].data == "number" and str(post.children[0].children[0]).isdigit():
                    return int(str(post.children[0].children[0]))
        return 0

    # ------------------------------------------------------------ assumptions
    def relations(self, t: Tree) -> list[tuple[list[sp.Basic], Tree]]:
        """Each relation chain of an ``% assume:`` line: its relations and its tree."""
        out = []
        for chain in trees(t):
            if chain.data == "membership":
                out.append((self._membership(chain), chain))
                continue
            first = chain.children[0]
            if first.data == "subjects":  # `a, b > 0`: the chain once for each subject
                rels = [r for subject in trees(first)
                        for r in self.relations(Tree("start_assume", [Tree("relchain", [subject, *chain.children[1:]])]))[0][0]]
                out.append((rels, chain))
                continue
            parts = chain.children
            exprs = [self.value(p) for p in parts[0::2]]
            rels: list[sp.Basic] = []
            for a, cmp_t, b, node in zip(exprs, parts[1::2], exprs[1:], parts[2::2]):
                tok = cmp_t.children[0]
                op = str(tok).lstrip("\\")
                if tok.type in ("EQ", "SUCC") or any(isinstance(x, sp.Basic) and x.has(sp.MatrixSymbol)
                                                     for x in (a, b)):
                    if tok.type == "SUCC" and isinstance(a, sp.Symbol):
                        self.usage.definite.add(a.name)  # \Sigma \succ 0 says that \Sigma is a matrix
                    if self.collecting:
                        continue
                    if self._matrix_property(a, tok, b, node):
                        continue
                    # a relation between numbers made of matrices (\det(A + B) \neq 0, 1 + v^T A^{-1} u > 0):
                    # the kernel checks it at every point with matrices
                    a = self.number(a, "an assumption", node)  # type: ignore[attr-defined]
                    b = self.number(b, "an assumption", node)  # type: ignore[attr-defined]
                if tok.type == "NEQ":  # a \\neq b holds where a - b \\neq 0
                    rels.append(sp.Ne(a, b, evaluate=False) if a == 0 or b == 0 else sp.Ne(a - b, 0, evaluate=False))
                    continue
                cls = _COMPARISONS[op]
                r = cls(a, b, evaluate=False)
                if not r.free_symbols and not r.has(sp.Indexed):
                    truth = cls(a, b)
                    if truth == sp.false:
                        raise self.error("this assumption is false", node)
                    continue
                rels.append(r)
            out.append((rels, chain))
        return out

    def _matrix_property(self, a: sp.Expr, tok: Token, b: sp.Expr, node: Tree) -> bool:
        """``\\Sigma \\succ 0``, ``A = A^T``, ``Q^T Q = I``, ``\\det A \\neq 0``: what a matrix is (rule 15)."""
        m = a.args[0] if isinstance(a, sp.Determinant) else a
        name = str(m.name) if isinstance(m, sp.MatrixSymbol) else ""
        prop = ""
        if tok.type == "SUCC" and name and b == 0:
            prop = "pd" if str(tok).rstrip().endswith("succ") else "psd"
        elif tok.type == "EQ" and name and b == sp.Transpose(m):
            prop = "symmetric"
        elif tok.type == "EQ" and isinstance(a, sp.MatMul) and len(a.args) == 2 and (isinstance(b, sp.Identity) or (
                isinstance(b, sp.Symbol) and b.name in ("I", "\\mathbf{I}"))) \
                and isinstance(a.args[1], sp.MatrixSymbol) and a.args[0] == sp.Transpose(a.args[1]):
            name, prop = str(a.args[1].name), "orthogonal"
        elif tok.type == "NEQ" and isinstance(a, sp.Determinant) and name and b == 0:
            prop = "invertible"
        if not prop:
            if tok.type == "EQ":
                raise self.error("'=' is not an assumption (except A = A^T and Q^T Q = I of a matrix); define a "
                                 "name with := instead", tok)
            if tok.type == "SUCC":
                raise self.error("\\succ 0 and \\succeq 0 are read of a matrix symbol only", node)
            return False
        rows, cols = m.shape if name == str(getattr(m, "name", "")) else a.args[1].shape
        if not self.shapes.unify(rows, cols):  # type: ignore[attr-defined]
            raise self.error(f"{name} is said to be {prop} but is {rows} x {cols}, not square", node)
        self.usage.matrix_props.add((name, prop))
        return True

    def _shape(self, subjects: list[Tree], bound: Tree) -> None:
        """``x \\in \\mathbb{R}^{n}`` (a vector), ``X \\in \\mathbb{R}^{n \\times d}`` (a matrix): sizes n, d."""
        names = []
        for node in subjects:
            kids = trees(node)
            items = kids[0].children if len(kids) == 1 and kids[0].data == "term" else []
            while len(items) == 1 and items[0].data == "postfix" and len(items[0].children) == 1 and \
                    isinstance(items[0].children[0], Tree) and items[0].children[0].data == "texgroup":
                inner = trees(trees(items[0].children[0])[0])  # {\bm{w}} from a macro: the letter inside
                items = inner[0].children if len(inner) == 1 and inner[0].data == "term" else []
            name = postfix_name(items[0]) if len(items) == 1 and items[0].data == "postfix" else None
            scripts = [c for c in items[0].children[1:] if isinstance(c, Tree)] if name else []
            if name and len(scripts) == 1 and scripts[0].data == "subscript" and name.startswith("\\mathbf{"):
                sub = trees(trees(scripts[0])[0])
                tok = sub[0].children[0] if len(sub) == 1 and sub[0].data == "simple" else None
                name = f"{name}_{{{str(tok).lstrip(chr(92))}}}" if tok is not None else None
            elif scripts:
                name = None
            if name is None:
                raise self.error("only a letter can be given a shape \\mathbb{R}^{..}", node)
            names.append(name)
        inner = trees(bound)
        if inner and inner[0].data == "simple":
            parts = [inner[0]]
        else:
            term = trees(inner[0])[0] if inner and len(trees(inner[0])) == 1 else None
            items = term.children if term is not None and term.data == "term" else []
            if len(items) == 3 and items[1].data == "mulop" and str(items[1].children[0]).strip() == "\\times":
                parts = [items[0], items[2]]
            elif len(items) == 1:
                parts = [items[0]]
            else:
                raise self.error("a shape is \\mathbb{R}^{n} or \\mathbb{R}^{n \\times m}, with n and m numbers or "
                                 "letters", bound)
        dims: list[sp.Expr] = []
        for p in parts:
            tok = p.children[0] if p.data == "simple" else (
                p.children[0].children[0] if p.data == "postfix" and len(p.children) == 1
                and isinstance(p.children[0], Tree) and p.children[0].data in ("letter", "greek", "number") else None)
            if tok is None:
                raise self.error("a dimension is a whole number or a letter", p)
            text = str(tok).lstrip("\\")
            if text.isdigit():
                if not 1 <= int(text) <= 64:
                    raise self.error("a dimension from 1 to 64", p)
                dims.append(sp.Integer(int(text)))
            else:
                dims.append(sp.Symbol(text, integer=True, positive=True))
                self.usage.upper.add(text)
        shape = (dims[0], dims[1] if len(dims) > 1 else sp.S.One)
        for name in names:
            self.usage.shapes[name] = shape
            if len(dims) == 1:
                self.usage.one_dim.add(name)

    def _membership(self, t: Tree) -> list[sp.Basic]:
        """``x, y \\in S``: whole numbers for \\mathbb{Z} and ``\\{a, \\dots, b\\}``, bounds for the latter."""
        first, numset = trees(t)
        subjects = trees(first) if first.data == "subjects" else [first]
        if numset.data == "named_set" and len(numset.children) > 1:
            if str(numset.children[0]).rstrip("} ")[-1] != "R":
                raise self.error("a shape is written \\mathbb{R}^{n} or \\mathbb{R}^{n \\times m}", numset)
            self._shape(subjects, trees(numset)[0])
            return []
        values = [self.value(p) for p in subjects]
        for v, node in zip(values, subjects):
            if not isinstance(v, (sp.Symbol, sp.Indexed)):
                raise self.error("only a symbol or an element such as y_i can be said to lie in a set", node)
        if numset.data == "named_set":
            letter = str(numset.children[0]).rstrip("} ")[-1]
            if len(numset.children) > 1:
                raise self.error("shapes such as \\mathbb{R}^{n} are not read yet: vectors and matrices "
                                 "are not supported in this version", numset)
            if letter == "N":
                raise self.error("\\mathbb{N} is read two ways (with 0 and without): write x \\in \\mathbb{Z}, "
                                 "x \\geq 0 or x \\in \\mathbb{Z}, x \\geq 1", numset)
            if letter == "Z":
                self._integers(values)
            return []
        if numset.data == "finite_set":
            items = [self.value(p) for p in trees(numset)]
            ints = sorted(int(i) for i in items if isinstance(i, sp.Integer))
            if len(ints) != len(items) or ints != list(range(ints[0], ints[0] + len(ints))):
                raise self.error("only a set of consecutive whole numbers, such as \\{0, 1\\} or "
                                 "\\{1, \\dots, K\\}, is read", numset)
            lo, hi = sp.Integer(ints[0]), sp.Integer(ints[-1])
        else:
            ends = trees(numset)
            lo, hi = self.value(ends[0]), self.value(ends[1])
            for bound, node in zip((lo, hi), ends):
                if bound.is_integer is False or (bound.is_number and not bound.is_integer):
                    raise self.error("the ends of \\{a, \\dots, b\\} must be whole numbers", node)
        self._integers(values + [b for b in (lo, hi) if isinstance(b, (sp.Symbol, sp.Indexed))])
        rels: list[sp.Basic] = []
        for v in values:
            rels += [sp.Le(lo, v, evaluate=False), sp.Le(v, hi, evaluate=False)]
        return rels

    def _integers(self, values: list[sp.Basic]) -> None:
        for v in values:
            self.usage.integer.add(v.name if isinstance(v, sp.Symbol) else str(v.base.label))

    def no_split_range(self, before: Tree, chain: Tree) -> None:
        """``0 < a, b < 1`` reads as ``0 < a`` and ``b < 1`` or as both in (0, 1): refuse (rule 1)."""
        if before.data != "relchain" or chain.data != "relchain" or len(before.children) != 3 or \
                len(chain.children) != 3:
            return
        lone = [head_name(before.children[2]) if before.children[2].data == "expr" else None,
                head_name(chain.children[0]) if chain.children[0].data == "expr" else None]
        ops = [str(c.children[0]).lstrip("\\")[:1] for c in (before.children[1], chain.children[1])]
        if all(lone) and ops[0] == ops[1] and ops[0] in "<l>g":
            raise self.error("ambiguous: this may bound only the next name or, with the one before the comma, "
                             "both (as in 0 < a, b < 1); write each relation in full", chain)

