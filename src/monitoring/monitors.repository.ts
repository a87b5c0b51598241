/**
 * The monitoring workflow's database access: what MonitorsService reads and writes through the
 * caller's tenant-scoped client (`MonitorsRepository`), and what the scheduler and the integrity
 * listener read and write for every tenant inside their transactions (the plain functions below,
 * which scope by the monitor's tenant by hand). Monitoring has no JSON columns.
 */
import type { Transaction } from '../db/client.ts';
import type { IntegrityAlert, IntegrityChange, IntegrityState, Monitor, ModelVersion, Prisma, RegisteredEndpoint, Verification } from '../db/generated/client.ts';
import type { TenantDatabase } from '../db/tenant-scope.ts';
import { isUuid } from '../common/ids.ts';
import { paginate, type Page, type PageRequest } from '../common/pagination.ts';
import type { SettledVerification } from '../verifications/verification-settled.ts';
import { MAX_EVIDENCE_PER_MONITOR, type FleetWindow } from './fleet-report.ts';

/** Matches no row: what a filter on an id that is not a UUID becomes. */
const NO_ID = '00000000-0000-0000-0000-000000000000';

export interface MonitorFilter {
  state?: IntegrityState | null;
  modelVersionId?: string | null;
}

export interface AlertFilter {
  /** true: only open ones; false: only acknowledged ones; absent: both. */
  open?: boolean | null;
  monitorId?: string | null;
}

/** What a monitor checks: a registered endpoint, or a version's registered artifact. */
export interface MonitorTarget {
  mode: 'ENDPOINT' | 'ARTIFACT';
  endpointId: string | null;
  modelVersionId: string;
}

/** The columns a new monitor is created with, besides its target (its tenant comes from the scoped client). */
export type NewMonitor = Omit<Prisma.MonitorUncheckedCreateInput, 'id' | 'tenantId' | 'mode' | 'endpointId' | 'modelVersionId'>;

/** One tenant's monitors, alerts and runs, through its scoped client (src/db/tenant-scope.ts). */
export class MonitorsRepository {
  constructor(private readonly scoped: TenantDatabase) {}

  /** Runs `work` in one transaction of the scoped client. */
  transaction<T>(work: (tx: Transaction) => Promise<T>): Promise<T> {
    return this.scoped.$transaction((tx) => work(tx as Transaction));
  }

  get(id: string): Promise<Monitor | null> {
    return isUuid(id) ? this.scoped.monitor.findUnique({ where: { id } }) : Promise.resolve(null);
  }

  forEndpoint(endpointId: string): Promise<Monitor | null> {
    return this.scoped.monitor.findFirst({ where: { endpointId } });
  }

  /** The version's monitors, oldest first. */
  forVersion(modelVersionId: string): Promise<Monitor[]> {
    return isUuid(modelVersionId) ? this.scoped.monitor.findMany({ where: { modelVersionId }, orderBy: { id: 'asc' } }) : Promise.resolve([]);
  }

  list(filter: MonitorFilter, page: PageRequest): Promise<Page<Monitor>> {
    const where = {
      ...(filter.state ? { state: filter.state } : {}),
      ...(filter.modelVersionId ? { modelVersionId: isUuid(filter.modelVersionId) ? filter.modelVersionId : NO_ID } : {}),
    };
    return paginate(
      page,
      ({ take, cursorWhere, orderBy }) => this.scoped.monitor.findMany({ where: { ...where, ...cursorWhere }, take, orderBy }),
      () => this.scoped.monitor.count({ where }),
    );
  }

  alert(id: string): Promise<IntegrityAlert | null> {
    return isUuid(id) ? this.scoped.integrityAlert.findUnique({ where: { id } }) : Promise.resolve(null);
  }

  alerts(filter: AlertFilter, page: PageRequest): Promise<Page<IntegrityAlert>> {
    const where = {
      ...(filter.open === true ? { acknowledgedAt: null } : filter.open === false ? { acknowledgedAt: { not: null } } : {}),
      ...(filter.monitorId ? { monitorId: isUuid(filter.monitorId) ? filter.monitorId : NO_ID } : {}),
    };
    return paginate(
      page,
      ({ take, cursorWhere, orderBy }) => this.scoped.integrityAlert.findMany({ where: { ...where, ...cursorWhere }, take, orderBy }),
      () => this.scoped.integrityAlert.count({ where }),
    );
  }

  /** The change an alert was opened for. */
  changeOf(alert: IntegrityAlert): Promise<IntegrityChange> {
    return this.scoped.integrityChange.findUniqueOrThrow({ where: { id: alert.changeId } });
  }

  /** The runs a monitor started, newest first. */
  runs(monitorId: string, page: PageRequest): Promise<Page<Verification>> {
    return paginate(
      page,
      ({ take, cursorWhere, orderBy }) => this.scoped.verification.findMany({ where: { monitorId, ...cursorWhere }, take, orderBy }),
      () => this.scoped.verification.count({ where: { monitorId } }),
    );
  }

