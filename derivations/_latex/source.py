"""From a file's bytes to the rows of its displays, each with its place in the file.

Only text is handled here: decoding, Unicode checks, comments, macros, environments,
rows, justifications. Nothing is parsed as mathematics and nothing is executed.
"""
from __future__ import annotations

import bisect
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Iterable, Optional

from .._errors import InputError
from . import caps

__all__ = ["Env", "Issue", "Row", "Source", "Span", "char_problem", "read_source"]

ENVIRONMENTS = ("align", "align*", "equation", "equation*")
TRANSPARENT = ("aligned", "split", "gathered", "alignedat")
BIDI = set("\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
ZERO_WIDTH = set("\u200b\u200c\u200d\u2060\u2061\u2062\u2063\u2064\ufeff\u180e\u00ad")
FORBIDDEN = re.compile(r"\\(input|include|includeonly|immediate\s*\\write18|write18|immediate\s*\\write|write|openin|"
                       r"openout|read|catcode|csname)(?![a-zA-Z])")
HEADING = re.compile(r"\\(?:section|subsection|subsubsection|paragraph)\*?\s*\{([^{}]*)\}")
LATIN_LOOKALIKE = {
    "а": "a", "в": "B", "е": "e", "к": "K", "м": "M", "н": "H", "о": "o", "р": "p", "с": "c", "т": "T",
    "у": "y", "х": "x", "і": "i", "ј": "j", "ѕ": "s", "ԁ": "d", "ԛ": "q", "ԝ": "w", "ο": "o", "ν": "v",
    "ι": "i", "κ": "k", "τ": "t", "ρ": "p", "α": "a", "ɑ": "a", "ɡ": "g",
}


@dataclass
class Span:
    """A piece of the file text; ``pos[i]`` is the file offset of ``s[i]``."""

    s: str
    pos: list[int]

    @staticmethod
    def at(text: str, start: int, end: int) -> "Span":
        return Span(text[start:end], list(range(start, end)))

    def __getitem__(self, k: slice) -> "Span":
        return Span(self.s[k], self.pos[k])

    def __add__(self, other: "Span") -> "Span":
        return Span(self.s + other.s, self.pos + other.pos)

    def offset(self, i: int) -> int:
        if not self.pos:
            return 0
        return self.pos[min(max(i, 0), len(self.pos) - 1)]

    def blank(self, i: int, j: int) -> "Span":
        return Span(self.s[:i] + " " * (j - i) + self.s[j:], self.pos)

    def strip(self) -> "Span":
        left = len(self.s) - len(self.s.lstrip())
        right = len(self.s.rstrip())
        return self[left:right] if right > left else Span("", [])

    def replace_at(self, i: int, j: int, text: str) -> "Span":
        """Replace ``s[i:j]`` by ``text``, whose characters all point at the old ``i``."""
        return Span(self.s[:i] + text + self.s[j:], self.pos[:i] + [self.offset(i)] * len(text) + self.pos[j:])


@dataclass
class Issue:
    """A problem with the file outside any step (reported as an error step)."""

    offset: int
    message: str
    text: str = ""


@dataclass
class Row:
    """One row of a display: its maths, its justification, where it starts."""

    math: Span
    by: str
    offset: int


@dataclass
class Env:
    """One display environment: its kind, the offset of ``\\begin``, its rows, a heading."""

    kind: str
    offset: int
    rows: list[Row]
    title: str = ""


@dataclass
class Source:
    """A file read into text, with everything the maths reader needs."""

    path: str
    text: str
    line_starts: list[int]
    envs: list[Env] = field(default_factory=list)
    assumes: list[tuple[int, Span]] = field(default_factory=list)
    macros: list[tuple[int, str, Optional[str]]] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)

    def where(self, offset: int) -> tuple[int, int]:
        """1-based line and column of a file offset."""
        lo = max(bisect.bisect_right(self.line_starts, offset) - 1, 0)
        return lo + 1, offset - self.line_starts[lo] + 1

    def place(self, offset: int) -> str:
        line, col = self.where(offset)
        return f"{self.path}:{line}:{col}"


def _char_name(c: str) -> str:
    return f"U+{ord(c):04X} {unicodedata.name(c, 'unnamed character')}"


