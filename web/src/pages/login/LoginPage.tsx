import { type FormEvent, useRef, useState } from 'react';
import { Navigate, useNavigate, useSearchParams } from 'react-router';
import { api } from '../../api';
import { ErrorBanner } from '../../components/ErrorBanner';
import { Splash } from '../../components/RouteGuards';
import { useSession } from '../../session';

/** Only same-site paths may be a `next` target (no open redirect). */
function safeNext(next: string | null): string {
  return next && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/login') ? next : '/hosts';
}

export function LoginPage() {
  const { phase, signedIn } = useSession();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const next = safeNext(params.get('next'));
  const [user, setUser] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const passwordRef = useRef<HTMLInputElement>(null);

  if (phase === 'user') return <Navigate to={next} replace />;

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const me = await api.login(user.trim(), password);
      signedIn(me);
      navigate(next, { replace: true });
    } catch (err) {
      setError(err);
      setPassword('');
      setBusy(false);
      setTimeout(() => passwordRef.current?.focus(), 0);
    }
  }

  return (
    <Splash>
      <h1>Sign in to osdeck</h1>
      <form onSubmit={submit} className="stack" aria-label="Login">
        <label className="field">
          <span>User</span>
          <input name="user" value={user} onChange={(e) => setUser(e.target.value)} required autoComplete="username" autoFocus />
        </label>
        <label className="field">
          <span>Password</span>
          <input ref={passwordRef} name="password" type="password" value={password} onChange={(e) => setPassword(e.target.value)} required autoComplete="current-password" />
        </label>
        <ErrorBanner error={error} title="Sign-in failed" />
        <button type="submit" className="btn btn-primary btn-block" disabled={busy || !user || !password}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </Splash>
  );
}
