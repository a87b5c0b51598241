import { test } from 'node:test';
import assert from 'node:assert/strict';
import { credentialProblem as sut } from './endpoint-url.ts';
import { validateEndpoint } from '../registry/endpoint-spec.ts';
import { DEFAULT_EGRESS_POLICY } from './egress-policy.ts';
import { queryEndpointLabels } from './inference-client.ts';

const domain = { encoding: 'FLOAT32' as const, min: 0, max: 1 };
const REFUSED = ['with space', '', 'x'.repeat(4097), 'tab\there', 'caf\u00e9', 'line\nbreak'];
const ACCEPTED = ['s3cr3t-token_0123', 'x'.repeat(4096), 'a!b#c$d%e&f'];

test('a credential is a Bearer token: printable ASCII without spaces, 1 to 4096 characters', () => {
  for (const credential of REFUSED) assert.ok(sut(credential), JSON.stringify(credential));
  for (const credential of ACCEPTED) assert.equal(sut(credential), null, JSON.stringify(credential));
});

test('the API refuses every credential the inference client would refuse (one rule, not two)', async () => {
  for (const credential of REFUSED) {
    assert.throws(() => validateEndpoint({ url: 'https://models.example.com', protocol: 'KSERVE_V2', credential }, domain, DEFAULT_EGRESS_POLICY), { code: 'INVALID_MODEL_INPUT' }, JSON.stringify(credential));
    // The client refuses it before opening any connection.
    await assert.rejects(
      queryEndpointLabels({ url: 'https://models.example.com', protocol: 'KSERVE_V2', modelName: 'm', credential }, new Float32Array(4), [4], 2),
      { code: 'ENDPOINT_INVALID_REQUEST' },
      JSON.stringify(credential),
    );
  }
  for (const credential of ACCEPTED) validateEndpoint({ url: 'https://models.example.com', protocol: 'KSERVE_V2', credential }, domain, DEFAULT_EGRESS_POLICY);
});
