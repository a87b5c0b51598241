/**
 * A model version's input domain (src/engine/serving/input-domain.ts): parsed once from API input,
 * stored as three columns, read back as the engine's type. Versions made before domains existed
 * have null bounds and are unbounded FLOAT32.
 */
import type { InputEncoding, ModelVersion } from '../db/generated/client.ts';
import { DEFAULT_INPUT_DOMAIN, domainToJson, isEngineError, UNBOUNDED_DOMAIN, validateInputDomain, type InputDomain } from '../engine/index.ts';
import { RegistryError } from './registry.errors.ts';

export interface InputDomainInput {
  min: number;
  max: number;
  encoding?: InputEncoding | null;
}

/** The domain asked for at createModelVersion (default [0, 1] FLOAT32), or INVALID_MODEL_INPUT. */
export function parseInputDomain(input: InputDomainInput | null | undefined): InputDomain {
  if (input === null || input === undefined) return DEFAULT_INPUT_DOMAIN;
  try {
    return validateInputDomain({ min: input.min, max: input.max, encoding: input.encoding ?? 'FLOAT32' });
  } catch (error) {
    if (isEngineError(error, 'INVALID_ARGUMENT')) throw new RegistryError('INVALID_MODEL_INPUT', `inputDomain: ${error.message}.`, ['input', 'inputDomain']);
    throw error;
  }
}

export function domainColumns(domain: InputDomain): Pick<ModelVersion, 'inputMin' | 'inputMax' | 'inputEncoding'> {
  const json = domainToJson(domain);
  return { inputMin: json.min, inputMax: json.max, inputEncoding: json.encoding };
}

export function versionInputDomain(version: Pick<ModelVersion, 'inputMin' | 'inputMax' | 'inputEncoding'>): InputDomain {
  if (version.inputMin === null || version.inputMax === null) return UNBOUNDED_DOMAIN;
  return validateInputDomain({ min: version.inputMin, max: version.inputMax, encoding: version.inputEncoding });
}
