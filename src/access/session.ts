// Sessions (cookie) and API tokens (Bearer): creating them and resolving a request to an Actor.
import type { Services } from '../services.ts';
import { newId, randomToken, sha256 } from '../platform/crypto.ts';
import { isRole, type Actor } from './access.rules.ts';

export const SESSION_COOKIE = 'cordon_session';

export interface NewSession {
  token: string;
  csrfToken: string;
  expiresAt: number;
}

export async function createSession(s: Services, userId: string): Promise<NewSession> {
  const token = randomToken();
  const csrfToken = randomToken(24);
  const now = s.clock.now();
  const expiresAt = now + s.config.sessionTtlMs;
  await s.db.insertInto('session').values({
    id: sha256(token), user_id: userId, csrf_token: csrfToken, created_at: now, expires_at: expiresAt, last_seen_at: now,
  }).execute();
  return { token, csrfToken, expiresAt };
}

export async function deleteSession(s: Services, token: string): Promise<void> {
  await s.db.deleteFrom('session').where('id', '=', sha256(token)).execute();
}

async function actorForUser(s: Services, userId: string, via: Actor['via']): Promise<Actor | null> {
  const row = await s.db.selectFrom('app_user').innerJoin('area', 'area.id', 'app_user.area_id')
    .select(['app_user.id', 'app_user.username', 'app_user.display_name', 'app_user.role', 'app_user.disabled',
      'app_user.area_id', 'area.path'])
    .where('app_user.id', '=', userId).executeTakeFirst();
  if (!row || row.disabled || !isRole(row.role)) return null;
  return {
    userId: row.id, username: row.username, displayName: row.display_name, role: row.role,
    areaId: row.area_id, areaPath: row.path, via,
  };
}

/** The session behind a cookie token, if it is live; returns its CSRF token too. */
export async function resolveSession(s: Services, token: string): Promise<{ actor: Actor; csrfToken: string } | null> {
  const now = s.clock.now();
  const session = await s.db.selectFrom('session').selectAll().where('id', '=', sha256(token)).executeTakeFirst();
  if (!session || session.expires_at <= now) return null;
  const actor = await actorForUser(s, session.user_id, 'session');
  if (!actor) return null;
  if (now - session.last_seen_at > 60_000) {
    await s.db.updateTable('session').set({ last_seen_at: now }).where('id', '=', session.id).execute();
  }
  return { actor, csrfToken: session.csrf_token };
}

export async function resolveApiToken(s: Services, token: string): Promise<Actor | null> {
  const now = s.clock.now();
  const row = await s.db.selectFrom('api_token').selectAll().where('token_hash', '=', sha256(token)).executeTakeFirst();
  if (!row || row.revoked_at !== null || (row.expires_at !== null && row.expires_at <= now)) return null;
  const actor = await actorForUser(s, row.user_id, 'token');
  if (!actor) return null;
  if (row.last_used_at === null || now - row.last_used_at > 60_000) {
    await s.db.updateTable('api_token').set({ last_used_at: now }).where('id', '=', row.id).execute();
  }
  return actor;
}

/** API tokens are shown once: "cdn_<id>_<secret>"; only the hash is stored. */
export async function createApiToken(s: Services, userId: string, name: string, expiresAt: number | null): Promise<{ id: string; token: string }> {
  const id = newId(s.clock.now());
  const token = `cdn_${randomToken()}`;
  await s.db.insertInto('api_token').values({
    id, user_id: userId, name, token_hash: sha256(token), created_at: s.clock.now(), expires_at: expiresAt,
    revoked_at: null, last_used_at: null,
  }).execute();
  return { id, token };
}
