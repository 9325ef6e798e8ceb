"""How the LaTeX reader reads expressions: tables of LaTeX -> SymPy, derivatives, and refusals."""
from __future__ import annotations

import sympy as sp
import pytest

from derivations.kernel.calculus import Diff
from derivations.kernel.claims import DerivativeOf, Equal, Noted, Unreadable
from derivations.latex import read_tex_string


def real(n: str) -> sp.Symbol:
    return sp.Symbol(n, real=True)


def index(n: str) -> sp.Symbol:
    return sp.Symbol(n, integer=True)


def size(n: str) -> sp.Symbol:
    return sp.Symbol(n, integer=True, positive=True)


def fam(n: str) -> sp.IndexedBase:
    return sp.IndexedBase(n, real=True)


a, b, c, x, s = (real(n) for n in "abcxs")
i, j, k, m = (index(n) for n in "ijkm")
D, N, K = size("D"), size("N"), size("K")
X, U, Y, P = fam("x"), fam("u"), sp.IndexedBase("y", integer=True), fam("p")


def steps(tex: str) -> list:
    return [st for d in read_tex_string(tex) for st in d.steps]


def read(expr: str, assume: str = "") -> sp.Expr:
    """The SymPy reading of one expression (as the right side of ``0 = expr``: never a definition, rule 7)."""
    tex = (f"% assume: {assume}\n" if assume else "") + rf"\[ 0 = {expr} \]"
    (step,) = steps(tex)
    assert isinstance(step.claim, Equal), step.claim
    return step.claim.rhs

# Inside an indicator, plain k and the family y stay real (nothing makes them integers),
# so y^{(m)} = k is 1 where equal, 0 otherwise, not a KroneckerDelta.
IND = sp.Piecewise((1, sp.Eq(real("k"), fam("y")[m])), (0, True))

