import { useState, type FormEvent } from 'react';
import { ApiError, gql, storeKey, type Viewer } from '../api.ts';
import { VIEWER } from '../queries.ts';
import { Link } from '../router.tsx';

export function SignIn({ notice, onSignedIn }: { notice?: string | undefined; onSignedIn: (viewer: Viewer) => void }) {
  const [key, setKey] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const trimmed = key.trim();
    if (!trimmed) {
      setError('Enter an API key.');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const { viewer } = await gql<{ viewer: Viewer }>(VIEWER, {}, trimmed);
      storeKey(trimmed);
      setKey('');
      onSignedIn(viewer);
    } catch (caught) {
      setError(
        caught instanceof ApiError && caught.unauthenticated
          ? 'This API key was not accepted: it is unknown, revoked or expired.'
          : caught instanceof Error
            ? caught.message
            : String(caught),
      );
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="signin">
      <div className="card signin-card">
        <h1>Sign in</h1>
        <p className="muted">
          Use a Fragmark API key of your tenant (a <strong>viewer</strong> key is enough). The key stays in this browser tab
          only and is forgotten when the tab closes.
        </p>
        {notice && (
          <div className="alert alert-warning" role="status">
            {notice}
          </div>
        )}
        <form onSubmit={submit} noValidate>
          <label htmlFor="api-key">API key</label>
          <input
            id="api-key"
            name="api-key"
            type="password"
            autoComplete="off"
            spellCheck={false}
            placeholder="fmk_…"
            value={key}
            onChange={(e) => setKey(e.target.value)}
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? 'api-key-error' : undefined}
            required
          />
          {error && (
            <p id="api-key-error" className="field-error" role="alert">
              {error}
            </p>
          )}
          <button type="submit" className="button button-primary" disabled={busy}>
            {busy ? 'Signing in…' : 'Sign in'}
          </button>
        </form>
        <p className="muted small">
          Checking a token someone gave you? The <Link to="/attestations">attestation checker</Link> needs no key.
        </p>
      </div>
    </div>
  );
}
