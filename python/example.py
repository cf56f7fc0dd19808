"""Train two TinyTens in PyTorch on Fashion-MNIST and hand them to the package's tools.

    python3 python/example.py            # writes a.safetensors and b.safetensors (a few minutes on 2 cores)
    swift run surface curve --start a.safetensors --end b.safetensors
    swift run surface sharpness a.safetensors

Reads Debian's dataset-fashion-mnist files (/usr/share/datasets/fashion-mnist), normalises with
the training set's mean and standard deviation as the engine does, trains each network for a
few epochs with SGD, and saves it with `loss_surfaces.save`.
"""
import gzip
import sys
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, str(Path(__file__).resolve().parent))
import loss_surfaces as ls  # noqa: E402

FOLDER = Path("/usr/share/datasets/fashion-mnist")


def idx(name, offset):
    with gzip.open(FOLDER / name) as f:
        return np.frombuffer(f.read(), dtype=np.uint8, offset=offset)


def main(images=10_000, epochs=3):
    x = idx("train-images-idx3-ubyte.gz", 16).reshape(-1, 1, 28, 28)[:images].astype(np.float32) / 255
    y = idx("train-labels-idx1-ubyte.gz", 8)[:images].astype(np.int64)
    x = (x - x.mean()) / x.std()
    x, y = torch.from_numpy(x), torch.from_numpy(y)
    for name, seed in [("a", 1), ("b", 2)]:
        torch.manual_seed(seed)
        net = ls.make("tinyten")
        optimizer = torch.optim.SGD(net.parameters(), lr=0.05, momentum=0.9, weight_decay=5e-4)
        net.train()
        for epoch in range(epochs):
            order = torch.randperm(len(x))
            for start in range(0, len(x), 128):
                batch = order[start:start + 128]
                optimizer.zero_grad()
                loss = F.cross_entropy(net(x[batch]), y[batch])
                loss.backward()
                optimizer.step()
            print(f"{name}: epoch {epoch + 1}/{epochs}, last batch loss {loss.item():.3f}")
        ls.save(net, f"{name}.safetensors", "tinyten")
        print(f"wrote {name}.safetensors")


if __name__ == "__main__":
    main()
