"""The built-in architectures (the sheet's two-GPU AlexNet and torchvision's), and spec lookup."""
from __future__ import annotations

from pathlib import Path
from typing import Any, Callable, Optional

from derivations.kernel.errors import InputError
from derivations.content.nets.spec import Spec, read_spec, spec_from_dict

__all__ = ["BUILTIN_SPECS", "alexnet", "alexnet_torchvision", "load_spec"]


def _conv(name: str, out: int, k: int, stride: int = 1, padding: int = 0, groups: int = 1) -> dict[str, Any]:
    return {"name": name, "type": "conv", "out_channels": out, "kernel": k, "stride": stride,
            "padding": padding, "groups": groups}


def _simple(name: str, kind: str, **fields: Any) -> dict[str, Any]:
    return {"name": name, "type": kind, **fields}


def _pool(name: str) -> dict[str, Any]:
    return _simple(name, "maxpool", kernel=3, stride=2)


def alexnet() -> Spec:
    """The two-GPU AlexNet of the sheet (Krizhevsky et al. 2012): 3 x 227 x 227 input,
    conv2, conv4 and conv5 split over two groups."""
    lrn = {"size": 5, "alpha": 1e-4, "beta": 0.75, "k": 2.0}
    layers = [
        _conv("conv1", 96, 11, stride=4), _simple("relu1", "relu"), _simple("lrn1", "lrn", **lrn), _pool("pool1"),
        _conv("conv2", 256, 5, padding=2, groups=2), _simple("relu2", "relu"), _simple("lrn2", "lrn", **lrn),
        _pool("pool2"),
        _conv("conv3", 384, 3, padding=1), _simple("relu3", "relu"),
        _conv("conv4", 384, 3, padding=1, groups=2), _simple("relu4", "relu"),
        _conv("conv5", 256, 3, padding=1, groups=2), _simple("relu5", "relu"), _pool("pool5"),
        _simple("fc6", "fc", out_features=4096), _simple("relu6", "relu"), _simple("drop6", "dropout", p=0.5),
        _simple("fc7", "fc", out_features=4096), _simple("relu7", "relu"), _simple("drop7", "dropout", p=0.5),
        _simple("fc8", "fc", out_features=1000),
    ]
    return spec_from_dict({"input": [3, 227, 227], "layers": layers}, name="alexnet")


def alexnet_torchvision() -> Spec:
    """torchvision's single-GPU AlexNet: 64, 192, 384, 256, 256 filters, 224 input, pooled to 6 x 6."""
    layers = [
        _conv("conv1", 64, 11, stride=4, padding=2), _simple("relu1", "relu"), _pool("pool1"),
        _conv("conv2", 192, 5, padding=2), _simple("relu2", "relu"), _pool("pool2"),
        _conv("conv3", 384, 3, padding=1), _simple("relu3", "relu"),
        _conv("conv4", 256, 3, padding=1), _simple("relu4", "relu"),
        _conv("conv5", 256, 3, padding=1), _simple("relu5", "relu"), _pool("pool5"),
        _simple("avgpool", "adaptiveavgpool", output=[6, 6]), _simple("flatten", "flatten"),
        _simple("drop6", "dropout", p=0.5), _simple("fc6", "fc", out_features=4096), _simple("relu6", "relu"),
        _simple("drop7", "dropout", p=0.5), _simple("fc7", "fc", out_features=4096), _simple("relu7", "relu"),
        _simple("fc8", "fc", out_features=1000),
    ]
    return spec_from_dict({"input": [3, 224, 224], "layers": layers}, name="alexnet-torchvision")


BUILTIN_SPECS: dict[str, Callable[[], Spec]] = {"alexnet": alexnet, "alexnet-torchvision": alexnet_torchvision}


def load_spec(target: str, base: Optional[Path] = None, origin: Optional[str] = None,
              line: Optional[int] = None) -> Spec:
    """A built-in by name or a TOML spec by path (relative to ``base`` when given)."""
    if target in BUILTIN_SPECS:
        return BUILTIN_SPECS[target]()
    path = Path(target)
    if base is not None and not path.is_absolute():
        path = base / path
    if path.suffix.lower() == ".toml" or path.is_file():
        return read_spec(path)
    known = ", ".join(BUILTIN_SPECS)
    raise InputError(f"unknown network {target!r}; built-ins are: {known}; a spec file must end in .toml",
                     origin, line)
