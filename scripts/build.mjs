// `npm run build` (and `npm install`'s postinstall): everything the server needs at run time.
//   1. the Prisma client (src/db/generated), generated without network access;
//   2. the server, worker and CLI compiled to dist/ by tsc (tsconfig.build.json: tests excluded,
//      `.ts` import specifiers rewritten to `.js`), plus the non-TypeScript files they load;
//   3. the web dashboard (dashboard/dist) by Vite.
// Plain JavaScript, so that it runs before anything is compiled. Steps whose tool is a development
// dependency are skipped, with a note, in an install without them (`npm ci --omit=dev`): such an
// install must be given a dist/ built elsewhere (the Dockerfile's build stage does this).
//
//   node scripts/build.mjs                 everything
//   node scripts/build.mjs --if-stale      only when dist/ is missing or older than src/ (npm test)
//   node scripts/build.mjs --only=prisma   one step: prisma, server or dashboard
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BUILD_STAMP, chooseEntry } from '../bin/compiled-entry.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(import.meta.url);
const resolveOrNull = (id) => {
  try {
    return require.resolve(id);
  } catch {
    return null;
  }
};
const run = (args, env = {}) => {
  const status = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } }).status ?? 1;
  if (status !== 0) process.exit(status);
};

const only = process.argv.find((a) => a.startsWith('--only='))?.slice('--only='.length);
if (only !== undefined && !['prisma', 'server', 'dashboard'].includes(only)) {
  console.error(`build: --only takes prisma, server or dashboard (got ${only})`);
  process.exit(2);
}
const step = (name) => only === undefined || only === name;

if (process.argv.includes('--if-stale')) {
  const entry = chooseEntry(root, {});
  if (entry.kind === 'compiled') process.exit(0);
  console.error(`build: ${entry.reason}: building`);
}

// 1. Prisma client. The CLI insists on locating a native schema engine although generating the
// Rust-free client never runs it: any existing file satisfies that check.
const prisma = resolveOrNull('prisma/build/index.js');
if (!step('prisma')) {
  // skipped
} else if (prisma) {
  run([prisma, 'generate'], {
    PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? process.execPath,
    PRISMA_HIDE_UPDATE_MESSAGE: '1',
    CHECKPOINT_DISABLE: '1',
  });
} else console.warn('build: prisma is not installed (no dev dependencies): using the generated client as it is.');

// 2. Server, worker and CLI.
const tsc = resolveOrNull('typescript/bin/tsc');
if (!step('server')) {
  // skipped
} else if (tsc) {
  rmSync(path.join(root, BUILD_STAMP), { force: true });
  // tsc's incremental state does not notice deleted outputs: without the entry, start afresh.
  if (!existsSync(path.join(root, 'dist/cli/main.js'))) rmSync(path.join(root, 'dist/.tsbuildinfo'), { force: true });
  run([tsc, '-p', 'tsconfig.build.json']);
  copyAssets(path.join(root, 'src'), path.join(root, 'dist'));
  writeFileSync(path.join(root, BUILD_STAMP), `${new Date().toISOString()}\n`);
} else console.warn('build: typescript is not installed (no dev dependencies): dist/ is used as it is.');

// 3. Dashboard.
// Vite's exports map hides its bin: find it by path.
const vite = existsSync(path.join(root, 'node_modules/vite/bin/vite.js')) ? path.join(root, 'node_modules/vite/bin/vite.js') : null;
if (!step('dashboard')) {
  // skipped
} else if (vite) run([vite, 'build', '--config', 'dashboard/vite.config.ts', '--logLevel', 'warn']);
else console.warn('build: Vite is not installed (no dev dependencies), so the web dashboard is not built.');

/** Files the compiled code loads beside itself that tsc does not emit (.mjs, .cjs). */
function copyAssets(from, to) {
  for (const entry of readdirSync(from, { withFileTypes: true })) {
    const source = path.join(from, entry.name);
    if (entry.isDirectory()) copyAssets(source, path.join(to, entry.name));
    else if (/\.(mjs|cjs)$/.test(entry.name)) {
      mkdirSync(to, { recursive: true });
      copyFileSync(source, path.join(to, entry.name));
    }
  }
}
