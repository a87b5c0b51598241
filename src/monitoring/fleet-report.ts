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
  const [verdicts, alerts, changes, before, checks] = await Promise.all([
    db.verification.groupBy({ by: ['monitorId', 'verdict'], where: { monitorId: { in: ids }, completedAt: window }, _count: { _all: true } }),
    db.integrityAlert.groupBy({ by: ['monitorId'], where: { monitorId: { in: ids }, acknowledgedAt: null }, _count: { _all: true } }),
    db.integrityChange.findMany({ where: { monitorId: { in: ids }, changedAt: window }, orderBy: { changedAt: 'asc' } }),
    db.integrityChange.findMany({ where: { monitorId: { in: ids }, changedAt: { lt: since } }, orderBy: { changedAt: 'desc' }, distinct: ['monitorId'] }),
    db.verification.findMany({
      where: { monitorId: { in: ids }, completedAt: window, verdict: { not: 'PENDING' } },
      orderBy: { completedAt: 'desc' },
      select: { id: true, monitorId: true, verdict: true, completedAt: true, attestation: { select: { jti: true } } },
    }),
  ]);
  const rows = monitors.map((monitor): FleetReportRow => {
    const count = (verdict: string) => verdicts.find((v) => v.monitorId === monitor.id && v.verdict === verdict)?._count._all ?? 0;
    const [intact, tampered, errors] = [count('INTACT'), count('TAMPERED'), count('ERROR')];
    const start = monitor.createdAt > since ? monitor.createdAt : since;
    const initial = before.find((c) => c.monitorId === monitor.id)?.toState ?? 'UNKNOWN';
    return {
      monitor,
      checks: intact + tampered + errors,
      intact,
      tampered,
      errors,
      healthyShare: healthyShare(initial, changes.filter((c) => c.monitorId === monitor.id), start, until),
      openAlerts: alerts.find((a) => a.monitorId === monitor.id)?._count._all ?? 0,
      evidence: checks
        .filter((c) => c.monitorId === monitor.id)
        .slice(0, MAX_EVIDENCE_PER_MONITOR)
        .map((c) => ({ verificationId: c.id, verdict: c.verdict, completedAt: c.completedAt!, attestationId: c.attestation?.jti ?? null })),
    };
  });
  return { since, until, rows };
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
