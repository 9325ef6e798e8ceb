"""The LaTeX source stage (input contract rules 1 and 2, v2): which displays are read, what is
reported as not read, how rows and justifications are split. At the ``Source`` level, and end to end."""
from __future__ import annotations

import time

import pytest

from derivations import check_tex
from derivations.kernel.errors import InputError
from derivations.latex import read_tex_string
from derivations.latex.source import Source, read_source


def source(tex: str) -> Source:
    return read_source(tex.encode("utf-8"), "s.tex")


def displays(tex: str) -> list[tuple[str, list[tuple[str, str]]]]:
    """``(kind, [(maths with spaces collapsed, justification)])`` for each display read."""
    return [(e.kind, [(" ".join(r.math.s.split()), r.by) for r in e.rows]) for e in source(tex).envs]


def issues(tex: str) -> list[tuple[int, str]]:
    """``(line, message)`` of each problem with the file."""
    src = source(tex)
    return [(src.where(i.offset)[0], i.message) for i in src.issues]


def verdicts(tex: str) -> list[str]:
    return [s.verdict for s in check_tex(tex, "s.tex", budget=20).steps]


# ---------------------------------------------------------------- rule 1: the displays that are read

READ = [
    pytest.param(r"\begin{gather} a = b \\ c = d \end{gather}", "gather", [("a = b", ""), ("c = d", "")], id="gather"),
    pytest.param(r"\begin{gather*} a = b \\ c = d \end{gather*}", "gather*", [("a = b", ""), ("c = d", "")],
                 id="gather-star"),
    pytest.param(r"\begin{multline} a + b \\ + c = d \end{multline}", "multline", [("a + b + c = d", "")],
                 id="multline-is-one-row"),
    pytest.param(r"\begin{multline*} a \\ = b \quad \text{(by parts)} \end{multline*}", "multline*",
                 [("a = b", "(by parts)")], id="multline-star-justified"),
    pytest.param(r"\begin{eqnarray} a &=& b \\ &=& c \end{eqnarray}", "eqnarray", [("a = b", ""), ("= c", "")],
                 id="eqnarray"),
    pytest.param(r"\begin{eqnarray*} a &=& b + c \\ && + d \\ &=& e \quad \text{(sum)} \end{eqnarray*}", "eqnarray*",
                 [("a = b + c + d", ""), ("= e", "(sum)")], id="eqnarray-star-ampersands-are-layout"),
    pytest.param(r"\begin{flalign} a &= b && \text{(def)} \\ &= c \end{flalign}", "flalign",
                 [("a = b", "(def)"), ("= c", "")], id="flalign"),
    pytest.param(r"\begin{flalign*} && a &= b && \\ && &= c && \end{flalign*}", "flalign*",
                 [("a = b", ""), ("= c", "")], id="flalign-star-leading-ampersands"),
    pytest.param(r"$$ a = b $$", "$$...$$", [("a = b", "")], id="double-dollar"),
    pytest.param("Text before $$ a = b $$ and after.", "$$...$$", [("a = b", "")], id="double-dollar-after-text"),
    pytest.param(r"\begin{gather}\begin{gathered} a = b \\ c = d \end{gathered}\end{gather}", "gather",
                 [("a = b", ""), ("c = d", "")], id="gathered-inside-gather"),
    pytest.param(r"\begin{multline}\begin{split} a &= b \\ &= c \end{split}\end{multline}", "multline",
                 [("a = b", ""), ("= c", "")], id="split-inside-multline"),
    pytest.param(r"\begin{equation}\begin{alignedat}{2} a &= b \\ &= c \end{alignedat}\end{equation}", "equation",
                 [("a = b", ""), ("= c", "")], id="alignedat-inside-equation"),
    pytest.param(r"\begin{align} a &= b \end{align}", "align", [("a = b", "")], id="align-still"),
    pytest.param(r"\[ a = b \]", "\\[", [("a = b", "")], id="brackets-still"),
]


@pytest.mark.parametrize("tex,kind,rows", READ)
def test_display_is_read_with_its_rows(tex: str, kind: str, rows: list) -> None:
    assert displays(tex) == [(kind, rows)]
    assert issues(tex) == []


