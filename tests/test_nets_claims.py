"""The claims checker: the seed table's slips found exactly, a corrected table passes, work is checked as a
formula, bad files are named."""
from __future__ import annotations

from pathlib import Path

import pytest
import sympy as sp

from derivations.kernel.errors import InputError
from derivations.kernel.verdict import check_derivation
from derivations.content.nets.arith import MAX_DIGITS, ArithmeticError_, parse_number, parse_work
from derivations.content.nets.claims import load_claims, parse_label

SEED = Path(__file__).resolve().parents[1] / "examples" / "seed_alexnet_claims.toml"

# (line of the claim's [[claims]] header, justification) of every step the sheet gets wrong.
SEED_SLIPS = {
    (38, "conv1 units: value 290900"),
    (38, "conv1 units: arithmetic of 55×55×96"),
    (130, "conv5 connections: work (3×3×142×256) × (13×13) is the right formula"),
    (130, "conv5 connections: arithmetic of (3×3×142×256) × (13×13)"),
    (137, "fc6 label: 'Fully Connected Layer 2' names this layer (fully connected layers numbered from 1)"),
}
FIXES = [
    ("value = 290900                  # slip: 55×55×96 = 290,400", "value = 290400"),
    ('work = "(3×3×142×256) × (13×13)"', 'work = "(3×3×192×256) × (13×13)"'),
    ('label = "Fully Connected Layer 2"   # slip', 'label = "Fully Connected Layer 1"   # fixed'),
]


@pytest.fixture(scope="module")
def seed_report():
    return check_derivation(load_claims(SEED))


def test_seed_file_refutes_exactly_the_slips(seed_report):
    refuted = {(s.line, s.justification) for s in seed_report.steps if s.verdict == "refuted"}
    assert refuted == SEED_SLIPS
    assert {s.verdict for s in seed_report.steps} == {"proved", "refuted"}


def test_refutations_show_the_right_values(seed_report):
    details = {s.justification: s.detail for s in seed_report.steps if s.verdict == "refuted"}
    assert details["conv1 units: value 290900"] == "sides differ: 290900 vs 290400"
    assert details["conv5 connections: arithmetic of (3×3×142×256) × (13×13)"] == \
        "sides differ: 55291392 vs 74760192"
    assert details["fc6 label: 'Fully Connected Layer 2' names this layer (fully connected layers numbered from 1)"] \
        == "sides differ: 2 vs 1"


def test_wrong_formula_is_refuted_at_other_parameter_values(seed_report):
    # 142 is no parameter of conv5, so it stays a number; the kernel finds a point where the parameters
    # (not the sheet's values) make the work and the formula differ, and the detail shows both sides there.
    (step,) = [s for s in seed_report.steps if s.justification.startswith("conv5 connections: work")]
    cex = step.counterexample
    assert set(cex) == {f"conv5.{n}" for n in ("k_h", "k_w", "C_in", "G", "C_out", "H_out", "W_out")}
    v = {n.split(".")[1]: sp.Rational(x) for n, x in cex.items()}
    rest = v["k_h"] * v["k_w"] * v["C_out"] * v["H_out"] * v["W_out"]
    work, formula = 142 * rest, v["C_in"] / v["G"] * rest
    assert work != formula and step.detail == f"sides differ: {work} vs {formula}"


def test_every_cell_of_the_sheet_is_checked(seed_report):
    value_steps = [s for s in seed_report.steps if ": value " in s.justification]
    assert len(value_steps) == 24  # 8 layers x (units, weights, connections)
    assert all(s.line is not None for s in seed_report.steps)
    assert seed_report.source == str(SEED)


def test_corrected_sheet_passes(tmp_path):
    text = SEED.read_text(encoding="utf-8")
    for old, new in FIXES:
        assert old in text
        text = text.replace(old, new)
    fixed = tmp_path / "fixed.toml"
    fixed.write_text(text, encoding="utf-8")
    report = check_derivation(load_claims(fixed))
    assert report.ok and all(s.verdict == "proved" for s in report.steps)


def claims_file(tmp_path, body: str, arch: str = 'architecture = "alexnet"\n') -> Path:
    p = tmp_path / "claims.toml"
    p.write_text(arch + body, encoding="utf-8")
    return p


