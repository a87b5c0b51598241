import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isEngineError } from '../errors.ts';
import {
  domainFromJson,
  domainToJson,
  firstOutsideDomain,
  levelValue,
  projectToDomain,
  shareAtLimits,
  toLevels,
  UNBOUNDED_DOMAIN,
  validateInputDomain,
} from './input-domain.ts';

const IMAGE = { min: 0, max: 1, encoding: 'UINT8' } as const;

test('UINT8 levels are q / 255 rounded once to float32, and values map back to their level', () => {
  for (let q = 0; q < 256; q++) assert.equal(levelValue(IMAGE, q), Math.fround(q / 255));
  const values = projectToDomain(IMAGE, Float32Array.from([-3, 0.5, 0.50196, 2, 1 / 255]));
  assert.deepEqual(Array.from(toLevels(IMAGE, values)), [0, 128, 128, 255, 1]);
  assert.equal(firstOutsideDomain(IMAGE, values), -1);
  assert.equal(firstOutsideDomain(IMAGE, Float32Array.from([0, 0.3])), 1, '0.3 is not on the grid');
  assert.throws(() => toLevels(IMAGE, Float32Array.from([0.3])), (e) => isEngineError(e, 'INVALID_ARGUMENT'));
  const shifted = { min: -1, max: 1, encoding: 'UINT8' } as const;
  assert.equal(levelValue(shifted, 0), -1);
  assert.equal(levelValue(shifted, 255), 1);
});

test('FLOAT32 domains clamp, and report the share of values at their limits', () => {
  const d = validateInputDomain({ min: -1, max: 1, encoding: 'FLOAT32' });
  const v = projectToDomain(d, Float32Array.from([-5, 0.25, 5, 1]));
  assert.deepEqual(Array.from(v), [-1, 0.25, 1, 1]);
  assert.equal(shareAtLimits(d, v), 0.75);
  assert.equal(firstOutsideDomain(d, Float32Array.from([0, 1.5])), 1);
  assert.equal(shareAtLimits(UNBOUNDED_DOMAIN, v), 0);
});

test('refuses domains that cannot be served: reversed, non-finite, too wide, or unknown encodings', () => {
  const bad = [
    { min: 1, max: 0, encoding: 'FLOAT32' },
    { min: 0, max: 0, encoding: 'UINT8' },
    { min: 0, max: Number.NaN, encoding: 'FLOAT32' },
    { min: 0, max: Number.POSITIVE_INFINITY, encoding: 'FLOAT32' },
    { min: Number.NEGATIVE_INFINITY, max: Number.POSITIVE_INFINITY, encoding: 'UINT8' },
    { min: 0, max: 1e9, encoding: 'FLOAT32' },
    { min: 0, max: 0.1, encoding: 'INT4' },
    { min: 0, max: 1e-40, encoding: 'UINT8' },
  ];
  for (const d of bad) assert.throws(() => validateInputDomain(d as never), (e) => isEngineError(e, 'INVALID_ARGUMENT'), JSON.stringify(d));
});

test('JSON form round-trips, with null bounds for the legacy unbounded domain', () => {
  assert.deepEqual(domainToJson(UNBOUNDED_DOMAIN), { min: null, max: null, encoding: 'FLOAT32' });
  assert.equal(domainFromJson(undefined), UNBOUNDED_DOMAIN);
  assert.deepEqual(domainFromJson(domainToJson(IMAGE)), IMAGE);
});
