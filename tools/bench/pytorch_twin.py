#!/usr/bin/env python3
"""PyTorch twin of the engine's three reference networks, and its throughput.

The networks `mlp`, `tinyten` and `preresnet20` are defined here once, with exactly the
parameter and buffer names, shapes and registration order of the engine's safetensors
checkpoints (Sources/Networks/ReferenceNetworks.swift), so a checkpoint written by the engine
loads with `model.load_state_dict(tensors, strict=False)` (the engine keeps no
`num_batches_tracked`).

Timing (what `bench --pytorch PYTHON` runs, once per network and round, interleaved with the
engine's own measurements):

    python3 tools/bench/pytorch_twin.py --model tinyten --threads 2 --batch-size 128 --seconds 3

prints one JSON object on stdout: the layout (names and shapes, which `bench` checks against the
engine's), and training (forward + backward + SGD step) and evaluation (eval-mode forward, loss
and accuracy over `--eval-images` images in batches) rates in images per second of wall time and
per CPU-second x threads. Inputs are synthetic, of the Fashion-MNIST shape 1x28x28, 10 classes;
every training step reuses one batch, as the engine's bench does. Needs torch (`pip install
torch` in a virtual environment; see the README's Performance section); not used by the tests.
"""
import argparse
import json
import re
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

INPUT_SHAPE = (1, 28, 28)
CLASSES = 10


class MLP(nn.Module):
    """`fc1` 784->512, ReLU, `fc2` 512->512, ReLU, `fc3` 512->10; 669,706 parameters."""

    def __init__(self, in_features=784, classes=CLASSES, width=1):
        super().__init__()
        hidden = 512 * width
        self.fc1 = nn.Linear(in_features, hidden)
        self.fc2 = nn.Linear(hidden, hidden)
        self.fc3 = nn.Linear(hidden, classes)

    def forward(self, x):
        x = torch.flatten(x, 1)
        return self.fc3(F.relu(self.fc2(F.relu(self.fc1(x)))))


class TinyTenBlock(nn.Module):
    def __init__(self, cin, cout, kernel, stride, padding):
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, kernel, stride=stride, padding=padding, bias=True)
        self.bn = nn.BatchNorm2d(cout)

    def forward(self, x):
        return F.relu(self.bn(self.conv(x)))


# (out channels at width 1, kernel, stride, padding), as ReferenceNetworks.tinyTenBlocks.
TINYTEN_BLOCKS = [(16, 3, 1, 1), (16, 3, 1, 1), (32, 3, 2, 1), (32, 3, 1, 1),
                  (32, 3, 1, 1), (64, 3, 2, 1), (64, 3, 1, 0), (64, 1, 1, 0)]


class TinyTen(nn.Module):
    """8 x (`layers.i.conv` with bias -> `layers.i.bn` -> ReLU), global average pool, `dense`;
    86,490 parameters. Spatial 28->28->14->14->14->7->5->5."""

    def __init__(self, in_channels=1, classes=CLASSES, width=1):
        super().__init__()
        blocks, c = [], in_channels
        for out, k, s, p in TINYTEN_BLOCKS:
            blocks.append(TinyTenBlock(c, out * width, k, s, p))
            c = out * width
        self.layers = nn.ModuleList(blocks)
        self.dense = nn.Linear(c, classes)

    def forward(self, x):
        for block in self.layers:
            x = block(x)
        return self.dense(torch.flatten(F.adaptive_avg_pool2d(x, 1), 1))


class PreActBlock(nn.Module):
    """bn1 -> ReLU -> conv1 3x3 -> bn2 -> ReLU -> conv2 3x3; shortcut identity, or `down` (1x1,
    stride) on the pre-activated input when the shape changes. Registration order bn1, conv1,
    bn2, conv2, down is the engine's layout order."""

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
    """`conv` 3x3; 9 pre-activation blocks `layers.i` (stages of 16/32/64 channels, stride 2 at the
    first block of stages 2 and 3); `bn` -> ReLU -> global average pool -> `fc`; 271,994 parameters."""

    def __init__(self, in_channels=1, classes=CLASSES, width=1):
        super().__init__()
        c = 16 * width
        self.conv = nn.Conv2d(in_channels, c, 3, padding=1, bias=False)
        blocks = []
        for stage in range(3):
            out = (16 << stage) * width
            for b in range(3):
                blocks.append(PreActBlock(c, out, 2 if stage > 0 and b == 0 else 1))
                c = out
        self.layers = nn.ModuleList(blocks)
        self.bn = nn.BatchNorm2d(c)
        self.fc = nn.Linear(c, classes)

    def forward(self, x):
        x = self.conv(x)
        for block in self.layers:
            x = block(x)
        x = F.relu(self.bn(x))
        return self.fc(torch.flatten(F.adaptive_avg_pool2d(x, 1), 1))


NETWORKS = {"mlp": MLP, "tinyten": TinyTen, "preresnet20": PreResNet20}


