/**
 * Monitoring from the command line:
 *
 *   fragmark monitors create (--endpoint-id <id> | --version <modelVersionId>) (--every <duration> | --cron "<expr>")
 *       [--jitter <duration>] [--sample N] [--paused]          (TENANT_ADMIN)
 *   fragmark monitors list [--state HEALTHY|TAMPERED|UNREACHABLE|UNKNOWN]
 *   fragmark monitors pause|resume <monitorId>                  (TENANT_ADMIN)
 *   fragmark alerts [--all]                                     open alerts (--all: acknowledged too)
 *   fragmark alerts ack <alertId> [--note "..."]                (OPERATOR)
 *   fragmark report [--since 30d] [--until <ISO time>]          per monitor: checks, verdicts, time HEALTHY, open alerts
 *
 * Durations are a number with s, m, h or d (`90s`, `15m`, `30d`).
 */
import { ApiClient, CliError, clientOptions } from './api-client.ts';
import { flag, type Flags, type Out } from './client-commands.ts';

const MONITOR_FIELDS = 'id mode state stateSince intervalSeconds cron jitterSeconds triggerSample paused nextRunAt lastRunAt lastRunError endpoint { name url } modelVersion { label model { name } }';
const ALERT_FIELDS = 'id state previousState openedAt acknowledged acknowledgedAt acknowledgedBy note verification { id } monitor { id endpoint { name url } modelVersion { label model { name } } }';
const UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };

/** Seconds in a duration such as `90s`, `15m`, `12h` or `30d`. */
export function parseDuration(value: string, name: string): number {
  const match = /^(\d{1,7})([smhd])$/.exec(value.trim());
  if (!match) throw new CliError(`--${name} must be a number followed by s, m, h or d (e.g. 15m, 30d), not "${value}".`, 2);
  return Number(match[1]) * UNITS[match[2]!]!;
}

export async function monitorsCreate(flags: Flags, out: Out): Promise<number> {
  const endpointId = flag(flags, 'endpoint-id');
  const modelVersionId = flag(flags, 'version');
  const every = flag(flags, 'every');
  const cron = flag(flags, 'cron');
  if (!endpointId === !modelVersionId || !every === !cron) {
    throw new CliError('usage: fragmark monitors create (--endpoint-id <id> | --version <modelVersionId>) (--every <duration> | --cron "<expr>") [--jitter <duration>] [--sample N] [--paused]', 2);
  }
  const sample = flag(flags, 'sample');
  const input = {
    ...(endpointId ? { endpointId } : { modelVersionId }),
    ...(every ? { intervalSeconds: parseDuration(every, 'every') } : { cron }),
    ...(flag(flags, 'jitter') ? { jitterSeconds: parseDuration(flag(flags, 'jitter')!, 'jitter') } : {}),
    ...(sample !== undefined ? { triggerSample: Number(sample) } : {}),
    ...(flags.has('paused') ? { paused: true } : {}),
  };
  const client = new ApiClient(clientOptions(flags));
  const { monitor } = await client.mutate('createMonitor', `mutation($input: CreateMonitorInput!) { createMonitor(input: $input) { monitor { ${MONITOR_FIELDS} } userErrors { code message } } }`, { input });
  out(`Monitor ${monitor.id}: ${describe(monitor)}; first run ${monitor.paused ? 'when resumed' : `at ${monitor.nextRunAt}`}.`, { ok: true, monitor });
  return 0;
}

export async function monitorsList(flags: Flags, out: Out): Promise<number> {
  const state = flag(flags, 'state');
  const client = new ApiClient(clientOptions(flags));
  const { monitors } = await client.graphql(`query($filter: MonitorFilter) { monitors(first: 100, filter: $filter) { totalCount edges { node { ${MONITOR_FIELDS} } } } }`, {
    filter: state ? { state: state.toUpperCase() } : null,
  });
  const rows = monitors.edges.map(({ node: m }: any) => `${m.id}  ${m.state.padEnd(11)} since ${m.stateSince}  ${describe(m)}${m.lastRunError ? `  (last run not started: ${m.lastRunError})` : ''}`);
  out(rows.length ? `${rows.join('\n')}${monitors.totalCount > rows.length ? `\n... ${monitors.totalCount - rows.length} more` : ''}` : 'No monitors.', { ok: true, monitors: monitors.edges.map((e: any) => e.node), totalCount: monitors.totalCount });
  return 0;
}

export async function monitorsPause(args: string[], paused: boolean, flags: Flags, out: Out): Promise<number> {
  const [id] = args;
  if (!id) throw new CliError(`usage: fragmark monitors ${paused ? 'pause' : 'resume'} <monitorId>`, 2);
  const client = new ApiClient(clientOptions(flags));
  const { monitor } = await client.mutate('updateMonitor', `mutation($input: UpdateMonitorInput!) { updateMonitor(input: $input) { monitor { ${MONITOR_FIELDS} } userErrors { code message } } }`, { input: { id, paused } });
  out(`Monitor ${monitor.id} ${paused ? 'paused' : `resumed; next run at ${monitor.nextRunAt}`}.`, { ok: true, monitor });
  return 0;
}

