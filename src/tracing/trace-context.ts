/**
 * W3C Trace Context (https://www.w3.org/TR/trace-context/): the `traceparent` header
 * `00-<trace-id: 32 hex>-<parent-id: 16 hex>-<flags: 2 hex>`, parsed and written here, and the
 * trace the current piece of work belongs to, carried through async calls (AsyncLocalStorage).
 *
 * A request runs in a span of the trace its caller sent (a new trace when it sent none or a
 * malformed one); a job enqueued by it carries that trace in its payload, and its attempts run in
 * child spans of it; outbound calls (inference endpoints, webhooks) send a child span's
 * `traceparent`. Nothing is recorded or exported: the ids correlate log lines across processes
 * and let the callers' and callees' tracing systems join the pieces.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomBytes } from 'node:crypto';

export interface TraceContext {
  /** 32 lowercase hex characters, not all zero. */
  readonly traceId: string;
  /** This span's id (the `parent-id` of what it calls): 16 lowercase hex characters, not all zero. */
  readonly spanId: string;
  /** Trace flags; bit 0 is "sampled". */
  readonly flags: number;
}

/** The header name, lower-case as node:http presents it. */
export const TRACEPARENT = 'traceparent';

const VERSION_00 = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;
/** A later version: the same four fields first, optionally followed by "-" and more (spec §4.3). */
const LATER_VERSION = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/;
const ALL_ZERO = /^0+$/;
/** Longest header value looked at; anything longer is ignored (attacker-controlled input). */
const MAX_HEADER_CHARS = 512;

/**
 * The context a `traceparent` value carries, or null when it is absent or invalid (the spec's
 * rule: an invalid header is ignored and a new trace starts). Surrounding whitespace is allowed.
 */
export function parseTraceparent(value: string | readonly string[] | undefined | null): TraceContext | null {
  // Several traceparent headers: invalid (the header is not a list).
  if (value === undefined || value === null || typeof value !== 'string') return null;
  if (value.length > MAX_HEADER_CHARS) return null;
  const text = value.trim();
  let traceId: string;
  let spanId: string;
  let flags: string;
  const v00 = VERSION_00.exec(text);
  if (v00) {
    [, traceId, spanId, flags] = v00 as unknown as [string, string, string, string];
  } else {
    const later = LATER_VERSION.exec(text);
    // Version ff is forbidden; version 00 must be exactly its four fields (handled above).
    if (!later || later[1] === 'ff' || later[1] === '00') return null;
    [, , traceId, spanId, flags] = later as unknown as [string, string, string, string, string];
  }
  if (ALL_ZERO.test(traceId) || ALL_ZERO.test(spanId)) return null;
  return { traceId, spanId, flags: parseInt(flags, 16) };
}

/** The `traceparent` value of `context` (always version 00). */
export function formatTraceparent(context: TraceContext): string {
  return `00-${context.traceId}-${context.spanId}-${(context.flags & 0xff).toString(16).padStart(2, '0')}`;
}

/** A new trace (nothing upstream): random ids, not sampled (we record nothing). */
export function newTrace(): TraceContext {
  return { traceId: randomId(16), spanId: randomId(8), flags: 0 };
}

/** A span in the same trace, called by `parent`: a new span id, the same trace id and flags. */
export function childSpan(parent: TraceContext): TraceContext {
  return { traceId: parent.traceId, spanId: randomId(8), flags: parent.flags };
}

/** The span that continues `header` (a request's or a job's), or a new trace when it is absent or invalid. */
export function continueTrace(header: string | readonly string[] | undefined | null): TraceContext {
  const parent = parseTraceparent(header);
  return parent ? childSpan(parent) : newTrace();
}

function randomId(bytes: number): string {
  for (;;) {
    const id = randomBytes(bytes).toString('hex');
    if (!ALL_ZERO.test(id)) return id;
  }
}

const storage = new AsyncLocalStorage<TraceContext>();

/** Runs `work` with `context` as the current trace (for it and everything it awaits or schedules). */
export function runInTrace<T>(context: TraceContext, work: () => T): T {
  return storage.run(context, work);
}

/** The trace the running code belongs to, or undefined outside any. */
export function currentTrace(): TraceContext | undefined {
  return storage.getStore();
}

/**
 * Headers for one outbound call from the current trace: `traceparent` of a new child span, or
 * nothing outside any trace.
 */
export function outboundTraceHeaders(): Record<string, string> {
  const current = currentTrace();
  return current ? { [TRACEPARENT]: formatTraceparent(childSpan(current)) } : {};
}
