"""Read a LaTeX file into ``Derivation`` objects of kernel claims: one per display environment.

Each display is read twice: first to learn how its letters are used (indices, sizes,
labels), then to build SymPy objects of the decided kinds. Rows that cannot be read
become ``Unreadable`` steps naming file:line:column; the other steps are still built.
"""
from __future__ import annotations

import dataclasses
import itertools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

import sympy as sp
from lark import Token, Tree

from derivations.kernel.assume import covers
from derivations.kernel.claims import Assumptions, Claim, Compare, DerivativeOf, Equal, Noted, Readings, Solves, Unreadable
from derivations.kernel.derivation import Derivation
from derivations.kernel.errors import InputError
from derivations.latex import caps
from derivations.latex.caps import ReadError
from derivations.latex.declarations import read_declarations
from derivations.latex.parse import KNOWN_COMMANDS, parse_assume, parse_row
from derivations.latex.bars import prepare
from derivations.latex.macros import Macro
from derivations.latex.source import Env, Row, Source, Span, expand_macros, macro_table, read_preamble, read_source
from derivations.latex.lower_rows import ChainBuilder, Elem, noted_kind
from derivations.latex.taint import head_name, rough_family_names, rough_heads, rough_names
from derivations.latex.lower_matrix import display_name
from derivations.latex.shapes import ShapeStore
from derivations.latex.resolve import Definition, Definitions, Kinds, Usage, decide_kinds, range_bounds
from derivations.latex.lower_nodes import Side, atom_name, decorated_scripts, is_operator, node_span, postfix_name
from derivations.kernel.calculus import at
from derivations.kernel.expectation import UNDECLARED, Expect, str_names, written_names
from derivations.latex.lower import KNOWN_FUNCTIONS, PROBABILITY, Transformer, law_of

__all__ = ["load_preamble", "load_tex", "read_tex_string"]

MAX_AMBIGUOUS = 3


_ARROW_START = re.compile(r"\s*\\(implies|Rightarrow|therefore|Longrightarrow)(?![a-zA-Z])")


def _file_bytes(path: str) -> bytes:
    p = Path(path)
    try:
        size = p.stat().st_size
        if size > caps.MAX_FILE_BYTES:
            raise InputError(f"file too large ({size} bytes; limit {caps.MAX_FILE_BYTES})", path)
        return p.read_bytes()
    except FileNotFoundError:
        raise InputError("no such file", path) from None
    except IsADirectoryError:
        raise InputError("is a directory, not a file", path) from None
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", path) from None


def load_preamble(path: str) -> list[Macro]:
    """The macros of a course's shared preamble (``--preamble FILE``); InputError if unreadable."""
    return read_preamble(_file_bytes(path), path)


def load_tex(path: str, preamble: Optional[str] = None) -> list[Derivation]:
    """The derivations in a LaTeX file; InputError if it is missing, not UTF-8 or has no display.

    ``preamble``: a file whose macros (``\\newcommand``, ``\\def``, ``\\DeclareMathOperator``) hold here too.
    """
    macros = load_preamble(preamble) if preamble else []
    return _read(_file_bytes(path), path, macros)


def read_tex_string(text: str, source: str = "<string>", preamble: Optional[str] = None) -> list[Derivation]:
    """The derivations in LaTeX text; ``source`` names it in messages and reports."""
    try:
        data = text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise InputError(f"text is not valid Unicode at character {exc.start}", source) from None
    return _read(data, source, load_preamble(preamble) if preamble else [])


def _read(data: bytes, path: str, preamble: list[Macro]) -> list[Derivation]:
    from derivations.latex.source import LOOKED_FOR

    src = read_source(data, path, preamble)
    if not src.envs and not src.issues:
        raise InputError(f"no environment found (looked for {LOOKED_FOR})", path)
    if not src.envs and not any("never closed" in i.message for i in src.issues):
        notes = "; ".join(f"{src.place(i.offset)}: {i.message}" for i in src.issues)
        raise InputError(f"no environment found (looked for {LOOKED_FOR}); {notes}", path)
    return _FileReader(src).run()


@dataclass
class _Assume:
    offset: int
    span: Span
    tree: Optional[Tree]


@dataclass
class _ParsedRow:
    row: Row
    span: Optional[Span]
    tree: Optional[Tree]
    error: Optional[ReadError]
    visible: dict[str, Definition]
    definition: Optional[Definition] = None
    # `NAME = EXPR` that rule 7 would read as a definition but for an earlier use of NAME (at this offset)
    maybe_definition: Optional[int] = None
    names: frozenset[str] = frozenset()  # every name the row writes
    taints: bool = False  # later rows that use the name are not checked (it may have been defined here)
    t_is_a_number: bool = False  # the row writes T other than as ^T (then ^T is ambiguous)


@dataclass(frozen=True)
class _Chain:
    """One relation chain of a ``% assume:`` line as read under one display's kinds."""

    rels: list[sp.Basic]
    text: str
    names: frozenset[str]
    usage: Usage
    failure: Optional[tuple[int, ReadError]] = None  # where and why it could not be read


def _subjects(e: sp.Basic) -> set[str]:
    """Names a relation is about: symbols and families, not bound or index-only symbols."""
    if isinstance(e, sp.Indexed):
        return {str(e.base.label)}
    if isinstance(e, sp.Symbol):
        return {e.name}
    if isinstance(e, sp.MatrixSymbol):
        return {str(e.name)} | {n for d in e.shape for n in _subjects(sp.sympify(d))}
    if isinstance(e, (sp.Sum, sp.Product)):
        inner = _subjects(e.function)
        for _, lo, hi in e.limits:
            inner |= _subjects(lo) | _subjects(hi)
        return inner - {lim[0].name for lim in e.limits}
    out: set[str] = set()
    for a in e.args:
        out |= _subjects(a)
    return out


