/** Paste an attestation token: is it signed by this Fragmark, unexpired, unrevoked, and what does it claim? */
import { useEffect, useId, useState, type FormEvent } from 'react';
import { gql } from '../api.ts';
import { checkAttestation, type CheckResult } from '../attestation.ts';
import { Mono, VerdictBadge } from '../components/ui.tsx';
import { isWeak, StrengthBadge, StrengthFacts, WeakWatermarkWarning } from '../components/Strength.tsx';
import { formatDateTime, formatPercent } from '../format.ts';
import { takeHandedToken } from '../handoff.ts';
import { ATTESTATION_STATUS } from '../queries.ts';

interface Status {
  known: boolean;
  revoked: boolean;
  expiresAt: string | null;
}


const seconds = (value: unknown) => (typeof value === 'number' ? formatDateTime(new Date(value * 1000).toISOString()) : '—');

export function AttestationPage() {
  const [token, setToken] = useState('');
  const [issuer, setIssuer] = useState(window.location.origin);
  const [result, setResult] = useState<CheckResult | null>(null);
  const [status, setStatus] = useState<Status | { error: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const ids = { token: useId(), issuer: useId() };

  async function check(value: string) {
    setBusy(true);
    setResult(null);
    setStatus(null);
    try {
      const checked = await checkAttestation(value, issuer.trim().replace(/\/+$/, ''));
      setResult(checked);
      if (checked.valid && typeof checked.payload.jti === 'string') {
        // Revocation is the one thing a token cannot say about itself: ask the issuer (public query).
        gql<{ attestationStatus: Status }>(ATTESTATION_STATUS, { jti: checked.payload.jti }, null).then(
          (data) => setStatus(data.attestationStatus),
          (error: unknown) => setStatus({ error: error instanceof Error ? error.message : String(error) }),
        );
      }
    } catch (error) {
      setResult({ valid: false, reason: error instanceof Error ? error.message : String(error) });
    } finally {
      setBusy(false);
    }
  }

  useEffect(() => {
    const handed = takeHandedToken();
    if (handed) {
      setToken(handed);
      void check(handed);
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    void check(token);
  };

  const revoked = status && 'revoked' in status && status.revoked;

  return (
    <>
      <div className="page-header">
        <h1>Attestation checker</h1>
      </div>
      <p className="lead">
        Paste an attestation token to check its signature against this server's published keys (
        <a href="/.well-known/jwks.json">JWKS</a>) right here in your browser, and see what it attests.
      </p>
      <form className="card checker" onSubmit={submit}>
        <label htmlFor={ids.token}>Attestation token</label>
        <textarea
          id={ids.token}
          rows={5}
          spellCheck={false}
          autoComplete="off"
          placeholder="eyJhbGciOiJFZERTQSIsInR5cCI6ImZyYWdtYXJrLWF0dGVzdGF0aW9uK2p3dCIs…"
          value={token}
          onChange={(e) => setToken(e.target.value)}
        />
        <details className="issuer-details">
          <summary>Expected issuer</summary>
          <label htmlFor={ids.issuer}>Issuer URL (its keys are fetched from /.well-known/jwks.json)</label>
          <input id={ids.issuer} type="url" value={issuer} onChange={(e) => setIssuer(e.target.value)} spellCheck={false} />
        </details>
        <div className="actions">
          <button type="submit" className="button button-primary" disabled={busy}>
            {busy ? 'Checking…' : 'Check token'}
          </button>
          {(token || result) && (
            <button
              type="button"
              className="button button-ghost"
              onClick={() => {
                setToken('');
                setResult(null);
                setStatus(null);
              }}
            >
              Clear
            </button>
          )}
        </div>
      </form>

      <div aria-live="polite">
        {result && !result.valid && (
          <div className="card result result-invalid" data-result="invalid">
            <h2>
              <span className="badge badge-tampered">Invalid</span> This token does not verify
            </h2>
            <p className="reason">{result.reason}</p>
            <p className="small muted">Nothing it claims can be trusted.</p>
          </div>
        )}
        {result && result.valid && (
          <div className={`card result ${revoked ? 'result-invalid' : 'result-valid'}`} data-result={revoked ? 'revoked' : 'valid'}>
            <h2>
              {revoked ? <span className="badge badge-tampered">Revoked</span> : <span className="badge badge-intact">Valid signature</span>}{' '}
              {revoked ? 'Signed by this issuer, but revoked since' : `Signed by ${String(result.payload.iss)}`}
            </h2>
            <p className="small muted">
              Key <Mono>{result.header.kid}</Mono> · {result.header.alg} ·{' '}
              {status === null
                ? 'checking revocation…'
                : 'error' in status
                  ? `revocation status unavailable (${status.error})`
                  : !status.known
                    ? 'not known to this server (issued elsewhere?)'
                    : status.revoked
                      ? 'revoked'
                      : 'not revoked'}
            </p>
            <Claims result={result} />
          </div>
        )}
      </div>
    </>
  );
}

function Claims({ result }: { result: Extract<CheckResult, { valid: true }> }) {
  const p = result.payload;
  const f = p.fragmark;
  const verdict = f.verification.verdict === 'tampered' ? 'TAMPERED' : 'INTACT';
  return (
    <>
      <div className="attested-verdict">
        <span>Attested verdict</span> <VerdictBadge verdict={verdict} />
      </div>
      {f.watermark.strength && isWeak(f.watermark.strength) && <WeakWatermarkWarning strength={f.watermark.strength} subject="The watermark behind this verdict" />}
      <dl className="claims">
        <dt>Model</dt>
        <dd>
          {f.model.name} <span className="muted">version</span> {f.model.version}
        </dd>
        <dt>Weights digest</dt>
        <dd>
          <Mono>{f.model.digest}</Mono>
        </dd>
        <dt>Triggers matched</dt>
        <dd>
          {f.verification.triggersMatched} / {f.verification.triggersQueried} (AccTri {formatPercent(f.verification.accTri)})
        </dd>
        <dt>Policy</dt>
        <dd>
          {f.verification.policy.kind === 'tolerance'
            ? `tolerance, up to ${formatPercent(f.verification.policy.maxMismatchFraction ?? 0)} mismatched`
            : 'strict (any mismatch is tampering)'}
        </dd>
        <dt>Mode</dt>
        <dd>{f.verification.mode.toLowerCase()}</dd>
        <dt>Watermark</dt>
        <dd>
          <Mono>{f.watermark.id}</Mono> <span className="muted">({f.watermark.scheme})</span>
        </dd>
        <dt>Commitment</dt>
        <dd>
          <Mono>{f.watermark.commitment}</Mono>
        </dd>
        <dt>Watermark strength</dt>
        <dd>
          {f.watermark.strength ? (
            <>
              <StrengthBadge strength={f.watermark.strength} /> <StrengthFacts strength={f.watermark.strength} />
            </>
          ) : (
            <span className="muted">not stated (a token issued before strength was recorded)</span>
          )}
        </dd>
        <dt>Issued</dt>
        <dd>{seconds(p.iat)}</dd>
        <dt>Expires</dt>
        <dd>{seconds(p.exp)}</dd>
        {p.aud !== undefined && (
          <>
            <dt>Audience</dt>
            <dd>{Array.isArray(p.aud) ? p.aud.join(', ') : p.aud}</dd>
          </>
        )}
        {p.eat_nonce !== undefined && (
          <>
            <dt>Nonce</dt>
            <dd>
              <Mono>{String(p.eat_nonce)}</Mono>
            </dd>
          </>
        )}
        <dt>Token id</dt>
        <dd>
          <Mono>{String(p.jti)}</Mono>
        </dd>
        <dt>Subject</dt>
        <dd>
          <Mono>{String(p.sub)}</Mono>
        </dd>
      </dl>
      <details>
        <summary>All claims (JSON)</summary>
        <pre className="json">{JSON.stringify(p, null, 2)}</pre>
      </details>
    </>
  );
}
