/**
 * Regenerates the OpenSSF model signature fixtures in test/fixtures/oms/ (README there):
 *
 *   npx tsx scripts/make-oms-fixtures.ts [--new-key]
 *
 * Signs the committed reference models as `model_signing sign key fixtures/<model> --private-key <key>
 * --ignore-paths fixtures/<model>/README.md` would (model_signing, a Python package, cannot be
 * installed on this project's machines: test/support/oms-signer.ts follows its code and was
 * cross-checked against its v1.1.0 reference bundle). The P-384 key pair is made once (or anew
 * with --new-key) and is for tests only. The keyless fixture holds the same envelope with a
 * self-signed certificate (made with the openssl command) in place of the key hint, the shape of
 * a Sigstore keyless bundle. ECDSA signatures are randomised: every run writes new bytes.
 */
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { signModelFolder } from '../test/support/oms-signer.ts';

const OUT = 'test/fixtures/oms';
const PRIVATE = path.join(OUT, 'TEST-ONLY-p384-private-key.pem');
const PUBLIC = path.join(OUT, 'TEST-ONLY-p384-public-key.pem');
const { values } = parseArgs({ options: { 'new-key': { type: 'boolean', default: false } } });

if (values['new-key'] || !existsSync(PRIVATE)) {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'secp384r1' });
  await writeFile(PRIVATE, privateKey.export({ format: 'pem', type: 'pkcs8' }) as string, { mode: 0o600 });
  await writeFile(PUBLIC, publicKey.export({ format: 'pem', type: 'spki' }) as string);
  console.log(`wrote a new test-only key pair: ${PRIVATE}, ${PUBLIC}`);
}
const privateKeyPem = await readFile(PRIVATE, 'utf8');

for (const model of ['mnist-cnn', 'mnist-resnet']) {
  const bundle = await signModelFolder(path.join('fixtures', model), privateKeyPem, ['README.md']);
  await writeFile(path.join(OUT, `${model}.model.sig`), bundle);
  console.log(`wrote ${OUT}/${model}.model.sig`);
}

const scratch = await mkdtemp(path.join(tmpdir(), 'oms-fixtures-'));
try {
  const certificate = path.join(scratch, 'cert.der');
  execFileSync('openssl', ['req', '-x509', '-new', '-key', PRIVATE, '-subj', '/CN=fragmark-test-only', '-days', '1', '-outform', 'DER', '-out', certificate]);
  const signed = JSON.parse(await readFile(path.join(OUT, 'mnist-cnn.model.sig'), 'utf8'));
  const keyless = { ...signed, verificationMaterial: { certificate: { rawBytes: (await readFile(certificate)).toString('base64') }, tlogEntries: [] } };
  await writeFile(path.join(OUT, 'mnist-cnn.keyless.model.sig'), JSON.stringify(keyless));
  console.log(`wrote ${OUT}/mnist-cnn.keyless.model.sig`);
} finally {
  await rm(scratch, { recursive: true, force: true });
}
