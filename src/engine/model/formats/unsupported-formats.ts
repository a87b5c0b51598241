/**
 * Uploads that are models, but in a format the engine cannot run: each is recognised by name or
 * magic bytes and refused with what it is and how to convert it into a supported format.
 */
import type { ArtifactFiles } from '../classifier.ts';

interface UnsupportedFormat {
  readonly name: string;
  readonly matches: (fileName: string, bytes: Uint8Array) => boolean;
  readonly howToConvert: string;
}

const startsWith = (bytes: Uint8Array, prefix: readonly number[], at = 0): boolean =>
  bytes.length >= at + prefix.length && prefix.every((b, i) => bytes[at + i] === b);
const ZIP = [0x50, 0x4b, 0x03, 0x04];
const ext = (fileName: string): string => fileName.slice(fileName.lastIndexOf('.') + 1).toLowerCase();

const ONNX_EXPORT =
  'export it to ONNX with torch.onnx.export(model.eval(), example_input, "model.onnx", dynamo=True) ' +
  '(dynamic batch: dynamic_shapes) and upload model.onnx';

const UNSUPPORTED: readonly UnsupportedFormat[] = [
  {
    name: 'a PyTorch checkpoint (.pt/.pth: pickled Python objects, which cannot be loaded safely or run outside Python)',
    matches: (n, b) => ['pt', 'pth', 'ckpt'].includes(ext(n)) || (startsWith(b, [0x80]) && ext(n) === 'bin'),
    howToConvert: ONNX_EXPORT,
  },
  {
    name: 'a TorchScript archive',
    matches: (n, b) => ext(n) === 'ptl' || (startsWith(b, ZIP) && /\.(zip|torchscript)$/i.test(n)),
    howToConvert: ONNX_EXPORT,
  },
  {
    name: 'a TensorFlow SavedModel (saved_model.pb)',
    matches: (n) => n === 'saved_model.pb' || n.endsWith('/saved_model.pb') || ext(n) === 'pb',
    howToConvert:
      'convert it to a TF.js Graph model with `tensorflowjs_converter --input_format=tf_saved_model --signature_name=serving_default <saved_model_dir> <out_dir>` ' +
      'and upload <out_dir> (model.json and its shards), or export it to ONNX with tf2onnx',
  },
  {
    name: 'a TensorFlow Lite flatbuffer',
    matches: (n, b) => ext(n) === 'tflite' || startsWith(b, [0x54, 0x46, 0x4c, 0x33], 4),
    howToConvert: 'upload the model it was converted from (SavedModel converted with tensorflowjs_converter, Keras .keras/.h5, or ONNX)',
  },
  {
    name: 'a safetensors file (weights only, no graph to run)',
    matches: (n) => ext(n) === 'safetensors',
    howToConvert: `load the weights into their model in PyTorch, then ${ONNX_EXPORT}`,
  },
  {
    name: 'a Core ML model',
    matches: (n) => ['mlmodel', 'mlpackage'].includes(ext(n)),
    howToConvert: 'upload the model it was converted from (ONNX, Keras or a TF.js model)',
  },
  {
    name: 'a TensorRT engine (compiled for one GPU; no portable graph)',
    matches: (n) => ['engine', 'plan', 'trt'].includes(ext(n)),
    howToConvert: 'upload the ONNX model the engine was built from',
  },
  {
    name: 'a pickled scikit-learn or Python object',
    matches: (n) => ['pkl', 'pickle', 'joblib'].includes(ext(n)),
    howToConvert: 'only neural-network classifiers are supported: upload an ONNX, Keras or TF.js model',
  },
];

/** What the upload is and how to convert it, when it is a known model format the engine cannot run. */
export function describeUnsupported(files: ArtifactFiles): string | undefined {
  for (const [fileName, bytes] of files) {
    const found = UNSUPPORTED.find((u) => u.matches(fileName, bytes));
    if (found !== undefined) return `${fileName} is ${found.name}: ${found.howToConvert}`;
  }
  return undefined;
}