READINGS = [
    ("implicit-product", r"2ab", 2 * a * b),
    ("cdot-times", r"a \cdot b \times c", a * b * c),
    ("slash", r"a/b", a / b),
    ("frac", r"\frac{a}{b}", a / b),
    ("dfrac", r"\dfrac{a+1}{b}", (a + 1) / b),
    ("frac-digits", r"\frac12 a", a / 2),
    ("frac-single-tokens", r"\frac a b", a / b),
    ("decimal-is-exact", r"0.1 a", sp.Rational(1, 10) * a),
    ("power", r"a^{b+1}", a ** (b + 1)),
    ("sqrt", r"\sqrt{a}", sp.sqrt(a)),
    ("odd-root-is-real-root", r"\sqrt[3]{a}", sp.sign(a) * sp.Abs(a) ** sp.Rational(1, 3)),
    ("odd-root-of-cube", r"\sqrt[3]{x^3}", sp.sign(x ** 3) * sp.Abs(x ** 3) ** sp.Rational(1, 3)),
    ("even-root-is-principal", r"\sqrt[4]{a}", a ** sp.Rational(1, 4)),
    ("left-right", r"\left(a+b\right) c", (a + b) * c),
    ("brackets", r"[a+b] c", (a + b) * c),
    ("escaped-braces", r"\{a+b\} c", (a + b) * c),
    ("big-parens", r"\Big(a+b\Big) c", (a + b) * c),
    ("unary-minus", r"-a + b", b - a),
    ("letter-used-plainly-then-parens-is-product", r"a(b+c) + a", a * (b + c) + a),
    ("log-operand-is-product-term", r"\log a b", sp.log(a * b)),
    ("log-with-parens-takes-group", r"\log(a) b", b * sp.log(a)),
    ("log-then-plus", r"\log a + b", sp.log(a) + b),
    ("ln", r"\ln a", sp.log(a)),
    ("log-base", r"\log_2 a", sp.log(a) / sp.log(2)),
    ("exp", r"\exp(a)", sp.exp(a)),
    ("exp-product-term", r"\exp a b", sp.exp(a * b)),
    ("euler-power", r"e^{a}", sp.exp(a)),
    ("bare-e-is-euler", r"e", sp.E),
    ("pi", r"\pi a", sp.pi * a),
    ("pi-with-index-is-a-family", r"\pi_k", fam("pi")[k]),
    ("greek", r"\alpha", real("alpha")),
    ("ell", r"\ell", real("ell")),
    ("mathcal", r"\mathcal{L}", real(r"\mathcal{L}")),
    ("hat", r"\hat{\mu}", real("muhat")),
    ("bar", r"\bar x", real("xbar")),
    ("factorial", r"a!", sp.factorial(a)),
    ("sum", r"\sum_{i=1}^{D} x_i", sp.Sum(X[i], (i, 1, D))),
    ("sum-limits-either-order", r"\sum^{D}_{i=1} x_i", sp.Sum(X[i], (i, 1, D))),
    ("sum-body-is-product-term", r"\sum_{i=1}^{D} x_i u_i + c", sp.Sum(X[i] * U[i], (i, 1, D)) + c),
    ("sum-parenthesised-body", r"\sum_{i=1}^{D} (x_i + c)", sp.Sum(X[i] + c, (i, 1, D))),
    ("prod", r"\prod_{m=1}^{N} p_m", sp.Product(P[m], (m, 1, N))),
    ("nested-sums", r"\sum_{i=1}^{D}\sum_{j=1}^{D} u_{ij}", sp.Sum(sp.Sum(U[i, j], (j, 1, D)), (i, 1, D))),
    ("subscript-letter", r"x_i", X[i]),
    ("subscript-braced", r"x_{i}", X[i]),
    ("two-indices", r"u_{ki}", U[k, i]),
    ("two-indices-comma", r"u_{k,i}", U[k, i]),
    ("digit-index", r"x_1", X[1]),
    ("digit-run-is-one-index", r"u_{12}", U[12]),
    ("two-digit-index", r"x_{10}", X[10]),
    ("letter-then-digit-indices", r"u_{k1}", U[k, 1]),
    ("expression-index", r"x_{i+1}", X[i + 1]),
    ("indexed-index", r"u_{y^{(m)} i}", U[Y[m], i]),
    ("indexed-index-comma", r"u_{y^{(m)},i}", U[Y[m], i]),
    ("label-index", r"\alpha_{y^{(m)}}", fam("alpha")[Y[m]]),
    ("sample-superscript", r"x^{(m)}", X[m]),
    ("sample-then-index", r"x_i^{(m)}", X[m, i]),
    ("sample-before-index", r"x^{(m)}_i", X[m, i]),
    ("power-of-element", r"\sigma_i^2", fam("sigma")[i] ** 2),
    ("power-before-index", r"\sigma^2_i", fam("sigma")[i] ** 2),
    ("power-of-sample", r"(x^{(m)})^2", X[m] ** 2),
    ("indicator-real-values", r"\mathbb{1}[y^{(m)} = k]", IND),
    ("indicator-braces", r"\mathbb{1}\{y^{(m)} = k\}", IND),
    ("indicator-mathbb-I", r"\mathbb{I}[y^{(m)} = k]", IND),
    ("indicator-mathbf", r"\mathbf{1}[y^{(m)} = k]", IND),
    ("indicator-subscript", r"\mathbb{1}_{y^{(m)} = k}", IND),
    ("indicator-neq", r"\mathbb{1}[y^{(m)} \neq k]", 1 - IND),
    ("indicator-non-integer-condition", r"\mathbb{1}[3x = 2]", sp.Piecewise((1, sp.Eq(x, sp.Rational(2, 3))), (0, True))),
    ("several-arguments-is-application", r"f(a, b)", sp.Function("f")(a, b)),
    ("spacing-ignored", r"a \, b \; c \! \displaystyle a", a * b * c * a),
]


@pytest.mark.parametrize("tex,expected", [(t, e) for _, t, e in READINGS], ids=[r[0] for r in READINGS])
def test_reading(tex: str, expected: sp.Expr) -> None:
    got = read(tex)
    assert got == expected or sp.simplify(got - expected) == 0, (got, expected)


