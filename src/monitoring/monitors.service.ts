/**
 * Monitors: continuous checks of a registered endpoint or of a version's registered artifact on a
 * schedule, the target's integrity state, and the alerts its changes open. Creating, changing and
 * deleting a monitor needs TENANT_ADMIN (it queries a deployment on the tenant's behalf from then
 * on) and is audited; acknowledging an alert needs OPERATOR; reading needs VIEWER.
 */
import type { Database, Transaction } from '../db/client.ts';
import type { IntegrityAlert, IntegrityChange, IntegrityState, Monitor, Verification } from '../db/generated/client.ts';
import { fleetReport, type FleetReport } from './fleet-report.ts';
import { scopeToTenant, type TenantDatabase } from '../db/tenant-scope.ts';
import type { Actor } from '../auth/actor.ts';
import { requireTenantRole } from '../auth/require-role.ts';
import { isUuid } from '../common/ids.ts';
import { paginate, type Page, type PageRequest } from '../common/pagination.ts';
import { recordAudit } from '../audit/audit.ts';
import { firstRunAt, parseSchedule, type ScheduleRequest } from './monitor-schedule.ts';
import { MonitoringError } from './monitoring.errors.ts';

export interface MonitoringSettings {
  minIntervalSeconds: number;
  maxMonitorsPerTenant: number;
}

export interface CreateMonitorInput extends ScheduleRequest {
  /** An ENDPOINT monitor of this registered endpoint ... */
  endpointId?: string | null;
  /** ... or an ARTIFACT monitor of this version's registered artifact. */
  modelVersionId?: string | null;
  /** Triggers per run, drawn at random each time; default the whole (enrolled) set. */
  triggerSample?: number | null;
  paused?: boolean | null;
}

export interface UpdateMonitorInput extends ScheduleRequest {
  id: string;
  /** Leave out to keep; null to query the whole set again. */
  triggerSample?: number | null;
  paused?: boolean | null;
}

export interface MonitorFilter {
  state?: IntegrityState | null;
  modelVersionId?: string | null;
}

export interface AlertFilter {
  /** true: only open ones; false: only acknowledged ones; absent: both. */
  open?: boolean | null;
  monitorId?: string | null;
}

/** Smallest sample that still detects a change that flips a few triggers (docs/monitoring.md). */
export const MIN_TRIGGER_SAMPLE = 8;
const MAX_NOTE_CHARS = 500;
/** Longest fleet report window. */
export const MAX_REPORT_DAYS = 366;

export class MonitorsService {
  private readonly scoped: TenantDatabase | null;

  constructor(
    private readonly db: Database,
    private readonly actor: Actor | null,
    private readonly settings: MonitoringSettings,
    private readonly clock: () => Date = () => new Date(),
  ) {
    this.scoped = actor ? scopeToTenant(db, actor.tenantId) : null;
  }

  async create(input: CreateMonitorInput): Promise<Monitor> {
    const actor = requireTenantRole(this.actor, 'TENANT_ADMIN', 'Monitors');
    const schedule = parseSchedule(input, this.settings.minIntervalSeconds);
    const triggerSample = checkSample(input.triggerSample);
    const target = await this.target(input);
    const now = this.clock();
    return this.db.$transaction(async (tx) => {
      // Serialises creations of one tenant, so the count below holds until the commit.
      await tx.$queryRaw`SELECT id FROM "Tenant" WHERE id = ${actor.tenantId}::uuid FOR UPDATE`;
      if ((await tx.monitor.count({ where: { tenantId: actor.tenantId } })) >= this.settings.maxMonitorsPerTenant) {
        throw new MonitoringError('MONITOR_LIMIT_REACHED', `A tenant may keep at most ${this.settings.maxMonitorsPerTenant} monitors; delete one first.`, ['input']);
      }
      const existing = await tx.monitor.findFirst({
        where: target.mode === 'ENDPOINT' ? { tenantId: actor.tenantId, endpointId: target.endpointId } : { tenantId: actor.tenantId, modelVersionId: target.modelVersionId, mode: 'ARTIFACT' },
        select: { id: true },
      });
      if (existing) throw new MonitoringError('MONITOR_EXISTS', `This ${target.mode === 'ENDPOINT' ? 'endpoint' : "version's artifact"} already has a monitor (${existing.id}); update it instead.`, ['input', target.mode === 'ENDPOINT' ? 'endpointId' : 'modelVersionId']);
      const monitor = await tx.monitor.create({
        data: { tenantId: actor.tenantId, ...target, ...schedule, triggerSample, paused: input.paused ?? false, anchorAt: now, nextRunAt: firstRunAt(schedule, now), stateSince: now },
      });
      await recordAudit(tx, { tenantId: actor.tenantId, actorApiKeyId: actor.apiKeyId, action: 'monitor.create', recordId: monitor.id, details: { mode: monitor.mode, schedule: describeSchedule(monitor) } });
      return monitor;
    });
  }

