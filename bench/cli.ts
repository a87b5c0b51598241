/**
 * Start-up time of the `fragmark` command: the compiled build (plain node) against the TypeScript
 * sources through tsx (warm cache, and cold as on a fresh machine), side by side, alternating, with
 * curl making the same request as the reference. The client command is `fragmark monitors list`
 * against a local HTTP server that answers every GraphQL request at once with an authentication
 * error, so what is measured is the command's start, one request and its exit.
 *
 *   npx tsx bench/cli.ts [--runs 10]
 */
import { spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '10' } } });
const runs = Number(values.runs);
const BIN = fileURLToPath(new URL('../bin/fragmark.js', import.meta.url));
const ROOT = fileURLToPath(new URL('..', import.meta.url));

const build = spawnSync(process.execPath, ['scripts/build.mjs', '--if-stale'], { cwd: ROOT, stdio: 'inherit' });
if (build.status !== 0) process.exit(1);

const server = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ errors: [{ message: 'Invalid API key', extensions: { code: 'UNAUTHENTICATED' } }] }));
  });
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

type Variant = { name: string; env: Record<string, string> };
const variants: Variant[] = [
  { name: 'compiled', env: {} },
  { name: 'source, tsx cache warm', env: { FRAGMARK_FROM_SOURCE: '1' } },
  { name: 'source, tsx cache cold', env: { FRAGMARK_FROM_SOURCE: '1', TSX_DISABLE_CACHE: '1' } },
];
const commands: { name: string; args: string[] }[] = [
  { name: 'fragmark --help', args: ['--help'] },
  { name: 'fragmark monitors list (one request)', args: ['monitors', 'list'] },
];

/** Seconds until a child exits (spawned, not spawnSync: the local server must keep answering). */
function timed(command: string, args: string[], env: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const child = spawn(command, args, { env: { ...process.env, FRAGMARK_URL: url, FRAGMARK_API_KEY: 'fmk_bench', ...env }, stdio: 'ignore' });
    child.on('error', reject);
    child.on('exit', () => resolve(Number(process.hrtime.bigint() - t0) / 1e9));
  });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const samples = new Map<string, number[]>();
const add = (key: string, seconds: number) => samples.set(key, [...(samples.get(key) ?? []), seconds]);
const curl = spawnSync('curl', ['--version']).status === 0;
for (let run = 0; run < runs; run++) {
  for (const command of commands) {
    for (const variant of variants) add(`${command.name} | ${variant.name}`, await timed(process.execPath, [BIN, ...command.args], variant.env));
  }
  if (curl) add('curl, the same request | reference', await timed('curl', ['-s', '-o', '/dev/null', '-X', 'POST', '-H', 'content-type: application/json', '--data', '{"query":"{ monitors { id } }"}', `${url}/graphql`], {}));
}
server.close();
console.log(`| command | runs as | median (s) | min (s) | ratio to compiled |`);
console.log(`| --- | --- | --- | --- | --- |`);
for (const [key, xs] of samples) {
  const [command, variant] = key.split(' | ') as [string, string];
  const compiled = samples.get(`${command} | compiled`);
  const ratio = compiled ? (median(xs) / median(compiled)).toFixed(1) + 'x' : '';
  console.log(`| ${command} | ${variant} | ${median(xs).toFixed(3)} | ${Math.min(...xs).toFixed(3)} | ${ratio} |`);
}
