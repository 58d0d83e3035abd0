// The client for accounts: signing in and out, who is signed in, user management and one's own password.
import { json } from '../shared/api.ts';
import type { Me, MeResponse, Page } from '../shared/types.ts';
import type { CreatedUser, LoginResponse, NewUser, UserPatch, UserView } from './types.ts';

export const accessApi = {
  login: (username: string, password: string) =>
    json<LoginResponse>('POST', '/auth/login', { json: { username, password } }),
  logout: () => json<void>('POST', '/auth/logout'),
  me: () => json<MeResponse>('GET', '/auth/me'),
  /** Who is signed in, if anyone: user null for an anonymous visitor (no 401 on public pages). */
  session: () => json<Omit<MeResponse, 'user'> & { user: MeResponse['user'] | null }>('GET', '/auth/session'),

  users: (limit: number, offset: number, q?: string) =>
    json<Page<UserView>>('GET', '/users', { query: { limit, offset, q } }),
  createUser: (user: NewUser) => json<CreatedUser>('POST', '/users', { json: user }),
  updateUser: (id: string, patch: UserPatch) =>
    json<UserView>('PATCH', `/users/${encodeURIComponent(id)}`, { json: patch }),
  /** A generated password, shown once; the user must choose their own at the next sign-in. */
  resetPassword: (id: string) =>
    json<{ password: string | null }>('POST', `/users/${encodeURIComponent(id)}/password`, { json: {} }),
  changeOwnPassword: (currentPassword: string, newPassword: string) =>
    json<Me>('POST', '/auth/password', { json: { currentPassword, newPassword } }),
};
