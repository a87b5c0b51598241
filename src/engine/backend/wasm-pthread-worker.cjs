// Pthread worker script for the threaded TF.js wasm build under Node (see wasm-threads.ts).
// TF.js ships this script only as a string for a browser Blob URL, which Node's Worker refuses;
// Node needs a file, so this file evaluates that string. Its "\n" escapes were turned into real
// newlines when the string was built; tfjs undoes that before making the Blob, and so do we.
const { wasmWorkerContents } = require('@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.worker.js');

eval(wasmWorkerContents.replace(/\n/g, '\\n'));
