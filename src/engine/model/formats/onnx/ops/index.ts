/** Every supported op (default ONNX domain), merged from the op families. */
import { activationOps } from './activation.ts';
import { convOps } from './conv.ts';
import { elementwiseOps } from './elementwise.ts';
import { matmulOps } from './matmul.ts';
import { normalizationOps } from './normalization.ts';
import { poolOps } from './pool.ts';
import { reduceOps } from './reduce.ts';
import type { OpImpl } from './registry.ts';
import { shapeOps } from './shape.ts';

export const OPS: ReadonlyMap<string, OpImpl> = new Map(
  Object.entries({ ...activationOps, ...convOps, ...elementwiseOps, ...matmulOps, ...normalizationOps, ...poolOps, ...reduceOps, ...shapeOps }),
);
