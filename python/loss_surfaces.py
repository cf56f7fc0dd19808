"""The package's reference networks in PyTorch, and the checkpoints its tools read and write.

`mlp`, `tinyten` and `preresnet20` are defined here with exactly the parameter and buffer names,
shapes and order of the engine's networks (Sources/Networks/ReferenceNetworks.swift), so that

* a network trained here and saved with `save` is a checkpoint every `surface` tool takes;
* a checkpoint written by `train --save`, `surface average`, `surface align` (or a cache
  checkpoint, whose `momentum.*` tensors `load` leaves aside) loads with `strict=True`;
* a curve written by `surface curve` gives its network at any t with `curve_point`.

    import loss_surfaces as ls
    net = ls.make("tinyten")                  # 1x28x28 inputs, 10 classes
    ...train it...
    ls.save(net, "a.safetensors", "tinyten")
    net = ls.load("surface/average/average.safetensors")

Needs torch, and safetensors for reading and writing files (`pip install torch safetensors`). python/example.py trains two
networks on Fashion-MNIST and hands them to the tools.
"""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

from paper_networks import PAPER_NETWORKS

__all__ = ["MLP", "TinyTen", "PreResNet20", "NETWORKS", "PAPER_NETWORKS", "make", "save", "load", "state_dict", "curve_point"]


class MLP(nn.Module):
    """Git Re-Basin's MLP: `fc1` -> ReLU -> `fc2` -> ReLU -> `fc3`, 512 hidden units per width."""

    def __init__(self, input_shape=(1, 28, 28), classes=10, width=1):
        super().__init__()
        hidden = 512 * width
        self.fc1 = nn.Linear(math.prod(input_shape), hidden)
        self.fc2 = nn.Linear(hidden, hidden)
        self.fc3 = nn.Linear(hidden, classes)

    def forward(self, x):
        x = torch.flatten(x, 1)
        return self.fc3(F.relu(self.fc2(F.relu(self.fc1(x)))))


class _ConvBNReLU(nn.Module):
    def __init__(self, cin, cout, kernel, stride, padding):
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, kernel, stride=stride, padding=padding, bias=True)
        self.bn = nn.BatchNorm2d(cout)

    def forward(self, x):
        return F.relu(self.bn(self.conv(x)))


# (out channels at width 1, kernel, stride, padding) of TinyTen's eight blocks.
TINYTEN_BLOCKS = [(16, 3, 1, 1), (16, 3, 1, 1), (32, 3, 2, 1), (32, 3, 1, 1),
                  (32, 3, 1, 1), (64, 3, 2, 1), (64, 3, 1, 0), (64, 1, 1, 0)]


class TinyTen(nn.Module):
    """The neuron-alignment paper's TinyTen: eight `layers.i` (conv with bias -> BN -> ReLU),
    global average pooling, `dense`."""

    def __init__(self, input_shape=(1, 28, 28), classes=10, width=1):
        super().__init__()
        blocks, c = [], input_shape[0]
        for out, k, s, p in TINYTEN_BLOCKS:
            blocks.append(_ConvBNReLU(c, out * width, k, s, p))
            c = out * width
        self.layers = nn.ModuleList(blocks)
        self.dense = nn.Linear(c, classes)

    def forward(self, x):
        for block in self.layers:
            x = block(x)
        return self.dense(torch.flatten(F.adaptive_avg_pool2d(x, 1), 1))


class _PreActBlock(nn.Module):
    """`bn1` -> ReLU -> `conv1` -> `bn2` -> ReLU -> `conv2`, plus the input, or `down` (a strided 1x1
    convolution of the pre-activated input) where the shape changes."""

    def __init__(self, cin, cout, stride):
        super().__init__()
        self.bn1 = nn.BatchNorm2d(cin)
        self.conv1 = nn.Conv2d(cin, cout, 3, stride=stride, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, stride=1, padding=1, bias=False)
        self.down = nn.Conv2d(cin, cout, 1, stride=stride, bias=False) if stride != 1 or cin != cout else None

    def forward(self, x):
        a = F.relu(self.bn1(x))
        h = self.conv2(F.relu(self.bn2(self.conv1(a))))
        return h + (self.down(a) if self.down is not None else x)


