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

from derivations.kernel.errors import InputError
from derivations.latex import caps
from derivations.latex.macros import Macro, collect, expand

__all__ = ["Env", "Issue", "Row", "Source", "Span", "char_problem", "expand_macros", "macro_table", "read_preamble",
           "read_source"]

ENVIRONMENTS = ("align", "align*", "equation", "equation*", "gather", "gather*", "multline", "multline*",
                "eqnarray", "eqnarray*", "flalign", "flalign*")
TRANSPARENT = ("aligned", "split", "gathered", "alignedat")
LOOKED_FOR = ("align, align*, equation, equation*, gather, gather*, multline, multline*, eqnarray, eqnarray*, "
              "flalign, flalign*, \\[...\\] and $$...$$")
# Display maths that is not read: reported when it holds a relation (rule 1).
UNREAD_DISPLAYS = frozenset((
    "displaymath", "dmath", "dmath*", "dgroup", "dgroup*", "dseries", "dseries*", "darray", "darray*",
    "alignat", "alignat*", "xalignat", "xalignat*", "xxalignat", "IEEEeqnarray", "IEEEeqnarray*",
    "IEEEeqnarraybox", "IEEEeqnarraybox*", "empheq", "numcases", "subnumcases", "mathpar", "dsuspend",
))
# Environments whose content is prose (read on for displays inside, never reported themselves).
TEXT_ENVIRONMENTS = frozenset((
    "document", "abstract", "itemize", "enumerate", "description", "list", "trivlist", "figure", "figure*",
    "table", "table*", "center", "flushleft", "flushright", "quote", "quotation", "verse", "minipage",
    "tabular", "tabular*", "tabularx", "tabulary", "longtable", "supertabular", "subequations", "titlepage",
    "thebibliography", "multicols", "multicols*", "wrapfigure", "wraptable", "subfigure", "subtable",
    "frame", "block", "alertblock", "exampleblock", "columns", "column", "onlyenv", "overprint",
    "theorem", "lemma", "proof", "definition", "corollary", "proposition", "remark", "example", "exercise",
    "solution", "problem", "note", "notes", "claim", "conjecture", "assumption", "hypothesis", "notation",
    "fact", "observation", "question", "answer", "hint", "axiom", "property", "summary", "tcolorbox",
    "mdframed", "framed", "shaded", "leftbar", "tikzpicture", "pgfpicture", "picture", "axis", "scope",
    "small", "footnotesize", "scriptsize", "tiny", "large", "Large", "normalsize", "sloppypar", "otherlanguage",
    "otherlanguage*", "appendices", "spacing", "singlespace", "doublespace", "adjustwidth", "landscape",
))
VERBATIM = ("verbatim", "verbatim*", "Verbatim", "Verbatim*", "BVerbatim", "LVerbatim", "lstlisting", "minted",
            "comment", "alltt", "filecontents", "filecontents*")
