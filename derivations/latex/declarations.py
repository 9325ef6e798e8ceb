"""Declaration comment lines, read once per file: what names are (rule 14), which are random (rule 16).

``% functions: f, g``, ``% variables: e``, ``% scalars: w``, ``% vectors: x``, ``% matrices: A``, ``% random: X, x_i``, ``% independent: X, Y``,
``% iid: x_n, mean \\mu, variance \\sigma^2`` and ``% law: Y \\sim ...`` (a law, not read yet). A line that
cannot be read is reported through ``issue`` with its place; the others still count.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable, Optional

from lark import Tree

from derivations.latex.caps import ReadError
from derivations.latex.parse import parse_row
from derivations.latex.source import Source, Span

__all__ = ["Declarations", "read_declarations"]

_DECLARATION = re.compile(r"^[ \t]*%[ \t]*(functions|variables|scalars|vectors|matrices)[ \t]*:([^\n]*)$",
                          re.MULTILINE)
_RANDOM_DECL = re.compile(r"^[ \t]*%[ \t]*(random|independent)[ \t]*:([^\n]*)$", re.MULTILINE)
_LAW_DECL = re.compile(r"^[ \t]*%[ \t]*law[ \t]*:[ \t]*(?P<name>[^\n]*?)\s*\\sim[^\n]*$", re.MULTILINE)
_IID_DECL = re.compile(r"^[ \t]*%[ \t]*iid[ \t]*:([^\n]*)$", re.MULTILINE)
_IID_PARTS = re.compile(r"^\s*(?P<fam>[^,]+?)\s*,\s*mean\s+(?P<mean>[^,]+?)\s*,\s*variance\s+(?P<var>.+?)\s*$")
_DECL_NAME = re.compile(r"^\\?([a-zA-Z]+)(?:_\{?\s*\\?[a-zA-Z0-9]+\s*\}?)?$")
_BOLD_DECL = re.compile(r"^\\?(?:mathbf|bm|boldsymbol)\s*\{\s*\\?([a-zA-Z]+)\s*\}$")


@dataclass
class Declarations:
    """What the declaration lines of one file say, and the lines as the report lists them."""

    functions: frozenset[str] = frozenset()
    letters: frozenset[str] = frozenset()
    vectors: frozenset[str] = frozenset()  # '% vectors: x, w' (rule 15), as the reader names them
    matrices: frozenset[str] = frozenset()
    lines: list[str] = field(default_factory=list)
    random: Optional[frozenset[str]] = None  # None: no '% random:' line (every reading is checked)
    independent: frozenset[str] = frozenset()
    iid: Optional[tuple[str, Tree, Tree, Span, Span]] = None  # family, mean and variance trees, their spans
    unread_laws: dict[str, int] = field(default_factory=dict)  # name -> line of its '% law:'
    broken: list[int] = field(default_factory=list)  # lines of random/independent/iid declarations not read


def _bold_name(declared: str) -> str:
    """``% scalars: w`` (or ``\\mathbf{w}``) names the bold letter w as a number of its own."""
    m = _BOLD_DECL.match(declared)
    return f"\\mathbf{{{m.group(1) if m else declared}}}"

def read_declarations(src: Source, report: Callable[[int, ReadError], None],
                      line_of: Callable[[int], int]) -> Declarations:
    """Every declaration line of ``src``; a random, independent or iid line that is not read is ``broken``."""
    broken: list[int] = []

    def issue(offset: int, e: ReadError) -> None:
        broken.append(line_of(offset))
        report(offset, e)

    funcs: set[str] = set()
    letters: set[str] = set()
    vectors: set[str] = set()
    matrices: set[str] = set()
    lines: list[str] = []
    for m in _DECLARATION.finditer(src.text):
        names = {n.strip().lstrip("\\") for n in m.group(2).split(",") if n.strip()}
        if names:
            lines.append(
                f"{m.group(1)}: {', '.join(n.strip() for n in m.group(2).split(',') if n.strip())}")
        if m.group(1) == "scalars":
            # a bold letter declared a scalar is a number of its own (rule 15)
            names = {_bold_name(n) for n in names} | {n for n in names if not _BOLD_DECL.match(n)}
        if m.group(1) in ("vectors", "matrices"):
            (vectors if m.group(1) == "vectors" else matrices).update(_bold_name(n) if _BOLD_DECL.match(n) else n
                                                                      for n in names)
            continue
        (funcs if m.group(1) == "functions" else letters).update(names)
    random: Optional[frozenset[str]] = None
    independent: frozenset[str] = frozenset()
    for m in _RANDOM_DECL.finditer(src.text):
        names = set()
        for raw in (n.strip() for n in m.group(2).split(",")):
            got = _DECL_NAME.match(raw)
            if got and m.group(1) == "independent" and "_" in raw:
                issue(m.start(2), ReadError(
                    f"% independent: '{raw}' is a family element; independence of elements is not read (use "
                    "'% iid:' for a sample, or letters of their own)", m.start(2)))
                continue
            if raw and not got:
                issue(m.start(2), ReadError(f"% {m.group(1)}: '{raw}' is not a name (write X, x_i or "
                                                       "\\theta)", m.start(2)))
            elif got:
                names.add(got.group(1))
        lines.append(f"{m.group(1)}: {', '.join(sorted(names))}")
        if m.group(1) == "random":
            random = (random or frozenset()) | names
        elif independent:
            issue(m.start(), ReadError("one '% independent:' line per file (the variables of one "
                                                  "line are mutually independent)", m.start()))
        else:
            independent = frozenset(names)
    unread_laws: dict[str, int] = {}
    for m in _LAW_DECL.finditer(src.text):
        got = _DECL_NAME.match(m.group("name").strip())
        if got:
            unread_laws[got.group(1)] = line_of(m.start())
            lines.append(f"law: {m.group(0).split(':', 1)[1].strip()} (not read yet)")
    iid: Optional[tuple[str, Tree, Tree, Span, Span]] = None
    for m in _IID_DECL.finditer(src.text):
        parts = _IID_PARTS.match(m.group(1))
        fam = _DECL_NAME.match(parts.group("fam")) if parts else None
        if parts is None or fam is None or iid is not None:
            issue(m.start(1), ReadError(
                "write '% iid: x_n, mean \\mu, variance \\sigma^2' (a family, its mean and its variance), "
                "once per file", m.start(1)))
            continue
        try:
            spans = [Span.at(src.text, m.start(1) + parts.start(g), m.start(1) + parts.end(g))
                     for g in ("mean", "var")]
            trees_ = [parse_row(sp_).children[0] for sp_ in spans]
        except ReadError as e:
            issue(m.start(1), e)
            continue
        iid = (fam.group(1), trees_[0], trees_[1], spans[0], spans[1])
        lines.append(f"iid: {fam.group(1)}, mean {spans[0].s}, variance {spans[1].s}")
        random = (random or frozenset()) | {fam.group(1)}
    if independent - (random or frozenset()):
        random = (random or frozenset()) | independent
    for name in sorted(vectors & matrices):
        issue(0, ReadError(f"{name} is declared both a vector and a matrix", 0))
    return Declarations(frozenset(funcs), frozenset(letters), frozenset(vectors - matrices),
                        frozenset(matrices - vectors), lines, random, independent, iid, unread_laws,
                        sorted(set(broken)))