def char_problem(c: str) -> Optional[str]:
    """Why a character may not appear in mathematics, or None for plain ASCII."""
    if c.isascii() and (c.isprintable() or c in "\t\n\r"):
        return None
    if c in LATIN_LOOKALIKE:
        return (f"character {c!r} ({_char_name(c)}) looks like the Latin letter {LATIN_LOOKALIKE[c]!r}; "
                "letters from other scripts are rejected in mathematics")
    if unicodedata.category(c).startswith("L"):
        name = unicodedata.name(c, "")
        hint = ""
        if name.startswith("GREEK"):
            hint = f"; write the LaTeX command, e.g. \\{name.split()[-1].lower()}"
        return f"letter {c!r} ({_char_name(c)}) from another script is not read in mathematics{hint}"
    return f"character {c!r} ({_char_name(c)}) is not read in mathematics; write it as LaTeX"


def _decode(data: bytes, path: str) -> str:
    if len(data) > caps.MAX_FILE_BYTES:
        raise InputError(f"file too large ({len(data)} bytes; limit {caps.MAX_FILE_BYTES})", path)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise InputError(f"not UTF-8: byte 0x{data[exc.start]:02x} cannot be decoded", path, line, col) from None
    return text[1:] if text.startswith("\ufeff") else text


def _normalize(text: str, path: str) -> str:
    """Reject invisible controls; NFKC each line, keeping super/subscript digits visible as themselves."""
    lines = text.split("\n")
    out = []
    for n, line in enumerate(lines, 1):
        for col, c in enumerate(line, 1):
            if c in BIDI:
                raise InputError(f"bidirectional control character {_char_name(c)} is not allowed: "
                                 "it can make the text shown differ from the text read", path, n, col)
            if c in ZERO_WIDTH:
                raise InputError(f"invisible character {_char_name(c)} is not allowed", path, n, col)
        runs = re.split(r"([^\x00-\x7f])", line)
        parts = []
        for r in runs:
            if len(r) == 1 and unicodedata.decomposition(r).startswith(("<super>", "<sub>")):
                parts.append(r)
            else:
                parts.append(unicodedata.normalize("NFKC", r))
        out.append("".join(parts))
    return "\n".join(out)


def _strip_comments(text: str) -> tuple[str, list[tuple[int, Span]]]:
    """Blank every ``%`` comment (keeping offsets); return ``% assume:`` contents with their places."""
    assumes: list[tuple[int, Span]] = []
    chars = list(text)
    for m in re.finditer(r"%[^\n]*", text):
        i = m.start()
        k = i
        while k > 0 and text[k - 1] == "\\":
            k -= 1
        if (i - k) % 2 == 1:
            continue
        body = m.group()[1:]
        am = re.match(r"\s*assume\s*:", body)
        if am:
            start = i + 1 + am.end()
            assumes.append((i, Span.at(text, start, m.end())))
        for j in range(i, m.end()):
            chars[j] = " "
    return "".join(chars), assumes


def _top_level(s: str, pattern: re.Pattern[str], i: int = 0) -> Optional[re.Match[str]]:
    """First match of ``pattern`` at brace depth 0 (counted from ``i``), never inside a ``\\x`` escape."""
    depth = 0
    while i < len(s):
        if depth == 0:
            m = pattern.match(s, i)
            if m:
                return m
        c = s[i]
        if c == "\\":
            i += 2
            continue
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
        i += 1
    return None


_CLOSE_BRACE = re.compile(r"\}")


def _balanced(text: str, i: int) -> int:
    """Index just after the brace group opening at ``text[i] == '{'``; -1 if unbalanced."""
    m = _top_level(text, _CLOSE_BRACE, i + 1)
    return m.end() if m else -1


_MACRO = re.compile(r"\\(?:(?:re|provide)?newcommand\*?\s*(?:\{\s*\\([a-zA-Z]+)\s*\}|\\([a-zA-Z]+))\s*(\[\s*\d\s*\])?"
                    r"|def\s*\\([a-zA-Z]+)\s*(#\d)?)\s*(?=\{)")


def _macros(text: str, src: Source) -> str:
    """Collect parameterless macros (name -> body); blank their definitions."""
    chars = list(text)
    for m in _MACRO.finditer(text):
        name = m.group(1) or m.group(2) or m.group(4)
        end = _balanced(text, m.end())
        if end < 0:
            src.issues.append(Issue(m.start(), f"macro \\{name}: unbalanced braces in its body"))
            continue
        params = m.group(3) or m.group(5)
        body = text[m.end() + 1: end - 1]
        if len(src.macros) >= caps.MAX_MACROS:
            src.issues.append(Issue(m.start(), f"too many macros (limit {caps.MAX_MACROS}); \\{name} ignored"))
        elif params:
            src.macros.append((m.start(), name, None))
        elif len(body) > caps.MAX_MACRO_BODY:
            src.issues.append(Issue(m.start(), f"macro \\{name} body too long ({len(body)} characters; "
                                               f"limit {caps.MAX_MACRO_BODY})"))
            src.macros.append((m.start(), name, None))
        else:
            src.macros.append((m.start(), name, body))
        for j in range(m.start(), end):
            if chars[j] != "\n":
                chars[j] = " "
    return "".join(chars)


