"""Before parsing: Unicode maths letters become their commands, and every ``|`` gets its role.

A bare ``|`` is a conditional bar (``\\mid``) when it is the only one at the top of a parenthesis
group, as in ``p(x | y)``; otherwise bars pair into absolute values ``\\lvert .. \\rvert`` (and
``\\|`` into norms ``\\lVert .. \\rVert``). Where the pairing could be read two ways (``|a|b|c|``)
or a bar has no partner, the row is an error: the reader never picks a pairing.
"""
from __future__ import annotations

import re

from derivations.latex.caps import ReadError
from derivations.latex.source import Span

__all__ = ["UNICODE_COMMANDS", "prepare"]

# Greek letters that have their own LaTeX command (capitals that look Latin, and omicron, do not).
_GREEK = {
    "α": "alpha", "β": "beta", "γ": "gamma", "δ": "delta", "ε": "varepsilon", "ϵ": "epsilon", "ζ": "zeta",
    "η": "eta", "θ": "theta", "ϑ": "vartheta", "ι": "iota", "κ": "kappa", "λ": "lambda", "μ": "mu", "ν": "nu",
    "ξ": "xi", "π": "pi", "ρ": "rho", "ϱ": "varrho", "σ": "sigma", "ς": "varsigma", "τ": "tau",
    "υ": "upsilon", "φ": "varphi", "ϕ": "phi", "χ": "chi", "ψ": "psi", "ω": "omega", "Γ": "Gamma",
    "Δ": "Delta", "Θ": "Theta", "Λ": "Lambda", "Ξ": "Xi", "Π": "Pi", "Σ": "Sigma", "Υ": "Upsilon",
    "Φ": "Phi", "Ψ": "Psi", "Ω": "Omega", "ℓ": "ell",
}
_SYMBOLS = {
    "≤": "leq", "≥": "geq", "≠": "neq", "·": "cdot", "⋅": "cdot", "×": "times", "−": "-", "∂": "partial",
    "∑": "sum", "∏": "prod", "⇒": "Rightarrow", "⟹": "implies", "⇔": "iff", "⟺": "iff", "≈": "approx",
    "∝": "propto", "∈": "in", "∞": "infty", "√": "sqrt", "∇": "nabla", "≔": "coloneqq", "≜": "triangleq", "≡": "equiv",
}
UNICODE_COMMANDS = {**_GREEK, **_SYMBOLS}

_BAR_TOKEN = re.compile(r"\\left\s*(?:\\\||\\Vert(?![a-zA-Z])|\||\\vert(?![a-zA-Z]))|\\right\s*(?:\\\||\\Vert(?![a-zA-Z])|"
                        r"\||\\vert(?![a-zA-Z]))|\\[lr][vV]ert(?![a-zA-Z])|\\\||\\Vert(?![a-zA-Z])|\\vert(?![a-zA-Z])"
                        r"|\\[{}]|\\[a-zA-Z]+|\\.|[()\[\]{}|]")
_SIZED_BAR = re.compile(r"\\(?:left|right)\s*(?:\\\||\\Vert|\||\\vert)")
_OPEN = {"(": ")", "[": "]", "{": "}", "\\{": "\\}"}
# What may follow a closing bar when more bars come after it at the same level (else two pairings exist).
_AFTER_CLOSE = re.compile(r"\s*(?:$|[-+=<>,;)\]}^_&!/]|\\(?:cdot|times|leq?|geq?|neq?|right|rVert|rvert|quad|qquad|"
                          r"[,;:!]|mid|implies|Rightarrow|iff|approx|propto)(?![a-zA-Z]))")


def _unicode(span: Span) -> Span:
    i = 0
    while i < len(span.s):
        c = span.s[i]
        if not c.isascii() and c in UNICODE_COMMANDS:
            cmd = UNICODE_COMMANDS[c]
            text = cmd if cmd == "-" else f"\\{cmd} "
            span = span.replace_at(i, i + 1, text)
            i += len(text)
        else:
            i += 1
    return span


class _Level:
    def __init__(self, opener: str, start: int) -> None:
        self.opener = opener
        self.start = start
        self.bars: list[tuple[int, int, str]] = []   # (start, end, "bar" | "norm")
        self.commas = 0


