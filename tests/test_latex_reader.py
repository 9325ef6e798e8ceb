"""The LaTeX reader's structure: environments, rows, steps, definitions, assumptions, files."""
from __future__ import annotations

from pathlib import Path

import pytest
import sympy as sp

from derivations.kernel.calculus import Diff, expand_diffs
from derivations.kernel.claims import DerivativeOf, Equal, Noted, Readings, Solves, Unreadable
from derivations.kernel.errors import InputError
from derivations.kernel.verdict import check, check_derivation
from derivations.latex import load_tex, read_tex_string

a, b, c, d, x = (sp.Symbol(n, real=True) for n in "abcdx")
k, i, m = (sp.Symbol(n, integer=True) for n in "kim")
K, N, D = (sp.Symbol(n, integer=True, positive=True) for n in "KND")
Y = sp.IndexedBase("y", integer=True)


def claims(tex: str) -> list:
    """The claims of the text; rows that are not claims (premises, conditions: ``noted``) are left out."""
    return [st.claim for dv in read_tex_string(tex) for st in dv.steps if not isinstance(st.claim, Noted)]


def kinds(tex: str) -> list:
    return [st.claim.kind for dv in read_tex_string(tex) for st in dv.steps if isinstance(st.claim, Noted)]


def only(tex: str):
    (dv,) = read_tex_string(tex, "notes.tex")
    return dv


# ---------------------------------------------------------------- environments and rows

ENVIRONMENTS = [
    pytest.param(r"\begin{align} a &= a \end{align}", id="align"),
    pytest.param(r"\begin{align*} a &= a \end{align*}", id="align-star"),
    pytest.param(r"\begin{equation} a = a \end{equation}", id="equation"),
    pytest.param(r"\begin{equation*} a = a \end{equation*}", id="equation-star"),
    pytest.param(r"\[ a = a \]", id="display"),
    pytest.param(r"\begin{equation}\begin{aligned} a &= a \end{aligned}\end{equation}", id="aligned-inside-equation"),
]


@pytest.mark.parametrize("tex", ENVIRONMENTS)
def test_each_environment_is_one_derivation(tex: str) -> None:
    text = "Prose $x = y$ is ignored.\n" + tex + "\nMore prose, and $b = c$ too.\n"
    (dv,) = read_tex_string(text, "notes.tex")
    assert [st.claim for st in dv.steps] == [Equal(a, a)]
    assert dv.source == "notes.tex" and dv.name == "notes.tex:2"


def test_rows_relations_and_lines() -> None:
    dv = only("\\begin{align}\n(a+b)^2 &= a^2 + 2ab + b^2 \\nonumber \\\\\n"
              "  &= a^2 + b(2a + b) \\label{eq:x} \\tag{3} \\\\[4pt]\n  &= c = d \\notag\n\\end{align}")
    lhs = (a + b) ** 2
    rhs1 = a ** 2 + 2 * a * b + b ** 2
    rhs2 = a ** 2 + b * (2 * a + b)
    assert [st.claim for st in dv.steps] == [Equal(lhs, rhs1), Equal(rhs1, rhs2), Equal(rhs2, c), Equal(c, d)]
    assert [st.line for st in dv.steps] == [2, 3, 4, 4]


def test_relation_line_is_the_line_of_the_equals_sign() -> None:
    dv = only("\\begin{align}\na + b\n  + c\n  &= c + b + a\n\\end{align}")
    assert dv.steps[0].line == 4


JUSTIFICATIONS = [
    pytest.param(r"a &= a && \text{Bayes' rule}", "Bayes' rule", id="double-ampersand"),
    pytest.param(r"a &= a \quad \text{(chain rule)}", "(chain rule)", id="quad"),
    pytest.param(r"a &= a \qquad \text{by } (3)", "by (3)", id="qquad"),
    pytest.param(r"a &= a \text{ by symmetry}", "by symmetry", id="trailing-text"),
    pytest.param(r"a &= a", "", id="none"),
]


@pytest.mark.parametrize("row,by", JUSTIFICATIONS)
def test_justification_is_kept_not_read(row: str, by: str) -> None:
    (st,) = only(rf"\begin{{align}} {row} \end{{align}}").steps
    assert st.claim == Equal(a, a) and st.by == by


def test_comments_are_ignored() -> None:
    dv = only("\\begin{align}\na &= a % = b is a comment\n% c &= d\n\\end{align}")
    assert [st.claim for st in dv.steps] == [Equal(a, a)]