def test_sum_of_a_family_is_not_n_times_one_symbol() -> None:
    got = read(r"\sum_{m=1}^{N} x_m")
    assert got == sp.Sum(X[m], (m, 1, N))
    assert got.subs(N, 3).doit() == X[1] + X[2] + X[3]


def test_sum_over_an_assumed_range_without_limits() -> None:
    assert read(r"\sum_i x_i", "1 \\leq i \\leq D") == sp.Sum(X[i], (i, 1, D))


def test_defined_function_applies_and_powers() -> None:
    (st0, st1, st2) = steps(r"\begin{align} f(t) &:= t^2 + 1 \\ f(a+b) &= f(a)^2 \\ f(a) f(b) &= 0 \end{align}")
    assert st0.claim == Noted("definition") and st0.kind == "definition"
    assert st1.claim == Equal((a + b) ** 2 + 1, (a ** 2 + 1) ** 2)
    assert st2.claim == Equal((a ** 2 + 1) * (b ** 2 + 1), 0)


DERIVATIVES = [
    ("operator", r"\frac{\partial}{\partial x} x^2 = 2x", DerivativeOf(2 * x, x ** 2, x)),
    ("fraction-form", r"\frac{\partial x^3}{\partial x} = 3x^2", DerivativeOf(3 * x ** 2, x ** 3, x)),
    ("d-operator", r"\frac{d}{dx} x^2 = 2x", DerivativeOf(2 * x, x ** 2, x)),
    ("d-fraction", r"\frac{d x^2}{d x} = 2x", DerivativeOf(2 * x, x ** 2, x)),
    ("mathrm-d", r"\frac{\mathrm{d}}{\mathrm{d}x} x^2 = 2x", DerivativeOf(2 * x, x ** 2, x)),
    ("derivative-on-the-right", r"2x = \frac{\partial}{\partial x} x^2", DerivativeOf(2 * x, x ** 2, x)),
    ("indexed-element", r"\frac{\partial}{\partial u_{ki}} u_{ki}^2 = 2u_{ki}", DerivativeOf(2 * U[k, i], U[k, i] ** 2, U[k, i])),
    ("squared-symbol", r"\frac{\partial}{\partial s^2} \log s^2 = \frac{1}{s^2}", DerivativeOf(1 / s ** 2, sp.log(s ** 2), s ** 2)),
    ("squared-element", r"\frac{\partial}{\partial \sigma_i^2} \sigma_i^2 = 1",
     DerivativeOf(sp.S.One, fam("sigma")[i] ** 2, fam("sigma")[i] ** 2)),
    ("second-order", r"\frac{\partial^2}{\partial x^2} x^3 = 6x", DerivativeOf(6 * x, Diff(x ** 3, x, 1), x)),
    ("two-derivatives", r"\frac{\partial}{\partial x} x^2 = \frac{\partial}{\partial x} (x^2 + a)",
     DerivativeOf(sp.S.Zero, -a, x)),
    ("inside-an-expression-is-left-to-the-kernel", r"1 + \frac{d}{dx} x^2 = 1 + 2x",
     Equal(1 + Diff(x ** 2, x, 1), 1 + 2 * x)),
]


@pytest.mark.parametrize("tex,claim", [(t, c) for _, t, c in DERIVATIVES], ids=[r[0] for r in DERIVATIVES])
def test_derivative_claims(tex: str, claim: object) -> None:
    (st,) = steps(rf"\[ {tex} \]")
    assert st.claim == claim


def test_derivative_of_sum_picks_the_element() -> None:
    (st,) = steps(r"\[ \frac{\partial}{\partial w_j} \sum_{i=1}^{D} w_i x_i = x_j \]")
    assert isinstance(st.claim, DerivativeOf)
    assert st.claim.wrt == fam("w")[j]
    assert st.claim.of == sp.Sum(fam("w")[i] * X[i], (i, 1, D))


