/** What an endpoint is sent for a trigger set: float32 values or 8-bit levels, optionally a subset. */
import { domainFromJson, EngineError, gatherTriggers, toLevels, type TriggerSet } from '../engine/index.ts';

/**
 * What the endpoint is sent: the stored float32 values, or for a UINT8 endpoint their 8-bit levels
 * (only triggers generated on a UINT8 input domain have them).
 */
export function endpointInputs(set: TriggerSet, format: 'FLOAT32' | 'UINT8', indices?: readonly number[]): Float32Array | Uint8Array {
  const data = indices === undefined ? set.data : gatherTriggers(set, indices);
  if (format === 'FLOAT32') return data;
  const domain = domainFromJson(set.metadata.inputDomain);
  if (domain.encoding !== 'UINT8') {
    throw new EngineError('INVALID_ARGUMENT', 'This endpoint takes 8-bit inputs, but the watermark\'s triggers are float32 values: watermark the version again (its input domain is UINT8) or register the endpoint with inputFormat FLOAT32.');
  }
  return toLevels(domain, data);
}
