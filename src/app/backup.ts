/**
 * `fragmark backup <file>` and `fragmark restore <file>`: the database (db/logical-backup.ts) and
 * the artifact store's blobs in one gzip file of JSON lines, restorable into a new data folder or an
 * empty database of the same Fragmark version. Here, in the wiring, because a restore also ends
 * the jobs that were unfinished when the backup was taken (their queue entries are not in it),
 * which touches every workflow (give-up-job.ts).
 *
 * The file, in order: a header (format, version, time, migrations, tables); the artifact blobs
 * in chunks of 1 MiB, read through the configured artifact store (file, PostgreSQL or S3: a backup
 * restores into any of them); every row; an end line with the counts (a truncated file is
 * refused before anything is committed). The master key is never in it: the sealed secrets in the rows are
 * useless without it, so back the key up separately (docs/operations.md).
 */
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { chmod, mkdir, mkdtemp, open, readFile, rename, rm, stat } from 'node:fs/promises';
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
import { openArtifactStore } from '../registry/artifacts/open-artifact-store.ts';

/** The PostgreSQL artifact store's own tables: their blobs go through the store interface instead. */
const STORE_TABLES = ['ArtifactBlob', 'ArtifactBlobChunk'];

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

export async function writeBackup(config: Config, file: string, logger: Logger): Promise<BackupSummary> {
  const database = await openDatabase(config, logger);
  const store = openArtifactStore(config.artifacts.store, { databaseUrl: database.url, spoolDir: config.artifacts.stagingDir });
  const partial = `${file}.partial`;
  let rows = 0;
  let artifacts = 0;
  let tables = 0;
  try {
    async function* lines(): AsyncGenerator<string> {
      let header = '';
      const source = dumpTables(database.url, STORE_TABLES, ({ tables: names, migrations }) => {
        tables = names.length;
        const fields: Header = { format: BACKUP_FORMAT, version: FORMAT_VERSION, createdAt: new Date().toISOString(), fragmarkVersion: FRAGMARK_VERSION, migrations, tables: names };
        header = JSON.stringify(fields);
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
        yield header;
        for await (const blob of store.list()) {
          const stream = await store.get(blob.sha256);
          if (stream === undefined) continue; // deleted since it was listed
          let offset = 0;
          for await (const chunk of chunked(stream)) {
            yield JSON.stringify({ artifact: blob.sha256, offset, size: blob.size, base64: chunk.toString('base64') });
            offset += chunk.length;
          }
          if (offset === 0) yield JSON.stringify({ artifact: blob.sha256, offset: 0, size: 0, base64: '' });
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
    await store.close();
    await database.close();
  }
  const { size: bytes } = await stat(file);
  logger.info('backup written', { file, tables, rows, artifacts, bytes });
  return { file, tables, rows, artifacts, bytes };
}

/** A stream's bytes in pieces of CHUNK_BYTES (the last one shorter). */
async function* chunked(stream: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  let pending: Buffer[] = [];
  let length = 0;
  for await (const piece of stream) {
    pending.push(piece);
    length += piece.length;
    while (length >= CHUNK_BYTES) {
      const all = Buffer.concat(pending);
      yield all.subarray(0, CHUNK_BYTES);
      pending = [all.subarray(CHUNK_BYTES)];
      length -= CHUNK_BYTES;
    }
  }
  if (length > 0) yield Buffer.concat(pending);
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
  const store = openArtifactStore(config.artifacts.store, { databaseUrl: database.url, spoolDir: config.artifacts.stagingDir });
  await mkdir(config.artifacts.stagingDir, { recursive: true });
  const staging = await mkdtemp(path.join(config.artifacts.stagingDir, 'restore-'));
  try {
    const local = await appliedMigrationsOf(database.url);
    if (local.join('\n') !== header.migrations.join('\n')) {
      throw new Error(
        `The backup was made by a Fragmark whose database had other migrations (${header.migrations.length}, newest ${header.migrations.at(-1)}) than this one (${local.length}, newest ${local.at(-1)}): restore it with Fragmark ${header.fragmarkVersion}, then upgrade`,
      );
    }

    // Artifacts first, each checked against its name and put into the store before any row is:
    // until the rows commit nothing references them (a failed restore leaves blobs that garbage
    // collection removes), and once they commit every blob they name is there.
    let line = await next();
    let artifacts = 0;
    for (let chunk = fieldsOf(line); typeof chunk?.['artifact'] === 'string'; chunk = fieldsOf(line)) {
      const sha256 = chunk['artifact'];
      if (!/^[0-9a-f]{64}$/.test(sha256)) throw new Error(`Unexpected artifact name in the backup: ${sha256}`);
      const target = path.join(staging, sha256);
      const handle = await open(target, chunk['offset'] === 0 ? 'w' : 'a');
      await handle.write(Buffer.from(String(chunk['base64']), 'base64'));
      await handle.close();
      const following = await next();
      if (fieldsOf(following)?.['artifact'] !== sha256) {
        const digest = createHash('sha256').update(await readFile(target)).digest('hex');
        if (digest !== sha256) throw new Error(`Artifact ${sha256} in the backup is damaged (its content hashes to ${digest})`);
        await store.put(createReadStream(target), { sha256, size: Number(chunk['size']) });
        await rm(target);
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
    const counts = await restoreTables(database.url, STORE_TABLES, rows(), async (_client, restoredCounts) => {
      const restored = [...restoredCounts.values()].reduce((a, b) => a + b, 0);
      if (end === undefined) throw new Error(`${file} is truncated (no end line): nothing was restored`);
      if (end['rows'] !== restored || end['artifacts'] !== artifacts) throw new Error(`${file} is incomplete (it lists ${end['rows']} rows and ${end['artifacts']} artifacts; read ${restored} and ${artifacts}): nothing was restored`);
    });
    const rowsRestored = [...counts.values()].reduce((a, b) => a + b, 0);

    // Their queue entries were not in the backup: end them (and their records) as FAILED.
    const unfinished = await database.db.job.findMany({ where: { status: { in: ['QUEUED', 'RUNNING'] } }, select: { id: true } });
    const giveUp = giveUpJob(database.db);
    for (const job of unfinished) await giveUp(job.id, RESTORED_JOB_REASON);

    logger.info('backup restored', { file, createdAt: header.createdAt, rows: rowsRestored, artifacts, jobsEnded: unfinished.length });
    return { file, createdAt: header.createdAt, rows: rowsRestored, artifacts, jobsEnded: unfinished.length };
  } finally {
    reader.return?.();
    await rm(staging, { recursive: true, force: true });
    await store.close();
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
