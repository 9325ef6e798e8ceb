"""Parse trees of our grammar -> SymPy objects, with the meaning the input contract gives.

A product term is read left to right; ``\\sum``, ``\\prod``, ``\\log``, ``\\exp`` and a
derivative operator take the rest of the term as their operand (``\\log`` and ``\\exp``
take only a parenthesised group when one follows). Subscripts make family elements,
parenthesised superscripts sample indices, other superscripts powers. Nothing is guessed:
``a/b c`` and ``\\log(x)^2`` are errors. No verdict is decided here.
"""
from __future__ import annotations

import functools
import re
from typing import Optional, Union

import sympy as sp
from lark import Token, Tree
from sympy.core.symbol import Str

from derivations.kernel.calculus import at
from derivations.kernel.expectation import UNDECLARED, Expect, str_names, written_names
from derivations.kernel.probability import Prob, pair, variable, variable_name
from derivations.latex import caps
from derivations.latex.caps import ReadError
from derivations.latex.lower_atoms import AtomReader
from derivations.latex.lower_matrix import MatrixOps, factor_name, is_matrix
from derivations.latex.lower_nodes import (GROUPS, DerivSide, Side, Val, decorated_scripts, postfix_name, bold_letter, differentiate, is_num,
                                          is_operator, primed, tokens, trees)
from derivations.latex.resolve import Definition

__all__ = ["EXPECTATION", "KNOWN_FUNCTIONS", "PROBABILITY", "VARIANCE", "Transformer", "law_of"]

PROBABILITY = frozenset({"p", "P", "q", "Pr"})
EXPECTATION = frozenset({"E", "\\mathbb{E}", "\\mathrm{E}", "\\operatorname{E}"})
VARIANCE = frozenset({"\\operatorname{Var}", "\\operatorname{Cov}"})


def law_of(name: str) -> str:
    """The law a probability name denotes: p, P and \\Pr are one (mass or density), q is another."""
    return "q" if name == "q" else "p"


TRACE = frozenset({"\\operatorname{tr}", "\\operatorname{Tr}", "\\operatorname{trace}"})
KNOWN_FUNCTIONS = VARIANCE | EXPECTATION | TRACE | frozenset({"\\mathcal{N}", "Gamma"})  # fixed meanings, never defined


@functools.lru_cache(maxsize=8192)
def _element_of(base: sp.IndexedBase, indices: tuple[sp.Expr, ...]) -> sp.Indexed:
    """``base[indices]``, once per element (SymPy deduces the facts of every new Indexed again)."""
    return base[indices]


def _only_as_index(body: sp.Expr, var: sp.Symbol) -> bool:
    """``var`` occurs only as a whole index (``x_i``, ``u_{ki}``, ``[i = j]``), never in arithmetic."""
    stripped = body.replace(lambda e: isinstance(e, sp.Indexed) and var in e.indices,
                            lambda e: e.func(e.base, *[sp.Dummy() if x == var else x for x in e.indices]))
    stripped = stripped.replace(lambda e: isinstance(e, sp.KroneckerDelta) and var in e.args, lambda e: sp.S.One)
    return var not in stripped.free_symbols


