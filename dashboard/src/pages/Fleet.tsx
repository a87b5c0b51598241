/**
 * Fleet overview: every model, its versions and aliases, its latest verdict, the integrity state
 * of its monitored deployments; tampered first. Open alerts sit above the table.
 */
import { useMemo, useState } from 'react';
import { allPages, gql, type Verdict } from '../api.ts';
import { AlertsPanel, STATE_ORDER, StateBadge, targetName, type AlertRow, type MonitorRow } from '../components/Monitoring.tsx';
import { ErrorBox, Loading, Time, VerdictBadge } from '../components/ui.tsx';
import { VERDICT_ORDER } from '../format.ts';
import { useQuery } from '../hooks.ts';
import { Link } from '../router.tsx';
import { FLEET, FLEET_VERSIONS_SHOWN, MONITORING } from '../queries.ts';

interface MonitoringData {
  monitors: { totalCount: number; edges: Array<{ node: MonitorRow }> };
  integrityAlerts: { totalCount: number; edges: Array<{ node: AlertRow }> };
}

interface FleetModel {
  id: string;
  name: string;
  tags: string[];
  aliases: Array<{ name: string; version: { id: string; label: string } }>;
  versions: {
    totalCount: number;
    edges: Array<{ node: { id: string; label: string; status: string; latestVerification: { verdict: Verdict } | null } }>;
  };
  latestVerification: {
    id: string;
    verdict: Verdict;
    createdAt: string;
    completedAt: string | null;
    modelVersion: { id: string; label: string };
  } | null;
  verificationCounts: { intact: number; tampered: number; error: number };
}


type VerdictFilter = 'ALL' | Verdict | 'NONE';

const FILTERS: Array<{ value: VerdictFilter; label: string }> = [
  { value: 'ALL', label: 'All verdicts' },
  { value: 'TAMPERED', label: 'Tampered' },
  { value: 'ERROR', label: 'Error' },
  { value: 'INTACT', label: 'Intact' },
  { value: 'PENDING', label: 'Pending' },
  { value: 'NONE', label: 'Never verified' },
];

const verdictOf = (model: FleetModel): Verdict | 'NONE' => model.latestVerification?.verdict ?? 'NONE';

