#!/usr/bin/env python3
"""Load the `surface` tools' outputs into the PyTorch networks of python/loss_surfaces.py.

    python3 Tests/Python/check_tool_outputs.py FOLDER

FOLDER holds what SurfaceToolTests.theToolsOutputsLoadIntoPyTorch wrote: a.safetensors and
b.safetensors (`train --save`), cache-a.safetensors (a cache checkpoint, with momentum),
average.safetensors (`surface average a`), b-aligned.safetensors (`surface align a b`) and
curve.safetensors (`surface curve --start a --end b`). Every network loads with strict=True; the
aligned B computes B's function in PyTorch too; the average of one network has its parameters;
the curve's ends are its endpoints. Exits non-zero on the first failure.
"""
import sys
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "python"))
import loss_surfaces as ls  # noqa: E402


def main(folder):
    f = Path(folder)
    a, b = ls.load(f / "a.safetensors"), ls.load(f / "b.safetensors")
    cached = ls.load(f / "cache-a.safetensors")
    average, aligned = ls.load(f / "average.safetensors"), ls.load(f / "b-aligned.safetensors")
    for net in (a, b, cached, average, aligned):
        net.eval()
    x = torch.randn(64, 1, 28, 28)
    with torch.no_grad():
        same = (torch.softmax(b(x), 1) - torch.softmax(aligned(x), 1)).abs().max().item()
        cache_same = (a(x) - cached(x)).abs().max().item()
    print(f"aligned B vs B: max |Δ probability| {same:.2e}; cache checkpoint vs state dict: max |Δ logit| {cache_same:.2e}")
    assert same < 1e-5, "the aligned network does not compute B's function in PyTorch"
    assert cache_same == 0, "the cache checkpoint and the saved state dict differ"
    moved = sum(not torch.equal(p, q) for p, q in zip(b.parameters(), aligned.parameters()))
    assert moved > 0, "alignment moved no tensor"
    for (name, p), q in zip(a.named_parameters(), average.parameters()):
        assert torch.equal(p, q), f"the average of one network differs from it in {name}"
    params_a, params_b = dict(a.named_parameters()), dict(b.named_parameters())
    start, end = ls.curve_point(f / "curve.safetensors", 0.0), ls.curve_point(f / "curve.safetensors", 1.0)
    middle = ls.curve_point(f / "curve.safetensors", 0.5)
    for name in params_a:
        assert torch.allclose(start[name], params_a[name], atol=0, rtol=1e-6), f"curve at t=0 differs from A in {name}"
        assert torch.allclose(end[name], params_b[name], atol=0, rtol=1e-6), f"curve at t=1 differs from B in {name}"
    net = ls.make("tinyten")
    net.load_state_dict(middle, strict=True)
    print(f"checked {len(params_a)} tensors of the curve's ends; θ(0.5) loads with strict=True")
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1]))
