"""Architecture specs: TOML and Python forms agree, and every bad spec gets a located, named error."""
from __future__ import annotations

import textwrap

import pytest

from derivations.kernel.errors import InputError
from derivations.content.nets.networks import BUILTIN_SPECS, alexnet, load_spec
from derivations.content.nets.spec import read_spec, shapes, spec_from_dict

GOOD = """\
name = "tiny"
input = [3, 32, 32]

[[layers]]
name = "c1"
type = "conv"
out_channels = 8
kernel = 3
padding = 1

[[layers]]
name = "p1"
type = "maxpool"
kernel = 2

[[layers]]
name = "c2"
type = "conv"
out_channels = 8
kernel = [3, 5]
stride = [1, 2]
groups = 4
bias = false

[[layers]]
name = "f1"
type = "fc"
out_features = 10
"""


def write(tmp_path, text: str, name: str = "net.toml"):
    p = tmp_path / name
    p.write_text(textwrap.dedent(text), encoding="utf-8")
    return p


def test_toml_spec_reads_and_propagates_shapes(tmp_path):
    spec = read_spec(write(tmp_path, GOOD))
    assert spec.name == "tiny" and spec.input == (3, 32, 32)
    assert [lay.name for lay in spec.layers] == ["c1", "p1", "c2", "f1"]
    assert spec.layers[2]["kernel"] == (3, 5) and spec.layers[2]["stride"] == (1, 2)
    assert spec.layers[1]["stride"] == (2, 2), "a pool's stride defaults to its kernel"
    assert spec.layers[0]["dilation"] == (1, 1) and spec.layers[0]["bias"] is True
    assert spec.layers[0].line == 4
    assert [s.output for s in shapes(spec)] == [(8, 32, 32), (8, 16, 16), (8, 14, 6), (10,)]


def test_python_dicts_give_the_same_spec(tmp_path):
    import tomllib

    data = tomllib.loads(GOOD)
    def strip(spec):
        return [(lay.name, lay.type, dict(lay.fields)) for lay in spec.layers]

    assert strip(spec_from_dict(data)) == strip(read_spec(write(tmp_path, GOOD)))


def test_default_names_and_flatten_before_fc():
    spec = spec_from_dict({"input": [2, 4, 4], "layers": [{"type": "conv", "out_channels": 3, "kernel": 3},
                                                          {"type": "fc", "out_features": 5}]})
    assert [lay.name for lay in spec.layers] == ["conv1", "fc2"]
    assert [s.output for s in shapes(spec)] == [(3, 2, 2), (5,)]


@pytest.mark.parametrize("name", list(BUILTIN_SPECS))
def test_builtins_load_by_name(name):
    assert load_spec(name).name == name


def test_alexnet_two_gpu_grouping():
    groups = {lay.name: lay["groups"] for lay in alexnet().layers if lay.type == "conv"}
    assert groups == {"conv1": 1, "conv2": 2, "conv3": 1, "conv4": 2, "conv5": 2}


LAYER = '[[layers]]\nname = "c"\ntype = "conv"\nout_channels = 4\nkernel = 3\n'


@pytest.mark.parametrize(
    "text, needle, line",
    [
        pytest.param('input = [3, 8, 8]\n[[layers]]\nname = "c"\ntype = "conv3d"\n', "unknown layer type 'conv3d'", 4,
                     id="unknown-type"),
        pytest.param("input = [3, 8, 8]\n" + LAYER + "kernal = 3\n", "unknown field 'kernal'", 7, id="unknown-field"),
        pytest.param("input = [3, 8, 8]\n" + LAYER + "groups = 2\n", "divisible by groups = 2", 7,
                     id="in-channels-not-divisible"),
        pytest.param("input = [4, 8, 8]\n" + LAYER.replace("= 4", "= 6") + "groups = 4\n",
                     "divisible by groups = 4", 7, id="out-channels-not-divisible"),
        pytest.param("input = [3, 8, 8]\n" + LAYER.replace("= 4", "= 0"), "field 'out_channels': must be a positive",
                     5, id="zero-channels"),
        pytest.param("input = [3, 8, 8]\n" + LAYER.replace("kernel = 3", "kernel = [3, 0]"),
                     "field 'kernel': must be a positive", 6, id="zero-kernel"),
        pytest.param("input = [3, 8, 8]\n" + LAYER + "stride = -1\n", "field 'stride': must be a positive", 7,
                     id="negative-stride"),
        pytest.param("input = [3, 8, 8]\n" + LAYER + "padding = -1\n", "field 'padding': must be a non-negative",
                     7, id="negative-padding"),
        pytest.param("input = [3, 0, 8]\n" + LAYER, "'input' must be", 1, id="zero-input"),
        pytest.param("input = [3, 2, 8]\n" + LAYER, "output would be empty", 6, id="empty-output"),
        pytest.param("input = [3, 8, 8]\n" + LAYER + "dilation = 4\n", "output would be empty", 6,
                     id="empty-output-dilated"),
        pytest.param("input = [3, 8, 8]\n" + LAYER.replace("out_channels = 4\n", ""), "'out_channels' is required",
                     4, id="missing-required"),
        pytest.param("input = [3, 8, 8]\n" + LAYER + LAYER, "the name is used twice", 8, id="duplicate-name"),
        pytest.param('input = [10]\n[[layers]]\nname = "c"\ntype = "conv"\nout_channels = 2\nkernel = 1\n',
                     "needs a [C, H, W] input", 4, id="conv-after-vector"),
        pytest.param("input = [3, 8, 8]\n" + LAYER.replace("= 4", "= true"), "must be a positive", 5,
                     id="bool-is-not-a-count"),
        pytest.param("input = [3, 8, 8]\n" + LAYER + "bias = 1\n", "must be true or false", 7, id="int-is-not-bool"),
        pytest.param('input = [3, 8, 8]\n[[layers]]\ntype = "maxpool"\nkernel = 2\npadding = 2\n',
                     "exceeds half the kernel", 5, id="pool-padding"),
        pytest.param('input = [3, 8, 8]\n[[layers]]\ntype = "dropout"\np = 1.5\n', "must be in [0, 1)", 4,
                     id="dropout-p"),
        pytest.param("input = [3, 8, 8]\n", "at least one [[layers]]", None, id="no-layers"),
        pytest.param("inputs = [3, 8, 8]\n" + LAYER, "unknown top-level key 'inputs'", 1, id="unknown-top-key"),
        pytest.param('input = [3, 8, 8]\n[[layers]]\nname = "a.b"\ntype = "relu"\n', "is not a name", 3,
                     id="bad-name"),
        pytest.param("input = [3, 8, 8]\nfoo = = 1\n", "not valid TOML", 2, id="toml-syntax"),
    ],
)
def test_bad_spec_names_layer_field_and_line(tmp_path, text, needle, line):
    path = write(tmp_path, text)
    with pytest.raises(InputError) as info:
        read_spec(path)
    err = info.value
    assert needle in str(err)
    assert err.path == str(path) and err.line == line
    assert str(err).startswith(f"{path}:")


def test_missing_file_and_unknown_builtin(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        read_spec(tmp_path / "absent.toml")
    with pytest.raises(InputError, match="unknown network 'vgg'; built-ins are: alexnet, alexnet-torchvision"):
        load_spec("vgg")


def test_error_from_python_dict_names_layer_without_file():
    with pytest.raises(InputError) as info:
        spec_from_dict({"input": [3, 8, 8], "layers": [{"name": "c", "type": "conv", "out_channels": 4,
                                                         "kernel": 3, "groups": 2}]})
    assert str(info.value).startswith("layer 'c' (conv): field 'groups'")
