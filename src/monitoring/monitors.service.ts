/**
 * Monitors: continuous checks of a registered endpoint or of a version's registered artifact on a
 * schedule, the target's integrity state, and the alerts its changes open. Creating, changing and
 * deleting a monitor needs TENANT_ADMIN (it queries a deployment on the tenant's behalf from then
 * on) and is audited; acknowledging an alert needs OPERATOR; reading needs VIEWER.
 */
import type { Transaction } from '../db/client.ts';
import type { IntegrityAlert, IntegrityChange, Monitor, Verification } from '../db/generated/client.ts';
import { fleetReport, type FleetReport } from './fleet-report.ts';
import type { Actor } from '../auth/actor.ts';
import { requireTenantRole } from '../auth/require-role.ts';
import type { Page, PageRequest } from '../common/pagination.ts';
import { recordAudit } from '../audit/audit.ts';
import type { AlertFilter, MonitorFilter, MonitorsRepository, MonitorTarget } from './monitors.repository.ts';
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

export type { AlertFilter, MonitorFilter } from './monitors.repository.ts';

/** Smallest sample that still detects a change that flips a few triggers (docs/monitoring.md). */
export const MIN_TRIGGER_SAMPLE = 8;
const MAX_NOTE_CHARS = 500;
/** Longest fleet report window. */
export const MAX_REPORT_DAYS = 366;

