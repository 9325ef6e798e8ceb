"""The sheet's arithmetic as written ("55x55x96", "(3x3x192x256)x(13x13)", "4096,000"), read by a grammar.

Products and sums of whole numbers become unevaluated SymPy expressions, so the
kernel, not Python, does the arithmetic. Sizes are capped before anything is built.
"""
from __future__ import annotations

from functools import lru_cache

import sympy as sp
from lark import Lark, Token, Transformer, v_args
from lark.exceptions import (LarkError, UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken,
                             VisitError)

__all__ = ["MAX_DIGITS", "MAX_LENGTH", "ArithmeticError_", "parse_number", "parse_work"]

MAX_LENGTH = 200
MAX_DIGITS = 30
MAX_TOTAL_DIGITS = 120
MAX_DEPTH = 12

_GRAMMAR = r"""
?start: sum
?sum: product ("+" product)*
?product: atom (_TIMES atom)*
?atom: NUMBER | "(" sum ")"
_TIMES: "x" | "X" | "×" | "*" | "·" | "\\times" | "\\cdot"
NUMBER: /[0-9]+(,[0-9]{3})*/
%ignore /[ \t]+/
"""


class ArithmeticError_(ValueError):
    """The text is not arithmetic this grammar reads; ``column`` is 1-based when known."""

    def __init__(self, message: str, column: int | None = None) -> None:
        super().__init__(message)
        self.column = column


@lru_cache(maxsize=1)
def _parser() -> Lark:
    return Lark(_GRAMMAR, parser="lalr", maybe_placeholders=False)


@v_args(inline=True)
class _Build(Transformer):
    def NUMBER(self, tok: Token) -> sp.Integer:
        digits = tok.replace(",", "")
        if len(digits) > MAX_DIGITS:
            raise ArithmeticError_(f"number {tok[:12]}... has over {MAX_DIGITS} digits", tok.column)
        return sp.Integer(int(digits))

    def product(self, *factors: sp.Expr) -> sp.Expr:
        return sp.Mul(*factors, evaluate=False)

    def sum(self, *terms: sp.Expr) -> sp.Expr:
        return sp.Add(*terms, evaluate=False)


def _precheck(text: str) -> None:
    if not isinstance(text, str):
        raise ArithmeticError_(f"must be a string like \"55x55x96\", got {text!r}")
    if len(text) > MAX_LENGTH:
        raise ArithmeticError_(f"is {len(text)} characters long; at most {MAX_LENGTH}")
    if not text.strip():
        raise ArithmeticError_("is empty")
    depth = 0
    for n, ch in enumerate(text, 1):
        depth += {"(": 1, ")": -1}.get(ch, 0)
        if depth > MAX_DEPTH:
            raise ArithmeticError_(f"nests parentheses deeper than {MAX_DEPTH}", n)
    digits = sum(ch.isdigit() for ch in text)
    if digits > MAX_TOTAL_DIGITS:
        raise ArithmeticError_(f"has {digits} digits; at most {MAX_TOTAL_DIGITS}")


def parse_work(text: str) -> sp.Expr:
    """Parse arithmetic such as ``(3x3x192x256)x(13x13)`` into an unevaluated SymPy expression.

    >>> int(parse_work("(3x3x192x256)x(13x13)"))
    74760192
    >>> int(parse_work("4096 X 1,000"))
    4096000
    """
    _precheck(text)
    try:
        tree = _parser().parse(text)
        return _Build().transform(tree)
    except VisitError as exc:
        if isinstance(exc.orig_exc, ArithmeticError_):
            raise exc.orig_exc from None
        raise
    except UnexpectedCharacters as exc:
        raise ArithmeticError_(f"unexpected {text[exc.pos_in_stream]!r} at column {exc.column}; write whole numbers "
                               "joined by x, ×, *, \\times or +, with parentheses", exc.column) from None
    except UnexpectedEOF:
        raise ArithmeticError_("ends too early; a number or ')' is missing") from None
    except UnexpectedToken as exc:
        if exc.token.type == "$END":
            raise ArithmeticError_("ends too early; a number or ')' is missing") from None
        raise ArithmeticError_(f"unexpected {str(exc.token)!r} at column {exc.column}", exc.column) from None
    except (UnexpectedInput, LarkError) as exc:
        raise ArithmeticError_(f"cannot be read: {type(exc).__name__}") from None


def parse_number(value: object) -> sp.Integer:
    """A written value: a whole number, or a string with thousands separators ("4,096,000", "4096,000")."""
    if isinstance(value, bool):
        raise ArithmeticError_(f"must be a whole number, got {value!r}")
    if isinstance(value, int):
        if value < 0 or len(str(value)) > MAX_DIGITS:
            raise ArithmeticError_(f"must be a whole number from 0 with at most {MAX_DIGITS} digits, got {value}")
        return sp.Integer(value)
    if isinstance(value, str):
        e = parse_work(value)
        if not isinstance(e, sp.Integer):
            raise ArithmeticError_(f"must be a single number, got {value!r}; put the arithmetic in 'work'")
        return e
    raise ArithmeticError_(f"must be a whole number, got {value!r}")
