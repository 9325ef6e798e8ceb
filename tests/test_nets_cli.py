"""`derivations count` and `derivations check claims.toml`: exit codes, JSON shape, messages, no tracebacks."""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

import pytest

from derivations.frontends.cli import main
from derivations.frontends.nets_cli import run_count

ROOT = Path(__file__).resolve().parents[1]
LAYER_KEYS = {"name", "type", "output_shape", "units", "weights", "biases", "connections"}
TOTAL_KEYS = {"units", "weights", "biases", "params", "connections"}


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "derivations", *args], capture_output=True, text=True, timeout=120,
                          cwd=ROOT)


def ns(*specs: str, json_out: bool = False, overrides: list[str] | None = None, convention: str = "sheet"):
    return argparse.Namespace(specs=list(specs), json=json_out, overrides=overrides or [], convention=convention)


def test_count_text_table():
    r = run("count", "alexnet")
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0] == "alexnet: input [3, 227, 227]"
    assert any(line.startswith("conv1 (conv)") and "105,415,200" in line for line in lines)
    total = next(line for line in lines if line.startswith("Total"))
    assert total.split()[1:] == ["659,272", "60,954,656", "10,568", "724,406,816"]
    assert any("96.2% of the weights" in line and "91.9% of the connections" in line for line in lines)
    assert any(line.startswith("Other conventions: torchinfo 725,066,088") for line in lines)
    assert r"conv connections = k_{h} k_{w} \frac{C_{in}}{G} C_{out} H_{out} W_{out}" in r.stdout


def test_count_json_one_spec_is_an_object(capsys):
    assert run_count(ns("alexnet", json_out=True)) == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data) == {"name", "input", "layers", "totals"}
    assert data["name"] == "alexnet" and data["input"] == [3, 227, 227]
    assert all(set(layer) == LAYER_KEYS for layer in data["layers"])
    assert set(data["totals"]) == TOTAL_KEYS
    conv1 = data["layers"][0]
    assert conv1 == {"name": "conv1", "type": "conv", "output_shape": [96, 55, 55], "units": 290_400,
                     "weights": 34_848, "biases": 96, "connections": 105_415_200}
    for q in ("units", "weights", "biases", "connections"):
        assert data["totals"][q] == sum(layer[q] for layer in data["layers"])


def test_count_json_several_specs_is_a_list_in_order(capsys, tmp_path):
    spec = tmp_path / "mine.toml"
    spec.write_text('input = [4]\n[[layers]]\nname = "f"\ntype = "fc"\nout_features = 3\n', encoding="utf-8")
    assert run_count(ns("alexnet-torchvision", str(spec), "alexnet", json_out=True)) == 0
    data = json.loads(capsys.readouterr().out)
    assert [d["name"] for d in data] == ["alexnet-torchvision", "mine", "alexnet"]
    assert data[1]["totals"] == {"units": 3, "weights": 12, "biases": 3, "params": 15, "connections": 12}


def test_count_convention_and_whatif_json(capsys):
    assert run_count(ns("alexnet", json_out=True, convention="flopcounter")) == 0
    assert json.loads(capsys.readouterr().out)["totals"]["connections"] == 2 * 724_406_816
    assert run_count(ns("alexnet", json_out=True, overrides=["fc6.out_features=2048"])) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["before"]["totals"]["weights"] == 60_954_656
    assert data["after"]["totals"]["weights"] == 60_954_656 - 9216 * 2048 - 2048 * 4096
    assert run_count(ns("alexnet", overrides=["fc6.out_features=2048"])) == 0
    assert "what if fc6.out_features=2048 (alexnet)" in capsys.readouterr().out


@pytest.mark.parametrize(
    "args, needle",
    [
        pytest.param(["count", "vgg"], "unknown network 'vgg'", id="unknown-spec"),
        pytest.param(["count", "missing.toml"], "missing.toml: no such file", id="missing-file"),
        pytest.param(["count", "alexnet", "--set", "fc6.width=3"], "has no field 'width'", id="bad-set"),
        pytest.param(["count", "alexnet", "--set", "conv2.groups=5"], "divisible by groups = 5", id="bad-groups"),
        pytest.param(["count", "alexnet", "--convention", "macs"], "invalid choice", id="bad-convention"),
        pytest.param(["count"], "required", id="no-spec"),
    ],
)
def test_count_bad_input_exits_2(capsys, args, needle):
    assert main(args) == 2
    err = capsys.readouterr().err
    assert needle in err and "Traceback" not in err


def test_bad_spec_file_message_has_file_and_line(tmp_path):
    spec = tmp_path / "bad.toml"
    spec.write_text('input = [3, 8, 8]\n[[layers]]\nname = "c"\ntype = "conv"\nout_channels = 4\nkernel = 9\n',
                    encoding="utf-8")
    r = run("count", str(spec))
    assert r.returncode == 2
    assert f"{spec}:6: layer 'c' (conv): field 'kernel'" in r.stderr and "Traceback" not in r.stderr


def test_check_claims_file_json():
    r = run("check", "examples/seed_alexnet_claims.toml", "--json")
    assert r.returncode == 1, r.stderr
    data = json.loads(r.stdout)
    (d,) = data["derivations"]
    assert d["source"] == "examples/seed_alexnet_claims.toml"
    assert data["summary"]["refuted"] == 5 and data["summary"]["proved"] == len(d["steps"]) - 5
    bad = [s for s in d["steps"] if s["verdict"] == "refuted"]
    assert [s["line"] for s in bad] == [38, 38, 130, 130, 137]


def test_check_alexnet_builtin_runs_proofs_and_numeric_checks():
    r = run("check", "alexnet", "--numeric-samples", "8")
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stdout.splitlines()[-1] == "45 steps: 42 proved, 3 supported, 0 refuted, 0 unknown, 0 error (seed 0)"