  /** Changes the schedule (anchored anew at now), the sample, or pauses and resumes. */
  async update(input: UpdateMonitorInput): Promise<Monitor> {
    const actor = requireTenantRole(this.actor, 'TENANT_ADMIN', 'Monitors');
    const current = await this.existing(input.id);
    const scheduleGiven = input.intervalSeconds !== undefined || input.cron !== undefined || input.jitterSeconds !== undefined;
    const schedule = scheduleGiven
      ? parseSchedule(
          {
            intervalSeconds: input.intervalSeconds !== undefined || input.cron !== undefined ? (input.intervalSeconds ?? null) : current.intervalSeconds,
            cron: input.intervalSeconds !== undefined || input.cron !== undefined ? (input.cron ?? null) : current.cron,
            jitterSeconds: input.jitterSeconds ?? current.jitterSeconds,
          },
          this.settings.minIntervalSeconds,
        )
      : current;
    const triggerSample = input.triggerSample === undefined ? current.triggerSample : checkSample(input.triggerSample);
    const paused = input.paused ?? current.paused;
    const now = this.clock();
    // A new schedule, or a resumed monitor, runs from now: a resumed one does not replay missed runs.
    const restart = scheduleGiven || (current.paused && !paused);
    return this.db.$transaction(async (tx) => {
      await lockStillThere(tx, current.id);
      const monitor = await tx.monitor.update({
        where: { id: current.id },
        data: {
          intervalSeconds: schedule.intervalSeconds,
          cron: schedule.cron,
          jitterSeconds: schedule.jitterSeconds,
          triggerSample,
          paused,
          ...(restart ? { anchorAt: now, nextRunAt: firstRunAt(schedule, now) } : {}),
        },
      });
      await recordAudit(tx, { tenantId: actor.tenantId, actorApiKeyId: actor.apiKeyId, action: 'monitor.update', recordId: monitor.id, details: { paused, schedule: describeSchedule(monitor) } });
      return monitor;
    });
  }

  /** Stops monitoring; its history and alerts go with it, its verifications stay. */
  async delete(id: string): Promise<Monitor> {
    const actor = requireTenantRole(this.actor, 'TENANT_ADMIN', 'Monitors');
    const current = await this.existing(id);
    return this.db.$transaction(async (tx) => {
      await lockStillThere(tx, current.id);
      const deleted = await tx.monitor.delete({ where: { id: current.id } });
      await recordAudit(tx, { tenantId: actor.tenantId, actorApiKeyId: actor.apiKeyId, action: 'monitor.delete', recordId: current.id });
      return deleted;
    });
  }

  async get(id: string): Promise<Monitor | null> {
    requireTenantRole(this.actor, 'VIEWER', 'Monitors');
    return isUuid(id) ? this.scoped!.monitor.findUnique({ where: { id } }) : null;
  }

  async forEndpoint(endpointId: string): Promise<Monitor | null> {
    requireTenantRole(this.actor, 'VIEWER', 'Monitors');
    return this.scoped!.monitor.findFirst({ where: { endpointId } });
  }

