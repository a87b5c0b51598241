/**
 * Monitoring pieces: the integrity-state badge, a monitor's schedule in words, the open-alerts
 * panel of the fleet page (with acknowledgement) and the monitors of a version.
 */
import { useState } from 'react';
import { gql } from '../api.ts';
import { ACKNOWLEDGE_ALERT } from '../queries.ts';
import { Link } from '../router.tsx';
import { ErrorBox, Time } from './ui.tsx';

export type IntegrityState = 'UNKNOWN' | 'HEALTHY' | 'TAMPERED' | 'UNREACHABLE';

export interface MonitorRow {
  id: string;
  mode: 'ARTIFACT' | 'ENDPOINT';
  state: IntegrityState;
  stateSince: string;
  intervalSeconds: number | null;
  cron: string | null;
  jitterSeconds: number;
  triggerSample: number | null;
  paused: boolean;
  nextRunAt: string;
  lastRunAt: string | null;
  lastRunError: string | null;
  consecutiveErrors: number;
  endpoint: { name: string; url: string } | null;
  modelVersion: { id: string; label: string; model: { id: string; name: string } };
}

export interface AlertRow {
  id: string;
  state: IntegrityState;
  previousState: IntegrityState;
  openedAt: string;
  verification: { id: string };
  monitor: Pick<MonitorRow, 'id' | 'mode' | 'endpoint' | 'modelVersion'>;
}

const STATE: Record<IntegrityState, { text: string; palette: string }> = {
  HEALTHY: { text: 'Healthy', palette: 'intact' },
  TAMPERED: { text: 'Tampered', palette: 'tampered' },
  UNREACHABLE: { text: 'Unreachable', palette: 'error' },
  UNKNOWN: { text: 'Not checked yet', palette: 'none' },
};

/** Worst first: what a fleet overview shows for several deployments. */
export const STATE_ORDER: Record<IntegrityState, number> = { TAMPERED: 0, UNREACHABLE: 1, UNKNOWN: 2, HEALTHY: 3 };

export function StateBadge({ state }: { state: IntegrityState }) {
  return (
    <span className={`badge badge-${STATE[state].palette}`} data-state={state}>
      <span className="badge-dot" aria-hidden="true" />
      {STATE[state].text}
    </span>
  );
}

/** "production endpoint" or "registered artifact". */
export function targetName(m: Pick<MonitorRow, 'mode' | 'endpoint'>): string {
  return m.endpoint ? `endpoint ${m.endpoint.name}` : 'registered artifact';
}

function seconds(s: number): string {
  if (s % 86_400 === 0) return `${s / 86_400} d`;
  if (s % 3600 === 0) return `${s / 3600} h`;
  if (s % 60 === 0) return `${s / 60} min`;
  return `${s} s`;
}

export function scheduleText(m: Pick<MonitorRow, 'intervalSeconds' | 'cron' | 'jitterSeconds' | 'triggerSample' | 'paused'>): string {
  const every = m.intervalSeconds !== null ? `every ${seconds(m.intervalSeconds)}` : `cron ${m.cron} (UTC)`;
  const jitter = m.jitterSeconds > 0 ? ` + up to ${seconds(m.jitterSeconds)}` : '';
  const sample = m.triggerSample ? `, ${m.triggerSample} random triggers a run` : ', every trigger';
  return `${every}${jitter}${sample}${m.paused ? ' (paused)' : ''}`;
}

/** The fleet's open alerts, newest first; an OPERATOR key (or stronger) acknowledges them here. */
export function AlertsPanel({ alerts, total, canAcknowledge, onAcknowledged }: { alerts: AlertRow[]; total: number; canAcknowledge: boolean; onAcknowledged: () => void }) {
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState<string | null>(null);
  if (total === 0) return null;
  const acknowledge = async (id: string) => {
    setBusy(id);
    setError(undefined);
    try {
      const result = await gql<{ acknowledgeAlert: { userErrors: Array<{ message: string }> } }>(ACKNOWLEDGE_ALERT, { id });
      const [refused] = result.acknowledgeAlert.userErrors;
      if (refused) throw new Error(refused.message);
      onAcknowledged();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(null);
    }
  };
  return (
    <section className="card alerts-panel" aria-labelledby="alerts-title" data-alerts={total}>
      <h2 id="alerts-title">
        {total} open {total === 1 ? 'alert' : 'alerts'}
      </h2>
      {error !== undefined && <ErrorBox error={error} />}
      {!canAcknowledge && <p className="small muted">An operator key (or stronger) acknowledges alerts.</p>}
      <ul className="plain-list alerts">
        {alerts.map((a) => (
          <li key={a.id} className={`alert-row alert-${a.state.toLowerCase()}`} data-alert={a.id}>
            <StateBadge state={a.state} />{' '}
            <Link to={`/versions/${a.monitor.modelVersion.id}`}>
              {a.monitor.modelVersion.model.name} {a.monitor.modelVersion.label}
            </Link>{' '}
            <span className="muted">
              ({targetName(a.monitor)}) was {a.previousState.toLowerCase()}, <Time iso={a.openedAt} relative />
            </span>{' '}
            {canAcknowledge && (
              <button type="button" className="button button-small" disabled={busy === a.id} onClick={() => void acknowledge(a.id)}>
                Acknowledge
              </button>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}

/** A version's monitors: target, schedule, state and the next run. */
export function MonitorsTable({ monitors }: { monitors: MonitorRow[] }) {
  if (monitors.length === 0) {
    return (
      <p className="muted">
        Not monitored. A tenant admin schedules checks with <code>createMonitor</code> or <code>fragmark monitors create</code>.
      </p>
    );
  }
  return (
    <div className="table-wrap">
      <table className="table">
        <thead>
          <tr>
            <th scope="col">Checks</th>
            <th scope="col">State</th>
            <th scope="col">Schedule</th>
            <th scope="col">Last run</th>
            <th scope="col">Next run</th>
          </tr>
        </thead>
        <tbody>
          {monitors.map((m) => (
            <tr key={m.id} data-monitor={m.id}>
              <td data-label="Checks">
                {targetName(m)}
                {m.endpoint && <div className="small muted break">{m.endpoint.url}</div>}
              </td>
              <td data-label="State">
                <StateBadge state={m.state} />
                <div className="small muted">
                  since <Time iso={m.stateSince} relative />
                </div>
              </td>
              <td data-label="Schedule">{scheduleText(m)}</td>
              <td data-label="Last run">
                <Time iso={m.lastRunAt} relative />
                {m.lastRunError && <div className="small muted">not started: {m.lastRunError}</div>}
              </td>
              <td data-label="Next run">{m.paused ? <span className="muted">paused</span> : <Time iso={m.nextRunAt} relative />}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