_BEGIN = re.compile(r"\\begin\s*\{(align\*?|equation\*?)\}|(?<!\\)\\\[")


def _environments(text: str, src: Source) -> list[tuple[str, int, int, int]]:
    """``(kind, begin offset, body start, body end)`` for each display, in file order."""
    out = []
    i = 0
    while (m := _BEGIN.search(text, i)) is not None:
        if m.group(1):
            kind = m.group(1)
            end_pat = re.compile(r"\\end\s*\{" + re.escape(kind) + r"\}")
        else:
            kind = "\\["
            end_pat = re.compile(r"(?<!\\)\\\]")
        e = end_pat.search(text, m.end())
        nxt = _BEGIN.search(text, m.end())
        if e is None or (nxt is not None and nxt.start() < e.start() and nxt.group(1) is not None):
            shown = f"\\begin{{{kind}}}" if kind != "\\[" else "\\["
            src.issues.append(Issue(m.start(), f"{shown} is never closed"))
            i = m.end()
            continue
        out.append((kind, m.start(), m.end(), e.start()))
        i = e.end()
    return out


_DROP = re.compile(
    r"\\(nonumber|notag)(?![a-zA-Z])|\\(label|tag\*?)\s*\{[^{}]*\}|\\(begin|end)\s*\{(" + "|".join(TRANSPARENT)
    + r")\}(\s*\{[^{}]*\})?|\\(smallskip|medskip|bigskip|allowdisplaybreaks)(?![a-zA-Z])"
)


_ROW_BREAK = re.compile(r"\\\\\*?(?:\s*\[[^\]]*\])?|\\intertext\s*\{")


def _split_rows(body: Span) -> list[Span]:
    """Split at top-level ``\\\\`` (and ``\\intertext{...}``), dropping ``\\\\[2pt]`` spacing."""
    s = body.s
    rows: list[Span] = []
    start = 0
    while (m := _top_level(s, _ROW_BREAK, start)) is not None:
        end = m.end()
        if m.group().startswith("\\intertext"):
            end = _balanced(s, end - 1)
            if end < 0:
                break
        rows.append(body[start: m.start()])
        start = end
    rows.append(body[start:])
    return rows


def _clean_text(t: str) -> str:
    for _ in range(5):
        t = re.sub(r"\\(text|textrm|textit|textbf|textsf|mbox|emph|mathrm|operatorname)\s*\{([^{}]*)\}", r"\2", t)
    t = re.sub(r"\\(quad|qquad)(?![a-zA-Z])|\\[,;:! ]|[~&$]", " ", t)
    return " ".join(t.split())


_JUSTIFY = re.compile(r"\\(quad|qquad)(?![a-zA-Z])|&\s*&")


def _split_justification(row: Span) -> tuple[Span, str]:
    """Math before a top-level ``&&``, ``\\quad`` or ``\\qquad`` (or a final ``\\text{}``); text after."""
    s = row.s
    i = 0
    while (m := _top_level(s, _JUSTIFY, i)) is not None:
        if m.group().startswith("&"):
            return row[: m.start()], _clean_text(s[m.end():])
        if re.sub(r"[&\s]|\\[,;:! ]", "", s[: m.start()]):
            return row[: m.start()], _clean_text(s[m.start():])
        i = m.end()
    m = re.search(r"\\(text|mbox|textrm)\s*\{", s)
    if m and re.sub(r"[&\s]|\\[,;:! ]", "", s[: m.start()]):
        end = _balanced(s, m.end() - 1)
        if end > 0 and not s[end:].strip(" \t\n.,;"):
            depth_at = s[: m.start()].count("{") - s[: m.start()].count("}")
            if depth_at == 0:
                return row[: m.start()], _clean_text(s[m.start():])
    return row, ""