class PreResNet20(nn.Module):
    """PreResNet-20: `conv`, nine pre-activation blocks `layers.i` in stages of 16, 32, 64 channels
    (stride 2 entering stages 2 and 3), `bn` -> ReLU -> global average pooling -> `fc`."""

    def __init__(self, input_shape=(1, 28, 28), classes=10, width=1):
        super().__init__()
        c = 16 * width
        self.conv = nn.Conv2d(input_shape[0], c, 3, padding=1, bias=False)
        blocks = []
        for stage in range(3):
            out = (16 << stage) * width
            for b in range(3):
                blocks.append(_PreActBlock(c, out, 2 if stage > 0 and b == 0 else 1))
                c = out
        self.layers = nn.ModuleList(blocks)
        self.bn = nn.BatchNorm2d(c)
        self.fc = nn.Linear(c, classes)

    def forward(self, x):
        x = self.conv(x)
        for block in self.layers:
            x = block(x)
        return self.fc(torch.flatten(F.adaptive_avg_pool2d(F.relu(self.bn(x)), 1), 1))


NETWORKS = {"mlp": MLP, "tinyten": TinyTen, "preresnet20": PreResNet20, **PAPER_NETWORKS}


def make(model, input_shape=(1, 28, 28), classes=10, width=1):
    """A fresh `model` (a key of NETWORKS: the three above, or a paper network of paper_networks.py) for
    `input_shape` (C, H, W) images (the papers' networks take 3x32x32; ResNet-32 also 1x28x28)."""
    return NETWORKS[model](input_shape=tuple(input_shape), classes=classes, width=width)


def save(module, path, model, width=1):
    """Writes `module`'s state dict as the tools read it (its name and width in the metadata)."""
    from safetensors.torch import save_file
    tensors = {name: t.detach().contiguous() for name, t in module.state_dict().items()}
    save_file(tensors, path, metadata={"format": "pt", "network": model, "width": str(width)})


def state_dict(path):
    """The tensors of a checkpoint and its metadata, without a cache checkpoint's `momentum.*`."""
    from safetensors import safe_open
    with safe_open(path, framework="pt") as f:
        return {k: f.get_tensor(k) for k in f.keys() if not k.startswith("momentum.")}, f.metadata() or {}


def load(path, input_shape=(1, 28, 28), classes=10):
    """The network a checkpoint holds (its kind and width from the metadata), loaded with strict=True."""
    tensors, meta = state_dict(path)
    net = make(meta["network"], input_shape, classes, int(meta.get("width", "1")))
    net.load_state_dict(tensors, strict=True)
    return net


def curve_point(path, t):
    """The state dict at `t` in [0, 1] of a curve `surface curve` wrote: theta(t) = sum_i c_i(t) bend_i,
    with the Bernstein basis (bezier) or hat functions (polychain). BN buffers are the file's; recompute
    them at t (torch.optim.swa_utils.update_bn) before evaluating, as the tools do."""
    tensors, meta = state_dict(path)
    n, kind = int(meta["bends"]), meta["curve"]
    if kind == "bezier":
        coefficients = [math.comb(n - 1, i) * t ** i * (1 - t) ** (n - 1 - i) for i in range(n)]
    elif kind == "polychain":
        coefficients = [max(0.0, 1 - abs(t * (n - 1) - i)) for i in range(n)]
    else:
        raise ValueError(f"{path}: unknown curve kind {kind!r}")
    point = {k: v for k, v in tensors.items() if not k.startswith("bend")}
    for name in (k[len("bend0."):] for k in tensors if k.startswith("bend0.")):
        point[name] = sum(c * tensors[f"bend{i}.{name}"] for i, c in enumerate(coefficients))
    return point
