#!/usr/bin/env python3
"""Check the engine's top Hessian eigenvalue at a checkpoint with PyTorch's autograd.

    pip install torch safetensors numpy
    swift run -c release surface hessian CHECKPOINT --images 1000 --density-runs 0 \
        --export-subset /tmp/subset.safetensors --output /tmp/hessian
    python3 Tests/Python/check_hessian.py CHECKPOINT /tmp/subset.safetensors /tmp/hessian/hessian/hessian.json

The engine's products are central differences of gradients with the ReLU masks frozen
(`HessianOperator`); this script's are exact: the gradient of (gradient · v), PyTorch's double
backward, in float64. It loads the checkpoint into the package's PyTorch twin
(python/loss_surfaces.py) in evaluation mode (BN on the checkpoint's running statistics), takes
the mean cross-entropy over the images the engine exported (no weight decay: the convention of
`surface hessian` and PyHessian), and runs Lanczos with full re-orthogonalisation until the top
Ritz value changes by less than 1e-7 relative. It passes when the two top eigenvalues agree
within 2 %. Not a CI step: it needs PyTorch from PyPI.
"""
import json
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F
from safetensors import safe_open

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "python"))
import loss_surfaces as ls  # noqa: E402

TOLERANCE = 0.02


def load_subset(path):
    with safe_open(path, framework="numpy") as f:
        x = torch.from_numpy(f.get_tensor("inputs")).double()
        y = torch.from_numpy(f.get_tensor("labels")).long()
    return x, y


def hessian_vector_product(net, params, x, y, v, chunk=250):
    """H v of the mean cross-entropy over (x, y), accumulated over chunks of the images."""
    total = [torch.zeros_like(p) for p in params]
    n = x.shape[0]
    for start in range(0, n, chunk):
        xb, yb = x[start:start + chunk], y[start:start + chunk]
        loss = F.cross_entropy(net(xb), yb, reduction="sum") / n
        grads = torch.autograd.grad(loss, params, create_graph=True)
        dot = sum((g * u).sum() for g, u in zip(grads, v))
        hv = torch.autograd.grad(dot, params)
        for t, h in zip(total, hv):
            t += h
    return total


def lanczos_top(product, dimension, max_steps=80, tolerance=1e-7, seed=0):
    """The largest Ritz value of `product` (a symmetric operator on flat float64 vectors)."""
    rng = np.random.default_rng(seed)
    q = rng.standard_normal(dimension)
    q /= np.linalg.norm(q)
    basis, alpha, beta = [q], [], []
    previous, top = None, None
    for step in range(max_steps):
        w = product(basis[-1])
        a = float(w @ basis[-1])
        alpha.append(a)
        for b in basis:  # full re-orthogonalisation
            w -= (w @ b) * b
        top = float(np.linalg.eigvalsh(np.diag(alpha) + np.diag(beta, 1) + np.diag(beta, -1))[-1])
        if previous is not None and abs(top - previous) <= tolerance * abs(top):
            return top, step + 1
        previous = top
        norm = float(np.linalg.norm(w))
        if norm < 1e-12:
            return top, step + 1
        beta.append(norm)
        basis.append(w / norm)
    return top, max_steps


def main(checkpoint, subset, engine_json):
    torch.set_num_threads(int(os.environ.get("CHECK_THREADS", "1")))
    x, y = load_subset(subset)
    net = ls.load(checkpoint, input_shape=tuple(x.shape[1:])).double().eval()
    params = [p for p in net.parameters() if p.requires_grad]
    sizes = [p.numel() for p in params]
    dimension = sum(sizes)

    def product(flat):
        pieces, offset = [], 0
        for p, k in zip(params, sizes):
            pieces.append(torch.from_numpy(flat[offset:offset + k].copy()).view_as(p))
            offset += k
        hv = hessian_vector_product(net, params, x, y, pieces)
        return torch.cat([h.reshape(-1) for h in hv]).numpy()

    with torch.no_grad():
        loss = float(F.cross_entropy(net(x), y))
    top, steps = lanczos_top(product, dimension)
    with open(engine_json) as f:
        engine = json.load(f)["top"]["values"][0]
    relative = abs(top - engine) / abs(top)
    print(f"{dimension} parameters, loss {loss:.6f} on {x.shape[0]} images")
    print(f"top eigenvalue: PyTorch (exact products, float64, {steps} Lanczos steps) {top:.4f}; "
          f"engine {engine:.4f}; relative difference {100 * relative:.3f} %")
    return 0 if relative <= TOLERANCE else 1


if __name__ == "__main__":
    if len(sys.argv) != 4:
        print(__doc__)
        sys.exit(2)
    sys.exit(main(*sys.argv[1:]))
