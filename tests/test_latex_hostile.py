"""Hostile and broken input: every cap holds before work, Unicode tricks are refused, nothing is run."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from derivations.kernel.claims import Compare, DerivativeOf, Equal, Noted, Readings, Solves, Unreadable
from derivations.kernel.errors import InputError
from derivations.kernel.verdict import check_derivation
from derivations.latex import caps, load_tex, read_tex_string


def steps(tex: str) -> list:
    return [s for d in read_tex_string(tex, "h.tex") for s in d.steps]


def one_error(tex: str) -> str:
    errors = [s.claim.message for s in steps(tex) if isinstance(s.claim, Unreadable)]
    assert len(errors) == 1, errors
    return errors[0]


CAPS = [
    pytest.param(r"\[ " + "+".join(["a"] * 2500) + r" = a \]", "expression too long", id="row-length"),
    pytest.param(r"\[ " + "(" * 60 + "a" + ")" * 60 + r" = a \]", "nested too deeply", id="nesting-depth"),
    pytest.param(r"\[ " + "7" * (caps.MAX_INT_DIGITS + 1) + r" = 1 \]", "too many digits", id="literal-digits"),
    pytest.param(r"\[ 2^{10^{10}} = 1 \]", "number too large", id="number-power"),
    pytest.param(r"\[ 9^{9^{9^{9}}} = 1 \]", "number too large", id="tower-of-powers"),
    pytest.param(r"\[ (a+b+c+d+e+f+g)^{60} = 1 \]", "expansion of a power too large", id="expansion"),
    pytest.param(r"\[ a^{100000} = 1 \]", "exponent 100000 too large", id="symbolic-exponent"),
    pytest.param(r"\[ 100000! = 1 \]", "factorial too large", id="factorial"),
    pytest.param("\\def\\a{\\a}\n\\[ \\a = 1 \\]", "is it recursive", id="macro-depth"),
    pytest.param("\\def\\a{\\b\\b\\b\\b}\\def\\b{\\c\\c\\c\\c}\\def\\c{\\d\\d\\d\\d}\\def\\d{xxxxxxxxxxxxxxxxxxxxxxxx}\n"
                 "\\[ \\a\\a\\a\\a\\a\\a\\a\\a = 1 \\]", "(defined at line 1)", id="macro-bomb"),
    pytest.param("\\def\\d{" + "x" * 900 + "}\n\\[ \\d\\d\\d\\d\\d = 1 \\]", "expansion too large", id="macro-size"),
    pytest.param("\\newcommand{\\sq}[1]{#1^2}\n\\[ a = \\sq \\]", "argument 1 is missing", id="macro-argument-missing"),
    pytest.param("\\newcommand{\\big}{" + "a" * (caps.MAX_MACRO_BODY + 1) + "}\n\\[ a = a \\]", "body too long", id="macro-body"),
]


@pytest.mark.parametrize("tex,fragment", CAPS)
def test_caps_refuse_before_work(tex: str, fragment: str) -> None:
    msg = one_error(tex)
    assert fragment in msg and msg.startswith("h.tex:"), msg


def test_definition_depth_is_capped() -> None:
    names = list("bcdghjlnopqrstuvwzABC")
    rows = ["b &:= x"] + [f"{n} &:= {p} + 1" for p, n in zip(names, names[1:])] + [f"{names[-1]} &= x + 20"]
    got = steps("\\begin{align}" + " \\\\ ".join(rows) + "\\end{align}")
    assert "definitions nested too deeply" in got[-1].claim.message


def test_definition_expansion_size_is_capped() -> None:
    names = "bcdfghjklnopqrstvw"
    rows = ["b &:= x + x"] + [f"{n} &:= {p} + {p}" for p, n in zip(names, names[1:])] + ["w &= 1"]
    tex = "\\begin{align}" + " \\\\ ".join(rows) + "\\end{align}"
    msgs = [s.claim.message for s in steps(tex) if isinstance(s.claim, Unreadable)]
    assert msgs and all("too large" in m or "too deeply" in m for m in msgs)


def test_steps_per_file_are_capped() -> None:
    tex = "\\begin{align}" + "a &= a \\\\ " * (caps.MAX_STEPS + 20) + "\\end{align}"
    got = steps(tex)
    assert len(got) == caps.MAX_STEPS + 1
    assert "too many steps" in got[-1].claim.message


def test_rows_per_file_are_capped() -> None:
    got = steps("\\[ a \\]\n" * (caps.MAX_ROWS + 5) + "\\[ b = b \\]")
    assert len(got) == 1 and "too many display rows" in got[0].claim.message


def test_assumption_lines_are_capped() -> None:
    got = steps("% assume: a > 0\n" * (caps.MAX_ASSUMES + 1) + "\\[ a = a \\]")
    assert "too many '% assume:' lines" in got[0].claim.message
    assert "could not be read" in got[1].claim.message  # the unread ones might have constrained a


def test_file_size_is_capped(tmp_path: Path) -> None:
    p = tmp_path / "big.tex"
    p.write_text("\\[ a = a \\]\n" + "%" * (caps.MAX_FILE_BYTES + 1), encoding="utf-8")
    with pytest.raises(InputError, match="file too large"):
        load_tex(str(p))


@pytest.mark.parametrize("cmd", [r"\input{other}", r"\include{chapter}", r"\immediate\write18{rm -rf /}",
                                 r"\write18{ls}", r"\catcode`\@=11"])
def test_input_include_write18_are_never_followed(cmd: str, tmp_path: Path) -> None:
    (problems, dv) = read_tex_string(cmd + "\n\\[ a = a \\]", "h.tex")
    (st,) = problems.steps
    assert "never followed" in st.claim.message and st.claim.message.startswith("h.tex:1:1:")
    assert isinstance(dv.steps[0].claim, Equal)


def test_only_an_input_is_no_environment() -> None:
    with pytest.raises(InputError, match=r"no environment found.*\\input"):
        read_tex_string("\\input{derivation}\n", "h.tex")


def test_unclosed_environment_is_reported() -> None:
    (problems,) = read_tex_string("\\begin{align} a &= a\n", "h.tex")
    assert "never closed" in problems.steps[0].claim.message


UNICODE_FILE_ERRORS = [
    pytest.param("\\[ a = b \u202e c \\]", "U+202E RIGHT-TO-LEFT OVERRIDE", id="bidi-override"),
    pytest.param("% \u2066 hidden\n\\[ a = a \\]", "U+2066", id="bidi-isolate"),
    pytest.param("\\[ a = a\u200b \\]", "U+200B ZERO WIDTH SPACE", id="zero-width-space"),
    pytest.param("\\[ a\u200d = a \\]", "U+200D", id="zero-width-joiner"),
]


@pytest.mark.parametrize("text,fragment", UNICODE_FILE_ERRORS)
def test_invisible_controls_reject_the_file(text: str, fragment: str) -> None:
    with pytest.raises(InputError) as err:
        read_tex_string(text, "h.tex")
    assert fragment in str(err.value) and re.match(r"h\.tex:\d+:\d+: ", str(err.value))


LOOKALIKES = [
    pytest.param("\u0430", "CYRILLIC SMALL LETTER A", id="cyrillic-a"),
    pytest.param("\u043e", "CYRILLIC SMALL LETTER O", id="cyrillic-o"),
    pytest.param("\u0441", "CYRILLIC SMALL LETTER ES", id="cyrillic-es"),
    pytest.param("\u03bf", "GREEK SMALL LETTER OMICRON", id="greek-omicron"),
    pytest.param("\u0131", "LATIN SMALL LETTER DOTLESS I", id="dotless-i"),
]


@pytest.mark.parametrize("char,name", LOOKALIKES)
def test_lookalike_letters_are_rejected_with_a_clear_message(char: str, name: str) -> None:
    msg = one_error(f"\\[ x + {char} = x + a \\]")
    assert name in msg and msg.startswith("h.tex:1:8:")


def test_nfkc_reads_fullwidth_letters_as_ascii() -> None:
    (st,) = steps("\\[ \uff41 + \uff42 = b + a \\]")
    assert isinstance(st.claim, Equal)


def test_lookalikes_in_prose_and_justifications_are_harmless() -> None:
    (st,) = steps("Текст.\n\\begin{align} a &= a && \\text{по определению} \\end{align}")
    assert isinstance(st.claim, Equal) and st.by == "по определению"


def test_a_hostile_file_is_checked_to_the_end_without_traceback() -> None:
    tex = "\n".join(p.values[0] for p in CAPS[:7]) + "\n\\[ (a+b)^2 = a^2 + 2ab + b^2 \\]"
    reports = [check_derivation(d, budget=10) for d in read_tex_string(tex, "h.tex")]
    verdicts = [s.verdict for r in reports for s in r.steps]
    assert verdicts.count("error") == 7 and verdicts[-1] == "proved"


TOKENS = [r"\frac", "{", "}", "(", ")", "[", "]", "^", "_", "=", "+", "-", r"\sum", r"\prod", r"\log", r"\exp",
          r"\partial", r"\mathbb{1}", r"\implies", ":=", "&", r"\\", "x", "y", "k", "2", "10", r"\sigma",
          r"\left(", r"\right)", r"\cdot", "/", "!", ",", r"\sqrt", r"\foo", "%", "\n", " ", "0.5", r"\{", r"\}",
          "e", "d", r"\text{t}", r"\quad", "(m)", r"\le", "\u0430", "\u00b2", "|", r"\|", r"\binom", r"\max",
          r"\mathbf{x}", r"\mathrm{MSE}", r"\operatorname{sgn}", "\u03b1", r"\iff", r"\geq", r"\neq", r"\left|",
          r"\newcommand{\f}[1]{#1 #1}", r"\f", r"\sum_{i,j}", r"\sum_{i \neq j}", "\u2264"]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(TOKENS), max_size=40))
def test_token_soup_never_crashes(tokens: list[str]) -> None:
    body = " ".join(tokens)
    for tex in (rf"\[ {body} \]", "\\begin{align}" + body + "\\end{align}", "% assume: " + body + "\n\\[ a = a \\]"):
        try:
            derivations = read_tex_string(tex, "f.tex")
        except InputError as exc:
            assert str(exc).startswith("f.tex")
            continue
        for d in derivations:
            for s in d.steps:
                assert isinstance(s.claim, (Equal, Compare, DerivativeOf, Solves, Unreadable, Noted, Readings))
                if isinstance(s.claim, Unreadable):
                    assert re.match(r"f\.tex:\d+(:\d+)?: ", s.claim.message), s.claim.message
