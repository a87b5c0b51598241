"""
Builds the models of the kernel-speed benchmark (bench/kernel-speed.ts, issue 19 item 4) into a
folder given on the command line, with random weights (speed does not depend on them). Nothing
here is committed: the files are 14-45 MB each; write them to bench/out/ or a temp dir.

    KERAS_BACKEND=torch python bench/make-speed-models.py bench/out/speed-models

Two models, each as PyTorch state dict (<name>.pt, for bench/formats_pytorch.py), ONNX
(<name>.onnx, torch.onnx.export with the dynamo exporter, dynamic batch; it folds batch norm into
the convolutions itself) and Keras 3 (<name>.keras, batch norm as separate layers, as Keras and
TF.js Layers models ship):

- resnet18: the CIFAR ResNet-18 of bench/make-format-models.py (3x32x32, 10 classes, 11.2M
  parameters), the same construction and seeds;
- mobilenetv2: MobileNetV2 (Sandler et al., CVPR 2018, Table 2: width 1.0, 224x224x3, 1000
  classes, 3.5M parameters) as torchvision builds it (ReLU6, no bias before batch norm, a
  dropout before the classifier), written out here because torchvision is not installed; the
  Keras copy pads the stride-2 convolutions explicitly (ZeroPadding2D + valid) so that it
  computes what PyTorch computes (checked);
- resnet50 (ONNX only, for bench/worker-check.ts): ResNet-50 (He et al., CVPR 2016, Table 1,
  bottleneck blocks 3-4-6-3, 224x224x3, 1000 classes, 25.6M parameters) as torchvision builds it
  (stride on the 3x3 convolution), written out here for the same reason.
"""
import importlib.util
import json
import os
import sys
import time
import warnings

os.environ.setdefault("KERAS_BACKEND", "torch")

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn as nn  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))


