// Who is signed in: loads GET /auth/session once (user null when signed out, so no 401 on public pages), keeps the CSRF token in memory, and tells the app
// which permissions the user holds (the navigation and actions are driven by them).
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { ApiError, setCsrfToken, setUnauthenticatedHandler } from './api.ts';
import { accessApi } from '../access/accessApi.ts';
import type { Me, Permission } from './types.ts';

interface AuthState {
  /** undefined while loading, null when signed out. */
  me: Me | null | undefined;
  permissions: Permission[];
  can: (permission: Permission) => boolean;
  login: (username: string, password: string) => Promise<void>;
  logout: () => Promise<void>;
  /** An error other than "signed out" met while loading the session. */
  loadError: ApiError | null;
  reload: () => void;
}

const AuthContext = createContext<AuthState | null>(null);

export function AuthProvider({ children }: { children: ReactNode }) {
  const [me, setMe] = useState<Me | null | undefined>(undefined);
  const [permissions, setPermissions] = useState<Permission[]>([]);
  const [loadError, setLoadError] = useState<ApiError | null>(null);
  const [attempt, setAttempt] = useState(0);

  const signedOut = useCallback(() => {
    setCsrfToken(null);
    setMe(null);
    setPermissions([]);
  }, []);

  const loadMe = useCallback(async () => {
    try {
      const r = await accessApi.session();
      if (!r.user) {
        signedOut();
        setLoadError(null);
        return;
      }
      setCsrfToken(r.csrfToken);
      setPermissions(r.permissions);
      setMe(r.user);
      setLoadError(null);
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) signedOut();
      else {
        setLoadError(err instanceof ApiError ? err : new ApiError({ status: 0, code: 'UNKNOWN', detail: String(err) }));
        setMe(null);
      }
    }
  }, [signedOut]);

  useEffect(() => {
    setUnauthenticatedHandler(signedOut);
    void loadMe();
    return () => setUnauthenticatedHandler(null);
  }, [loadMe, signedOut, attempt]);

  const login = useCallback(
    async (username: string, password: string) => {
      const r = await accessApi.login(username, password);
      setCsrfToken(r.csrfToken);
      // The permissions come with /auth/me; it also confirms the cookie took.
      await loadMe();
    },
    [loadMe],
  );

  const logout = useCallback(async () => {
    try {
      await accessApi.logout();
    } finally {
      signedOut();
    }
  }, [signedOut]);

  const value = useMemo<AuthState>(
    () => ({
      me,
      permissions,
      loadError,
      login,
      logout,
      can: (p) => permissions.includes(p),
      reload: () => setAttempt((n) => n + 1),
    }),
    [me, permissions, loadError, login, logout],
  );

  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthState {
  const ctx = useContext(AuthContext);
  if (!ctx) throw new Error('useAuth outside AuthProvider');
  return ctx;
}

/** The signed-in user; only for pages behind the login. */
export function useMe(): Me {
  const { me } = useAuth();
  if (!me) throw new Error('useMe without a signed-in user');
  return me;
}
