/**
 * The CLI's resource commands against a real server (real HTTP, real PostgreSQL; no worker: the
 * watermark is seeded and the verification is a challenge): tenants, keys, models, versions,
 * watermarks, verifications and endpoints, each with --json parsed and checked, the ids and
 * secrets that create commands print on stdout, role refusals, strict flags and per-command help.
 * Independent commands run in parallel: each spawn costs a Node start.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { startTestApi, type TestApi } from '../support/api.ts';
import { runCli, type CliResult } from '../support/cli.ts';
import { seedReadyWatermark } from '../support/watermark.ts';
import { COMMAND_FLAGS } from '../../src/cli/command-flags.ts';

const ONNX = fileURLToPath(new URL('../fixtures/onnx/mnist/cnn.onnx', import.meta.url));
let api: TestApi;

const as = (key: string) => (...args: string[]) => runCli(args, { FRAGMARK_URL: api.url, FRAGMARK_API_KEY: key });

/** The command's --json object, after checking its exit code. */
function json(result: CliResult, code = 0): any {
  assert.equal(result.code, code, `exit ${result.code}: ${result.stdout}${result.stderr}`);
  return JSON.parse(result.stdout);
}

before(async () => {
  api = await startTestApi();
});
after(async () => {
  await api.close();
});