REFUSALS = [
    ("unknown-command", r"\foo a = 0", "unknown command: \\foo", 4),
    ("text-in-maths", r"\text{a} + b = 0", "text is not read inside mathematics", 4),
    ("slash-then-product", r"1/2\sigma = 0", "ambiguous: something follows a divisor", 7),
    ("double-slash", r"a/b/c = 0", "ambiguous: something follows a divisor", 7),
    ("log-group-power", r"\log(a)^2 = 0", "ambiguous: \\log(...) followed by a power", 8),
    ("unbraced-two-digit-power", r"a^23 = 0", "write {23}", 6),
    ("unbraced-two-digit-index", r"x_12 = 0", "write _{12}", 6),
    ("numbers-side-by-side", r"34\,848 = 0", "two numbers side by side", 8),
    ("sum-without-limits", r"\sum x_i = 0", "needs limits", 4),
    ("sum-without-upper", r"\sum_{i=1} x_i = 0", "no upper limit", 4),
    ("sum-without-body", r"a + \sum_{i=1}^{D} = 0", "needs a body after its limits", 8),
    ("partial-outside", r"\partial a = 0", "outside a derivative", 4),
    ("derivative-by-number", r"\frac{\partial}{\partial 2} a = 0", "differentiate with respect to", 19),
    ("mixed-partial", r"\frac{\partial^2 a}{\partial x \partial b} = 0", "one variable", 23),
    ("double-subscript", r"x_i_j = 0", "double subscript", 4),
    ("subscript-on-group", r"(a+b)_i = 0", "not a letter", 9),
    ("sample-on-group", r"(a)^{(m)} = 0", "sample superscript (m) needs a letter", 7),
    ("list-outside-function", r"(a, b) = 0", "list (a, b)", 4),
    ("division-by-zero", r"\frac{a}{0} = 0", "division by zero", 12),
    ("ends-early", r"a + = 0", "unexpected '='", 8),
    ("trailing-cdot", r"a \cdot = 0", "nothing after '\\cdot'", 6),
    ("cyrillic-a", "\u0430 = 0", "looks like the Latin letter 'a'", 4),
    ("superscript-two", "a\u00b2 = 0", "U+00B2 SUPERSCRIPT TWO", 5),
    ("plain-and-family", r"x + x_i = 0", "used both as a plain symbol and as a family", 4),
    ("right-dot", r"\left( a \right. = 0", "cannot read '.'", 19),
    ("Sigma-with-limits", r"\Sigma_{i=1}^{N} x_i = 0", "\\Sigma with limits: write \\sum", 4),
    ("Pi-with-limits", r"\Pi_{m=1}^{N} x_m = 0", "\\Pi with limits: write \\prod", 4),
    ("bound-free-index-as-number", r"\sum_i i x_i = 0", "used as a number", 11),
    ("bar-without-partner", r"|a + b = 0", "without its partner", 4),
    ("bars-two-pairings", r"|a|b|c| = 0", "can pair two ways", 4),
    ("vector-times-vector", r"\mathbf{x}\mathbf{y} = 0", "shapes of this product cannot agree", 4),
    ("operator-without-parentheses", r"\operatorname{sgn} a = 0", "takes its argument in parentheses", 4),
    ("greek-look-alike-capital", "\u0391 = 0", "looks like", 4),
    ("derivative-in-inequality", r"\frac{d}{dx} x^2 \leq 2x", "derivative in an inequality", 21),
]


@pytest.mark.parametrize("tex,fragment,col", [(t, f, c) for _, t, f, c in REFUSALS], ids=[r[0] for r in REFUSALS])
def test_refusal_names_the_place(tex: str, fragment: str, col: int) -> None:
    (st,) = steps(rf"\[ {tex} \]")
    assert isinstance(st.claim, Unreadable)
    assert fragment in st.claim.message, st.claim.message
    assert st.claim.message.startswith(f"<string>:1:{col}: "), st.claim.message
    assert st.line == 1