def make(model, width=1):
    """One of the reference networks at the Fashion-MNIST input shape."""
    if model == "mlp":
        return MLP(in_features=INPUT_SHAPE[0] * INPUT_SHAPE[1] * INPUT_SHAPE[2], width=width)
    return NETWORKS[model](in_channels=INPUT_SHAPE[0], width=width)


def layout(net):
    """Parameter and buffer names with shapes, in registration (state-dict) order; BN's
    `num_batches_tracked` is left out, as the engine's checkpoints leave it out."""
    return {
        "parameters": [[name, list(p.shape)] for name, p in net.named_parameters()],
        "state": [[name, list(b.shape)] for name, b in net.named_buffers() if not name.endswith("num_batches_tracked")],
    }


def rate(body, seconds, warmup):
    """Runs `body` `warmup` times untimed, then until `seconds` have passed: calls per second of
    wall time and per CPU-second x threads (the engine's `EngineBenchmark.rate`)."""
    for _ in range(warmup):
        body()
    calls, start, cpu_start = 0, time.perf_counter(), time.process_time()
    while True:
        body()
        calls += 1
        wall = time.perf_counter() - start
        if wall >= seconds:
            break
    cpu = time.process_time() - cpu_start
    threads = torch.get_num_threads()
    return {"calls": calls, "wall_seconds": wall, "cpu_seconds": cpu,
            "per_second": calls / wall, "per_cpu_second": calls * threads / max(cpu, 1e-9)}


def build_fact(pattern):
    """A fact from torch's build configuration (e.g. the oneDNN version), or None."""
    match = re.search(pattern, torch.__config__.show())
    return match.group(1) if match else None


def measure(args):
    torch.manual_seed(args.seed)
    net = make(args.model)
    b = args.batch_size
    x = torch.randn(b, *INPUT_SHAPE)
    y = torch.randint(0, CLASSES, (b,))
    optimizer = torch.optim.SGD(net.parameters(), lr=args.lr, momentum=args.momentum,
                                nesterov=args.nesterov, weight_decay=args.weight_decay)

    def train_step():
        optimizer.zero_grad(set_to_none=True)
        loss = F.cross_entropy(net(x), y)
        loss.backward()
        optimizer.step()

    net.train()
    train = rate(train_step, args.seconds, args.warmup)

    eval_x = torch.randn(args.eval_images, *INPUT_SHAPE)
    eval_y = torch.randint(0, CLASSES, (args.eval_images,))

    def evaluate():
        loss_sum, correct = 0.0, 0
        with torch.inference_mode():
            for start in range(0, args.eval_images, b):
                logits = net(eval_x[start:start + b])
                yb = eval_y[start:start + b]
                loss_sum += F.cross_entropy(logits, yb, reduction="sum").item()
                correct += int((logits.argmax(1) == yb).sum())
        return loss_sum, correct

    net.eval()
    evaluation = rate(evaluate, args.seconds, args.warmup)

    return {
        "model": args.model,
        "layout": layout(net),
        "batch_size": b,
        "threads": torch.get_num_threads(),
        "train": {"steps": train["calls"], "wall_seconds": train["wall_seconds"], "cpu_seconds": train["cpu_seconds"],
                  "images_per_second": train["per_second"] * b, "images_per_cpu_second": train["per_cpu_second"] * b},
        "eval": {"passes": evaluation["calls"], "images": args.eval_images, "wall_seconds": evaluation["wall_seconds"],
                 "cpu_seconds": evaluation["cpu_seconds"],
                 "images_per_second": evaluation["per_second"] * args.eval_images,
                 "images_per_cpu_second": evaluation["per_cpu_second"] * args.eval_images},
        "optimizer": {"lr": args.lr, "momentum": args.momentum, "nesterov": args.nesterov,
                      "weight_decay": args.weight_decay},
        "torch": {"version": torch.__version__, "cpu_capability": torch.backends.cpu.get_cpu_capability(),
                  "mkldnn": torch.backends.mkldnn.is_available(), "mkl": torch.backends.mkl.is_available(),
                  "onednn_version": build_fact(r"MKL-DNN v([0-9.]+)"), "blas": build_fact(r"BLAS_INFO=(\w+)"),
                  "python": sys.version.split()[0]},
    }


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--model", choices=sorted(NETWORKS), required=True)
    p.add_argument("--threads", type=int, default=torch.get_num_threads())
    p.add_argument("--batch-size", type=int, default=128)
    p.add_argument("--seconds", type=float, default=3.0, help="seconds for each of training and evaluation (at least)")
    p.add_argument("--warmup", type=int, default=2, help="untimed calls before each measurement")
    p.add_argument("--eval-images", type=int, default=1024)
    p.add_argument("--lr", type=float, default=0.01)
    p.add_argument("--momentum", type=float, default=0.9)
    p.add_argument("--nesterov", action="store_true")
    p.add_argument("--weight-decay", type=float, default=5e-4)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--layout-only", action="store_true", help="print the layout and exit, timing nothing")
    args = p.parse_args(argv)
    torch.set_num_threads(args.threads)
    torch.set_num_interop_threads(1)
    if args.layout_only:
        print(json.dumps({"model": args.model, "layout": layout(make(args.model))}))
    else:
        print(json.dumps(measure(args)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