# Relations a row may claim (and their neighbours): a display holding none of these has nothing to check.
RELATION_COMMANDS = frozenset((
    "leq", "le", "geq", "ge", "neq", "ne", "lt", "gt", "leqslant", "geqslant", "leqq", "geqq", "approx",
    "simeq", "propto", "sim", "equiv", "coloneqq", "coloneq", "eqqcolon", "triangleq", "doteq", "cong",
    "Rightarrow", "implies", "Longrightarrow", "therefore", "iff", "Leftrightarrow", "Longleftrightarrow",
    "ll", "gg", "stackrel", "overset", "prec", "succ", "preceq", "succeq",
))
# Commands that only exist in mathematics: with '=' '<' '>' in an unknown environment, a sign of maths.
MATH_MARKERS = frozenset((
    "frac", "dfrac", "tfrac", "sum", "prod", "int", "sqrt", "cdot", "times", "partial", "nabla", "mathbf",
    "mathrm", "mathbb", "mathcal", "bm", "boldsymbol", "left", "right", "log", "ln", "exp", "hat", "bar",
    "tilde", "vec", "infty", "alpha", "beta", "gamma", "delta", "epsilon", "varepsilon", "zeta", "eta",
    "theta", "iota", "kappa", "lambda", "mu", "nu", "xi", "pi", "rho", "sigma", "tau", "upsilon", "phi",
    "varphi", "chi", "psi", "omega", "Gamma", "Delta", "Theta", "Lambda", "Xi", "Pi", "Sigma", "Phi", "Psi",
    "Omega", "top", "intercal", "operatorname", "mathbb", "binom", "det", "max", "min",
))
BIDI = set("\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
ZERO_WIDTH = set("\u200b\u200c\u200d\u2060\u2061\u2062\u2063\u2064\ufeff\u180e\u00ad")
FORBIDDEN = re.compile(r"\\(input|include|includeonly|immediate\s*\\write18|write18|immediate\s*\\write|write|openin|"
                       r"openout|read|catcode|csname)(?![a-zA-Z])")
HEADING = re.compile(r"\\(?:section|subsection|subsubsection|paragraph)\*?\s*\{([^{}]*)\}")
LATIN_LOOKALIKE = {
    "а": "a", "в": "B", "е": "e", "к": "K", "м": "M", "н": "H", "о": "o", "р": "p", "с": "c", "т": "T",
    "у": "y", "х": "x", "і": "i", "ј": "j", "ѕ": "s", "ԁ": "d", "ԛ": "q", "ԝ": "w", "ο": "o", "ν": "v",
    "ι": "i", "κ": "k", "τ": "t", "ρ": "p", "α": "a", "ɑ": "a", "ɡ": "g",
    "Α": "A", "Β": "B", "Ε": "E", "Ζ": "Z", "Η": "H", "Ι": "I", "Κ": "K", "Μ": "M", "Ν": "N", "Ο": "O",
    "Ρ": "P", "Τ": "T", "Χ": "X",
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
    macros: list[Macro] = field(default_factory=list)
    origins: dict[int, str] = field(default_factory=dict)
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


_COMMENT_OR_VERBATIM = re.compile(
    r"%[^\n]*"
    r"|\\(?P<inline>verb\*?|lstinline|Verb|mintinline\s*\{[^{}\n]{0,40}\})(?![a-zA-Z])"
    r"|\\begin\s*\{(?P<env>" + "|".join(re.escape(v) for v in VERBATIM) + r")\}"
    r"|\\[\\%]")
_OPTIONS = re.compile(r"\s*\[[^\[\]\n]{0,200}\]")


def _strip_comments(text: str) -> tuple[str, list[tuple[int, Span]], list[Issue]]:
    """Blank every ``%`` comment and verbatim text (keeping offsets and newlines).

    Returns the blanked text, the ``% assume:`` contents with their places, and problems
    (a verbatim environment never closed). ``\\%`` is a percent sign, ``\\\\%`` a line break
    and a comment; ``\\verb|..|``, ``\\lstinline``, ``verbatim``, ``lstlisting``, ``minted``
    and ``comment`` hold no maths, no comments and no commands.
    """
    assumes: list[tuple[int, Span]] = []
    issues: list[Issue] = []
    blank: list[tuple[int, int]] = []
    i = 0
    while (m := _COMMENT_OR_VERBATIM.search(text, i)) is not None:
        i = m.end()
        g = m.group()
        if g.startswith("%"):
            am = re.match(r"\s*assume\s*:", g[1:])
            if am:
                assumes.append((m.start(), Span.at(text, m.start() + 1 + am.end(), m.end())))
            blank.append((m.start(), m.end()))
        elif m.group("env"):
            name = m.group("env")
            e = re.compile(r"\\end\s*\{" + re.escape(name) + r"\}").search(text, m.end())
            if e is None:
                issues.append(Issue(m.start(), f"\\begin{{{name}}} is never closed"))
                blank.append((m.start(), len(text)))
                break
            blank.append((m.start(), e.end()))
            i = e.end()
        elif m.group("inline"):
            j = m.end()
            if not m.group("inline").startswith("verb"):
                o = _OPTIONS.match(text, j)
                j = o.end() if o else j
            if j >= len(text) or text[j] in " \t\n":
                continue
            close = "}" if text[j] == "{" else text[j]
            nl = text.find("\n", j + 1)
            k = text.find(close, j + 1, nl if nl >= 0 else len(text))
            if k < 0:
                continue
            blank.append((m.start(), k + 1))
            i = k + 1
    if not blank:
        return text, assumes, issues
    parts, last = [], 0
    for a, b in blank:
        parts.append(text[last:a])
        parts.append(re.sub(r"[^\n]", " ", text[a:b]))
        last = b
    parts.append(text[last:])
    return "".join(parts), assumes, issues


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


_BRACE_TOKEN = re.compile(r"\\[\s\S]|[{}]")


def _brace_ends(text: str) -> dict[int, int]:
    """For each ``{`` (not ``\\{``) of the text, the index just after its ``}``, in one pass
    (what ``_balanced`` gives, for every brace at once); unbalanced ones are absent."""
    ends: dict[int, int] = {}
    stack: list[int] = []
    for m in _BRACE_TOKEN.finditer(text):
        c = m.group()
        if c == "{":
            stack.append(m.start())
        elif c == "}" and stack:
            ends[stack.pop()] = m.end()
    return ends


_ENV_DEF = re.compile(r"\\(?:re|provide)?newenvironment\*?\s*\{\s*([a-zA-Z@*]+)\s*\}\s*(?:\[\s*\d\s*\]\s*)?"
                      r"(?:\[[^\[\]\n]{0,200}\]\s*)?(?=\{)")
_THEOREM_DEF = re.compile(r"\\(?:newtheorem\*?|declaretheorem|newmdtheoremenv|newtcbtheorem)\s*"
                          r"(?:\[[^\[\]\n]{0,200}\]\s*)?\{\s*([a-zA-Z@*]+)\s*\}")
_NEXT_GROUP = re.compile(r"\s*\{")
_DISPLAY_START = re.compile(r"\\begin\s*\{(?:" + "|".join(re.escape(e) for e in ENVIRONMENTS + tuple(UNREAD_DISPLAYS))
                            + r")\}|\\\[|\$\$")


def _environment_defs(text: str, src: Source) -> tuple[str, set[str], set[str]]:
    """Names declared by ``\\newtheorem`` (prose) and ``\\newenvironment`` (maths when its opening code
    starts a display); the ``\\newenvironment`` definitions are blanked, so their code is not read."""
    prose = {m.group(1) for m in _THEOREM_DEF.finditer(text)}
    maths: set[str] = set()
    blank: list[tuple[int, int]] = []
    ends = _brace_ends(text) if "environment" in text else {}
    for m in _ENV_DEF.finditer(text):
        if blank and m.start() < blank[-1][1]:
            continue
        name = m.group(1)
        e1 = ends.get(m.end(), -1)
        g = _NEXT_GROUP.match(text, e1) if e1 > 0 else None
        e2 = ends.get(g.end() - 1, -1) if g else -1
        if e2 < 0:
            src.issues.append(Issue(m.start(), f"\\newenvironment{{{name}}}: unbalanced braces in its definition"))
            continue
        (maths if _DISPLAY_START.search(text, m.end(), e1) else prose).add(name)
        blank.append((m.start(), e2))
    if blank:
        parts, last = [], 0
        for a, b in blank:
            parts += [text[last:a], re.sub(r"[^\n]", " ", text[a:b])]
            last = b
        text = "".join(parts) + text[last:]
    return text, prose - maths, maths


_TOKEN_HEAD = r"\\begin\s*\{(?P<b>[^{}\s]{1,60})\}|\\end\s*\{(?P<e>[^{}\s]{1,60})\}|\\(?P<cw>[a-zA-Z]+)|\\(?P<cs>[\s\S])|"
_TEXT_TOKEN = re.compile(_TOKEN_HEAD + r"(?P<dd>\$\$)|(?P<d>\$)|(?P<brace>[{}])|(?P<rel>[=<>])|(?P<mark>[\^_])")
_MATH_TOKEN = re.compile(_TOKEN_HEAD + r"(?P<dd>\$\$)|(?P<par>\n[ \t]*\n)|(?P<brace>[{}])|(?P<rel>[=<>])")
_INLINE_TOKEN = re.compile(_TOKEN_HEAD + r"(?P<d>\$)|(?P<par>\n[ \t]*\n)")


@dataclass
class _Frame:
    """An environment open in prose; ``watch``: unknown, so its own text is looked at for maths."""

    name: str
    offset: int
    watch: bool
    depth: int = 0
    rel: bool = False
    relcmd: bool = False
    mark: bool = False


class _Scanner:
    """One pass over the text (comments, verbatim and macro definitions blanked) in TeX's modes.

    Prose, read displays, displays that are not read, inline maths: each character is looked at
    a bounded number of times, so the pass is linear in the size of the file.
    """

    def __init__(self, text: str, original: str, src: Source, prose: set[str], maths: set[str]) -> None:
        self.text, self.original, self.src = text, original, src
        self.displays = frozenset(ENVIRONMENTS)
        self.unread = (UNREAD_DISPLAYS | maths) - self.displays
        self.prose = TEXT_ENVIRONMENTS | prose
        self.found: list[tuple[str, int, int, int]] = []

    def _par(self, m: re.Match[str]) -> bool:
        """A blank line ends a paragraph; a line that was a comment does not."""
        return "%" not in self.original[m.start(): m.end()]

    def _starts_display(self, m: re.Match[str]) -> bool:
        b = m.group("b")
        return (b is not None and (b in self.displays or b in self.unread)) or m.group("cs") == "[" \
            or m.lastgroup == "dd"

    def run(self) -> list[tuple[str, int, int, int]]:
        text = self.text
        frames: list[_Frame] = []
        open_count: dict[str, int] = {}
        i = 0
        while (m := _TEXT_TOKEN.search(text, i)) is not None:
            i = m.end()
            g = m.lastgroup
            if g == "b":
                name = m.group("b")
                if name in self.displays:
                    i = self._display(name, m)
                elif name in self.unread:
                    i = self._unread(name, m)
                elif name == "math":
                    i = self._inline("math", m)
                else:
                    frames.append(_Frame(name, m.start(), name not in self.prose))
                    open_count[name] = open_count.get(name, 0) + 1
                    o = _OPTIONS.match(text, i)
                    i = o.end() if o else i
            elif g == "e":
                name = m.group("e")
                if open_count.get(name):
                    while frames:
                        f = frames.pop()
                        open_count[f.name] -= 1
                        self._judge(f)
                        if f.name == name:
                            break
            elif g == "cs" and m.group("cs") in "[(":
                i = self._display("\\[", m) if m.group("cs") == "[" else self._inline("\\(", m)
            elif g == "dd":
                i = self._display("$$", m)
            elif g == "d":
                i = self._inline("$", m)
            elif frames and frames[-1].watch:
                f = frames[-1]
                if g == "brace":
                    f.depth = f.depth + 1 if m.group() == "{" else max(f.depth - 1, 0)
                elif f.depth == 0:
                    if g == "rel":
                        f.rel = True
                    elif g == "mark":
                        f.mark = True
                    elif g == "cw" and m.group("cw") in RELATION_COMMANDS:
                        f.relcmd = True
                    elif g == "cw" and m.group("cw") in MATH_MARKERS:
                        f.mark = True
        for f in reversed(frames):
            self._judge(f)
        return self.found

    def _judge(self, f: _Frame) -> None:
        if f.watch and (f.relcmd or (f.rel and f.mark)):
            self.src.issues.append(Issue(f.offset, f"environment '{f.name}' is not read, and it holds maths with a "
                                                   "relation; write the derivation in align, equation, gather or "
                                                   "\\[...\\] (or in $...$ if it is not to be checked)"))

    def _never_closed(self, shown: str, offset: int) -> None:
        self.src.issues.append(Issue(offset, f"{shown} is never closed"))

    def _display(self, kind: str, begin: re.Match[str]) -> int:
        """A read display from ``begin``: recorded with its body; where prose reading resumes."""
        body = begin.end()
        i = body
        while (m := _MATH_TOKEN.search(self.text, i)) is not None:
            i = m.end()
            g = m.lastgroup
            e = m.group("e")
            if (e is not None and e == kind) or (kind == "\\[" and m.group("cs") == "]") or \
                    (kind == "$$" and g == "dd"):
                self.found.append((kind if kind != "$$" else "$$...$$", begin.start(), body, m.start()))
                return m.end()
            if self._starts_display(m) or (e is not None and (e in self.displays or e == "document")) or \
                    (kind == "$$" and g == "par" and self._par(m)):
                break
        shown = f"\\begin{{{kind}}}" if kind not in ("\\[", "$$") else kind
        self._never_closed(shown, begin.start())
        return body

    def _unread(self, name: str, begin: re.Match[str]) -> int:
        """Display maths that is not read: reported if it holds a relation at its top level."""
        o = _OPTIONS.match(self.text, begin.end())
        i = o.end() if o else begin.end()
        depth, nest, rel = 0, 1, False
        while (m := _MATH_TOKEN.search(self.text, i)) is not None:
            i = m.end()
            g = m.lastgroup
            if g == "b" and m.group("b") == name:
                nest += 1
            elif g == "e" and m.group("e") == name:
                nest -= 1
                if nest == 0:
                    if rel:
                        self.src.issues.append(Issue(begin.start(), f"display environment '{name}' is not read (it "
                                                                    "contains a relation); write it as align, "
                                                                    "equation, gather or \\[...\\]"))
                    return m.end()
            elif (g == "b" and m.group("b") in self.displays) or m.group("cs") == "[" or g == "dd" or \
                    (g == "e" and (m.group("e") in self.displays or m.group("e") == "document")):
                self._never_closed(f"\\begin{{{name}}}", begin.start())
                return m.start()
            elif g == "brace":
                depth = depth + 1 if m.group() == "{" else max(depth - 1, 0)
            elif depth == 0 and (g == "rel" or (g == "cw" and m.group("cw") in RELATION_COMMANDS)):
                rel = True
        self._never_closed(f"\\begin{{{name}}}", begin.start())
        return len(self.text)

    def _inline(self, kind: str, begin: re.Match[str]) -> int:
        """Inline maths (``$..$``, ``\\(..\\)``, ``math``): not read, not reported; only its end is found."""
        i = begin.end()
        while (m := _INLINE_TOKEN.search(self.text, i)) is not None:
            i = m.end()
            if (kind == "$" and m.lastgroup == "d") or (kind == "\\(" and m.group("cs") == ")") or \
                    (kind == "math" and m.group("e") == "math"):
                return m.end()
            if (m.lastgroup == "par" and self._par(m)) or self._starts_display(m) or m.group("e") == "document":
                break
        shown = {"$": "inline maths '$'", "\\(": "\\(", "math": "\\begin{math}"}[kind]
        self._never_closed(shown, begin.start())
        return m.start() if m is not None else len(self.text)


_DROP = re.compile(
    r"\\(nonumber|notag)(?![a-zA-Z])|\\(label|tag\*?)\s*\{[^{}]*\}|\\(begin|end)\s*\{(" + "|".join(TRANSPARENT)
    + r")\}(\s*\{[^{}]*\})?|\\(smallskip|medskip|bigskip|allowdisplaybreaks|shoveleft|shoveright|lefteqn)(?![a-zA-Z])"
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
    t = re.sub(r"\\(quad|qquad)(?![a-zA-Z])|\\[,;:! ]", " ", t)
    for _ in range(5):
        t = re.sub(r"\\(text|textrm|textit|textbf|textsf|textup|textnormal|mbox|emph|mathrm|operatorname)\s*"
                   r"\{([^{}]*)\}", r"\2", t)
    t = re.sub(r"[~&$]", " ", t)
    return " ".join(t.split())


_JUSTIFY = re.compile(r"\\(quad|qquad)(?![a-zA-Z])|&\s*&")
_LAYOUT = re.compile(r"(?:[&\s~]|\\[,;:! ]|\\q?quad(?![a-zA-Z]))*")
_SPACE_RUN = re.compile(r"(?:\s|~|\\[,;:! ]|\\q?quad(?![a-zA-Z]))*")
_TEXT_AHEAD = re.compile(
    r"(?:\(?\s*\\(?:text|textrm|textit|textbf|textsf|textup|textnormal|mbox|emph|eqref|ref|cite)\s*\{"
    r"|\(\s*(?:\d+(?:\.\d+)*|\*+|\\ast|\\star|\\dagger|\\ddagger)\s*\)\s*[.,;]?\s*$)")
_REL_SCAN = re.compile(r"\\(?P<lr>left|right)(?![a-zA-Z])\s*(?:\\[a-zA-Z]+|\\[\s\S]|[\s\S])?"
                       r"|\\([a-zA-Z]+)|\\([\s\S])|[{}()\[\]=<>]")


def _has_relation(s: str, brackets: bool) -> bool:
    """Is there a relation (``=``, ``<``, ``\\leq``, ``\\implies``...) outside braces (and brackets)?"""
    depth = 0
    for m in _REL_SCAN.finditer(s):
        if m.group("lr") is not None:
            if brackets:
                depth = depth + 1 if m.group("lr") == "left" else max(depth - 1, 0)
            continue
        if m.group(2) is not None:
            if depth == 0 and m.group(2) in RELATION_COMMANDS:
                return True
            continue
        c = m.group(3) if m.group(3) is not None else m.group()
        if m.group(3) is not None and not (brackets and c in "{}"):
            continue
        if c == "{" or (brackets and c in "(["):
            depth += 1
        elif c == "}" or (brackets and c in ")]"):
            depth = max(depth - 1, 0)
        elif depth == 0 and c in "=<>":
            return True
    return False


def _split_justification(row: Span, amp: bool = True) -> tuple[Span, str, Optional[Issue]]:
    """Math, justification and a problem: the justification follows a top-level ``&&`` after maths
    (never in eqnarray, whose ``&`` only align), a ``\\quad``/``\\qquad`` followed by text
    (``\\text{..}``, ``(\\text{..})``, ``\\eqref{..}``, a tag such as ``(3)``), or is a final ``\\text{}``.
    A ``\\quad`` followed by maths is spacing; maths with a relation after ``&&`` is a problem."""
    s = row.s
    i = seen = run_end = 0
    math_before = text_next = False
    while (m := _top_level(s, _JUSTIFY, i)) is not None:
        if not math_before and _LAYOUT.fullmatch(s, seen, m.start()) is None:
            math_before = True
        seen = i = m.end()
        if m.end() > run_end:  # spacing after this mark, looked at once for a run of marks
            run_end = _SPACE_RUN.match(s, m.end()).end()
            text_next = _TEXT_AHEAD.match(s, run_end) is not None
        if m.group().startswith("&"):
            if not amp or not (math_before or text_next):
                continue
            rest = s[m.end():]
            issue = None
            if not text_next and _has_relation(rest, brackets=False):
                issue = Issue(row.offset(m.end()), "a relation after '&&' is not read (what follows && is the "
                                                   "row's justification); write it as \\text{...} or in a row "
                                                   "of its own", " ".join(rest.split())[:60])
            return row[: m.start()], _clean_text(rest), issue
        if text_next:
            rest = s[m.start():]
            if _has_relation(re.sub(r"\\(text|mbox|textrm|textit|textbf|mathrm)\s*\{[^{}]*\}", " ", rest), brackets=False):
                return row, "", None  # `q = 3 \quad \text{and} \quad r = 1`: maths, never swallowed (rule 2)
            return row[: m.start()], _clean_text(rest), None
    m = re.search(r"\\(text|mbox|textrm)\s*\{", s)
    if m and re.sub(r"[&\s]|\\[,;:! ]", "", s[: m.start()]):
        end = _balanced(s, m.end() - 1)
        if end > 0 and not s[end:].strip(" \t\n.,;"):
            depth_at = s[: m.start()].count("{") - s[: m.start()].count("}")
            if depth_at == 0:
                return row[: m.start()], _clean_text(s[m.start():]), None
    return row, "", None


_LEADING_SPACE = re.compile(r"(\s|\\[,;:! ]|\\(quad|qquad)(?![a-zA-Z])|~)*")
_OPEN = re.compile(r"(?<!\\)[(\[]|\\\{|\\left(?![a-zA-Z])")
_CLOSE = re.compile(r"(?<!\\)[)\]]|\\\}|\\right(?![a-zA-Z])")


def _balance(p: str) -> int:
    """Opening minus closing brackets (``\\left(`` counts once)."""
    opens = len(_OPEN.findall(re.sub(r"\\left(?![a-zA-Z])", "", p)))
    closes = len(_CLOSE.findall(re.sub(r"\\right(?![a-zA-Z])", "", p)))
    return opens - closes


def _continues(prev_tail: str, prev_balance: int, cur_raw: str, cur: Span) -> bool:
    """Does this row continue the previous row's expression (a broken long line)?"""
    if re.search(r"(\+|-|\\cdot|\\times)$", prev_tail.rstrip()):
        return True
    if prev_balance > 0:
        return True
    lead_amp = cur_raw.lstrip().startswith("&")
    head = cur.s[_LEADING_SPACE.match(cur.s).end():]
    return lead_amp and bool(re.match(r"(\+|-|\\cdot|\\times)", head))


def _join(pieces: list[Span]) -> Span:
    """Pieces joined by one space each, the space placed at the start of the piece after it."""
    if len(pieces) == 1:
        return pieces[0]
    s: list[str] = []
    pos: list[int] = []
    for k, p in enumerate(pieces):
        if k:
            s.append(" ")
            pos.append(p.offset(0))
        s.append(p.s)
        pos.extend(p.pos)
    return Span("".join(s), pos)


_AMP = re.compile(r"&")


def _first_column(math: Span) -> tuple[Span, Optional[Issue]]:
    """In align-like rows ``&`` pairs make columns (``a &= b & c &= d`` holds two equations): a row with
    maths in a second column pair keeps its first one, and the rest is reported as not read."""
    s = math.s
    amps: list[int] = []
    i = 0
    while (m := _top_level(s, _AMP, i)) is not None:
        amps.append(m.start())
        i = m.end()
    if len(amps) < 2:
        return math, None
    bounds = [-1] + amps + [len(s)]
    cells = [(bounds[k] + 1, bounds[k + 1]) for k in range(len(bounds) - 1)]
    used = [k for k in range(0, len(cells), 2)
            if any(_LAYOUT.fullmatch(s, a, b) is None for a, b in cells[k: k + 2])]
    if len(used) < 2:
        return math, None
    cut = amps[used[1] - 1]
    rest = " ".join(s[cut + 1:].split())
    return math[:cut], Issue(math.offset(cut), "a second equation column (after '&') is not read: write one "
                                               "equation per row", rest[:60])


def _rows(body: Span, kind: str = "align") -> tuple[list[Row], list[Issue]]:
    """The rows of one display: ``multline`` is one row over several lines (unless a ``split`` inside
    aligns rows with ``&``); in ``eqnarray``
    (``a &=& b``) every ``&`` is alignment."""
    issues: list[Issue] = []
    raws = _split_rows(body)
    if kind.startswith("multline") and len(raws) > 1 and "&" not in body.s:
        raws = [_join(raws)]
    groups: list[tuple[list[Span], list[str], int]] = []
    for raw in raws:
        raw = Span(_DROP.sub(lambda d: " " * len(d.group()), raw.s), raw.pos)
        eqnarray = kind.startswith("eqnarray")
        math, by, issue = _split_justification(raw, amp=not eqnarray)
        if issue is not None:
            issues.append(issue)
        if not eqnarray:
            math, issue = _first_column(math)
            if issue is not None:
                issues.append(issue)
        math = Span(math.s.replace("&", " "), math.pos)
        math = math.strip()
        trail = re.search(r"\s*[.,;]\s*$", math.s)
        if trail:
            math = math[: trail.start()]
        if not math.s:
            continue
        if groups and _continues(groups[-1][0][-1].s, groups[-1][2], raw.s, math):
            pieces, bys, bal = groups[-1]
            pieces.append(math)
            if by:
                bys.append(by)
            groups[-1] = (pieces, bys, bal + _balance(math.s))
            continue
        groups.append(([math], [by] if by else [], _balance(math.s)))
    rows = []
    for pieces, bys, _ in groups:
        math = _join(pieces)
        rows.append(Row(math, "; ".join(bys), math.offset(0)))
    return rows, issues


def _nothing_to_check(src: Source) -> bool:
    """No row of any display holds a relation (after expanding the file's macros)."""
    rows = [r for env in src.envs for r in env.rows]
    if any(_has_relation(r.math.s, brackets=True) for r in rows):
        return False
    for r in rows:
        try:
            math = expand_macros(r.math, macro_table(src, r.offset), ())
        except caps.ReadError:
            return False
        if _has_relation(math.s, brackets=True):
            return False
    return True


def read_source(data: bytes, path: str, preamble: Iterable[Macro] = ()) -> Source:
    """Decode, check and split a file into environments and rows; InputError if unreadable.

    ``preamble``: macros of a course's shared preamble, visible from the start of the file.
    """
    text = _normalize(_decode(data, path), path)
    line_starts = [0] + [m.end() for m in re.finditer("\n", text)]
    src = Source(path, text, line_starts)
    src.macros.extend(preamble)
    stripped, src.assumes, src.issues = _strip_comments(text)
    for m in FORBIDDEN.finditer(stripped):
        cmd = " ".join(m.group(0).split())
        src.issues.append(Issue(m.start(), f"{cmd} is never followed: only this file is read, nothing is run",
                                text[m.start(): m.end() + 40].split("\n")[0]))
    stripped, macros, problems = collect(stripped, lambda off: f"line {src.where(off)[0]}")
    src.macros.extend(macros)
    src.issues.extend(Issue(off, msg) for off, msg in problems)
    stripped, prose, maths = _environment_defs(stripped, src)
    headings = [(m.start(), " ".join(m.group(1).split())) for m in HEADING.finditer(stripped)]
    starts = [off for off, _ in headings]
    for kind, begin, b0, b1 in _Scanner(stripped, text, src, prose, maths).run():
        k = bisect.bisect_left(starts, begin)
        title = headings[k - 1][1] if k else ""
        rows, issues = _rows(Span.at(stripped, b0, b1), kind)
        src.envs.append(Env(kind, begin, rows, title))
        src.issues.extend(issues)
    if src.envs and _nothing_to_check(src):
        src.issues.append(Issue(src.envs[0].offset, "nothing to check: no display in this file has a relation "
                                                    "(=, \\leq, :=, \\implies, ...)"))
    return src


def macro_table(src: Source, before: int) -> dict[str, Macro]:
    """Macros defined before a file offset (a preamble's from the start), the latest of a name winning."""
    return {m.name: m for m in src.macros if m.offset < before}


def expand_macros(row: Span, table: dict[str, Macro], known: Iterable[str],
                  origins: Optional[dict[int, str]] = None) -> Span:
    """Expand the document's macros in one row (see ``macros.expand``)."""
    return expand(row, table, known, origins)


def read_preamble(data: bytes, path: str) -> list[Macro]:
    """The macros of a shared preamble file (``--preamble``), named by file and line in messages."""
    text = _normalize(_decode(data, path), path)
    starts = [0] + [m.end() for m in re.finditer("\n", text)]
    stripped, _, _ = _strip_comments(text)
    _, macros, problems = collect(stripped, lambda off: f"{path}:{bisect.bisect_right(starts, off)}")
    if problems:
        off, msg = problems[0]
        raise InputError(f"{path}:{bisect.bisect_right(starts, off)}: {msg}")
    return [Macro(m.name, m.params, m.default, m.body, -1, m.where) for m in macros]