def test_output_shape_params_biases_and_spec_path(tmp_path):
    spec = tmp_path / "net.toml"
    spec.write_text('input = [3, 8, 8]\n[[layers]]\nname = "c"\ntype = "conv"\nout_channels = 4\nkernel = 3\n'
                    '[[layers]]\nname = "f"\ntype = "fc"\nout_features = 2\n', encoding="utf-8")
    body = ('[[claims]]\nlayer = "c"\nquantity = "output_shape"\nvalue = [4, 6, 7]\n'
            '[[claims]]\nlayer = "c"\nquantity = "params"\nvalue = "112"\nwork = "3x3x3x4 + 4"\n'
            '[[claims]]\nlayer = "f"\nquantity = "biases"\nvalue = 2\n'
            '[[claims]]\nlayer = "f"\nquantity = "connections"\nvalue = 288\nwork = "(4x6x6)x2"\n')
    report = check_derivation(load_claims(claims_file(tmp_path, body, 'architecture = "net.toml"\n')))
    verdicts = {s.justification: s.verdict for s in report.steps}
    assert verdicts == {
        "c output_shape: channels 4": "proved", "c output_shape: height 6": "proved",
        "c output_shape: width 7": "refuted",
        'c params: value "112"': "proved", "c params: work 3x3x3x4 + 4 is the right formula": "proved",
        "c params: arithmetic of 3x3x3x4 + 4": "proved",
        "f biases: value 2": "proved",
        "f connections: value 288": "proved", "f connections: work (4x6x6)x2 is the right formula": "proved",
        "f connections: arithmetic of (4x6x6)x2": "proved",
    }
    assert all(s.line == n for s, n in zip(report.steps, [2, 2, 2, 6, 6, 6, 11, 15]))


@pytest.mark.parametrize(
    "layer, quantity, value, work, formula, arithmetic",
    [
        pytest.param("fc6", "weights", 37748736, "2 x 18874368", "refuted", "proved", id="value-equal-not-formula"),
        pytest.param("fc6", "weights", 37748736, "4096 x 9216", "proved", "proved", id="fc-reordered"),
        pytest.param("fc6", "weights", 37748736, "(256x6x6) x 4096", "proved", "proved", id="fc-flattened-input"),
        pytest.param("conv1", "weights", 34848, "96 x 3 x 11 x 11", "proved", "proved", id="conv-reordered"),
        pytest.param("conv3", "connections", 149520384, "13x13x384x3x3x256", "proved", "proved",
                     id="equal-values-paired"),
        pytest.param("conv1", "params", 34944, "11x11x3x96 + 96", "proved", "proved", id="params-sum"),
        pytest.param("conv1", "weights", 34848, "11x11x96x96", "refuted", "refuted", id="out-for-in-channels"),
        pytest.param("conv1", "units", 290400, "55x55x3x32", "refuted", "proved", id="in-channels-in-units"),
        pytest.param("conv2", "weights", 307200, "5x5x96x128", "refuted", "proved", id="channels-not-per-group"),
    ],
)
def test_work_is_checked_as_a_formula(tmp_path, layer, quantity, value, work, formula, arithmetic):
    body = f'[[claims]]\nlayer = "{layer}"\nquantity = "{quantity}"\nvalue = {value}\nwork = "{work}"\n'
    report = check_derivation(load_claims(claims_file(tmp_path, body)))
    steps = {s.justification.split(": ", 1)[1]: s for s in report.steps}
    assert steps[f"value {value}"].verdict == "proved"
    assert steps[f"arithmetic of {work}"].verdict == arithmetic
    step = steps[f"work {work} is the right formula"]
    assert step.verdict == formula
    if formula == "refuted":  # at parameter values of the layer's own, not the sheet's
        assert step.counterexample and all(k.startswith(f"{layer}.") for k in step.counterexample)


@pytest.mark.parametrize(
    "label, layer, verdict",
    [
        pytest.param("Output Layer", "fc8", "proved", id="output-last"),
        pytest.param("Output Layer", "fc7", "refuted", id="output-not-last"),
        pytest.param("conv 3", "conv3", "proved", id="short-conv"),
        pytest.param("Convolutional Layer 1", "fc6", "refuted", id="wrong-kind"),
        pytest.param("Fully Connected Layer 9", "fc6", "refuted", id="numbered-wrong"),
        pytest.param("Convolution Layer 9", "fc6", "error", id="names-no-layer"),
    ],
)
def test_labels(tmp_path, label, layer, verdict):
    body = f'[[claims]]\nlayer = "{layer}"\nlabel = "{label}"\nquantity = "units"\nvalue = 0\n'
    report = check_derivation(load_claims(claims_file(tmp_path, body)))
    assert report.steps[0].verdict == verdict


def test_parse_label():
    assert parse_label("Fully Connected Layer 2") == ("fc", 2)
    assert parse_label("output layer") == ("output", None)
    with pytest.raises(ValueError, match="cannot read label"):
        parse_label("Pooling Layer 1")


