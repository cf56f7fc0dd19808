"""Writes Tests/Python/paper-network-logits.json: the logits of each paper network
(python/paper_networks.py) with parameters and input filled from a formula, for the engine's parity
test (Tests/WeightSpaceTests/PaperNetworkParityTests.swift, which fills its networks by the same formula).

    /path/to/python-with-torch Tests/Python/write_paper_network_logits.py

The formula, per tensor `name` of shape `shape`, element `i` (row-major), in double precision, then
rounded to float32: u(i, h) = 2 frac(sin(12.9898 i + 78.233 h) * 43758.5453) - 1, a pseudo-random number in
[-1, 1), with h = sum over the name's bytes b_k of (k + 1) b_k, mod 997;
  conv/linear weights (2+ dimensions): sqrt(3 / fan_in) u, fan_in = product of shape[1:];
  1-dimensional `.weight` (BN gamma): 1 + 0.2 u;   `.bias`, `running_mean`: 0.1 u;
  `running_var`: 1 + 0.5 |u|.
The input, 4 images of 3x32x32: u(i, 1), i the element index. (Pseudo-random rather than smooth
values keep every BN channel's batch variance well above BN's epsilon: with smooth patterns some
channels are nearly constant, and train-mode logits then differ by more than 1e-4 between PyTorch's
own float32 and float64.)
Logits in eval mode, and in train mode (BN with batch statistics) with dropout off.
"""
import json
import math
import os
import sys

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "python"))
from paper_networks import PAPER_NETWORKS  # noqa: E402


def name_hash(name):
    return sum((k + 1) * b for k, b in enumerate(name.encode())) % 997


def u(i, h):
    v = math.sin(12.9898 * i + 78.233 * h) * 43758.5453
    return 2 * (v - math.floor(v)) - 1


def formula(name, shape):
    h, count = name_hash(name), math.prod(shape)
    s = [u(i, h) for i in range(count)]
    if len(shape) >= 2:
        scale = math.sqrt(3 / math.prod(shape[1:]))
        values = [scale * v for v in s]
    elif name.endswith("running_var"):
        values = [1 + 0.5 * abs(v) for v in s]
    elif name.endswith(".weight"):
        values = [1 + 0.2 * v for v in s]
    else:
        values = [0.1 * v for v in s]
    return torch.tensor(values, dtype=torch.float64).to(torch.float32).reshape(shape)


def main():
    torch.set_num_threads(2)
    shape = (4, 3, 32, 32)
    count = math.prod(shape)
    x = torch.tensor([u(i, 1) for i in range(count)], dtype=torch.float64).to(torch.float32).reshape(shape)
    out = {"formula": "see Tests/Python/write_paper_network_logits.py", "input": list(shape), "networks": {}}
    for name, cls in PAPER_NETWORKS.items():
        net = cls()
        with torch.no_grad():
            for key, t in net.state_dict().items():
                if key.endswith("num_batches_tracked"):
                    continue
                t.copy_(formula(key, list(t.shape)))
            net.eval()
            evaluated = net(x)
            net.train()
            for m in net.modules():
                if isinstance(m, torch.nn.Dropout):
                    m.eval()
            trained = net(x)
        parameters = sum(p.numel() for p in net.parameters())
        out["networks"][name] = {"parameters": parameters,
                                 "eval": [round(v, 7) for v in evaluated.flatten().tolist()],
                                 "train": [round(v, 7) for v in trained.flatten().tolist()]}
        print(f"{name}: {parameters} parameters, eval logits in [{evaluated.min():.4g}, {evaluated.max():.4g}], "
              f"train in [{trained.min():.4g}, {trained.max():.4g}]")
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "paper-network-logits.json")
    with open(path + ".tmp", "w") as f:
        json.dump(out, f, indent=0)
    os.replace(path + ".tmp", path)
    print(f"wrote {os.path.normpath(path)}")


if __name__ == "__main__":
    main()
