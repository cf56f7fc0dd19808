#!/usr/bin/env python3
"""PyTorch twin of the engine's three reference networks, and its throughput.

The networks `mlp`, `tinyten` and `preresnet20` come from python/loss_surfaces.py, which defines
them with exactly the parameter and buffer names, shapes and registration order of the engine's
safetensors checkpoints (Sources/Networks/ReferenceNetworks.swift).

Timing (what `bench --pytorch PYTHON` runs, once per network and round, interleaved with the
engine's own measurements):

    python3 tools/bench/pytorch_twin.py --model tinyten --threads 2 --batch-size 128 --seconds 3

prints one JSON object on stdout: the layout (names and shapes, which `bench` checks against the
engine's), and training (forward + backward + SGD step) and evaluation (eval-mode forward, loss
and accuracy over `--eval-images` images in batches) rates in images per second of wall time and
per CPU-second x threads. Inputs are synthetic, of the Fashion-MNIST shape 1x28x28 (the papers' networks: CIFAR's 3x32x32), 10 classes;
every training step reuses one batch, as the engine's bench does. Needs torch (`pip install
torch` in a virtual environment; see the README's Performance section); not used by the tests.
"""
import argparse
import json
import re
import sys
import time
from pathlib import Path

import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "python"))
from loss_surfaces import NETWORKS, PAPER_NETWORKS, make as make_network  # noqa: E402  (the package's own definitions)

INPUT_SHAPE = (1, 28, 28)
PAPER_INPUT_SHAPE = (3, 32, 32)
CLASSES = 10


def input_shape(model):
    """The Fashion-MNIST shape, or CIFAR's for the papers' networks (the engine's `bench` does the same)."""
    return PAPER_INPUT_SHAPE if model in PAPER_NETWORKS else INPUT_SHAPE


def make(model, width=1):
    """One of the reference networks at its bench input shape."""
    return make_network(model, input_shape(model), CLASSES, width)


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
    x = torch.randn(b, *input_shape(args.model))
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

    eval_x = torch.randn(args.eval_images, *input_shape(args.model))
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
