import { type FormEvent, useState } from 'react';
import { Link, Navigate, useNavigate } from 'react-router';
import { api } from '../../api';
import { ErrorBanner } from '../../components/ErrorBanner';
import { Splash } from '../../components/RouteGuards';
import { useSession } from '../../session';

const MIN_PASSWORD = 10;

/** First run: trade the one-time setup token for the first admin, then straight to the fleet. */
export function SetupPage() {
  const { phase, signedIn } = useSession();
  const navigate = useNavigate();
  const [token, setToken] = useState('');
  const [user, setUser] = useState('admin');
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);

  if (phase === 'loading') return <Splash>Connecting…</Splash>;
  if (phase === 'user') return <Navigate to="/hosts" replace />;
  if (phase === 'anonymous') {
    return (
      <Splash>
        <h1>osdeck is already set up</h1>
        <p>
          An administrator exists. <Link to="/login">Log in</Link> instead.
        </p>
      </Splash>
    );
  }

  const tooShort = password.length > 0 && password.length < MIN_PASSWORD;
  const mismatch = confirm.length > 0 && confirm !== password;

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (password.length < MIN_PASSWORD || password !== confirm) return;
    setBusy(true);
    setError(undefined);
    try {
      const r = await api.setup(token.trim(), user.trim(), password);
      signedIn(r.user);
      navigate('/hosts', { replace: true });
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  }

  return (
    <Splash>
      <h1>Welcome to osdeck</h1>
      <p className="muted">
        Create the first administrator. The one-time setup token was printed by <code>osdeck serve</code> and is in <code>DATA/setup-token</code>.
      </p>
      <form onSubmit={submit} className="stack" aria-label="Setup">
        <label className="field">
          <span>Setup token</span>
          <input name="token" className="mono" value={token} onChange={(e) => setToken(e.target.value)} placeholder="osdsetup_…" required autoComplete="off" spellCheck={false} autoFocus />
        </label>
        <label className="field">
          <span>Admin user name</span>
          <input name="user" value={user} onChange={(e) => setUser(e.target.value)} required autoComplete="username" />
        </label>
        <label className="field">
          <span>Password</span>
          <input name="password" type="password" value={password} onChange={(e) => setPassword(e.target.value)} required autoComplete="new-password" aria-invalid={tooShort} />
          <small className={tooShort ? 'field-error' : 'hint'}>At least {MIN_PASSWORD} characters.</small>
        </label>
        <label className="field">
          <span>Confirm password</span>
          <input name="confirm" type="password" value={confirm} onChange={(e) => setConfirm(e.target.value)} required autoComplete="new-password" aria-invalid={mismatch} />
          {mismatch && <small className="field-error">The passwords differ.</small>}
        </label>
        <ErrorBanner error={error} title="Setup failed" />
        <button type="submit" className="btn btn-primary btn-block" disabled={busy || password.length < MIN_PASSWORD || password !== confirm || !token.trim()}>
          {busy ? 'Setting up…' : 'Create admin and sign in'}
        </button>
      </form>
    </Splash>
  );
}
