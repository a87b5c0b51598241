import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { CONFIG_VARIABLES, ConfigError, loadConfig as sut, loadEngineOptions } from './config.ts';
import { configTable } from './config-table.ts';
import { parseVariable, type Setting } from './config-schema.ts';
import { text } from './config-rules.ts';

test('defaults give a usable configuration', () => {
  const config = sut({}, '/srv/app');
  assert.equal(config.http.port, 4000);
  assert.equal(config.http.publicUrl, 'http://127.0.0.1:4000');
  assert.equal(config.database.url, undefined);
  assert.equal(config.dataDir, '/srv/app/.fragmark');
  assert.equal(config.environment, 'production');
  assert.equal(config.graphql.introspection, false);
  assert.ok(Object.isFrozen(config.http));
  assert.deepEqual(config.http.authFailures, { limit: 10, windowSeconds: 60 });
  assert.equal(config.graphql.maxTokens, 5000);
  assert.deepEqual([config.database.poolSize, config.database.poolTimeoutMs], [10, 5000]);
  assert.equal(config.artifacts.candidateTtlHours, 168);
  assert.deepEqual(config.metrics, { enabled: false, allow: ['127.0.0.1/32', '::1/128'], workerPort: undefined, workerHost: '127.0.0.1' });
});

test('metrics settings are parsed', () => {
  const config = sut({ FRAGMARK_METRICS: 'true', FRAGMARK_METRICS_ALLOW: '10.0.5.17, fd00::/8', FRAGMARK_METRICS_PORT: '9464', FRAGMARK_METRICS_HOST: '0.0.0.0' });
  assert.deepEqual(config.metrics, { enabled: true, allow: ['10.0.5.17/32', 'fd00::/8'], workerPort: 9464, workerHost: '0.0.0.0' });
});

test('values from the environment are parsed', () => {
  const config = sut(
    { FRAGMARK_PORT: '8080', FRAGMARK_ENV: 'development', DATABASE_URL: 'postgresql://u:p@db:5432/fm', FRAGMARK_DATA_DIR: '/var/lib/fm' },
    '/srv/app',
  );
  assert.equal(config.http.port, 8080);
  assert.equal(config.database.url, 'postgresql://u:p@db:5432/fm');
  assert.equal(config.dataDir, '/var/lib/fm');
  assert.equal(config.graphql.introspection, true);
});

const bad: Array<[Record<string, string>, string]> = [
  [{ FRAGMARK_PORT: 'eighty' }, 'FRAGMARK_PORT'],
  [{ FRAGMARK_PORT: '70000' }, 'FRAGMARK_PORT'],
  [{ FRAGMARK_ENV: 'staging' }, 'FRAGMARK_ENV'],
  [{ FRAGMARK_LOG_LEVEL: 'loud' }, 'FRAGMARK_LOG_LEVEL'],
  [{ DATABASE_URL: 'mysql://x/y' }, 'DATABASE_URL'],
  [{ DATABASE_URL: 'postgresql://host' }, 'DATABASE_URL'],
  [{ FRAGMARK_MAX_BODY_BYTES: '-5' }, 'FRAGMARK_MAX_BODY_BYTES'],
  [{ FRAGMARK_INTROSPECTION: 'maybe' }, 'FRAGMARK_INTROSPECTION'],
  [{ FRAGMARK_PUBLIC_URL: 'ftp://x' }, 'FRAGMARK_PUBLIC_URL'],
  [{ FRAGMARK_WASM_THREADS: '9' }, 'FRAGMARK_WASM_THREADS'],
  [{ FRAGMARK_WASM_THREADS: 'all' }, 'FRAGMARK_WASM_THREADS'],
  [{ FRAGMARK_ENGINE_MEMORY_BUDGET_MB: '32' }, 'FRAGMARK_ENGINE_MEMORY_BUDGET_MB'],
  [{ FRAGMARK_ENGINE_MEMORY_BUDGET_MB: '4096' }, 'FRAGMARK_ENGINE_MEMORY_BUDGET_MB'],
  [{ FRAGMARK_AUTH_FAILURE_LIMIT: '-1' }, 'FRAGMARK_AUTH_FAILURE_LIMIT'],
  [{ FRAGMARK_AUTH_FAILURE_WINDOW_SECONDS: '0' }, 'FRAGMARK_AUTH_FAILURE_WINDOW_SECONDS'],
  [{ FRAGMARK_MAX_QUERY_TOKENS: '10' }, 'FRAGMARK_MAX_QUERY_TOKENS'],
  [{ FRAGMARK_DB_POOL_SIZE: '0' }, 'FRAGMARK_DB_POOL_SIZE'],
  [{ FRAGMARK_DB_POOL_TIMEOUT_MS: 'soon' }, 'FRAGMARK_DB_POOL_TIMEOUT_MS'],
  [{ FRAGMARK_CANDIDATE_TTL_HOURS: '0' }, 'FRAGMARK_CANDIDATE_TTL_HOURS'],
  [{ FRAGMARK_METRICS: 'yes please' }, 'FRAGMARK_METRICS'],
  [{ FRAGMARK_METRICS_ALLOW: '10.0.0.1/8' }, 'FRAGMARK_METRICS_ALLOW'],
  [{ FRAGMARK_METRICS_PORT: '65536' }, 'FRAGMARK_METRICS_PORT'],
  [{ FRAGMARK_METRICS_PORT: '65535', FRAGMARK_WORKERS: '2' }, 'FRAGMARK_METRICS_PORT'],
];
for (const [env, variable] of bad) {
  test(`a bad ${variable} stops start-up with a message naming it`, () => {
    assert.throws(
      () => sut(env),
      (error: unknown) => error instanceof ConfigError && error.variable === variable && error.message.includes(variable),
    );
  });
}