def _head(expr: Tree) -> tuple[str, str, tuple[str, ...]]:
    """``(name, kind, params)`` of a definition head: ``x``, ``N_k``, ``f(x)``, ``\\ell(\\mu, s)``."""
    bad = ReadError("cannot define this: write a letter, an indexed name such as N_k, or a function head "
                    "such as f(x) before ':='")
    kids = [c for c in expr.children if isinstance(c, Tree)]
    if len(kids) != 1 or kids[0].data != "term":
        raise bad
    items = kids[0].children
    if not items or items[0].data != "postfix" or not isinstance(items[0].children[0], Tree):
        raise bad
    name = postfix_name(items[0])
    if name is None:
        raise bad
    scripts = [c for c in items[0].children[1:]
               if not (isinstance(c, Tree) and c.data in ("label_subscript", "star_superscript"))]
    if len(items) == 1 and not scripts:
        return name, "bare", ()
    if len(items) == 1 and len(scripts) == 1 and isinstance(scripts[0], Tree) and scripts[0].data == "subscript":
        params = _letters(scripts[0])
        if params:
            return name, "index", params
        raise bad
    if len(items) == 2 and not scripts and items[1].data == "postfix" and len(items[1].children) == 1:
        grp = items[1].children[0]
        if isinstance(grp, Tree) and grp.data == "paren":
            params = []
            for e in grp.children:
                if isinstance(e, Token):
                    continue
                p = _letters(e)
                if len(p) != 1:
                    raise bad
                params.extend(p)
            if len(set(params)) == len(params):
                return name, "func", tuple(params)
    raise bad


_ENDS_ZERO = re.compile(r"=\s*0\s*[.,;]?\s*$")
_NOTED_REL = re.compile(r"\\(approx|simeq|propto|sim|thickapprox|approxeq)(?![a-zA-Z])")
_NAMED = ("letter", "greek", "ell", "mathcal", "decorated", "font", "bold", "prob_name", "expect_name")


def _t_is_a_number(tree: Tree) -> bool:
    """Does the row write the letter T other than as ``^T`` (a horizon, a bound: then ``^T`` may be a power)?"""
    letters = sum(1 for t in tree.iter_subtrees() if t.data == "letter" and str(t.children[0]) == "T")
    letters += sum(1 for t in tree.iter_subtrees() if t.data in ("simple", "index_var")
                   and any(isinstance(c, Token) and str(c) == "T" for c in t.children))
    marks = 0
    for t in tree.iter_subtrees():
        if t.data == "superscript":
            b = [c for c in t.children if isinstance(c, Tree)]
            if b and any(str(tok) == "T" for tok in b[0].scan_values(lambda v: isinstance(v, Token))) and \
                    sum(1 for _ in b[0].scan_values(lambda v: isinstance(v, Token))) == 1:
                marks += 1
    return letters > marks


def _names(tree: Tree) -> set[str]:
    """Every letter-like name written in a tree (also as an index or a sum's variable)."""
    out = {atom_name(t) for t in tree.iter_subtrees() if t.data in _NAMED}
    out |= {postfix_name(t) for t in tree.iter_subtrees() if t.data == "postfix" and decorated_scripts(t)}
    out |= {str(tok).lstrip("\\") for t in tree.iter_subtrees() if t.data == "index_var" for tok in t.children}
    out.discard(None)
    return out  # type: ignore[return-value]


def _random_readings(claim: Claim) -> Claim:
    """Rule 16 with no '% random:' line: each name inside an expectation random or not, every reading checked."""
    if not isinstance(claim, (Equal, Compare)):
        return claim
    nodes = [x for e in (claim.lhs, claim.rhs) for x in e.atoms(Expect) if UNDECLARED in x.names]
    if not nodes:
        return claim
    names = sorted(set().union(*(written_names(x.body) for x in nodes)))
    if len(names) > MAX_AMBIGUOUS:
        return claim  # the kernel says the expectation is not determined
    readings = []
    for k in range(len(names) + 1):
        for sub in itertools.combinations(names, k):
            def mark(x: sp.Basic, sub: tuple = sub) -> sp.Basic:
                return Expect(x.body, str_names(list(sub)), *x.args[2:]) if UNDECLARED in x.names else x
            rnd = (lambda e, mark=mark: e.replace(lambda x: isinstance(x, Expect), mark))
            label = f"random: {', '.join(sub)}" if sub else "nothing random"
            readings.append((label, dataclasses.replace(claim, lhs=rnd(claim.lhs), rhs=rnd(claim.rhs))))
    return Readings(tuple(readings), "Declare which symbols are random: '% random: " + ", ".join(names) + "'.")


def _set_head(row: Tree) -> set[str]:
    """The name a row ``HEAD = ...`` or ``HEAD := ...`` may give a value to (empty for other rows)."""
    kids = row.children
    if len(kids) < 3 or kids[0].data != "expr" or kids[1].data != "rel" or kids[1].children[0].type not in (
            "EQ", "DEFINE"):
        return set()
    name = head_name(kids[0])
    return {name} if name else set()


def _family_names(tree: Tree) -> set[str]:
    """Names written with a subscript or a sample superscript somewhere in a tree."""
    out = set()
    for t in tree.iter_subtrees():
        if t.data == "postfix" and isinstance(t.children[0], Tree) and any(
                isinstance(c, Tree) and (c.data == "subscript" or (c.data == "superscript" and "paren" in
                                                                  {x.data for x in c.iter_subtrees()}))
                for c in t.children[1:]):
            name = postfix_name(t)
            if name is not None:
                out.add(name)
    return out


def _is_condition(kids: list) -> bool:
    """A row ``D = 0`` whose left side holds a derivative or gradient (rule 6), read from the tree alone."""
    if len(kids) < 3 or kids[-2].data != "rel" or kids[-2].children[0].type != "EQ":
        return False
    last = kids[-1]
    zero = [t for t in last.iter_subtrees() if t.data == "number"]
    if len(zero) != 1 or str(zero[0].children[0]) != "0" or sum(1 for _ in last.iter_subtrees()) > 5:
        return False
    return any(t.data in ("partial", "dee") or (t.data == "letter" and str(t.children[0]) == "d")
               for k in kids[:-2] if isinstance(k, Tree) for t in k.iter_subtrees())


def _letters(node: Tree) -> tuple[str, ...]:
    """Plain letters under a subscript or argument, in order; empty if anything else is there."""
    out: list[str] = []
    for t in node.iter_subtrees_topdown():
        if t.data in ("letter", "greek"):
            out.append(str(t.children[0]).lstrip("\\"))
        elif t.data == "simple":
            tok = t.children[0]
            if tok.type == "NUMBER":
                return ()
            out.append(str(tok).lstrip("\\"))
        elif t.data in ("sub", "expr", "term", "postfix", "subscript"):
            if t.data == "postfix" and len(t.children) != 1:
                return ()
            if t.data == "expr" and len(t.children) != 1:
                return ()
            continue
        else:
            return ()
    return tuple(out)


