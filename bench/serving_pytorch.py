#!/usr/bin/env python3
"""Independent check of serving-profile triggers in PyTorch and ONNX Runtime (issue 15).

`npx tsx bench/serving.ts --export DIR` writes trigger sets (float32 values, key labels, input
domain, serving profile, and the TF.js margins under float32 and our emulated formats) and the
models (TF.js Layers model.json + weights.bin). This script rebuilds each model in PyTorch from
model.json alone (generic over the layer types of the reference models: InputLayer, Conv2D,
BatchNormalization, Activation, ReLU, Add, MaxPooling2D, AveragePooling2D, GlobalAveragePooling2D,
Flatten, Dense, Dropout; Sequential and functional topologies; TF 'same' padding) and asks for
each trigger's label under numerics other than ours:

    fp32          PyTorch float32 on CPU (whole set in one batch)
    fp32 batch 1  the same, one trigger at a time
    tf32 (hooks)  float32 with forward pre-hooks on every Conv2d / Linear that round its input and
                  weight to TF32 (10 mantissa bits, round to nearest even, on the int32 bit pattern;
                  an implementation independent of src/engine/serving) and accumulate in float32,
                  what cuDNN / cuBLAS do with allow_tf32 (no GPU here: the rounding, not the kernels)
    fp16          model.half(), input.half(): PyTorch's own CPU float16 kernels
    bf16          model.bfloat16(), input.bfloat16()
    uint8 /255    UINT8 sets only: the 8-bit levels sent as a uint8 tensor, divided by 255 in float32
                  inside the model (what an image endpoint does)
    ort fp32      ONNX Runtime CPU (default graph optimisations) on the model exported to ONNX
    ort uint8     UINT8 sets only: ONNX model with a uint8 input, Cast + Div(255) in the graph

A profile tolerates fp32-like numerics (fp32, batch 1, uint8, ort) always, and tf32 / fp16 / bf16
as the manifest's `tolerates` says (profiles.ts): those cells must keep every key label.

    /tmp/torchenv/bin/python bench/serving_pytorch.py DIR [--out bench/out/serving_pytorch.json]

Requires torch and numpy; onnx and onnxruntime are optional (skipped with a note when missing).
"""
import argparse
import copy
import io
import json
import os
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

try:
    import onnxruntime as ort  # noqa: F401
    HAVE_ORT = True
except Exception:  # pragma: no cover - optional
    HAVE_ORT = False

NUMERICS_OF = {'fp32': 'FP32', 'fp32 batch 1': 'FP32', 'tf32 (hooks)': 'TF32', 'fp16': 'FP16', 'bf16': 'BF16',
               'uint8 /255': 'FP32', 'ort fp32': 'FP32', 'ort uint8': 'FP32'}


# ---- model.json -> PyTorch ------------------------------------------------------------------------

