/**
 * `fragmark backup <file>` and `fragmark restore <file>`: the database (db/logical-backup.ts) and
 * the artifact folder in one gzip file of JSON lines, restorable into a new data folder or an
 * empty database of the same Fragmark version. Here, in the wiring, because a restore also ends
 * the jobs that were unfinished when the backup was taken (their queue entries are not in it),
 * which touches every workflow (give-up-job.ts).
 *
 * The file, in order: a header (format, version, time, migrations, tables); the artifact blobs
 * in chunks of 1 MiB; every row; an end line with the counts (a truncated file is refused before
 * anything is committed). The master key is never in it: the sealed secrets in the rows are
 * useless without it, so back the key up separately (docs/operations.md).
 */
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, open, readdir, readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { createGunzip, createGzip } from 'node:zlib';
import { FRAGMARK_VERSION } from '../common/fragmark-version.ts';
import type { Config } from '../config/config.ts';
import { openDatabase } from '../db/database.ts';
import { appliedMigrations, dumpTables, restoreTables, type TableRow } from '../db/logical-backup.ts';
import type { Logger } from '../logging/logger.ts';
import { giveUpJob } from './give-up-job.ts';

export const BACKUP_FORMAT = 'fragmark-backup';
const FORMAT_VERSION = 1;
const CHUNK_BYTES = 1024 * 1024;
const ROW_PREFIX = /^\{"t":"([A-Za-z0-9_]+)","r":/;
export const RESTORED_JOB_REASON = 'The job was queued or running when the backup this database was restored from was taken; start it again.';

interface Header {
  format: string;
  version: number;
  createdAt: string;
  fragmarkVersion: string;
  migrations: string[];
  tables: string[];
}

export interface BackupSummary {
  file: string;
  tables: number;
  rows: number;
  artifacts: number;
  bytes: number;
}

export interface RestoreSummary {
  file: string;
  createdAt: string;
  rows: number;
  artifacts: number;
  jobsEnded: number;
}

/** Content-addressed blobs of the artifact folder (`sha256/<2>/<digest>`), relative paths. */
async function blobFiles(dir: string): Promise<string[]> {
  const root = path.join(dir, 'sha256');
  if (!existsSync(root)) return [];
  const files: string[] = [];
  for (const prefix of await readdir(root)) {
    for (const name of await readdir(path.join(root, prefix))) files.push(path.posix.join('sha256', prefix, name));
  }
  return files.sort();
}

export async function writeBackup(config: Config, file: string, logger: Logger): Promise<BackupSummary> {
  const database = await openDatabase(config, logger);
  const partial = `${file}.partial`;
  let rows = 0;
  let artifacts = 0;
  let tables = 0;
  try {
    async function* lines(): AsyncGenerator<string> {
      const pendingHeader: string[] = [];
      const source = dumpTables(database.url, ({ tables: names, migrations }) => {
        tables = names.length;
        const header: Header = { format: BACKUP_FORMAT, version: FORMAT_VERSION, createdAt: new Date().toISOString(), fragmarkVersion: FRAGMARK_VERSION, migrations, tables: names };
        pendingHeader.push(JSON.stringify(header));
      });
      let first = true;
      for await (const row of source) {
        if (first) {
          first = false;
          yield* headerAndArtifacts();
        }
        rows++;
        yield `{"t":${JSON.stringify(row.table)},"r":${row.json}}`;
      }
      if (first) yield* headerAndArtifacts(); // no rows at all
      yield JSON.stringify({ end: true, rows, artifacts });

      // Artifacts are listed once the snapshot is taken: every blob its rows name exists by then.
      async function* headerAndArtifacts(): AsyncGenerator<string> {
        yield pendingHeader[0]!;
        for (const relative of await blobFiles(config.artifacts.dir)) {
          const data = await readFile(path.join(config.artifacts.dir, relative));
          for (let offset = 0; offset < data.length || offset === 0; offset += CHUNK_BYTES) {
            yield JSON.stringify({ artifact: relative, offset, size: data.length, base64: data.subarray(offset, offset + CHUNK_BYTES).toString('base64') });
            if (data.length === 0) break;
          }
          artifacts++;
        }
      }
    }
    await mkdir(path.dirname(path.resolve(file)), { recursive: true });
    await pipeline(Readable.from(linesWithNewlines(lines())), createGzip(), createWriteStream(partial, { mode: 0o600 }));
    await chmod(partial, 0o600);
    await rename(partial, file);
  } catch (error) {
    await rm(partial, { force: true });
    throw error;
  } finally {
    await database.close();
  }
  const handle = await open(file, 'r');
  const bytes = (await handle.stat()).size;
  await handle.close();
  logger.info('backup written', { file, tables, rows, artifacts, bytes });
  return { file, tables, rows, artifacts, bytes };
}

async function* linesWithNewlines(lines: AsyncIterable<string>): AsyncGenerator<string> {
  for await (const line of lines) yield line + '\n';
}

export async function restoreBackup(config: Config, file: string, logger: Logger): Promise<RestoreSummary> {
  const reader = createInterface({ input: createReadStream(file).pipe(createGunzip()), crlfDelay: Infinity })[Symbol.asyncIterator]();
  // Row lines are kept as text (`{"t":"Table","r":<row>}`): parsing and re-serialising a row
  // could change a value (an int8 beyond 2^53); the other lines are small and parsed.
  type Line = { row: TableRow } | { fields: Record<string, unknown> };
  const next = async (): Promise<Line | undefined> => {
    const { value, done } = await reader.next();
    if (done) return undefined;
    const row = ROW_PREFIX.exec(value);
    if (row) return { row: { table: row[1]!, json: value.slice(row[0].length, -1) } };
    return { fields: JSON.parse(value) as Record<string, unknown> };
  };
  const fieldsOf = (line: Line | undefined): Record<string, unknown> | undefined => (line && 'fields' in line ? line.fields : undefined);
  const header = fieldsOf(await next().catch(() => undefined)) as Header | undefined;
  if (header?.format !== BACKUP_FORMAT) throw new Error(`${file} is not a Fragmark backup`);
  if (header.version !== FORMAT_VERSION) throw new Error(`${file} is a backup of format ${header.version}; this version reads format ${FORMAT_VERSION}`);

  const database = await openDatabase(config, logger);
  await mkdir(path.dirname(config.artifacts.dir), { recursive: true });
  const staging = await mkdtemp(path.join(path.dirname(config.artifacts.dir), '.restore-'));
  try {
    const local = await appliedMigrationsOf(database.url);
    if (local.join('\n') !== header.migrations.join('\n')) {
      throw new Error(
        `The backup was made by a Fragmark whose database had other migrations (${header.migrations.length}, newest ${header.migrations.at(-1)}) than this one (${local.length}, newest ${local.at(-1)}): restore it with Fragmark ${header.fragmarkVersion}, then upgrade`,
      );
    }

    // Artifacts first, into a staging folder: moved into place only once the rows are committed.
    let line = await next();
    let artifacts = 0;
    for (let chunk = fieldsOf(line); typeof chunk?.['artifact'] === 'string'; chunk = fieldsOf(line)) {
      const relative = chunk['artifact'];
      if (!/^sha256\/[0-9a-f]{2}\/[0-9a-f]{64}$/.test(relative)) throw new Error(`Unexpected artifact path in the backup: ${relative}`);
      const target = path.join(staging, relative);
      await mkdir(path.dirname(target), { recursive: true });
      const handle = await open(target, chunk['offset'] === 0 ? 'w' : 'a');
      await handle.write(Buffer.from(String(chunk['base64']), 'base64'));
      await handle.close();
      const following = await next();
      if (fieldsOf(following)?.['artifact'] !== relative) {
        const digest = createHash('sha256').update(await readFile(target)).digest('hex');
        if (digest !== path.basename(relative)) throw new Error(`Artifact ${relative} in the backup is damaged (its content hashes to ${digest})`);
        artifacts++;
      }
      line = following;
    }

    let end: Record<string, unknown> | undefined;
    const first = line;
    async function* rows(): AsyncGenerator<TableRow> {
      for (let current = first; current !== undefined; current = await next()) {
        if ('row' in current) yield current.row;
        else if (current.fields['end'] === true) return void (end = current.fields);
        else throw new Error('Unexpected line in the backup');
      }
    }
    const counts = await restoreTables(database.url, rows(), async (_client, restoredCounts) => {
      const restored = [...restoredCounts.values()].reduce((a, b) => a + b, 0);
      if (end === undefined) throw new Error(`${file} is truncated (no end line): nothing was restored`);
      if (end['rows'] !== restored || end['artifacts'] !== artifacts) throw new Error(`${file} is incomplete (it lists ${end['rows']} rows and ${end['artifacts']} artifacts; read ${restored} and ${artifacts}): nothing was restored`);
    });
    const rowsRestored = [...counts.values()].reduce((a, b) => a + b, 0);

    await mkdir(config.artifacts.dir, { recursive: true });
    for (const relative of await blobFiles(staging)) {
      const target = path.join(config.artifacts.dir, relative);
      if (existsSync(target)) continue;
      await mkdir(path.dirname(target), { recursive: true });
      await rename(path.join(staging, relative), target);
    }

    // Their queue entries were not in the backup: end them (and their records) as FAILED.
    const unfinished = await database.db.job.findMany({ where: { status: { in: ['QUEUED', 'RUNNING'] } }, select: { id: true } });
    const giveUp = giveUpJob(database.db);
    for (const job of unfinished) await giveUp(job.id, RESTORED_JOB_REASON);

    logger.info('backup restored', { file, createdAt: header.createdAt, rows: rowsRestored, artifacts, jobsEnded: unfinished.length });
    return { file, createdAt: header.createdAt, rows: rowsRestored, artifacts, jobsEnded: unfinished.length };
  } finally {
    reader.return?.();
    await rm(staging, { recursive: true, force: true });
    await database.close();
  }
}

async function appliedMigrationsOf(url: string): Promise<string[]> {
  const pg = (await import('pg')).default;
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await appliedMigrations(client);
  } finally {
    await client.end();
  }
}
