"""
PyTorch CPU side of bench/verify-scale.ts: a forward pass (eval mode, no_grad) of `batch` inputs
through the models of bench/synthetic-models.ts built in PyTorch with random weights (the speed
does not depend on them), the work a verification of that many triggers does.

    python bench/verify_pytorch.py <model> [--batch 100] [--threads 2] [--reps 1]
        [--micro-batches 1,2,5,10,25,100]

Models: resnet18-cifar (3x32x32, 10 classes), mobilenetv2-224 (bench/make-speed-models.py's
MobileNetV2), resnet50-224 (He et al. 2016, bottlenecks 3-4-6-3, 1000 classes). The pass runs in
the micro-batch size that is fastest for it (bench/pytorch_micro_batches.py; one batch of 100 at
224x224 is 3x slower here). Prints one JSON line with the median seconds.
"""
import argparse
import importlib.util
import json
import os
import statistics

import torch
import torch.nn as nn

from pytorch_micro_batches import candidates_for, fastest_micro_batch, timed_ms

HERE = os.path.dirname(os.path.abspath(__file__))


def conv_bn(cin, cout, k, s, relu=True):
    layers = [nn.Conv2d(cin, cout, k, s, (k - 1) // 2, bias=False), nn.BatchNorm2d(cout)]
    if relu:
        layers.append(nn.ReLU())
    return nn.Sequential(*layers)


class Block(nn.Module):
    """Basic (ResNet-18) or bottleneck (ResNet-50) residual block."""

    def __init__(self, cin, width, stride, bottleneck):
        super().__init__()
        cout = width * 4 if bottleneck else width
        if bottleneck:
            self.body = nn.Sequential(conv_bn(cin, width, 1, 1), conv_bn(width, width, 3, stride), conv_bn(width, cout, 1, 1, relu=False))
        else:
            self.body = nn.Sequential(conv_bn(cin, width, 3, stride), conv_bn(width, width, 3, 1, relu=False))
        self.shortcut = conv_bn(cin, cout, 1, stride, relu=False) if stride != 1 or cin != cout else nn.Identity()
        self.cout = cout

    def forward(self, x):
        return torch.relu(self.body(x) + self.shortcut(x))


def resnet(stages, bottleneck, classes, cifar):
    layers = [conv_bn(3, 64, 3, 1)] if cifar else [conv_bn(3, 64, 7, 2), nn.MaxPool2d(3, 2, 1)]
    cin = 64
    for stage, (width, blocks) in enumerate(zip([64, 128, 256, 512], stages)):
        for b in range(blocks):
            block = Block(cin, width, 2 if stage > 0 and b == 0 else 1, bottleneck)
            layers.append(block)
            cin = block.cout
    return nn.Sequential(*layers, nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(cin, classes))


def build(name):
    if name == "resnet18-cifar":
        return resnet([2, 2, 2, 2], False, 10, True), (3, 32, 32)
    if name == "resnet50-224":
        return resnet([3, 4, 6, 3], True, 1000, False), (3, 224, 224)
    spec = importlib.util.spec_from_file_location("speed_models", os.path.join(HERE, "make-speed-models.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.MobileNetV2(), (3, 224, 224)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("model")
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--reps", type=int, default=1)
    parser.add_argument("--micro-batches", default=None, help="candidate sizes, comma-separated")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    model, shape = build(args.model)
    model.eval()
    x = torch.rand(args.batch, *shape)

    def forward(chunk):
        with torch.no_grad():
            return model(chunk).argmax(1)

    size, by_size = fastest_micro_batch(forward, x, candidates_for(args.batch, args.micro_batches))
    times = [timed_ms(forward, x, size) / 1000 for _ in range(args.reps)]
    print(json.dumps({"model": args.model, "batch": args.batch, "threads": args.threads, "forward_s": statistics.median(times), "micro_batch": size,
                      "forward_s_by_micro_batch": {k: v / 1000 for k, v in by_size.items()}, "torch": torch.__version__}))


if __name__ == "__main__":
    main()
