/**
 * The offline OMS check against the committed fixtures (test/fixtures/oms, made as
 * `model_signing sign key` makes them) and bundles signed here with other keys.
 */
import assert from 'node:assert/strict';
import { createHash, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import type { StoredFile } from '../artifacts/artifact-manifest.ts';
import { omsStatement, signOmsPayload, signOmsStatement, type OmsFile } from '../../../test/support/oms-signer.ts';
import { ModelSigningError, type ModelSigningErrorCode } from './model-signing.errors.ts';
import { MAX_BUNDLE_BYTES } from './oms-bundle.ts';
import { parseSigningPublicKey } from './public-key.ts';
import { verifyOmsSignature as sut } from './verify-oms-signature.ts';

const FIXTURES = new URL('../../../test/fixtures/oms/', import.meta.url);
const fixture = (name: string) => readFileSync(new URL(name, FIXTURES), 'utf8');
const PRIVATE = fixture('TEST-ONLY-p384-private-key.pem');
const KEY = parseSigningPublicKey(fixture('TEST-ONLY-p384-public-key.pem'));

/** The artifact manifest of fixtures/mnist-cnn as an upload records it (README.md is not uploaded). */
function filesOf(model: string, names = ['model.json', 'weights.bin']): StoredFile[] {
  return names.map((name) => {
    const bytes = readFileSync(new URL(`../../../fixtures/${model}/${name}`, import.meta.url));
    return { name, sha256: createHash('sha256').update(bytes).digest('hex'), size: bytes.byteLength };
  });
}
const CNN = filesOf('mnist-cnn');

function refusedWith(code: ModelSigningErrorCode, pattern: RegExp = /./) {
  return (e: unknown) => {
    assert.ok(e instanceof ModelSigningError, String(e));
    assert.equal(e.code, code, e.message);
    assert.match(e.message, pattern);
    return true;
  };
}

const pemOf = (key: KeyObject) => key.export({ format: 'pem', type: 'spki' }) as string;
const privatePemOf = (key: KeyObject) => key.export({ format: 'pem', type: 'pkcs8' }) as string;
const edit = (bundle: string, change: (b: any) => void) => {
  const parsed = JSON.parse(bundle);
  change(parsed);
  return JSON.stringify(parsed);
};
const payloadOf = (bundle: string) => JSON.parse(Buffer.from(JSON.parse(bundle).dsseEnvelope.payload, 'base64').toString('utf8'));
const files = (...names: string[]): OmsFile[] => names.map((name) => ({ name, bytes: new TextEncoder().encode(`bytes of ${name}`) }));
const stored = (list: OmsFile[]): StoredFile[] => list.map((f) => ({ name: f.name, sha256: createHash('sha256').update(f.bytes).digest('hex'), size: f.bytes.byteLength }));

describe('verifyOmsSignature', () => {
  it('accepts the model_signing-style P-384 bundle of fixtures/mnist-cnn for its uploaded files', () => {
    const result = sut(fixture('mnist-cnn.model.sig'), KEY, CNN);
    assert.equal(result.files, 2);
    assert.equal(result.rootDigest, payloadOf(fixture('mnist-cnn.model.sig')).subject[0].digest.sha256);
    assert.equal(result.bundleSha256, createHash('sha256').update(fixture('mnist-cnn.model.sig')).digest('hex'));
  });

  it('accepts bundles signed with P-256, P-521 and Ed25519 keys, and folders with sub-folders', () => {
    const model = files('model.json', 'shards/b.bin', 'shards/a.bin', 'shards-x.bin');
    for (const pair of [generateKeyPairSync('ec', { namedCurve: 'P-256' }), generateKeyPairSync('ec', { namedCurve: 'P-521' }), generateKeyPairSync('ed25519')]) {
      const bundle = signOmsStatement(omsStatement(model, { modelName: 'm' }), privatePemOf(pair.privateKey));
      assert.equal(sut(bundle, parseSigningPublicKey(pemOf(pair.publicKey)), stored(model)).files, 4);
    }
  });

  it('refuses a bundle whose payload was edited (a digest swapped for the uploaded file\'s)', () => {
    const tampered = edit(fixture('mnist-resnet.model.sig'), (b) => {
      const statement = payloadOf(fixture('mnist-resnet.model.sig'));
      statement.predicate.resources = CNN.map((f) => ({ name: f.name, algorithm: 'sha256', digest: f.sha256 }));
      b.dsseEnvelope.payload = Buffer.from(JSON.stringify(statement, null, 2)).toString('base64');
    });
    assert.throws(() => sut(tampered, KEY, CNN), refusedWith('MODEL_SIGNATURE_INVALID', /altered, or signed with another key/));
    const retyped = edit(fixture('mnist-cnn.model.sig'), (b) => (b.dsseEnvelope.payloadType = 'application/json'));
    assert.throws(() => sut(retyped, KEY, CNN), refusedWith('MODEL_SIGNATURE_INVALID'), 'the payload type is signed too (DSSE PAE)');
  });

  it('refuses a bundle checked with another key: by its key hint, or by its signature when it has no hint', () => {
    const other = parseSigningPublicKey(pemOf(generateKeyPairSync('ec', { namedCurve: 'P-384' }).publicKey));
    assert.throws(() => sut(fixture('mnist-cnn.model.sig'), other, CNN), refusedWith('MODEL_SIGNATURE_KEY_MISMATCH', /another key/));
    const noHint = edit(fixture('mnist-cnn.model.sig'), (b) => (b.verificationMaterial.publicKey = {}));
    assert.throws(() => sut(noHint, other, CNN), refusedWith('MODEL_SIGNATURE_INVALID'));
    assert.equal(sut(noHint, KEY, CNN).files, 2, 'bundles of model_signing before 1.1 carry no hint');
  });

  it('refuses a signature of other files, naming the first file that differs', () => {
    assert.throws(() => sut(fixture('mnist-resnet.model.sig'), KEY, CNN), refusedWith('MODEL_SIGNATURE_DIGEST_MISMATCH', /"model\.json" does not match the signature: signed sha256 [0-9a-f]{64}, uploaded [0-9a-f]{64}/));
    const extra = [...CNN, { name: 'notes.txt', sha256: '0'.repeat(64), size: 1 }];
    assert.throws(() => sut(fixture('mnist-cnn.model.sig'), KEY, extra), refusedWith('MODEL_SIGNATURE_DIGEST_MISMATCH', /uploaded file "notes\.txt" is not covered/));
    assert.throws(() => sut(fixture('mnist-cnn.model.sig'), KEY, CNN.slice(0, 1)), refusedWith('MODEL_SIGNATURE_DIGEST_MISMATCH', /covers "weights\.bin", which is not in the version's artifact/));
  });

  it('refuses a keyless (certificate) bundle, saying that it needs the network', () => {
    assert.throws(() => sut(fixture('mnist-cnn.keyless.model.sig'), KEY, CNN), refusedWith('MODEL_SIGNATURE_KEYLESS', /Fulcio.*Rekor.*network.*model_signing sign key/));
    const chain = edit(fixture('mnist-cnn.keyless.model.sig'), (b) => (b.verificationMaterial = { x509CertificateChain: { certificates: [b.verificationMaterial.certificate] }, tlogEntries: [] }));
    assert.throws(() => sut(chain, KEY, CNN), refusedWith('MODEL_SIGNATURE_KEYLESS'));
  });

  it('refuses malformed input with a reason, and oversize input before parsing it', () => {
    const valid = fixture('mnist-cnn.model.sig');
    assert.throws(() => sut('{"mediaType":', KEY, CNN), refusedWith('MODEL_SIGNATURE_MALFORMED', /not JSON/));
    assert.throws(() => sut('[1]', KEY, CNN), refusedWith('MODEL_SIGNATURE_MALFORMED', /JSON object/));
    assert.throws(() => sut(edit(valid, (b) => (b.mediaType = 'application/vnd.dev.sigstore.bundle+json;version=0.1')), KEY, CNN), refusedWith('MODEL_SIGNATURE_MALFORMED', /mediaType is "application/));
    assert.throws(() => sut(edit(valid, (b) => delete b.verificationMaterial), KEY, CNN), refusedWith('MODEL_SIGNATURE_MALFORMED', /no verificationMaterial/));
    assert.throws(() => sut(edit(valid, (b) => delete b.dsseEnvelope), KEY, CNN), refusedWith('MODEL_SIGNATURE_MALFORMED', /content/));
    assert.throws(() => sut(edit(valid, (b) => (b.dsseEnvelope.signatures = [])), KEY, CNN), refusedWith('MODEL_SIGNATURE_MALFORMED', /dsseEnvelope\.signatures/));
    assert.throws(() => sut(edit(valid, (b) => (b.dsseEnvelope.payload = 12)), KEY, CNN), refusedWith('MODEL_SIGNATURE_MALFORMED'));
    assert.throws(() => sut(edit(valid, (b) => (b.messageSignature = { signature: 'AA==' })), KEY, CNN), refusedWith('MODEL_SIGNATURE_UNSUPPORTED', /DSSE/));
    assert.throws(() => sut(valid + ' '.repeat(MAX_BUNDLE_BYTES), KEY, CNN), refusedWith('MODEL_SIGNATURE_TOO_LARGE', /65536 bytes/));
    assert.throws(() => sut(`"${'é'.repeat(MAX_BUNDLE_BYTES / 2)}"`, KEY, CNN), refusedWith('MODEL_SIGNATURE_TOO_LARGE'), 'counted in UTF-8 bytes, before JSON.parse');
  });

  it('reads the statement only once signed, and refuses what is not an OMS v1.0 file signature', () => {
    const sign = (change: (s: any) => void, model = files('model.json')) => {
      const statement = omsStatement(model, { modelName: 'm' });
      change(statement);
      return signOmsStatement(statement, PRIVATE);
    };
    const model = stored(files('model.json'));
    assert.throws(() => sut(sign((s) => (s.predicateType = 'https://slsa.dev/provenance/v1')), KEY, model), refusedWith('MODEL_SIGNATURE_UNSUPPORTED', /predicateType/));
    assert.throws(() => sut(sign((s) => (s.predicateType = 'https://model_signing/Digests/v0.1')), KEY, model), refusedWith('MODEL_SIGNATURE_UNSUPPORTED', /before 1\.0/));
    assert.throws(() => sut(sign((s) => (s.predicate.serialization.method = 'shards')), KEY, model), refusedWith('MODEL_SIGNATURE_UNSUPPORTED', /shards/));
    assert.throws(() => sut(sign((s) => (s.predicate.serialization.hash_type = 'blake2')), KEY, model), refusedWith('MODEL_SIGNATURE_UNSUPPORTED', /SHA-256/));
    assert.throws(() => sut(sign((s) => (s.predicate.resources[0].algorithm = 'blake3')), KEY, model), refusedWith('MODEL_SIGNATURE_UNSUPPORTED', /SHA-256/));
    assert.throws(() => sut(sign((s) => (s._type = 'https://in-toto.io/Statement/v0.1')), KEY, model), refusedWith('MODEL_SIGNATURE_MALFORMED', /_type/));
    assert.throws(() => sut(sign((s) => s.subject.push(s.subject[0])), KEY, model), refusedWith('MODEL_SIGNATURE_MALFORMED', /exactly one subject/));
    assert.throws(() => sut(sign((s) => (s.subject[0].digest.sha256 = 'ab'.repeat(32))), KEY, model), refusedWith('MODEL_SIGNATURE_MALFORMED', /inconsistent/));
    assert.throws(() => sut(sign((s) => s.predicate.resources.push(s.predicate.resources[0])), KEY, model), refusedWith('MODEL_SIGNATURE_MALFORMED', /twice/));
    assert.throws(() => sut(sign((s) => (s.predicate.resources[0].digest = 'xyz')), KEY, model), refusedWith('MODEL_SIGNATURE_MALFORMED', /not a SHA-256/));
    assert.throws(() => sut(signOmsPayload(Buffer.from([0xff, 0xfe, 0x7b]), PRIVATE), KEY, model), refusedWith('MODEL_SIGNATURE_MALFORMED', /UTF-8 JSON/));
  });
});