test('tenants and keys: create, list, revoke, with the secrets on stdout only; tenants are for platform admins', async () => {
  const platform = as(api.adminKey);
  const acme = json(await platform('tenants', 'create', 'Acme Corp', '--slug', 'acme', '--json'));
  assert.equal(acme.tenant.slug, 'acme');
  assert.equal(acme.adminKey.role, 'TENANT_ADMIN');
  assert.match(acme.adminKeySecret, /^fmk_/);
  const human = await platform('tenants', 'create', 'Beta');
  assert.equal(human.code, 0, human.stderr);
  const betaSecret = human.stdout.trim();
  assert.match(betaSecret, /^fmk_\S+$/, 'stdout holds the secret alone, for a script');
  assert.match(human.stderr, /Created tenant Beta \(beta, /);
  assert.ok(!human.stderr.includes(betaSecret), 'the secret is not on stderr');

  const admin = as(acme.adminKeySecret);
  const [tenants, refused, created, byPlatform] = await Promise.all([
    platform('tenants', 'list', '--json'),
    admin('tenants', 'list', '--json'),
    admin('keys', 'create', '--name', 'CI pipeline', '--role', 'operator', '--expires', '2030-01-01T00:00:00Z', '--json'),
    platform('keys', 'create', '--name', 'support', '--role', 'VIEWER', '--tenant-id', acme.tenant.id, '--json'),
  ]);
  const listed = json(tenants);
  assert.deepEqual(listed.tenants.slice(0, 2).map((t: any) => t.slug), ['beta', 'acme'], 'newest first');
  assert.equal(listed.totalCount, 2);
  assert.match(json(refused, 1).error, /^FORBIDDEN: Only platform admins can list tenants/);
  const ci = json(created);
  assert.deepEqual([ci.apiKey.name, ci.apiKey.role, ci.apiKey.expiresAt, ci.apiKey.active], ['CI pipeline', 'OPERATOR', '2030-01-01T00:00:00.000Z', true]);
  assert.match(ci.secret, /^fmk_/);
  assert.equal(json(byPlatform).apiKey.role, 'VIEWER');
  assert.equal(json(await as(ci.secret)('keys', 'list', '--json'), 1).error.split(':')[0], 'FORBIDDEN', 'operators do not list keys');

  const revoked = json(await admin('keys', 'revoke', ci.apiKey.id, '--json'));
  assert.ok(revoked.apiKey.revokedAt);
  const [active, all] = await Promise.all([admin('keys', 'list', '--json'), admin('keys', 'list', '--all', '--json')]);
  assert.deepEqual(json(active).apiKeys.map((k: any) => k.name).sort(), ['First admin key', 'support']);
  assert.deepEqual(json(all).apiKeys.map((k: any) => [k.name, k.active]).sort(), [['CI pipeline', false], ['First admin key', true], ['support', true]]);
  assert.match(json(await as(ci.secret)('models', 'list', '--json'), 1).error, /UNAUTHENTICATED/, 'the revoked key no longer works');
});

test('models, versions, watermarks, verifications and endpoints: register, push, list, show, enroll', async () => {
  const platform = as(api.adminKey);
  const tenant = json(await platform('tenants', 'create', 'Fleet', '--json'));
  const admin = as(tenant.adminKeySecret);
  const operatorKey = json(await admin('keys', 'create', '--name', 'ops', '--role', 'OPERATOR', '--json')).secret;
  const operator = as(operatorKey);

  const registered = await operator('models', 'register', 'digits', '--tags', 'mnist, cnn', '--description', 'The MNIST CNN');
  assert.equal(registered.code, 0, registered.stderr);
  const modelId = registered.stdout.trim();
  assert.match(registered.stderr, new RegExp(`Registered model digits \\(${modelId}\\)`));
  const pushed = await operator('models', 'push', modelId, ONNX, '--version', '1.0.0');
  assert.equal(pushed.code, 0, pushed.stderr);
  const versionId = pushed.stdout.trim();
  assert.match(versionId, /^[0-9a-f-]{36}$/, 'models push prints the version id on stdout');

  const watermark = await seedReadyWatermark({ db: api.database.db, vault: api.vault }, tenant.tenant.id, { triggerCount: 40, modelVersionId: versionId });
  const challenge = await api.gql(`mutation($w: ID!) { createChallenge(input: { watermarkId: $w, size: 4 }) { challenge { id } } }`, { w: watermark.id }, operatorKey);
  const answered = await api.gql(
    `mutation($c: ID!) { answerChallenge(input: { challengeId: $c, labels: [0, 0, 0, 0] }) { verification { id verdict attestation { jti } } userErrors { code } } }`,
    { c: challenge.data.createChallenge.challenge.id },
    operatorKey,
  );
  const verification = answered.data.answerChallenge.verification;

  const endpoint = await admin('endpoints', 'register', versionId, '--name', 'prod', '--endpoint', 'https://serving.example/', '--protocol', 'kserve-v2');
  assert.equal(endpoint.code, 0, endpoint.stderr);
  const endpointId = endpoint.stdout.trim();

  const [models, byTag, model, versions, version, watermarks, shown, verifications, none, verificationShown, endpoints, enrolled, otherTenant] = await Promise.all([
    operator('models', 'list', '--json'),
    operator('models', 'list', '--tag', 'nope', '--json'),
    operator('models', 'show', modelId, '--json'),
    operator('versions', 'list', modelId, '--json'),
    operator('versions', 'show', versionId, '--json'),
    operator('watermarks', 'list', versionId, '--json'),
    operator('watermarks', 'show', watermark.id, '--json'),
    operator('verifications', 'list', '--version', versionId, '--mode', 'challenge', '--since', '1h', '--json'),
    operator('verifications', 'list', '--verdict', 'ERROR', '--json'),
    operator('verifications', 'show', verification.id, '--json'),
    operator('endpoints', 'list', versionId, '--json'),
    operator('endpoints', 'enroll', versionId, '--endpoint-id', endpointId, '--json'),
    as(api.adminKey)('models', 'show', modelId, '--json'),
  ]);
  assert.deepEqual(json(models).models.map((m: any) => [m.id, m.name, m.tags, m.description]), [[modelId, 'digits', ['mnist', 'cnn'], 'The MNIST CNN']]);
  assert.deepEqual(json(byTag), { ok: true, totalCount: 0, models: [] });
  const m = json(model).model;
  assert.deepEqual([m.versionCount, m.versions[0].id, m.versions[0].status, m.latestVerification.id], [1, versionId, 'READY', verification.id]);
  assert.deepEqual(json(versions).versions.map((v: any) => [v.id, v.label, v.format]), [[versionId, '1.0.0', 'ONNX']]);
  const v = json(version).modelVersion;
  assert.deepEqual([v.model.id, v.inputShape, v.inputLayout, v.numClasses, v.endpoints[0].id], [modelId, [1, 28, 28], 'NCHW', 10, endpointId]);
  assert.deepEqual(json(watermarks).watermarks.map((w: any) => [w.id, w.status, w.triggerCount]), [[watermark.id, 'READY', 40]]);
  const w = json(shown).watermark;
  assert.deepEqual([w.modelVersion.id, w.commitment, w.strength.triggers], [versionId, watermark.commitment, 40]);
  assert.ok(!JSON.stringify(w).includes('labels'), 'no trigger data');
  assert.deepEqual(json(verifications).verifications.map((x: any) => [x.id, x.mode, x.attestation.jti]), [[verification.id, 'CHALLENGE', verification.attestation.jti]]);
  assert.equal(json(none).totalCount, 0);
  const s = json(verificationShown).verification;
  assert.deepEqual([s.id, s.verdict, s.triggersQueried, s.watermark.id, s.attestation.jti], [verification.id, verification.verdict, 4, watermark.id, verification.attestation.jti]);
  assert.match(s.attestation.token, /^ey/);
  assert.deepEqual(json(endpoints).endpoints.map((e: any) => [e.id, e.name]), [[endpointId, 'prod']]);
  const enrollment = json(enrolled);
  assert.match(enrollment.enrollmentId, /^[0-9a-f-]{36}$/);
  assert.match(json(otherTenant, 1).error, /^FORBIDDEN: Models belong to tenants/, 'a platform key sees no tenant model');

  // People get rows on stderr; stdout stays empty for list and show commands.
  const [rows, missing] = await Promise.all([operator('verifications', 'list'), operator('watermarks', 'show', '00000000-0000-7000-8000-000000000000')]);
  assert.equal(rows.stdout, '');
  assert.match(rows.stderr, new RegExp(`${verification.id}  \\S+  ${verification.verdict}\\s+\\d/4\\s+CHALLENGE\\s+digits 1\\.0\\.0`));
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /No watermark 00000000-0000-7000-8000-000000000000 in your tenant/);
});

