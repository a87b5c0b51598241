/**
 * The fleet report: for every monitor of a tenant over a window, the checks its schedule ran and
 * their verdicts, the share of the time its target was HEALTHY, and its open alerts; exportable as
 * JSON evidence that names each check's attestation. Each figure comes from one grouped query,
 * so a report over thousands of monitors costs a handful of queries.
 */
import type { IntegrityState, Monitor } from '../db/generated/client.ts';
import type { TenantDatabase } from '../db/tenant-scope.ts';

export interface FleetReportRow {
  monitor: Monitor;
  checks: number;
  intact: number;
  tampered: number;
  errors: number;
  /** Share of the window (from the monitor's creation if later) in which the state was known and HEALTHY; null when it never was known. */
  healthyShare: number | null;
  openAlerts: number;
  /** The window's checks, newest first, with their attestation's id (jti) when one was signed. */
  evidence: Array<{ verificationId: string; verdict: string; completedAt: Date; attestationId: string | null }>;
}

export interface FleetReport {
  since: Date;
  until: Date;
  rows: FleetReportRow[];
}

/** Most checks listed as evidence per monitor (the counts cover all of them). */
const MAX_EVIDENCE_PER_MONITOR = 100;

export async function fleetReport(db: TenantDatabase, since: Date, until: Date): Promise<FleetReport> {
  const monitors = await db.monitor.findMany({ orderBy: { createdAt: 'asc' } });
  const ids = monitors.map((m) => m.id);
  const window = { gte: since, lte: until };
  const [verdicts, alerts, changes, before, evidence] = await Promise.all([
    db.verification.groupBy({ by: ['monitorId', 'verdict'], where: { monitorId: { in: ids }, completedAt: window }, _count: { _all: true } }),
    db.integrityAlert.groupBy({ by: ['monitorId'], where: { monitorId: { in: ids }, acknowledgedAt: null }, _count: { _all: true } }),
    db.integrityChange.findMany({ where: { monitorId: { in: ids }, changedAt: window }, orderBy: { changedAt: 'asc' } }),
    db.integrityChange.findMany({ where: { monitorId: { in: ids }, changedAt: { lt: since } }, orderBy: { changedAt: 'desc' }, distinct: ['monitorId'] }),
    newestChecks(db, ids, since, until),
  ]);
  const counts = new Map<string, number>();
  for (const v of verdicts) counts.set(`${v.monitorId} ${v.verdict}`, v._count._all);
  const openAlerts = new Map(alerts.map((a) => [a.monitorId, a._count._all]));
  const initial = new Map(before.map((c) => [c.monitorId, c.toState]));
  const changesOf = groupBy(changes, (c) => c.monitorId);
  const evidenceOf = groupBy(evidence, (c) => c.monitorId);
  const rows = monitors.map((monitor): FleetReportRow => {
    const count = (verdict: string) => counts.get(`${monitor.id} ${verdict}`) ?? 0;
    const [intact, tampered, errors] = [count('INTACT'), count('TAMPERED'), count('ERROR')];
    const start = monitor.createdAt > since ? monitor.createdAt : since;
    return {
      monitor,
      checks: intact + tampered + errors,
      intact,
      tampered,
      errors,
      healthyShare: healthyShare(initial.get(monitor.id) ?? 'UNKNOWN', changesOf.get(monitor.id) ?? [], start, until),
      openAlerts: openAlerts.get(monitor.id) ?? 0,
      evidence: (evidenceOf.get(monitor.id) ?? []).map(({ verificationId, verdict, completedAt, attestationId }) => ({ verificationId, verdict, completedAt, attestationId })),
    };
  });
  return { since, until, rows };
}

/**
 * The newest MAX_EVIDENCE_PER_MONITOR checks of each monitor in the window, with their
 * attestation's jti: bounded in the query, since a month of one-minute checks is 43,200 rows per
 * monitor. `ids` are the caller's tenant's monitors (read through the tenant-scoped client).
 */
function newestChecks(db: TenantDatabase, ids: string[], since: Date, until: Date) {
  return db.$queryRaw<Array<{ monitorId: string; verificationId: string; verdict: string; completedAt: Date; attestationId: string | null }>>`
    SELECT "monitorId", "verificationId", verdict, "completedAt", "attestationId" FROM (
      SELECT v."monitorId"::text AS "monitorId", v.id::text AS "verificationId", v.verdict::text AS verdict, v."completedAt", a.jti::text AS "attestationId",
             row_number() OVER (PARTITION BY v."monitorId" ORDER BY v."completedAt" DESC, v.id DESC) AS n
        FROM "Verification" v LEFT JOIN "Attestation" a ON a."verificationId" = v.id
       WHERE v."monitorId"::text = ANY(${ids}::text[]) AND v."completedAt" BETWEEN ${since} AND ${until} AND v.verdict <> 'PENDING'
    ) newest
    WHERE n <= ${MAX_EVIDENCE_PER_MONITOR}
    ORDER BY "monitorId", "completedAt" DESC, "verificationId" DESC`;
}

function groupBy<T>(items: readonly T[], key: (item: T) => string | null): Map<string | null, T[]> {
  const groups = new Map<string | null, T[]>();
  for (const item of items) {
    const group = groups.get(key(item));
    if (group) group.push(item);
    else groups.set(key(item), [item]);
  }
  return groups;
}

/** Time-weighted share of [start, end] spent HEALTHY, of the time the state was known. */
export function healthyShare(initial: IntegrityState, changes: ReadonlyArray<{ toState: IntegrityState; changedAt: Date }>, start: Date, end: Date): number | null {
  let state = initial;
  let at = start.getTime();
  let known = 0;
  let healthy = 0;
  const add = (until: number) => {
    const span = Math.max(0, until - at);
    if (state !== 'UNKNOWN') known += span;
    if (state === 'HEALTHY') healthy += span;
  };
  for (const change of changes) {
    const t = Math.min(Math.max(change.changedAt.getTime(), start.getTime()), end.getTime());
    add(t);
    at = t;
    state = change.toState;
  }
  add(end.getTime());
  return known > 0 ? healthy / known : null;
}