  async list(filter: MonitorFilter, page: PageRequest): Promise<Page<Monitor>> {
    requireTenantRole(this.actor, 'VIEWER', 'Monitors');
    const where = {
      ...(filter.state ? { state: filter.state } : {}),
      ...(filter.modelVersionId ? { modelVersionId: isUuid(filter.modelVersionId) ? filter.modelVersionId : '00000000-0000-0000-0000-000000000000' } : {}),
    };
    return paginate(
      page,
      ({ take, cursorWhere, orderBy }) => this.scoped!.monitor.findMany({ where: { ...where, ...cursorWhere }, take, orderBy }),
      () => this.scoped!.monitor.count({ where }),
    );
  }

  async alerts(filter: AlertFilter, page: PageRequest): Promise<Page<IntegrityAlert>> {
    requireTenantRole(this.actor, 'VIEWER', 'Monitors');
    const where = {
      ...(filter.open === true ? { acknowledgedAt: null } : filter.open === false ? { acknowledgedAt: { not: null } } : {}),
      ...(filter.monitorId ? { monitorId: isUuid(filter.monitorId) ? filter.monitorId : '00000000-0000-0000-0000-000000000000' } : {}),
    };
    return paginate(
      page,
      ({ take, cursorWhere, orderBy }) => this.scoped!.integrityAlert.findMany({ where: { ...where, ...cursorWhere }, take, orderBy }),
      () => this.scoped!.integrityAlert.count({ where }),
    );
  }

  /** The version's monitors (of its endpoints and of its artifact), oldest first. */
  async forVersion(modelVersionId: string): Promise<Monitor[]> {
    requireTenantRole(this.actor, 'VIEWER', 'Monitors');
    return isUuid(modelVersionId) ? this.scoped!.monitor.findMany({ where: { modelVersionId }, orderBy: { id: 'asc' } }) : [];
  }

  /** The runs a monitor started, newest first. */
  async runs(monitorId: string, page: PageRequest): Promise<Page<Verification>> {
    requireTenantRole(this.actor, 'VIEWER', 'Monitors');
    return paginate(
      page,
      ({ take, cursorWhere, orderBy }) => this.scoped!.verification.findMany({ where: { monitorId, ...cursorWhere }, take, orderBy }),
      () => this.scoped!.verification.count({ where: { monitorId } }),
    );
  }

  async alert(id: string): Promise<IntegrityAlert | null> {
    requireTenantRole(this.actor, 'VIEWER', 'Monitors');
    return isUuid(id) ? this.scoped!.integrityAlert.findUnique({ where: { id } }) : null;
  }

  /** The change an alert was opened for (its previous state). */
  async changeOf(alert: IntegrityAlert): Promise<IntegrityChange> {
    requireTenantRole(this.actor, 'VIEWER', 'Monitors');
    return this.scoped!.integrityChange.findUniqueOrThrow({ where: { id: alert.changeId } });
  }

  /** The fleet report over [since, until] (until defaults to now; at most MAX_REPORT_DAYS). */
  async report(since: Date, until?: Date | null): Promise<FleetReport> {
    requireTenantRole(this.actor, 'VIEWER', 'Monitors');
    const end = until ?? this.clock();
    if (!(since < end) || end.getTime() - since.getTime() > MAX_REPORT_DAYS * 86_400_000) {
      throw new MonitoringError('INVALID_MONITOR_INPUT', `The window must start before it ends and span at most ${MAX_REPORT_DAYS} days.`, ['since']);
    }
    return fleetReport(this.scoped!, since, end);
  }

  /** Closes an open alert, recording who and when (idempotent: an acknowledged one is returned as it is). */
  async acknowledge(alertId: string, note?: string | null): Promise<IntegrityAlert> {
    const actor = requireTenantRole(this.actor, 'OPERATOR', 'Alerts');
    if (note !== undefined && note !== null && (note.length > MAX_NOTE_CHARS || /[\x00-\x08\x0b-\x1f\x7f]/.test(note))) {
      throw new MonitoringError('INVALID_MONITOR_INPUT', `note must be at most ${MAX_NOTE_CHARS} characters without control characters.`, ['input', 'note']);
    }
    const alert = isUuid(alertId) ? await this.scoped!.integrityAlert.findUnique({ where: { id: alertId } }) : null;
    if (!alert) throw new MonitoringError('ALERT_NOT_FOUND', 'No such alert.', ['input', 'id']);
    if (alert.acknowledgedAt) return alert;
    const key = await this.scoped!.apiKey.findUnique({ where: { id: actor.apiKeyId }, select: { name: true } });
    return this.db.$transaction(async (tx) => {
      const { count } = await tx.integrityAlert.updateMany({
        where: { id: alert.id, tenantId: actor.tenantId, acknowledgedAt: null },
        data: { acknowledgedAt: this.clock(), acknowledgedById: actor.apiKeyId, acknowledgedBy: key?.name ?? null, note: note ?? null },
      });
      if (count === 1) await recordAudit(tx, { tenantId: actor.tenantId, actorApiKeyId: actor.apiKeyId, action: 'alert.acknowledge', recordId: alert.id });
      return tx.integrityAlert.findUniqueOrThrow({ where: { id: alert.id } });
    });
  }

