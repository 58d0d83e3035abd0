// Sessions (cookie) and API tokens (Bearer): creating them and resolving a request to an Actor.
// Only hashes of the secrets are stored; the secrets live in the cookie or the caller's keeping.
import type { Executor } from '../db/database.ts';
import type { Services } from '../services.ts';
import { newId, randomToken, sha256 } from '../platform/crypto.ts';
import { isRole, type Actor } from './access.rules.ts';
import * as store from './access.store.ts';

export const SESSION_COOKIE = 'cordon_session';

/** How often a live session or token records that it was used (ms); fewer writes than every request. */
const TOUCH_INTERVAL_MS = 60_000;

export interface NewSession {
  token: string;
  csrfToken: string;
  expiresAt: number;
}

/**
 * Opens a session for the user; pass the sign-in transaction as `ex` so both commit together.
 * `ttlMs` overrides the configured lifetime (a resident's remembered device).
 */
export async function createSession(
  s: Services,
  userId: string,
  ex: Executor = s.db,
  ttlMs: number = s.config.sessionTtlMs,
): Promise<NewSession> {
  const token = randomToken();
  const csrfToken = randomToken(24);
  const now = s.clock.now();
  const expiresAt = now + ttlMs;
  await store.insertSession(ex, {
    id: sha256(token),
    user_id: userId,
    csrf_token: csrfToken,
    created_at: now,
    expires_at: expiresAt,
    last_seen_at: now,
  });
  return { token, csrfToken, expiresAt };
}

/** Ends the session behind a cookie token; returns its user id when there was one. */
export async function deleteSession(s: Services, token: string, ex: Executor = s.db): Promise<string | null> {
  return store.deleteSession(ex, sha256(token));
}

async function actorForUser(s: Services, userId: string, via: Actor['via']): Promise<Actor | null> {
  const row = await store.userById(s.db, userId);
  if (!row || row.disabled || !isRole(row.role)) return null;
  return {
    userId: row.id,
    username: row.username,
    displayName: row.display_name,
    role: row.role,
    areaId: row.area_id,
    areaPath: row.area_path,
    via,
    mustChangePassword: row.must_change_password === 1,
  };
}

/** The session behind a cookie token, if it is live; returns its CSRF token too. */
export async function resolveSession(s: Services, token: string): Promise<{ actor: Actor; csrfToken: string } | null> {
  const now = s.clock.now();
  const session = await store.sessionById(s.db, sha256(token));
  if (!session || session.expires_at <= now) return null;
  const actor = await actorForUser(s, session.user_id, 'session');
  if (!actor) return null;
  if (now - session.last_seen_at > TOUCH_INTERVAL_MS) await store.touchSession(s.db, session.id, now);
  return { actor, csrfToken: session.csrf_token };
}

export async function resolveApiToken(s: Services, token: string): Promise<Actor | null> {
  const now = s.clock.now();
  const row = await store.apiTokenByHash(s.db, sha256(token));
  if (!row || row.revoked_at !== null || (row.expires_at !== null && row.expires_at <= now)) return null;
  const actor = await actorForUser(s, row.user_id, 'token');
  if (!actor) return null;
  if (row.last_used_at === null || now - row.last_used_at > TOUCH_INTERVAL_MS)
    await store.touchApiToken(s.db, row.id, now);
  return actor;
}

/** API tokens are shown once: "cdn_<secret>"; only the hash is stored. */
export async function createApiToken(
  s: Services,
  userId: string,
  name: string,
  expiresAt: number | null,
  ex: Executor = s.db,
): Promise<{ id: string; token: string }> {
  const now = s.clock.now();
  const id = newId(now);
  const token = `cdn_${randomToken()}`;
  await store.insertApiToken(ex, {
    id,
    user_id: userId,
    name,
    token_hash: sha256(token),
    created_at: now,
    expires_at: expiresAt,
    revoked_at: null,
    last_used_at: null,
  });
  return { id, token };
}