def test_escaped_percent_is_not_a_comment_start() -> None:
    (dv1, dv2) = read_tex_string("\\[ a = a \\]\n\\[ b \\% = b \\]")
    assert isinstance(dv2.steps[0].claim, Unreadable)


def test_broken_long_rows_are_joined() -> None:
    tex = ("\\begin{align}\n2x &= a + b \\\\\n  &\\quad + c \\\\\n  &= c + b + a \\\\\n"
           "  &= \\Big(a + b \\\\\n  &\\qquad + c\\Big) - d + d\n\\end{align}")
    got = claims(tex)
    assert got == [Equal(2 * x, a + b + c), Equal(a + b + c, a + b + c), Equal(a + b + c, a + b + c - d + d)]


def test_a_new_row_without_relation_starts_a_new_chain() -> None:
    assert claims(r"\begin{align} a + 1 &= b \\ c + 1 &= d \end{align}") == [Equal(a + 1, b), Equal(c + 1, d)]


def test_unreadable_row_is_an_error_and_the_rest_is_read() -> None:
    dv = only("\\begin{align}\na + 1 &= b \\\\\n  &= \\foo \\\\\n  &= c \\\\\nc + 1 &= d\n\\end{align}")
    kinds = [type(st.claim).__name__ for st in dv.steps]
    assert kinds == ["Equal", "Unreadable", "Unreadable", "Equal"]  # `&= c` has no left side: reported, not lost
    assert dv.steps[1].claim.message.startswith("notes.tex:3:6: unknown command: \\foo")
    assert "continues from a row that could not be read" in dv.steps[2].claim.message
    assert dv.steps[3].claim == Equal(c + 1, d)


def test_pending_equation_before_an_unreadable_arrow_is_not_claimed() -> None:
    dv = only("\\begin{align}\n2x &= 6 \\\\\n\\implies x &= \\foo\n\\end{align}")
    assert [type(st.claim).__name__ for st in dv.steps] == ["Unreadable"]


# ---------------------------------------------------------------- definitions

def test_definitions_bare_indexed_and_functions() -> None:
    tex = r"""
\begin{align}
g &:= a + 1 \\
N_k &:= \sum_{m=1}^{N} \mathbb{1}[y^{(m)} = k] \\
f(t) &:= t^2 \\
\ell(\mu, s) &:= \mu s \\
\mathcal{L} &:= g
\end{align}
\begin{align}
g^2 &= f(a + 1) \\
N_c &= 0 \\
\ell(a, b) &= \ell \\
\mathcal{L} &= f(1)
\end{align}"""
    c_ = sp.Symbol("c", integer=True)
    mu, s = sp.Symbol("mu", real=True), sp.Symbol("s", real=True)
    got = claims(tex)
    assert got[0] == Equal((a + 1) ** 2, (a + 1) ** 2)
    assert got[1] == Equal(sp.Sum(sp.KroneckerDelta(Y[m], c_), (m, 1, N)), 0)
    assert isinstance(got[2], Unreadable) and "write them, as in ell(mu, s)" in got[2].message  # which mu, s?
    assert got[3].lhs == a + 1 and sp.simplify(got[3].rhs) == 1


def test_a_bare_function_name_stands_for_its_head_only_where_the_row_writes_the_arguments() -> None:
    tex = "\\begin{align}\n\\ell(\\mu, s) &:= \\mu^2 s \\\\\n\\frac{\\partial \\ell}{\\partial \\mu} &= 2 \\mu s\n\\end{align}"
    (d,) = read_tex_string(tex)
    assert [r.verdict for r in check_derivation(d).steps] == ["noted", "proved"]
    wrong = tex.replace("= 2 \\mu s", "= \\mu s")
    assert [r.verdict for r in check_derivation(read_tex_string(wrong)[0]).steps] == ["noted", "refuted"]


def test_definition_row_continues_as_a_chain_and_is_not_a_step() -> None:
    t = sp.Symbol("t", real=True)
    assert claims(r"\begin{align} f(t) &:= (t+1)^2 \\ &= t^2 + 2t + 1 \end{align}") == [
        Equal((t + 1) ** 2, t ** 2 + 2 * t + 1)]


def test_undefined_letter_before_parentheses_is_read_both_ways() -> None:
    (claim,) = claims(r"\[ a = f(a) \]")
    assert isinstance(claim, Readings)
    assert [c for _, c in claim.readings] == [Equal(a, sp.Symbol("f", real=True) * a), Equal(a, sp.Function("f")(a))]
    assert "% functions: f" in claim.settle


