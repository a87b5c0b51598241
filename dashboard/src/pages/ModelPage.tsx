/** A model: its versions (with their latest verdicts), aliases and recent verifications. */
import { gql, type Verdict } from '../api.ts';
import { ErrorBox, Loading, Mono, Section, Time, VerdictBadge } from '../components/ui.tsx';
import { VerificationTable, type VerificationRow } from '../components/VerificationTable.tsx';
import { formatPercent, shortId } from '../format.ts';
import { useQuery } from '../hooks.ts';
import { Link } from '../router.tsx';
import { MODEL } from '../queries.ts';

interface ModelData {
  model: {
    id: string;
    name: string;
    description: string | null;
    tags: string[];
    createdAt: string;
    aliases: Array<{ name: string; updatedAt: string; version: { id: string; label: string } }>;
    verificationCounts: { intact: number; tampered: number; error: number; pending: number };
    latestVerification: { verdict: Verdict } | null;
    versions: {
      totalCount: number;
      edges: Array<{
        node: {
          id: string;
          label: string;
          status: string;
          createdAt: string;
          weightsDigest: string | null;
          aliases: string[];
          watermarks: { totalCount: number };
          latestVerification: { verdict: Verdict; accTri: number | null; createdAt: string; completedAt: string | null } | null;
        };
      }>;
    };
  } | null;
  verifications: { totalCount: number; edges: Array<{ node: VerificationRow }> };
}


export function ModelPage({ id }: { id: string }) {
  const query = useQuery(() => gql<ModelData>(MODEL, { id }), [id]);
  if (query.error !== undefined) return <ErrorBox error={query.error} onRetry={query.reload} />;
  if (!query.data) return <Loading what="the model" />;
  const model = query.data.model;
  if (!model) return <NotFound what="model" />;
  const versions = model.versions.edges.map((e) => e.node);
  const counts = model.verificationCounts;

  return (
    <>
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link to="/">Fleet</Link> <span aria-hidden="true">/</span> <span aria-current="page">{model.name}</span>
      </nav>
      <div className="page-header">
        <h1>{model.name}</h1>
        <VerdictBadge verdict={model.latestVerification?.verdict} />
      </div>
      {model.description && <p className="lead">{model.description}</p>}
      <dl className="facts">
        <div>
          <dt>Tags</dt>
          <dd>{model.tags.length ? model.tags.map((t) => <span key={t} className="tag">{t}</span>) : '—'}</dd>
        </div>
        <div>
          <dt>Registered</dt>
          <dd>
            <Time iso={model.createdAt} />
          </dd>
        </div>
        <div>
          <dt>Verdicts</dt>
          <dd>
            {counts.intact} intact · {counts.tampered} tampered · {counts.error} error · {counts.pending} pending
          </dd>
        </div>
        <div>
          <dt>Aliases</dt>
          <dd>
            {model.aliases.length === 0
              ? '—'
              : model.aliases.map((a) => (
                  <span key={a.name} className="alias-pair">
                    <span className="alias">{a.name}</span> → <Link to={`/versions/${a.version.id}`}>{a.version.label}</Link>
                  </span>
                ))}
          </dd>
        </div>
      </dl>

      <Section title={`Versions (${model.versions.totalCount})`} id="versions">
        {versions.length === 0 ? (
          <p className="muted">No versions yet.</p>
        ) : (
          <div className="table-wrap">
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">Version</th>
                  <th scope="col">Status</th>
                  <th scope="col">Latest verdict</th>
                  <th scope="col">AccTri</th>
                  <th scope="col">Last verified</th>
                  <th scope="col">Watermarks</th>
                  <th scope="col">Weights digest</th>
                </tr>
              </thead>
              <tbody>
                {versions.map((v) => (
                  <tr key={v.id} className={`row-${(v.latestVerification?.verdict ?? 'none').toLowerCase()}`}>
                    <td data-label="Version">
                      <Link to={`/versions/${v.id}`} className="model-name">
                        {v.label}
                      </Link>
                      {v.aliases.map((a) => (
                        <span key={a} className="alias">
                          {a}
                        </span>
                      ))}
                    </td>
                    <td data-label="Status">{v.status === 'READY' ? 'ready' : 'awaiting upload'}</td>
                    <td data-label="Latest verdict">
                      <VerdictBadge verdict={v.latestVerification?.verdict} />
                    </td>
                    <td data-label="AccTri" className="num">
                      {formatPercent(v.latestVerification?.accTri)}
                    </td>
                    <td data-label="Last verified">
                      {v.latestVerification ? <Time iso={v.latestVerification.completedAt ?? v.latestVerification.createdAt} relative /> : <span className="muted">never</span>}
                    </td>
                    <td data-label="Watermarks" className="num">
                      {v.watermarks.totalCount}
                    </td>
                    <td data-label="Weights digest">
                      <Mono title={v.weightsDigest ?? undefined}>{shortId(v.weightsDigest, 12)}</Mono>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Section>

      <Section title={`Recent verifications (${query.data.verifications.totalCount})`} id="recent">
        <VerificationTable rows={query.data.verifications.edges.map((e) => e.node)} showVersion />
      </Section>
    </>
  );
}

export function NotFound({ what }: { what: string }) {
  return (
    <div className="card">
      <h1>No such {what}</h1>
      <p>
        It does not exist in your tenant. <Link to="/">Back to the fleet</Link>
      </p>
    </div>
  );
}