def same_pad(size, k, stride, dilation=1):
    out = -(-size // stride)
    eff = (k - 1) * dilation + 1
    total = max((out - 1) * stride + eff - size, 0)
    return total // 2, total - total // 2


def activation(name):
    if name in (None, 'linear'):
        return lambda x: x
    if name == 'relu':
        return F.relu
    if name == 'softmax':
        return lambda x: F.softmax(x, dim=-1)
    if name == 'sigmoid':
        return torch.sigmoid
    if name == 'tanh':
        return torch.tanh
    raise ValueError(f'unsupported activation {name}')


class TfConv2d(nn.Conv2d):
    """Conv2d with TF padding ('same' may be asymmetric) and a fused activation."""

    def __init__(self, cin, cout, k, stride, dilation, padding, bias, act):
        super().__init__(cin, cout, k, stride=stride, dilation=dilation, bias=bias)
        self.tf_padding = padding
        self.act = act

    def forward(self, x):
        if self.tf_padding == 'same':
            top, bottom = same_pad(x.shape[2], self.kernel_size[0], self.stride[0], self.dilation[0])
            left, right = same_pad(x.shape[3], self.kernel_size[1], self.stride[1], self.dilation[1])
            if top or bottom or left or right:
                x = F.pad(x, (left, right, top, bottom))
        return activation(self.act)(F.conv2d(x, self.weight, self.bias, self.stride, 0, self.dilation))


class TfDense(nn.Linear):
    def __init__(self, cin, cout, bias, act):
        super().__init__(cin, cout, bias=bias)
        self.act = act

    def forward(self, x):
        return activation(self.act)(F.linear(x, self.weight, self.bias))


class TfBatchNorm(nn.Module):
    def __init__(self, c, eps, gamma, beta, mean, var):
        super().__init__()
        self.eps = eps
        self.weight = nn.Parameter(gamma)
        self.bias = nn.Parameter(beta)
        self.register_buffer('running_mean', mean)
        self.register_buffer('running_var', var)

    def forward(self, x):  # channel axis 1 (NCHW or NC)
        return F.batch_norm(x, self.running_mean, self.running_var, self.weight, self.bias, False, 0.0, self.eps)


class Lambda(nn.Module):
    def __init__(self, fn):
        super().__init__()
        self.fn = fn

    def forward(self, *xs):
        return self.fn(*xs)


def pool(kind, cfg):
    k = tuple(cfg.get('pool_size', [2, 2]))
    s = tuple(cfg.get('strides') or k)
    padding = cfg.get('padding', 'valid')

    def fn(x):
        if padding == 'same':
            top, bottom = same_pad(x.shape[2], k[0], s[0])
            left, right = same_pad(x.shape[3], k[1], s[1])
            if top or bottom or left or right:
                if kind == 'avg':
                    raise ValueError("AveragePooling2D with 'same' padding that pads is not supported")
                x = F.pad(x, (left, right, top, bottom), value=float('-inf'))
        return F.max_pool2d(x, k, s) if kind == 'max' else F.avg_pool2d(x, k, s)
    return Lambda(fn)


def flatten_nhwc(x):
    if x.dim() == 4:
        x = x.permute(0, 2, 3, 1)  # TF.js flattens channels_last
    return x.reshape(x.shape[0], -1)


class TfjsModel(nn.Module):
    """A TF.js Layers model (channels_last) run in NCHW; takes NHWC input like TF.js."""

    def __init__(self, model_dir):
        super().__init__()
        with open(os.path.join(model_dir, 'model.json')) as f:
            mj = json.load(f)
        topo = mj['modelTopology']
        topo = topo.get('model_config', topo)
        blob = b''
        specs = []
        for group in mj['weightsManifest']:
            for p in group['paths']:
                with open(os.path.join(model_dir, os.path.basename(p)), 'rb') as f:
                    blob += f.read()
            specs += group['weights']
        weights, off = {}, 0
        for s in specs:
            if s['dtype'] != 'float32':
                raise ValueError(f"weight {s['name']}: dtype {s['dtype']} not supported")
            n = int(np.prod(s['shape'])) if s['shape'] else 1
            weights[s['name']] = torch.from_numpy(np.frombuffer(blob, dtype='<f4', count=n, offset=off).reshape(s['shape']).copy())
            off += 4 * n
        cfg = topo['config']
        layers = cfg['layers'] if isinstance(cfg, dict) else cfg
        self.order = []  # (name, class, [input names])
        self.mods = nn.ModuleDict()
        self.output_name = None
        prev = None
        sequential = topo['class_name'] == 'Sequential'
        if sequential:
            batch_shape = layers[0]['config'].get('batch_input_shape')
            self.order.append(('__input__', 'InputLayer', []))
            prev = '__input__'
            channels = {'__input__': batch_shape[-1]}
        else:
            channels = {}
        for layer in layers:
            cls, lc = layer['class_name'], layer['config']
            name = lc.get('name', layer.get('name'))
            if sequential:
                inputs = [prev]
            else:
                nodes = layer.get('inbound_nodes', [])
                inputs = [n[0] for n in nodes[0]] if nodes else []
            key = name.replace('.', '_')

            def w(suffix):
                return weights[f'{name}/{suffix}']
            cin = channels.get(inputs[0]) if inputs else None
            if cls == 'InputLayer':
                channels[name] = lc['batch_input_shape'][-1]
                self.order.append((name, 'InputLayer', []))
                prev = name
                continue
            if cls == 'Conv2D':
                k = w('kernel')  # HWIO
                m = TfConv2d(k.shape[2], k.shape[3], tuple(lc['kernel_size']), tuple(lc['strides']), tuple(lc.get('dilation_rate', [1, 1])),
                             lc['padding'], lc['use_bias'], lc.get('activation'))
                if lc.get('data_format', 'channels_last') != 'channels_last':
                    raise ValueError('only channels_last models are supported')
                with torch.no_grad():
                    m.weight.copy_(k.permute(3, 2, 0, 1))  # HWIO -> OIHW
                    if lc['use_bias']:
                        m.bias.copy_(w('bias'))
                channels[name] = k.shape[3]
            elif cls == 'Dense':
                k = w('kernel')  # [in, out]
                m = TfDense(k.shape[0], k.shape[1], lc['use_bias'], lc.get('activation'))
                with torch.no_grad():
                    m.weight.copy_(k.T)
                    if lc['use_bias']:
                        m.bias.copy_(w('bias'))
                channels[name] = k.shape[1]
            elif cls == 'BatchNormalization':
                if lc.get('axis', -1) not in (-1, 3, [-1], [3]):
                    raise ValueError('only channel-axis batch norm is supported')
                mean, var = w('moving_mean'), w('moving_variance')
                c = mean.shape[0]
                gamma = w('gamma') if lc.get('scale', True) else torch.ones(c)
                beta = w('beta') if lc.get('center', True) else torch.zeros(c)
                m = TfBatchNorm(c, lc['epsilon'], gamma, beta, mean, var)
                channels[name] = cin
            elif cls == 'Activation':
                m = Lambda(activation(lc['activation']))
                channels[name] = cin
            elif cls == 'ReLU':
                if lc.get('max_value') is not None:
                    mv = lc['max_value']
                    m = Lambda(lambda x, mv=mv: torch.clamp(F.relu(x), max=mv))
                else:
                    m = Lambda(F.relu)
                channels[name] = cin
            elif cls == 'Add':
                m = Lambda(lambda *xs: sum(xs[1:], xs[0]))
                channels[name] = cin
            elif cls in ('MaxPooling2D', 'AveragePooling2D'):
                m = pool('max' if cls.startswith('Max') else 'avg', lc)
                channels[name] = cin
            elif cls == 'GlobalAveragePooling2D':
                m = Lambda(lambda x: x.mean(dim=(2, 3)))
                channels[name] = cin
            elif cls == 'Flatten':
                m = Lambda(flatten_nhwc)
                channels[name] = None
            elif cls == 'Dropout':
                m = Lambda(lambda x: x)
                channels[name] = cin
            else:
                raise ValueError(f'unsupported layer {cls} ({name})')
            self.mods[key] = m
            self.order.append((name, cls, inputs))
            prev = name
        self.output_name = prev if sequential else cfg['output_layers'][0][0]
        last = [lay for lay in layers if lay['class_name'] != 'InputLayer'][-1]['config']
        self.outputs_probabilities = last.get('activation') == 'softmax'

    def forward(self, x):  # x: NHWC
        values = {}
        for name, cls, inputs in self.order:
            if cls == 'InputLayer':
                values[name] = x.permute(0, 3, 1, 2)
                continue
            values[name] = self.mods[name.replace('.', '_')](*[values[i] for i in inputs])
        return values[self.output_name]


class FromUint8(nn.Module):
    """An image endpoint: uint8 levels in, divided by 255 in float32, then the model."""

    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, q):
        return self.model(q.to(torch.float32) / 255.0)


