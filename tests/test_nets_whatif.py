"""What-if: overrides change the right layers, and the before/after numbers and ratios are exact."""
from __future__ import annotations

import pytest

from derivations.kernel.errors import InputError
from derivations.content.nets.networks import alexnet
from derivations.content.nets.whatif import apply_overrides, format_whatif, parse_override, whatif


def test_shrinking_fc6_and_conv1():
    w = whatif(alexnet(), [parse_override("fc6.out_features=2048"), parse_override("conv1.out_channels=48")])
    before, after = w.before, w.after
    assert after.layer("conv1").weights == 11 * 11 * 3 * 48
    assert after.layer("conv2").weights == 5 * 5 * 24 * 256, "conv2 sees 48 channels in 2 groups"
    assert after.layer("fc6").weights == 9216 * 2048 and after.layer("fc7").weights == 2048 * 4096
    assert after.layer("conv3").weights == before.layer("conv3").weights
    saved = (34_848 - 17_424) + (307_200 - 153_600) + (37_748_736 - 18_874_368) + (16_777_216 - 8_388_608)
    assert before.total("weights") - after.total("weights") == saved
    data = w.as_json()
    ch = data["changes"]
    assert ch["params bytes (float32)"]["before"] == 60_965_224 * 4
    assert ch["params bytes (float16)"]["after"] == after.total("params") * 2
    assert ch["connections"]["ratio"] == pytest.approx(after.total("connections") / 724_406_816)
    assert set(data) == {"name", "overrides", "before", "after", "changes"}
    assert data["overrides"] == ["fc6.out_features=2048", "conv1.out_channels=48"]


def test_part_b_in_numbers():
    """Halving the fc layers saves far more memory than time; halving conv filters the reverse.

    (conv5 is kept: its channels are fc6's inputs, so halving it would halve fc6's weights too.)
    """
    fc = whatif(alexnet(), [parse_override(f"{n}.out_features=2048") for n in ("fc6", "fc7")])
    conv = whatif(alexnet(), [parse_override(f"{n}.out_channels={c // 2}") for n, c in
                              (("conv1", 96), ("conv2", 256), ("conv3", 384), ("conv4", 384))])
    ratio = {name: {q: w.after.total(q) / w.before.total(q) for q in ("params", "connections")}
             for name, w in (("fc", fc), ("conv", conv))}
    assert ratio["fc"]["params"] < 0.6 and ratio["fc"]["connections"] > 0.95
    assert ratio["conv"]["connections"] < 0.4 and ratio["conv"]["params"] > 0.95
    conv5 = whatif(alexnet(), [parse_override("conv5.out_channels=128")])
    assert conv5.after.layer("fc6").weights == conv5.before.layer("fc6").weights // 2


def test_text_report_lists_changed_layers_and_ratios():
    text = format_whatif(whatif(alexnet(), [parse_override("fc6.out_features=2048")]))
    lines = text.splitlines()
    assert any(line.startswith("fc6") and "37,748,736" in line and "18,874,368" in line for line in lines)
    assert not any(line.startswith("conv1") for line in lines)
    assert any(line.startswith("params bytes (float16)") and "121.93 MB" in line for line in lines)


@pytest.mark.parametrize(
    "text, value",
    [
        pytest.param("conv1.kernel=5,7", [5, 7], id="pair"),
        pytest.param("conv1.kernel=[5, 7]", [5, 7], id="bracket-pair"),
        pytest.param("conv1.bias=false", False, id="bool"),
        pytest.param("drop6.p=0.25", 0.25, id="float"),
        pytest.param("input=3,224,224", [3, 224, 224], id="input"),
    ],
)
def test_parse_override_values(text, value):
    assert parse_override(text).value == value


def test_input_override_gives_shape_notes():
    w = whatif(alexnet(), [parse_override("input=3,224,224")])
    assert w.after.layer("conv1").output_shape == (96, 54, 54) and w.after.notes


@pytest.mark.parametrize(
    "text, needle",
    [
        pytest.param("fc6", "expected LAYER.FIELD=VALUE", id="no-equals"),
        pytest.param("fc6.out_features=lots", "cannot read value 'lots'", id="bad-value"),
        pytest.param("fc6.out_features=__import__('os')", "cannot read value", id="hostile-value"),
        pytest.param("fc9.out_features=10", "no layer 'fc9'", id="unknown-layer"),
        pytest.param("fc6.out_channels=10", "fc6 (fc) has no field 'out_channels'", id="unknown-field"),
        pytest.param("conv2.groups=3", "divisible by groups = 3", id="bad-groups"),
        pytest.param("conv1.kernel=300", "output would be empty", id="empty-output"),
        pytest.param("fc6.out_features=0", "must be a positive", id="zero"),
    ],
)
def test_bad_overrides(text, needle):
    with pytest.raises(InputError) as info:
        apply_overrides(alexnet(), [parse_override(text)])
    assert needle in str(info.value)
