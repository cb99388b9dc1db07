import type { ReactNode } from 'react';
import { Navigate, useLocation } from 'react-router';
import { useSession } from '../session';
import { ErrorBanner } from './ErrorBanner';

function Splash({ children }: { children: ReactNode }) {
  return (
    <div className="auth-screen">
      <div className="auth-card">{children}</div>
    </div>
  );
}

function Offline() {
  const { error, check } = useSession();
  return (
    <Splash>
      <h1>osdeck</h1>
      <ErrorBanner error={error} title="The server did not answer" />
      <button type="button" className="btn btn-primary" onClick={() => void check()}>
        Try again
      </button>
    </Splash>
  );
}

/** Pages behind login: first run goes to /setup, no session goes to /login (and back after). */
export function RequireUser({ children }: { children: ReactNode }) {
  const { phase } = useSession();
  const location = useLocation();
  if (phase === 'loading') return <Splash>Connecting…</Splash>;
  if (phase === 'offline') return <Offline />;
  if (phase === 'setup') return <Navigate to="/setup" replace />;
  if (phase === 'anonymous') {
    const next = location.pathname + location.search;
    return <Navigate to={next === '/' ? '/login' : `/login?next=${encodeURIComponent(next)}`} replace />;
  }
  return <>{children}</>;
}

/** The login page makes no sense before the first admin exists. */
export function RequireSetupDone({ children }: { children: ReactNode }) {
  const { phase } = useSession();
  if (phase === 'loading') return <Splash>Connecting…</Splash>;
  if (phase === 'offline') return <Offline />;
  if (phase === 'setup') return <Navigate to="/setup" replace />;
  return <>{children}</>;
}

export { Splash };
