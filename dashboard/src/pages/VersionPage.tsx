/** A model version: watermarks, AccTri history chart, and every verification with its attestation. */
import { allPages, gql, type Verdict } from '../api.ts';
import { AccTriChart } from '../components/AccTriChart.tsx';
import { ErrorBox, Loading, Mono, Section, StatusBadge, Time, VerdictBadge } from '../components/ui.tsx';
import { isWeak, StrengthBadge, StrengthFacts, WeakWatermarkWarning, type StrengthFigures } from '../components/Strength.tsx';
import { VerificationTable, type VerificationRow } from '../components/VerificationTable.tsx';
import { MonitorsTable, type MonitorRow } from '../components/Monitoring.tsx';
import { formatPercent, shortId } from '../format.ts';
import { useQuery } from '../hooks.ts';
import { Link } from '../router.tsx';
import { NotFound } from './ModelPage.tsx';
import { HISTORY, VERSION } from '../queries.ts';

interface Watermark {
  id: string;
  status: string;
  scheme: string;
  method: string;
  triggerCount: number;
  createdAt: string;
  readyAt: string | null;
  commitment: string | null;
  policy: { kind: string; maxMismatchFraction: number | null };
  profile: string;
  selfCheck: { accTri: number; digestUnchanged: boolean; flipFractionUnderNoise: number; noiseStd: number; medianMargin: number; shareAtLimits: number | null } | null;
  /** As the API gives it; the trigger count is the watermark's own (strength.triggers is the same). */
  strength: Omit<StrengthFigures, 'triggers'>;
  job: { error: string | null };
}

interface Enrollment {
  id: string;
  status: string;
  stableCount: number | null;
  unstableCount: number | null;
  mismatchedCount: number | null;
  errorReason: string | null;
  createdAt: string;
  completedAt: string | null;
  endpoint: { url: string; protocol: string; inputFormat: string };
  watermark: { id: string; profile: string };
}

/** "[0, 1] as 8-bit levels", or "unbounded" for versions registered before input domains. */
function describeDomain(d: { min: number | null; max: number | null; encoding: string }): string {
  if (d.min === null || d.max === null) return 'unbounded float32 (registered before input domains)';
  return `[${d.min}, ${d.max}] ${d.encoding === 'UINT8' ? 'as 8-bit levels' : 'float32'}`;
}

interface VersionData {
  modelVersion: {
    id: string;
    label: string;
    status: string;
    createdAt: string;
    uploadedAt: string | null;
    weightsDigest: string | null;
    inputShape: number[];
    numClasses: number | null;
    format: string;
    inputLayout: string;
    aliases: string[];
    endpoint: { url: string; protocol: string; modelName: string; inputFormat: string } | null;
    endpoints: Array<{ id: string; name: string; url: string; protocol: string; hasCredential: boolean }>;
    inputDomain: { min: number | null; max: number | null; encoding: string };
    model: { id: string; name: string };
    latestVerification: { verdict: Verdict } | null;
    verificationCounts: { intact: number; tampered: number; error: number; pending: number };
    watermarks: { totalCount: number; edges: Array<{ node: Watermark }> };
    enrollments: { totalCount: number; edges: Array<{ node: Enrollment }> };
    monitors: MonitorRow[];
  } | null;
}


