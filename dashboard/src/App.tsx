/** The shell: sign-in gate, header with navigation, and the page for the current path. */
import { useCallback, useEffect, useState } from 'react';
import { gql, setUnauthenticatedHandler, storedKey, storeKey, type Viewer } from './api.ts';
import { VIEWER } from './queries.ts';
import { Link, match, navigate, usePath } from './router.tsx';
import { SignIn } from './pages/SignIn.tsx';
import { Fleet } from './pages/Fleet.tsx';
import { ReportPage } from './pages/ReportPage.tsx';
import { ModelPage } from './pages/ModelPage.tsx';
import { VersionPage } from './pages/VersionPage.tsx';
import { JobsPage } from './pages/JobsPage.tsx';
import { AttestationPage } from './pages/AttestationPage.tsx';
import { Loading } from './components/ui.tsx';

type Session = { state: 'checking' } | { state: 'signedOut'; notice?: string } | { state: 'signedIn'; viewer: Viewer };

export function App() {
  const { path } = usePath();
  const route = match(path);
  const [session, setSession] = useState<Session>(() => (storedKey() ? { state: 'checking' } : { state: 'signedOut' }));

  const signOut = useCallback((notice?: string) => {
    storeKey(null);
    setSession(notice ? { state: 'signedOut', notice } : { state: 'signedOut' });
  }, []);

  useEffect(() => {
    setUnauthenticatedHandler(() => signOut('Your session ended: the API key was revoked, expired or is unknown. Sign in again.'));
    return () => setUnauthenticatedHandler(undefined);
  }, [signOut]);

  useEffect(() => {
    if (session.state !== 'checking') return;
    gql<{ viewer: Viewer }>(VIEWER).then(
      ({ viewer }) => setSession({ state: 'signedIn', viewer }),
      (error: unknown) => signOut(error instanceof Error ? error.message : String(error)),
    );
  }, [session.state, signOut]);

  useEffect(() => {
    const titles: Record<string, string> = {
      fleet: 'Fleet',
      model: 'Model',
      version: 'Model version',
      jobs: 'Jobs',
      report: 'Fleet report',
      attestations: 'Attestation checker',
      notFound: 'Not found',
    };
    document.title = `${titles[route.name]} · Fragmark`;
  }, [route.name]);

  const signedIn = session.state === 'signedIn';
  // The attestation checker is public: JWKS and revocation status need no API key.
  const publicPage = route.name === 'attestations';

  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <div className="topbar-inner">
          <Link to="/" className="brand" aria-label="Fragmark, fleet overview">
            <span className="brand-mark" aria-hidden="true">
              ◆
            </span>
            Fragmark
          </Link>
          <nav aria-label="Main" className="nav">
            {signedIn && (
              <>
                <NavLink to="/" active={route.name === 'fleet' || route.name === 'model' || route.name === 'version'}>
                  Fleet
                </NavLink>
                <NavLink to="/jobs" active={route.name === 'jobs'}>
                  Jobs
                </NavLink>
                <NavLink to="/report" active={route.name === 'report'}>
                  Report
                </NavLink>
              </>
            )}
            <NavLink to="/attestations" active={route.name === 'attestations'}>
              Check attestation
            </NavLink>
          </nav>
          {signedIn && (
            <div className="who">
              <span className="who-text" title={`Key ${session.viewer.apiKey.name} (${session.viewer.apiKey.prefix}…)`}>
                {session.viewer.tenant?.name ?? 'Platform'} · <span className="muted">{session.viewer.role.replace('_', ' ').toLowerCase()}</span>
              </span>
              <button type="button" className="button button-small button-ghost" onClick={() => signOut()}>
                Sign out
              </button>
            </div>
          )}
        </div>
      </header>
      <main id="main" className="main" tabIndex={-1}>
        {publicPage ? (
          <AttestationPage />
        ) : session.state === 'checking' ? (
          <Loading what="your session" />
        ) : session.state === 'signedOut' ? (
          <SignIn
            notice={session.notice}
            onSignedIn={(viewer) => {
              setSession({ state: 'signedIn', viewer });
              if (route.name === 'notFound') navigate('/', { replace: true });
            }}
          />
        ) : session.viewer.tenant === null ? (
          <div className="alert alert-warning" role="alert">
            This is a platform administrator key, which belongs to no tenant and sees no models. Sign in with a tenant's key
            to see its fleet.
          </div>
        ) : route.name === 'fleet' ? (
          <Fleet role={session.viewer.role} />
        ) : route.name === 'model' ? (
          <ModelPage id={route.id} />
        ) : route.name === 'version' ? (
          <VersionPage id={route.id} />
        ) : route.name === 'jobs' ? (
          <JobsPage />
        ) : route.name === 'report' ? (
          <ReportPage />
        ) : (
          <div className="card">
            <h1>Page not found</h1>
            <p>
              Nothing lives at <code>{path}</code>. <Link to="/">Back to the fleet</Link>
            </p>
          </div>
        )}
      </main>
    </>
  );
}

function NavLink({ to, active, children }: { to: string; active: boolean; children: string }) {
  return (
    <Link to={to} className={active ? 'nav-link active' : 'nav-link'} aria-current={active ? 'page' : undefined}>
      {children}
    </Link>
  );
}
