"""Names whose meaning a row may have set but that could not be read: later uses are not checked.

A row such as ``\\gamma(z_{nk}) = \\frac{...}{...}`` that fails to read may define gamma; checking a
later row with gamma as a free symbol would refute true steps, so later rows that use it are errors.
"""
from __future__ import annotations

import re
from typing import Callable, Optional

from lark import Tree

from derivations.latex.caps import ReadError
from derivations.latex.lower_nodes import postfix_name
from derivations.latex.source import Span

__all__ = ["head_name", "rough_family_names", "rough_heads", "rough_names"]

_SEGMENTS = re.compile(r"\\q?quad(?![a-zA-Z])|\\text\s*\{[^{}]*\}|\\mbox\s*\{[^{}]*\}|,\s*(?=\\q?quad)")
_FIRST_REL = re.compile(r":\s*=|(?<![<>!\\])=|\\(coloneqq|coloneq|Coloneqq|eqqcolon|triangleq|equiv|doteq|gets|leftarrow|"
                        r"stackrel|overset|colon|vcentcolon|mathrel|approx)(?![a-zA-Z])")
_GREEK = ("alpha|beta|gamma|delta|epsilon|varepsilon|zeta|eta|theta|vartheta|iota|kappa|lambda|mu|nu|xi|rho|"
          "varrho|sigma|varsigma|tau|upsilon|phi|varphi|chi|psi|omega|Gamma|Delta|Theta|Lambda|Xi|Sigma|Upsilon|"
          "Phi|Psi|Omega|ell")
_LETTER = re.compile(r"\\(" + _GREEK + r")(?![a-zA-Z])|(?<![\\a-zA-Z])([a-zA-Z])(?![a-zA-Z])")
_WRAPPERS = re.compile(r"\\(boxed|color\s*\{[a-z]*\}|underbrace|overbrace|phantom\s*\{[^{}]*\}|left\.|right\.|"
                       r"text\s*\{[^{}]*\}|mathrm\s*\{[^{}]*\}|mbox\s*\{[^{}]*\})")


_ROUGH_NAME = re.compile(r"\\([a-zA-Z]+)|(?<![\\a-zA-Z])([a-zA-Z])")
_ROUGH_FAMILY = re.compile(r"(?:\\([a-zA-Z]+)|(?<![\\a-zA-Z])([a-zA-Z]))\s*\}?\s*(?:_|\^\s*\{?\s*\()")


def rough_names(text: str) -> set[str]:
    """Every command word and single letter in text that did not parse: more names than it uses, never fewer."""
    return {a or b for a, b in _ROUGH_NAME.findall(text)}


def rough_family_names(text: str) -> set[str]:
    """The names in text that did not parse that are written with an index (``x_``, ``x^{(``)."""
    return {a or b for a, b in _ROUGH_FAMILY.findall(text)}


def _sample_or_square(sup: Tree) -> bool:
    if "paren" in {x.data for x in sup.iter_subtrees()}:
        return True
    simple = [x for x in sup.iter_subtrees() if x.data == "simple"]
    return len(simple) == 1 and str(simple[0].children[0]) == "2" and len(list(sup.iter_subtrees())) <= 3


def head_name(left: Tree) -> Optional[str]:
    """The name at the head of a left side that could be defined: ``x``, ``N_k``, ``\\hat\\mu``, ``f(x, y)``."""
    kids = [c for c in left.children if isinstance(c, Tree)]
    if len(kids) != 1 or kids[0].data != "term":
        return None
    items = kids[0].children
    if not 1 <= len(items) <= 2 or items[0].data != "postfix" or not isinstance(items[0].children[0], Tree):
        return None
    if len(items) == 2 and not (items[1].data == "postfix" and isinstance(items[1].children[0], Tree)
                                and items[1].children[0].data == "paren"):
        return None
    for c in items[0].children[1:]:  # x^3 = 8 is a claim about x; a sample x^{(m)} or a variance s^2 is a name
        if isinstance(c, Tree) and c.data == "superscript" and not _sample_or_square(c):
            return None
    return postfix_name(items[0])


def rough_heads(text: Span, parse: Callable[[Span], Tree]) -> set[str]:
    """Heads of the definitions an unparsed row may hold, one per ``\\qquad``-separated part."""
    out: set[str] = set()
    start = 0
    for m in list(_SEGMENTS.finditer(text.s)) + [None]:
        end = m.start() if m is not None else len(text.s)
        part = text.s[start:end]
        rel = _FIRST_REL.search(part)
        if rel is not None and part[: rel.start()].strip():
            try:
                tree = parse(text[start: start + rel.start()])
            except (ReadError, ValueError, TypeError, IndexError):
                tree = None
            name = None
            if tree is not None and tree.children and isinstance(tree.children[0], Tree):
                left = tree.children[0].children[0] if tree.children[0].data == "row" else tree.children[0]
                name = head_name(left) if isinstance(left, Tree) and left.data == "expr" else None
            if name:
                out.add(name)
            elif tree is None:  # \boxed{q = 3}, {\color{red} q} = 3, s^2 \doteq ...: a short left side's letters
                left = _WRAPPERS.sub(" ", part[: rel.start()])
                letters = {a or b for a, b in _LETTER.findall(left)} - {"e"}
                if 1 <= len(letters) <= 2 and len(left.strip()) <= 40 and \
                        not re.search(r"[-+/]|\\(sum|prod|frac|cdot)", left):
                    out |= letters
        start = m.end() if m is not None else len(text.s)
    return out
