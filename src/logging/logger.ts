/**
 * Structured logs: one JSON object per line on stdout, so any log shipper can parse them.
 * Callers pass fields, never secrets: API keys, key material and trigger data stay out of logs.
 * A line written inside a trace (a request, a job attempt: src/tracing) carries its `traceId`
 * and `spanId`, so one trace's lines can be found across the API and the workers.
 */
import type { LogLevel } from '../config/config.ts';
import { currentTrace } from '../tracing/trace-context.ts';

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  child(fields: LogFields): Logger;
}

export function createLogger(
  level: LogLevel,
  base: LogFields = {},
  write: (line: string) => void = (line) => process.stdout.write(line + '\n'),
): Logger {
  const emit = (at: Exclude<LogLevel, 'silent'>, message: string, fields?: LogFields) => {
    if (RANK[at] < RANK[level]) return;
    const trace = currentTrace();
    const traced = trace ? { traceId: trace.traceId, spanId: trace.spanId } : {};
    write(JSON.stringify({ time: new Date().toISOString(), level: at, msg: message, ...traced, ...base, ...serialise(fields) }));
  };
  return {
    debug: (m, f) => emit('debug', m, f),
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
    child: (fields) => createLogger(level, { ...base, ...fields }, write),
  };
}

/** Errors do not survive JSON.stringify; keep their name, message, code and stack. */
function serialise(fields: LogFields | undefined): LogFields {
  if (!fields) return {};
  const out: LogFields = {};
  for (const [key, value] of Object.entries(fields)) {
    out[key] =
      value instanceof Error
        ? { name: value.name, message: value.message, code: (value as { code?: unknown }).code, stack: value.stack }
        : value;
  }
  return out;
}

export const silentLogger: Logger = createLogger('silent');
