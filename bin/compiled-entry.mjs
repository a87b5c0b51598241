// Which code the `fragmark` command runs: the compiled JavaScript in dist/ (`npm run build`, run by
// `npm install`) when it is there and no source file is newer than the build, else the TypeScript
// sources through tsx (a development checkout that has not been rebuilt since an edit). A
// production image ships dist/ without src/, so it always runs the build.
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

/** Written by scripts/build.mjs after a complete build; its mtime is the build's time. */
export const BUILD_STAMP = 'dist/.build-complete';
export const COMPILED_MAIN = 'dist/cli/main.js';
export const SOURCE_MAIN = 'src/cli/main.ts';

/** Newest mtime (ms) of the files under `dir`, 0 when there is none. */
export function newestMtime(dir) {
  let newest = 0;
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(full));
    else if (entry.isFile()) newest = Math.max(newest, statSync(full).mtimeMs);
  }
  return newest;
}

/**
 * { kind: 'compiled' | 'source', file, reason }. FRAGMARK_FROM_SOURCE=1 forces the sources.
 * The build counts only when complete (its stamp exists) and at least as new as every file under
 * src/ (about 700 files: a few milliseconds of stat calls per start).
 */
export function chooseEntry(root, env = process.env) {
  const source = { kind: 'source', file: path.join(root, SOURCE_MAIN) };
  const compiled = { kind: 'compiled', file: path.join(root, COMPILED_MAIN) };
  if (env.FRAGMARK_FROM_SOURCE === '1') return { ...source, reason: 'FRAGMARK_FROM_SOURCE=1' };
  const stamp = path.join(root, BUILD_STAMP);
  if (!existsSync(stamp) || !existsSync(compiled.file)) return { ...source, reason: 'no complete build in dist/' };
  if (!existsSync(path.join(root, 'src'))) return { ...compiled, reason: 'no sources: a production install' };
  const built = statSync(stamp).mtimeMs;
  if (newestMtime(path.join(root, 'src')) > built) return { ...source, reason: 'a source file is newer than the build' };
  return { ...compiled, reason: 'the build is current' };
}
