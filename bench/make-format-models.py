"""
Builds the models of the format benchmark (bench/formats.ts, issue 18) into a folder given on the
command line. Nothing here is committed: ResNet-18 alone is about 45 MB per format.

    KERAS_BACKEND=torch python bench/make-format-models.py /tmp/format-models

Two models, each in every format this script can make honestly (PyTorch and Keras 3 on the torch
backend; TensorFlow is not installable here, so no tensorflowjs_converter):

- mnist-cnn: the reference CNN, architecture AND weights read from fixtures/mnist-cnn (TF.js
  Layers, 28x28x1, 10 classes, softmax), rebuilt as a Keras 3 Sequential (same layer order and
  weights) and as a PyTorch module (kernels transposed to OIHW, the dense layer's rows reordered
  from Keras's HWC flatten to PyTorch's CHW flatten) so that every format computes the same
  function; the script checks PyTorch and Keras agree with each other.
- resnet18: the CIFAR ResNet-18 (3x3 stem, no max-pool, stages 64-128-256-512 of two basic blocks,
  4x4 global average, 10 logits; 11,173,962 parameters), random weights (speed does not depend on
  them), batch-norm statistics randomised so that nothing is the identity. PyTorch (NCHW
  3x32x32) is the source; the Keras model (NHWC 32x32x3) copies its weights, with
  ZeroPadding2D(1) + 'valid' for the stride-2 convolutions so that padding matches PyTorch's and
  the outputs agree (checked).

Written per model: <name>.onnx (torch.onnx.export, the default dynamo exporter, dynamic batch),
<name>.keras and <name>.h5 (Keras's own model.save), <name>.pt (the PyTorch state dict the
PyTorch side of the benchmark loads, bench/formats_pytorch.py), and manifest.json (shapes,
parameter counts, the agreement checks). The TF.js Layers folder of resnet18 is written by
bench/formats.ts from the .keras file (the engine's Keras reader, then its Layers saver).
"""
import json
import os
import sys
import time
import warnings

os.environ.setdefault("KERAS_BACKEND", "torch")

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
MNIST_CNN_DIR = os.path.join(ROOT, "fixtures", "mnist-cnn")


# ---------------------------------------------------------------- PyTorch models