_LEADING_SPACE = re.compile(r"(\s|\\[,;:! ]|\\(quad|qquad)(?![a-zA-Z])|~)*")
_OPEN = re.compile(r"(?<!\\)[(\[]|\\\{|\\left(?![a-zA-Z])")
_CLOSE = re.compile(r"(?<!\\)[)\]]|\\\}|\\right(?![a-zA-Z])")


def _continues(prev: Span, cur_raw: str, cur: Span) -> bool:
    """Does this row continue the previous row's expression (a broken long line)?"""
    p = prev.s.rstrip()
    if re.search(r"(\+|-|\\cdot|\\times)$", p):
        return True
    opens = len(_OPEN.findall(re.sub(r"\\left(?![a-zA-Z])", "", p)))
    closes = len(_CLOSE.findall(re.sub(r"\\right(?![a-zA-Z])", "", p)))
    if opens > closes:
        return True
    lead_amp = cur_raw.lstrip().startswith("&")
    head = cur.s[_LEADING_SPACE.match(cur.s).end():]
    return lead_amp and bool(re.match(r"(\+|-|\\cdot|\\times)", head))


def _rows(body: Span) -> list[Row]:
    out: list[Row] = []
    for raw in _split_rows(body):
        m = _DROP.search(raw.s)
        while m:
            raw = raw.blank(m.start(), m.end())
            m = _DROP.search(raw.s)
        math, by = _split_justification(raw)
        math = Span(math.s.replace("&", " "), math.pos)
        math = math.strip()
        trail = re.search(r"\s*[.,;]\s*$", math.s)
        if trail:
            math = math[: trail.start()]
        if not math.s:
            continue
        if out and _continues(out[-1].math, raw.s, math):
            prev = out[-1]
            joined = prev.math + Span(" ", [math.offset(0)]) + math
            out[-1] = Row(joined, "; ".join(b for b in (prev.by, by) if b), prev.offset)
            continue
        out.append(Row(math, by, math.offset(0)))
    return out


def read_source(data: bytes, path: str) -> Source:
    """Decode, check and split a file into environments and rows; InputError if unreadable."""
    text = _normalize(_decode(data, path), path)
    line_starts = [0] + [m.end() for m in re.finditer("\n", text)]
    src = Source(path, text, line_starts)
    stripped, src.assumes = _strip_comments(text)
    for m in FORBIDDEN.finditer(stripped):
        cmd = " ".join(m.group(0).split())
        src.issues.append(Issue(m.start(), f"{cmd} is never followed: only this file is read, nothing is run",
                                text[m.start(): m.end() + 40].split("\n")[0]))
    stripped = _macros(stripped, src)
    headings = [(m.start(), " ".join(m.group(1).split())) for m in HEADING.finditer(stripped)]
    for kind, begin, b0, b1 in _environments(stripped, src):
        title = ""
        for off, t in headings:
            if off < begin:
                title = t
        src.envs.append(Env(kind, begin, _rows(Span.at(stripped, b0, b1)), title))
    return src


def macro_table(src: Source, before: int) -> dict[str, Optional[str]]:
    """Macros defined before a file offset: name -> body (None for one with parameters)."""
    return {name: body for off, name, body in src.macros if off < before}


def expand_macros(row: Span, table: dict[str, Optional[str]], known: Iterable[str]) -> Span:
    """Replace uses of parameterless macros (not shadowing commands we read), with caps."""
    if not table:
        return row
    known_set = set(known)
    names = sorted((n for n in table if n not in known_set), key=len, reverse=True)
    if not names:
        return row
    pat = re.compile(r"\\(" + "|".join(re.escape(n) for n in names) + r")(?![a-zA-Z])")
    for _ in range(caps.MAX_MACRO_DEPTH + 1):
        m = pat.search(row.s)
        if not m:
            return row
        while m:
            body = table[m.group(1)]
            if body is None:
                raise caps.ReadError(f"macro \\{m.group(1)} takes parameters; only macros without parameters "
                                     "are expanded", row.offset(m.start()), m.group())
            row = row.replace_at(m.start(), m.end(), body + " ")
            if len(row.s) > caps.MAX_ROW_CHARS:
                raise caps.ReadError(f"macro expansion too large (over {caps.MAX_ROW_CHARS} characters)",
                                     row.offset(m.start()), m.group())
            m = pat.search(row.s, m.start() + len(body) + 1)
    raise caps.ReadError(f"macro expansion too deep (over {caps.MAX_MACRO_DEPTH} levels)", row.offset(0), row.s[:60])