# ---- TF32 by forward pre-hooks --------------------------------------------------------------------

def round_tf32(t):
    """float32 -> nearest TF32 value (10 mantissa bits, ties to even), as float32."""
    bits = t.contiguous().view(torch.int32).to(torch.int64) & 0xFFFFFFFF
    lsb = (bits >> 13) & 1
    rounded = ((bits + 0xFFF + lsb) & 0xFFFFE000) & 0xFFFFFFFF
    special = (bits & 0x7F800000) == 0x7F800000  # inf / nan unchanged
    rounded = torch.where(special, bits, rounded)
    rounded = torch.where(rounded >= 2 ** 31, rounded - 2 ** 32, rounded)
    return rounded.to(torch.int32).view(torch.float32)


def add_tf32_hooks(model):
    def hook(module, args):
        with torch.no_grad():
            module.weight.copy_(round_tf32(module.weight))  # idempotent after the first call
        return tuple(round_tf32(a) if torch.is_tensor(a) and a.dtype == torch.float32 else a for a in args)
    for m in model.modules():
        if isinstance(m, (nn.Conv2d, nn.Linear)):
            m.register_forward_pre_hook(hook)
    return model


# ---- evaluation -----------------------------------------------------------------------------------

def margins_of(out, labels, probabilities):
    o = out.detach().to(torch.float64)
    logp = torch.log(torch.clamp(o, min=1e-30)) if probabilities else torch.log_softmax(o, dim=1)
    key = logp.gather(1, labels[:, None])[:, 0]
    others = logp.clone()
    others.scatter_(1, labels[:, None], float('-inf'))
    return (key - others.max(1).values).numpy()