@pytest.mark.parametrize(
    "body, needle, line, column",
    [
        pytest.param('[[claims]]\nlayer = "conv9"\nquantity = "units"\nvalue = 1\n', "no layer 'conv9'", 3, None,
                     id="unknown-layer"),
        pytest.param('[[claims]]\nlayer = "conv1"\nquantity = "neurons"\nvalue = 1\n', "unknown quantity 'neurons'",
                     4, None, id="unknown-quantity"),
        pytest.param('[[claims]]\nlayer = "conv1"\nquantity = "units"\nvalue = -5\n', "whole number", 5, None,
                     id="negative-value"),
        pytest.param('[[claims]]\nlayer = "conv1"\nquantity = "units"\nvalue = true\n', "whole number", 5, None,
                     id="bool-value"),
        pytest.param('[[claims]]\nlayer = "conv1"\nquantity = "units"\n', "'value': is missing", 2, None,
                     id="missing-value"),
        pytest.param('[[claims]]\nlayer = "conv1"\nquantity = "units"\nvalue = 1\nwork = "55x55y96"\n',
                     "unexpected 'y' at column 6", 6, 14, id="bad-work-column"),
        pytest.param('[[claims]]\nlayer = "conv1"\nquantity = "units"\nvalue = 1\nunit = 3\n', "unknown field", 6,
                     None, id="unknown-claim-key"),
        pytest.param('[[claims]]\nlayer = "conv1"\nquantity = "output_shape"\nvalue = 3\n', "list of whole numbers",
                     5, None, id="shape-not-list"),
        pytest.param('[[claims]]\nlayer = "conv1"\nlabel = "Pool 1"\nquantity = "units"\nvalue = 1\n',
                     "cannot read label", 4, None, id="bad-label"),
        pytest.param("", "at least one [[claims]]", None, None, id="no-claims"),
    ],
)
def test_bad_claims_files_are_located(tmp_path, body, needle, line, column):
    path = claims_file(tmp_path, body)
    with pytest.raises(InputError) as info:
        load_claims(path)
    assert needle in str(info.value)
    assert (info.value.path, info.value.line, info.value.column) == (str(path), line, column)


def test_unreadable_files(tmp_path):
    with pytest.raises(InputError, match="no such file") as info:
        load_claims(tmp_path / "absent.toml")
    assert info.value.path == str(tmp_path / "absent.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text('architecture = "alexnet"\n[[claims]\n', encoding="utf-8")
    with pytest.raises(InputError, match="not valid TOML") as info:
        load_claims(bad)
    assert info.value.line == 2
    bad.write_bytes(b"\xff\xfe")
    with pytest.raises(InputError, match="cannot read file"):
        load_claims(bad)
    with pytest.raises(InputError, match="missing 'architecture"):
        load_claims(claims_file(tmp_path, '[[claims]]\nlayer = "c"\n', ""))
    with pytest.raises(InputError, match="unknown network 'lenet'") as info:
        load_claims(claims_file(tmp_path, "", 'architecture = "lenet"\n'))
    assert info.value.line == 1


@pytest.mark.parametrize(
    "text, value",
    [
        pytest.param("55x55x96", 290_400, id="x"),
        pytest.param("(3x3x192x256)x(13x13)", 74_760_192, id="parenthesised"),
        pytest.param("4096 X1000", 4_096_000, id="capital-X"),
        pytest.param("3 \\times 3 \\cdot 2", 18, id="latex"),
        pytest.param("2 * 3 · 4", 24, id="star-and-dot"),
        pytest.param("4,096,000", 4_096_000, id="thousands"),
        pytest.param("4096,000", 4_096_000, id="ocr-grouping"),
        pytest.param("34848 + 96", 34_944, id="sum"),
    ],
)
def test_work_grammar_reads_the_sheets_arithmetic(text, value):
    e = parse_work(text)
    assert not e.is_Integer or "x" not in text  # built unevaluated
    assert int(sp.expand(e)) == value


@pytest.mark.parametrize(
    "text, needle",
    [
        pytest.param("__import__('os').system('x')", "unexpected '_' at column 1", id="python-call"),
        pytest.param("2**10", "unexpected '*' at column 3", id="power"),
        pytest.param("1e9", "unexpected 'e'", id="float-exponent"),
        pytest.param("55 55", "unexpected '55' at column 4", id="missing-operator"),
        pytest.param("55x", "ends too early", id="trailing-operator"),
        pytest.param("(3x3", "ends too early", id="unclosed"),
        pytest.param("3x3)", "unexpected ')'", id="unopened"),
        pytest.param("40,96", "unexpected ','", id="bad-grouping"),
        pytest.param("5-3", "unexpected '-'", id="minus"),
        pytest.param("", "is empty", id="empty"),
        pytest.param("9" * (MAX_DIGITS + 1), f"over {MAX_DIGITS} digits", id="huge-literal"),
        pytest.param("x".join(["999999999"] * 19), "digits; at most", id="huge-product"),
        pytest.param("(" * 40 + "1" + ")" * 40, "nests parentheses deeper", id="deep-nesting"),
        pytest.param("1x" * 150 + "1", "characters long", id="too-long"),
    ],
)
def test_work_grammar_rejects_hostile_text(text, needle):
    with pytest.raises(ArithmeticError_, match=None) as info:
        parse_work(text)
    assert needle in str(info.value)


def test_values_with_separators_and_caps():
    assert parse_number("4096,000") == 4_096_000 and parse_number(37_748_736) == 37_748_736
    for bad in (True, -1, 1.5, "4096 x 2", 10**40, None):
        with pytest.raises(ArithmeticError_):
            parse_number(bad)
