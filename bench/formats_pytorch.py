"""
PyTorch CPU side of the format benchmark (bench/formats.ts runs it once per round, between the
engine's rounds, so both see the same load on a shared host).

    python bench/formats_pytorch.py <models-dir> <model> [--batch 100] [--threads 2] [--reps 1]
        [--micro-batches 1,2,5,10,25,100]

Loads <models-dir>/<model>.pt into the architecture of bench/make-format-models.py (mobilenetv2:
bench/make-speed-models.py), warms up
once, then times `--reps` times each: a forward pass of `batch` inputs (no_grad, eval mode) and
a forward+backward pass giving the input gradient of the sum over the batch of log p(class 0),
the quantity the engine's benchmark differentiates (log of the softmax output for mnist-cnn,
log_softmax of the logits for resnet18). Inputs are uniform in [0, 1], NCHW. Each pass runs in
the micro-batch size that is fastest for it (bench/pytorch_micro_batches.py: every candidate timed
once over the whole batch), as the engine runs its passes in micro-batches. Prints one JSON line.
"""
import argparse
import importlib.util
import json
import os
import time

import torch

from pytorch_micro_batches import candidates_for, fastest_micro_batch, timed_ms

HERE = os.path.dirname(os.path.abspath(__file__))
SHAPES = {"mnist-cnn": (1, 28, 28), "resnet18": (3, 32, 32), "mobilenetv2": (3, 224, 224)}


def load_models_module():
    # make-speed-models.py builds mobilenetv2 and hands the other models to make-format-models.py.
    spec = importlib.util.spec_from_file_location("make_speed_models", os.path.join(HERE, "make-speed-models.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("models")
    ap.add_argument("model", choices=list(SHAPES))
    ap.add_argument("--batch", type=int, default=100)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--reps", type=int, default=1)
    ap.add_argument("--micro-batches", default=None, help="candidate sizes, comma-separated")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    mod = load_models_module()
    model = mod.build_torch(a.model)
    model.load_state_dict(torch.load(os.path.join(a.models, f"{a.model}.pt")))
    model.eval()
    for p in model.parameters():
        p.requires_grad_(False)
    shape = SHAPES[a.model]
    x = torch.rand(a.batch, *shape, generator=torch.Generator().manual_seed(1))
    softmax_output = a.model == "mnist-cnn"

    def forward(chunk):
        with torch.no_grad():
            return model(chunk).argmax(1)

    def forward_grad(chunk):
        xg = chunk.clone().requires_grad_(True)
        out = model(xg)
        logp = torch.log(out.clamp(1e-30, 1)) if softmax_output else torch.log_softmax(out, 1)
        logp[:, 0].sum().backward()
        return xg.grad

    sizes = candidates_for(a.batch, a.micro_batches)
    fwd_size, fwd_by_size = fastest_micro_batch(forward, x, sizes)
    grad_size, grad_by_size = fastest_micro_batch(forward_grad, x, sizes)
    fwd = [timed_ms(forward, x, fwd_size) for _ in range(a.reps)]
    grad = [timed_ms(forward_grad, x, grad_size) for _ in range(a.reps)]
    print(json.dumps({"torch": torch.__version__, "threads": torch.get_num_threads(), "forwardMs": fwd, "gradMs": grad,
                      "forwardMicroBatch": fwd_size, "gradMicroBatch": grad_size,
                      "forwardMsByMicroBatch": fwd_by_size, "gradMsByMicroBatch": grad_by_size}))


if __name__ == "__main__":
    main()
