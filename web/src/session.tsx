import { type ReactNode, createContext, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import { ApiError, api, setAuthHandlers } from './api';
import type { Me, ServerStatus } from './api-types';
import { type Permission, roleGrants } from './permissions';

/** Where the console stands with the server: still asking, first run, logged out, or a user. */
export type SessionPhase = 'loading' | 'setup' | 'anonymous' | 'user' | 'offline';

export interface Session {
  phase: SessionPhase;
  me: Me | null;
  status: ServerStatus | null;
  error: unknown;
  can: (p: Permission) => boolean;
  /** Asks the server again (status, then who we are). */
  check: () => Promise<void>;
  signedIn: (me: Me) => void;
  logout: () => Promise<void>;
}

const SessionContext = createContext<Session | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [phase, setPhase] = useState<SessionPhase>('loading');
  const [me, setMe] = useState<Me | null>(null);
  const [status, setStatus] = useState<ServerStatus | null>(null);
  const [error, setError] = useState<unknown>(undefined);

  const check = useCallback(async () => {
    try {
      const st = await api.status();
      setStatus(st);
      if (st.setupRequired) {
        setMe(null);
        setPhase('setup');
        return;
      }
      const who = await api.me();
      setMe(who);
      setPhase('user');
      setError(undefined);
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) {
        setMe(null);
        setPhase('anonymous');
      } else {
        setError(err);
        setPhase('offline');
      }
    }
  }, []);

  useEffect(() => {
    void check();
    // A 401 from any page means the session expired or was revoked: the route guard then sends
    // the user to /login and brings them back afterwards.
    setAuthHandlers({
      unauthorized: () => {
        setMe(null);
        setPhase('anonymous');
      },
      setupRequired: () => setPhase('setup'),
    });
  }, [check]);

  const signedIn = useCallback((who: Me) => {
    setMe(who);
    setPhase('user');
    setStatus((s) => (s ? { ...s, setupRequired: false } : s));
  }, []);

  const logout = useCallback(async () => {
    try {
      await api.logout();
    } finally {
      setMe(null);
      setPhase('anonymous');
    }
  }, []);

  const value = useMemo<Session>(
    () => ({ phase, me, status, error, can: (p) => (me?.permissions ? me.permissions.includes(p) : roleGrants(me?.role, p)), check, signedIn, logout }),
    [phase, me, status, error, check, signedIn, logout],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const s = useContext(SessionContext);
  if (!s) throw new Error('useSession outside SessionProvider');
  return s;
}
