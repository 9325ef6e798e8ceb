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

__all__ = ["head_name", "rough_heads"]

_SEGMENTS = re.compile(r"\\q?quad(?![a-zA-Z])|\\text\s*\{[^{}]*\}|\\mbox\s*\{[^{}]*\}|,\s*(?=\\q?quad)")
_FIRST_REL = re.compile(r":=|\\coloneqq(?![a-zA-Z])|\\triangleq(?![a-zA-Z])|\\equiv(?![a-zA-Z])|(?<![<>!\\])=")


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
    for c in items[0].children[1:]:  # x^2 = 4 is a claim about x, not a name being given a meaning
        if isinstance(c, Tree) and c.data == "superscript" and "paren" not in {x.data for x in c.iter_subtrees()}:
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
            if tree is not None and tree.children and isinstance(tree.children[0], Tree):
                left = tree.children[0].children[0] if tree.children[0].data == "row" else tree.children[0]
                name = head_name(left) if isinstance(left, Tree) and left.data == "expr" else None
                if name:
                    out.add(name)
        start = m.end() if m is not None else len(text.s)
    return out