class Transformer(AtomReader, MatrixOps):
    """Reads trees of one display under decided ``Kinds``; also records ``Usage`` for the first pass."""

    # ------------------------------------------------------------ expressions
    def expr(self, t: Tree) -> Side:
        kids = trees(t)
        neg = False
        if kids[0].data == "sign":
            neg = kids[0].children[0].type == "MINUS"
            kids = kids[1:]
        first = self.term(kids[0])
        if len(kids) == 1 and not neg:
            return first
        parts = [-self.materialize(first) if neg else self.materialize(first)]
        for op, tm in zip(kids[1::2], kids[2::2]):
            v = self.materialize(self.term(tm))
            parts.append(-v if op.children[0].type == "MINUS" else v)
        if all(is_num(p) for p in parts):
            return sp.Add(*parts, evaluate=False)
        if any(is_matrix(p) for p in parts):
            return self.msum(parts, t)
        return sp.Add(*parts)

    def value(self, t: Tree) -> sp.Expr:
        return self.materialize(self.expr(t))

    def materialize(self, side: Side) -> sp.Expr:
        if isinstance(side, DerivSide):
            if self.collecting:
                return sp.S.Zero
            try:
                return differentiate(side.of, side.wrt, side.order)
            except (ValueError, TypeError, NotImplementedError) as exc:
                raise ReadError(f"cannot differentiate inside this expression ({exc}); put the derivative "
                                "alone on one side of '='", self.span.offset(0), self.span.s[:40]) from None
        return side

    def term(self, t: Tree) -> Side:
        return self._fold(t.children)

    def _fold(self, items: list[Tree]) -> Side:
        num: list[Side] = []
        den: list[sp.Expr] = []
        div_pending = after_div = explicit = False
        prev_kind = ""
        i = 0
        while i < len(items):
            it = items[i]
            if it.data == "mulop":
                op = it.children[0]
                if not num or div_pending:
                    raise self.error(f"nothing before '{op}'", it)
                if after_div:
                    raise self.error("ambiguous: something follows a divisor (a/b c); write \\frac or parentheses", it)
                if op.type == "DIV":
                    div_pending = True
                explicit = True
                i += 1
                continue
            if after_div:
                raise self.error("ambiguous: something follows a divisor (a/b c); write \\frac or parentheses", it)
            val, used = self._factor(items, i)
            if prev_kind == "num" and val.kind in ("num", "numfrac") and not explicit:
                raise self.error("two numbers side by side; write \\cdot between them or join the digits", it)
            prev_kind, explicit = val.kind, False
            factor = val.expr if val.kind != "deriv" else val.args[0]
            if div_pending:
                d = self.materialize(factor)
                if d == 0:
                    raise self.error("division by zero", it)
                den.append(d)
                div_pending, after_div = False, True
            else:
                num.append(factor)
            i += used
        if div_pending or explicit:
            raise self.error(f"nothing after '{items[-1].children[0]}'", items[-1])
        if len(num) == 1 and not den and isinstance(num[0], DerivSide):
            return num[0]
        top = [self.materialize(f) for f in num]
        if len(top) + len(den) > 1:
            group = frozenset(n for n in map(factor_name, top + den) if n is not None)
            if len(group) > 1:
                self.usage.products.append(group)
        if all(is_num(x) for x in top + den):
            out = sp.Mul(*top, evaluate=False) if len(top) > 1 else top[0]
            return sp.Mul(out, sp.Pow(sp.Mul(*den), -1, evaluate=False), evaluate=False) if den else out
        if any(is_matrix(x) for x in top + den):
            out = self.product(top, items[0])
            return self.divided(out, den, items[0]) if den else out
        out = sp.Mul(*top)
        return out / sp.Mul(*den) if den else out

    def _factor(self, items: list[Tree], i: int) -> tuple[Val, int]:
        """The factor starting at ``items[i]`` and how many items it used (a prefix uses the rest)."""
        it = items[i]
        rest = items[i + 1:]
        if it.data == "bigop":
            return Val("other", self._bigop(it, rest)), len(items) - i
        if it.data == "func":
            return self._func(it, rest)
        val = self._postfix(it)
        if val.kind == "derivop":
            if not rest:
                raise self.error("a derivative operator needs something to differentiate after it", it)
            first = rest[0]
            if len(rest) > 1 and first.data == "postfix" and isinstance(first.children[0], Tree) \
                    and first.children[0].data in ("paren", "bracket"):
                raise self.error("ambiguous: a derivative of a parenthesised group followed by more factors may "
                                 "take the group alone or the whole product; put the whole operand in one group",
                                 rest[1])
            of = self.materialize(self._fold(rest))
            return Val("deriv", args=[DerivSide(of, val.wrt, val.order)]), len(items) - i
        if val.kind == "name":
            d = self.defs.get(val.name)
            nxt = self._group_after(rest)
            if val.name in PROBABILITY and d is None and nxt is not None and nxt.data == "bracket":
                raise self.error(f"{val.name}[...]: write the probability with parentheses, {val.name}(...)", it)
            grp = nxt.children[0] if nxt is not None and nxt.data == "scripted" else nxt
            if val.name in EXPECTATION and d is None and grp is not None and grp.data == "bracket" \
                    and val.name not in self.bindings and val.name not in self.kinds.declared \
                    and val.name not in self.kinds.letters:
                exprs = trees(grp)
                self.no_assign(exprs)
                value = self._expect(self.value(exprs[0]))
                if nxt.data == "scripted":  # E[X]^2 is (E[X])^2
                    value = self._power_after(value, rest[0], "an expectation")
                return Val("other", value), 2
            if d is None and val.name in TRACE and nxt is not None and (nxt.data == "paren" or (
                    nxt.data == "scripted" and nxt.children[0].data == "paren")):
                value = self.trace(self._group_value(nxt.children[0] if nxt.data == "scripted" else nxt), it)
                if nxt.data == "scripted":  # tr(A)^2 is (tr A)^2
                    value = self._power_after(value, rest[0], "a trace")
                return Val("other", value), 2
            if d is None and val.name in TRACE:
                run = self._one_operand(rest, val.name, it)
                return Val("other", self.trace(self.materialize(self._fold(run)), it)), len(run) + 1
            if d is None and nxt is not None and nxt.data in ("paren", "scripted") and val.name not in self.bindings:
                applied = self._application(val.name, nxt, rest[0], it)
                if applied is not None:
                    return Val("other", applied), 2
            elif d is None:
                self.usage.plain.add(val.name)
                if is_operator(val.name) and rest:
                    raise self.error(f"{val.name} takes its argument in parentheses: {val.name}(x)", it)
            if d is not None and d.kind == "func" and nxt is not None and nxt.data == "paren":
                args = [self.number(self.value(e), f"an argument of {val.name}", rest[0]) for e in trees(nxt)]
                if len(args) != len(d.params):
                    raise self.error(f"{val.name} is defined with {len(d.params)} argument(s), "
                                     f"used with {len(args)}", rest[0])
                return Val("other", self._expand(d, args, it)), 2
            if d is not None and d.kind == "func" and nxt is not None and nxt.data == "scripted":
                return Val("other", self._applied_power(d, rest[0], it)), 2
            if d is not None and d.kind == "bare" and nxt is not None and nxt.data == "paren":
                raise self.error(f"{val.name} is defined without arguments but written with (...)", rest[0])
            return Val("other", self._bare(val.name, it)), 1
        if val.kind == "group" and len(val.args) > 1:
            raise self.error("a list (a, b) is read only as the arguments of a defined function", it)
        return val, 1

    def _application(self, name: str, nxt: Tree, post: Tree, head: Tree) -> Optional[sp.Expr]:
        """``name(args)`` with no definition: an application (several arguments, a declared function, or the
        function reading of rule 14), or None for the product reading ``name`` times ``(arg)``."""
        grp = post.children[0] if nxt.data == "scripted" else nxt
        if grp.data != "paren" or self.kinds.matrix_kind(name) or name in self.kinds.identity:
            return None
        exprs = trees(grp)
        seps = [t.type for t in tokens(grp)]
        many = len(exprs) > 1
        (self.usage.applied_many if many else self.usage.applied_one).add(name)
        assigns = any(e.data == "assign" for e in exprs)  # p(y = k): never a product
        if not many and name not in self.kinds.functions and name not in self.reading and not (
                assigns and name in PROBABILITY):
            return None
        if name == "e" and "e" not in self.kinds.letters:
            raise self.error("e is Euler's number; declare '% variables: e' to use it as a letter", head)
        if name in VARIANCE:
            value = self._variance(name, exprs, seps, head)
        elif name in self.kinds.declared:  # declared (or an operator name): an arbitrary function
            value = self._opaque(name, exprs, seps)
        elif name == "Gamma":
            if len(exprs) > 1:
                raise self.error("\\Gamma with several arguments (an incomplete gamma function) is not read", head)
            self.no_assign(exprs)
            value = sp.gamma(self.value(exprs[0]))  # the gamma function (rule 14 if Gamma is also plain)
        elif name == "\\mathcal{N}":
            value = self._gaussian(exprs, seps, head)
        elif name in PROBABILITY:
            value = self._probability(name, grp, head)
        elif "MID" in seps:
            raise self.error(f"{name}(... | ...): a conditional bar is read in a probability (p, P, q, \\Pr) or in a "
                             f"declared function ('% functions: {name}')", head)
        else:
            value = self._opaque(name, exprs, seps)
        if nxt.data == "scripted":
            value = self._power_after(value, post, f"{name}(...)")
        return value

    def _power_after(self, value: sp.Expr, post: Tree, what: str) -> sp.Expr:
        """``f(x)^2``, ``E[X]^2``: the power of the value; any other script after the group is refused."""
        scripts = post.children[1:]
        if len(scripts) != 1 or not isinstance(scripts[0], Tree) or scripts[0].data != "superscript" \
                or self._sample(scripts[0]) is not None:
            raise self.error(f"{what} may be followed only by a power", post)
        self._no_transpose(scripts[0])
        return self._pow(value, self._bound(trees(scripts[0])[0]), scripts[0])

    def _opaque(self, name: str, exprs: list[Tree], seps: list[str]) -> sp.Expr:
        """A declared (or rule-14) function applied: opaque; a bar or semicolon is part of its name."""
        self.no_assign(exprs)
        args = [self.number(self.value(e), f"an argument of {name}", None) for e in exprs]
        fname = name
        for sep, tag in (("MID", "|"), ("SEMI", ";")):
            if sep in seps:
                fname = f"{name}{tag}{seps.index(sep) + 1}"
                break
        return sp.Function(fname)(*args)

    def _expect(self, body: sp.Expr) -> sp.Expr:
        """``E[body]`` over the declared random symbols (``*`` when none are declared: every reading is checked)."""
        if self.broken_decl:
            raise self.error(f"the declaration at line {', '.join(map(str, self.broken_decl))} could not be read, so "
                             "which symbols are random or independent is not known here", None)
        rnd = self.random_decl if self.random_decl is not None else frozenset({UNDECLARED})
        used = written_names(body)
        for prob in body.atoms(Prob):
            free = written_names(prob)
            if free and (self.random_decl is None or free & rnd):
                raise self.error("an expectation of a probability whose variables are random: the law of the random "
                                 "variables is not linked to the law p, so this is not read", None)
        for name in sorted(used & set(self.unread_laws)):
            raise self.error(f"the law of {name} is declared at line {self.unread_laws[name]}, but laws are not read "
                             "yet: an expectation under it is not checked", None)
        here = self.span.pos[0] if self.span.pos else 0
        solved = {n for n, off in self.solved_names.items() if off < here}
        for name in sorted(used & solved - (self.random_decl or set())):
            raise self.error(f"{name} was solved for earlier, from data that may be random: its "
                             "expectation is not determined by a symbol (write the estimator out inside the "
                             "expectation)", None)
        iid = sp.Tuple()
        if self.iid_decl is not None:
            fam = self.iid_decl[0]
            mean, var = self._iid_moments()
            moments = written_names(mean) | written_names(var)
            if moments & rnd:
                raise self.error(f"the iid mean and variance of {fam} name random symbols "
                                 f"({', '.join(sorted(moments & rnd))}); they must be constants", None)
            iid = sp.Tuple(Str(fam), mean, var)
        return Expect(body, str_names(sorted(rnd)), str_names(sorted(self.independent_decl)), iid)

    def _iid_moments(self) -> tuple[sp.Expr, sp.Expr]:
        """The '% iid:' mean and variance, read once per reader under this display's kinds."""
        if self._iid_read is None:
            assert self.iid_decl is not None
            _, mean_t, var_t, mean_span, var_span = self.iid_decl
            saved = self.span
            try:
                self.span = mean_span
                mean = self.value(mean_t)
                self.span = var_span
                self._iid_read = (mean, self.value(var_t))
            finally:
                self.span = saved
        return self._iid_read

    def _variance(self, name: str, exprs: list[Tree], seps: list[str], head: Tree) -> sp.Expr:
        """Var(X) = E[(X - E X)^2], Cov(X, Y) = E[(X - E X)(Y - E Y)] (rule 16)."""
        want = 1 if "Var" in name else 2
        if len(exprs) != want or any(sep != "COMMA" for sep in seps):
            raise self.error(f"{name} takes {'one argument' if want == 1 else 'two arguments'}", head)
        self.no_assign(exprs)
        xs = [self.value(e) for e in exprs]
        if want == 1:
            return self._expect((xs[0] - self._expect(xs[0])) ** 2)
        return self._expect((xs[0] - self._expect(xs[0])) * (xs[1] - self._expect(xs[1])))

    def _gaussian(self, exprs: list[Tree], seps: list[str], head: Tree) -> sp.Expr:
        """``\\mathcal{N}(x \\mid \\mu, \\sigma^2)`` or ``(x; \\mu, \\sigma^2)``: the normal density at x, the third
        argument the variance as written (rule 16); vectors and matrices are not read yet."""
        if len(exprs) != 3 or seps not in (["MID", "COMMA"], ["SEMI", "COMMA"]):
            raise self.error("\\mathcal{N} is read as \\mathcal{N}(x \\mid \\mu, \\sigma^2) or \\mathcal{N}(x; \\mu, "
                             "\\sigma^2): a point, a mean and a variance", head)
        self.no_assign(exprs)
        x, mean, var = (self.value(e) for e in exprs)
        if is_matrix(x) or is_matrix(mean) or is_matrix(var):
            return self._gaussian_vector(x, mean, var, head)
        return sp.exp(-(x - mean) ** 2 / (2 * var)) / sp.sqrt(2 * sp.pi * var)

    def _gaussian_vector(self, x: sp.Expr, mean: sp.Expr, cov: sp.Expr, head: Tree) -> sp.Expr:
        """``\\mathcal{N}(\\mathbf{x} \\mid \\boldsymbol{\\mu}, \\boldsymbol{\\Sigma})``: the density in D dimensions,
        (2 pi)^{-D/2} |Sigma|^{-1/2} exp(-(x - mu)^T Sigma^{-1} (x - mu) / 2)."""
        if not (is_matrix(x) and is_matrix(cov)) or (mean != 0 and not is_matrix(mean)):
            raise self.error("\\mathcal{N} of a vector needs a vector mean and a covariance matrix", head)
        r = self.msum([x, -mean] if mean != 0 else [x], head)
        if self.shape_of(r)[1] != 1:
            raise self.error("\\mathcal{N}(x | mu, Sigma) is read for a column vector x", head)
        sq = self.square(cov, "a covariance", head)
        if isinstance(sq, sp.MatrixSymbol):
            self.usage.covariances.add(str(sq.name))  # a covariance is positive definite (an added assumption)
        self.product([sq, r], head)  # the shapes must agree
        d = self.shape_of(r)[0]
        quad = self.number(self.product([self.transpose(r, head), self.mpower(sq, sp.Integer(-1), head), r], head),
                           "a quadratic form", head)
        return sp.exp(-quad / 2) / (sp.Pow(2 * sp.pi, d / 2) * sp.sqrt(self.det(sq, head)))

    def _probability(self, name: str, grp: Tree, head: Tree) -> sp.Expr:
        """``p(x, y = k | z)`` (rule 16): variables are names or family elements, each with a value (itself
        unless ``= value``); after ``|`` or ``;`` what is given. p, P and \\Pr are one law, q another."""
        event: list[sp.Tuple] = []
        given: list[sp.Tuple] = []
        part = event
        seen: set[sp.Basic] = set()
        for child in grp.children:
            if isinstance(child, Token):
                if child.type in ("MID", "SEMI"):
                    if part is given:
                        raise self.error(f"{name}(...) with two bars or semicolons is not read", child)
                    part = given
                continue
            target, value_t = (child.children[0], child.children[2]) if child.data == "assign" else (child, None)
            var_e = self.value(target)
            if isinstance(var_e, sp.Symbol):
                var = variable(var_e.name)
            elif isinstance(var_e, sp.Indexed):
                var = variable(str(var_e.base.label), tuple(var_e.indices))
            else:
                raise self.error(f"{name}(...) takes random variables (names such as x, y_i or y = k), and this "
                                 "argument is not one", target)
            if var in seen:
                raise self.error(f"{name}(...) names the variable {var_e} twice", target)
            seen.add(var)
            value = self.value(value_t) if value_t is not None else var_e
            if value_t is not None and isinstance(value, sp.Symbol):
                self.usage.assigned.add((variable_name(var)[0], value.name))
            part.append(pair(var, value))
        if not event:
            raise self.error(f"{name}(...) needs a variable before the bar", head)
        both = sorted(variable_name(v)[0] for v in seen if variable_name(v)[0] in self.independent_decl)
        if len(both) > 1:  # the probability model does not factor them, so its counterexamples would not be genuine
            raise self.error(f"{name}(...) of the independent {', '.join(both)}: independence is read for "
                             "expectations only, not yet for probabilities", head)
        return Prob(Str(law_of(name)), sp.Tuple(*event), sp.Tuple(*given))

    def _no_transpose(self, sup: Tree) -> None:
        """After a function value or an expectation a transpose is not read."""
        if self._transposes(sup):
            raise self.error("a transpose of a function value or expectation is not read", sup)

    def _flip(self, val: sp.Expr, name: Optional[str], node: Tree) -> sp.Expr:
        """``X^T``: the transpose; in the first reading only the name is noted (it makes X a matrix)."""
        if name is not None:
            self.usage.transposed.add(name)
        if self.collecting and not is_matrix(val):
            return val
        return self.transpose(val, node)

    @staticmethod
    def _norm_which(sub: Tree) -> str:
        inner = trees(trees(sub)[0])
        return str(inner[0].children[0]) if inner and inner[0].data == "simple" else ""

    def _transposes(self, sup: Tree) -> bool:
        """``^T``, ``^{T}``, ``^\\top``, ``^{\\intercal}``, ``^{\\mathsf{T}}``: transposes (rule 13), never powers."""
        b = trees(sup)[0]
        inner = b.children[0] if b.children else None
        letter = None
        if isinstance(inner, Tree) and inner.data == "simple":
            letter = str(inner.children[0])
        elif isinstance(inner, Tree) and inner.data == "expr":
            kids = trees(inner)
            if len(kids) == 1 and kids[0].data == "term" and len(kids[0].children) == 1:
                it = kids[0].children[0]
                if it.data == "postfix" and len(it.children) == 1 and isinstance(it.children[0], Tree) \
                        and it.children[0].data == "letter":
                    letter = str(it.children[0].children[0])
        if isinstance(inner, Tree) and inner.data == "simple" and isinstance(inner.children[0], Token) and \
                inner.children[0].type == "TOP":
            return True
        if isinstance(inner, Tree) and inner.data == "expr":
            kids = trees(inner)
            if len(kids) == 1 and kids[0].data == "term" and len(kids[0].children) == 1:
                it = kids[0].children[0]
                if it.data == "postfix" and len(it.children) == 1 and isinstance(it.children[0], Tree):
                    a = it.children[0]
                    if a.data == "top":
                        return True
                    if a.data == "font" and re.fullmatch(r"\\(mathsf|mathrm|text|mathit)\s*\{\s*T\s*\}",
                                                          str(a.children[0])):
                        return True
        if letter == "T" and self.t_is_a_number:
            raise self.error("ambiguous: ^T is a transpose (rule 13), but this row also writes T as a number (a "
                             "horizon, a bound); give that number another letter", sup)
        return letter == "T"

    def _applied_power(self, d: Definition, post: Tree, head: Tree) -> sp.Expr:
        """``f(x)^2`` for a defined function f: the power of the value, (f(x))^2."""
        grp, scripts = post.children[0], post.children[1:]
        if len(scripts) != 1 or not isinstance(scripts[0], Tree) or scripts[0].data != "superscript" \
                or self._sample(scripts[0]) is not None:
            raise self.error(f"{d.name}(...) may be followed only by a power", post)
        args = [self.value(e) for e in trees(grp)]
        if len(args) != len(d.params):
            raise self.error(f"{d.name} is defined with {len(d.params)} argument(s), used with {len(args)}", post)
        return self._pow(self._expand(d, args, head), self._bound(trees(scripts[0])[0]), scripts[0])

    def _group_after(self, rest: list[Tree]) -> Optional[Tree]:
        """The group atom of ``rest[0]`` when it is a bare group (no scripts)."""
        if not rest or rest[0].data != "postfix":
            return None
        atom = rest[0].children[0]
        if isinstance(atom, Tree) and atom.data in GROUPS:
            if len(rest[0].children) > 1:
                return Tree("scripted", [atom])
            return atom
        return None

    def _func(self, it: Tree, rest: list[Tree]) -> tuple[Val, int]:
        tok = tokens(it)[0]
        kind = str(tok).lstrip("\\")
        base_t = trees(it)
        if not rest:
            raise self.error(f"\\{kind} needs an operand", it)
        grp = self._group_after(rest)
        if grp is not None and grp.data == "scripted":
            raise self.error(f"ambiguous: \\{kind}(...) followed by a power or index; write "
                             f"\\{kind}\\left(a^2\\right) or (\\{kind} a)^2", rest[0])
        if grp is not None:
            arg = self._group_value(grp)
            used = 2
        elif kind == "det":
            run = self._one_operand(rest, "\\det", it)
            arg = self.materialize(self._fold(run))
            used = len(run) + 1
        else:
            later = [r for r in rest[1:] if r.data == "bigop"] if rest[0].data != "bigop" else []
            if later:  # log(theta sum_n y_n) or (log theta) sum_n y_n: both are written this way
                raise self.error(f"ambiguous: the scope of \\{kind} before a {str(tokens(later[0])[0])}; write "
                                 f"\\{kind}(...) with parentheses around what it applies to", it)
            arg = self.materialize(self._fold(rest))
            used = len(rest) + 1
        if kind == "det":
            if base_t:
                raise self.error("\\det takes no subscript", it)
            return Val("other", self.det(arg, it)), used
        arg = self.number(arg, f"\\{kind}", it)
        if kind == "exp":
            if base_t:
                raise self.error("\\exp takes no subscript", it)
            return Val("other", sp.exp(arg)), used
        out = sp.log(arg)
        if base_t:
            base = self._bound(base_t[0])
            out = out / sp.log(base)
        return Val("other", out), used

    def _one_operand(self, rest: list[Tree], what: str, head: Tree) -> list[Tree]:
        """The operand of ``\\det`` or ``\\operatorname{tr}`` without parentheses: one factor, up to the next such
        operator (``\\det A \\det B``); ``\\det AB`` could be det(AB) or det(A) B, so it is refused (rule 1)."""
        if not rest:
            raise self.error(f"{what} needs an operand", head)
        run: list[Tree] = []
        for r in rest:
            if r.data in ("func", "bigop") or (r.data == "postfix" and postfix_name(r) in TRACE):
                break
            run.append(r)
        if len(run) != 1 or run[0].data == "mulop":
            raise self.error(f"ambiguous: the operand of {what} without parentheses; write {what}(...)", head)
        return run

    def _group_value(self, grp: Tree) -> sp.Expr:
        exprs = trees(grp)
        if len(exprs) != 1:
            raise self.error("a list (a, b) is read only as the arguments of a defined function", grp)
        return self.value(exprs[0])

    # ------------------------------------------------------------ sums and products
    def _bigop(self, it: Tree, rest: list[Tree]) -> sp.Expr:
        """``\\sum_{i=1}^{N}``, ``\\sum_i`` (rule 11: an assumed range, else one unspecified finite set),
        ``\\sum_{i,j}`` (nested), ``\\sum_{i \\neq j}`` (every i of its set except j); the body is the rest of the term."""
        tok = tokens(it)[0]
        op = str(tok)
        lims = trees(it)
        if not lims:
            raise self.error(f"{op} needs limits, e.g. {op}_{{i=1}}^{{D}}", it)
        lower = next(c for c in trees(lims[0]) if c.data.startswith("lower_"))
        uppers = [c for c in trees(lims[0]) if c.data == "bound"]
        names = [str(tokens(v)[0]).lstrip("\\") for v in trees(lower) if v.data == "index_var"]
        if not rest:
            raise self.error(f"{op} needs a body after its limits", it)
        if lower.data == "lower_range":
            if not uppers:
                raise self.error(f"{op} has a lower limit but no upper limit", it)
            self.usage.index.add(names[0])
            with self._in("index"):
                lo = self.value(trees(lower)[1])
            with self._in("upper"):
                hi = self._bound(uppers[0])
            return self._scoped(op, [(names[0], lo, hi, False)], rest, None)
        if uppers:
            raise self.error(f"{op} with an upper limit needs a lower limit {names[0]}=...", it)
        if lower.data == "lower_neq":
            names, other = names[:1], names[1]
            if other not in self.bindings and self.ranges.get(other) is None and not self.collecting:
                raise self.error(f"\\sum_{{{names[0]} \\neq {other}}} with {other} neither summed outside nor given a "
                                 f"range: over {names[0]} alone, or over the pairs ({names[0]}, {other})? write "
                                 f"\\sum_{{{other}}}\\sum_{{{names[0]} \\neq {other}}} or assume a range for {other}",
                                 lower)
        else:
            other = None
        ranges = []
        for name in names:
            self.usage.index.add(name)
            rng = self.ranges.get(name)
            if rng is None:
                # one unspecified finite set per index name in the file: 1..#name, #name a size
                size = f"#{self.index_sets.get(name, name)}"
                self.usage.upper.add(size)
                ranges.append((name, sp.S.One, self.kinds.symbol(size), True))
            else:
                for s in rng[1].free_symbols:
                    self.usage.upper.add(s.name)
                ranges.append((name, rng[0], rng[1], False))
        return self._scoped(op, ranges, rest, other)

    def _scoped(self, op: str, ranges: list[tuple[str, sp.Expr, sp.Expr, bool]], rest: list[Tree],
                other: Optional[str]) -> sp.Expr:
        """The body read with the indices bound, then the sums or products, innermost last."""
        taken = {s.name for v in self.bindings.values() for s in v.free_symbols}
        saved, saved_limits = self.bindings, self.limits
        self.bindings = dict(saved)
        bound = []
        for name, lo, hi, free in ranges:
            var = sp.Symbol(primed(name, taken) if name in taken else name, integer=True)
            self.bindings[name] = var
            self.limits = {**self.limits, name: (lo, hi)}
            bound.append((name, var, lo, hi, free))
        try:
            body = written = self.materialize(self._fold(rest))
            if other is not None:
                with self._in("index"):
                    j = self._bare(other, rest[0])
                if "sum" in op:
                    body = body * (1 - sp.KroneckerDelta(bound[0][1], j))
                else:  # a left-out factor is 1, not 0
                    body = sp.Piecewise((body, sp.Ne(bound[0][1], j)), (sp.S.One, True))
        finally:
            self.bindings, self.limits = saved, saved_limits
        for name, var, _, _, free in bound:
            if free:
                for el in body.atoms(sp.Indexed):
                    for pos, x in enumerate(el.indices):
                        if x == var:
                            self.usage.free_sets.setdefault((str(el.base.label), pos), set()).add(name)
            if free and not self.collecting and not _only_as_index(written, var):
                raise self.error(f"{op}_{name} has no range, and {name} is used as a number in its body (not only "
                                 f"as an index), so its value depends on the index set; state it, e.g. "
                                 f"'% assume: 1 \\leq {name} \\leq N'", rest[0])
        cls = sp.Sum if "sum" in op else sp.Product
        for name, var, lo, hi, _ in reversed(bound):
            body = cls(body, (var, lo, hi))
        return body

    def _bound(self, t: Tree) -> sp.Expr:
        """A ``bound``/``arg``: one simple token or a braced expression."""
        kids = t.children
        inner = kids[0]
        if isinstance(inner, Tree) and inner.data == "simple":
            return self._simple(inner.children[0])
        for k in kids:
            if isinstance(k, Tree):
                return self.value(k)
        raise self.error("empty group", t)

    def _simple(self, tok: Token) -> sp.Expr:
        if tok.type == "NUMBER":
            if len(tok) > 1:
                raise self.error(f"ambiguous: {str(tok)!r} without braces means only its first digit in LaTeX; "
                                 f"write {{{tok}}}", tok)
            return sp.Integer(int(tok))
        return self._bare(str(tok).lstrip("\\"), tok)

    # ------------------------------------------------------------ names, families, definitions
    def _not_vector(self, name: str, node: Union[Tree, Token]) -> None:
        kind = self.kinds.matrix_kind(name)
        if kind is not None or name in self.kinds.identity:
            raise self.error(f"an element of the {kind or 'identity matrix'} {name} (x_i, A_{{ij}}) is not read yet; "
                             "write the whole vector or matrix", node)

    def _bare(self, name: str, node: Union[Tree, Token]) -> sp.Expr:
        if name in self.bindings:
            return self.bindings[name]
        if name in self.kinds.identity and name not in self.defs:
            return self.identity(node)
        kind = self.kinds.matrix_kind(name)
        if kind is not None and name not in self.defs:
            self.usage.bare.add(name)
            return self.matrix_symbol(name, kind == "vector")
        if name == "e" and "e" not in self.kinds.letters:
            if self.mode in ("index", "upper"):
                raise self.error("e is Euler's number; declare '% variables: e' to use it as a letter", node)
            return sp.E
        d = self.defs.get(name)
        if d is not None and d.kind == "func" and set(d.params) <= self.row_names:
            # \partial\ell / \partial\mu with \ell(\mu, s) defined: the row writes the arguments it means
            return self._expand(d, [self._bare(p, node) for p in d.params], node)
        if d is not None and d.kind == "func":
            # sigma for sigma(a) in a row without a: which argument is meant would be a guess (rule 1)
            raise self.error(f"{name} is a function defined with arguments ({', '.join(d.params)}); write them, "
                             f"as in {name}({', '.join(d.params)})", node)
        if d is not None and d.kind == "bare":
            return self._expand(d, [], node)
        self.usage.bare.add(name)
        if self.mode == "index":
            self.usage.index.add(name)
        elif self.mode == "upper":
            self.usage.upper.add(name)
        sym = self.kinds.symbol(name)
        if not self.collecting and name in self.kinds.family and \
                sym.assumptions0 == self.kinds.base(name).label.assumptions0:
            raise self.error(f"{name} is used both as a plain symbol and as a family ({name}_i); rename one", node)
        return sym

    def _element(self, name: str, indices: list[sp.Expr], node: Tree) -> sp.Expr:
        if name in self.kinds.identity and len(indices) == 1 and name not in self.defs:
            size = indices[0]
            if not (size.is_Integer and size > 0 or isinstance(size, sp.Symbol)):
                raise self.error(f"the size of the identity {name}_n must be a number or a letter", node)
            return self.identity(node, sp.Symbol(size.name, integer=True, positive=True)
                                 if isinstance(size, sp.Symbol) else size)
        kind = self.kinds.matrix_kind(name)
        d = self.defs.get(name)
        if kind is not None and name.startswith("\\mathbf{") and not (d is not None and d.kind == "index"):
            # \mathbf{m}_N, \mathbf{x}_1: a vector or matrix of its own (bold elements are not written this way)
            if any(str(s) in self.limits for i in indices for s in i.free_symbols):
                raise self.error(f"a family of {kind}s {name}_n indexed by a sum is not read yet", node)
            if not all(isinstance(i, (sp.Symbol, sp.Integer)) for i in indices):
                raise self.error(f"{name} with the subscript {', '.join(map(str, indices))}: only a letter or a "
                                 "number names one of a family of vectors or matrices", node)
            full = f"{name}_{{{','.join(map(str, indices))}}}"
            self.usage.bare.add(full)
            self.usage.family.add(name)
            return self.matrix_symbol(full, kind == "vector")
        self._not_vector(name, node)
        if name == "e" and "e" not in self.kinds.letters:
            raise self.error("e is Euler's number; declare '% variables: e' to use it as a letter", node)
        if name in self.bindings:
            raise self.error(f"parameter {name} is used with an index", node)
        d = self.defs.get(name)
        if d is not None and d.kind == "index" and len(d.params) == len(indices):
            return self._expand(d, indices, node)
        self.usage.family.add(name)
        if self.mode == "index":
            self.usage.label.add(name)
        return _element_of(self.kinds.base(name), tuple(indices))

    def _expand(self, d: Definition, args: list[sp.Expr], node: Union[Tree, Token]) -> sp.Expr:
        self.def_depth += 1
        self.def_nodes += d.nodes
        if self.def_depth > caps.MAX_DEF_DEPTH:
            raise self.error(f"definitions nested too deeply (over {caps.MAX_DEF_DEPTH})", node)
        if self.def_nodes > caps.MAX_DEF_NODES:
            raise self.error(f"definitions expand to too large an expression (over {caps.MAX_DEF_NODES} nodes)", node)
        saved = (self.defs, self.bindings, self.mode, self.span)
        self.defs = d.visible
        # g(x) := d/dy (x y^2) applied to y: differentiate first, then put the argument in (no capture)
        late = d.differentiates
        dummies = [sp.Dummy(p, integer=True) if getattr(a, "is_integer", False) else sp.Dummy(p, real=True)
                   for p, a in zip(d.params, args)] if late else list(args)
        self.bindings = dict(zip(d.params, dummies))
        self.mode = "normal"
        self.span = d.span
        try:
            out = self.value(d.body)
            if late:
                out = at(out, dict(zip(dummies, args)))  # the kernel differentiates first, then puts the arguments in
            if out.has(Expect) and args:
                rnd = self.random_decl
                names = set().union(*(written_names(a) for a in args))
                if names and (rnd is None or names & rnd):
                    raise self.error(f"{d.name} takes an expectation; applied to an argument that may be random, "
                                     "the argument would be averaged with it, so this is not read", node)
            return out
        finally:
            self.defs, self.bindings, self.mode, self.span = saved
            self.def_depth -= 1

    # ------------------------------------------------------------ postfix: scripts on an atom
    def _postfix(self, t: Tree) -> Val:
        if isinstance(t.children[0], Tree) and t.children[0].data == "expect_name" and len(t.children) > 1:
            raise self.error("an expectation with a subscript (\\mathbb{E}_{x \\sim p}) is not read yet; declare "
                             "'% random:' and write \\mathbb{E}[...]", t)
        atom = t.children[0]
        scripts = [c for c in t.children[1:] if isinstance(c, Tree)]
        bang = any(isinstance(c, Token) and c.type == "BANG" for c in t.children)
        subs = [s for s in scripts if s.data == "subscript"]
        sups = [s for s in scripts if s.data == "superscript"]
        if len(subs) > 1 or len(sups) > 1:
            raise self.error("double subscript or superscript", t)
        sub = subs[0] if subs else None
        sup = sups[0] if sups else None
        flip = sup is not None and self._transposes(sup)
        if flip:
            sup = None
        name = postfix_name(t)
        fdef = self.defs.get(name) if name is not None and name not in self.bindings else None
        if sup is not None and fdef is not None and fdef.kind == "func":
            raise self.error(f"ambiguous: a power of the function {name} (f^2(x)): write (f(x))^2 or f(f(x))", sup)
        if decorated_scripts(t) and name is None:
            raise self.error("an upright subscript label on something that is not a letter", t)
        sample = self._sample(sup) if sup is not None else None
        if atom.data == "pi" and (sub is not None or sample is not None):
            name = "pi"
        if name is not None:
            if name == "e" and sup is not None and sub is None and "e" not in self.kinds.letters:
                val: sp.Expr = sp.exp(self.number(self._bound(trees(sup)[0]), "an exponent", sup))
            else:
                if sample is not None or sub is not None:
                    idx = ([sample] if sample is not None else []) + (self._indices(sub) if sub else [])
                    val = self._element(name, idx, t)
                elif not bang and sup is None and not flip:
                    return Val("name", name=name)
                else:
                    val = self._bare(name, atom)
                if sup is not None and sample is None:
                    val = self._pow(val, self._bound(trees(sup)[0]), sup)
                if flip:
                    val = self._flip(val, name, t)
            kind = "other"
        else:
            if sub is not None and atom.data == "norm" and self._norm_index(sub):
                sub = None
                scripts = [s for s in scripts if s.data != "subscript"]
            if sub is not None:
                raise self.error("a subscript on something that is not a letter", sub)
            if atom.data == "norm":
                self.norm_index = self._norm_which(subs[0]) if subs else ""
            inner = self._atom(atom)
            if not scripts and not bang:
                return inner
            if inner.kind == "derivop":
                raise self.error("a derivative operator cannot take a power or index", t)
            if inner.kind == "group" and len(inner.args) != 1:
                raise self.error("a list (a, b) is read only as the arguments of a defined function", atom)
            base = self.materialize(inner.args[0]) if inner.kind == "deriv" else inner.expr
            val = base
            if sup is not None:
                if sample is not None:
                    raise self.error("a sample superscript (m) needs a letter before it", sup)
                val = self._pow(base, self._bound(trees(sup)[0]), sup)
            if flip:
                val = self._flip(val, None, t)
            kind = "grouppow" if inner.kind == "group" else "other"
        if bang:
            if val.is_Integer and int(val) > caps.MAX_FACTORIAL:
                raise self.error(f"factorial too large (limit {caps.MAX_FACTORIAL}!)", t)
            val = sp.factorial(val)
        return Val(kind, val)

    @staticmethod
    def _norm_index(sub: Tree) -> bool:
        """``\\|x\\|_1``, ``_2``, ``_p`` of a scalar: all are ``|x|`` (a plain letter is a scalar, rule 15)."""
        inner = trees(trees(sub)[0])
        return len(inner) == 1 and inner[0].data == "simple" and str(inner[0].children[0]) in ("1", "2", "p", "F")

    def _sample(self, sup: Tree) -> Optional[sp.Expr]:
        """The index of a parenthesised superscript ``^{(m)}``, else None (a power)."""
        bound = trees(sup)[0]
        exprs = trees(bound)
        if len(exprs) != 1 or exprs[0].data != "expr":
            return None
        e = exprs[0]
        if len(e.children) != 1:
            return None
        items = e.children[0].children
        if len(items) == 2 and all(i.data == "postfix" and isinstance(i.children[0], Tree) for i in items) and \
                items[0].children[0].data == "paren" and items[1].children[0].data == "number":
            raise self.error("ambiguous: a sample index followed by a power (x^{(m)2}); write (x^{(m)})^2", sup)
        if len(items) != 1 or items[0].data != "postfix" or len(items[0].children) != 1:
            return None
        atom = items[0].children[0]
        if not isinstance(atom, Tree) or atom.data != "paren" or len(trees(atom)) != 1:
            return None
        with self._in("index"):
            return self.value(trees(atom)[0])

    def _indices(self, sub: Tree) -> list[sp.Expr]:
        """``x_i``, ``u_{ki}``, ``u_{k,i}``, ``u_{y^{(m)} i}``, ``x_{i+1}``: a list of indices."""
        inner = trees(trees(sub)[0])
        with self._in("index"):
            if inner[0].data == "simple":
                tok = inner[0].children[0]
                if tok.type == "NUMBER" and len(tok) > 1:
                    raise self.error(f"ambiguous: _{tok} means _{tok[0]} followed by {tok[1:]} in LaTeX; "
                                     f"write _{{{tok}}}", tok)
                return [self._simple(tok)]
            out: list[sp.Expr] = []
            for e in inner:
                out.extend(self._index_group(e))
            return out

    def _index_group(self, e: Tree) -> list[sp.Expr]:
        kids = trees(e)
        if len(kids) == 1 and kids[0].data == "term":
            items = kids[0].children
            if all(it.data == "postfix" and isinstance(it.children[0], Tree)
                   and it.children[0].data in ("letter", "greek", "number") for it in items) and len(items) > 1:
                out: list[sp.Expr] = []
                for it in items:
                    atom = it.children[0]
                    if atom.data == "number" and len(it.children) == 1:
                        digits = str(atom.children[0])
                        if not digits.isdigit():
                            raise self.error("an index must be a whole number", it)
                        out.append(sp.Integer(int(digits)))
                    else:
                        out.append(self.materialize(self._fold([it])))
                return out
            if len(items) == 1 and items[0].data == "postfix" and len(items[0].children) == 1:
                atom = items[0].children[0]
                if isinstance(atom, Tree) and atom.data == "number":
                    digits = str(atom.children[0])
                    if not digits.isdigit():
                        raise self.error("an index must be a whole number", atom)
                    return [sp.Integer(int(digits))]
        return [self.value(e)]

    def _pow(self, base: sp.Expr, exp: sp.Expr, node: Tree) -> sp.Expr:
        if is_matrix(exp):
            raise self.error("a matrix as an exponent", node)
        if is_matrix(base):
            return self.mpower(base, exp, node)
        if exp == -1 and isinstance(base, sp.Symbol):
            self.usage.inverted.add(base.name)
        problem = caps.check_power(base, exp)
        if problem:
            raise self.error(problem, node)
        if is_num(base) and is_num(exp):
            return sp.Pow(base, exp, evaluate=False)
        return sp.Pow(base, exp)