DOLLARS = [
    pytest.param("Prose $a = b$ only.\n\\[ c = c \\]", 1, id="inline-is-not-read"),
    pytest.param("$a$$b$ \\[ c = c \\]", 1, id="two-inline-are-not-a-display"),
    pytest.param("$a = b$$c = d$ \\[ c = c \\]", 1, id="two-inline-with-relations"),
    pytest.param("costs \\$5 and \\$6, a = b \\[ c = c \\]", 1, id="escaped-dollars-are-not-maths"),
    pytest.param("$x = 1$$$ y = 2 $$", 1, id="inline-then-display"),
    pytest.param("\\( a = b \\) and \\begin{math} a = b \\end{math} \\[ c = c \\]", 1, id="inline-parens-and-math-env"),
    pytest.param("$$ a = b $$ $$ c = d $$", 2, id="two-displays"),
]


@pytest.mark.parametrize("tex,count", DOLLARS)
def test_dollars_display_versus_inline(tex: str, count: int) -> None:
    assert len(source(tex).envs) == count
    assert issues(tex) == []


def test_inline_only_is_no_environment_and_not_reported() -> None:
    src = source("just prose $a = b$ and $c < d$\n")
    assert src.envs == [] and src.issues == []
    with pytest.raises(InputError, match=r"no environment found \(looked for align.*gather.*\$\$\.\.\.\$\$\)"):
        read_tex_string("just prose $a = b$\n", "s.tex")


# ---------------------------------------------------------------- rule 1: maths that is not read is reported

NOT_READ = [
    pytest.param("Text.\n\\begin{dmath} a = b \\end{dmath}", 2, "display environment 'dmath' is not read", id="dmath"),
    pytest.param("\n\n\\begin{alignat}{2} a &= b &\\quad c &= d \\end{alignat}", 3,
                 "display environment 'alignat' is not read", id="alignat"),
    pytest.param("\\begin{displaymath} a \\leq b \\end{displaymath}", 1,
                 "display environment 'displaymath' is not read", id="displaymath"),
    pytest.param("\\begin{dgroup}\n\\begin{dmath} a = b \\end{dmath}\n\\end{dgroup}", 1,
                 "display environment 'dgroup' is not read", id="dgroup-reported-once"),
    pytest.param("\\newenvironment{myeq}{\\begin{equation}}{\\end{equation}}\n\\begin{myeq} a = b \\end{myeq}", 2,
                 "display environment 'myeq' is not read", id="newenvironment-display"),
    pytest.param("\\begin{foo}\n x_1 = 2 \\end{foo}", 1, "environment 'foo' is not read, and it holds maths",
                 id="unknown-environment-with-maths"),
    pytest.param("\\begin{foo} x \\leq 2 \\end{foo}", 1, "environment 'foo' is not read", id="unknown-with-leq"),
    pytest.param("\\begin{align} a &= b && c &= d \\end{align}", 1, "a relation after '&&' is not read",
                 id="relation-after-double-ampersand"),
    pytest.param("\\begin{align} a &= b & c &= d \\end{align}", 1, "a second equation column (after '&') is not read",
                 id="second-column"),
]


@pytest.mark.parametrize("tex,line,fragment", NOT_READ)
def test_maths_outside_the_read_displays_is_reported_with_its_line(tex: str, line: int, fragment: str) -> None:
    got = issues(tex + "\n\\[ a = a \\]")
    assert len(got) == 1 and got[0][0] == line and fragment in got[0][1], got