export class MonitorsService {
  /** `monitors`: the caller's tenant's repository; null without a caller (every method refuses first). */
  constructor(
    private readonly monitors: MonitorsRepository | null,
    private readonly actor: Actor | null,
    private readonly settings: MonitoringSettings,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async create(input: CreateMonitorInput): Promise<Monitor> {
    const actor = requireTenantRole(this.actor, 'TENANT_ADMIN', 'Monitors');
    const schedule = parseSchedule(input, this.settings.minIntervalSeconds);
    const triggerSample = checkSample(input.triggerSample);
    const target = await this.target(input);
    const now = this.clock();
    const monitors = this.monitors!;
    return monitors.transaction(async (tx) => {
      // Serialises creations of one tenant, so the count below holds until the commit.
      await monitors.lockTenant(tx, actor.tenantId);
      if ((await monitors.count(tx, actor.tenantId)) >= this.settings.maxMonitorsPerTenant) {
        throw new MonitoringError('MONITOR_LIMIT_REACHED', `A tenant may keep at most ${this.settings.maxMonitorsPerTenant} monitors; delete one first.`, ['input']);
      }
      const existing = await monitors.monitorOf(tx, actor.tenantId, target);
      if (existing) throw new MonitoringError('MONITOR_EXISTS', `This ${target.mode === 'ENDPOINT' ? 'endpoint' : "version's artifact"} already has a monitor (${existing}); update it instead.`, ['input', target.mode === 'ENDPOINT' ? 'endpointId' : 'modelVersionId']);
      const monitor = await monitors.create(tx, actor.tenantId, target, { ...schedule, triggerSample, paused: input.paused ?? false, anchorAt: now, nextRunAt: firstRunAt(schedule, now), stateSince: now });
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
    const monitors = this.monitors!;
    return monitors.transaction(async (tx) => {
      await lockStillThere(monitors, tx, current.id);
      const monitor = await monitors.update(tx, current.id, {
        intervalSeconds: schedule.intervalSeconds,
        cron: schedule.cron,
        jitterSeconds: schedule.jitterSeconds,
        triggerSample,
        paused,
        ...(restart ? { anchorAt: now, nextRunAt: firstRunAt(schedule, now) } : {}),
      });
      await recordAudit(tx, { tenantId: actor.tenantId, actorApiKeyId: actor.apiKeyId, action: 'monitor.update', recordId: monitor.id, details: { paused, schedule: describeSchedule(monitor) } });
      return monitor;
    });
  }

  /** Stops monitoring; its history and alerts go with it, its verifications stay. */
  async delete(id: string): Promise<Monitor> {
    const actor = requireTenantRole(this.actor, 'TENANT_ADMIN', 'Monitors');
    const current = await this.existing(id);
    const monitors = this.monitors!;
    return monitors.transaction(async (tx) => {
      await lockStillThere(monitors, tx, current.id);
      const deleted = await monitors.delete(tx, current.id);
      await recordAudit(tx, { tenantId: actor.tenantId, actorApiKeyId: actor.apiKeyId, action: 'monitor.delete', recordId: current.id });
      return deleted;
    });
  }

  async get(id: string): Promise<Monitor | null> {
    requireTenantRole(this.actor, 'VIEWER', 'Monitors');
    return this.monitors!.get(id);
  }

  async forEndpoint(endpointId: string): Promise<Monitor | null> {
    requireTenantRole(this.actor, 'VIEWER', 'Monitors');
    return this.monitors!.forEndpoint(endpointId);
  }

  async list(filter: MonitorFilter, page: PageRequest): Promise<Page<Monitor>> {
    requireTenantRole(this.actor, 'VIEWER', 'Monitors');
    return this.monitors!.list(filter, page);
  }

  async alerts(filter: AlertFilter, page: PageRequest): Promise<Page<IntegrityAlert>> {
    requireTenantRole(this.actor, 'VIEWER', 'Monitors');
    return this.monitors!.alerts(filter, page);
  }

  /** The version's monitors (of its endpoints and of its artifact), oldest first. */
  async forVersion(modelVersionId: string): Promise<Monitor[]> {
    requireTenantRole(this.actor, 'VIEWER', 'Monitors');
    return this.monitors!.forVersion(modelVersionId);
  }

  /** The runs a monitor started, newest first. */
  async runs(monitorId: string, page: PageRequest): Promise<Page<Verification>> {
    requireTenantRole(this.actor, 'VIEWER', 'Monitors');
    return this.monitors!.runs(monitorId, page);
  }

  async alert(id: string): Promise<IntegrityAlert | null> {
    requireTenantRole(this.actor, 'VIEWER', 'Monitors');
    return this.monitors!.alert(id);
  }

  /** The change an alert was opened for (its previous state). */
  async changeOf(alert: IntegrityAlert): Promise<IntegrityChange> {
    requireTenantRole(this.actor, 'VIEWER', 'Monitors');
    return this.monitors!.changeOf(alert);
  }

  /** The fleet report over [since, until] (until defaults to now; at most MAX_REPORT_DAYS). */
  async report(since: Date, until?: Date | null): Promise<FleetReport> {
    requireTenantRole(this.actor, 'VIEWER', 'Monitors');
    const end = until ?? this.clock();
    if (!(since < end) || end.getTime() - since.getTime() > MAX_REPORT_DAYS * 86_400_000) {
      throw new MonitoringError('INVALID_MONITOR_INPUT', `The window must start before it ends and span at most ${MAX_REPORT_DAYS} days.`, ['since']);
    }
    return fleetReport(await this.monitors!.reportWindow(since, end), since, end);
  }

  /** Closes an open alert, recording who and when (idempotent: an acknowledged one is returned as it is). */
  async acknowledge(alertId: string, note?: string | null): Promise<IntegrityAlert> {
    const actor = requireTenantRole(this.actor, 'OPERATOR', 'Alerts');
    if (note !== undefined && note !== null && (note.length > MAX_NOTE_CHARS || /[\x00-\x08\x0b-\x1f\x7f]/.test(note))) {
      throw new MonitoringError('INVALID_MONITOR_INPUT', `note must be at most ${MAX_NOTE_CHARS} characters without control characters.`, ['input', 'note']);
    }
    const monitors = this.monitors!;
    const alert = await monitors.alert(alertId);
    if (!alert) throw new MonitoringError('ALERT_NOT_FOUND', 'No such alert.', ['input', 'id']);
    if (alert.acknowledgedAt) return alert;
    const keyName = await monitors.apiKeyName(actor.apiKeyId);
    return monitors.transaction(async (tx) => {
      const acknowledged = await monitors.acknowledge(tx, actor.tenantId, alert.id, { acknowledgedAt: this.clock(), acknowledgedById: actor.apiKeyId, acknowledgedBy: keyName, note: note ?? null });
      if (acknowledged) await recordAudit(tx, { tenantId: actor.tenantId, actorApiKeyId: actor.apiKeyId, action: 'alert.acknowledge', recordId: alert.id });
      return monitors.alertIn(tx, alert.id);
    });
  }

  private async existing(id: string): Promise<Monitor> {
    const monitor = await this.monitors!.get(id);
    if (!monitor) throw new MonitoringError('MONITOR_NOT_FOUND', 'No such monitor.', ['input', 'id']);
    return monitor;
  }

  /** What the monitor checks: a live registered endpoint, or a version with a registered artifact. */
  private async target(input: CreateMonitorInput): Promise<MonitorTarget> {
    if (Boolean(input.endpointId) === Boolean(input.modelVersionId)) {
      throw new MonitoringError('INVALID_MONITOR_INPUT', 'Give endpointId (to check a deployment) or modelVersionId (to check the registered artifact), not both.', ['input', 'endpointId']);
    }
    if (input.endpointId) {
      const endpoint = await this.monitors!.endpoint(input.endpointId);
      if (!endpoint || endpoint.removedAt) throw new MonitoringError('INVALID_MONITOR_INPUT', 'No such registered endpoint.', ['input', 'endpointId']);
      return { mode: 'ENDPOINT', endpointId: endpoint.id, modelVersionId: endpoint.modelVersionId };
    }
    const version = await this.monitors!.version(input.modelVersionId!);
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
async function lockStillThere(monitors: MonitorsRepository, tx: Transaction, id: string): Promise<void> {
  if (!(await monitors.lock(tx, id))) throw new MonitoringError('MONITOR_NOT_FOUND', 'No such monitor.', ['input', 'id']);
}