class MnistCnn(nn.Module):
    """fixtures/mnist-cnn: conv5x5(8)-relu-pool, conv3x3(16)-relu-pool, dense 32 relu, dense 10 softmax."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 8, 5)
        self.conv2 = nn.Conv2d(8, 16, 3)
        self.fc1 = nn.Linear(400, 32)
        self.fc2 = nn.Linear(32, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        x = torch.flatten(x, 1)
        return F.softmax(self.fc2(F.relu(self.fc1(x))), dim=1)


class BasicBlock(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.shortcut = None
        if stride != 1 or cin != cout:
            self.shortcut = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return F.relu(out + (x if self.shortcut is None else self.shortcut(x)))


STAGES = [(64, 1), (128, 2), (256, 2), (512, 2)]


class ResNet18(nn.Module):
    """The CIFAR ResNet-18 (He et al. 2016, CIFAR variant: 3x3 stem, no max-pool)."""

    def __init__(self, classes=10):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 64, 3, 1, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(64)
        blocks = []
        cin = 64
        for cout, stride in STAGES:
            blocks += [BasicBlock(cin, cout, stride), BasicBlock(cout, cout, 1)]
            cin = cout
        self.blocks = nn.Sequential(*blocks)
        self.linear = nn.Linear(512, classes)

    def forward(self, x):
        x = F.relu(self.bn1(self.conv1(x)))
        x = self.blocks(x)
        x = F.adaptive_avg_pool2d(x, 1).flatten(1)
        return self.linear(x)


def build_torch(name):
    """The PyTorch model of `name` with random weights (bench/formats_pytorch.py loads <name>.pt into it)."""
    return MnistCnn() if name == "mnist-cnn" else ResNet18()


def randomize_batchnorm(model, gen):
    for m in model.modules():
        if isinstance(m, nn.BatchNorm2d):
            c = m.num_features
            m.weight.data = 0.5 + torch.rand(c, generator=gen)
            m.bias.data = 0.1 * torch.randn(c, generator=gen)
            m.running_mean = 0.1 * torch.randn(c, generator=gen)
            m.running_var = 0.5 + torch.rand(c, generator=gen)


# ---------------------------------------------------------------- Keras models

def read_mnist_cnn_weights():
    """The float32 weights of fixtures/mnist-cnn by name, read from its manifest and shards."""
    with open(os.path.join(MNIST_CNN_DIR, "model.json")) as f:
        mj = json.load(f)
    out = {}
    for group in mj["weightsManifest"]:
        data = b"".join(open(os.path.join(MNIST_CNN_DIR, p), "rb").read() for p in group["paths"])
        off = 0
        for w in group["weights"]:
            assert w["dtype"] == "float32", w
            n = int(np.prod(w["shape"]))
            out[w["name"]] = np.frombuffer(data, "<f4", n, off).reshape(w["shape"]).copy()
            off += 4 * n
    return mj, out


def keras_mnist_cnn(mj, weights):
    """The Keras Sequential of fixtures/mnist-cnn/model.json (layer configs read from it)."""
    import keras
    from keras import layers

    model = keras.Sequential(name="mnist_cnn")
    model.add(keras.Input((28, 28, 1)))
    for layer in mj["modelTopology"]["config"]["layers"]:
        cls, c = layer["class_name"], layer["config"]
        if cls == "Conv2D":
            model.add(layers.Conv2D(c["filters"], tuple(c["kernel_size"]), strides=tuple(c["strides"]), padding=c["padding"], activation=c["activation"], name=c["name"]))
        elif cls == "MaxPooling2D":
            model.add(layers.MaxPooling2D(tuple(c["pool_size"]), strides=tuple(c["strides"]), padding=c["padding"], name=c["name"]))
        elif cls == "Flatten":
            model.add(layers.Flatten(name=c["name"]))
        elif cls == "Dense":
            model.add(layers.Dense(c["units"], activation=c["activation"], name=c["name"]))
        else:
            raise SystemExit(f"fixtures/mnist-cnn has a {cls} layer this script does not rebuild")
    for layer in model.layers:
        if layer.weights:
            layer.set_weights([weights[f"{layer.name}/kernel"], weights[f"{layer.name}/bias"]])
    return model


def torch_mnist_cnn(weights):
    m = MnistCnn()
    sd = {
        "conv1.weight": weights["conv1/kernel"].transpose(3, 2, 0, 1),
        "conv1.bias": weights["conv1/bias"],
        "conv2.weight": weights["conv2/kernel"].transpose(3, 2, 0, 1),
        "conv2.bias": weights["conv2/bias"],
        # Keras flattens [5,5,16] as (h, w, c); PyTorch flattens [16,5,5] as (c, h, w).
        "fc1.weight": weights["fc1/kernel"].reshape(5, 5, 16, 32).transpose(2, 0, 1, 3).reshape(400, 32).T,
        "fc1.bias": weights["fc1/bias"],
        "fc2.weight": weights["fc2/kernel"].T,
        "fc2.bias": weights["fc2/bias"],
    }
    m.load_state_dict({k: torch.from_numpy(np.ascontiguousarray(v)) for k, v in sd.items()})
    return m.eval()


def keras_resnet18(tm):
    """A Keras functional ResNet-18 computing exactly what the PyTorch module `tm` computes (NHWC)."""
    import keras
    from keras import layers

    def conv(x, tconv, name):
        k, s = tconv.kernel_size[0], tconv.stride[0]
        if k == 3 and s == 2:
            x = layers.ZeroPadding2D(1, name=f"{name}_pad")(x)
            pad = "valid"
        else:
            pad = "same" if k == 3 else "valid"
        layer = layers.Conv2D(tconv.out_channels, k, strides=s, padding=pad, use_bias=False, name=name)
        y = layer(x)
        layer.set_weights([tconv.weight.detach().numpy().transpose(2, 3, 1, 0)])
        return y

    def bn(x, tbn, name):
        layer = layers.BatchNormalization(epsilon=tbn.eps, name=name)
        y = layer(x)
        layer.set_weights([t.detach().numpy() for t in (tbn.weight, tbn.bias, tbn.running_mean, tbn.running_var)])
        return y

    inp = keras.Input((32, 32, 3), name="input")
    x = layers.ReLU(name="stem_relu")(bn(conv(inp, tm.conv1, "stem_conv"), tm.bn1, "stem_bn"))
    for i, b in enumerate(tm.blocks):
        p = f"block{i}"
        y = layers.ReLU(name=f"{p}_relu1")(bn(conv(x, b.conv1, f"{p}_conv1"), b.bn1, f"{p}_bn1"))
        y = bn(conv(y, b.conv2, f"{p}_conv2"), b.bn2, f"{p}_bn2")
        s = x if b.shortcut is None else bn(conv(x, b.shortcut[0], f"{p}_short_conv"), b.shortcut[1], f"{p}_short_bn")
        x = layers.ReLU(name=f"{p}_relu2")(layers.Add(name=f"{p}_add")([y, s]))
    x = layers.GlobalAveragePooling2D(name="gap")(x)
    dense = layers.Dense(tm.linear.out_features, name="logits")
    out = dense(x)
    dense.set_weights([tm.linear.weight.detach().numpy().T, tm.linear.bias.detach().numpy()])
    return keras.Model(inp, out, name="resnet18")


# ---------------------------------------------------------------- writing

def export_onnx(model, shape, path):
    x = torch.rand(2, *shape)
    batch = torch.export.Dim("batch", min=1, max=1024)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(model, (x,), path, dynamo=True, dynamic_shapes={"x": {0: batch}}, external_data=False)


def agreement(tm, km, nchw_shape):
    x = torch.rand(4, *nchw_shape, generator=torch.Generator().manual_seed(7))
    with torch.no_grad():
        yt = tm(x).numpy()
    yk = np.asarray(km.predict(x.numpy().transpose(0, 2, 3, 1), verbose=0))
    return float(np.max(np.abs(yt - yk))), float(np.max(np.abs(yt)))


def main():
    if len(sys.argv) != 2:
        raise SystemExit("usage: KERAS_BACKEND=torch python bench/make-format-models.py <out-dir>")
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    torch.manual_seed(0)
    manifest = {"torch": torch.__version__, "models": {}}
    import keras

    manifest["keras"] = keras.__version__

    mj, w = read_mnist_cnn_weights()
    tm_cnn = torch_mnist_cnn(w)
    km_cnn = keras_mnist_cnn(mj, w)
    gen = torch.Generator().manual_seed(18)
    tm_res = ResNet18()
    randomize_batchnorm(tm_res, gen)
    tm_res.eval()
    km_res = keras_resnet18(tm_res)

    for name, tm, km, nchw in (("mnist-cnn", tm_cnn, km_cnn, (1, 28, 28)), ("resnet18", tm_res, km_res, (3, 32, 32))):
        t0 = time.time()
        diff, scale = agreement(tm, km, nchw)
        if diff > 1e-3 * max(1.0, scale):
            raise SystemExit(f"{name}: Keras and PyTorch disagree by {diff} (outputs up to {scale})")
        torch.save(tm.state_dict(), os.path.join(out, f"{name}.pt"))
        export_onnx(tm, nchw, os.path.join(out, f"{name}.onnx"))
        km.save(os.path.join(out, f"{name}.keras"))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            km.save(os.path.join(out, f"{name}.h5"))
        params = sum(p.numel() for p in tm.parameters())
        manifest["models"][name] = {
            "nchw": list(nchw),
            "nhwc": [nchw[1], nchw[2], nchw[0]],
            "parameters": params,
            "keras_parameters": int(km.count_params()),
            "keras_vs_torch_max_abs_diff": diff,
            "output_max_abs": scale,
            "bytes": {ext: os.path.getsize(os.path.join(out, f"{name}.{ext}")) for ext in ("onnx", "keras", "h5", "pt")},
        }
        print(f"{name}: {params:,} parameters, Keras vs PyTorch max |diff| {diff:.2e} (outputs up to {scale:.2f}), {time.time() - t0:.1f} s", flush=True)
    with open(os.path.join(out, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=2)


if __name__ == "__main__":
    main()