def format_models():
    spec = importlib.util.spec_from_file_location("make_format_models", os.path.join(HERE, "make-format-models.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


FM = format_models()

# (expansion t, output channels c, repeats n, first stride s): the paper's Table 2.
MOBILENETV2_SETTINGS = [(1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2), (6, 96, 3, 1), (6, 160, 3, 2), (6, 320, 1, 1)]


def conv_bn(cin, cout, k, s, groups=1, relu6=True):
    layers = [nn.Conv2d(cin, cout, k, s, (k - 1) // 2, groups=groups, bias=False), nn.BatchNorm2d(cout)]
    if relu6:
        layers.append(nn.ReLU6())
    return nn.Sequential(*layers)


class InvertedResidual(nn.Module):
    def __init__(self, cin, cout, stride, t):
        super().__init__()
        hidden = cin * t
        layers = [] if t == 1 else [conv_bn(cin, hidden, 1, 1)]
        layers += [conv_bn(hidden, hidden, 3, stride, groups=hidden), conv_bn(hidden, cout, 1, 1, relu6=False)]
        self.conv = nn.Sequential(*layers)
        self.residual = stride == 1 and cin == cout

    def forward(self, x):
        return x + self.conv(x) if self.residual else self.conv(x)


class MobileNetV2(nn.Module):
    def __init__(self, classes=1000):
        super().__init__()
        blocks = [conv_bn(3, 32, 3, 2)]
        cin = 32
        for t, c, n, s in MOBILENETV2_SETTINGS:
            for i in range(n):
                blocks.append(InvertedResidual(cin, c, s if i == 0 else 1, t))
                cin = c
        blocks.append(conv_bn(cin, 1280, 1, 1))
        self.features = nn.Sequential(*blocks)
        self.dropout = nn.Dropout(0.2)
        self.classifier = nn.Linear(1280, classes)

    def forward(self, x):
        x = self.features(x).mean((2, 3))
        return self.classifier(self.dropout(x))


class Bottleneck(nn.Module):
    def __init__(self, cin, width, stride):
        super().__init__()
        cout = width * 4
        self.conv = nn.Sequential(conv_bn(cin, width, 1, 1, relu6=False), nn.ReLU(), conv_bn(width, width, 3, stride, relu6=False), nn.ReLU(), conv_bn(width, cout, 1, 1, relu6=False))
        self.shortcut = None if stride == 1 and cin == cout else conv_bn(cin, cout, 1, stride, relu6=False)

    def forward(self, x):
        return torch.relu(self.conv(x) + (x if self.shortcut is None else self.shortcut(x)))


class ResNet50(nn.Module):
    def __init__(self, classes=1000):
        super().__init__()
        blocks = [conv_bn(3, 64, 7, 2, relu6=False), nn.ReLU(), nn.MaxPool2d(3, 2, 1)]
        cin = 64
        for width, n, stride in ((64, 3, 1), (128, 4, 2), (256, 6, 2), (512, 3, 2)):
            for i in range(n):
                blocks.append(Bottleneck(cin, width, stride if i == 0 else 1))
                cin = width * 4
        self.features = nn.Sequential(*blocks)
        self.classifier = nn.Linear(cin, classes)

    def forward(self, x):
        return self.classifier(self.features(x).mean((2, 3)))


def build_torch(name):
    return MobileNetV2() if name == "mobilenetv2" else FM.build_torch(name)


def keras_mobilenetv2(tm):
    """A Keras functional MobileNetV2 computing what the PyTorch module `tm` computes (NHWC)."""
    import keras
    from keras import layers

    def conv_bn_k(x, seq, name):
        tconv, tbn = seq[0], seq[1]
        k, s = tconv.kernel_size[0], tconv.stride[0]
        if k == 3 and s == 2:
            x = layers.ZeroPadding2D(1, name=f"{name}_pad")(x)
            pad = "valid"
        else:
            pad = "same"
        w = tconv.weight.detach().numpy()
        if tconv.groups > 1:
            layer = layers.DepthwiseConv2D(k, strides=s, padding=pad, use_bias=False, name=name)
            y = layer(x)
            layer.set_weights([w.transpose(2, 3, 0, 1)])  # [C, 1, k, k] -> [k, k, C, 1]
        else:
            layer = layers.Conv2D(tconv.out_channels, k, strides=s, padding=pad, use_bias=False, name=name)
            y = layer(x)
            layer.set_weights([w.transpose(2, 3, 1, 0)])
        bn = layers.BatchNormalization(epsilon=tbn.eps, name=f"{name}_bn")
        y = bn(y)
        bn.set_weights([t.detach().numpy() for t in (tbn.weight, tbn.bias, tbn.running_mean, tbn.running_var)])
        return layers.ReLU(6.0, name=f"{name}_relu6")(y) if len(seq) == 3 else y

    inp = keras.Input((224, 224, 3), name="input")
    x = conv_bn_k(inp, tm.features[0], "stem")
    for i, block in enumerate(tm.features[1:-1]):
        y = x
        for j, seq in enumerate(block.conv):
            y = conv_bn_k(y, seq, f"block{i}_{j}")
        x = layers.Add(name=f"block{i}_add")([x, y]) if block.residual else y
    x = conv_bn_k(x, tm.features[-1], "head")
    x = layers.GlobalAveragePooling2D(name="gap")(x)
    dense = layers.Dense(tm.classifier.out_features, name="logits")
    out = dense(x)
    dense.set_weights([tm.classifier.weight.detach().numpy().T, tm.classifier.bias.detach().numpy()])
    return keras.Model(inp, out, name="mobilenetv2")


def main():
    if len(sys.argv) != 2:
        raise SystemExit("usage: KERAS_BACKEND=torch python bench/make-speed-models.py <out-dir>")
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    import keras

    torch.manual_seed(0)
    manifest = {"torch": torch.__version__, "keras": keras.__version__, "models": {}}
    gen = torch.Generator().manual_seed(18)
    res = FM.ResNet18()
    FM.randomize_batchnorm(res, gen)
    mob = MobileNetV2()
    FM.randomize_batchnorm(mob, gen)
    for name, tm, build_keras, nchw in (("resnet18", res, FM.keras_resnet18, (3, 32, 32)), ("mobilenetv2", mob, keras_mobilenetv2, (3, 224, 224))):
        t0 = time.time()
        tm.eval()
        km = build_keras(tm)
        diff, scale = FM.agreement(tm, km, nchw)
        if diff > 1e-3 * max(1.0, scale):
            raise SystemExit(f"{name}: Keras and PyTorch disagree by {diff} (outputs up to {scale})")
        torch.save(tm.state_dict(), os.path.join(out, f"{name}.pt"))
        FM.export_onnx(tm, nchw, os.path.join(out, f"{name}.onnx"))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            km.save(os.path.join(out, f"{name}.keras"))
        params = sum(p.numel() for p in tm.parameters())
        manifest["models"][name] = {"nchw": list(nchw), "parameters": params, "keras_vs_torch_max_abs_diff": diff, "output_max_abs": scale}
        print(f"{name}: {params:,} parameters, Keras vs PyTorch max |diff| {diff:.2e} (outputs up to {scale:.2f}), {time.time() - t0:.1f} s", flush=True)
    t0 = time.time()
    r50 = ResNet50()
    FM.randomize_batchnorm(r50, gen)
    r50.eval()
    FM.export_onnx(r50, (3, 224, 224), os.path.join(out, "resnet50.onnx"))
    params = sum(p.numel() for p in r50.parameters())
    manifest["onnx_only"] = {"resnet50": {"nchw": [3, 224, 224], "parameters": params}}
    print(f"resnet50 (ONNX only): {params:,} parameters, {time.time() - t0:.1f} s", flush=True)
    with open(os.path.join(out, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=2)


if __name__ == "__main__":
    main()