def test_letter_used_plainly_elsewhere_is_a_symbol() -> None:
    assert claims(r"\begin{align} f(a) &= a f \end{align}") == [Equal(sp.Symbol("f", real=True) * a, a * sp.Symbol(
        "f", real=True))]


def test_declared_function_is_applied() -> None:
    assert claims("% functions: f\n\\[ f(a) = a \\]") == [Equal(sp.Function("f")(a), a)]


def test_definition_is_not_visible_to_itself() -> None:
    assert claims(r"\begin{align} a &:= a + 1 \\ a &= 2 \end{align}") == [Equal(a + 1, 2)]


def test_bad_definition_head_is_an_error() -> None:
    (st,) = only(r"\begin{align} a + b &:= c \end{align}").steps
    assert "cannot define this" in st.claim.message


def test_function_arity_is_checked() -> None:
    got = claims(r"\begin{align} f(t) &:= t \\ f(a, b) &= a \end{align}")
    assert isinstance(got[0], Unreadable) and "1 argument(s), used with 2" in got[0].message


# ---------------------------------------------------------------- solving steps

def test_solving_step_claims_a_solution_not_the_premise() -> None:
    assert claims(r"\begin{align} 2x + 1 &= 7 \\ \implies x &= 3 \end{align}") == [Solves(x, 3, 2 * x + 1, 7)]


@pytest.mark.parametrize("arrow", [r"\implies", r"\Rightarrow", r"\therefore", r"\Longrightarrow"])
def test_arrows(arrow: str) -> None:
    assert claims(rf"\[ 2x = 6 {arrow} x = 3 \]") == [Solves(x, 3, 2 * x, 6)]


def test_solved_variable_on_the_right_and_chain_after() -> None:
    got = claims(r"\begin{align} 2x &= 6 \implies 3 = x \\ &= 1 + 2 \end{align}")
    assert got[0] == Solves(x, 3, 2 * x, 6)  # then x = 1 + 2: x free, or x the solution 3 (two readings)
    assert [c for _, c in got[1].readings] == [Equal(x, sp.Add(1, 2, evaluate=False)), Equal(3, sp.Add(1, 2, evaluate=False))]


def test_intermediate_equations_are_premises_of_the_final_solution() -> None:
    got = claims(r"\[ 2(x+1) = 10 \implies x + 1 = 5 \implies x = 4 \]")
    assert got == [Solves(x, 4, 2 * (x + 1), 10), Solves(x, 4, x + 1, 5)]


def test_no_solved_form_is_an_error() -> None:
    (st,) = [s for s in only(r"\[ 2(x+1) = 10 \implies x + 1 = 5 \]").steps if not isinstance(s.claim, Noted)]
    assert isinstance(st.claim, Unreadable) and "no solved form" in st.claim.message


def test_derivative_premise_is_a_first_order_condition() -> None:
    mu = sp.Symbol("mu", real=True)
    got = claims(r"\begin{align} \frac{d}{d\mu} (\mu - a)^2 &= 2(\mu - a) \\ \implies \hat{\mu} &= a \end{align}")
    assert got == [DerivativeOf(2 * (mu - a), (mu - a) ** 2, mu), Solves(mu, a, 2 * (mu - a), 0)]


def test_derivative_set_to_zero_is_solved_not_claimed() -> None:
    mu = sp.Symbol("mu", real=True)
    got = claims(r"\[ \frac{d}{d\mu} (\mu - a)^2 = 0 \implies \mu = a \]")
    assert got == [Solves(mu, a, Diff((mu - a) ** 2, mu, 1), 0)]
    assert kinds(r"\[ \frac{d}{d\mu} (\mu - a)^2 = 0 \implies \mu = a \]") == ["condition"]


@pytest.mark.parametrize("tex", [
    pytest.param(r"\begin{align} \frac{d}{d\mu} (\mu - a)^2 &= 0 \\ \mu &= a \end{align}", id="no-arrow"),
    pytest.param(r"\begin{align} \frac{d}{d\mu} (\mu - a)^2 &= 2(\mu - a) = 0 \\ \hat\mu &= a \end{align}",
                 id="chain-ending-in-zero"),
])
def test_condition_row_is_noted_and_the_next_row_solves_it(tex: str) -> None:
    mu = sp.Symbol("mu", real=True)
    got = claims(tex)
    assert got[-1] == Solves(mu, a, got[-1].lhs, 0)
    assert sp.expand(expand_diffs(got[-1].lhs, sp.diff) - (2 * mu - 2 * a)) == 0
    assert not any(isinstance(c, DerivativeOf) and c.result == 0 for c in got)
    assert kinds(tex) == ["condition"]
    dv = only(tex)
    assert [s.verdict for s in check_derivation(dv, budget=10).steps if not isinstance(
        dv.steps[s.index - 1].claim, Noted)][-1] == "proved"


