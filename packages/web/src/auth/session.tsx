import type { User } from '@parley/protocol';
import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import { onUnauthorized } from '../api/client';
import { api } from '../api/endpoints';
import { realtime } from '../api/realtime';
import { applyTheme } from '../theme';

export type AuthState =
  | { status: 'loading' }
  /**
   * `signedOut`: the user just signed out here, so no page should be remembered as the place to return to.
   * `ended`: the server stopped accepting the session (revoked elsewhere, expired, account disabled).
   */
  | { status: 'anonymous'; signedOut?: boolean; ended?: boolean }
  | { status: 'second_factor' }
  | { status: 'signed_in'; user: User };

interface AuthApi {
  state: AuthState;
  refresh(): Promise<AuthState>;
  signOut(): Promise<void>;
}

const AuthContext = createContext<AuthApi | null>(null);

export function AuthProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<AuthState>({ status: 'loading' });

  const refresh = useCallback(async () => {
    let next: AuthState;
    try {
      const me = await api.auth.me();
      next = me.user
        ? { status: 'signed_in', user: me.user }
        : me.secondFactorPending
          ? { status: 'second_factor' }
          : { status: 'anonymous' };
    } catch {
      next = { status: 'anonymous' };
    }
    setState(next);
    return next;
  }, []);

  const signOut = useCallback(async () => {
    try {
      await api.auth.logout();
    } finally {
      realtime.stop();
      setState({ status: 'anonymous', signedOut: true });
    }
  }, []);

  useEffect(() => {
    void refresh();
  }, [refresh]);

  // Any 401 while signed in means the session is gone: leave the app for sign-in (RequireUser keeps the page).
  useEffect(
    () => onUnauthorized(() => setState((s) => (s.status === 'signed_in' ? { status: 'anonymous', ended: true } : s))),
    [],
  );

  // The profile's theme wins over what this device remembered (it may have been chosen on another device).
  const theme = state.status === 'signed_in' ? state.user.theme : null;
  useEffect(() => {
    if (theme) applyTheme(theme);
  }, [theme]);

  // The socket authenticates with the session cookie, so it lives exactly as long as a full session.
  useEffect(() => {
    if (state.status === 'signed_in') realtime.start();
    else realtime.stop();
  }, [state.status]);

  const value = useMemo(() => ({ state, refresh, signOut }), [state, refresh, signOut]);
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthApi {
  const ctx = useContext(AuthContext);
  if (!ctx) throw new Error('useAuth outside AuthProvider');
  return ctx;
}

/** The signed-in user; only call below a route that requires sign-in. */
export function useUser(): User {
  const { state } = useAuth();
  if (state.status !== 'signed_in') throw new Error('useUser without a signed-in user');
  return state.user;
}