def predict(model, x, batch=None):
    with torch.no_grad():
        if batch is None:
            return model(x)
        return torch.cat([model(x[i:i + batch]) for i in range(0, len(x), batch)])


def onnx_session(model, example, path):
    torch.onnx.export(model, (example,), path, input_names=['x'], output_names=['y'], dynamic_axes={'x': {0: 'n'}, 'y': {0: 'n'}},
                      opset_version=17, dynamo=False)
    so = ort.SessionOptions()
    so.intra_op_num_threads = torch.get_num_threads()
    return ort.InferenceSession(path, so, providers=['CPUExecutionProvider'])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('dir')
    ap.add_argument('--out', default='bench/out/serving_pytorch.json')
    ap.add_argument('--threads', type=int, default=2)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    t_start = time.time()
    with open(os.path.join(args.dir, 'manifest.json')) as f:
        manifest = json.load(f)
    notes = []
    models = {}
    results = []
    ort_error = None
    for s in manifest['sets']:
        name = s['model']
        if name not in models:
            base = TfjsModel(os.path.join(args.dir, s['modelDir'])).eval()
            variants = {'fp32': base, 'fp16': copy.deepcopy(base).half(), 'bf16': copy.deepcopy(base).to(torch.bfloat16),
                        'tf32 (hooks)': add_tf32_hooks(copy.deepcopy(base))}
            sessions = {}
            if HAVE_ORT and ort_error is None:
                try:
                    ex = torch.zeros([1] + s['shape'][1:], dtype=torch.float32)
                    sessions['ort fp32'] = onnx_session(base, ex, os.path.join(args.dir, f'{name}.onnx'))
                    sessions['ort uint8'] = onnx_session(FromUint8(base), ex.to(torch.uint8), os.path.join(args.dir, f'{name}-uint8.onnx'))
                except Exception as e:  # pragma: no cover - depends on the installed exporter
                    ort_error = f'ONNX export/ONNX Runtime failed: {type(e).__name__}: {e}'
                    notes.append(ort_error)
            models[name] = (base, variants, sessions)
        base, variants, sessions = models[name]
        data = np.fromfile(os.path.join(args.dir, s['dataFile']), dtype='<f4').reshape(s['shape'])
        labels = torch.tensor(s['labels'], dtype=torch.int64)
        x = torch.from_numpy(data.copy())
        probs = base.outputs_probabilities
        outs = {
            'fp32': predict(variants['fp32'], x),
            'fp32 batch 1': predict(variants['fp32'], x, 1),
            'tf32 (hooks)': predict(variants['tf32 (hooks)'], x),
            'fp16': predict(variants['fp16'], x.half()),
            'bf16': predict(variants['bf16'], x.to(torch.bfloat16)),
        }
        extra = {}
        if s['domain']['encoding'] == 'UINT8':
            q = np.rint(data * 255.0).astype(np.uint8)
            decoded = torch.from_numpy(q).to(torch.float32) / 255.0
            extra['uint8ValuesDiffering'] = int((decoded.numpy() != data).sum())
            outs['uint8 /255'] = predict(FromUint8(base), torch.from_numpy(q))
        if sessions:
            outs['ort fp32'] = torch.from_numpy(sessions['ort fp32'].run(None, {'x': data})[0])
            if s['domain']['encoding'] == 'UINT8':
                outs['ort uint8'] = torch.from_numpy(sessions['ort uint8'].run(None, {'x': np.rint(data * 255.0).astype(np.uint8)})[0])
        tf_m = {k: np.asarray(v, dtype=np.float64) for k, v in s['tfjsMargins'].items()}
        for numerics, out in outs.items():
            of = out.float()
            pred = of.argmax(1)
            kept = int((pred == labels).sum())
            # Flipped triggers whose key label ties exactly with the winner (argmax takes the lower index).
            wrong = pred != labels
            ties = int((wrong & (of.gather(1, labels[:, None])[:, 0] == of.gather(1, pred[:, None])[:, 0])).sum())
            m = margins_of(out, labels, probs)
            dev = np.abs(m - tf_m['FP32'])
            fmt = NUMERICS_OF[numerics]
            row = {'model': name, 'seed': s['seed'], 'variant': s['variant'], 'profile': s['profile'], 'encoding': s['domain']['encoding'],
                   'numerics': numerics, 'format': fmt, 'tolerated': fmt in s['tolerates'], 'kept': kept, 'n': len(labels), 'flippedByTie': ties,
                   'maxMarginDeviation': float(np.nanmax(np.where(np.isnan(dev), np.inf, dev))), 'minMarginTfjs': float(tf_m['FP32'].min()),
                   'minMargin': float(np.nanmin(m)),
                   # Headroom: the smallest TF.js float32 margin / the change these numerics made to it (< 1: the trigger flips).
                   'minHeadroom': float(np.min(tf_m['FP32'] / np.maximum(np.where(np.isnan(dev), np.inf, dev), 1e-12)))}
            if fmt in tf_m and fmt != 'FP32':
                emu = np.abs(tf_m[fmt] - tf_m['FP32'])
                row['maxEmulatedDeviation'] = float(np.max(emu))
                row['medianRealOverEmulated'] = float(np.median(dev / np.maximum(emu, 1e-7)))
                row['beyondSafetyFactor'] = int((dev > 3 * emu).sum())
                row['tfjsEmulatedFlips'] = s['tfjsEmulatedFlips'].get(fmt)
            row.update(extra)
            results.append(row)
        print(f"{name} seed {s['seed']} {s['variant']}: " + ', '.join(f"{r['numerics']} {r['kept']}" for r in results[-len(outs):]), file=sys.stderr, flush=True)
    if not HAVE_ORT:
        notes.append('onnxruntime is not installed: ORT rows skipped')
    os.makedirs(os.path.dirname(args.out) or '.', exist_ok=True)
    summary_text = summary(results)
    with open(args.out, 'w') as f:
        json.dump({'torch': torch.__version__, 'onnxruntime': getattr(sys.modules.get('onnxruntime'), '__version__', None), 'threads': args.threads,
                   'notes': notes, 'elapsedS': time.time() - t_start, 'rows': results}, f, indent=1)
    print(summary_text)
    for n in notes:
        print(f'\nNOTE: {n}')
    print(f"\ntorch {torch.__version__}, onnxruntime {getattr(sys.modules.get('onnxruntime'), '__version__', 'absent')}, {time.time() - t_start:.0f} s")