def test_condition_with_a_wrong_solution_is_refuted() -> None:
    dv = only(r"\begin{align} \frac{d}{d\mu} (\mu - a)^2 &= 0 \\ \mu &= 2a \end{align}")
    assert [s.verdict for s in check_derivation(dv, budget=10).steps] == ["noted", "refuted"]


@pytest.mark.parametrize("tex,fragment", [
    (r"\[ 2x = 6 \implies y = 3 \]", "does not contain y"),
    (r"\begin{align} \therefore x &= 3 \end{align}", "needs an equation 'A = B' before it"),
], ids=["other-variable", "arrow-without-premise"])
def test_vacuous_or_premiseless_solving_steps_are_errors(tex: str, fragment: str) -> None:
    (st,) = [s for s in only(tex).steps if not isinstance(s.claim, Noted)]
    assert isinstance(st.claim, Unreadable) and fragment in st.claim.message
    assert st.claim.message.startswith("notes.tex:1:")


def test_a_solving_row_under_a_derivative_by_an_absent_variable_is_unknown() -> None:
    """The kernel takes the derivative: d/dmu (x - a)^2 is 0 for every mu, so 'mu = 3' is not determined."""
    tex = r"\begin{align} \ell &:= (x - a)^2 \\ \frac{\partial \ell}{\partial \mu} = 0 &\implies \mu = 3 \end{align}"
    rep = check_derivation(only(tex), budget=10)
    (res,) = [r for r in rep.steps if r.verdict != "noted"]
    assert res.verdict == "unknown" and "does not contain mu" in res.detail


def test_wrong_solution_is_refuted_right_one_proved() -> None:
    dv = only(r"\begin{align} x^2 - 5x + 6 = 0 &\implies x = 2 \\ x^2 - 5x + 6 = 0 &\implies x = 4 \end{align}")
    assert [s.verdict for s in check_derivation(dv, budget=10).steps] == ["noted", "proved", "noted", "refuted"]


# ---------------------------------------------------------------- assumptions

def test_assumptions_positive_ranges_and_sizes() -> None:
    dv = only("% assume: \\sigma_i > 0, \\lambda > 0, 1 \\leq k \\leq K, 0 < p < 1\n"
              "\\[ \\sum_{k=1}^{K} \\lambda \\sigma_k + p u_k = \\lambda \\]")
    sigma = sp.IndexedBase("sigma", positive=True)
    lam = sp.Symbol("lambda", positive=True)
    p = sp.Symbol("p", positive=True)
    (st,) = dv.steps
    assert st.claim.lhs.has(sigma[k]) and st.claim.lhs.has(lam) and st.claim.lhs.has(p)
    assert {"1 <= k", "k <= K", "0 < p", "p < 1", "sigma[i] > 0", "lambda > 0"} <= {
        str(r) for r in dv.assumptions.relations}
    assert dv.assumptions.sizes == (K,)
    assert "1 \\leq k \\leq K" in dv.assumptions.statements


def test_assumption_applies_only_after_its_line() -> None:
    (before, after) = read_tex_string("\\[ \\sqrt{t^2} = t \\]\n% assume: t > 0\n\\[ \\sqrt{t^2} = t \\]")
    assert [check_derivation(dv, budget=10).steps[0].verdict for dv in (before, after)] == ["refuted", "proved"]


def test_unused_assumptions_are_left_out() -> None:
    dv = only("% assume: q > 0, 1 \\leq k \\leq K\n\\[ a = a \\]")
    assert dv.assumptions.relations == () and dv.assumptions.sizes == ()


def test_every_class_appears_gives_a_cover() -> None:
    tex = ("% assume: 1 \\leq k \\leq K, 1 \\leq y^{(m)} \\leq K\n"
           "\\begin{align} N_k &:= \\sum_{m=1}^{N} \\mathbb{1}[y^{(m)} = k] \\end{align}\n"
           "% assume: N_k \\geq 1\n\\[ \\frac{N_k}{N_k} = 1 \\]")
    dv = read_tex_string(tex)[-1]
    assert dv.assumptions.cover == ((Y, K, N),)


