"""
PyTorch CPU side of bench/simd-ceiling.ts: GFLOP/s of single convolutions (no_grad, NCHW, no
bias) and of one float32 matrix product, at a given thread count. Prints one JSON line.

    python bench/conv_pytorch.py --shapes 100x32x64x64x3,... [--threads 2] [--reps 5]

A shape is batch x height(=width) x in-channels x out-channels x kernel, stride 1, 'same' padding.
The reported time is the best of `reps` after one warm-up: the ceiling, not the typical run.
"""
import argparse
import json
import time

import torch


def best_ms(f, reps):
    f()
    best = float("inf")
    for _ in range(reps):
        t0 = time.perf_counter()
        f()
        best = min(best, time.perf_counter() - t0)
    return best * 1000


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--shapes", required=True)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--reps", type=int, default=5)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    convs = {}
    with torch.no_grad():
        for shape in a.shapes.split(","):
            n, h, c, o, k = (int(v) for v in shape.split("x"))
            conv = torch.nn.Conv2d(c, o, k, 1, (k - 1) // 2, bias=False)
            x = torch.rand(n, c, h, h)
            convs[shape] = best_ms(lambda: conv(x), a.reps)
        m = torch.rand(2048, 2048)
        matmul = best_ms(lambda: torch.mm(m, m), a.reps)
    print(json.dumps({"torch": torch.__version__, "threads": torch.get_num_threads(), "convMs": convs, "matMul2048Ms": matmul}))


if __name__ == "__main__":
    main()