_UPPER_GREEK = frozenset({"Gamma", "Delta", "Theta", "Lambda", "Xi", "Sigma", "Upsilon", "Phi", "Psi", "Omega", "Pi"})
SCALAR_MATRIX_READING = "@matrix:"  # + a name: the reading in which that plain capital beside matrices is one
VECTOR_MATRIX_READING = "@vector:"  # + a name: the reading in which that transposed lowercase letter is a matrix
MAX_READINGS = 5  # names read two ways in one display (2^5 readings of it at most)


def _written(claim: Claim) -> set[str]:
    """The names a claim writes: symbols, vectors and matrices, families, functions."""
    if isinstance(claim, Readings):
        return set().union(*(_written(c) for _, c in claim.readings))
    out: set[str] = set()
    for f in dataclasses.fields(claim) if dataclasses.is_dataclass(claim) else ():
        v = getattr(claim, f.name)
        if isinstance(v, sp.Basic):
            out |= {str(a.name) for a in v.atoms(sp.Symbol, sp.MatrixSymbol)}
            out |= {str(b.label) for b in v.atoms(sp.IndexedBase)}
            out |= {type(a).__name__ for a in v.atoms(sp.core.function.AppliedUndef)}
    return out


def _reading_label(functions: frozenset[str], names: list[str]) -> str:
    def one(n: str) -> str:
        if n.startswith(VECTOR_MATRIX_READING):
            return f"{n.split(':', 1)[1]} {'a matrix' if n in functions else 'a vector'}"
        if n.startswith(SCALAR_MATRIX_READING):
            return f"{n.split(':', 1)[1]} {'a matrix' if n in functions else 'a number'}"
        return f"{n} is a function" if n in functions else f"{n}(...) is {n} times (...)"

    return "; ".join(one(n) for n in names)