def test_label_range_is_never_taken_from_the_claim() -> None:
    dv = only(r"\[ \sum_{c=1}^{K} \mathbb{1}[y^{(m)} = c] = 1 \]")
    assert dv.assumptions.relations == ()
    assert check_derivation(dv, budget=10).steps[0].verdict == "refuted"
    assumed = only("% assume: 1 \\leq y^{(m)} \\leq K\n\\[ \\sum_{c=1}^{K} \\mathbb{1}[y^{(m)} = c] = 1 \\]")
    assert check_derivation(assumed, budget=10).steps[0].verdict == "proved"


def test_sum_limits_are_not_assumed_in_order() -> None:
    dv = only(r"\[ \sum_{i=3}^{N} 1 = N - 2 \]")
    assert dv.assumptions.relations == ()
    v = check_derivation(dv, budget=10).steps[0]
    assert v.verdict == "refuted" and int(v.counterexample["N"]) < 2
    ok = only("% assume: N \\geq 2\n\\[ \\sum_{i=3}^{N} 1 = N - 2 \\]")
    assert check_derivation(ok, budget=10).steps[0].verdict in ("proved", "supported")


ASSUMPTION_ERRORS = [
    pytest.param("% assume: a = 1", "'=' is not an assumption", id="equality"),
    pytest.param("% assume: 1 > 2", "this assumption is false", id="false"),
    pytest.param("% assume: a >", "ends too early", id="unreadable"),
]


@pytest.mark.parametrize("line,fragment", ASSUMPTION_ERRORS)
def test_bad_assumption_is_a_file_level_error(line: str, fragment: str) -> None:
    (problems, dv) = read_tex_string(line + "\n\\[ a = a \\]", "notes.tex")
    (st,) = problems.steps
    assert isinstance(st.claim, Unreadable) and fragment in st.claim.message
    assert st.claim.message.startswith("notes.tex:1:") and st.line == 1
    (blocked,) = dv.steps  # a counterexample found without the assumption could break it
    assert isinstance(blocked.claim, Unreadable) and "assumption at line 1 could not be read" in blocked.claim.message


def test_a_bad_assumption_blocks_only_the_displays_that_use_its_names() -> None:
    (problems, uses, other) = read_tex_string("% assume: a > 0, b = 1\n\\[ a + b = b + a \\]\n\\[ a = a \\]",
                                              "notes.tex")
    assert "'=' is not an assumption" in problems.steps[0].claim.message
    assert isinstance(uses.steps[0].claim, Unreadable)
    assert str(other.steps[0].claim) == str(Equal(a, a)) and other.assumptions.statements == ("a > 0",)


# ---------------------------------------------------------------- files

def test_load_tex_sets_source_and_lines(tmp_path: Path) -> None:
    p = tmp_path / "notes.tex"
    p.write_text("intro\n\n\\begin{align}\na &= a\n\\end{align}\n", encoding="utf-8")
    (dv,) = load_tex(str(p))
    assert dv.source == str(p) and dv.steps[0].line == 4 and dv.name == "notes.tex:3"


def test_crlf_and_bom(tmp_path: Path) -> None:
    p = tmp_path / "w.tex"
    p.write_bytes(b"\xef\xbb\xbf% assume: t > 0\r\n\\[ \\sqrt{t^2} = t \\]\r\n")
    (dv,) = load_tex(str(p))
    assert check(dv.steps[0].claim, dv.assumptions, budget=10).verdict == "proved"


UNREADABLE_FILES = [
    pytest.param(None, "no such file", id="missing"),
    pytest.param("dir", "is a directory", id="directory"),
    pytest.param(b"\\[ a = a \\]\n\xff\xfe", "w.tex:2:1: not UTF-8", id="not-utf8"),
    pytest.param(b"just prose $a = b$\n", "no environment found (looked for align, align*, equation", id="no-environment"),
]


@pytest.mark.parametrize("content,fragment", UNREADABLE_FILES)
def test_unreadable_files_raise_input_error(tmp_path: Path, content: object, fragment: str) -> None:
    p = tmp_path / "w.tex"
    if content == "dir":
        p.mkdir()
    elif content is not None:
        p.write_bytes(content)  # type: ignore[arg-type]
    with pytest.raises(InputError) as err:
        load_tex(str(p))
    assert fragment in str(err.value)
    assert isinstance(err.value, ValueError)


def test_read_tex_string_default_source() -> None:
    (dv,) = read_tex_string(r"\[ a = b \]")
    assert dv.source == "<string>"