NOT_REPORTED = [
    pytest.param("\\begin{itemize}\n\\item $a = b$\n\\end{itemize}", id="itemize"),
    pytest.param("\\begin{figure}[h]\\includegraphics[width=0.5\\textwidth]{fig_a.png}\\end{figure}", id="figure"),
    pytest.param("\\begin{dmath} a + b \\end{dmath}", id="dmath-without-relation"),
    pytest.param("\\begin{math} a = b \\end{math}", id="math-is-inline"),
    pytest.param("\\begin{tikzpicture}[>=stealth] \\draw[->] (0,0) -- (1,1); \\end{tikzpicture}", id="tikz"),
    pytest.param("\\begin{theorem}[Bayes] For $x = 1$, it holds. \\end{theorem}", id="theorem"),
    pytest.param("\\begin{bar} x = 2 in prose \\end{bar}", id="unknown-prose-with-equals"),
    pytest.param("\\begin{verbatim}\n\\begin{dmath} a = b \\end{dmath} 50% done\n\\begin{align}\n\\end{verbatim}",
                 id="verbatim"),
    pytest.param("\\begin{lstlisting}[language=Python]\nx = $$ y $$\n\\end{lstlisting}", id="lstlisting"),
    pytest.param("\\begin{minted}{python}\nif a <= b: \\[\n\\end{minted}", id="minted"),
    pytest.param("\\verb|\\begin{dmath} a = b| and \\verb+$$+", id="verb"),
    pytest.param("% \\begin{dmath} a = b \\end{dmath} $$ \\begin{align}", id="comment"),
    pytest.param("50\\% of it % \\begin{dmath} a = b \\end{dmath}", id="comment-after-escaped-percent"),
]


@pytest.mark.parametrize("before", NOT_REPORTED)
def test_prose_verbatim_and_comments_are_not_reported(before: str) -> None:
    tex = "\\begin{document}\n" + before + "\n\\[ a = a \\]\n\\end{document}"
    assert issues(tex) == []
    assert displays(tex) == [("\\[", [("a = a", "")])]


def test_displays_inside_prose_environments_are_read() -> None:
    tex = ("\\begin{document}\\begin{frame}\\begin{itemize}\\item\n\\begin{gather} a = b \\end{gather}"
           "\\end{itemize}\\end{frame}\\end{document}")
    assert displays(tex) == [("gather", [("a = b", "")])]


NEVER_CLOSED = [
    pytest.param("$$ a = b\n\n", "$$ is never closed", id="double-dollar-at-blank-line"),
    pytest.param("$$ a = b", "$$ is never closed", id="double-dollar-at-end"),
    pytest.param("costs 5$ each.\n", "inline maths '$' is never closed", id="lone-dollar"),
    pytest.param("\\begin{dmath} a = b", "\\begin{dmath} is never closed", id="dmath"),
    pytest.param("\\begin{verbatim} a = b", "\\begin{verbatim} is never closed", id="verbatim"),
]


@pytest.mark.parametrize("tex,fragment", NEVER_CLOSED)
def test_unclosed_maths_is_reported(tex: str, fragment: str) -> None:
    assert any(fragment in m for _, m in issues(tex + "\n\\[ a = a \\]")) or \
        any(fragment in m for _, m in issues(tex))


def test_a_comment_line_is_not_a_paragraph_break() -> None:
    assert displays("$$ a = b\n% note\nc = d $$") == [("$$...$$", [("a = b c = d", "")])]


# ---------------------------------------------------------------- rule 2: justifications

JUSTIFICATIONS = [
    pytest.param(r"x + 1 \quad = x + 2", r"x + 1 \quad = x + 2", "", id="quad-then-relation-is-maths"),
    pytest.param(r"a = b \qquad = c", r"a = b \qquad = c", "", id="qquad-then-relation-is-maths"),
    pytest.param(r"a = b \quad \text{(by parts)}", "a = b", "(by parts)", id="quad-text"),
    pytest.param(r"a = b \quad (\text{by parts})", "a = b", "(by parts)", id="quad-paren-text"),
    pytest.param(r"a = b \qquad \mbox{by parts}", "a = b", "by parts", id="qquad-mbox"),
    pytest.param(r"a = b \quad \textrm{by} \emph{parts}", "a = b", "by parts", id="quad-textrm-emph"),
    pytest.param(r"a = b \quad\, \textit{parts}", "a = b", "parts", id="quad-spacing-textit"),
    pytest.param(r"a = b \quad\text{and}\quad c", "a = b", "and c", id="quad-inside-justification"),
    pytest.param(r"a = b \quad (3)", "a = b", "(3)", id="quad-equation-tag"),
    pytest.param(r"a &= b && \text{(by parts)}", "a = b", "(by parts)", id="double-ampersand"),
    pytest.param(r"a &= b \text{ by symmetry}", "a = b", "by symmetry", id="trailing-text"),
]


