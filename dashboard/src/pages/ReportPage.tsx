/**
 * The fleet report: per monitored deployment over the last 7, 30 or 90 days, the checks and their
 * verdicts, the share of the time it was HEALTHY (as a bar), open alerts; downloadable as JSON
 * evidence naming each check's attestation (GET /v1/attestations/{jti} fetches one).
 */
import { useState } from 'react';
import { gql } from '../api.ts';
import { StateBadge, targetName, type IntegrityState } from '../components/Monitoring.tsx';
import { ErrorBox, Loading, Time } from '../components/ui.tsx';
import { formatPercent } from '../format.ts';
import { useQuery } from '../hooks.ts';
import { Link } from '../router.tsx';
import { FLEET_REPORT } from '../queries.ts';

interface ReportRow {
  monitor: { id: string; mode: 'ARTIFACT' | 'ENDPOINT'; state: IntegrityState; endpoint: { name: string; url: string } | null; modelVersion: { id: string; label: string; model: { id: string; name: string } } };
  checks: number;
  intact: number;
  tampered: number;
  errors: number;
  healthyShare: number | null;
  openAlerts: number;
  evidence: Array<{ verificationId: string; verdict: string; completedAt: string; attestationId: string | null }>;
}

interface ReportData {
  fleetReport: { since: string; until: string; rows: ReportRow[] };
}

const WINDOWS = [7, 30, 90];

export function ReportPage() {
  const [days, setDays] = useState(30);
  const query = useQuery(() => gql<ReportData>(FLEET_REPORT, { since: new Date(Date.now() - days * 86_400_000).toISOString() }), [days]);
  const download = () => {
    if (!query.data) return;
    const blob = new Blob([JSON.stringify(query.data.fleetReport, null, 2)], { type: 'application/json' });
    const url = URL.createObjectURL(blob);
    const a = document.createElement('a');
    a.href = url;
    a.download = `fleet-report-${days}d.json`;
    a.click();
    URL.revokeObjectURL(url);
  };
  return (
    <>
      <div className="page-header">
        <h1>Fleet report</h1>
        <button type="button" className="button button-small" onClick={download} disabled={!query.data}>
          Download JSON evidence
        </button>
      </div>
      <form className="filters" aria-label="Report window" onSubmit={(e) => e.preventDefault()}>
        <div className="field">
          <label htmlFor="report-window">Window</label>
          <select id="report-window" value={days} onChange={(e) => setDays(Number(e.target.value))}>
            {WINDOWS.map((d) => (
              <option key={d} value={d}>
                Last {d} days
              </option>
            ))}
          </select>
        </div>
      </form>
      {query.error !== undefined && <ErrorBox error={query.error} onRetry={query.reload} />}
      {!query.data ? (
        query.error === undefined && <Loading what="the report" />
      ) : query.data.fleetReport.rows.length === 0 ? (
        <div className="card empty">
          <p>No monitors yet: the report covers deployments checked on a schedule.</p>
        </div>
      ) : (
        <div className="table-wrap">
          <table className="table report-table">
            <caption className="visually-hidden">
              Monitored deployments from {query.data.fleetReport.since} to {query.data.fleetReport.until}
            </caption>
            <thead>
              <tr>
                <th scope="col">Deployment</th>
                <th scope="col">State</th>
                <th scope="col">Time healthy</th>
                <th scope="col">Checks</th>
                <th scope="col">Open alerts</th>
                <th scope="col">Last check</th>
              </tr>
            </thead>
            <tbody>
              {query.data.fleetReport.rows.map((row) => (
                <tr key={row.monitor.id} data-report-monitor={row.monitor.id}>
                  <td data-label="Deployment">
                    <Link to={`/versions/${row.monitor.modelVersion.id}`}>
                      {row.monitor.modelVersion.model.name} {row.monitor.modelVersion.label}
                    </Link>
                    <div className="small muted">{targetName(row.monitor)}</div>
                  </td>
                  <td data-label="State">
                    <StateBadge state={row.monitor.state} />
                  </td>
                  <td data-label="Time healthy">
                    <HealthyBar share={row.healthyShare} />
                  </td>
                  <td data-label="Checks" className="num">
                    {row.checks} <span className="small muted">({row.intact} intact, {row.tampered} tampered, {row.errors} error)</span>
                  </td>
                  <td data-label="Open alerts" className="num">
                    {row.openAlerts}
                  </td>
                  <td data-label="Last check">{row.evidence[0] ? <Time iso={row.evidence[0].completedAt} relative /> : <span className="muted">none</span>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}

/** The HEALTHY share as a horizontal bar (SVG) with its figure. */
function HealthyBar({ share }: { share: number | null }) {
  if (share === null) return <span className="muted">not known yet</span>;
  const width = 120;
  return (
    <span className="healthy-bar" data-healthy-share={share.toFixed(3)}>
      <svg width={width} height="10" role="img" aria-label={`Healthy ${formatPercent(share)} of the time`}>
        <rect className="bar-back" x="0" y="0" width={width} height="10" rx="2" />
        <rect className="bar-healthy" x="0" y="0" width={Math.round(share * width)} height="10" rx="2" />
      </svg>{' '}
      {formatPercent(share)}
    </span>
  );
}
