"""Parse one row (or one ``% assume:`` line) with our lark grammar; errors name the place."""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from lark import Lark, Tree
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken

from derivations.latex import caps
from derivations.latex.caps import ReadError
from derivations.latex.source import Span, char_problem

__all__ = ["KNOWN_COMMANDS", "parse_assume", "parse_row"]

KNOWN_COMMANDS = frozenset(re.findall(r"[a-zA-Z]+", """
top intercal det succ succeq
alpha beta gamma delta epsilon varepsilon zeta eta theta vartheta iota kappa lambda mu nu xi rho varrho
sigma varsigma tau upsilon phi varphi chi psi omega Gamma Delta Theta Lambda Xi Sigma Upsilon Phi Psi
Omega Pi pi ell Pr mathcal hat bar tilde widehat widetilde overline sum prod log ln exp frac dfrac tfrac
sqrt partial mathrm operatorname mathbb mathbbm mathds mathbf cdot times div lbrace rbrace neq ne
nabla star coloneqq coloneq mathrel Rightarrow implies therefore Longrightarrow leq le geq ge leqslant geqslant lt gt
quad qquad displaystyle textstyle limits nolimits left right middle big Big bigg Bigg bigl bigr Bigl Bigr
biggl biggr Biggl Biggr bigm Bigm mid
lvert rvert lVert rVert binom dbinom tbinom max min iff mathit mathsf mathtt bm boldsymbol vec mathbfit
scriptstyle displaylimits in dots ldots cdots dotsc approx simeq propto sim thickapprox approxeq
"""))
_TOKEN_NAMES = {
    "EQ": "'='", "DEFINE": "':='", "ARROW": "an implication arrow", "CMP": "an inequality", "NEQ": "'\\neq'",
    "$END": "the end of the row", "IN": "'\\in' (set membership is read in '% assume:' lines only)", "DOTS": "'\\dots'", "COMMA": "','", "RBRACE": "'}'", "RPAR": "')'", "RSQB": "']'",
}


@lru_cache(maxsize=1)
def _parser() -> Lark:
    grammar = (Path(__file__).parent / "grammar.lark").read_text(encoding="utf-8")
    return Lark(grammar, parser="lalr", start=["start_row", "start_assume"], propagate_positions=False,
                maybe_placeholders=False)


def _precheck(span: Span) -> None:
    s = span.s
    if len(s) > caps.MAX_ROW_CHARS:
        raise ReadError(f"expression too long ({len(s)} characters; limit {caps.MAX_ROW_CHARS})",
                        span.offset(0), s[:60])
    if not (s.isascii() and s.isprintable()):
        for i, c in enumerate(s):
            problem = char_problem(c)
            if problem:
                raise ReadError(problem, span.offset(i), c)
    depth, where = caps.nesting_depth(s)
    if depth > caps.MAX_DEPTH:
        raise ReadError(f"expression nested too deeply ({depth} levels; limit {caps.MAX_DEPTH})",
                        span.offset(where), s[max(0, where - 10): where + 10])
    for m in re.finditer(r"\\([a-zA-Z]+)", s):
        name = m.group(1)
        if name == "text" and re.match(r"\\text\s*\{\s*(Var|Cov|T)\s*\}", s[m.start():]):
            continue  # \text{Var}(X): the variance (rule 16)
        if name not in KNOWN_COMMANDS:
            what = "text is not read inside mathematics (put a justification after &&)" if name in (
                "text", "mbox", "textrm", "intertext") else "unknown command"
            if name in ("begin", "end"):
                what = "environment inside a row is not read"
            raise ReadError(f"{what}: \\{name}", span.offset(m.start()), m.group())


def _tok(t: object) -> str:
    name = getattr(t, "type", "")
    val = str(t)
    if name in _TOKEN_NAMES and name != "$END" and val:
        return f"'{val}'"
    return _TOKEN_NAMES.get(name, f"'{val}'")


def _explain(exc: UnexpectedInput, span: Span) -> ReadError:
    s = span.s
    if isinstance(exc, UnexpectedCharacters):
        i = exc.pos_in_stream
        m = re.match(r"\\[a-zA-Z]+\s*(\{[^{}]*\})?", s[i:])
        shown = m.group() if m else s[i]
        return ReadError(f"cannot read '{shown}' here", span.offset(i), s[i: i + 20])
    if isinstance(exc, UnexpectedToken):
        tok = exc.token
        i = tok.start_pos if tok.start_pos is not None else len(s)
        if tok.type == "$END":
            return ReadError("the expression ends too early", span.offset(len(s) - 1), s[-20:])
        big = re.search(r"\\(Sigma|Pi)\s*_\s*\{\s*\\?[a-zA-Z]+\s*$", s[:i])
        if tok.type == "EQ" and big:
            op = "\\sum" if big.group(1) == "Sigma" else "\\prod"
            return ReadError(f"\\{big.group(1)} with limits: write {op} (\\{big.group(1)} is read as a letter)",
                             span.offset(big.start()), s[big.start(): i + 10])
        if tok.type == "CMP":
            return ReadError(f"inequality '{tok}' is not a checked step (only '=' and solving steps are)",
                             span.offset(i), str(tok))
        return ReadError(f"unexpected {_tok(tok)}", span.offset(i), s[i: i + 20])
    if isinstance(exc, UnexpectedEOF):
        return ReadError("the expression ends too early", span.offset(len(s) - 1), s[-20:])
    return ReadError(f"cannot read this: {exc}", span.offset(0), s[:20])


def _parse(span: Span, start: str) -> Tree:
    _precheck(span)
    try:
        return _parser().parse(span.s, start=start)
    except UnexpectedInput as exc:
        raise _explain(exc, span) from None
    except RecursionError:
        raise ReadError("expression nested too deeply", span.offset(0), span.s[:20]) from None


def parse_row(span: Span) -> Tree:
    """The ``row`` tree of one display row (positions index into ``span.s``)."""
    return _parse(span, "start_row").children[0]


def parse_assume(span: Span) -> Tree:
    """The ``start_assume`` tree of one ``% assume:`` line: relation chains."""
    return _parse(span, "start_assume")