def summary(results):
    lines = []
    order = ['fp32', 'fp32 batch 1', 'uint8 /255', 'ort fp32', 'ort uint8', 'tf32 (hooks)', 'fp16', 'bf16']
    present = [o for o in order if any(r['numerics'] == o for r in results)]
    lines.append('Cell: triggers that keep their key label / triggers, and sets with a false alarm (TAMPERED under strict) / sets. '
                 '**bold** = a false alarm on numerics the profile tolerates; (n.t.) = not tolerated.')
    lines.append('')
    lines.append('| model | triggers | ' + ' | '.join(present) + ' |')
    lines.append('|---|---|' + '|'.join('---' for _ in present) + '|')
    keys = []
    for r in results:
        k = (r['model'], r['variant'])
        if k not in keys:
            keys.append(k)
    for model, variant in keys:
        cells = []
        for o in present:
            rs = [r for r in results if r['model'] == model and r['variant'] == variant and r['numerics'] == o]
            if not rs:
                cells.append('-')
                continue
            kept, n = sum(r['kept'] for r in rs), sum(r['n'] for r in rs)
            bad = sum(1 for r in rs if r['kept'] < r['n'])
            text = f'{kept}/{n}, {bad}/{len(rs)}'
            cells.append(f'**{text}**' if rs[0]['tolerated'] and bad else text if rs[0]['tolerated'] else f'{text} (n.t.)')
        lines.append(f'| {model} | {variant} | ' + ' | '.join(cells) + ' |')
    lines.append('')
    lines.append('Key-label margin change against TF.js float32 (max over triggers and sets): real = PyTorch / ORT numerics, emulated = '
                 'the src/engine/serving emulation in TF.js; median real/emulated over triggers; "beyond 3x" = triggers whose real change exceeds '
                 '3x (the safety factor) the emulated one; min headroom = smallest float32 margin / real change (< 1: the trigger flips).')
    lines.append('')
    lines.append('| model | triggers | numerics | real max change | emulated max change | median real/emulated | beyond 3x | min headroom | TF.js emulated flips | PyTorch flips (exact ties) |')
    lines.append('|---|---|---|---|---|---|---|---|---|---|')
    for model, variant in keys:
        for o in ['fp32', 'ort fp32', 'tf32 (hooks)', 'fp16', 'bf16']:
            rs = [r for r in results if r['model'] == model and r['variant'] == variant and r['numerics'] == o]
            if not rs:
                continue
            real = max(r['maxMarginDeviation'] for r in rs)
            emu = [r['maxEmulatedDeviation'] for r in rs if 'maxEmulatedDeviation' in r]
            ratio = [r['medianRealOverEmulated'] for r in rs if 'medianRealOverEmulated' in r]
            beyond = sum(r.get('beyondSafetyFactor', 0) for r in rs)
            headroom = min(r['minHeadroom'] for r in rs)
            tf_flips = [r.get('tfjsEmulatedFlips') for r in rs if r.get('tfjsEmulatedFlips') is not None]
            flips = sum(r['n'] - r['kept'] for r in rs)
            ties = sum(r['flippedByTie'] for r in rs)
            flips = f'{flips} ({ties})' if ties else str(flips)
            tol = '' if rs[0]['tolerated'] else ' (n.t.)'
            lines.append(f'| {model} | {variant} | {o}{tol} | {real:.1e} | {max(emu):.1e} | {np.median(ratio):.2f} | {beyond} | {headroom:.2g} | {sum(tf_flips)} | {flips} |'
                         if emu else f'| {model} | {variant} | {o}{tol} | {real:.1e} | - | - | - | {headroom:.2g} | - | {flips} |')
    return '\n'.join(lines)


if __name__ == '__main__':
    main()
