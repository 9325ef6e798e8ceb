"""A spec as a PyTorch model, for cross-checks against an independent implementation.

PyTorch is an optional extra (``pip install derivations[torch]``); this module imports
it only when called.
"""
from __future__ import annotations

import math
from collections import OrderedDict
from typing import Any

from derivations.content.nets.spec import Spec, shapes

__all__ = ["torch_model"]


def torch_model(spec: Spec) -> Any:
    """``torch.nn.Sequential`` whose module names are the spec's layer names (a flatten is added before a
    fully connected layer that follows a [C, H, W] output, named ``<layer>_flatten``)."""
    from torch import nn

    mods: "OrderedDict[str, Any]" = OrderedDict()
    for sh in shapes(spec):
        lay = sh.layer
        if lay.type == "conv":
            mods[lay.name] = nn.Conv2d(sh.input[0], lay["out_channels"], lay["kernel"], lay["stride"],
                                       lay["padding"], lay["dilation"], lay["groups"], lay["bias"])
        elif lay.type == "fc":
            if len(sh.input) == 3:
                mods[f"{lay.name}_flatten"] = nn.Flatten()
            mods[lay.name] = nn.Linear(math.prod(sh.input), lay["out_features"], lay["bias"])
        elif lay.type == "maxpool":
            mods[lay.name] = nn.MaxPool2d(lay["kernel"], lay["stride"], lay["padding"])
        elif lay.type == "avgpool":
            mods[lay.name] = nn.AvgPool2d(lay["kernel"], lay["stride"], lay["padding"])
        elif lay.type == "adaptiveavgpool":
            mods[lay.name] = nn.AdaptiveAvgPool2d(lay["output"])
        elif lay.type == "relu":
            mods[lay.name] = nn.ReLU()
        elif lay.type == "lrn":
            mods[lay.name] = nn.LocalResponseNorm(lay["size"], lay["alpha"], lay["beta"], lay["k"])
        elif lay.type == "dropout":
            mods[lay.name] = nn.Dropout(lay["p"])
        elif lay.type == "flatten":
            mods[lay.name] = nn.Flatten()
    return nn.Sequential(mods).eval()
