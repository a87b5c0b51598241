"""PyTorch reference for bench/generation.ts: the same generation step with the same shapes.

Issue 3 asks for per-step time "within 2x of PyTorch on the same CPU for the same shapes". This
script builds exactly Fragmark's default setup in PyTorch and times it:

- classifier: fixtures/mnist-cnn with its real weights (conv 5x5 1->8, maxpool, conv 3x3 8->16,
  maxpool, dense 400->32, dense 32->10), frozen, inference mode;
- generator (src/engine/generation/generator.ts, 167,225 parameters): dense 100 -> 7*7*32, BN,
  ReLU; conv-transpose 4x4 stride 2 32->16, BN, ReLU; conv-transpose 4x4 stride 2 16->8, BN,
  ReLU; conv 3x3 8->1; training-mode batch norm (eps 1e-5); no bias before batch norm;
- loss CE_VARIANCE (CE + 150 * unbiased variance of all N x K softmax entries), N = 100 triggers,
  Adam lr 1e-2, betas (0.5, 0.999); each step also reads AccTri back, as the engine does.

It is a benchmark tool, not part of the product: PyTorch is not a dependency. Run it from any
Python with torch (CPU) installed:

    python3 bench/pytorch_generation.py [--threads 1,2] [--steps 30] [--runs 3]

Output: one line per (threads, run) with the mean, median and fastest of `--steps` timed steps
after 3 warm-up steps, and the updates a fresh generator needs to reach AccTri 100%.
`bench/step.ts --python <python>` runs it alternately with the engine's step.
"""
import argparse
import json
import os
import platform
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
MODEL_DIR = os.path.join(HERE, "..", "fixtures", "mnist-cnn")


def load_classifier() -> nn.Module:
    """fixtures/mnist-cnn (TF.js Layers, NHWC) as an equivalent NCHW PyTorch module."""
    with open(os.path.join(MODEL_DIR, "model.json")) as f:
        manifest = json.load(f)["weightsManifest"]
    tensors = {}
    for group in manifest:
        blob = b"".join(open(os.path.join(MODEL_DIR, p), "rb").read() for p in group["paths"])
        offset = 0
        for w in group["weights"]:
            count = int(np.prod(w["shape"]))
            tensors[w["name"]] = np.frombuffer(blob, dtype="<f4", count=count, offset=offset).reshape(w["shape"])
            offset += 4 * count

    class MnistCnn(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv1 = nn.Conv2d(1, 8, 5)
            self.conv2 = nn.Conv2d(8, 16, 3)
            self.fc1 = nn.Linear(400, 32)
            self.fc2 = nn.Linear(32, 10)

        def forward(self, x):  # x: [N, 1, 28, 28]
            x = F.max_pool2d(F.relu(self.conv1(x)), 2)
            x = F.max_pool2d(F.relu(self.conv2(x)), 2)
            x = x.permute(0, 2, 3, 1).reshape(x.shape[0], -1)  # flatten in TF.js (h, w, c) order
            return self.fc2(F.relu(self.fc1(x)))  # logits (the TF.js model applies softmax)

    m = MnistCnn()
    with torch.no_grad():
        m.conv1.weight.copy_(torch.from_numpy(tensors["conv1/kernel"].transpose(3, 2, 0, 1).copy()))
        m.conv1.bias.copy_(torch.from_numpy(tensors["conv1/bias"].copy()))
        m.conv2.weight.copy_(torch.from_numpy(tensors["conv2/kernel"].transpose(3, 2, 0, 1).copy()))
        m.conv2.bias.copy_(torch.from_numpy(tensors["conv2/bias"].copy()))
        m.fc1.weight.copy_(torch.from_numpy(tensors["fc1/kernel"].T.copy()))
        m.fc1.bias.copy_(torch.from_numpy(tensors["fc1/bias"].copy()))
        m.fc2.weight.copy_(torch.from_numpy(tensors["fc2/kernel"].T.copy()))
        m.fc2.bias.copy_(torch.from_numpy(tensors["fc2/bias"].copy()))
    m.eval()
    for p in m.parameters():
        p.requires_grad_(False)
    return m


class Generator(nn.Module):
    """The engine's default ConvGenerator (width 8, latent 100, two upsamplings) for 28x28x1."""

    def __init__(self, latent=100, width=8):
        super().__init__()
        c0 = width * 4
        self.dense = nn.Linear(latent, 7 * 7 * c0, bias=False)
        self.bn0 = nn.BatchNorm2d(c0, eps=1e-5)
        self.up1 = nn.ConvTranspose2d(c0, c0 // 2, 4, stride=2, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(c0 // 2, eps=1e-5)
        self.up2 = nn.ConvTranspose2d(c0 // 2, c0 // 4, 4, stride=2, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(c0 // 4, eps=1e-5)
        self.out = nn.Conv2d(c0 // 4, 1, 3, padding=1)
        self.c0 = c0

    def forward(self, z):
        x = F.relu(self.bn0(self.dense(z).view(z.shape[0], 7, 7, self.c0).permute(0, 3, 1, 2)))
        x = F.relu(self.bn1(self.up1(x)))
        x = F.relu(self.bn2(self.up2(x)))
        return self.out(x)


def run(threads: int, steps: int, seed: int) -> dict:
    torch.set_num_threads(threads)
    torch.manual_seed(seed)
    classifier = load_classifier()
    gen = Generator()
    assert sum(p.numel() for p in gen.parameters()) == 167_225
    n = 100
    z = torch.randn(n, 100)
    labels = torch.arange(n) % 10
    opt = torch.optim.Adam(gen.parameters(), lr=1e-2, betas=(0.5, 0.999))

    def step() -> float:
        logits = classifier(gen(z))
        logp = F.log_softmax(logits, dim=1)
        loss = F.nll_loss(logp, labels) + 150 * torch.var(logp.exp())
        acc = (logp.argmax(1) == labels).float().mean().item()  # read back, as the engine does
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        return acc

    updates_to_100 = None
    for i in range(300):
        if step() == 1.0:
            updates_to_100 = i
            break
    for _ in range(3):
        step()
    times = []
    for _ in range(steps):
        t0 = time.perf_counter()
        step()
        times.append((time.perf_counter() - t0) * 1000)
    return {
        "threads": threads,
        "seed": seed,
        "msPerStep": round(sum(times) / steps, 2),
        "medianStepMs": round(float(np.median(times)), 2),
        "minStepMs": round(min(times), 2),
        "updatesTo100": updates_to_100,
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", default="1,2")
    ap.add_argument("--steps", type=int, default=30)
    ap.add_argument("--runs", type=int, default=3)
    a = ap.parse_args()
    print(f"machine: {os.cpu_count()} cores ({platform.processor() or platform.machine()}), torch {torch.__version__}, python {platform.python_version()}")
    for t in [int(x) for x in a.threads.split(",")]:
        for r in range(a.runs):
            print(json.dumps(run(t, a.steps, r)))


if __name__ == "__main__":
    main()
