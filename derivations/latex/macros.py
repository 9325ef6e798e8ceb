"""Macros of the document (and of a course preamble): collected from the text, expanded in rows.

``\\newcommand``, ``\\renewcommand``, ``\\providecommand`` (with ``[n]`` parameters and an optional
first argument ``[n][default]``), ``\\def\\name#1#2{...}`` and ``\\DeclareMathOperator{\\name}{text}``
(which becomes ``\\operatorname{text}``). Expansion is text substitution, as TeX does it, under caps:
a recursive or exponential macro stops with a message naming it. Nothing is executed.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable, Optional

from derivations.latex import caps
from derivations.latex.caps import ReadError

__all__ = ["Macro", "collect", "expand"]

MAX_EXPANSIONS = 400  # macro uses expanded in one row, nested ones included


@dataclass(frozen=True)
class Macro:
    """One macro definition: its parameters, body, and where it was defined (for messages)."""

    name: str
    params: int
    default: Optional[str]
    body: str
    offset: int
    where: str

    def describe(self) -> str:
        return f"\\{self.name} (defined at {self.where})"


_NEWCOMMAND = re.compile(
    r"\\(?:(?:re|provide)?newcommand)\*?\s*(?:\{\s*\\([a-zA-Z]+)\s*\}|\\([a-zA-Z]+))"
    r"\s*(?:\[\s*(\d)\s*\])?\s*(?:\[([^\[\]]{0,200})\])?\s*(?=\{)")
_DEF = re.compile(r"\\(?:g|e|x)?def\s*\\([a-zA-Z]+)\s*((?:#\d)*)\s*(?=\{)")
_OPERATOR = re.compile(r"\\DeclareMathOperator\*?\s*(?:\{\s*\\([a-zA-Z]+)\s*\}|\\([a-zA-Z]+))\s*(?=\{)")
_BRACE_TOKEN = re.compile(r"\\[\s\S]|[{}]")
_PARAM = re.compile(r"#(#|[1-9])")


def _group_end(text: str, i: int) -> int:
    """Index just after the ``}`` matching the ``{`` at ``text[i]``; -1 if unbalanced."""
    depth = 0
    for m in _BRACE_TOKEN.finditer(text, i):
        c = m.group()
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
            if depth == 0:
                return m.end()
    return -1


def collect(text: str, where: "callable[[int], str]") -> tuple[str, list[Macro], list[tuple[int, str]]]:
    """Find the macro definitions of ``text``; return it with them blanked, the macros, and problems.

    ``where(offset)`` names a place (``line 3`` or ``course.sty:3``) for messages.
    """
    chars = list(text)
    macros: list[Macro] = []
    problems: list[tuple[int, str]] = []
    found = []
    for m in _NEWCOMMAND.finditer(text):
        found.append((m, m.group(1) or m.group(2), int(m.group(3) or 0), m.group(4), False))
    for m in _DEF.finditer(text):
        hashes = re.findall(r"#(\d)", m.group(2))
        if hashes != [str(k) for k in range(1, len(hashes) + 1)]:
            problems.append((m.start(), f"macro \\{m.group(1)}: parameters must be #1#2... in order"))
            continue
        found.append((m, m.group(1), len(hashes), None, False))
    for m in _OPERATOR.finditer(text):
        found.append((m, m.group(1) or m.group(2), 0, None, True))
    for m, name, params, default, operator in sorted(found, key=lambda f: f[0].start()):
        end = _group_end(text, m.end())
        if end < 0:
            problems.append((m.start(), f"macro \\{name}: unbalanced braces in its body"))
            continue
        body = text[m.end() + 1: end - 1]
        if operator:
            body = r"\operatorname{" + " ".join(body.split()) + "}"
        for j in range(m.start(), end):
            if chars[j] != "\n":
                chars[j] = " "
        if len(macros) >= caps.MAX_MACROS:
            problems.append((m.start(), f"too many macros (limit {caps.MAX_MACROS}); \\{name} ignored"))
        elif len(body) > caps.MAX_MACRO_BODY:
            problems.append((m.start(), f"macro \\{name} body too long ({len(body)} characters; "
                                        f"limit {caps.MAX_MACRO_BODY}); it is not expanded"))
        elif default is not None and params == 0:
            problems.append((m.start(), f"macro \\{name}: an optional argument needs [n] parameters"))
        else:
            macros.append(Macro(name, params, default, body, m.start(), where(m.start())))
    return "".join(chars), macros, problems


def _skip_space(s: str, i: int) -> int:
    while i < len(s) and s[i] in " \t\n":
        i += 1
    return i


def _argument(s: str, i: int, macro: Macro, k: int) -> tuple[str, int]:
    """The ``k``-th mandatory argument at ``s[i:]``: a brace group, a command, or one character."""
    i = _skip_space(s, i)
    if i >= len(s) or s[i] in "}&":
        raise ValueError(f"macro {macro.describe()} needs {macro.params} argument(s); argument {k} is missing")
    if s[i] == "{":
        end = _group_end(s, i)
        if end < 0:
            raise ValueError(f"argument {k} of macro {macro.describe()} has unbalanced braces")
        return s[i + 1: end - 1], end
    if s[i] == "\\":
        m = re.compile(r"\\([a-zA-Z]+|.)").match(s, i)
        assert m is not None
        return m.group(), m.end()
    return s[i], i + 1


def _optional(s: str, i: int) -> tuple[Optional[str], int]:
    """An optional ``[...]`` argument at ``s[i:]`` (brackets inside braces do not end it)."""
    j = _skip_space(s, i)
    if j >= len(s) or s[j] != "[":
        return None, i
    depth = 0
    for t in range(j + 1, len(s)):
        c = s[t]
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
        elif c == "]" and depth == 0:
            return s[j + 1: t], t + 1
    return None, i


def _use(s: str, start: int, end: int, macro: Macro) -> tuple[str, int]:
    """The replacement text of one use of ``macro`` (name at ``s[start:end]``), and where the use ends."""
    args: list[str] = []
    i = end
    first = 1
    if macro.default is not None:
        opt, i = _optional(s, i)
        args.append(macro.default if opt is None else opt)
        first = 2
    for k in range(first, macro.params + 1):
        arg, i = _argument(s, i, macro, k)
        args.append(arg)

    def sub(m: re.Match[str]) -> str:
        if m.group(1) == "#":
            return "#"
        k = int(m.group(1))
        return args[k - 1] if k <= len(args) else m.group()

    return _PARAM.sub(sub, macro.body), i


def expand(row: "Span", table: dict[str, Macro], known: Iterable[str],
           origins: Optional[dict[int, str]] = None) -> "Span":
    """Replace every use of a macro of ``table`` (those shadowing ``known`` commands stay), with caps.

    The characters of an expansion point at the use, and ``origins`` records, for that file offset,
    the macro it came from, so that an error inside an expansion names the macro.
    """
    known_set = set(known)
    names = sorted((n for n in table if n not in known_set), key=len, reverse=True)
    if not names:
        return row
    pat = re.compile(r"\\(" + "|".join(re.escape(n) for n in names) + r")(?![a-zA-Z])")
    count = 0
    m = pat.search(row.s)
    while m:
        macro = table[m.group(1)]
        count += 1
        if count > MAX_EXPANSIONS:
            raise ReadError(f"macro {macro.describe()}: more than {MAX_EXPANSIONS} expansions in one row "
                            "(is it recursive?)", row.offset(m.start()), m.group())
        try:
            text, end = _use(row.s, m.start(), m.end(), macro)
        except ValueError as exc:
            raise ReadError(str(exc), row.offset(m.start()), m.group()) from None
        if origins is not None:
            origins.setdefault(row.offset(m.start()), macro.describe())
        # a trailing space keeps `\foo x` from joining into one command after expansion
        row = row.replace_at(m.start(), end, text + " ")
        if len(row.s) > caps.MAX_ROW_CHARS:
            raise ReadError(f"macro {macro.describe()}: expansion too large (over {caps.MAX_ROW_CHARS} "
                            "characters)", row.offset(m.start()), m.group())
        m = pat.search(row.s, m.start())
    return row