export function Fleet({ role }: { role: string }) {
  const query = useQuery(() => allPages<FleetModel, { models: any }>(FLEET, {}, (d) => d.models), []);
  const monitoring = useQuery(() => gql<MonitoringData>(MONITORING), []);
  const monitorsOf = useMemo(() => {
    const byModel = new Map<string, MonitorRow[]>();
    for (const { node } of monitoring.data?.monitors.edges ?? []) byModel.set(node.modelVersion.model.id, [...(byModel.get(node.modelVersion.model.id) ?? []), node]);
    for (const list of byModel.values()) list.sort((a, b) => STATE_ORDER[a.state] - STATE_ORDER[b.state]);
    return byModel;
  }, [monitoring.data]);
  const [verdict, setVerdict] = useState<VerdictFilter>('ALL');
  const [tag, setTag] = useState('');
  const [search, setSearch] = useState('');

  const models = query.data?.nodes ?? [];
  const tags = useMemo(() => [...new Set(models.flatMap((m) => m.tags))].sort(), [models]);
  const counts = useMemo(() => {
    const c: Record<Verdict | 'NONE', number> = { TAMPERED: 0, ERROR: 0, INTACT: 0, PENDING: 0, NONE: 0 };
    for (const m of models) c[verdictOf(m)] += 1;
    return c;
  }, [models]);
  const shown = useMemo(() => {
    const needle = search.trim().toLowerCase();
    return models
      .filter((m) => verdict === 'ALL' || verdictOf(m) === verdict)
      .filter((m) => !tag || m.tags.includes(tag))
      .filter((m) => !needle || m.name.toLowerCase().includes(needle))
      .map((m, index) => ({ m, index }))
      // Problems first (tampered, then error); otherwise the API's order (newest first).
      .sort((a, b) => Math.min(VERDICT_ORDER[verdictOf(a.m)], 2) - Math.min(VERDICT_ORDER[verdictOf(b.m)], 2) || a.index - b.index)
      .map(({ m }) => m);
  }, [models, verdict, tag, search]);

  return (
    <>
      <div className="page-header">
        <h1>Fleet integrity</h1>
        <button
          type="button"
          className="button button-small"
          onClick={() => {
            query.reload();
            monitoring.reload();
          }}
          disabled={query.loading}
        >
          Refresh
        </button>
      </div>
      {query.error !== undefined && <ErrorBox error={query.error} onRetry={query.reload} />}
      {query.loading && !query.data && <Loading what="models" />}
      {monitoring.error !== undefined && <ErrorBox error={monitoring.error} onRetry={monitoring.reload} />}
      {monitoring.data && (
        <AlertsPanel
          alerts={monitoring.data.integrityAlerts.edges.map((e) => e.node)}
          total={monitoring.data.integrityAlerts.totalCount}
          canAcknowledge={role !== 'VIEWER'}
          onAcknowledged={monitoring.reload}
        />
      )}
      {query.data && (
        <>
          <div className="tiles" role="group" aria-label="Models by latest verdict">
            <Tile label="Models" value={models.length} active={verdict === 'ALL'} onClick={() => setVerdict('ALL')} kind="all" />
            <Tile label="Tampered" value={counts.TAMPERED} active={verdict === 'TAMPERED'} onClick={() => setVerdict('TAMPERED')} kind="tampered" />
            <Tile label="Error" value={counts.ERROR} active={verdict === 'ERROR'} onClick={() => setVerdict('ERROR')} kind="error" />
            <Tile label="Intact" value={counts.INTACT} active={verdict === 'INTACT'} onClick={() => setVerdict('INTACT')} kind="intact" />
            <Tile label="Never verified" value={counts.NONE} active={verdict === 'NONE'} onClick={() => setVerdict('NONE')} kind="none" />
          </div>
          {counts.TAMPERED > 0 && (
            <div className="alert alert-danger" role="alert">
              <strong>
                {counts.TAMPERED} {counts.TAMPERED === 1 ? 'model was' : 'models were'} found tampered
              </strong>{' '}
              at {counts.TAMPERED === 1 ? 'its' : 'their'} latest verification.
            </div>
          )}
          <form className="filters" role="search" aria-label="Filter models" onSubmit={(e) => e.preventDefault()}>
            <div className="field">
              <label htmlFor="filter-verdict">Latest verdict</label>
              <select id="filter-verdict" value={verdict} onChange={(e) => setVerdict(e.target.value as VerdictFilter)}>
                {FILTERS.map((f) => (
                  <option key={f.value} value={f.value}>
                    {f.label}
                  </option>
                ))}
              </select>
            </div>
            <div className="field">
              <label htmlFor="filter-tag">Tag</label>
              <select id="filter-tag" value={tag} onChange={(e) => setTag(e.target.value)}>
                <option value="">All tags</option>
                {tags.map((t) => (
                  <option key={t} value={t}>
                    {t}
                  </option>
                ))}
              </select>
            </div>
            <div className="field field-grow">
              <label htmlFor="filter-name">Name</label>
              <input id="filter-name" type="search" placeholder="Search by name" value={search} onChange={(e) => setSearch(e.target.value)} />
            </div>
          </form>
          {query.data.truncated && <p className="muted">Showing the first {models.length} models.</p>}
          <p className="muted small" aria-live="polite">
            {shown.length} of {models.length} models
          </p>
          {models.length === 0 ? (
            <div className="card empty">
              <p>No models registered yet. Register one with the API or the CLI (<code>registerModel</code>, <code>fragmark models push</code>).</p>
            </div>
          ) : shown.length === 0 ? (
            <div className="card empty">
              <p>No model matches these filters.</p>
            </div>
          ) : (
            <div className="table-wrap">
              <table className="table fleet-table">
                <caption className="visually-hidden">Models with their latest verification</caption>
                <thead>
                  <tr>
                    <th scope="col">Model</th>
                    <th scope="col">Latest verdict</th>
                    <th scope="col">Last verified</th>
                    <th scope="col">Deployments</th>
                    <th scope="col">Versions</th>
                    <th scope="col">Aliases</th>
                    <th scope="col">History</th>
                  </tr>
                </thead>
                <tbody>
                  {shown.map((m) => (
                    <FleetRow key={m.id} model={m} monitors={monitorsOf.get(m.id) ?? []} monitoringLoaded={monitoring.data !== undefined} />
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </>
      )}
    </>
  );
}

function Tile({ label, value, active, onClick, kind }: { label: string; value: number; active: boolean; onClick: () => void; kind: string }) {
  return (
    <button type="button" className={`tile tile-${kind}${active ? ' active' : ''}${value > 0 ? ' nonzero' : ''}`} aria-pressed={active} onClick={onClick}>
      <span className="tile-value">{value}</span>
      <span className="tile-label">{label}</span>
    </button>
  );
}

function FleetRow({ model, monitors, monitoringLoaded }: { model: FleetModel; monitors: MonitorRow[]; monitoringLoaded: boolean }) {
  const latest = model.latestVerification;
  const verdict = verdictOf(model);
  const versions = model.versions.edges.map((e) => e.node);
  return (
    <tr className={`row-${verdict.toLowerCase()}`} data-model={model.name}>
      <td data-label="Model">
        <Link to={`/models/${model.id}`} className="model-name">
          {model.name}
        </Link>
        {model.tags.length > 0 && (
          <ul className="tags" aria-label="Tags">
            {model.tags.map((t) => (
              <li key={t} className="tag">
                {t}
              </li>
            ))}
          </ul>
        )}
      </td>
      <td data-label="Latest verdict">
        <VerdictBadge verdict={latest?.verdict} />
        {latest && (
          <div className="small muted">
            on <Link to={`/versions/${latest.modelVersion.id}`}>{latest.modelVersion.label}</Link>
          </div>
        )}
      </td>
      <td data-label="Last verified">{latest ? <Time iso={latest.completedAt ?? latest.createdAt} relative /> : <span className="muted">never</span>}</td>
      <td data-label="Deployments" data-deployments={monitors.length}>
        {!monitoringLoaded ? (
          <span className="muted">…</span>
        ) : monitors.length === 0 ? (
          <span className="muted">not monitored</span>
        ) : (
          <ul className="plain-list" aria-label={`Monitored deployments of ${model.name}`}>
            {monitors.map((m) => (
              <li key={m.id} data-monitor-state={m.state}>
                <StateBadge state={m.state} />{' '}
                <Link to={`/versions/${m.modelVersion.id}`} className="small">
                  {m.modelVersion.label} {targetName(m)}
                </Link>
              </li>
            ))}
          </ul>
        )}
      </td>
      <td data-label="Versions">
        {versions.length === 0 ? (
          <span className="muted">none</span>
        ) : (
          <ul className="chips" aria-label={`Versions of ${model.name}`}>
            {versions.slice(0, FLEET_VERSIONS_SHOWN).map((v) => (
              <li key={v.id}>
                <Link
                  to={`/versions/${v.id}`}
                  className={`chip chip-${(v.latestVerification?.verdict ?? 'none').toLowerCase()}`}
                  title={`Version ${v.label}: ${v.latestVerification ? v.latestVerification.verdict.toLowerCase() : v.status === 'READY' ? 'never verified' : 'awaiting upload'}`}
                >
                  <span className="chip-dot" aria-hidden="true" />
                  {v.label}
                </Link>
              </li>
            ))}
            {model.versions.totalCount > FLEET_VERSIONS_SHOWN && (
              <li>
                <Link to={`/models/${model.id}`} className="chip chip-more">
                  +{model.versions.totalCount - FLEET_VERSIONS_SHOWN} more
                </Link>
              </li>
            )}
          </ul>
        )}
      </td>
      <td data-label="Aliases">
        {model.aliases.length === 0 ? (
          <span className="muted">—</span>
        ) : (
          <ul className="plain-list">
            {model.aliases.map((a) => (
              <li key={a.name}>
                <span className="alias">{a.name}</span> → <Link to={`/versions/${a.version.id}`}>{a.version.label}</Link>
              </li>
            ))}
          </ul>
        )}
      </td>
      <td data-label="History" className="counts">
        <span className="count count-intact" title="Intact verdicts">
          {model.verificationCounts.intact} intact
        </span>
        <span className={`count count-tampered${model.verificationCounts.tampered ? ' nonzero' : ''}`} title="Tampered verdicts">
          {model.verificationCounts.tampered} tampered
        </span>
        {model.verificationCounts.error > 0 && (
          <span className="count count-error" title="Verifications that ended in error">
            {model.verificationCounts.error} error
          </span>
        )}
      </td>
    </tr>
  );
}