  private async existing(id: string): Promise<Monitor> {
    const monitor = isUuid(id) ? await this.scoped!.monitor.findUnique({ where: { id } }) : null;
    if (!monitor) throw new MonitoringError('MONITOR_NOT_FOUND', 'No such monitor.', ['input', 'id']);
    return monitor;
  }

  /** What the monitor checks: a live registered endpoint, or a version with a registered artifact. */
  private async target(input: CreateMonitorInput): Promise<{ mode: 'ENDPOINT' | 'ARTIFACT'; endpointId: string | null; modelVersionId: string }> {
    if (Boolean(input.endpointId) === Boolean(input.modelVersionId)) {
      throw new MonitoringError('INVALID_MONITOR_INPUT', 'Give endpointId (to check a deployment) or modelVersionId (to check the registered artifact), not both.', ['input', 'endpointId']);
    }
    if (input.endpointId) {
      const endpoint = isUuid(input.endpointId) ? await this.scoped!.registeredEndpoint.findUnique({ where: { id: input.endpointId } }) : null;
      if (!endpoint || endpoint.removedAt) throw new MonitoringError('INVALID_MONITOR_INPUT', 'No such registered endpoint.', ['input', 'endpointId']);
      return { mode: 'ENDPOINT', endpointId: endpoint.id, modelVersionId: endpoint.modelVersionId };
    }
    const version = isUuid(input.modelVersionId!) ? await this.scoped!.modelVersion.findUnique({ where: { id: input.modelVersionId! } }) : null;
    if (!version) throw new MonitoringError('INVALID_MONITOR_INPUT', 'No such model version.', ['input', 'modelVersionId']);
    if (version.status !== 'READY') throw new MonitoringError('INVALID_MONITOR_INPUT', 'The version has no artifact to check yet.', ['input', 'modelVersionId']);
    return { mode: 'ARTIFACT', endpointId: null, modelVersionId: version.id };
  }
}

function checkSample(sample: number | null | undefined): number | null {
  if (sample === null || sample === undefined) return null;
  if (!Number.isInteger(sample) || sample < MIN_TRIGGER_SAMPLE || sample > 1000) {
    throw new MonitoringError('INVALID_MONITOR_INPUT', `triggerSample must be a whole number from ${MIN_TRIGGER_SAMPLE} to 1000 (or null for every trigger).`, ['input', 'triggerSample']);
  }
  return sample;
}

function describeSchedule(monitor: Pick<Monitor, 'intervalSeconds' | 'cron' | 'jitterSeconds'>): string {
  return `${monitor.intervalSeconds !== null ? `every ${monitor.intervalSeconds} s` : `cron ${monitor.cron}`}, jitter ${monitor.jitterSeconds} s`;
}

/**
 * Locks the monitor's row for the rest of `tx`; a monitor deleted since it was read (a concurrent
 * delete) is MONITOR_NOT_FOUND, never Prisma's raw "record not found".
 */
async function lockStillThere(tx: Transaction, id: string): Promise<void> {
  const rows = await tx.$queryRaw<Array<{ id: string }>>`SELECT id FROM "Monitor" WHERE id = ${id}::uuid FOR UPDATE`;
  if (rows.length === 0) throw new MonitoringError('MONITOR_NOT_FOUND', 'No such monitor.', ['input', 'id']);
}