class _FileReader:
    """Reads the environments of one file in order, sharing definitions and assumptions."""

    def __init__(self, src: Source) -> None:
        self.src = src
        self.defs = Definitions()
        self.steps = 0
        self.capped = False
        self.file_issues: list[tuple[int, str, str]] = []
        self.reported: set[int] = set()
        self._chain_cache: dict[tuple, list[_Chain]] = {}
        self.assumes: list[_Assume] = []
        self.functions: frozenset[str] = frozenset()
        self.letters: frozenset[str] = frozenset()
        self.ambiguous: frozenset[str] = frozenset()
        self.declared: frozenset[str] = frozenset()
        self.index_sets: dict[str, str] = {}
        self.square: list[str] = []
        self.file_transposed: set[str] = set()
        self.file_definite: set[str] = set()
        self.file_products: list[frozenset[str]] = []
        self.file_inverted: set[str] = set()
        self.scalar_or_matrix: frozenset[str] = frozenset()  # plain capitals beside matrices: read both ways
        self.vector_or_matrix: frozenset[str] = frozenset()  # transposed lowercase letters: read both ways
        self.declared_shapes: dict[str, tuple[sp.Expr, sp.Expr]] = {}  # the display's `\\in \\mathbb{R}^{..}`
        self.shapes = ShapeStore()
        self.bad_assumes: dict[int, int] = {}  # offset -> line of each '% assume:' line that could not be parsed
        self.blocked = ""  # why the current display's claims cannot be checked
        self.tainted: dict[str, tuple[int, int]] = {}  # name -> (offset, line) of the row that may define it
        self.assumes_seen = 0  # assumption lines (in file order) whose names are in seen
        self.seen_family: set[str] = set()  # names met with an index (x_i, x^{(m)})
        self.seen: set[str] = set()  # names met so far in the file, in reading order (rule 7)
        if len(src.assumes) > caps.MAX_ASSUMES:
            off = src.assumes[caps.MAX_ASSUMES][0]
            self._assume_failed(off, ReadError(f"too many '% assume:' lines (limit {caps.MAX_ASSUMES}); "
                                            "the rest are not read", off))
        for off, span in src.assumes[: caps.MAX_ASSUMES]:
            span = self._strip_punct(span)
            try:
                span = prepare(expand_macros(span, macro_table(src, off), KNOWN_COMMANDS, src.origins))
                tree = parse_assume(span)
            except ReadError as e:
                self._assume_failed(off, e)
                tree = None
            self.assumes.append(_Assume(off, span, tree))
        self._read_declarations()
        self.solved_names: dict[str, int] = {}  # names solved for (estimators) and where: maybe random (rule 16)
        self.seen |= self.declared_funcs  # a declared function is an arbitrary one, never defined by '='

    @staticmethod
    def _strip_punct(span: Span) -> Span:
        span = span.strip()
        while span.s and span.s[-1] in ".;":
            span = span[:-1].strip()
        return span

    # ------------------------------------------------------------ reporting
    def _message(self, e: ReadError) -> str:
        place = self.src.place(e.offset) if e.offset is not None else self.src.path
        text = " ".join(e.text.split())
        near = f" (at '{text}')" if text and text not in e.message else ""
        origin = self.src.origins.get(e.offset) if e.offset is not None else None
        via = f"; it comes from macro {origin}" if origin and origin not in e.message else ""
        return f"{place}: {e.message}{near}{via}"

    def _issue_once(self, key: int, e: ReadError) -> None:
        if key in self.reported:
            return
        self.reported.add(key)
        off = e.offset if e.offset is not None else key
        self.file_issues.append((off, self._message(e), e.text))

    def _taint(self, names: set[str], offset: int) -> None:
        for n in names:
            self.tainted.setdefault(n, (offset, self._line(offset)))

    def _assume_failed(self, key: int, e: ReadError) -> None:
        """An assumption line that cannot be parsed: its names are not known, so no display after it is
        checked without it (a counterexample could break it)."""
        self._issue_once(key, e)
        self.bad_assumes.setdefault(key, self._line(key))

    def _line(self, offset: int) -> int:
        return self.src.where(offset)[0]

    # ------------------------------------------------------------ the file
    def run(self) -> list[Derivation]:
        out, rows = [], 0
        envs = []
        for env in self.src.envs:
            rows += len(env.rows)
            if rows > caps.MAX_ROWS:
                self._issue_once(env.offset, ReadError(f"too many display rows in this file (limit "
                                                       f"{caps.MAX_ROWS}); the rest are not read", env.offset))
                break
            envs.append(env)
        prepared = [self._prepare(env) for env in envs]
        for _, u_assume, u_rows, _ in prepared:  # a name is one kind in the whole file (rule 14)
            self.file_transposed |= u_rows.transposed | u_assume.transposed
            self.file_definite |= u_assume.definite
            self.file_products.extend(u_rows.products)
            self.file_inverted |= u_rows.inverted
        self._decide_functions(prepared)
        self._decide_index_sets(prepared)
        for env, prep in zip(envs, prepared):
            if self.capped:
                break
            d = self._env(env, *prep)
            if d.steps:
                out.append(d)
        for issue in self.src.issues:
            self.file_issues.append((issue.offset, f"{self.src.place(issue.offset)}: {issue.message}", issue.text))
        if self.file_issues:
            d = Derivation(f"{Path(self.src.path).name}", "problems with the file", source=self.src.path)
            for off, msg, text in sorted(self.file_issues):
                d.add(Unreadable(msg, text), line=self._line(off), column=self.src.where(off)[1])
            out.insert(0, d)
        return out

    def _read_declarations(self) -> None:
        """The file's declaration lines, read once (see ``declarations``); problems are the file's issues."""
        decl = read_declarations(self.src, self._issue_once, self._line)
        self.declared_funcs, self.declared_letters = decl.functions, decl.letters
        self.declared_vectors, self.declared_matrices = decl.vectors, decl.matrices
        self.declaration_lines = decl.lines
        self.random_decl, self.independent_decl, self.iid_decl = decl.random, decl.independent, decl.iid
        self.unread_laws, self.broken_decl = decl.unread_laws, decl.broken

    def _decide_functions(self, prepared: list[tuple]) -> None:
        """Rule 14 over the whole file: which names are functions, and which are read both ways."""
        funcs, letters = self.declared_funcs, self.declared_letters
        one: set[str] = set()
        many: set[str] = set()
        plain: set[str] = set()
        for _, _, u_rows, _ in prepared:
            one |= u_rows.applied_one
            many |= u_rows.applied_many
            plain |= u_rows.plain | u_rows.family
        self.letters = frozenset(letters)
        operators = {n for n in one | many if is_operator(n)}
        self.functions = frozenset(funcs | many | operators | ((one & (PROBABILITY | {"Gamma"})) - plain))
        self.declared = frozenset(funcs | operators)
        self.ambiguous = frozenset(one - plain - self.functions)

    def _decide_index_sets(self, prepared: list[tuple]) -> None:
        """Rule 11: a bound-free ``\\sum_i`` runs over one unspecified finite set per index letter in the file;
        letters that index the same family in the same place (``x_i``, ``x_j``) share the family's set."""
        parent: dict[str, str] = {}

        def find(a: str) -> str:
            while parent.setdefault(a, a) != a:
                a = parent[a]
            return a

        for _, _, u_rows, _ in prepared:
            for letters in u_rows.free_sets.values():
                first, *others = sorted(letters)
                for o in others:
                    a, b = sorted((find(first), find(o)))
                    parent[b] = a
        self.index_sets = {a: find(a) for a in parent}
        for _, _, u_rows, _ in prepared:
            u_rows.upper = {f"#{self.index_sets.get(n[1:], n[1:])}" if n.startswith("#") else n for n in u_rows.upper}

    def _defines_with_equals(self, kids: list, condition_before: bool) -> Optional[str]:
        """Rule 7: ``NAME = EXPR`` defines NAME when NAME has not appeared before in the file and is not in
        EXPR; not after a condition in the same display (there ``v = R`` solves it, rule 6), not with an arrow.
        Returns "define", "reused" (all holds but NAME appeared before: a definition or a claim) or None.
        A family ``N_k`` counts as new when only a plain ``N`` appeared (N and N_k are different names)."""
        if len(kids) < 3 or kids[0].data != "expr" or kids[1].data != "rel":
            return None
        if kids[1].children[0].type != "EQ" or any(k.data == "rel" and k.children[0].type == "ARROW" for k in kids):
            return None
        valid = True
        try:
            name, kind, _ = _head(kids[0])
        except ReadError:
            name, kind, valid = head_name(kids[0]) or "", "func", False  # f(x^2) = ...: maybe meant as one
            if not name:
                return None
        if kind != "index" and (name == "pi" or (name == "e" and "e" not in self.declared_letters)):
            return None  # constants (rule 12): e = 2.718 is a claim about Euler's number
        used = _family_names(kids[2]) if kind == "index" else _names(kids[2])  # N_k = sum^N ...: N is not N_k
        if name in used or (name in PROBABILITY and law_of(name) in {law_of(n) for n in used & PROBABILITY}):
            return None  # p(y | x) = p(x | y) p(y) / p(x): p, P and \Pr are one law, so this is a claim about it
        if name in PROBABILITY and kind == "func":
            return "reused"  # p(x | theta) = ...: a model written as a definition, or a claim; never one alone
        if self.defs.visible(1 << 62).get(name) is not None:
            return None  # a use of a defined name: a claim about it, the definition expanded (rule 7)
        if name in self.declared_funcs or name in KNOWN_FUNCTIONS:
            return None  # a declared function is an arbitrary one, Var and N known ones: f(a) = a is a claim
        if condition_before:
            return "after condition"  # v = R solves the condition above, or else is a claim or a definition
        seen = self.seen_family if kind == "index" else self.seen
        return "define" if valid and name not in seen else "reused"

    def _parse_rows(self, env: Env) -> list[_ParsedRow]:
        out = []
        condition_before = False
        for row in env.rows:
            # names of the assumptions before this row count as seen (rule 7); later ones do not
            while self.assumes_seen < len(self.assumes) and self.assumes[self.assumes_seen].offset < row.offset:
                a = self.assumes[self.assumes_seen]
                self.assumes_seen += 1
                if a.tree is not None:
                    self.seen |= _names(a.tree)
                    self.seen_family |= _family_names(a.tree)
            vis = self.defs.visible(row.offset)
            try:
                span = prepare(expand_macros(row.math, macro_table(self.src, row.offset), KNOWN_COMMANDS,
                                             self.src.origins))
                tree = parse_row(span)
            except ReadError as e:
                m = _NOTED_REL.search(row.math.s)
                if m:
                    # a row that states a model or an approximation is listed even when its maths is not read
                    e = ReadError(f"noted: {noted_kind(m.group(1))}", None)
                out.append(_ParsedRow(row, None, None, e, vis))
                # what an unread row may have used or set to zero still counts (rules 6 and 7)
                condition_before = condition_before or bool(_ENDS_ZERO.search(row.math.s))
                self.seen |= rough_names(row.math.s)
                self.seen_family |= rough_family_names(row.math.s)
                continue
            pr = _ParsedRow(row, span, tree, None, vis, t_is_a_number=_t_is_a_number(tree))
            kids = tree.children
            defines = [k for k in kids if k.data == "rel" and k.children[0].type == "DEFINE"]
            how = None if defines else self._defines_with_equals(kids, condition_before)
            if how == "define":
                defines = [kids[1]]
            elif how is not None:
                if how == "after condition":  # v = R under a condition: v is an estimator (rule 16)
                    for head in _set_head(tree):
                        self.solved_names.setdefault(head, row.offset)
                pr.maybe_definition = span.offset(kids[1].children[0].start_pos or 0)
                pr.taints = how == "reused"
            condition_before = condition_before or _is_condition(kids)
            pr.names = frozenset(_names(tree))
            self.seen |= pr.names
            self.seen_family |= _family_names(tree)
            if defines:
                if kids[0].data != "expr" or len(kids) < 3 or kids[1] is not defines[0] or len(defines) > 1:
                    pr.error = ReadError("':=' may only follow the name being defined, once per row",
                                         span.offset(defines[0].children[0].start_pos or 0))
                else:
                    try:
                        name, kind, params = _head(kids[0])
                        if name in PROBABILITY and kind == "func":
                            raise ReadError(f"{name}(...) is a probability (rule 16): a law is not defined with "
                                            "':=' (the laws of probability would no longer hold for it)")
                    except ReadError as e:
                        e.offset, e.text = span.offset(0), span.s[:40]
                        pr.error = e
                        self._taint({head_name(kids[0]) or ""} - {""}, row.offset)
                    else:
                        body = list(kids[2].iter_subtrees())
                        late = any(t.data in ("partial", "dee", "gradop", "frac") for t in body)
                        pr.definition = Definition(name, kind, params, kids[2], row.offset, len(body), span, late)
                        self.defs.add(pr.definition)
            out.append(pr)
        return out

    def _elems(self, pr: _ParsedRow, kinds: Kinds, ranges: dict, collecting: bool,
               usage: Optional[Usage] = None, reading: frozenset[str] = frozenset()) -> list[Elem]:
        assert pr.tree is not None and pr.span is not None
        t = Transformer(pr.span, kinds, pr.visible, ranges, collecting, usage)
        if not collecting:
            t.shapes = self.shapes
        t.reading = reading
        t.index_sets = self.index_sets
        t.random_decl, t.independent_decl, t.iid_decl = self.random_decl, self.independent_decl, self.iid_decl
        t.unread_laws, t.solved_names, t.broken_decl = self.unread_laws, self.solved_names, self.broken_decl
        t.row_names = set(pr.names)
        t.t_is_a_number = pr.t_is_a_number
        kids = pr.tree.children
        if pr.definition is not None:
            kids = kids[1:]
        elems: list[Elem] = []
        rel: Optional[Token] = None
        for k in kids:
            if k.data == "rel":
                rel = k.children[0]
                continue
            value: "Side | ReadError"
            try:
                value = t.expr(k)
            except ReadError as e:
                value = e
            except RecursionError:
                value = ReadError("expression nested too deeply", t.offset(k), pr.span.s[:40])
            except (ValueError, TypeError, ArithmeticError, NotImplementedError, AttributeError) as exc:
                value = ReadError(f"cannot build this expression ({type(exc).__name__}: {exc})"[:200],
                                  t.offset(k), pr.span.s[:40])
            rel_type = rel.type if rel is not None else None
            rel_off = pr.span.offset(rel.start_pos or 0) if rel is not None else pr.span.offset(0)
            elems.append(Elem(rel_type, rel_off, value, str(rel) if rel is not None else ""))
            rel = None
        return elems

    def _chains(self, a: _Assume, kinds: Kinds, collecting: bool) -> list[_Chain]:
        """The relation chains of one assumption line read under ``kinds`` (cached: lines repeat per display)."""
        key = (a.offset, kinds, collecting)
        if key in self._chain_cache:
            return self._chain_cache[key]
        assert a.tree is not None
        t = Transformer(a.span, kinds, self.defs.visible(a.offset), {}, collecting, Usage())
        out: list[_Chain] = []
        chains = [c for c in a.tree.children if isinstance(c, Tree)]
        for n, chain in enumerate(chains):  # one bad chain spoils only itself
            failure: Optional[ReadError] = None
            t.usage = Usage()
            rels: list[sp.Basic] = []
            try:
                if n:
                    t.no_split_range(chains[n - 1], chain)
                rels = t.relations(Tree("start_assume", [chain]))[0][0]
            except ReadError as e:
                failure = e
            except (ValueError, TypeError, ArithmeticError, RecursionError) as exc:
                failure = ReadError(f"cannot read this assumption ({exc})", a.offset)
            if failure is not None and collecting:
                continue
            start, end = node_span(chain) or (0, len(a.span.s))
            text = " ".join(a.span.s[start:end].split())
            where = (a.offset + start, failure) if failure is not None else None
            out.append(_Chain(rels, text, frozenset(_names(chain)), t.usage, where))
        self._chain_cache[key] = out
        return out

    def _relations(self, active: list[_Assume], kinds: Kinds, collecting: bool, used: set[str],
                   usage: Optional[Usage] = None, relevant: bool = False) -> tuple[list[sp.Basic], list[str], set[int]]:
        """The relations of the assumptions about ``used`` (every one when collecting), their statements, and
        the lines of those that could not be read; ``usage`` gathers how their names are used, from every
        chain, or with ``relevant`` only from the chains about ``used``."""
        relations: list[sp.Basic] = []
        statements: list[str] = []
        bad: set[int] = set()
        chains = [c for a in active for c in self._chains(a, kinds, collecting)]
        reach = set(used)
        changed = not collecting or relevant
        while changed:  # a relation about a used name brings in what it relates it to, whole chains at once
            changed = False
            for c in chains:
                subj = set().union(*(_subjects(r) for r in c.rels)) if c.rels else set()
                if subj & reach and not subj <= reach:
                    reach |= subj
                    changed = True
        for c in chains:
            if c.failure is not None:  # an assumption about a name this display uses could not be read
                if c.names & reach or not c.names:
                    self._issue_once(*c.failure)
                    bad.add(self._line(c.failure[0]))
                continue
            if usage is not None and (not relevant or c.names & reach):
                for name in ("index", "upper", "label", "family", "bare", "integer", "transposed", "shapes",
                             "matrix_props", "definite", "one_dim"):
                    getattr(usage, name).update(getattr(c.usage, name))
            keep = c.rels if collecting or set().union(*(_subjects(r) for r in c.rels)) & reach else []
            relations.extend(keep)
            if keep or (not c.rels and c.names & reach):  # `n \in \mathbb{Z}` says what n is without a relation
                statements.append(c.text)
        return relations, statements, bad

    # ------------------------------------------------------------ one display
    def _prepare(self, env: Env) -> tuple:
        """Parse a display's rows and record how its names are used (the first reading)."""
        rows = self._parse_rows(env)
        active = [a for a in self.assumes if a.offset < env.offset and a.tree is not None]
        u_rows = Usage()
        rels1, _, _ = self._relations(active, Kinds(), True, set())
        ranges1 = range_bounds(rels1)
        for pr in rows:
            if pr.tree is not None and pr.error is None:
                self._elems(pr, Kinds(), ranges1, True, u_rows)
        u_assume = Usage()  # only what the assumptions about this display's names say decides their kinds
        self._relations(active, Kinds(), True, u_rows.names(), u_assume, relevant=True)
        return rows, u_assume, u_rows, rels1

    def _env(self, env: Env, rows: list[_ParsedRow], u_assume: Usage, u_rows: Usage,
             rels1: list[sp.Basic]) -> Derivation:
        line = self._line(env.offset)
        name = f"{Path(self.src.path).name}:{line}"
        kind = "\\[...\\]" if env.kind == "\\[" else env.kind
        d = Derivation(name, env.title or f"{kind} at line {line}", source=self.src.path)
        active = [a for a in self.assumes if a.offset < env.offset and a.tree is not None]
        # the dimensions of the shapes are sizes of this display, and what is assumed about them holds (rule 10)
        # shapes hold in the whole file after they are stated (rule 9), also for names this display does not use
        every = Usage()
        self._relations(active, Kinds(), True, set(), every)
        u_assume.shapes = {**every.shapes, **u_assume.shapes}
        u_assume.one_dim |= every.one_dim
        u_assume.definite |= every.definite
        dims = {str(x) for shape in u_assume.shapes.values() for x in shape if isinstance(x, sp.Symbol)
                if set(u_rows.names()) & {n for n, sh in u_assume.shapes.items() if x in sh}}
        used = set(u_rows.names()) | dims
        for r in rels1:
            if _subjects(r) & (u_rows.names() | dims):
                used |= _subjects(r)
        kinds = dataclasses.replace(decide_kinds(u_rows, u_assume, rels1, used), functions=self.functions,
                                    letters=self.letters, declared=self.declared)
        kinds = self._matrix_kinds(kinds, u_rows, u_assume)
        said = Usage()
        relations, statements, unread = self._relations(active, kinds, False, u_rows.names() | dims, said)
        self.declared_shapes = {display_name(n): shape for n, shape in u_assume.shapes.items()}
        self.square = sorted({name for name, _ in said.matrix_props} | u_rows.covariances)  # every declarable property is of a square
        bad = sorted({line for off, line in self.bad_assumes.items() if off < env.offset} | unread)
        self.blocked = (f"the assumption at line {', '.join(map(str, bad))} could not be read (see above); a "
                        "step checked without it could be refuted outside what was assumed") if bad else ""
        ranges = range_bounds(relations)
        sizes = tuple(kinds.symbol(n) for n in sorted(kinds.size))
        d.assumptions = Assumptions(sizes=sizes, relations=tuple(dict.fromkeys(relations)),
                                    cover=tuple(dict.fromkeys(covers(relations, ranges))),
                                    statements=tuple(dict.fromkeys(statements)),
                                    matrices=tuple(sorted(said.matrix_props | {(n, "pd") for n in u_rows.covariances})))
        d.added.extend(f"{n} is positive definite (the covariance of a Gaussian)" for n in sorted(u_rows.covariances)
                       if (n, "pd") not in said.matrix_props)
        d.declared.extend(self.declaration_lines)
        d.added.extend(f"{n} takes whole-number values (compared with an index in an indicator)"
                       for n in sorted(kinds.label))
        amb = sorted(self.ambiguous & u_rows.applied_one)
        if len(amb) > MAX_AMBIGUOUS:
            shown = ", ".join(amb)
            for pr in rows[:1]:
                self._emit(d, Unreadable(f"{self.src.place(pr.row.offset)}: too many names written "
                                         f"like functions without a declaration ({shown}); declare "
                                         f"'% functions: ...' or write products with \\cdot"), "", pr.row.offset,
                           rows)
            return d
        both, plain = self.vector_or_matrix, self.scalar_or_matrix
        # rule 15: a transposed lowercase letter may be a vector or a matrix, a plain capital beside matrices a
        # number or a matrix; each is a reading of its own, like a function name of rule 14
        toggles = [VECTOR_MATRIX_READING + n for n in sorted(both)] + [SCALAR_MATRIX_READING + n for n in sorted(plain)]
        if len(amb) + len(toggles) > MAX_READINGS:
            shown = ", ".join(amb + sorted(both | plain))
            for pr in rows[:1]:
                self._emit(d, Unreadable(f"{self.src.place(pr.row.offset)}: too many names that may be read two "
                                         f"ways ({shown}); declare '% functions:', '% vectors:', '% matrices:' or "
                                         "'% scalars:'"), "", pr.row.offset, rows)
            return d
        amb = amb + toggles
        subsets = [frozenset(c) for k in range(len(amb) + 1) for c in itertools.combinations(amb, k)]

        def kinds_for(sub: frozenset[str]) -> Kinds:
            to_matrix = {t.split(":", 1)[1] for t in sub if t[:1] == "@"}
            if not to_matrix:
                return kinds
            return dataclasses.replace(kinds, vectors=kinds.vectors - to_matrix, matrices=kinds.matrices | to_matrix)

        runs = [self._build(rows, kinds_for(reading), ranges, env, frozenset(n for n in reading if n[:1] != "@"))
                for reading in subsets]
        if toggles:
            # a reading under which some step's shapes cannot agree is not what the author meant; the others
            # stand for the whole display (a name keeps one kind in every row)
            good = [k for k, run in enumerate(runs)
                    if not any(isinstance(c, Unreadable) and c.ill_typed for c, _, _ in run)]
            if good and len(good) < len(runs):
                subsets, runs = [subsets[k] for k in good], [runs[k] for k in good]
        if len({len(r) for r in runs}) > 1:
            shown = ", ".join(n.split(":", 1)[-1] for n in amb)
            for claim, by, off in runs[0]:
                self._emit(d, Unreadable(f"{self.src.place(off)}: the readings of {shown} "
                                         "give different steps; declare '% functions: ...', '% vectors: ...' or "
                                         "'% matrices: ...', or write products with \\cdot"), by, off, rows)
            return d
        index = {sub: n for n, sub in enumerate(subsets)}
        for k, (claim, by, off) in enumerate(runs[0]):
            claims = [r[k][0] for r in runs]
            if all(c == claims[0] for c in claims[1:]):
                self._emit(d, claim, by, off, rows)
                continue
            rel = [n for n in amb if any(s ^ {n} in index and claims[index[s]] != claims[index[s ^ {n}]]
                                         for s in subsets)]
            if not rel:  # not every combination is left: the names this step writes, of those read two ways
                written = set().union(*(_written(c) for c in claims))
                rel = [n for n in amb if len({n in s for s in subsets}) > 1
                       and (n.split(":", 1)[-1] in written or display_name(n.split(":", 1)[-1]) in written)]
            pairs: dict[str, Claim] = {}
            for sub, c in zip(subsets, claims):
                pairs.setdefault(_reading_label(sub & set(rel), rel), c)
            funcs = [n for n in rel if n[:1] != "@"]
            vec = sorted(n.split(":", 1)[1] for n in rel if n.startswith(VECTOR_MATRIX_READING))
            mat = sorted(n.split(":", 1)[1] for n in rel if n.startswith(SCALAR_MATRIX_READING))
            names = ", ".join(funcs)
            settle = (f"Declare '% functions: {names}' if {'they are functions' if len(funcs) > 1 else 'it is a function'}"
                      ", or write the product with \\cdot." if funcs else "")
            if vec:
                shown = ", ".join(vec)
                settle = (settle + f" Declare '% vectors: {shown}' or '% matrices: {shown}' (a transposed letter is "
                          "a matrix unless declared; bold lowercase letters are vectors).").strip()
            if mat:
                shown = ", ".join(mat)
                settle = (settle + f" Declare '% matrices: {shown}' or '% scalars: {shown}' (a plain letter next to "
                          "vectors and matrices may be either).").strip()
            if len(pairs) == 1:
                self._emit(d, next(iter(pairs.values())), by, off, rows)
                continue
            self._emit(d, Readings(tuple(pairs.items()), settle), by, off, rows)
        return d

    def _matrix_kinds(self, kinds: Kinds, u_rows: Usage, u_assume: Usage) -> Kinds:
        """Rule 15: declared, shaped and bold names; a transposed letter is a matrix (lowercase: a vector);
        I is the identity where the display has vectors or matrices and I is not declared otherwise."""
        shaped = u_assume.shapes
        vectors = set(self.declared_vectors) | (set(shaped) & u_assume.one_dim)
        matrices = set(self.declared_matrices) | (set(shaped) - u_assume.one_dim)
        transposed = (self.file_transposed | u_rows.transposed | u_assume.transposed) - set(self.letters) - vectors \
            - matrices
        matrices |= (self.file_definite | u_assume.definite) - set(self.letters) - vectors
        both: set[str] = set()
        for n in transposed:
            if kinds.matrix_kind(n) is None and n not in ("I", "\\mathbf{I}"):
                upper = n[:1].isupper() or n in _UPPER_GREEK
                (matrices if upper else vectors).add(n)
                if not upper:
                    both.add(n)
        self.vector_or_matrix = frozenset(both)
        used = u_rows.names() | u_rows.transposed | u_assume.names()
        any_matrix = bool(vectors | matrices) or any(n.startswith("\\mathbf{") and n not in self.letters for n in used)
        identity = {n for n in ("I", "\\mathbf{I}") if any_matrix and n in used and n not in self.letters
                    and n not in vectors | matrices | set(self.declared_funcs)}
        # a plain capital multiplied with a vector or matrix, or inverted where the display has them, may be a
        # number or a matrix (rule 15 names only transposed letters): both are read unless it is declared
        names = u_rows.names()
        dims = {str(x) for shape in shaped.values() for x in shape if isinstance(x, sp.Symbol)}
        known = vectors | matrices | {n for n in used if kinds.matrix_kind(n)}
        shown = {display_name(n) for n in known}
        beside = {n for group in self.file_products if group & (known | shown) for n in group}
        maybe = (beside | (self.file_inverted if any_matrix else set())) & names
        self.scalar_or_matrix = frozenset(
            n for n in maybe if (n[:1].isupper() or n in _UPPER_GREEK) and n not in vectors | matrices | identity
            and n not in self.letters and n not in kinds.size and n not in dims and n not in self.functions
            and kinds.matrix_kind(n) is None and n not in ("I", "\\mathbf{I}"))
        return dataclasses.replace(kinds, vectors=frozenset(vectors), matrices=frozenset(matrices - identity),
                                   identity=frozenset(identity))

    def _shaped(self, claim: Claim, offset: int) -> Claim:
        """The claim with the display's shapes put in; sides whose shapes cannot agree are an error."""
        if isinstance(claim, Readings):
            return dataclasses.replace(claim, readings=tuple((n, self._shaped(c, offset)) for n, c in claim.readings))
        if not dataclasses.is_dataclass(claim) or isinstance(claim, (Unreadable, Noted)):
            return claim
        store = self.shapes
        if isinstance(claim, DerivativeOf) and isinstance(claim.of, sp.MatrixExpr):
            r, c = store.resolve(claim.of).shape
            if (r, c) != (1, 1) or not isinstance(claim.wrt, sp.MatrixSymbol):
                what = (f"a {r} x {c} matrix by a vector or matrix (a Jacobian)" if isinstance(claim.wrt, sp.MatrixSymbol)
                        else f"a {r} x {c} matrix by the number {claim.wrt}")
                return Unreadable(f"{self.src.place(offset)}: the derivative of {what} is not read; only a number "
                                  "has a gradient here")
        if isinstance(claim, (Equal, Compare)):
            pairs = [(claim.lhs, claim.rhs)]
        elif isinstance(claim, Solves):
            pairs = [(claim.lhs, claim.rhs), (claim.var, claim.value)]
        elif isinstance(claim, DerivativeOf):  # a gradient has the shape of the variable
            pairs = [(claim.result, claim.wrt if isinstance(claim.wrt, sp.MatrixSymbol) else None)]
        else:
            pairs = []
        for a, b in pairs:
            problem = store.sides_problem(a, b)
            if problem:
                return Unreadable(f"{self.src.place(offset)}: {problem}", ill_typed=True)
        fields = [f.name for f in dataclasses.fields(claim)]
        return dataclasses.replace(claim, **{f: store.resolve(getattr(claim, f)) for f in fields
                                             if isinstance(getattr(claim, f), sp.Basic)})

    def _emit(self, d: Derivation, claim: Claim, by: str, offset: int, rows: list[_ParsedRow]) -> None:
        if self.steps >= caps.MAX_STEPS:
            if not self.capped:
                self.capped = True
                d.add(Unreadable(f"{self.src.place(offset)}: too many steps in this file (limit "
                                 f"{caps.MAX_STEPS}); the rest are not read"), line=self._line(offset))
            return
        self.steps += 1
        if self.blocked and not isinstance(claim, Noted):
            claim = Unreadable(f"{self.src.place(offset)}: {self.blocked}")
        row = max((pr.row for pr in rows if pr.row.offset <= offset), key=lambda r: r.offset, default=None)
        text = " ".join(row.math.s.split()) if row is not None else ""
        kind = claim.kind if isinstance(claim, Noted) else "claim"
        d.add(claim, by=by, line=self._line(offset), text=text, kind=kind, column=self.src.where(offset)[1])

    def _build(self, rows: list[_ParsedRow], kinds: Kinds, ranges: dict, env: Env,
               reading: frozenset[str]) -> list[tuple[Claim, str, int]]:
        """The display's steps under one reading of rule 14 (the names in ``reading`` are functions)."""
        out: list[tuple[Claim, str, int]] = []
        reused = {pr.maybe_definition for pr in rows if pr.maybe_definition is not None}

        def emit(claim: Claim, by: str, offset: int) -> None:
            claim = self._shaped(_random_readings(claim), offset)
            solved = {v: r for v, r in builder.solutions.items() if isinstance(claim, (Equal, Compare))
                      and (claim.lhs.has(v) or claim.rhs.has(v))}
            if solved:  # q + 1 = 4 after 2q - 6 = 0 => q = 3: q free, or q the solution
                names = ", ".join(str(v) for v in solved)
                claim = Readings(((f"{names} free", claim),
                                  (f"{names} the solution above", dataclasses.replace(
                                      claim, lhs=at(claim.lhs, solved), rhs=at(claim.rhs, solved)))),
                                 "Name the solution (write v^* or \\hat{v}) and state it with ':=' to use it.")
            if offset in reused and isinstance(claim, (Equal, Readings)):
                # rule 1: `v = R` with v used before reads as a (re)definition or as a claim; never pick one
                claim = Readings((("a claim", claim), ("a definition of a name used before", Noted("definition"))),
                                 "Write ':=' if the row defines the name, or give the name a new letter.")
            out.append((claim, by, offset))

        def unreadable(e: ReadError, by: str = "") -> None:
            off = e.offset if e.offset is not None else env.offset
            emit(Unreadable(self._message(e), e.text, e.ill_typed), by, off)

        builder = ChainBuilder(emit, unreadable)
        self.shapes = ShapeStore(self.declared_shapes)
        for name in self.square:
            r, c = self.shapes.shape(name, False)
            if not self.shapes.unify(r, c):
                self.blocked = (f"{name} is assumed symmetric, definite, orthogonal or invertible but its shape "
                                f"{r} x {c} is not square, so the assumption cannot hold")
        for pr in rows:
            if pr.error is not None and pr.error.message.startswith("noted: "):
                builder.broken(False)
                emit(Noted(pr.error.message[len("noted: "):]), pr.row.by, pr.row.offset)
                continue
            if pr.error is not None or pr.tree is None:
                builder.broken(bool(_ARROW_START.match(pr.row.math.s)), bool(_ENDS_ZERO.search(pr.row.math.s)))
                unreadable(pr.error or ReadError("cannot read this row", pr.row.offset))
                self._taint(rough_heads(pr.row.math, parse_row), pr.row.offset)
                continue
            tainted = sorted(n for n in pr.names if self.tainted.get(n, (1 << 62,))[0] < pr.row.offset)
            if tainted:
                self._taint(_set_head(pr.tree), pr.row.offset)
                builder.broken(False, bool(_ENDS_ZERO.search(pr.row.math.s)))
                lines = ", ".join(f"{n} (line {self.tainted[n][1]})" for n in tainted)
                unreadable(ReadError(f"uses a name that an unread or ambiguous row may define: {lines}; "
                                     "this row is not checked", pr.row.offset))
                continue
            elems = self._elems(pr, kinds, ranges, False, Usage(), reading)
            if pr.definition is None and len(elems) > 1 and (pr.taints or isinstance(elems[1].value, ReadError)):
                self._taint(_set_head(pr.tree), pr.row.offset)
            if pr.definition is not None:
                body = elems[0]
                builder.finish()
                emit(Noted("definition"), pr.row.by, pr.row.offset)
                if isinstance(body.value, ReadError):
                    builder.broken(False)
                    unreadable(body.value)
                else:
                    builder.start_definition(body.value)
                builder.row(elems[1:], pr.row.by)
            else:
                builder.row(elems, pr.row.by)
        builder.finish()
        for v in builder.solutions:  # a name solved for from the data may be random later (rule 16)
            for name in {str(a.base.label) if isinstance(a, sp.Indexed) else a.name for a in v.atoms(sp.Symbol, sp.Indexed)}:
                self.solved_names.setdefault(name, env.offset)
        return out
