/** `npm run demo` in its reduced form (tiny model, few steps), so the demo cannot rot. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCli } from '../support/cli.ts';

const SCRIPT = fileURLToPath(new URL('../../scripts/demo.ts', import.meta.url));

test('the demo runs end to end, cleans up, and writes its report', async () => {
  const out = await mkdtemp(path.join(tmpdir(), 'fragmark-demo-report-'));
  const before = new Set((await readdir(tmpdir())).filter((n) => n.startsWith('fragmark-demo-') && !n.startsWith('fragmark-demo-report')));
  try {
    const env = { ...process.env };
    delete env.FRAGMARK_URL;
    delete env.DATABASE_URL;
    const child = spawn(process.execPath, ['--import', 'tsx', SCRIPT, '--tiny', '--out', out], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    assert.equal(code, 0, `${stdout}\n${stderr}`);
    assert.match(stdout, /Every verdict as expected: .*every verdict with its evidence/);
    const summary = stdout.slice(stdout.indexOf('Summary'));
    assert.match(summary, /original \(artifact\)\s+ARTIFACT\s+INTACT\s+1\.000/);
    assert.match(summary, /tampered copy \(artifact\)\s+ARTIFACT\s+TAMPERED/);
    assert.match(summary, /ENDPOINT\s+INTACT/);
    assert.match(summary, /ENDPOINT\s+TAMPERED/);
    assert.match(summary, /CHALLENGE\s+INTACT/);
    assert.equal((summary.match(/ valid$/gm) ?? []).length, 5, 'every token verified with verify-token');
    const report = await readFile(path.join(out, 'index.html'), 'utf8');
    assert.match(report, /<svg role="img" aria-label="AccTri per check"/);
    assert.ok(!/<script|https?:\/\/(?!www\.w3)/.test(report), 'the report is self-contained');
    // Each verdict links to its evidence bundle, which checks offline after the demo's server is gone.
    const links = [...report.matchAll(/<a href="(evidence\/[^"]+\.json)">/g)].map((m) => m[1]!);
    assert.equal(links.length, 5, 'one evidence bundle per verdict');
    assert.deepEqual((await readdir(path.join(out, 'evidence'))).sort(), links.map((l) => l.slice('evidence/'.length)).sort());
    const bundle = path.join(out, links[1]!);
    assert.match(links[1]!, /^evidence\/2-tampered-copy-artifact\.json$/);
    const checked = await runCli(['evidence', 'verify', bundle, '--audience', 'demo-auditor', '--json']);
    assert.equal(checked.code, 0, checked.stdout + checked.stderr);
    assert.equal(JSON.parse(checked.stdout).verdict, 'tampered');
    const after = (await readdir(tmpdir())).filter((n) => n.startsWith('fragmark-demo-') && !n.startsWith('fragmark-demo-report') && !before.has(n));
    assert.deepEqual(after, [], 'the throw-away platform was removed');
  } finally {
    await rm(out, { recursive: true, force: true });
  }
});