  /** What the fleet report over [since, until] is computed from: five queries, whatever the number of monitors. */
  async reportWindow(since: Date, until: Date): Promise<FleetWindow> {
    const db = this.scoped;
    const monitors = await db.monitor.findMany({ orderBy: { createdAt: 'asc' } });
    const ids = monitors.map((m) => m.id);
    const window = { gte: since, lte: until };
    const [verdicts, alerts, changes, before, evidence] = await Promise.all([
      db.verification.groupBy({ by: ['monitorId', 'verdict'], where: { monitorId: { in: ids }, completedAt: window }, _count: { _all: true } }),
      db.integrityAlert.groupBy({ by: ['monitorId'], where: { monitorId: { in: ids }, acknowledgedAt: null }, _count: { _all: true } }),
      db.integrityChange.findMany({ where: { monitorId: { in: ids }, changedAt: window }, orderBy: { changedAt: 'asc' } }),
      db.integrityChange.findMany({ where: { monitorId: { in: ids }, changedAt: { lt: since } }, orderBy: { changedAt: 'desc' }, distinct: ['monitorId'] }),
      this.newestChecks(ids, since, until),
    ]);
    return {
      monitors,
      verdicts: verdicts.map((v) => ({ monitorId: v.monitorId, verdict: v.verdict, count: v._count._all })),
      openAlerts: alerts.map((a) => ({ monitorId: a.monitorId, count: a._count._all })),
      changes,
      before,
      evidence,
    };
  }

  /**
   * The newest MAX_EVIDENCE_PER_MONITOR checks of each monitor in the window, with their
   * attestation's jti: bounded in the query, since a month of one-minute checks is 43,200 rows per
   * monitor. `ids` are the caller's tenant's monitors (read through the tenant-scoped client).
   */
  private newestChecks(ids: string[], since: Date, until: Date) {
    return this.scoped.$queryRaw<FleetWindow['evidence']>`
      SELECT "monitorId", "verificationId", verdict, "completedAt", "attestationId" FROM (
        SELECT v."monitorId"::text AS "monitorId", v.id::text AS "verificationId", v.verdict::text AS verdict, v."completedAt", a.jti::text AS "attestationId",
               row_number() OVER (PARTITION BY v."monitorId" ORDER BY v."completedAt" DESC, v.id DESC) AS n
          FROM "Verification" v LEFT JOIN "Attestation" a ON a."verificationId" = v.id
         WHERE v."monitorId"::text = ANY(${ids}::text[]) AND v."completedAt" BETWEEN ${since} AND ${until} AND v.verdict <> 'PENDING'
      ) newest
      WHERE n <= ${MAX_EVIDENCE_PER_MONITOR}
      ORDER BY "monitorId", "completedAt" DESC, "verificationId" DESC`;
  }

  /** A registered endpoint of the tenant (removed ones included), or null. */
  endpoint(id: string): Promise<RegisteredEndpoint | null> {
    return isUuid(id) ? this.scoped.registeredEndpoint.findUnique({ where: { id } }) : Promise.resolve(null);
  }

  version(id: string): Promise<ModelVersion | null> {
    return isUuid(id) ? this.scoped.modelVersion.findUnique({ where: { id } }) : Promise.resolve(null);
  }

  /** The API key's name (an acknowledgement records it), or null. */
  async apiKeyName(id: string): Promise<string | null> {
    return (await this.scoped.apiKey.findUnique({ where: { id }, select: { name: true } }))?.name ?? null;
  }

  /** Locks the tenant's row until the commit: serialises its monitor creations, so a count holds. */
  async lockTenant(tx: Transaction, tenantId: string): Promise<void> {
    await tx.$queryRaw`SELECT id FROM "Tenant" WHERE id = ${tenantId}::uuid FOR UPDATE`;
  }

  count(tx: Transaction, tenantId: string): Promise<number> {
    return tx.monitor.count({ where: { tenantId } });
  }

  /** The id of the monitor that already checks `target`, or null. */
  async monitorOf(tx: Transaction, tenantId: string, target: MonitorTarget): Promise<string | null> {
    const where = target.mode === 'ENDPOINT' ? { tenantId, endpointId: target.endpointId } : { tenantId, modelVersionId: target.modelVersionId, mode: 'ARTIFACT' as const };
    return (await tx.monitor.findFirst({ where, select: { id: true } }))?.id ?? null;
  }

  create(tx: Transaction, tenantId: string, target: MonitorTarget, fields: NewMonitor): Promise<Monitor> {
    return tx.monitor.create({ data: { tenantId, ...target, ...fields } });
  }

  /** Locks the monitor's row for the rest of `tx`; false when it is gone (deleted since it was read). */
  async lock(tx: Transaction, id: string): Promise<boolean> {
    const rows = await tx.$queryRaw<Array<{ id: string }>>`SELECT id FROM "Monitor" WHERE id = ${id}::uuid FOR UPDATE`;
    return rows.length > 0;
  }

  update(tx: Transaction, id: string, data: Prisma.MonitorUpdateInput): Promise<Monitor> {
    return tx.monitor.update({ where: { id }, data });
  }