def _assign(level: _Level, span: Span, out: list[tuple[int, int, str]]) -> None:
    """Give each bar of one bracket level its role, or raise where two readings exist."""
    plain = [b for b in level.bars if b[2] == "bar"]
    norms = [b for b in level.bars if b[2] == "norm"]
    if level.opener == "(" and len(plain) == 1:
        out.append((plain[0][0], plain[0][1], "\\mid "))
        plain = []
    for bars, left, right, shown in ((plain, "\\lvert ", "\\rvert ", "|"), (norms, "\\lVert ", "\\rVert ", "\\|")):
        if len(bars) % 2:
            b = bars[-1]
            raise ReadError(f"a '{shown}' without its partner (an absolute value or norm needs two)",
                            span.offset(b[0]), span.s[b[0]: b[0] + 20])
        for k in range(0, len(bars), 2):
            close = bars[k + 1]
            if k + 2 < len(bars) and not _AFTER_CLOSE.match(span.s, close[1]):
                raise ReadError(f"ambiguous: '{shown}...{shown}' side by side can pair two ways; write "
                                f"\\lvert ... \\rvert or \\left{shown} ... \\right{shown}",
                                span.offset(bars[k][0]), span.s[bars[k][0]: bars[k][0] + 30])
            out.append((bars[k][0], bars[k][1], left))
            out.append((close[0], close[1], right))


def _bars(span: Span) -> Span:
    s = span.s
    if "|" not in s and "vert" not in s and "Vert" not in s:
        return span
    edits: list[tuple[int, int, str]] = []
    stack = [_Level("", 0)]
    for m in _BAR_TOKEN.finditer(s):
        tok = m.group()
        if _SIZED_BAR.fullmatch(tok):
            norm = "\\|" in tok or "Vert" in tok
            side = "l" if tok.startswith("\\left") else "r"
            edits.append((m.start(), m.end(), f"\\{side}{'V' if norm else 'v'}ert "))
        elif tok in ("\\lvert", "\\rvert", "\\lVert", "\\rVert"):
            continue
        elif tok in ("|", "\\vert"):
            stack[-1].bars.append((m.start(), m.end(), "bar"))
        elif tok in ("\\|", "\\Vert"):
            stack[-1].bars.append((m.start(), m.end(), "norm"))
        elif tok in _OPEN:
            stack.append(_Level(tok, m.start()))
        elif tok in (")", "]", "}", "\\}") and len(stack) > 1:
            _assign(stack.pop(), span, edits)
    while stack:
        _assign(stack.pop(), span, edits)
    for i, j, text in sorted(edits, reverse=True):
        span = span.replace_at(i, j, text)
    return span


_DEF_SIGNS = re.compile(r"\\(?:stackrel|overset)\s*\{\s*(?:\\(?:text|mathrm|textrm|rm|scriptscriptstyle|scriptstyle)\s*"
                        r"\{\s*def\s*\}|def|\\mathrm\s*def|\\triangle|\\Delta)\s*\}\s*(?:\{\s*=\s*\}|=)"
                        r"|\\(?:triangleq|equiv|eqdef|defeq)(?![a-zA-Z])")


def _definition_signs(span: Span) -> Span:
    """Every way of writing "is defined as" (rule 7) becomes ``:=``."""
    for m in reversed(list(_DEF_SIGNS.finditer(span.s))):
        span = span.replace_at(m.start(), m.end(), ":=")
    return span


_TEXT_FONTS = r"(?:text|textrm|textnormal|textit|textsf|mbox|mathrm|mathit|mathsf|operatorname)"
_LABEL_SUB = re.compile(r"_\s*(?:\{\s*\\" + _TEXT_FONTS + r"\s*\{\s*([A-Za-z]+)\s*\}\s*\}"
                        r"|\\" + _TEXT_FONTS + r"\s*\{\s*([A-Za-z]+)\s*\}"
                        r"|\{\s*\\rm\s+([A-Za-z]+)\s*\})")


def _label_subscripts(span: Span) -> Span:
    """A subscript in upright text (``\\mu_{\\mathrm{ML}}``, ``J_{\\text{ridge}}``, ``{\\rm ML}``) is part of
    the name, not indices: every spelling becomes ``_{\\mathrm{WORD}}``, which the grammar reads as a label."""
    for m in reversed(list(_LABEL_SUB.finditer(span.s))):
        word = next(g for g in m.groups() if g)
        span = span.replace_at(m.start(), m.end(), "_{\\mathrm{" + word + "}}")
    return span


def prepare(span: Span) -> Span:
    """The row as the grammar reads it: definition signs as ``:=``, Unicode letters as commands, bars with roles,
    upright subscripts as labels."""
    return _bars(_definition_signs(_label_subscripts(_unicode(span))))
