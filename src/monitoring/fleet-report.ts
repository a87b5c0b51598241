/**
 * The fleet report: for every monitor of a tenant over a window, the checks its schedule ran and
 * their verdicts, the share of the time its target was HEALTHY, and its open alerts; exportable as
 * JSON evidence that names each check's attestation. Each figure comes from one grouped query
 * (MonitorsRepository.reportWindow), so a report over thousands of monitors costs a handful of queries.
 */
import type { IntegrityChange, IntegrityState, Monitor } from '../db/generated/client.ts';

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
export const MAX_EVIDENCE_PER_MONITOR = 100;

/** What the report is computed from: the tenant's monitors and their window's records (MonitorsRepository.reportWindow). */
export interface FleetWindow {
  /** The tenant's monitors, oldest first. */
  monitors: Monitor[];
  /** Checks completed in the window, counted by monitor and verdict. */
  verdicts: Array<{ monitorId: string | null; verdict: string; count: number }>;
  /** Open alerts, counted by monitor. */
  openAlerts: Array<{ monitorId: string; count: number }>;
  /** State changes in the window, oldest first. */
  changes: Array<Pick<IntegrityChange, 'monitorId' | 'toState' | 'changedAt'>>;
  /** Each monitor's last state change before the window (at most one per monitor). */
  before: Array<Pick<IntegrityChange, 'monitorId' | 'toState'>>;
  /** The newest MAX_EVIDENCE_PER_MONITOR checks of each monitor in the window, newest first. */
  evidence: Array<{ monitorId: string; verificationId: string; verdict: string; completedAt: Date; attestationId: string | null }>;
}

export function fleetReport(window: FleetWindow, since: Date, until: Date): FleetReport {
  const counts = new Map<string, number>();
  for (const v of window.verdicts) counts.set(`${v.monitorId} ${v.verdict}`, v.count);
  const openAlerts = new Map(window.openAlerts.map((a) => [a.monitorId, a.count]));
  const initial = new Map(window.before.map((c) => [c.monitorId, c.toState]));
  const changesOf = groupBy(window.changes, (c) => c.monitorId);
  const evidenceOf = groupBy(window.evidence, (c) => c.monitorId);
  const rows = window.monitors.map((monitor): FleetReportRow => {
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