  delete(tx: Transaction, id: string): Promise<Monitor> {
    return tx.monitor.delete({ where: { id } });
  }

  /** Acknowledges the alert unless it already is; true when this call did. */
  async acknowledge(tx: Transaction, tenantId: string, alertId: string, fields: { acknowledgedAt: Date; acknowledgedById: string; acknowledgedBy: string | null; note: string | null }): Promise<boolean> {
    const { count } = await tx.integrityAlert.updateMany({ where: { id: alertId, tenantId, acknowledgedAt: null }, data: fields });
    return count === 1;
  }

  alertIn(tx: Transaction, id: string): Promise<IntegrityAlert> {
    return tx.integrityAlert.findUniqueOrThrow({ where: { id } });
  }
}

// The scheduler's queries: for every tenant, in the batch's transaction.

/** Up to `count` monitors due at `at` of live tenants, most overdue first, locked until the commit. */
export async function takeDueMonitors(tx: Transaction, at: Date, skipped: string[], count: number): Promise<Monitor[]> {
  const rows = await tx.$queryRaw<Array<{ id: string }>>`
    SELECT m.id FROM "Monitor" m JOIN "Tenant" t ON t.id = m."tenantId"
     WHERE NOT m.paused AND m."nextRunAt" <= ${at} AND t."deletedAt" IS NULL AND NOT (m.id::text = ANY(${skipped}::text[]))
     ORDER BY m."nextRunAt"
     LIMIT ${count}
       FOR UPDATE OF m SKIP LOCKED`;
  if (rows.length === 0) return [];
  const monitors = await tx.monitor.findMany({ where: { id: { in: rows.map((r) => r.id) } } });
  return monitors.sort((a, b) => a.nextRunAt.getTime() - b.nextRunAt.getTime());
}

/** The monitored version of the tenant, with its model, or null. */
export function monitoredVersion(tx: Transaction, tenantId: string, id: string) {
  return tx.modelVersion.findFirst({ where: { id, tenantId }, include: { model: true } });
}

/** The version's newest READY watermark, or null. */
export function newestReadyWatermark(tx: Transaction, tenantId: string, modelVersionId: string) {
  return tx.watermark.findFirst({ where: { tenantId, modelVersionId, status: 'READY' }, orderBy: { id: 'desc' } });
}

export function monitoredEndpoint(tx: Transaction, tenantId: string, id: string): Promise<RegisteredEndpoint | null> {
  return tx.registeredEndpoint.findFirst({ where: { id, tenantId } });
}

/** Records a run started (lastRunError null) or refused, and when the next one is due. */
export async function recordRun(tx: Transaction, monitorId: string, run: { lastRunAt: Date; nextRunAt: Date; lastRunError: string | null }): Promise<void> {
  await tx.monitor.update({ where: { id: monitorId }, data: run });
}

// The integrity listener's: in the transaction that records a verdict.

/** Which monitor a settled check counts for: the one that started it, or the one of its target. */
export type CheckedTarget = Pick<SettledVerification, 'tenantId' | 'monitorId' | 'mode' | 'endpointId' | 'modelVersionId' | 'candidateArtifactId'>;

/** The monitor the check counts for, its row locked until the verdict commits; null when none. */
export async function lockMonitorOf(tx: Transaction, settled: CheckedTarget): Promise<Monitor | null> {
  let id = settled.monitorId;
  if (!id && settled.mode === 'ENDPOINT' && settled.endpointId) {
    id = (await tx.monitor.findFirst({ where: { tenantId: settled.tenantId, endpointId: settled.endpointId }, select: { id: true } }))?.id ?? null;
  }
  if (!id && settled.mode === 'ARTIFACT' && !settled.candidateArtifactId) {
    id = (await tx.monitor.findFirst({ where: { tenantId: settled.tenantId, modelVersionId: settled.modelVersionId, mode: 'ARTIFACT' }, select: { id: true } }))?.id ?? null;
  }
  if (!id) return null;
  await tx.$queryRaw`SELECT id FROM "Monitor" WHERE id = ${id}::uuid AND "tenantId" = ${settled.tenantId}::uuid FOR UPDATE`;
  return tx.monitor.findFirst({ where: { id, tenantId: settled.tenantId } });
}

export function updateIntegrity(tx: Transaction, monitorId: string, data: Pick<Prisma.MonitorUpdateInput, 'state' | 'consecutiveErrors' | 'lastCheckedAt' | 'lastVerificationId' | 'stateSince'>): Promise<Monitor> {
  return tx.monitor.update({ where: { id: monitorId }, data });
}

export function createChange(tx: Transaction, data: Omit<Prisma.IntegrityChangeUncheckedCreateInput, 'id'>): Promise<IntegrityChange> {
  return tx.integrityChange.create({ data });
}

export function openAlert(tx: Transaction, data: Omit<Prisma.IntegrityAlertUncheckedCreateInput, 'id'>): Promise<IntegrityAlert> {
  return tx.integrityAlert.create({ data });
}
