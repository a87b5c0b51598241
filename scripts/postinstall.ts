/**
 * After `npm install` / `npm ci`: generate the Prisma client (needed at run time) and build the
 * web dashboard. The dashboard build needs Vite, a development dependency: an install without
 * dev dependencies (`npm ci --omit=dev`) skips it with a note and serves no dashboard.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const run = (args: string[]) => spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit' }).status ?? 1;

const generated = run(['--import', 'tsx', 'scripts/prisma-generate.ts']);
if (generated !== 0) process.exit(generated);

const vite = path.join(root, 'node_modules', 'vite', 'bin', 'vite.js');
if (existsSync(vite)) process.exit(run([vite, 'build', '--config', 'dashboard/vite.config.ts']));
console.warn('postinstall: Vite is not installed (no dev dependencies), so the web dashboard is not built.');