test('a bad DATABASE_URL is never echoed (it may hold a password)', () => {
  assert.throws(() => sut({ DATABASE_URL: 'mysql://admin:hunter2@x/y' }), (error: Error) => !error.message.includes('hunter2'));
});

// Generated from the schema: a variable added to it is covered without a new line here.

test('every default parses by its own rule', () => {
  for (const variable of CONFIG_VARIABLES.filter((v) => v.default !== undefined)) {
    assert.doesNotThrow(() => sut({ [variable.name]: variable.default }), variable.name);
  }
  assert.ok(CONFIG_VARIABLES.filter((v) => v.default !== undefined).length >= 40);
});

test('every integer variable accepts its bounds and refuses one past each, naming itself', () => {
  const integers = CONFIG_VARIABLES.filter((v) => v.bounds !== undefined);
  assert.ok(integers.length >= 35, `${integers.length} integer variables`);
  for (const { name, bounds } of integers) {
    const { min, max } = bounds!;
    for (const accepted of [min, max]) assert.doesNotThrow(() => sut({ [name]: String(accepted) }), `${name}=${accepted}`);
    for (const refused of [min - 1, max + 1]) {
      assert.throws(
        () => sut({ [name]: String(refused) }),
        (error: unknown) => error instanceof ConfigError && error.variable === name && error.message.includes(`${name} must be between ${min} and ${max}`),
        `${name}=${refused}`,
      );
    }
    assert.throws(() => sut({ [name]: 'many' }), (error: unknown) => error instanceof ConfigError && error.variable === name && /must be a whole number/.test(error.message), name);
  }
});

test('a secret is cut out of any error message, whatever its rule says', () => {
  const echoing: Setting<string> = {
    rule: { ...text('x'), parse: (value, name) => { throw new ConfigError(name, `is wrong: "${value}"`); } },
    default: 'unused',
    description: '',
    secret: true,
  };
  assert.throws(
    () => parseVariable('SOME_SECRET', echoing, { SOME_SECRET: 's3cr3t-value' }, { cwd: '/' }),
    (error: unknown) => error instanceof ConfigError && error.variable === 'SOME_SECRET' && !error.message.includes('s3cr3t-value') && error.message.includes('(value hidden)'),
  );
  assert.deepEqual(CONFIG_VARIABLES.filter((v) => v.secret).map((v) => v.name), ['DATABASE_URL', 'FRAGMARK_MASTER_KEY']);
});

test('the README configuration table is the one generated from the schema (npm run docs:config)', () => {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  assert.ok(readme.includes(configTable() + '\n'), 'README.md\'s configuration table is stale: run npm run docs:config');
  for (const variable of CONFIG_VARIABLES) {
    const row = readme.split('\n').find((line) => line.startsWith(`| \`${variable.name}\``));
    assert.ok(row?.includes(`| ${variable.allowed} |`), `README row of ${variable.name} states what it accepts`);
  }
});

