/**
 * What the Keras reader knows of one Keras layer class: which config keys TF.js reads with the
 * same meaning, and which Keras keys TF.js lacks but that are harmless at one value.
 *
 * TF.js deserialisation ignores config keys it does not know, so a Keras option that TF.js does
 * not implement (Conv2D `groups`, LayerNormalization `rms_scaling`, ReLU `threshold`...) would be
 * dropped silently and the model would compute something else. Every key of a layer's config must
 * therefore be listed here (kept, renamed, inert at its default, or training-only); any other key
 * refuses the model, naming the layer and the key.
 */
export interface InertKey {
  /** Whether the value computes what TF.js computes without the key (the Keras default). */
  readonly ok: (value: unknown) => boolean;
  /** The accepted value, for messages. */
  readonly expected: string;
}

export interface LayerRule {
  /** Config keys TF.js reads with Keras's meaning, passed on unchanged (snake_case, as in the file). */
  readonly keep: readonly string[];
  /** Keras keys that TF.js spells otherwise (Keras 3 name -> TF.js name). */
  readonly rename?: Readonly<Record<string, string>>;
  /** Keras keys TF.js lacks, accepted only where they change nothing; dropped. */
  readonly inert?: Readonly<Record<string, InertKey>>;
  /** Keys only training reads (dropout seeds, momentum); dropped. */
  readonly trainingOnly?: readonly string[];
}

export const isNullish: InertKey = { ok: (v) => v === null || v === undefined, expected: 'null' };
export const isFalse: InertKey = { ok: (v) => v === false || v === undefined, expected: 'false' };
export const isZero: InertKey = { ok: (v) => v === 0 || v === undefined, expected: '0' };
export const isOne: InertKey = { ok: (v) => v === 1 || v === undefined, expected: '1' };
export function isValue(value: unknown): InertKey {
  return { ok: (v) => v === value || v === undefined, expected: JSON.stringify(value) };
}