@pytest.mark.parametrize("row,math,by", JUSTIFICATIONS)
def test_justification_split(row: str, math: str, by: str) -> None:
    assert displays(rf"\begin{{align}} {row} \end{{align}}") == [("align", [(math, by)])]


def test_quad_and_double_ampersand_give_the_same_justification_text() -> None:
    (quad,) = displays(r"\[ a = b \quad \text{(by parts)} \]")
    (amps,) = displays(r"\begin{align} a &= b && \text{(by parts)} \end{align}")
    assert quad[1][0][1] == amps[1][0][1] == "(by parts)"


# ---------------------------------------------------------------- nothing to check

NOTHING = [
    pytest.param(r"\[ a + b \]", id="no-relation"),
    pytest.param(r"\begin{gather} \sum_{i=1}^{n} x_i \\ p(y = k) \end{gather}", id="relations-only-inside"),
    pytest.param(r"$$ \mathbb{1}[y = k] $$ \[ f(x) \]", id="two-displays-no-relation"),
]


@pytest.mark.parametrize("tex", NOTHING)
def test_displays_without_a_relation_do_not_pass_silently(tex: str) -> None:
    assert any("nothing to check" in m for _, m in issues(tex))
    got = verdicts(tex)
    assert got and set(got) == {"error"}, got


def test_a_relation_from_a_macro_is_something_to_check() -> None:
    assert issues("\\newcommand{\\claim}{a = a}\n\\[ \\claim \\]") == []


def test_no_display_at_all_is_an_input_error() -> None:
    with pytest.raises(InputError, match="no environment found"):
        read_tex_string("prose only\n", "s.tex")


# ---------------------------------------------------------------- end to end

END_TO_END = [
    pytest.param(r"$$ x + 1 = x + 2 $$", ["refuted"], id="double-dollar-refuted"),
    pytest.param(r"$$ (a+b)^2 = a^2 + 2ab + b^2 $$", ["proved"], id="double-dollar-proved"),
    pytest.param(r"\[ x + 1 \quad = x + 2 \]", ["refuted"], id="quad-keeps-both-sides"),
    pytest.param(r"\begin{gather} a + a = 2a \\ a \cdot a = 2a \end{gather}", ["proved", "refuted"], id="gather"),
    pytest.param(r"\begin{eqnarray} (a+b)^2 &=& a^2 + 2ab + b^2 \\ &=& a^2 + b^2 \end{eqnarray}",
                 ["proved", "refuted"], id="eqnarray"),
    pytest.param(r"\begin{multline} a + b \\ + c = c + b + a \end{multline}", ["proved"], id="multline"),
    pytest.param("\\begin{dmath} a = b \\end{dmath}\n\\[ a = a \\]", ["error", "proved"], id="dmath-fails-the-file"),
]


@pytest.mark.parametrize("tex,expected", END_TO_END)
def test_end_to_end_verdicts(tex: str, expected: list[str]) -> None:
    assert verdicts(tex) == expected


def test_quad_justification_end_to_end() -> None:
    (st,) = check_tex(r"\[ a = a \quad \text{(by parts)} \]", "s.tex", budget=20).steps
    assert st.verdict == "proved" and st.justification == "(by parts)"


# ---------------------------------------------------------------- linear time

BIG = [
    pytest.param("\\begin{align} " * 60_000, id="unclosed-displays"),
    pytest.param("\\[ a = " + "\\quad " * 150_000 + "\\]", id="quads"),
    pytest.param("$" * 900_000, id="dollars"),
    pytest.param("\\newenvironment{x}{" * 40_000, id="unbalanced-definitions"),
    pytest.param("\\begin{foo} x_1 = 2 " * 40_000, id="unclosed-unknown-environments"),
    pytest.param("\\begin{align} a " + "+ \\\\ a " * 100_000 + "\\end{align}", id="joined-rows"),
]


@pytest.mark.parametrize("tex", BIG)
def test_big_inputs_are_scanned_in_linear_time(tex: str) -> None:
    t0 = time.perf_counter()
    source(tex)
    assert time.perf_counter() - t0 < 10