test('strict flags: unknown, valueless, valued switches and repeated flags exit 2 before any request', async () => {
  const cli = as('fmk_not_a_key');
  const results = await Promise.all([
    cli('models', 'list', '--tga', 'mnist', '--json'),
    cli('verifications', 'list', '--first', '--json'),
    cli('tenants', 'list', '--all=yes', '--json'),
    cli('models', 'register', 'x', '--tags', 'a', '--tags', 'b', '--json'),
    cli('models', 'list', '--first', '500', '--json'),
    cli('keys', 'list', 'extra'),
  ]);
  const errors = results.slice(0, 5).map((r) => json(r, 2).error);
  assert.match(errors[0], /fragmark models list does not take --tga; it takes .*--tag,/);
  assert.match(errors[1], /--first needs a value/);
  assert.match(errors[2], /--all is a switch and takes no value/);
  assert.match(errors[3], /--tags is given more than once/);
  assert.match(errors[4], /--first must be a whole number from 1 to 100/);
  assert.equal(results[5]!.code, 2);
  assert.match(results[5]!.stderr, /Unknown command "keys list extra"/);
});

test('--help of a command lists each flag it declares (one command per group here; usage.test.ts checks them all without spawning)', async () => {
  const commands = ['keys create', 'verifications list', 'endpoints enroll'];
  const helps = await Promise.all(commands.map((c) => runCli([...c.split(' '), '--help'])));
  commands.forEach((command, i) => {
    const help = helps[i]!;
    assert.equal(help.code, 0, command);
    assert.ok(help.stdout.startsWith(`Usage: fragmark ${command} `), help.stdout.split('\n')[0]);
    const options = help.stdout.trim().split('\n').at(-1)!;
    for (const flag of [...COMMAND_FLAGS[command]!, 'json', 'help']) assert.match(options, new RegExp(`--${flag}\\b`), `${command} --help lists --${flag}`);
  });
});
