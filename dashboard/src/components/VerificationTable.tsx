import type { Verdict } from '../api.ts';
import { formatPercent, shortId } from '../format.ts';
import { handToChecker } from '../handoff.ts';
import { Link, navigate } from '../router.tsx';
import { Mono, Time, VerdictBadge } from './ui.tsx';

export interface VerificationRow {
  id: string;
  mode: string;
  verdict: Verdict;
  triggersQueried: number | null;
  triggersMatched: number | null;
  accTri: number | null;
  errorReason: string | null;
  createdAt: string;
  completedAt: string | null;
  modelVersion?: { id: string; label: string };
  /** ENDPOINT: the deployment that answered (a registered endpoint, or an ad-hoc URL). */
  endpoint: { registered: boolean; name: string | null; url: string } | null;
  /** ARTIFACT: whether the checked weights were the registered ones (false: another copy). */
  weightsMatchRegistered: boolean | null;
  watermark: { id: string };
  attestation: { jti: string; token: string; revoked: boolean; expiresAt: string } | null;
  /** The monitor whose scheduled run it was; null when started by hand. */
  monitor: { id: string } | null;
}

export function VerificationTable({ rows, showVersion = false }: { rows: VerificationRow[]; showVersion?: boolean }) {
  if (rows.length === 0) return <p className="muted">No verifications yet.</p>;
  return (
    <div className="table-wrap">
      <table className="table verification-table">
        <caption className="visually-hidden">Verifications, newest first</caption>
        <thead>
          <tr>
            <th scope="col">When</th>
            {showVersion && <th scope="col">Version</th>}
            <th scope="col">Mode</th>
            <th scope="col">Verdict</th>
            <th scope="col">Matched</th>
            <th scope="col">AccTri</th>
            <th scope="col">Attestation</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((v) => (
            <tr key={v.id} className={`row-${v.verdict.toLowerCase()}`} data-verification={v.id}>
              <td data-label="When">
                <Time iso={v.completedAt ?? v.createdAt} />
              </td>
              {showVersion && (
                <td data-label="Version">{v.modelVersion ? <Link to={`/versions/${v.modelVersion.id}`}>{v.modelVersion.label}</Link> : '—'}</td>
              )}
              <td data-label="Mode">
                {v.mode.toLowerCase()}
                {v.monitor && <span className="small muted"> · scheduled</span>}
                <CheckedWhat row={v} />
              </td>
              <td data-label="Verdict">
                <VerdictBadge verdict={v.verdict} />
                {v.errorReason && <div className="small error-reason">{v.errorReason}</div>}
              </td>
              <td data-label="Matched">{v.triggersQueried !== null ? `${v.triggersMatched ?? 0} / ${v.triggersQueried}` : '—'}</td>
              <td data-label="AccTri" className="num">
                {formatPercent(v.accTri)}
              </td>
              <td data-label="Attestation">
                {v.attestation ? (
                  <span className="attestation-cell">
                    <Mono title={v.attestation.jti}>{shortId(v.attestation.jti, 13)}</Mono>
                    {v.attestation.revoked && <span className="badge badge-tampered">Revoked</span>}
                    <button
                      type="button"
                      className="button button-small"
                      aria-label={`Check attestation ${v.attestation.jti}`}
                      onClick={() => {
                        handToChecker(v.attestation!.token);
                        navigate('/attestations');
                      }}
                    >
                      Check
                    </button>
                  </span>
                ) : (
                  <span className="muted">—</span>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** What the verdict is about: a registered endpoint, an ad-hoc URL, or a copy with other weights. */
function CheckedWhat({ row }: { row: VerificationRow }) {
  if (row.endpoint?.registered) return <div className="small muted">endpoint {row.endpoint.name}</div>;
  if (row.endpoint) {
    return (
      <div className="small warning-text" title={row.endpoint.url}>
        ad-hoc URL, not a registered endpoint
      </div>
    );
  }
  if (row.weightsMatchRegistered === false) return <div className="small warning-text">a copy with other weights</div>;
  return null;
}