export async function alertsList(flags: Flags, out: Out): Promise<number> {
  const client = new ApiClient(clientOptions(flags));
  const { integrityAlerts } = await client.graphql(`query($filter: IntegrityAlertFilter) { integrityAlerts(first: 100, filter: $filter) { totalCount edges { node { ${ALERT_FIELDS} } } } }`, {
    filter: flags.has('all') ? null : { open: true },
  });
  const rows = integrityAlerts.edges.map(({ node: a }: any) =>
    `${a.id}  ${a.openedAt}  ${a.previousState} -> ${a.state}  ${target(a.monitor)}${a.acknowledged ? `  (acknowledged by ${a.acknowledgedBy ?? 'a deleted key'} at ${a.acknowledgedAt})` : ''}`,
  );
  out(rows.length ? rows.join('\n') : flags.has('all') ? 'No alerts.' : 'No open alerts.', { ok: true, alerts: integrityAlerts.edges.map((e: any) => e.node), totalCount: integrityAlerts.totalCount });
  return 0;
}

export async function alertsAck(args: string[], flags: Flags, out: Out): Promise<number> {
  const [id] = args;
  if (!id) throw new CliError('usage: fragmark alerts ack <alertId> [--note "..."]', 2);
  const client = new ApiClient(clientOptions(flags));
  const { alert } = await client.mutate(
    'acknowledgeAlert',
    `mutation($input: AcknowledgeAlertInput!) { acknowledgeAlert(input: $input) { alert { ${ALERT_FIELDS} } userErrors { code message } } }`,
    { input: { id, note: flag(flags, 'note') ?? null } },
  );
  out(`Alert ${alert.id} acknowledged by ${alert.acknowledgedBy ?? 'this key'} at ${alert.acknowledgedAt}.`, { ok: true, alert });
  return 0;
}

export async function report(flags: Flags, out: Out): Promise<number> {
  const until = flag(flags, 'until') ? new Date(flag(flags, 'until')!) : new Date();
  if (Number.isNaN(until.getTime())) throw new CliError('--until must be an ISO 8601 time, e.g. 2026-12-01T00:00:00Z.', 2);
  const since = new Date(until.getTime() - parseDuration(flag(flags, 'since') ?? '30d', 'since') * 1000);
  const client = new ApiClient(clientOptions(flags));
  const { fleetReport } = await client.graphql(
    `query($since: DateTime!, $until: DateTime!) { fleetReport(since: $since, until: $until) { since until rows {
      monitor { ${MONITOR_FIELDS} } checks intact tampered errors healthyShare openAlerts evidence { verificationId verdict completedAt attestationId } } } }`,
    { since: since.toISOString(), until: until.toISOString() },
  );
  const lines = [`Fleet report ${fleetReport.since} .. ${fleetReport.until}`, 'state        checks  intact  tampered  errors  healthy  open alerts  target'];
  for (const row of fleetReport.rows) {
    const healthy = row.healthyShare === null ? '-' : `${(row.healthyShare * 100).toFixed(1)}%`;
    lines.push(
      `${row.monitor.state.padEnd(12)} ${String(row.checks).padStart(6)}  ${String(row.intact).padStart(6)}  ${String(row.tampered).padStart(8)}  ${String(row.errors).padStart(6)}  ${healthy.padStart(7)}  ${String(row.openAlerts).padStart(11)}  ${target(row.monitor)}`,
    );
  }
  if (fleetReport.rows.length === 0) lines.push('No monitors.');
  out(lines.join('\n'), { ok: true, report: fleetReport });
  return 0;
}

function target(m: { endpoint: { name: string; url: string } | null; modelVersion: { label: string; model: { name: string } } }): string {
  const version = `${m.modelVersion.model.name} ${m.modelVersion.label}`;
  return m.endpoint ? `${version} at ${m.endpoint.name} (${m.endpoint.url})` : `${version} (registered artifact)`;
}

function describe(m: { mode: string; intervalSeconds: number | null; cron: string | null; jitterSeconds: number; triggerSample: number | null; paused: boolean } & Parameters<typeof target>[0]): string {
  const schedule = m.intervalSeconds !== null ? `every ${m.intervalSeconds} s` : `cron "${m.cron}" (UTC)`;
  return `${target(m)}, ${schedule}${m.jitterSeconds ? ` + up to ${m.jitterSeconds} s` : ''}${m.triggerSample ? `, ${m.triggerSample} triggers a run` : ''}${m.paused ? ', paused' : ''}`;
}