test('tables in docs/*.md that restate a variable\'s default state the schema\'s', () => {
  const docs = new URL('../../docs/', import.meta.url);
  const defaults = new Map(CONFIG_VARIABLES.map((v) => [v.name as string, v.default === undefined ? '(unset)' : v.default]));
  let checked = 0;
  for (const file of readdirSync(docs).filter((name) => name.endsWith('.md'))) {
    let defaultColumn = false; // in a table whose second column is "Default"
    for (const line of readFileSync(new URL(file, docs), 'utf8').split('\n')) {
      if (!line.startsWith('|')) defaultColumn = false;
      else if (/^\| [^|`]+ \| Default \|/.test(line)) defaultColumn = true;
      const row = /^\| `([A-Z_]+)` \| ([^|]+) \|/.exec(line);
      if (!defaultColumn || !row || !defaults.has(row[1]!)) continue;
      assert.equal(row[2]!.trim().replace(/^`|`$/g, ''), defaults.get(row[1]!), `docs/${file}: ${line}`);
      checked += 1;
    }
  }
  assert.ok(checked >= 8, `${checked} rows checked`);
});

test('the engine options alone: backend and wasm threads by the same rules', () => {
  assert.deepEqual(loadEngineOptions({}), { backend: undefined, wasmThreads: undefined });
  assert.deepEqual(loadEngineOptions({ FRAGMARK_TF_BACKEND: 'cpu', FRAGMARK_WASM_THREADS: '2', DATABASE_URL: 'not a url' }), { backend: 'cpu', wasmThreads: 2 });
  assert.throws(() => loadEngineOptions({ FRAGMARK_WASM_THREADS: '9' }), /FRAGMARK_WASM_THREADS must be between 1 and 8/);
  assert.throws(() => loadEngineOptions({ FRAGMARK_TF_BACKEND: 'tpu' }), /FRAGMARK_TF_BACKEND must be one of node-gpu, node, wasm, cpu/);
});

test('the artifact store: PostgreSQL with DATABASE_URL, a folder on the embedded database, or as FRAGMARK_ARTIFACT_STORE names it', () => {
  const db = { DATABASE_URL: 'postgresql://u:p@db:5432/fm' };
  const store = (env: Record<string, string>) => sut(env, '/srv/app').artifacts;
  assert.deepEqual(store({}), { ...store({}), store: { kind: 'file', dir: '/srv/app/.fragmark/artifacts' }, stagingDir: '/srv/app/.fragmark/artifacts/staging' });
  assert.deepEqual(store(db).store, { kind: 'postgres' });
  assert.equal(store(db).stagingDir, '/srv/app/.fragmark/artifact-staging');
  assert.deepEqual(store({ ...db, FRAGMARK_ARTIFACT_DIR: 'blobs' }).store, { kind: 'file', dir: '/srv/app/blobs' });
  for (const value of ['postgres:', 'db:']) assert.deepEqual(store({ FRAGMARK_ARTIFACT_STORE: value }).store, { kind: 'postgres' });
  for (const value of ['file:/mnt/a', 'file:///mnt/a', '/mnt/a']) assert.deepEqual(store({ ...db, FRAGMARK_ARTIFACT_STORE: value }).store, { kind: 'file', dir: '/mnt/a' });
  assert.deepEqual(store({ FRAGMARK_ARTIFACT_STORE: 's3://models/fragmark/prod?region=eu-west-1&endpoint=https://minio.internal:9000&forcePathStyle=true' }).store, {
    kind: 's3',
    bucket: 'models',
    prefix: 'fragmark/prod/',
    region: 'eu-west-1',
    endpoint: 'https://minio.internal:9000',
    forcePathStyle: true,
  });
  assert.equal((store({ FRAGMARK_ARTIFACT_STORE: 's3://models' }).store as { prefix: string }).prefix, '');
  for (const value of ['ftp://x/y', 's3://Bad_Bucket/x', 's3://key:secret@models/x', 's3://models/x?acl=public', 'file:', 'postgresql://other/db']) {
    assert.throws(() => store({ FRAGMARK_ARTIFACT_STORE: value }), (e: unknown) => e instanceof ConfigError && e.variable === 'FRAGMARK_ARTIFACT_STORE' && !e.message.includes('secret'), value);
  }
  assert.throws(() => store({ FRAGMARK_ARTIFACT_STORE: 'postgres:', FRAGMARK_ARTIFACT_DIR: '/x' }), /set only one/);
});
