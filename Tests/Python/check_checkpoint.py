#!/usr/bin/env python3
"""Check an `mlp` checkpoint from `swift run train` with Python's safetensors package and NumPy.

    pip install safetensors numpy
    swift run train --model mlp --epochs 1 --export-batch /tmp/batch.safetensors
    python3 Tests/Python/check_checkpoint.py cache/<key>/final.safetensors /tmp/batch.safetensors

It lists the tensors (PyTorch names, shapes, dtypes) through `safe_open`, runs the network's
forward pass in NumPy on the exported batch, and compares with the engine's logits (max abs
difference must be below 1e-4). Not a CI step: it needs packages from PyPI.
"""
import sys

import numpy as np
from safetensors import safe_open


def main(checkpoint: str, batch: str) -> int:
    with safe_open(checkpoint, framework="numpy") as f:
        meta = f.metadata()
        print("metadata:", {k: (v if len(v) < 60 else v[:57] + "...") for k, v in meta.items()})
        assert meta.get("format") == "pt", "metadata lacks format=pt"
        tensors = {name: f.get_tensor(name) for name in f.keys()}
    for name, t in tensors.items():
        print(f"{name:24s} {str(list(t.shape)):16s} {t.dtype}")
        assert t.dtype == np.float32, f"{name} is {t.dtype}, expected float32"
    with safe_open(batch, framework="numpy") as f:
        x = f.get_tensor("inputs")
        expected = f.get_tensor("logits")
    h = x.reshape(x.shape[0], -1)
    h = np.maximum(h @ tensors["fc1.weight"].T + tensors["fc1.bias"], 0)
    h = np.maximum(h @ tensors["fc2.weight"].T + tensors["fc2.bias"], 0)
    logits = h @ tensors["fc3.weight"].T + tensors["fc3.bias"]
    diff = float(np.max(np.abs(logits - expected)))
    print(f"max |numpy - engine| over {x.shape[0]} images = {diff:.2e}")
    return 0 if diff < 1e-4 else 1


if __name__ == "__main__":
    if len(sys.argv) != 3:
        print(__doc__)
        sys.exit(2)
    sys.exit(main(sys.argv[1], sys.argv[2]))