export function VersionPage({ id }: { id: string }) {
  const version = useQuery(() => gql<VersionData>(VERSION, { id }), [id]);
  const history = useQuery(() => allPages<VerificationRow, { verifications: any }>(HISTORY, { id }, (d) => d.verifications, 1000), [id]);
  if (version.error !== undefined) return <ErrorBox error={version.error} onRetry={version.reload} />;
  if (!version.data) return <Loading what="the model version" />;
  const v = version.data.modelVersion;
  if (!v) return <NotFound what="model version" />;
  const watermarks = v.watermarks.edges.map((e) => e.node);
  const strengthOf = (w: Watermark): StrengthFigures => ({ ...w.strength, triggers: w.triggerCount });
  const ready = watermarks.find((w) => w.status === 'READY');
  const threshold = ready ? (ready.policy.kind === 'tolerance' ? 1 - (ready.policy.maxMismatchFraction ?? 0) : 1) : null;
  const rows = history.data?.nodes ?? [];
  const counts = v.verificationCounts;

  return (
    <>
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link to="/">Fleet</Link> <span aria-hidden="true">/</span> <Link to={`/models/${v.model.id}`}>{v.model.name}</Link>{' '}
        <span aria-hidden="true">/</span> <span aria-current="page">{v.label}</span>
      </nav>
      <div className="page-header">
        <h1>
          {v.model.name} <span className="muted">{v.label}</span>
        </h1>
        <VerdictBadge verdict={v.latestVerification?.verdict} />
      </div>
      {v.latestVerification?.verdict === 'TAMPERED' && (
        <div className="alert alert-danger" role="alert">
          <strong>The latest verification found this version tampered:</strong> triggers changed their labels, so the model checked
          is not the one that was watermarked.
        </div>
      )}
      <dl className="facts">
        <div>
          <dt>Status</dt>
          <dd>{v.status === 'READY' ? 'ready' : 'awaiting upload'}</dd>
        </div>
        <div>
          <dt>Aliases</dt>
          <dd>{v.aliases.length ? v.aliases.map((a) => <span key={a} className="alias">{a}</span>) : '—'}</dd>
        </div>
        <div>
          <dt>Weights digest</dt>
          <dd>
            <Mono title={v.weightsDigest ?? undefined}>{shortId(v.weightsDigest, 16)}</Mono>
          </dd>
        </div>
        <div>
          <dt>Format · input · classes</dt>
          <dd>
            {v.inputShape.length ? `${formatName(v.format)} · [${v.inputShape.join(', ')}] ${v.inputLayout}` : '—'} · {v.numClasses ?? '—'}
          </dd>
        </div>
        <div>
          <dt>Input domain</dt>
          <dd>{describeDomain(v.inputDomain)}</dd>
        </div>
        <div>
          <dt>Registered endpoints</dt>
          <dd>
            {v.endpoints.length === 0
              ? '—'
              : v.endpoints.map((e) => (
                  <div key={e.id} className="break" data-endpoint={e.id}>
                    <strong>{e.name}</strong> {e.url} ({e.protocol.replace(/_/g, ' ').toLowerCase()})
                  </div>
                ))}
          </dd>
        </div>
        <div>
          <dt>Verdicts</dt>
          <dd>
            {counts.intact} intact · {counts.tampered} tampered · {counts.error} error · {counts.pending} pending
          </dd>
        </div>
      </dl>

      <Section title={`Watermarks (${v.watermarks.totalCount})`} id="watermarks">
        {watermarks
          .filter((w) => w.status === 'READY' && isWeak(strengthOf(w)))
          .map((w) => (
            <WeakWatermarkWarning key={w.id} strength={strengthOf(w)} subject={`Watermark ${shortId(w.id, 13)}`} advice />
          ))}
        {watermarks.length === 0 ? (
          <p className="muted">No watermark yet: start one with startWatermark or fragmark watermark.</p>
        ) : (
          <div className="table-wrap">
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">Watermark</th>
                  <th scope="col">Status</th>
                  <th scope="col">Strength</th>
                  <th scope="col">Method</th>
                  <th scope="col">Triggers</th>
                  <th scope="col">Policy</th>
                  <th scope="col">Profile</th>
                  <th scope="col">Created</th>
                  <th scope="col">Self-check</th>
                </tr>
              </thead>
              <tbody>
                {watermarks.map((w) => (
                  <tr key={w.id} data-watermark={w.id}>
                    <td data-label="Watermark">
                      <Mono title={w.id}>{shortId(w.id, 13)}</Mono>
                      <div className="small muted">{w.scheme}</div>
                    </td>
                    <td data-label="Status">
                      <StatusBadge status={w.status} />
                      {w.status === 'FAILED' && w.job.error && <div className="small muted">{w.job.error}</div>}
                    </td>
                    <td data-label="Strength">
                      <StrengthBadge strength={strengthOf(w)} />
                      <div>
                        <StrengthFacts strength={strengthOf(w)} />
                      </div>
                    </td>
                    <td data-label="Method">{w.method}</td>
                    <td data-label="Triggers" className="num">
                      {w.triggerCount}
                    </td>
                    <td data-label="Policy">
                      {w.policy.kind === 'tolerance' ? `tolerance ≤ ${formatPercent(w.policy.maxMismatchFraction)} mismatched` : 'strict'}
                    </td>
                    <td data-label="Profile">{w.profile}</td>
                    <td data-label="Created">
                      <Time iso={w.createdAt} />
                    </td>
                    <td data-label="Self-check">
                      {w.selfCheck ? (
                        <ul className="plain-list small selfcheck">
                          <li>
                            <span className={w.selfCheck.accTri === 1 ? 'ok' : 'bad'}>{w.selfCheck.accTri === 1 ? '✓' : '✗'}</span> AccTri on clean model{' '}
                            {formatPercent(w.selfCheck.accTri)}
                          </li>
                          <li>
                            <span className={w.selfCheck.digestUnchanged ? 'ok' : 'bad'}>{w.selfCheck.digestUnchanged ? '✓' : '✗'}</span> weights{' '}
                            {w.selfCheck.digestUnchanged ? 'unchanged' : 'changed'}
                          </li>
                          <li>
                            {/* No flip under noise: the triggers showed no sensitivity, which is not a pass. */}
                            <span className={w.selfCheck.flipFractionUnderNoise > 0 ? 'ok' : 'bad'}>{w.selfCheck.flipFractionUnderNoise > 0 ? '✓' : '✗'}</span>{' '}
                            {formatPercent(w.selfCheck.flipFractionUnderNoise)} flip under noise σ={w.selfCheck.noiseStd}
                          </li>
                          {w.selfCheck.shareAtLimits != null && <li>{formatPercent(w.selfCheck.shareAtLimits)} of values at the range limits</li>}
                        </ul>
                      ) : (
                        <span className="muted">—</span>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Section>

      <Section title={`Endpoint enrollments (${v.enrollments.totalCount})`} id="enrollments">
        {v.enrollments.edges.length === 0 ? (
          <p className="muted">No endpoint enrolled: fragmark endpoints enroll learns which triggers a deployment answers stably.</p>
        ) : (
          <div className="table-wrap">
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">Endpoint</th>
                  <th scope="col">Status</th>
                  <th scope="col">Watermark</th>
                  <th scope="col">Stable · unstable · wrong</th>
                  <th scope="col">Enrolled</th>
                </tr>
              </thead>
              <tbody>
                {v.enrollments.edges.map(({ node: e }) => (
                  <tr key={e.id} data-enrollment={e.id}>
                    <td data-label="Endpoint">
                      <span className="break">{e.endpoint.url}</span>
                      <div className="small muted">
                        {e.endpoint.protocol.replace(/_/g, ' ').toLowerCase()} · {e.endpoint.inputFormat === 'UINT8' ? '8-bit inputs' : 'float32 inputs'}
                      </div>
                    </td>
                    <td data-label="Status">
                      <StatusBadge status={e.status} />
                      {e.errorReason && <div className="small muted">{e.errorReason}</div>}
                    </td>
                    <td data-label="Watermark">
                      <Mono title={e.watermark.id}>{shortId(e.watermark.id, 13)}</Mono> <span className="small muted">{e.watermark.profile}</span>
                    </td>
                    <td data-label="Stable · unstable · wrong" className="num">
                      {e.stableCount ?? '—'} · {e.unstableCount ?? '—'} · {e.mismatchedCount ?? '—'}
                    </td>
                    <td data-label="Enrolled">
                      <Time iso={e.completedAt ?? e.createdAt} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Section>

      <Section title="Monitoring" id="monitoring">
        <MonitorsTable monitors={v.monitors} />
      </Section>

      <Section title="AccTri over time" id="history-chart">
        {history.error !== undefined ? <ErrorBox error={history.error} onRetry={history.reload} /> : history.data ? (
          <AccTriChart
            points={rows.map((r) => ({ id: r.id, at: r.completedAt ?? r.createdAt, accTri: r.accTri, verdict: r.verdict, mode: r.mode, scheduled: r.monitor !== null }))}
            threshold={threshold}
          />
        ) : (
          <Loading what="the history" />
        )}
      </Section>

      <Section title={`Verifications (${rows.length}${history.data?.truncated ? '+' : ''})`} id="verifications">
        {history.data ? <VerificationTable rows={rows} /> : history.error === undefined && <Loading what="verifications" />}
      </Section>
    </>
  );
}

/** How people call each model format. */
function formatName(format: string): string {
  return ({ TFJS_LAYERS: 'TF.js Layers', TFJS_GRAPH: 'TF.js Graph', ONNX: 'ONNX', KERAS: 'Keras' } as Record<string, string>)[format] ?? format;
}
